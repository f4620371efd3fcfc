"""What keeps the SPARQL endpoint up under hostile clients.

- :mod:`kg.serving.pool`: the query worker processes, a bounded and fair queue in front of
  them, and the cancellation of queries whose client has gone; :mod:`kg.serving.worker_loop`
  is a worker's side (the query guard runs there too), :mod:`kg.serving.page_jobs` the pages
  it makes (``/browse``, the ontology's HTML), :mod:`kg.serving.dispatch` hands a request's
  job to the pool, :mod:`kg.serving.paging` lists a large entity's links a page at a time.
- :mod:`kg.serving.protection`: HTTP-level limits (Host header, request framing, body size
  and time, slow or idle connections, a share of the connections per client address).
- :mod:`kg.serving.negotiation`: Accept headers and ``format=`` parameters.
- :mod:`kg.serving.protocol`: the SPARQL 1.1 Protocol's rules: the dataset a request names,
  the answer's media type per query form, the base IRI, the Service Description.
- :mod:`kg.serving.documents`: the release files at the ontology IRI's path, the home page.

:mod:`kg.serving.server` assembles them into the Starlette application; nothing here imports click.
"""
