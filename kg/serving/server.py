"""A read-only SPARQL 1.1 Protocol endpoint over the graph, on Starlette and uvicorn.

Routes:

- ``/sparql``: GET ``?query=``, POST form (``query=``) or POST ``application/sparql-query``;
  results negotiated from the Accept header per query form (:mod:`kg.serving.protocol`:
  SPARQL JSON, XML, CSV, TSV for SELECT; JSON, XML for ASK; Turtle, N-Triples, JSON-LD,
  RDF/XML for CONSTRUCT and DESCRIBE); ``default-graph-uri`` / ``named-graph-uri`` naming
  served graphs; GET without a query: the Service Description.
- ``/ai-leadership-kg/ontology`` (the path of the ontology IRI): the release files, negotiated
  from the Accept header, or named by extension (``ontology.ttl``, ``.nt``, ``.rdf``,
  ``.jsonld``); ``/ai-leadership-kg/ontology/tbox`` the TBox alone; HTML gets the reference
  documentation.

Queries and pages run in killable worker processes (:mod:`kg.serving.pool`,
:mod:`kg.serving.worker_loop`) cut off the network, with a timeout and caps on memory, rows and
bytes; a job whose client has gone is stopped, and so is every running one on Ctrl-C. Updates, SERVICE, LOAD and dataset clauses are refused before any
engine sees them. HTTP-level limits (Host, framing, body, slow connections) are in
:mod:`kg.serving.protection`.

>>> from kg.serving.server import running_server  # doctest: +SKIP
>>> with running_server() as url:         # doctest: +SKIP
...     httpx.get(url + "/sparql", params={"query": "ASK {}"}).json()
{'head': {}, 'boolean': True}
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route

from kg.serving import query_worker
from kg.store import release as store
from kg.errors import KGError
from kg.serving import api, protection, protocol
from kg.serving.documents import ONTOLOGY_PATH, browse, ontology_document
from kg.serving.endpoint import sparql_endpoint
from kg.serving.planner_home import home, planner_page
from kg.serving.pool import WorkerPool
from kg.terminal import escape

log = logging.getLogger("aikg.serve")


@dataclass
class Settings:
    """What ``aikg serve`` was asked for."""

    timeout: float = 10.0
    max_rows: int = 10000
    workers: int = 2
    cors: tuple[str, ...] = ()
    release: Path | None = None
    extra: tuple[Path, ...] = field(default_factory=tuple)
    max_response_mb: float = 32
    worker_memory_mb: int = 1024  #: 0: no cap
    max_body_kb: int = 1024
    queue: int = 16  #: requests waiting for a worker; more get 503
    allow_network: bool = False  #: let queries that pass the guard reach the network
    allowed_hosts: tuple[str, ...] = ()  #: Host header names; () = the bound host
    client_timeout: float = 10.0  #: seconds for a request head, and for a body, to arrive
    max_per_address: int = protection.MAX_PER_ADDRESS  #: open connections per client address
    #: named graphs served beside the graph: IRI -> RDF file (None: an empty graph)
    graphs: dict[str, str | None] = field(default_factory=dict)

    def limits(self) -> query_worker.Limits:
        return query_worker.Limits(max_rows=self.max_rows,
                                   max_bytes=int(self.max_response_mb * 2**20),
                                   memory_bytes=self.worker_memory_mb * 2**20,
                                   allow_network=self.allow_network)


# -- the application ---------------------------------------------------------------------
class _LogRequests:
    """ASGI middleware: one log line per request (client, method, path, status, bytes, ms)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        seen = {"status": 0, "bytes": 0}

        async def counting_send(message):
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
            elif message["type"] == "http.response.body":
                seen["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            client = scope.get("client") or ("-", 0)
            note = (scope.get("state") or {}).get("note") or ""
            # the path is the client's text, percent-decoded: GET /%1b]0;TITLE%07 would set
            # the operator's window title, OSC 52 their clipboard
            log.info("%s %s %s %d %dB %.0fms%s", client[0], scope["method"],
                     escape(scope["path"]), seen["status"], seen["bytes"],
                     (time.perf_counter() - started) * 1000, f" {escape(note)}" if note else "")


def create_app(graph, settings: Settings | None = None) -> Starlette:
    """The Starlette application serving ``graph`` (a :class:`kg.graph.KnowledgeGraph`).

    Its query workers start here, and the call returns once they are up (raising
    :class:`KGError` when they cannot start); they stop when the application shuts down.
    """
    settings = settings or Settings()
    if settings.release is None:
        settings.release = store.require_release()
    tmp = tempfile.TemporaryDirectory(prefix="aikg-serve-")
    snapshot = Path(tmp.name) / "graph.nq"
    served = protocol.snapshot(graph, settings.graphs, snapshot)
    pool = WorkerPool(str(snapshot), store.PREFIXES, size=settings.workers,
                      timeout=settings.timeout, limits=settings.limits(),
                      queue_size=settings.queue, graph_class=(type(graph), dict(graph.prefixes)))
    try:
        network = pool.wait_ready()
    except KGError:
        pool.close()
        tmp.cleanup()
        raise
    if network == {"none"}:
        log.warning("The query workers could not be cut off the network (no network "
                    "namespace, no Landlock); the query guard stands alone.")
    else:
        log.info("query workers ready; network: %s", ", ".join(sorted(network)))

    @contextlib.asynccontextmanager
    async def lifespan(app):
        try:
            yield
        finally:
            pool.close()
            tmp.cleanup()

    routes = [
        Route("/", home),
        Route("/sparql", sparql_endpoint, methods=["GET", "POST"]),
        Route(ONTOLOGY_PATH, ontology_document),
        Route(ONTOLOGY_PATH + "{rest:path}", ontology_document),  # .ttl, /tbox, /0.1.0.nt ...
        Route("/browse", browse),
        Route("/browse/{rest:path}", browse),
        *api.routes(),  # /api/...: the career questions as JSON, in the same workers
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.pool = pool
    app.state.served = served
    app.state.settings = settings
    app.state.docs_html = None
    app.state.pages = {}  # pages made for /browse, kept
    app.state.graph = graph
    app.state.planner = planner_page(graph)  # the planner at /, made once (kg.pages.planner)
    if settings.cors:
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors),
                           allow_methods=["GET", "POST"],
                           allow_headers=["Accept", "Content-Type"])
    hosts = settings.allowed_hosts or protection.default_allowed_hosts("127.0.0.1")
    app.add_middleware(protection.Protect, allowed_hosts=hosts)
    app.add_middleware(_LogRequests)
    return app


def _uvicorn_config(app):
    timeout = app.state.settings.client_timeout
    protocol = type("H11Protocol", (protection.TimedH11Protocol,),
                    {"head_timeout": timeout,
                     "max_per_address": app.state.settings.max_per_address})
    return uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="on",
        http=protocol,  # closes connections whose request head is slow
        timeout_keep_alive=5,  # idle keep-alive connections
        limit_concurrency=MAX_CONNECTIONS,  # beyond it uvicorn answers 503 at once
        h11_max_incomplete_event_size=64 * 1024,  # request line + headers (long GET queries)
        # Ctrl-C: requests still running get this long, then they are cancelled (their
        # workers killed by the pool's close); without it uvicorn waited for each one
        timeout_graceful_shutdown=GRACE,
    )


#: open connections (and requests in progress) before new requests get 503
MAX_CONNECTIONS = 256
#: seconds requests in progress get to finish after Ctrl-C
GRACE = 2.0


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound TCP socket with Nagle's algorithm off.

    uvicorn's h11 protocol writes headers and body separately and does not set TCP_NODELAY;
    with keep-alive that costs a 40 ms delayed-ACK stall per request (44 ms against 1.5 ms
    for ``ASK {}`` measured with httpx). Accepted connections inherit the option on Linux.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise KGError(f"Cannot listen on {host}:{port}: {error.strerror.lower()}; "
                      "choose another --port or --host.") from None
    return sock


@contextlib.contextmanager
def running_server(extra=(), port: int = 0, host: str = "127.0.0.1", graph=None, **settings):
    """Serve the graph (plus ``extra`` Turtle files) in a background thread; yield its URL.

    ``settings`` are :class:`Settings` fields (``timeout``, ``max_rows``, ``workers``,
    ``cors``). For tests and for embedding the endpoint in another program.

    >>> with running_server(timeout=2) as url:  # doctest: +SKIP
    ...     print(url)
    http://127.0.0.1:38211
    """
    if graph is None:
        import kg

        graph = kg.load(extra=extra)
    settings.setdefault("allowed_hosts", protection.default_allowed_hosts(host))
    app = create_app(graph, Settings(extra=tuple(Path(p) for p in extra), **settings))
    sock = listening_socket(host, port)
    server = uvicorn.Server(_uvicorn_config(app))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    if not server.started:
        sock.close()
        raise RuntimeError("The SPARQL server did not start within 60 s.")
    try:
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


def serve(graph, host: str = "127.0.0.1", port: int = 8000, settings: Settings | None = None,
          sock: socket.socket | None = None) -> None:
    """Run the endpoint in the foreground until interrupted (what ``aikg serve`` does).

    ``sock``: an already bound socket (see :func:`listening_socket`); else one is bound here.
    """
    sock = sock or listening_socket(host, port)
    settings = settings or Settings()
    if not settings.allowed_hosts:
        settings.allowed_hosts = protection.default_allowed_hosts(host)
    try:
        with _request_log_to_stderr():
            app = create_app(graph, settings)
            _Server(_uvicorn_config(app), app.state.pool).run(sockets=[sock])
    finally:
        sock.close()


class _Server(uvicorn.Server):
    """uvicorn's server; Ctrl-C (or SIGTERM) also stops the queries and pages running, so
    their requests end at once with a 503 and the server exits within a second or two.
    uvicorn alone waited for every request (a page build ran for minutes), and the ones it
    cancelled at its grace period each left a traceback on the terminal."""

    def __init__(self, config, pool: WorkerPool):
        super().__init__(config)
        self.pool = pool
        self.loop = None

    async def startup(self, sockets=None):
        self.loop = asyncio.get_running_loop()
        await super().startup(sockets=sockets)

    def handle_exit(self, sig, frame):
        super().handle_exit(sig, frame)
        if self.loop is not None:  # in a signal handler: hand the work to the loop
            self.loop.call_soon_threadsafe(self.pool.stop_running)


class _EscapingFormatter(logging.Formatter):
    """Every line to the terminal with control characters shown as escapes, whichever part
    of the server wrote it (a second wall behind the request line's own escaping)."""

    def format(self, record: logging.LogRecord) -> str:
        return escape(super().format(record), keep_newlines=True)


@contextlib.contextmanager
def _request_log_to_stderr():
    """Send the request log (``aikg.serve``) to stderr while serving.

    The root logger is left alone; a program that set up logging itself (some handler on the
    way to the root) keeps full control of where and whether these lines go.
    """
    if log.hasHandlers():
        yield
        return
    handler = logging.StreamHandler()  # sys.stderr
    handler.setFormatter(_EscapingFormatter("%(asctime)s %(message)s"))
    previous = log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(previous)
