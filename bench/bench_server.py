"""Latency of the SPARQL endpoint against the in-process store, and the cost of a timeout.

Run: .venv/bin/python bench/bench_server.py [N]
"""

from __future__ import annotations

import statistics
import sys
import time

import httpx

import kg
from kg import catalogue
from kg.server import running_server


def median_ms(func, n: int) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(n: int = 50) -> None:
    graph = kg.load()
    ladder = catalogue.get("ladder").text
    started = time.perf_counter()
    with running_server(graph=graph, timeout=2) as url, httpx.Client(base_url=url) as client:
        print(f"server start (snapshot + 1 worker ready): {time.perf_counter() - started:.2f} s")
        client.get("/sparql", params={"query": "ASK {}"})
        print(f"ASK {{}}              endpoint {median_ms(lambda: client.get('/sparql', params={'query': 'ASK {}'}), n):6.1f} ms")
        local = median_ms(lambda: graph.query(ladder), n)
        remote = median_ms(lambda: client.post("/sparql", data={"query": ladder}), n)
        print(f"ladder.rq            local {local:6.1f} ms  endpoint {remote:6.1f} ms  ({len(graph)} triples)")
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        started = time.perf_counter()
        status = client.get("/sparql", params={"query": slow}, timeout=60).status_code
        killed = time.perf_counter() - started
        started = time.perf_counter()
        client.get("/sparql", params={"query": "ASK {}"})
        recovered = time.perf_counter() - started
        print(f"runaway query: HTTP {status} after {killed:.2f} s (timeout 2 s); "
              f"next query answered after {recovered:.2f} s (fresh worker)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
