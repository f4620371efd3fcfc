"""SPARQL on the graph: the text, the guard, the catalogue, the result formats, runaway control.

- :mod:`kg.query.sparql`: query text handling shared by the local store and remote endpoints.
- :mod:`kg.query.guard`: what a request does, decided on a real parser's tree.
- :mod:`kg.query.lexer`: SPARQL's terminals as pyoxigraph reads them: the guard's fast path,
  ``\\u`` escapes, relative IRIs.
- :mod:`kg.query.catalogue`: the named queries in ``kg/queries/*.rq``.
- :mod:`kg.query.formats`: the W3C result formats and readable tables.
- :mod:`kg.query.writers`: CSV and XML results that keep the data exact.
- :mod:`kg.query.killable` and :mod:`kg.query.sandbox`: a query in a child that can be stopped,
  with no way to the network.
- :mod:`kg.query.describe`: everything about one entity, grouped for a reader.
- :mod:`kg.query.prepared`: catalogue answers without parameters prepared once beside a
  workspace store (``aikg prepare``); :mod:`kg.query.textsearch`: ``search`` answered from the
  full-text index kept there.
"""
