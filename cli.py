"""The ``aikg`` command line from a checkout: ``python cli.py ...`` runs ``kg.cli``.

The commands live in the package (:mod:`kg.cli`), so an installed wheel adds no top-level
``cli`` module to site-packages; ``aikg``, ``python -m kg`` and this file call the same ``run``.
"""

from kg.cli import main, run  # noqa: F401  (main: for tests and embedding)

if __name__ == "__main__":
    run()
