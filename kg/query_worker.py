"""Run SPARQL queries in worker processes that can be killed when a query takes too long.

pyoxigraph has no query timeout and does not stop on signals, so the only way to bound a
query is to run it in another process and kill that process. A :class:`WorkerPool` keeps a few
such processes, each holding its own copy of the graph (loaded from an N-Triples snapshot), and
replaces a worker as soon as it has been killed.

Results are serialized in the worker with pyoxigraph's own serializers; only bytes cross the
pipe. Nothing here imports a web framework.
"""

from __future__ import annotations

import json
import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass

# Media types per result kind; the first is the default.
SOLUTION_TYPES = {
    "application/sparql-results+json": "JSON",
    "application/sparql-results+xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
    "application/json": "JSON",
    "application/xml": "XML",
    "text/xml": "XML",
}
GRAPH_TYPES = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/ld+json": "JSON_LD",
    "application/rdf+xml": "RDF_XML",
    "text/plain": "N_TRIPLES",
}
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
class Answer:
    """What the worker sends back: an HTTP status, a media type and the body."""

    status: int
    media_type: str
    body: bytes


def _error(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


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


def _capped_solutions(results, max_rows: int):
    """Up to ``max_rows`` solutions as a new QuerySolutions; None when there are more."""
    import pyoxigraph as ox

    names = [v.value for v in results.variables]
    bindings = []
    for row in results:
        if len(bindings) == max_rows:
            return None
        bindings.append({n: _term_json(row[n]) for n in names if row[n] is not None})
    document = json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}})
    return ox.parse_query_results(document.encode("utf-8"), ox.QueryResultsFormat.JSON)


def execute(store, query: str, kind: str, max_rows: int, prefixes: dict) -> Answer:
    """Run one query on ``store`` and serialize its answer as ``kind`` (a serializer name).

    ``kind`` names a solutions format (JSON, XML, CSV, TSV) or a graph format (TURTLE,
    N_TRIPLES, JSON_LD, RDF_XML); the server picks one of each from the Accept header and
    passes ``"JSON|TURTLE"`` so the worker can use whichever fits the query form.
    """
    import pyoxigraph as ox

    from kg.sparql import syntax_message

    solutions_kind, graph_kind = kind.split("|")
    try:
        results = store.query(query, prefixes=prefixes)
    except SyntaxError as error:
        return _error(400, syntax_message(error, query))
    except (RuntimeError, OSError, ValueError) as error:
        return _error(400, f"The query failed: {str(error).splitlines()[0]}")
    if isinstance(results, ox.QueryBoolean):
        body = results.serialize(format=getattr(ox.QueryResultsFormat, solutions_kind))
        return Answer(200, CANONICAL[solutions_kind], body)
    if isinstance(results, ox.QuerySolutions):
        capped = _capped_solutions(results, max_rows)
        if capped is None:
            return _error(400, f"The result has more than {max_rows} rows, the server's cap; "
                               f"add LIMIT {max_rows} or restart the server with a higher "
                               "--max-rows.")
        body = capped.serialize(format=getattr(ox.QueryResultsFormat, solutions_kind))
        return Answer(200, CANONICAL[solutions_kind], body)
    triples = []
    for triple in results:
        if len(triples) == max_rows:
            return _error(400, f"The result has more than {max_rows} triples, the server's "
                               "cap; add LIMIT or restart the server with a higher --max-rows.")
        triples.append(triple)
    body = ox.serialize(triples, format=getattr(ox.RdfFormat, graph_kind), prefixes=prefixes)
    return Answer(200, CANONICAL[graph_kind], body)


def _worker_main(conn, snapshot: str, prefixes: dict) -> None:
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=snapshot, format=ox.RdfFormat.N_TRIPLES)
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if job is None:
            return
        query, kind, max_rows = job
        try:
            answer = execute(store, query, kind, max_rows, prefixes)
        except Exception as error:  # noqa: BLE001  (a worker must answer, whatever happens)
            answer = _error(500, f"Internal error: {type(error).__name__}: {error}")
        conn.send(answer)


# -- in the server process ---------------------------------------------------------------
class _Worker:
    def __init__(self, ctx, snapshot: str, prefixes: dict):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_worker_main, args=(child, snapshot, prefixes), daemon=True
        )
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float) -> bool:
        if not self.ready and self.conn.poll(timeout):
            self.ready = self.conn.recv() == "ready"
        return self.ready

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(2)
        self.kill()


class WorkerPool:
    """A few worker processes answering queries on a snapshot of the graph.

    ``run`` blocks the calling thread until a worker is free and the query is answered, or
    until ``timeout`` seconds have passed, in which case the worker is killed and replaced.
    """

    def __init__(self, snapshot: str, prefixes: dict, size: int = 1, timeout: float = 10.0,
                 max_rows: int = 10000, start_timeout: float = 60.0):
        self.snapshot = snapshot
        self.prefixes = dict(prefixes)
        self.timeout = timeout
        self.max_rows = max_rows
        self.start_timeout = start_timeout
        # spawn, not fork: the server process runs threads (uvicorn, the thread pool).
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self.killed = 0
        for _ in range(max(1, size)):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        worker = _Worker(self._ctx, self.snapshot, self.prefixes)
        with self._lock:
            self._all.append(worker)
        return worker

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)

    def run(self, query: str, kind: str) -> Answer:
        worker = self._idle.get()
        try:
            if not worker.wait_ready(self.start_timeout) or not worker.process.is_alive():
                self._discard(worker)
                worker = self._start()
                return _error(503, "The query worker failed to start; try again.")
            worker.conn.send((query, kind, self.max_rows))
            started = time.monotonic()
            if worker.conn.poll(self.timeout):
                try:
                    return worker.conn.recv()
                except EOFError:
                    pass  # the worker died (out of memory, crash): replace it below
            elapsed = time.monotonic() - started
            self._discard(worker)
            self.killed += 1
            worker = self._start()
            if elapsed >= self.timeout:
                return _error(503, f"The query ran longer than the {self.timeout:g} s limit "
                                   "and was stopped; narrow it or restart the server with a "
                                   "higher --timeout.")
            return _error(500, "The query worker stopped unexpectedly; try again.")
        finally:
            self._idle.put(worker)

    def close(self) -> None:
        with self._lock:
            workers, self._all = list(self._all), []
        for worker in workers:
            worker.stop()
