"""Checks of the graph: SHACL shapes, ``*-violation.rq`` queries, OWL consistency.

- :mod:`kg.checks.validate`: the checks a build and ``aikg validate`` run.
- :mod:`kg.checks.report`: their report, every problem with its rule and severity.
- :mod:`kg.checks.severity`: error / warning / info, read from the shapes and the query headers.
- :mod:`kg.checks.focus` and :mod:`kg.checks.screen`: which nodes a user's additions can make fail.
- :mod:`kg.checks.owl`: consistency with HermiT; :mod:`kg.checks.jena`: Apache Jena's tools.
"""
