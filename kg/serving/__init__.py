"""What keeps the SPARQL endpoint up under hostile clients.

- :mod:`kg.serving.pool`: the query worker processes, a bounded and fair queue in front of
  them, and the cancellation of queries whose client has gone.
- :mod:`kg.serving.protection`: HTTP-level limits (Host header, request framing, body size
  and time, slow or idle connections).
- :mod:`kg.serving.negotiation`: Accept headers and ``format=`` parameters.
- :mod:`kg.serving.protocol`: the SPARQL 1.1 Protocol's rules: the dataset a request names,
  the answer's media type per query form, the base IRI, the Service Description.
- :mod:`kg.serving.documents`: the release files at the ontology IRI's path, the home page.

:mod:`kg.serving.server` assembles them into the Starlette application; nothing here imports click.
"""
