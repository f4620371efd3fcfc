"""The same read-only queries against a remote SPARQL 1.1 endpoint.

The SPARQL 1.1 Protocol has no way to bind parameters, so a named query's values travel as
a ``VALUES`` block at the start of the WHERE clause, made of RDF terms serialised by
pyoxigraph (IRIs validated, literals escaped) -- never as raw user text.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox

from kg import sparql
from kg.errors import QueryError
from kg.graph import KnowledgeGraph

ACCEPT_RESULTS = "application/sparql-results+json"
ACCEPT_GRAPH = "application/n-triples"


class RemoteGraph(KnowledgeGraph):
    """A :class:`KnowledgeGraph` whose queries go to ``endpoint`` over HTTP."""

    def __init__(self, endpoint: str, timeout: float = 60.0):
        try:
            parts = urllib.parse.urlsplit(endpoint)
            valid = parts.scheme in ("http", "https") and bool(parts.hostname) \
                and " " not in endpoint
        except ValueError:
            valid = False
        if not valid:
            raise QueryError(f"Endpoint '{endpoint}' is not an http(s) URL; "
                             "give e.g. http://localhost:3030/ds/sparql.")
        super().__init__(ox.Store())
        self.endpoint = endpoint
        self.timeout = timeout

    def run(self, query: str, bindings: dict | None = None):
        form = sparql.check_safe(query, allow_from=True, allow_service=self.allow_network)
        text = sparql.prefix_lines(query) + sparql.with_values(query, bindings or {})
        accept = ACCEPT_GRAPH if form in ("CONSTRUCT", "DESCRIBE") else ACCEPT_RESULTS
        body = urllib.parse.urlencode({"query": text}).encode()
        request = urllib.request.Request(
            self.endpoint, data=body, method="POST",
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                data = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace").strip().splitlines()
            raise QueryError(f"Endpoint {self.endpoint} answered {error.code}: "
                             f"{detail[0] if detail else error.reason}") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise QueryError(f"Cannot reach endpoint {self.endpoint}: {reason}; "
                             "check the URL and that the server runs.") from None
        try:
            if accept == ACCEPT_GRAPH:
                return _Triples(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
            results = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
            if isinstance(results, ox.QuerySolutions):
                list(results)  # parsing is lazy: find a bad reply here, not while printing
                results = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
            return results
        except SyntaxError as error:
            raise QueryError(f"Endpoint {self.endpoint} sent a reply that is not "
                             f"SPARQL results: {str(error).splitlines()[0]}") from None

    def labels(self) -> dict[str, str]:
        """Every label the endpoint has: one query that fetches them all, so the CLI asks
        for it only with ``--labels``."""
        if self._labels is None:
            self._labels = {}
            for row in self.named("labels"):
                if row["kind"] == "label":
                    self._labels.setdefault(row["entity"], row["label"])
        return self._labels


class _Triples(list):
    """Triples parsed from a remote CONSTRUCT/DESCRIBE answer (rendered like local ones)."""

    def __init__(self, triples):
        super().__init__(ox.Triple(t.subject, t.predicate, t.object) for t in triples)
