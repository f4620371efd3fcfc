"""Offline pages: the graph, the ladder, a path, charts and the ontology's reference.

- :mod:`kg.pages.viz`: the graph pages; :mod:`kg.pages.path_page`: the skill-path page.
- :mod:`kg.pages.data`, :mod:`kg.pages.style`, :mod:`kg.pages.render`: their data (from
  catalogue queries), their look, and the self-contained HTML.
- :mod:`kg.pages.charts`, :mod:`kg.pages.docs`, :mod:`kg.pages.index`: charts, the reference
  page, and the index of a folder of pages.
"""
