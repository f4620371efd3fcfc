"""The same read-only queries against a remote SPARQL 1.1 endpoint.

:class:`RemoteGraph` is a :class:`kg.graph.KnowledgeGraph` whose ``run`` sends the query over
HTTP, so every reader built on ``run``/``query``/``named`` (paths, describe, search, stats, the
pictures) works unchanged against a store. Only the few methods that read the local store's
triples directly are redone here as queries (``labels``, ``__len__``, ``triples``).

The SPARQL 1.1 Protocol has no way to bind parameters, so a named query's values travel as
a ``VALUES`` block at the start of the WHERE clause, made of RDF terms serialised by
pyoxigraph (IRIs validated, literals escaped) -- never as raw user text.
"""

from __future__ import annotations

import hashlib
import urllib.parse
from pathlib import Path

import pyoxigraph as ox

from kg.query import sparql
from kg.errors import QueryError
from kg.graph import KnowledgeGraph
from kg.remote.http import Connection, RemoteError, summary

ACCEPT_RESULTS = "application/sparql-results+json"
ACCEPT_GRAPH = "application/n-triples"


class RemoteGraph(KnowledgeGraph):
    """A :class:`KnowledgeGraph` whose queries go to ``endpoint`` over HTTP.

    ``graph``: the named graph holding the knowledge graph on that store (sent as the
    protocol's ``default-graph-uri``); ``None`` queries the store's default graph.
    """

    def __init__(self, endpoint: str, timeout: float = 30.0, graph: str | None = None):
        super().__init__(ox.Store())  # never filled: every read goes to the endpoint
        self.connection = Connection(endpoint, timeout)
        self.endpoint = endpoint
        self.timeout = timeout
        self.graph = check_graph_iri(graph) if graph else None
        self._label_rows: dict[str | None, list[dict]] = {}
        self._ladder: dict[str, bytes] | None = None  # the tables (kg.remote.ladder)
        self._mirror: ox.Store | None = None
        #: a folder where the ladder built from this store's tables is kept, under the
        #: tables' SHA-256 (kg.paths.answers.project); the command line gives the workspace's
        self.keep_in: Path | None = None

    @property
    def requests(self) -> int:
        """HTTP requests sent so far."""
        return self.connection.requests

    def run(self, query: str, bindings: dict | None = None, base: str | None = None):
        """Send a read-only query; pyoxigraph results. ``base``: the absolute IRI relative IRIs
        resolve against, sent as a BASE declaration before the query's own prologue (so a
        BASE of the query's own still wins); without it the endpoint's URL is the base."""
        form = sparql.check_safe(query, allow_from=True, allow_service=self.allow_network)
        base = sparql.check_base(base)
        accept = ACCEPT_GRAPH if form in ("CONSTRUCT", "DESCRIBE") else ACCEPT_RESULTS
        data, content_type = self._send(query, bindings, accept, base)
        return self._parse(data, content_type, accept)

    def fetch(self, query: str, bindings: dict | None, accept: str) -> bytes:
        """The endpoint's raw answer to a trusted query, in the format ``accept`` names."""
        sparql.check_safe(query, allow_from=True, allow_service=self.allow_network)
        return self._send(query, bindings, accept)[0]

    def _send(self, query: str, bindings: dict | None, accept: str,
              base: str | None = None) -> tuple[bytes, str]:
        text = sparql.prefix_lines(query) + sparql.with_values(query, bindings or {})
        if base is not None:  # an IRI pyoxigraph validated: it cannot hold '>'
            text = f"BASE <{base}>\n{text}"
        fields = {"query": text}
        if self.graph:
            fields["default-graph-uri"] = self.graph
        data, content_type = self.connection.send(
            self.endpoint, urllib.parse.urlencode(fields).encode(),
            content_type="application/x-www-form-urlencoded", accept=accept)
        if "html" in content_type.lower():
            raise RemoteError(f"Endpoint {self.endpoint} sent an HTML page, not SPARQL "
                              f"results ({summary(data, content_type)}); check that the URL "
                              "is the store's SPARQL query endpoint.")
        return data, content_type

    def _parse(self, data: bytes, content_type: str, accept: str):
        try:
            if accept == ACCEPT_GRAPH:
                return _Triples(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
            check_head(data, self.endpoint)
            if b"nodeID:" in data or b"#boolean" in data:
                data = _repaired(data)
            return _results(data)
        except (SyntaxError, ValueError) as error:
            raise RemoteError(f"Endpoint {self.endpoint} sent a reply that is not "
                              f"SPARQL results: {str(error).splitlines()[0]} "
                              f"(it began: {summary(data[:80], content_type)!r})") from None

    def labels(self) -> dict[str, str]:
        """Every IRI's ``rdfs:label`` (the least when there are several): one plain request
        for them all, none once the ladder was fetched. The CLI asks for labels only with
        ``--labels`` and where answers show them."""
        if self._labels is None:
            from kg.remote import ladder

            if self._ladder is not None:
                data = self._ladder[ladder.RDFS + "label"]
            else:
                data = ladder.table(self, ladder.RDFS + "label")
            self._labels = ladder.labels(data, self.endpoint)
        return self._labels

    def named_labels(self, cls: str | None) -> list[dict]:
        """The labels of a class, fetched once per class (resolving many names costs one
        request, not one per name)."""
        if cls not in self._label_rows:
            self._label_rows[cls] = super().named_labels(cls)
        return self._label_rows[cls]

    def named_cached(self, name: str, **params) -> list[dict]:
        """A catalogue query's rows; the path projection's from the triples it reads,
        fetched once in a few plain requests (:mod:`kg.remote.ladder`)."""
        from kg.remote import ladder

        if name == "skills-for-role" and not params:
            return ladder.skill_rows(self.ladder()[0])
        if name in ladder.ON_MIRROR and (name != "labels" or self._mirror is not None):
            return ladder.on_mirror(self.ladder()[1], name, params)
        return self.named(name, **params)

    def ladder(self) -> tuple[dict[str, bytes], ox.Store]:
        """The tables of the ladder's predicates and the mirror store, each made on first
        use (:mod:`kg.remote.ladder`)."""
        if self._mirror is None:
            from kg.remote import ladder

            self._mirror = ladder.mirror(self._tables(), self.endpoint)
        return self._tables(), self._mirror

    def _tables(self) -> dict[str, bytes]:
        """The tables of the ladder's predicates, fetched once."""
        if self._ladder is None:
            from kg.remote import ladder

            self._ladder = ladder.fetch(self)
        return self._ladder

    def kept_ladder(self) -> tuple[Path, str, str] | None:
        """Where the ladder of this store is kept (:attr:`keep_in`, a name for this endpoint
        and graph) and the key it is kept under: the SHA-256 of the tables it is built from,
        fetched here. None without a folder."""
        if self.keep_in is None:
            return None
        from kg.remote import ladder

        tables, key = self._tables(), hashlib.sha256()
        for predicate in ladder.PREDICATES:
            key.update(b"%d\n" % len(tables[predicate]))
            key.update(tables[predicate])
        store = hashlib.sha256(f"{self.endpoint}\n{self.graph or ''}".encode()).hexdigest()
        return self.keep_in, store[:16], key.hexdigest()

    def __len__(self) -> int:
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(rows[0]["n"]) if rows else 0

    def triples(self):
        """Every triple of the graph (one CONSTRUCT)."""
        return self.run("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")

    def rdflib_graph(self):
        import rdflib

        graph = rdflib.Graph()
        graph.parse(data=ox.serialize(self.triples(), format=ox.RdfFormat.N_TRIPLES),
                    format="nt")
        return graph


def check_graph_iri(iri: str) -> str:
    """``iri`` if it is an absolute IRI usable as a graph name, else a :class:`QueryError`."""
    try:
        ox.NamedNode(iri)
        absolute = bool(urllib.parse.urlsplit(iri).scheme)
    except ValueError:
        absolute = False
    if not absolute:
        raise QueryError(f"Graph '{iri}' is not an absolute IRI; give e.g. "
                         "https://example.org/graphs/careers.")
    return iri


#: variables a results header may name: pyoxigraph's JSON parser is quadratic in them (10k
#: took 0.5 s, 40k 9 s; 2M hung it); no query of ours selects more than a few dozen
MAX_VARIABLES = 1000
#: the header must come within this many bytes (every store writes it first)
_HEAD_WITHIN = 2**20


def check_head(data: bytes, endpoint: str) -> None:
    """Refuse SPARQL JSON results whose ``head`` names more than :data:`MAX_VARIABLES`
    variables, or that do not open with their ``head`` in the first MiB.

    Decided on the JSON members, decoded one by one from the top-level object until the
    head (the bindings after it are never decoded here). Anything that is not such an object
    is left to pyoxigraph's parser to judge.
    """
    import json

    text = data[:_HEAD_WITHIN].decode("utf-8", "ignore")
    decoder, space = json.JSONDecoder(), json.decoder.WHITESPACE
    at = space.match(text, 0).end()
    if text[at:at + 1] != "{":
        return
    at += 1
    while True:
        key = None
        try:
            key, at = decoder.raw_decode(text, space.match(text, at).end())
            at = space.match(text, at).end()
            if text[at:at + 1] != ":":
                return
            value, at = decoder.raw_decode(text, space.match(text, at + 1).end())
        except json.JSONDecodeError:
            if len(data) <= _HEAD_WITHIN:
                return  # malformed: the parser says where
            what = ("is over 1 MiB (far more than 1,000 variables)" if key == "head"
                    else "does not come within their first MiB")
            raise RemoteError(f"Endpoint {endpoint} sent SPARQL results whose head {what}; "
                              "refused unread.") from None
        if key == "head":
            names = value.get("vars") if isinstance(value, dict) else None
            if isinstance(names, list) and len(names) > MAX_VARIABLES:
                raise RemoteError(f"Endpoint {endpoint} sent SPARQL results naming "
                                  f"{len(names):,} variables (at most {MAX_VARIABLES:,} are "
                                  "read); check the endpoint.")
            return
        at = space.match(text, at).end()
        if text[at:at + 1] != ",":
            return
        at += 1


def _results(data: bytes):
    results = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    if isinstance(results, ox.QuerySolutions):
        list(results)  # parsing is lazy: find a bad reply here, not while printing
        results = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    return results


_CANONICAL = {"1": "true", "0": "false"}


def _repaired(data: bytes) -> bytes:
    """The results in standard form where a store strays (Virtuoso names blank nodes
    ``nodeID://b10001``, which is no blank node label, and writes ``"1"^^xsd:boolean``);
    labels stay distinct and stable. Anything else is left for the parser to judge."""
    import json
    import re

    try:
        parsed = json.loads(data)
        for row in parsed["results"]["bindings"]:
            for term in row.values():
                if term.get("type") == "bnode":
                    term["value"] = "b" + re.sub(r"[^A-Za-z0-9]",
                                                 lambda m: f"_{ord(m.group(0)):x}_",
                                                 term["value"])
                elif term.get("datatype") == sparql.XSD + "boolean":
                    term["value"] = _CANONICAL.get(term["value"], term["value"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return data  # not the JSON results shape: let the parser say what is wrong
    return json.dumps(parsed).encode()


class _Triples(list):
    """Triples parsed from a remote CONSTRUCT/DESCRIBE answer (rendered like local ones)."""

    def __init__(self, triples):
        super().__init__(ox.Triple(t.subject, t.predicate, t.object) for t in triples)
