"""One URL per server: find a store's query, update and Graph Store Protocol URLs.

A store is asked once (``GET`` the URL, asking for RDF) and read two ways:

- its **SPARQL 1.1 Service Description**, when the answer is one: ``sd:endpoint`` of the
  service that supports ``sd:SPARQL11Query`` is the query URL, of the one that supports
  ``sd:SPARQL11Update`` the update URL (Oxigraph server describes ``/query`` and ``/update``
  so; ``aikg serve`` describes ``/sparql``);
- the **layout of the server** it says it is (the ``Server`` header), for what the
  description does not give: Oxigraph server (``/query``, ``/update``, ``/store``), Virtuoso
  (``/sparql``, ``/sparql-auth``, ``/sparql-graph-crud-auth``: Virtuoso takes updates and graph
  uploads only from an authenticated user), Apache Jena Fuseki (``DATASET/query``,
  ``DATASET/update``, ``DATASET/data``).

A bare server URL (no path) of a server known neither way is tried once more at ``/sparql``
for a description. Whatever is found no way stays as given: the URL is then taken to be the
query URL.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field

from kg.remote.http import Connection, RemoteError, check_url

SD = "http://www.w3.org/ns/sparql-service-description#"
ACCEPT = "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, */*;q=0.1"


@dataclass
class Found:
    """The URLs of one store, and where each came from."""

    query: str
    update: str | None = None
    gsp: str | None = None
    server: str = ""  #: the ``Server`` header, e.g. ``Oxigraph/0.5.13``
    query_described: bool = False  #: the query URL came from a service description
    sources: list[str] = field(default_factory=list)  #: "service description", "layout of ..."

    def summary(self) -> str:
        """One line for people: what was found and how."""
        parts = [f"query {self.query}"]
        if self.update:
            parts.append(f"update {self.update}")
        if self.gsp:
            parts.append(f"graph store {self.gsp}")
        how = " and ".join(self.sources) or "nothing found; the URL taken as the query URL"
        return f"{', '.join(parts)} ({how})"


#: known layouts: a server name in the Server header -> (what to strip from the URL's path
#: to get the base, the query, update and graph store paths under that base)
LAYOUTS = {
    "oxigraph": (("/query", "/update", "/store"), "/query", "/update", "/store", False),
    "virtuoso": (("/sparql", "/sparql-auth", "/sparql-graph-crud-auth", "/sparql-graph-crud"),
                 "/sparql", "/sparql-auth", "/sparql-graph-crud-auth", True),
    "fuseki": (("/query", "/sparql", "/update", "/data", "/get"), "/query", "/update", "/data",
               False),
}


def discover(url: str, timeout: float = 30.0) -> Found:
    """The query, update and graph-store URLs of the store at ``url`` (any one of its URLs)."""
    check_url(url)
    connection = Connection(url, timeout)
    try:
        data, content_type = connection.send(url, method="GET", accept=ACCEPT)
    except RemoteError as error:
        if error.status is None:  # not reached at all: say so, not "nothing found"
            raise
        data, content_type = b"", ""
    found = Found(query=url, server=connection.server)
    _read_description(found, url, data, content_type)
    _apply_layout(found, url)
    if not found.sources and urllib.parse.urlsplit(url).path in ("", "/"):
        # a bare server URL of an unknown server: /sparql is the usual place (aikg serve,
        # Virtuoso, Blazegraph, ...); kept only if a service description answers there
        guess = url.rstrip("/") + "/sparql"
        try:
            data, content_type = connection.send(guess, method="GET", accept=ACCEPT)
        except RemoteError:
            return found
        _read_description(found, guess, data, content_type)
    return found


def query_url(endpoint: str, timeout: float, say) -> str:
    """The query URL of a store given by its bare server URL (no path, never a query
    endpoint itself: Oxigraph answers its page there); what was found is told to ``say``.
    Any other URL is taken as the query URL, with no extra request."""
    if urllib.parse.urlsplit(check_url(endpoint)).path not in ("", "/"):
        return endpoint
    found = discover(endpoint, timeout=timeout)
    say(f"Found at {endpoint}: {found.summary()}.")
    return found.query


def _read_description(found: Found, url: str, data: bytes, content_type: str) -> None:
    import pyoxigraph as ox

    media = content_type.split(";")[0].strip().lower()
    formats = {"text/turtle": ox.RdfFormat.TURTLE, "application/rdf+xml": ox.RdfFormat.RDF_XML,
               "application/ld+json": ox.RdfFormat.JSON_LD,
               "application/n-triples": ox.RdfFormat.N_TRIPLES}
    if media not in formats or not data:
        return
    try:
        triples = [q.triple for q in ox.parse(data, format=formats[media], base_iri=url)]
    except (SyntaxError, ValueError):
        return
    endpoints, languages = {}, {}
    for t in triples:
        if t.predicate.value == SD + "endpoint" and isinstance(t.object, ox.NamedNode):
            endpoints[t.subject] = t.object.value
        elif t.predicate.value == SD + "supportedLanguage":
            languages.setdefault(t.subject, set()).add(t.object.value.removeprefix(SD))
    asked = urllib.parse.urlsplit(url)[:2]
    described = False
    for service, endpoint in endpoints.items():
        # only where we asked: Virtuoso describes http://localuriqaserver/sparql unless
        # configured, a host no client can reach
        if urllib.parse.urlsplit(endpoint)[:2] != asked:
            continue
        spoken = languages.get(service, set())
        if spoken & {"SPARQL11Query", "SPARQL10Query"}:
            found.query, found.query_described = endpoint, True
            described = True
        if "SPARQL11Update" in spoken:
            found.update = endpoint
            described = True
    if described:
        found.sources.append("its service description")


def _apply_layout(found: Found, url: str) -> None:
    name = next((n for n in LAYOUTS if n in found.server.lower()), None)
    if name is None:
        return
    strip, query, update, gsp, root = LAYOUTS[name]
    parts = urllib.parse.urlsplit(url)
    path = parts.path.rstrip("/")
    if root:  # Virtuoso: its endpoints hang off the server's root
        path = ""
    for tail in strip:
        if path.endswith(tail):
            path = path[: -len(tail)]
            break
    base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    if not found.query_described:
        found.query = base + query
    found.update = found.update or base + update
    found.gsp = found.gsp or base + gsp
    found.sources.append(f"the layout of {found.server.split('/')[0] or name}")

