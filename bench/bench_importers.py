"""``aikg import onet`` and ``aikg import esco`` on the published files: time and peak memory.

Each import runs in a fresh process (``/usr/bin/time``-style figures from ``resource``):
wall time, CPU time (user + system, which a busy shared machine does not inflate) and peak
resident memory. Goals (issue 11): O*NET <= 60 s, ESCO <= 120 s, <= 1 GB.

    .venv/bin/python bench/bench_importers.py [--datasets ../shared/datasets] [--runs 1]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json, resource, sys, time
t = time.perf_counter()
from kg.importers import onet, esco
module = onet if sys.argv[1] == "onet" else esco
summary = getattr(module, "import_" + sys.argv[1])(sys.argv[2], sys.argv[3])
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"wall": time.perf_counter() - t, "cpu": usage.ru_utime + usage.ru_stime,
                  "rss_mb": usage.ru_maxrss / 1024, "counts": summary.counts}))
"""


def run(kind: str, folder: Path, out: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, kind, str(folder), str(out)],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores)")
    print("| import | wall s (median) | CPU s | peak RSS MB | output MB | triples |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind, sub in (("onet", "onet-29.2"), ("esco", "esco-1.2.0")):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / f"{kind}.ttl"
            results = [run(kind, args.datasets / sub, out) for _ in range(args.runs)]
            import pyoxigraph as ox

            triples = len(list(ox.parse(path=str(out), format=ox.RdfFormat.TURTLE)))
            size = out.stat().st_size / 1e6
        print(f"| {kind} | {statistics.median(r['wall'] for r in results):.1f} | "
              f"{statistics.median(r['cpu'] for r in results):.1f} | "
              f"{max(r['rss_mb'] for r in results):.0f} | {size:.1f} | {triples:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
