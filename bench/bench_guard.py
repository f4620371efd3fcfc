"""What the query guard and the killable query process cost.

In-process: the parse-level guard (rdflib) on each shipped query as if it were ad hoc, the
trusted path the catalogue takes, the pre-parse limits on the largest shipped query, and the
guard on the biggest flat expression the limits let through. Whole process: CPU time (user +
system, less sensitive to a shared machine than wall time) of ``aikg query ladder`` and of an
ad hoc query, median of N runs after a warm-up.

    .venv/bin/python bench/bench_guard.py [--runs 10]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time


def _median_ms(func, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _cpu_ms(args: list[str], runs: int) -> float:
    return _process_ms([sys.executable, "-m", "kg", *args], runs)[0]


def _process_ms(command: list[str], runs: int) -> tuple[float, float]:
    """(CPU, wall) in ms of a whole process, medians of ``runs`` after a warm-up."""
    subprocess.run(command, check=True, capture_output=True)  # warm-up (and rebuild if stale)
    cpu, wall = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        wall.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(cpu) * 1000, statistics.median(wall) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs

    from kg.query import catalogue
    from kg.query import sparql
    from kg.query.guard import inspect

    queries = [q.text for q in catalogue.catalogue().values()]
    largest = max(queries, key=len)
    started = time.perf_counter()
    import rdflib.plugins.sparql.parser  # noqa: F401 - the import an ad hoc query pays

    print(f"rdflib SPARQL parser import: {(time.perf_counter() - started) * 1000:.0f} ms")
    per_query = statistics.median(_median_ms(lambda q=q: inspect(q), 3) for q in queries)
    print(f"guard, parse tree of a shipped query run as ad hoc (median of {len(queries)}): "
          f"{per_query:.1f} ms")
    print(f"guard, trusted catalogue query: {_median_ms(lambda: sparql.check_safe(largest), 1000):.3f} ms")
    print(f"limits on the largest shipped query ({len(largest)} chars): "
          f"{_median_ms(lambda: sparql.check_limits(largest), 1000):.3f} ms")
    flat = "SELECT * WHERE { BIND(" + "+".join(["1"] * 990) + " AS ?x) }"  # ~1,990 marks
    print(f"guard, flat sum of 990 terms (near the 2,000-mark limit): "
          f"{_median_ms(lambda: sparql.check_safe(flat), 1):.0f} ms")
    from kg.query.lexer import plain_form

    lexed = statistics.median(_median_ms(lambda q=q: plain_form(q), 20) for q in queries)
    print(f"lexer fast path (plain_form) on a shipped query (median of {len(queries)}): "
          f"{lexed:.2f} ms")
    print(f"aikg query ladder, CPU: {_cpu_ms(['query', 'ladder'], runs):.0f} ms")
    adhoc = ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"]
    print(f"aikg query 'SELECT (COUNT(*) ...)', CPU: {_cpu_ms(adhoc, runs):.0f} ms")
    # whole process, side by side: the floor (an interpreter; one that imports what any
    # query needs) against the first ad hoc query on the guide
    for label, command in [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("python -c 'import pyoxigraph, click'", [sys.executable, "-c",
                                                   "import pyoxigraph, click"]),
        ("aikg query 'SELECT ?r WHERE { ?r a ail:Role } LIMIT 2'",
         [sys.executable, "-m", "kg", "query", "SELECT ?r WHERE { ?r a ail:Role } LIMIT 2"]),
    ]:
        cpu, wall = _process_ms(command, runs)
        print(f"{label}: CPU {cpu:.0f} ms, wall {wall:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
