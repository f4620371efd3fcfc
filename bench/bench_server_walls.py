"""The endpoint under the attacks of issue 25, on a large graph: ``ASK {}`` latency meanwhile.

The server is ``kg.serving.server.serve`` over bench/gen_graph.py's N-Triples (loaded as is,
no checks), in a subprocess started from ``--checkout`` (so /work/main gives the "before"
figures). Phases:

- ``browse``: 45 requests for the page of a large class (``/browse/entity/Responsibility``)
  from 127.0.0.2, each dropped after 1 s; ``ASK {}`` from 127.0.0.3 every 0.25 s for
  ``--seconds``. Goal: every ASK <= 1 s.
- ``guard``: 6 POSTs of a 190 kB ``VALUES ?x {1 1 ...}`` from 127.0.0.2 that hang up at once,
  then the same ASK probe.
- ``connections``: 300 idle connections from 127.0.0.2, then 36 ASKs from 127.0.0.3: how
  many got 200.

Run: .venv/bin/python bench/bench_server_walls.py [--triples 100000] [--checkout /work/main]
     [--graph /work/data/onet.ttl --page /browse/entity/SkillRating]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SERVE = """
import sys, pyoxigraph as ox
from kg.graph import KnowledgeGraph
from kg.serving import server
if __name__ == "__main__":
    store = ox.Store()
    turtle = sys.argv[1].endswith(".ttl")
    store.bulk_load(path=sys.argv[1],
                    format=ox.RdfFormat.TURTLE if turtle else ox.RdfFormat.N_TRIPLES)
    server.serve(KnowledgeGraph(store), port=int(sys.argv[2]), settings=server.Settings())
"""
VALUES = "SELECT ?x WHERE { VALUES ?x { " + "1 " * 95_000 + "} }"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _open(port: int, raw: bytes, source: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
    if raw:
        sock.sendall(raw)
    return sock


def _ask(url: str, n: int) -> tuple[int, float]:
    transport = httpx.HTTPTransport(local_address="127.0.0.3")
    with httpx.Client(transport=transport, timeout=120) as client:
        started = time.monotonic()
        try:
            status = client.get(url + "/sparql", params={"query": f"ASK {{ FILTER({n} = {n}) }}"}
                                ).status_code
        except httpx.TransportError:
            status = 0
        return status, time.monotonic() - started


def _probe(url: str, seconds: float, label: str) -> None:
    timings, end, n = [], time.monotonic() + seconds, 0
    while time.monotonic() < end:
        timings.append(_ask(url, n))
        n += 1
        time.sleep(0.25)
    waits = [t for _, t in timings]
    ok = sum(1 for s, _ in timings if s == 200)
    print(f"{label}: {len(timings)} ASKs, {ok} answered 200; median {statistics.median(waits):.3f}"
          f" s, max {max(waits):.3f} s", flush=True)


def browse(url: str, port: int, seconds: float, page: str) -> None:
    head = (b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n\r\n"
            % page.encode())
    attackers = [_open(port, head, "127.0.0.2") for _ in range(45)]
    time.sleep(1)
    for sock in attackers:
        sock.close()
    _probe(url, seconds, "browse: 45 abandoned pages of a large class")


def guard(url: str, port: int, seconds: float, page: str) -> None:
    body = VALUES.encode()
    head = (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query"
            b"\r\nContent-Length: %d\r\n\r\n" % len(body))
    for _ in range(6):
        _open(port, head + body, "127.0.0.2").close()
    _probe(url, seconds, "guard: 6 abandoned 190 kB VALUES")


def connections(url: str, port: int, seconds: float, page: str) -> None:
    held = []
    for _ in range(300):
        try:
            held.append(_open(port, b"", "127.0.0.2"))
        except OSError:
            break
    time.sleep(0.3)
    statuses = [_ask(url, 1000 + n)[0] for n in range(36)]
    for sock in held:
        sock.close()
    print(f"connections: {len(held)} idle from one address; other address got 200 on "
          f"{statuses.count(200)} of 36", flush=True)


PHASES = {"browse": browse, "guard": guard, "connections": connections}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--graph", help="serve this N-Triples or Turtle file instead of a "
                                        "generated graph (e.g. /work/data/onet.ttl)")
    parser.add_argument("--page", default="/browse/entity/Responsibility",
                        help="the large class's page the browse phase asks for")
    parser.add_argument("--checkout", default=str(ROOT))
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--phases", default=",".join(PHASES))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aikg-bench-walls-") as folder:
        graph = Path(args.graph) if args.graph else Path(folder) / "g.nt"
        if not args.graph:
            subprocess.run([sys.executable, str(ROOT / "bench" / "gen_graph.py"), "--triples",
                            str(args.triples), "-o", str(graph)], check=True,
                           capture_output=True)
        script = Path(folder) / "serve.py"
        script.write_text(SERVE)
        for phase in args.phases.split(","):
            port = _free_port()
            url = f"http://127.0.0.1:{port}"
            process = subprocess.Popen([args.python, str(script), str(graph), str(port)],
                                       cwd=args.checkout,
                                       env={**os.environ, "PYTHONPATH": args.checkout},
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                deadline = time.monotonic() + 600
                while _ask(url, -1)[0] != 200:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit(f"the server at {args.checkout} did not start")
                    time.sleep(0.5)
                PHASES[phase](url, port, args.seconds, args.page)
            finally:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    print("  (the server was still running 10 s after Ctrl-C: killed)")
                    process.kill()
                    process.wait(30)


if __name__ == "__main__":
    main()
