"""``aikg serve`` under hostile clients: the goals of issue 9, section 2.

Each phase starts a fresh ``aikg serve`` (defaults, but the port) as a subprocess, so one
phase's leftovers cannot slow the next, and so another checkout can be measured the same way
(``--aikg /work/main/.venv/bin/aikg`` gives the "before" column):

- ``latency``: median ``ASK {}`` and ``ladder.rq`` over keep-alive.
- ``abandoned``: six runaway queries sent and dropped within 0.3 s, then the time an
  ``ASK {}`` from the same address takes. Goal: under 1 s.
- ``fair``: requests/s of a well-behaved client (127.0.0.2 looping ``ASK {}``) alone, and
  while another (127.0.0.1) loops a runaway query, waiting for each answer ("patient") or
  dropping it after 0.5 s ("abandon"); three 2 s windows of each, alternated. Goal: at
  least half the alone figure.
- ``memory``: 2,000 requests (ASK, ladder, a CONSTRUCT, in turn) on one connection; RSS of
  the server process and of its whole process tree (workers included) every 500. Goal: flat.
- ``big``: a 346-character CONSTRUCT whose answer is hundreds of MB, a 400-byte query that
  builds a 1.2 GB string, and a 300 MB request body: status, bytes, peak RSS of the tree.

Run: .venv/bin/python bench/bench_server.py [--aikg PATH] [--phases latency,abandoned,...]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parent.parent
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CONSTRUCT = ("CONSTRUCT { ?s ?p ?o } WHERE { ?s a ail:Role ; ?p ?o }")
# 346 characters; a 48,000-character literal per triple, on every triple of the graph
BIG_CONSTRUCT = ('CONSTRUCT { ?s ?p ?v } WHERE { ?s ?p ?o BIND("' + "x" * 160
                 + '" AS ?a) BIND(CONCAT(?a,?a,?a,?a,?a,?a,?a,?a,?a,?a) AS ?b) '
                 'BIND(CONCAT(?b,?b,?b,?b,?b,?b,?b,?b,?b,?b) AS ?c) BIND(CONCAT(?c,?c,?c) AS ?v) }')
HUNGRY = ('SELECT (STRLEN(?h) AS ?n) WHERE { BIND("' + "x" * 120 + '" AS ?a) '
          + "".join(f"BIND(CONCAT({','.join([v] * 10)}) AS ?{n}) "
                    for v, n in (("?a", "b"), ("?b", "c"), ("?c", "d"), ("?d", "e"),
                                 ("?e", "f"), ("?f", "g"), ("?g", "h"))) + "}")


# -- the server under test ------------------------------------------------------------------
@contextlib.contextmanager
def serving(aikg: str):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([aikg, "serve", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(url + "/sparql", params={"query": "ASK {}"}, timeout=5).is_success:
                    break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"{aikg} serve did not start") from None
                time.sleep(0.1)
        yield url, process.pid
    finally:
        for pid in tree(process.pid)[1:]:
            with contextlib.suppress(OSError):
                os.kill(pid, 9)
        process.kill()
        process.wait()


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in (task / "children").read_text().split()]
    return found


def rss_mb(pids) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


class PeakRSS:
    """Peak RSS of a process tree, sampled every 20 ms in a thread."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0.0, False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop:
            self.peak = max(self.peak, rss_mb(tree(self.pid)))
            time.sleep(0.02)

    def stop(self) -> float:
        self._stop = True
        self._thread.join()
        return self.peak


def raw_get(url: str, query: str, source: str = "127.0.0.1") -> socket.socket:
    port = int(url.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port), source_address=(source, 0))
    sock.sendall(f"GET /sparql?query={quote(query)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    return sock


def client(source: str = "127.0.0.1", timeout: float = 120) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=timeout)


def median_ms(func, n: int) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


# -- phases -------------------------------------------------------------------------------------
def latency(aikg: str, n: int = 50) -> None:
    from kg.query import catalogue

    ladder = catalogue.get("ladder").text
    with serving(aikg) as (url, _), client() as http:
        ask = median_ms(lambda: http.get(url + "/sparql", params={"query": "ASK {}"}), n)
        lad = median_ms(lambda: http.post(url + "/sparql", data={"query": ladder}), n)
    print(f"latency: ASK {{}} {ask:.1f} ms, ladder.rq {lad:.1f} ms (median of {n})")


def abandoned(aikg: str) -> None:
    with serving(aikg) as (url, _):
        sockets = [raw_get(url, RUNAWAY) for _ in range(6)]
        time.sleep(0.3)
        for sock in sockets:
            sock.close()
        with client(timeout=120) as http:
            started = time.perf_counter()
            status = http.get(url + "/sparql", params={"query": "ASK {}"}).status_code
            elapsed = time.perf_counter() - started
    print(f"abandoned: ASK {{}} after 6 dropped runaways: HTTP {status} in {elapsed:.2f} s")


def _others_rps(url: str, seconds: float) -> float:
    counts = []

    def loop(source):
        done = 0
        with client(source, timeout=seconds + 30) as http:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                with contextlib.suppress(httpx.TimeoutException):
                    if http.get(url + "/sparql", params={"query": "ASK {}"}).is_success:
                        done += 1
        counts.append(done)

    threads = [threading.Thread(target=loop, args=(s,)) for s in OTHERS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds


#: the well-behaved clients' addresses (one: the throughput of a client, as in the issue)
OTHERS = ("127.0.0.2",)


def fair(aikg: str, window: float = 2.0, rounds: int = 3) -> None:
    """Alternate windows without and with the attacker, so that the machine's other load
    (it is shared) weighs on both sides alike."""
    for mode in ("patient", "abandon"):
        with serving(aikg) as (url, _):
            attacking = threading.Event()
            stop = threading.Event()

            def attacker():
                with client("127.0.0.1", timeout=0.5 if mode == "abandon" else 120) as http:
                    while not stop.is_set():
                        if not attacking.wait(0.1):
                            continue
                        with contextlib.suppress(httpx.TransportError):
                            http.get(url + "/sparql", params={"query": RUNAWAY})

            thread = threading.Thread(target=attacker, daemon=True)
            thread.start()
            alone, during = [], []
            for _ in range(rounds):
                alone.append(_others_rps(url, window))
                attacking.set()
                time.sleep(0.5)
                during.append(_others_rps(url, window))
                attacking.clear()
                time.sleep(0.5)  # a patient runaway still holds its worker: as in real life
            stop.set()
        print(f"fair ({mode} runaway loop): other client {sum(alone) / rounds:.0f} req/s "
              f"alone, {sum(during) / rounds:.1f} req/s during "
              f"({sum(during) / sum(alone):.0%}; windows of {window:g} s: "
              f"{' '.join(f'{x:.0f}' for x in alone)} / {' '.join(f'{x:.0f}' for x in during)})")


def memory(aikg: str, total: int = 2000) -> None:
    from kg.query import catalogue

    queries = ["ASK {}", catalogue.get("ladder").text, CONSTRUCT]
    samples = []
    with serving(aikg) as (url, pid), client() as http:
        for i in range(total + 1):
            if i % 500 == 0:
                samples.append((i, rss_mb([pid]), rss_mb(tree(pid))))
            if i < total:
                http.post(url + "/sparql", data={"query": queries[i % 3]}).raise_for_status()
    print("memory: requests / server RSS MB / tree RSS MB: "
          + "; ".join(f"{i}: {s:.0f} / {t:.0f}" for i, s, t in samples))


def big(aikg: str) -> None:
    for name, query in (("big CONSTRUCT", BIG_CONSTRUCT), ("hungry query", HUNGRY)):
        with serving(aikg) as (url, pid), client(timeout=120) as http:
            peak = PeakRSS(pid)
            started = time.perf_counter()
            response = http.get(url + "/sparql", params={"query": query})
            elapsed = time.perf_counter() - started
            print(f"{name} ({len(query)} chars): HTTP {response.status_code}, "
                  f"{len(response.content) / 1e6:.1f} MB in {elapsed:.2f} s, peak tree RSS "
                  f"{peak.stop():.0f} MB")
    with serving(aikg) as (url, pid):
        port = int(url.rsplit(":", 1)[1])
        sock = socket.create_connection(("127.0.0.1", port))
        size = 300 * 10**6
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                     b"application/sparql-query\r\nContent-Length: %d\r\n\r\n" % size)
        chunk, sent = b"#" * 2**20, 0
        started = time.perf_counter()
        with contextlib.suppress(OSError):
            while sent < size:
                sent += sock.send(chunk[: size - sent])
        sock.settimeout(60)
        answer = ""
        with contextlib.suppress(OSError):
            answer = sock.recv(200).split(b"\r\n")[0].decode()
        print(f"300 MB body: {answer or 'no answer'}; {sent / 1e6:.0f} MB sent before the "
              f"server stopped reading, {time.perf_counter() - started:.2f} s")


PHASES = {"latency": latency, "abandoned": abandoned, "fair": fair, "memory": memory,
          "big": big}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--aikg", default=str(ROOT / ".venv" / "bin" / "aikg"),
                        help="the aikg to measure (another checkout's gives 'before')")
    parser.add_argument("--phases", default=",".join(PHASES))
    args = parser.parse_args()
    print(f"aikg: {args.aikg}")
    for phase in args.phases.split(","):
        PHASES[phase](args.aikg)


if __name__ == "__main__":
    main()
