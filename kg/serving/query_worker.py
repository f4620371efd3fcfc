"""The query side of the endpoint's worker processes: run one SPARQL query, serialize it.

pyoxigraph has no query timeout and does not stop on signals, so the only way to bound a
query is to run it in another process and kill that process (see :mod:`kg.serving.pool`).
A worker holds its own copy of the graph (loaded from an N-Triples snapshot) and, before it
loads anything, cuts itself off the network (:func:`kg.query.sandbox.deny_network`) and caps its
address space (RLIMIT_AS), so a query that reaches past the guard cannot call out and one
that eats memory kills only its worker.

Results are serialized in the worker with pyoxigraph's own serializers into a buffer capped
in bytes as well as in rows; only bytes cross the pipe. Nothing here imports a web framework.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from kg.errors import QueryError

#: the media type sent back for each serializer (aliases answer with the canonical type)
CANONICAL = {
    "JSON": "application/sparql-results+json",
    "XML": "application/sparql-results+xml",
    "CSV": "text/csv; charset=utf-8",
    "TSV": "text/tab-separated-values; charset=utf-8",
    "TURTLE": "text/turtle; charset=utf-8",
    "N_TRIPLES": "application/n-triples",
    "JSON_LD": "application/ld+json",
    "RDF_XML": "application/rdf+xml",
}


@dataclass(frozen=True)
class Job:
    """One query for a worker: its text, the base IRI for relative IRIs, and its dataset
    (graph names for the default graph and the named graphs; see
    :mod:`kg.serving.protocol`)."""

    text: str
    base: str | None = None
    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """What the worker sends back: an HTTP status, a media type, the body, and a note for
    the server's log line (the query form)."""

    status: int
    media_type: str
    body: bytes
    note: str = ""


@dataclass(frozen=True)
class Limits:
    """What a worker enforces on each query (the server's ``--max-rows`` and friends)."""

    max_rows: int = 10000
    max_bytes: int = 32 * 2**20  #: largest serialized answer
    memory_bytes: int = 2**30  #: RLIMIT_AS of the worker process; 0: no cap
    allow_network: bool = False  #: True only when the operator passed --allow-network


def _error(status: int, message: str, note: str = "") -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), note)


class _TooLarge(Exception):
    """The answer grew past ``Limits.max_bytes``."""


class _CappedBuffer:
    """A write-only file for pyoxigraph's serializers that refuses to grow past ``cap`` bytes."""

    def __init__(self, cap: int):
        self.cap = cap
        self.size = 0
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.size += len(data)
        if self.size > self.cap:
            raise _TooLarge
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def value(self) -> bytes:
        return b"".join(self.parts)


# -- inside the worker process -----------------------------------------------------------
def _term_json(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {  # RDF-star quoted triple
        "subject": _term_json(term.subject),
        "predicate": _term_json(term.predicate),
        "object": _term_json(term.object),
    }}


def _capped_solutions(results, limits: Limits):
    """Up to ``max_rows`` solutions as a new QuerySolutions; None when there are more.

    Raises :class:`_TooLarge` as soon as the values alone pass the byte cap, so a handful of
    huge literals stops the query before it is all held in memory.
    """
    import pyoxigraph as ox

    names = [v.value for v in results.variables]
    bindings = []
    size = 0
    for row in results:
        if len(bindings) == limits.max_rows:
            return None
        binding = {n: _term_json(row[n]) for n in names if row[n] is not None}
        size += sum(len(term["value"]) for term in binding.values() if term["type"] != "triple")
        if size > limits.max_bytes:
            raise _TooLarge
        bindings.append(binding)
    document = json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}})
    return ox.parse_query_results(document.encode("utf-8"), ox.QueryResultsFormat.JSON)


def execute(store, query: str | Job, kind: str, limits: Limits, prefixes: dict) -> Answer:
    """Run one query on ``store`` and serialize its answer as ``kind`` (a serializer name).

    ``kind`` names a solutions format (JSON, XML, CSV, TSV) or a graph format (TURTLE,
    N_TRIPLES, JSON_LD, RDF_XML), or one of each as ``"JSON|TURTLE"``, and the worker uses
    whichever fits the query form (the server, which knows the form, sends one).
    """

    from kg.query.sparql import syntax_message

    text = query if isinstance(query, str) else query.text
    try:
        return _answer(store, query, kind, limits, prefixes)
    except SyntaxError as error:
        return _error(400, syntax_message(error, text, getattr(query, "base", None)))
    except QueryError as error:  # a character the asked-for format cannot carry
        return _error(406, str(error))
    except (RuntimeError, OSError, ValueError) as error:
        return _error(400, f"The query failed: {str(error).splitlines()[0]}")
    except _TooLarge:
        megabytes = limits.max_bytes / 2**20
        return _error(400, f"The answer is larger than {megabytes:g} MB, the server's cap; add "
                           "LIMIT or select fewer or shorter values, or restart the server with "
                           "a higher --max-response-mb.")


def _answer(store, query: str, kind: str, limits: Limits, prefixes: dict) -> Answer:
    import pyoxigraph as ox

    solutions_kind, _, graph_kind = kind.partition("|")
    graph_kind = graph_kind or solutions_kind
    max_rows = limits.max_rows
    results = _query(store, query, prefixes)
    if isinstance(results, ox.QueryBoolean):
        buffer = _CappedBuffer(limits.max_bytes)
        _serialize(results, solutions_kind, buffer)
        return Answer(200, CANONICAL[solutions_kind], buffer.value())
    if isinstance(results, ox.QuerySolutions):
        capped = _capped_solutions(results, limits)
        if capped is None:
            return _error(400, f"The result has more than {max_rows} rows, the server's cap; "
                               f"add LIMIT {max_rows} or restart the server with a higher "
                               "--max-rows.")
        buffer = _CappedBuffer(limits.max_bytes)
        _serialize(capped, solutions_kind, buffer)
        return Answer(200, CANONICAL[solutions_kind], buffer.value())
    triples = []
    size = 0
    for triple in results:
        if len(triples) == max_rows:
            return _error(400, f"The result has more than {max_rows} triples, the server's "
                               "cap; add LIMIT or restart the server with a higher --max-rows.")
        size += sum(len(str(term)) for term in triple)
        if size > limits.max_bytes:
            raise _TooLarge
        triples.append(triple)
    buffer = _CappedBuffer(limits.max_bytes)
    ox.serialize(triples, buffer, format=getattr(ox.RdfFormat, graph_kind), prefixes=prefixes)
    return Answer(200, CANONICAL[graph_kind], buffer.value())


def _query(store, job, prefixes: dict):
    """Run ``job`` (a :class:`Job`, or query text on the store's default graph)."""
    import pyoxigraph as ox

    if isinstance(job, str):
        return store.query(job, prefixes=prefixes)
    return store.query(job.text, prefixes=prefixes, base_iri=job.base,
                       default_graph=[ox.NamedNode(g) for g in job.default],
                       named_graphs=[ox.NamedNode(g) for g in job.named])


def _serialize(results, kind: str, out) -> None:
    """Solutions or a boolean in ``kind``: CSV and XML by :mod:`kg.query.writers`, which
    keep the data exact where pyoxigraph's writers do not."""
    import pyoxigraph as ox

    from kg.query import writers

    if kind == "CSV":
        writers.write_csv(results, out)
    elif kind == "XML":
        writers.write_xml(results, out)
    else:
        results.serialize(out, format=getattr(ox.QueryResultsFormat, kind))


def prepare(snapshot: str, limits: Limits):
    """Confine this process (network, memory), then load the snapshot; return (store, mechanism).

    ``mechanism`` says how the network was cut ('netns', 'landlock', 'none'), or 'allowed'.
    The order matters: the sandbox applies to the threads started afterwards, pyoxigraph's
    among them.
    """
    import resource

    import pyoxigraph as ox

    from kg.query import sandbox

    # one line on stderr, not a 100-line Rust backtrace, when an allocation hits the cap
    os.environ["RUST_BACKTRACE"] = "0"
    mechanism = "allowed" if limits.allow_network else sandbox.deny_network()
    if limits.memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    store = ox.Store()
    # load, not bulk_load: bulk_load's threads reserve over 128 MB of address space
    store.load(path=snapshot, format=ox.RdfFormat.from_extension(snapshot.rsplit(".", 1)[-1])
               or ox.RdfFormat.N_TRIPLES)
    return store, mechanism


#: exit status of a worker whose query ran out of memory in Python (Rust aborts: SIGABRT)
MEMORY_EXIT = 75
