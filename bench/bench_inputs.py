"""Untrusted --with files: the shape check against literal length, and the refusals.

For a --with file holding one literal of N bytes: the time to turn the graph into the rdflib
graph the SHACL check reads, term by term (now) and through an N-Triples re-parse (before:
quadratic in N), and the time of ``kg.load(extra=[file])`` (parse, limits, shapes and the
violation queries). Then how long /dev/zero and a FIFO take to be refused (before: /dev/zero
was read at ~1.5 GB/s until memory ran out; a FIFO waited for a writer forever).

    .venv/bin/python bench/bench_inputs.py [--sizes 250000 500000 1000000] [--before]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

COMMENT = "<http://example.org/a> <http://www.w3.org/2000/01/rdf-schema#comment>"


def timed(func, *args) -> float:
    start = time.perf_counter()
    func(*args)
    return time.perf_counter() - start


def reparse(store) -> None:
    import rdflib

    from kg.checks import validate

    rdflib.Graph().parse(data=validate._ntriples(store).decode("utf-8"), format="nt")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250_000, 500_000, 1_000_000])
    parser.add_argument("--before", action="store_true",
                        help="also time the N-Triples re-parse (7 s at 1 MB, 40 s at 2 MB)")
    args = parser.parse_args()
    import pyoxigraph as ox

    import kg
    from kg.checks import validate
    from kg.errors import SourceError
    from kg.store.turtle import read_turtle

    os.environ["AIKG_MAX_LITERAL_BYTES"] = str(max(args.sizes))
    kg.load()  # the release, so that its first load is not timed
    validate.to_rdflib(ox.Store())  # nor rdflib's first import
    print("| literal | to rdflib, term by term | N-Triples re-parse (before) | kg.load with --with |")
    print("|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = Path(folder) / f"lit-{size}.ttl"
            path.write_text(f'{COMMENT} "{"x" * size}" .\n')
            store = ox.Store()
            store.extend(read_turtle(path)[0])
            now = timed(validate.to_rdflib, store)
            before = f"{timed(reparse, store):.2f} s" if args.before else "-"
            load = timed(kg.load, [path])
            print(f"| {size:,} bytes | {now:.3f} s | {before} | {load:.2f} s |")
        fifo = Path(folder) / "fifo.ttl"
        os.mkfifo(fifo)
        for name in ("/dev/zero", str(fifo)):
            start = time.perf_counter()
            try:
                read_turtle(Path(name))
            except SourceError as error:
                print(f"\n{name}: refused in {(time.perf_counter() - start) * 1000:.2f} ms: {error}")


if __name__ == "__main__":
    main()
