"""What preparing catalogue answers costs: on the on-disk store (``aikg prepare``), and on the
in-memory store ``aikg add`` warms up while it writes (what preparing them all at add time
would add to it).

For each catalogue query without required parameters (or those of ``--only``): seconds to
run it and keep its answer and pages (:func:`kg.query.prepared.keep`, into a scratch folder,
so the workspace is not touched), its rows and the bytes kept. ``--where memory`` copies the
workspace's store into memory first, as ``aikg add`` holds it.

    .venv/bin/python bench/bench_prepare.py --workspace WS [--where memory|disk] [--only NAME...]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

import kg
from kg.graph import KnowledgeGraph
from kg.query import catalogue, prepared
from kg.store import kept
from kg.store.workspace import Workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--where", choices=["memory", "disk"], default="memory")
    parser.add_argument("--only", nargs="+", metavar="NAME")
    args = parser.parse_args()
    graph = kg.load(workspace=Workspace(args.workspace))
    store = graph.store
    if args.where == "memory":
        started = time.perf_counter()
        memory = ox.Store()
        memory.bulk_load(store.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
        store = memory
        print(f"# copied {len(memory):,} quads into memory in {time.perf_counter() - started:.1f} s")
    queries = [catalogue.get(n) for n in args.only] if args.only else prepared.preparable()
    total = 0.0
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "store"
        folder.mkdir(mode=0o700)
        target = KnowledgeGraph(store, folder=folder)
        target.cache_results = False
        print(f"| query ({args.where}) | rows | run + keep | kept MB |")
        print("|---|---:|---:|---:|")
        for named in queries:
            started = time.perf_counter()
            data = target.run(named.text).serialize(format=ox.QueryResultsFormat.JSON)
            rows = prepared.keep(target, named.text, data)
            seconds = time.perf_counter() - started
            total += seconds
            print(f"| {named.name} | {rows:,} | {seconds:.1f} s | {len(data) / 1e6:.1f} |",
                  flush=True)
            kept.drop(folder, "", set())  # the next query starts from an empty database
    print(f"# {len(queries)} queries: {total:.1f} s")


if __name__ == "__main__":
    main()
