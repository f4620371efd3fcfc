"""The ``aikg`` command line from a checkout: ``python cli.py ...`` runs ``kg.cli``.

The commands live in the package (:mod:`kg.cli`), so an installed wheel adds no top-level
``cli`` module to site-packages; ``aikg`` and ``python -m kg`` call the same ``main``.
"""

from kg.cli import main

if __name__ == "__main__":
    main()
