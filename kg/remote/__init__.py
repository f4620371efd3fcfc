"""The graph in someone else's triple store: read it there, or load it there.

- :mod:`kg.remote.graph`: :class:`RemoteGraph`, the read interface of
  :class:`kg.graph.KnowledgeGraph` over a SPARQL 1.1 endpoint (every read command's
  ``--endpoint``).
- :mod:`kg.remote.push`: :func:`push`, the release plus the user's files into a named graph
  through the Graph Store HTTP Protocol or SPARQL Update, all or nothing.
- :mod:`kg.remote.discover`: one URL per server: a store's query, update and graph-store
  URLs from its Service Description and the known layouts.
- :mod:`kg.remote.http`: credentials (environment or netrc), TLS, time limits, retries and
  one-line errors naming the endpoint.
"""

from kg.remote.graph import RemoteGraph  # noqa: F401  (the entry point most callers want)
