"""Opening the on-disk store vs parsing N-Triples into memory, as a graph grows.

For N synthetic triples (the release plus generated roles and skill links): time to
bulk-load the N-Triples into an in-memory pyoxigraph store and answer one query, against
time to open the read-only on-disk store and answer it, each in a fresh process.

    .venv/bin/python bench/bench_store.py [--sizes 5551 100000 1000000]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

RELEASE = Path(__file__).resolve().parent.parent / "release" / "ai_leadership.nt"
AIL = "https://w3id.org/ai-leadership-kg/ontology#"
QUERY = (f"SELECT ?s WHERE {{ <{AIL}HeadOfAIEngineering> <{AIL}requiresEssentialSkill> ?s }}")

PROBE = """
import sys, time
t = time.perf_counter()
import pyoxigraph as ox
if sys.argv[1] == "memory":
    s = ox.Store(); s.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_TRIPLES)
else:
    s = ox.Store.read_only(sys.argv[2])
n = len(list(s.query(sys.argv[3])))
print(time.perf_counter() - t)
"""


def synthetic(size: int, folder: Path) -> Path:
    path = folder / f"graph-{size}.nt"
    lines = RELEASE.read_text(encoding="utf-8").splitlines()
    i = 0
    while len(lines) < size:
        lines.append(f"<{AIL}SynthRole{i // 50}> <{AIL}requiresEssentialSkill> <{AIL}SynthSkill{i % 997}> .")
        i += 1
    path.write_text("\n".join(lines[:size]) + "\n", encoding="utf-8")
    return path


def timed(mode: str, target: Path, runs: int) -> float:
    times = [float(subprocess.run([sys.executable, "-c", PROBE, mode, str(target), QUERY],
                                  check=True, capture_output=True, text=True).stdout)
             for _ in range(runs + 1)][1:]
    return statistics.median(times)


def main() -> None:
    import pyoxigraph as ox

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5551, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print("| triples | in-memory load + query | on-disk open + query |")
    print("|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            nt = synthetic(size, Path(tmp))
            disk = Path(tmp) / f"store-{size}"
            built = ox.Store(str(disk))
            built.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
            built.flush()
            del built
            memory, opened = timed("memory", nt, args.runs), timed("disk", disk, args.runs)
            print(f"| {size:,} | {memory * 1000:.0f} ms | {opened * 1000:.0f} ms |", flush=True)


if __name__ == "__main__":
    main()
