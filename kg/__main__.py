"""``python -m kg``: the ``aikg`` command line."""

from kg.cli import run

run()
