"""``aikg push``: load the graph into a triple store, all or nothing.

Into an empty graph of an Oxigraph server, the triples go in one streamed ``POST ?graph=``
straight to the target: nothing to copy afterwards. From Oxigraph 0.5 on, that request asks
for the server's bulk loader (``&no_transaction``), which is atomic there: it writes sorted
files aside and adds them to the store in one step at the end, so a request cut midway or
ending in a syntax error leaves the graph empty and a reader sees it empty or whole (checked
against the installed server in tests/test_remote_engines.py). It loads 111k triples at the
speed of ``oxigraph load`` itself, twice as fast as a transaction, whose cost also grows
worse than linearly (hence :data:`STREAM_MAX` for older servers).

Otherwise the triples go into a fresh temporary named graph, chunk by chunk, through the SPARQL 1.1
Graph Store HTTP Protocol (``POST ?graph=``) when the store offers it, else as SPARQL Update
``INSERT`` batches. Only when every chunk is in does one update ``MOVE`` the temporary
graph onto the target (which MOVE empties first), so the target holds either what it held
before or the complete new graph: pushing twice gives the same graph (idempotent). A failed
push drops the temporary graph.

Adding a set of triples twice changes nothing, so a chunk that failed transiently (busy
server, reset connection) is simply sent again. Blank nodes are scoped to one request, so
triples that share a blank node always travel in the same chunk.
"""

from __future__ import annotations

import dataclasses
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterable

import pyoxigraph as ox

from kg.errors import QueryError
from kg.remote.graph import RemoteGraph, check_graph_iri
from kg.remote.http import Connection, RemoteError, check_url, with_retries

#: triples per Graph Store Protocol request (about 6 MB of N-Triples)
GSP_CHUNK = 50_000
#: triples per INSERT request (stores cap an update's text: Virtuoso 7.2's SPARQL compiler
#: runs out of memory near 5,000 triples)
UPDATE_CHUNK = 1_000
#: answers meaning "no Graph Store Protocol here": fall back to SPARQL Update
_NO_GSP = {400, 404, 405, 406, 415, 501}
#: ``Server`` headers of stores that load one Graph Store Protocol request in one transaction
ONE_TRANSACTION_SERVERS = ("Oxigraph/",)
#: the most triples sent in one transaction: Oxigraph's grows worse than linearly (measured
#: on 2 cores: 111k triples ~5-14 s, 1.1M triples 312 s and 2.5 GB); above it, the chunks
STREAM_MAX = 250_000
#: triples per piece of a streamed request body
STREAM_PIECE = 10_000
#: the first Oxigraph server version whose bulk loader (``no_transaction``) is atomic
ATOMIC_BULK_SINCE = (0, 5)


@dataclasses.dataclass
class PushResult:
    """What a push did: triples sent, the store's count of the target graph afterwards."""

    endpoint: str
    graph: str | None
    sent: int
    stored: int
    protocol: str  # "graph store protocol" or "sparql update"
    requests: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds else float("inf")


def chunks(triples: Iterable[ox.Triple], size: int) -> list[list[ox.Triple]]:
    """The triples in chunks of about ``size``; triples sharing a blank node stay together."""
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    plain, linked = [], []
    for triple in triples:
        nodes = [t.value for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)]
        if not nodes:
            plain.append(triple)
            continue
        linked.append((triple, nodes[0]))
        if len(nodes) == 2:
            parent[root(nodes[0])] = root(nodes[1])
    groups: dict[str, list[ox.Triple]] = {}
    for triple, node in linked:
        groups.setdefault(root(node), []).append(triple)
    units = [[t] for t in plain] + list(groups.values())
    out, current = [], []
    for unit in units:
        if current and len(current) + len(unit) > size:
            out.append(current)
            current = []
        current.extend(unit)
    if current:
        out.append(current)
    return out


def push(triples: Iterable[ox.Triple], endpoint: str, *, update: str | None = None,
         gsp: str | None = None, graph: str | None = None, timeout: float = 60.0,
         progress: Callable[[int, int], None] | None = None,
         chunk_size: int | None = None) -> PushResult:
    """Replace ``graph`` (``None``: the default graph) on the store with ``triples``.

    ``endpoint`` is the query URL (for the count afterwards), ``update`` the SPARQL Update
    URL (default: ``endpoint``), ``gsp`` the Graph Store Protocol URL (optional).
    """
    check_url(endpoint)
    update = check_url(update or endpoint, "Update endpoint")
    if gsp:
        check_url(gsp, "Graph store")
    if graph:
        check_graph_iri(graph)
    started = time.monotonic()
    connection = Connection(update, timeout)
    temp = f"urn:aikg:push:{uuid.uuid4()}"
    pusher = _Pusher(connection, update, gsp, temp)
    all_triples = list(triples)
    reader = RemoteGraph(endpoint, timeout=timeout)
    one_request = gsp and _one_request(reader, graph, len(all_triples))
    if one_request:
        try:
            pusher.stream(all_triples, graph, progress, bulk=one_request == "bulk")
            return _result(reader, connection, pusher, graph, len(all_triples), started)
        except RemoteError as error:
            if error.status not in _NO_GSP:
                raise  # the transaction failed: the graph is as it was
            pusher.gsp, pusher.protocol = None, "sparql update"
    batches = chunks(all_triples, chunk_size or (GSP_CHUNK if pusher.gsp else UPDATE_CHUNK))
    sent = 0
    try:
        for batch in batches:
            pusher.send(batch)
            sent += len(batch)
            if progress is not None:
                progress(sent, len(all_triples))
        target = f"GRAPH <{graph}>" if graph else "DEFAULT"
        pusher.update(f"MOVE SILENT GRAPH <{temp}> TO {target}")
    except BaseException:
        pusher.drop_temp()
        raise
    return _result(reader, connection, pusher, graph, sent, started)


def _result(reader: RemoteGraph, connection: Connection, pusher: "_Pusher", graph: str | None,
            sent: int, started: float) -> PushResult:
    counted = reader.query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}" if graph
        else "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return PushResult(reader.endpoint, graph, sent, int(counted[0]["n"]) if counted else 0,
                      pusher.protocol, connection.requests + reader.requests,
                      time.monotonic() - started)


def _one_request(reader: RemoteGraph, graph: str | None, count: int) -> str | None:
    """How ``count`` triples can go into ``graph`` in one all-or-nothing request: "bulk"
    (:func:`atomic_bulk_loader`), "transaction" (:data:`ONE_TRANSACTION_SERVERS`, up to
    :data:`STREAM_MAX`), or None. Only into an empty graph: a load adds to what is there
    (another writer filling it between this question and the load is not guarded against)."""
    held = reader.run(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}" if graph
                      else "ASK { ?s ?p ?o }")
    server = reader.connection.server
    if bool(held):
        return None
    if atomic_bulk_loader(server):
        return "bulk"
    if count <= STREAM_MAX and any(server.startswith(s) for s in ONE_TRANSACTION_SERVERS):
        return "transaction"
    return None


def atomic_bulk_loader(server: str) -> bool:
    """Whether the ``Server`` header names an Oxigraph whose Graph Store Protocol bulk load
    (``no_transaction``) is atomic: 0.5 or later (0.4's wrote as it went).

    >>> atomic_bulk_loader("Oxigraph/0.5.13"), atomic_bulk_loader("Oxigraph/0.4.11")
    (True, False)
    >>> atomic_bulk_loader("Oxigraph/dev"), atomic_bulk_loader("Virtuoso/07.20.3240 (Linux)")
    (False, False)
    """
    name, _, version = server.partition(" ")[0].partition("/")
    if name != "Oxigraph":
        return False
    numbers = version.split(".")[:2]
    if len(numbers) < 2 or not all(n.isdigit() for n in numbers):
        return False
    return (int(numbers[0]), int(numbers[1])) >= ATOMIC_BULK_SINCE


class _Pusher:
    def __init__(self, connection: Connection, update: str, gsp: str | None, temp: str):
        self.connection, self.update_url, self.gsp, self.temp = connection, update, gsp, temp
        self.protocol = "graph store protocol" if gsp else "sparql update"
        self.started = False

    def send(self, batch: list[ox.Triple]) -> None:
        data = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)
        if self.gsp:
            try:
                self._post(data)
                self.started = True
                return
            except RemoteError as error:
                if self.started or error.status not in _NO_GSP:
                    raise
                self.gsp, self.protocol = None, "sparql update"  # no GSP: use updates
        for part in chunks(batch, UPDATE_CHUNK):
            text = ox.serialize(part, format=ox.RdfFormat.N_TRIPLES).decode()
            # INSERT DATA would be the plain form, but Virtuoso refuses blank nodes in it;
            # a template with an empty WHERE inserts the same triples everywhere
            self.update(f"INSERT {{ GRAPH <{self.temp}> {{\n{text}}} }} WHERE {{ }}")
            self.started = True

    def stream(self, triples: list[ox.Triple], graph: str | None,
               progress: Callable[[int, int], None] | None, bulk: bool = False) -> None:
        """All the triples in one request to the target, serialised as they are sent; with
        ``bulk``, for the server's atomic bulk loader (:func:`atomic_bulk_loader`)."""
        self.protocol = "graph store protocol, " + (
            "one atomic bulk load" if bulk else "one transaction")
        target = {"graph": graph} if graph else {"default": ""}
        url = _with_query(self.gsp, target)
        if bulk:  # a flag without a value, as Oxigraph reads it
            url += "&no_transaction"

        def pieces():
            for start in range(0, len(triples), STREAM_PIECE):
                yield ox.serialize(triples[start:start + STREAM_PIECE],
                                   format=ox.RdfFormat.N_TRIPLES)
                if progress is not None:
                    progress(min(start + STREAM_PIECE, len(triples)), len(triples))

        with_retries(lambda: self.connection.send(
            url, pieces(), content_type="application/n-triples"))

    def _post(self, data: bytes) -> None:
        url = _with_query(self.gsp, {"graph": self.temp})
        with_retries(lambda: self.connection.send(
            url, data, content_type="application/n-triples"))

    def update(self, text: str) -> None:
        body = urllib.parse.urlencode({"update": text}).encode()
        try:
            with_retries(lambda: self.connection.send(
                self.update_url, body, content_type="application/x-www-form-urlencoded"))
        except RemoteError as error:
            if error.status is not None:  # Virtuoso says 500 for "no permission"
                raise RemoteError(f"{error} (the store refused the update; is "
                                  f"{self.update_url} its SPARQL Update URL, and may this "
                                  "account write?)", error.status) from None
            raise

    def drop_temp(self) -> None:
        """Best effort: a failed push should not leave its temporary graph behind."""
        if not self.started:
            return
        try:
            self.update(f"DROP SILENT GRAPH <{self.temp}>")
        except QueryError:
            pass


def _with_query(url: str, fields: dict[str, str]) -> str:
    parts = urllib.parse.urlsplit(url)
    query = "&".join(q for q in (parts.query, urllib.parse.urlencode(fields)) if q)
    return urllib.parse.urlunsplit(parts._replace(query=query))
