"""Whole-process wall time of everyday commands on the real graph.

Median of N runs after one warm-up run, each a fresh ``aikg`` process (import time, loading
the release into pyoxigraph and the query included).

    .venv/bin/python bench/bench_cli.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = [
    ["queries"],
    ["query", "ladder"],
    ["query", "skills-for-role", "-p", "role", "Head of AI"],
    ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"],
    ["describe", "Head of AI"],
    ["search", "python"],
    ["stats"],
    ["path", "Junior AI Engineer", "Head of AI"],
]


def aikg() -> str:
    here = Path(sys.executable).parent / "aikg"
    return str(here) if here.exists() else shutil.which("aikg")


def time_command(args: list[str], runs: int) -> float:
    cmd = [aikg(), *args]
    subprocess.run(cmd, check=True, capture_output=True)  # warm-up (and rebuild if stale)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    print(f"# {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {args.runs} runs each")
    print("| command | median wall time |")
    print("|---|---|")
    for command in COMMANDS:
        shown = " ".join(f"'{a}'" if " " in a else a for a in command)
        print(f"| `aikg {shown}` | {time_command(command, args.runs) * 1000:.0f} ms |", flush=True)


if __name__ == "__main__":
    main()
