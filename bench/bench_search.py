"""``aikg search`` and ``aikg describe`` on a workspace with O*NET: whole process, cold.

Each command runs in a fresh process (``aikg --workspace WS ...``), several times; the median
and the worst wall time are reported, with the process's CPU time (what a busy shared machine
does not inflate). ``--query`` also times the shipped ``search`` query itself on the same store
(what ``aikg search`` ran before the full-text index, and still runs without one).

Goals (issue 21): search <= 0.5 s, describe <= 1 s.

    .venv/bin/aikg --workspace /tmp/ws add /work/data/onet.ttl      # once (about 1 min)
    .venv/bin/python bench/bench_search.py --workspace /tmp/ws [--runs 5] [--query]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AIKG = str(Path(sys.executable).parent / "aikg")
COMMANDS = [
    ("search", "machine learning"), ("search", "Software Engineer"), ("search", "ab"),
    ("search", "python", "--class", "ail:Skill"),
    # by IRI: with ESCO too, the name also names an ISCO group
    ("describe", "https://www.onetonline.org/link/summary/15-1252.00"),
    ("describe", "Computer and Information Systems Managers"),
]
GOALS = {"search": 0.5, "describe": 1.0}
QUERY = """
import json, sys, time
import kg
from kg.query import catalogue
from kg.store.workspace import Workspace
g = kg.load(workspace=Workspace(sys.argv[1]))
named = catalogue.get("search")
values = g.bind_params(named, {"text": sys.argv[2]})
start = time.perf_counter()
rows = list(g.run(named.text, values))
print(json.dumps({"rows": len(rows), "s": time.perf_counter() - start}))
"""


def run(workspace: str, args: tuple[str, ...]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([AIKG, "--workspace", workspace, *args], capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed: {done.stderr.decode()[:500]}")
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", required=True, help="a workspace with O*NET added")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--query", action="store_true", help="time the search query too")
    options = parser.parse_args()
    for args in COMMANDS:
        times = [run(options.workspace, args) for _ in range(options.runs)]
        walls = sorted(w for w, _ in times)
        cpu = statistics.median(c for _, c in times)
        goal = GOALS[args[0]]
        verdict = "ok" if statistics.median(walls) <= goal else "OVER"
        print(f"aikg {' '.join(args)[:60]!s:60} median {statistics.median(walls):.2f} s, "
              f"worst {walls[-1]:.2f} s, cpu {cpu:.2f} s  (goal {goal} s: {verdict})")
    if options.query:
        for text in ("machine learning", "Software Engineer"):
            out = subprocess.run([sys.executable, "-c", QUERY, options.workspace, text],
                                 capture_output=True, check=True, cwd=ROOT)
            found = json.loads(out.stdout)
            print(f"the search query alone, {text!r}: {found['s']:.2f} s ({found['rows']} rows)")


if __name__ == "__main__":
    main()
