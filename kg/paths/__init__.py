"""Skill paths: the role ladder as a NetworkX graph, the search over it, and the answers.

- :mod:`kg.paths.answers`: ``find_path``, ``gap``, ``next_roles`` over a graph;
  :mod:`kg.paths.readiness`: ``ready``.
- :mod:`kg.paths.projection`: the ladder projected from the store (skills held under any
  name, estimated skills), :mod:`kg.paths.overlap`: moves from skill overlap;
  :mod:`kg.paths.roles`: the ladder as a ``networkx.DiGraph``; :mod:`kg.paths.ladder` and
  :mod:`kg.paths.table`: its kept bytes beside a workspace store.
- :mod:`kg.paths.search` (:mod:`~kg.paths.problem`, :mod:`~kg.paths.exact`,
  :mod:`~kg.paths.fallback`) and :mod:`kg.paths.bounds`: networkx's A* and Dijkstra, exact
  and bounded, and the lower bounds.
- :mod:`kg.paths.questions`: names resolved to IRIs; :mod:`kg.paths.results` and
  :mod:`kg.paths.render`: the answers as data, text, Markdown and JSON.
"""
