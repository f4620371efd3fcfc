"""Skill paths: the role ladder, the search over it, and the answers.

- :mod:`kg.paths.answers`: ``find_path``, ``gap``, ``next_roles``, ``ready`` over a graph.
- :mod:`kg.paths.ladder`: the ladder projected from the store, and its cache.
- :mod:`kg.paths.search` and :mod:`kg.paths.bounds`: exact and bounded search, lower bounds.
- :mod:`kg.paths.questions`: names resolved to IRIs; :mod:`kg.paths.results` and
  :mod:`kg.paths.render`: the answers as data, text, Markdown and JSON.
"""
