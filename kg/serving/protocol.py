"""The SPARQL 1.1 Protocol's rules for the endpoint: the dataset, the base IRI, the answer's
media type, and the Service Description.

- **Dataset.** The endpoint serves the graph it was started with as its default graph, named
  :data:`GRAPH` (so a request can name it), plus any named graphs it was given
  (:class:`Served`). ``default-graph-uri`` and ``named-graph-uri`` naming served graphs build
  the request's dataset from them (the protocol's rule: the default graph is their merge, the
  named graphs exactly those listed); an empty value is ignored; a graph the endpoint does
  not serve is refused with the list of those it does, since fetching it would reach the
  network.
- **Base IRI.** Relative IRIs in a query resolve against the endpoint's URL (the request's
  URL without its query string), unless the query declares its own BASE.
- **Media types.** Chosen for the query's form: SELECT in SPARQL JSON, XML, CSV or TSV; ASK
  in JSON or XML only (the W3C CSV and TSV formats define no boolean: a CSV reader would see
  a header ``true`` and no rows); CONSTRUCT and DESCRIBE in Turtle, N-Triples, JSON-LD or
  RDF/XML. Nothing acceptable for the form: 406, never another format silently.
- **Service Description** (``GET /sparql`` without a query): the endpoint, the language,
  the result formats and the default dataset with its size, in Turtle, JSON-LD or RDF/XML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.serving.negotiation import FORMAT_PARAMS, negotiate
from kg.terminal import clip

#: the name of the endpoint's default graph (the graph it was started with)
GRAPH = "https://w3id.org/ai-leadership-kg/graph"

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

#: media type -> serializer name, per query form; the first is the default
SELECT_TYPES = {
    "application/sparql-results+json": "JSON",
    "application/sparql-results+xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
    "application/json": "JSON",
    "application/xml": "XML",
    "text/xml": "XML",
}
ASK_TYPES = {media: kind for media, kind in SELECT_TYPES.items() if kind in ("JSON", "XML")}
GRAPH_TYPES = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/ld+json": "JSON_LD",
    "application/rdf+xml": "RDF_XML",
    "text/plain": "N_TRIPLES",
}
TYPES = {"SELECT": SELECT_TYPES, "ASK": ASK_TYPES, "CONSTRUCT": GRAPH_TYPES,
         "DESCRIBE": GRAPH_TYPES}
#: what each serializer is in the W3C's format registry (for the Service Description)
REGISTRY = {"JSON": "SPARQL_Results_JSON", "XML": "SPARQL_Results_XML",
            "CSV": "SPARQL_Results_CSV", "TSV": "SPARQL_Results_TSV", "TURTLE": "Turtle",
            "N_TRIPLES": "N-Triples", "JSON_LD": "JSON-LD", "RDF_XML": "RDF_XML"}
DESCRIPTION_TYPES = {"text/turtle": "TURTLE", "application/ld+json": "JSON_LD",
                     "application/rdf+xml": "RDF_XML"}


class Refused(Exception):
    """A request the protocol lets the endpoint refuse; ``status`` and a one-line reason."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Served:
    """The graphs an endpoint serves: the default graph's size, and named graphs' sizes."""

    size: int
    named: dict[str, int] = field(default_factory=dict)

    def names(self) -> list[str]:
        return [GRAPH, *self.named]


@dataclass(frozen=True)
class Dataset:
    """The dataset one request queries: graph names for pyoxigraph's ``default_graph`` and
    ``named_graphs`` (:data:`GRAPH` is the endpoint's own graph)."""

    default: tuple[str, ...] = (GRAPH,)
    named: tuple[str, ...] = ()
    #: named by the request (default-graph-uri, named-graph-uri): it then overrides the
    #: query's FROM clauses (the protocol's rule, and pyoxigraph's), so they fetch nothing
    given: bool = False


def dataset(params: dict[str, list[str]], served: Served) -> Dataset:
    """The request's dataset from ``default-graph-uri`` / ``named-graph-uri`` (empty ignored).

    >>> dataset({"default-graph-uri": [""]}, Served(10))
    Dataset(default=('https://w3id.org/ai-leadership-kg/graph',), named=(), given=False)
    """
    default = [g.strip() for g in params.get("default-graph-uri", []) if g.strip()]
    named = [g.strip() for g in params.get("named-graph-uri", []) if g.strip()]
    known = set(served.names())
    for clause, graphs in (("default-graph-uri", default), ("named-graph-uri", named)):
        for graph in graphs:
            if graph not in known:
                listed = ", ".join(f"<{g}>" for g in served.names())
                raise Refused(400, f"{clause} <{graph}> is not a graph this endpoint serves, "
                                   f"and it does not fetch graphs; name one of {listed}, or "
                                   "leave the parameter out.")
    if not default and not named:
        return Dataset(named=tuple(served.named))
    return Dataset(tuple(dict.fromkeys(default)), tuple(dict.fromkeys(named)), given=True)


def snapshot(graph, graphs: dict[str, str | None], path) -> Served:
    """Write the endpoint's dataset as N-Quads at ``path`` for its query workers: ``graph``
    (a :class:`kg.graph.KnowledgeGraph`) as the graph named :data:`GRAPH`, and each named
    graph of ``graphs`` (IRI -> RDF file, None for an empty graph). Streamed, never held
    twice in memory. Returns the sizes."""
    import pyoxigraph as ox

    sizes = {}
    with open(path, "wb") as out:
        name = ox.NamedNode(GRAPH)
        ox.serialize((ox.Quad(q.subject, q.predicate, q.object, name) for q in graph.triples()),
                     out, format=ox.RdfFormat.N_QUADS)
        for iri, file in graphs.items():
            target = ox.NamedNode(iri)  # a ValueError names a bad IRI
            sizes[iri] = 0
            if file is None:
                continue
            fmt = ox.RdfFormat.from_extension(Path(file).suffix[1:]) or ox.RdfFormat.TURTLE
            counted = _counted(ox.parse(path=str(file), format=fmt,
                                        base_iri=Path(file).resolve().as_uri()), sizes, iri)
            ox.serialize((ox.Quad(q.subject, q.predicate, q.object, target) for q in counted),
                         out, format=ox.RdfFormat.N_QUADS)
    return Served(len(graph), sizes)


def _counted(quads, sizes: dict[str, int], key: str):
    for quad in quads:
        sizes[key] += 1
        yield quad


def check_content_type(header: str | None) -> None:
    """Refuse a body whose charset is not UTF-8 (the protocol's only encoding)."""
    for param in (header or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
                "utf-8", "utf8"):
            raise Refused(415, f"The body's charset is {value.strip()}; send it in UTF-8 "
                               "(the protocol's encoding).")


def answer_kind(form: str, accept: str | None, fmt: str | None) -> str:
    """The serializer for a ``form`` query asked for with ``accept`` (or ``format=``)."""
    offered = TYPES[form]
    if fmt and fmt.lower() in FORMAT_PARAMS:
        solutions, graph = FORMAT_PARAMS[fmt.lower()]
        kind = graph if offered is GRAPH_TYPES else solutions
        if kind in offered.values():
            return kind
        raise Refused(406, f"format={clip(fmt, 100)} does not fit {_a(form)} result; ask for one of: "
                           f"{', '.join(dict.fromkeys(offered))}.")
    kind = negotiate(accept, offered)
    if kind is None:
        raise Refused(406, f"Cannot answer {_a(form)} query in '{clip(accept, 100)}'; ask for "
                           f"one of: {', '.join(offered)}.")
    return kind


def _a(form: str) -> str:
    return ("an " if form == "ASK" else "a ") + form


def description(endpoint: str, served: Served, accept: str | None) -> tuple[bytes, str]:
    """The Service Description of the endpoint at ``endpoint``: (body, media type)."""
    import pyoxigraph as ox

    kind = negotiate(accept, DESCRIPTION_TYPES)
    if kind is None:
        raise Refused(406, f"The service description is in {', '.join(DESCRIPTION_TYPES)}; "
                           f"cannot answer in '{accept}'.")
    triples = _description(endpoint, served)
    first: dict = {}  # one block per subject in Turtle: the service first
    for triple in triples:
        first.setdefault(triple.subject, len(first))
    triples.sort(key=lambda t: first[t.subject])
    prefixes = {"sd": SD, "void": VOID, "formats": FORMATS}
    kwargs = {"prefixes": prefixes} if kind == "TURTLE" else {}
    body = ox.serialize(triples, format=getattr(ox.RdfFormat, kind), **kwargs)
    media = next(m for m, k in DESCRIPTION_TYPES.items() if k == kind)
    return body, media


def _description(endpoint: str, served: Served) -> list:
    import pyoxigraph as ox

    def iri(value: str):
        return ox.NamedNode(value)

    service, data, default = iri(endpoint), ox.BlankNode(), ox.BlankNode()
    out = [
        ox.Triple(service, iri(RDF_TYPE), iri(SD + "Service")),
        ox.Triple(service, iri(SD + "endpoint"), service),
        ox.Triple(service, iri(SD + "supportedLanguage"), iri(SD + "SPARQL11Query")),
        ox.Triple(service, iri(SD + "defaultDataset"), data),
        ox.Triple(data, iri(RDF_TYPE), iri(SD + "Dataset")),
        ox.Triple(data, iri(SD + "defaultGraph"), default),
        ox.Triple(default, iri(RDF_TYPE), iri(SD + "Graph")),
        ox.Triple(default, iri(VOID + "triples"), _integer(served.size)),
    ]
    for kind in dict.fromkeys([*SELECT_TYPES.values(), *GRAPH_TYPES.values()]):
        out.append(ox.Triple(service, iri(SD + "resultFormat"), iri(FORMATS + REGISTRY[kind])))
    for name, size in served.named.items():
        out += _named_graph(data, name, size)
    # every graph a request may name in default-graph-uri / named-graph-uri, this one too
    available = ox.BlankNode()
    out += [ox.Triple(service, iri(SD + "availableGraphs"), available),
            ox.Triple(available, iri(RDF_TYPE), iri(SD + "GraphCollection")),
            *_named_graph(available, GRAPH, served.size)]
    for name, size in served.named.items():
        out += _named_graph(available, name, size)
    return out


def _named_graph(owner, name: str, size: int) -> list:
    import pyoxigraph as ox

    named, graph = ox.BlankNode(), ox.BlankNode()
    return [
        ox.Triple(owner, ox.NamedNode(SD + "namedGraph"), named),
        ox.Triple(named, ox.NamedNode(RDF_TYPE), ox.NamedNode(SD + "NamedGraph")),
        ox.Triple(named, ox.NamedNode(SD + "name"), ox.NamedNode(name)),
        ox.Triple(named, ox.NamedNode(SD + "graph"), graph),
        ox.Triple(graph, ox.NamedNode(RDF_TYPE), ox.NamedNode(SD + "Graph")),
        ox.Triple(graph, ox.NamedNode(VOID + "triples"), _integer(size)),
    ]


def _integer(value: int):
    import pyoxigraph as ox

    return ox.Literal(str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
