"""``python -m kg``: the ``aikg`` command line."""

from kg.cli import main

main(prog_name="aikg")
