"""What checking a user's file costs: the whole ``validate`` process and each part of the check.

Generates the user file with ``bench/generate.py`` (deterministic by seed), then

* runs ``aikg --with FILE validate --no-reason`` as a fresh process N times (median wall time,
  peak memory of the last run);
* times, in this process, each part of the focused check (parse, merge, focus, screen, pySHACL
  on the suspects, each violation query) once;
* compares the duplicate-label check grouped by label (``ontology/checks``) with the pairwise
  one it replaced (``bench/duplicate-label-pairwise.rq``) on the merged graph.

    .venv/bin/python bench/bench_checks.py --triples 106000 --seed 1 [--runs 3] [--pairwise]

``--pairwise`` also runs the old pairwise query (tens of seconds at 10k labels).
"""
from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import generate  # bench/generate.py: the script's folder is on sys.path

HERE = Path(__file__).resolve().parent


def whole_process(path: Path, runs: int) -> tuple[float, float, float, str]:
    """Median wall time, median CPU time (user + system: what a busy shared machine does not
    inflate), peak memory of the slowest child, and the report's first line."""
    cmd = [str(Path(sys.executable).parent / "aikg"), "--with", str(path), "validate", "--no-reason"]
    times, cpus, first = [], [], ""
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        first = (done.stdout or done.stderr).splitlines()[0]
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return statistics.median(times), statistics.median(cpus), peak, first


def parts(path: Path, pairwise: bool) -> list[tuple[str, float, float, str]]:
    import pyoxigraph as ox

    from kg.checks import focus
    from kg.checks import screen
    from kg.store import release as store
    from kg.checks import validate
    from kg.store.turtle import read_turtle

    rows = []

    def timed(name, fn, note=lambda r: ""):
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        rows.append((name, time.perf_counter() - start, time.process_time() - cpu, note(result)))
        return result

    release = store.release_file("nt")
    added = timed("parse the user file", lambda: read_turtle(path)[0], lambda r: f"{len(r)} triples")

    def merge():
        memory = ox.Store()
        memory.bulk_load(path=str(release), format=ox.RdfFormat.N_TRIPLES)
        memory.extend(added)
        return memory

    memory = timed("merge with the release", merge, lambda r: f"{len(r)} triples")
    nodes = timed("focus nodes", lambda: focus.focus_nodes(memory, added), lambda r: f"{len(r)} nodes")
    suspects = timed("screen the shapes (pyoxigraph)",
                     lambda: screen.suspects(memory, nodes, validate.shapes_path()),
                     lambda r: f"{len(r)} suspects")
    if suspects:
        timed("pySHACL on the suspects", lambda: validate.shacl(
            validate.rdflib_graph(focus.subgraph(memory, suspects)), focus=suspects))
    for query in validate.check_queries():
        timed(query.name, lambda q=query: validate.violations(memory, [q])[0][1],
              lambda r: f"{len(r)} rows")
    labels = sum(1 for _ in memory.query(
        "SELECT * WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label>"
        "|<http://www.w3.org/2004/02/skos/core#altLabel> ?l }"))
    rows.append(("(labels and alternative labels in the merged graph)", 0.0, 0.0, str(labels)))
    if pairwise:
        timed("duplicate-label, pairwise (before)",
              lambda: validate.violations(memory, [HERE / "duplicate-label-pairwise.rq"])[0][1],
              lambda r: f"{len(r)} rows")
        timed("pySHACL on the whole merged graph (before)",
              lambda: validate.shacl(validate.to_rdflib(memory)),
              lambda r: f"{len(r.shacl_problems)} results")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=106_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pairwise", action="store_true",
                        help="also time the old pairwise duplicate-label query and full pySHACL")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="aikg-bench-") as folder:
        path = Path(folder) / f"user-{args.triples}.ttl"
        path.write_text(generate.generate(args.triples, args.seed), encoding="utf-8")
        median, cpu, peak, first = whole_process(path, args.runs)
        print(f"aikg --with {path.name} validate --no-reason: median {median:.2f} s wall, "
              f"{cpu:.2f} s CPU over {args.runs} runs, peak {peak:.0f} MB; {first}")
        print()
        print("| part (in this process) | wall s | CPU s | |")
        print("|---|---:|---:|---|")
        for name, seconds, cpu, note in parts(path, args.pairwise):
            print(f"| {name} | {seconds:.3f} | {cpu:.3f} | {note} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
