"""Cold whole-process times of the career commands against the goals of issue 21.

    .venv/bin/python bench/bench_career.py                       # the guide alone
    .venv/bin/python bench/bench_career.py --workspace WS --preset onet   # an O*NET workspace
    .venv/bin/python bench/bench_career.py --workspace WS --preset esco
    .venv/bin/python bench/bench_career.py --workspace WS --preset aligned  # O*NET + ESCO

Each command runs ``--runs`` times as a fresh process (``python -m kg.cli``-equivalent:
the installed ``aikg``), compiled modules kept as on a user's machine (this VM's shell sets
PYTHONDONTWRITEBYTECODE; every start would compile the modules again). The first run of each
command is a warm-up for the operating system's file cache and is not counted; the workspace
must already hold its imports (``aikg --workspace WS add FILE``), so no run builds anything.
Prints min and median wall time next to the goal.

    .venv/bin/python bench/bench_career.py --workspace WS --preset aligned \
        --against /tmp/base --against-workspace WS2

runs each command alternately with this checkout and with the code in ``/tmp/base`` (e.g.
``git archive main | tar -x -C /tmp/base``; put first on PYTHONPATH) on WS2, a copy of WS
made before (each version keeps its own ladder beside the store: never point both at one
folder), and prints both medians: a change's effect measured under the same load.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GUIDE = [("path", 0.4, ["path", "Junior AI Engineer", "Head of AI Engineering"]),
         ("next", 0.5, ["next", "AI Engineer"]),
         ("gap", 0.5, ["gap", "AI Engineer", "Head of AI Engineering"]),
         ("ready", 1.0, ["ready", "--have", "Python", "--limit", "10"])]
ONET = [("path --lateral", 1.0, ["path", "Software Developers", "Head of AI Engineering",
                                 "--lateral"]),
        ("next --lateral", 0.5, ["next", "Data Scientists", "--lateral"]),
        ("gap", 0.5, ["gap", "Data Scientists", "Head of AI Engineering"]),
        ("ready", 1.0, ["ready", "--have", "Python", "--have", "Kubernetes", "--limit", "10"]),
        ("search", 0.5, ["search", "machine learning"]),
        ("describe", 1.0, ["describe", "Software Developers"])]
ESCO = [("path --lateral", 1.0, ["path", "data scientist", "data analyst", "--lateral"]),
        ("next --lateral", 0.5, ["next", "data scientist", "--lateral"]),
        ("gap", 0.5, ["gap", "data scientist", "data analyst"]),
        ("ready", 1.0, ["ready", "--have", "Python", "--limit", "10"]),
        ("search", 0.5, ["search", "machine learning"]),
        ("describe", 1.0, ["describe", "data scientist"])]

#: O*NET 29.2, ESCO 1.2.0 and the guide in one workspace, aligned (``aikg add onet.ttl esco.ttl``)
ALIGNED = [("path --lateral", 1.0, ["path", "Software Developers", "Head of AI Engineering",
                                    "--lateral"]),
           ("path --lateral", 1.0, ["path", "Database Architects", "Head of AI Engineering",
                                    "--lateral"]),
           ("path --lateral", 1.0, ["path", "data scientist", "Head of AI Engineering",
                                    "--lateral"]),
           ("next --lateral", 0.5, ["next", "Data Scientists", "--lateral"]),
           ("gap", 0.5, ["gap", "Data Scientists", "Head of AI Engineering"]),
           ("ready", 1.0, ["ready", "--have", "Python", "--have", "Kubernetes", "--limit", "10"]),
           ("ready", 1.0, ["ready", "--role", "Computer and Information Systems Managers"])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, help="a workspace holding the imports")
    parser.add_argument("--preset", choices=["guide", "onet", "esco", "aligned"],
                        default="guide")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--against", type=Path,
                        help="another version's source folder, run alternately for comparison")
    parser.add_argument("--against-workspace", type=Path,
                        help="the workspace for --against (a copy of --workspace)")
    args = parser.parse_args()
    if args.against is not None:
        if args.workspace is None or args.against_workspace is None:
            parser.error("--against needs --workspace and --against-workspace")
        return compare(args)
    aikg = shutil.which("aikg", path=str(Path(sys.executable).parent)) or "aikg"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as empty:
        # the guide alone: a workspace folder with nothing added
        env["AIKG_WORKSPACE"] = str(args.workspace or Path(empty) / "ws")
        commands = {"guide": GUIDE, "onet": ONET, "esco": ESCO, "aligned": ALIGNED}[args.preset]
        print(f"# {os.cpu_count()} CPUs; {args.preset}; workspace {env['AIKG_WORKSPACE']}; "
              f"{args.runs} cold runs after one warm-up")
        print("| command | min | median | CPU (median) | goal |")
        print("|---|---|---|---|---|")
        for name, goal, argv in commands:
            times, cpu = [], []
            for run in range(args.runs + 1):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                done = subprocess.run([aikg, *argv], env=env, capture_output=True, text=True)
                took = time.perf_counter() - start
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                if done.returncode != 0:
                    sys.exit(f"{' '.join(argv)} failed: {done.stderr.strip()}")
                if run:  # CPU time: what the process costs when the machine is shared
                    times.append(took)
                    cpu.append(after.ru_utime + after.ru_stime - before.ru_utime
                               - before.ru_stime)
            median = statistics.median(times)
            print(f"| `aikg {' '.join(argv)}` | {min(times):.2f} s | {median:.2f} s | "
                  f"{statistics.median(cpu):.2f} s | "
                  f"<= {goal} s{'' if median <= goal else ' (missed)'} |")


def compare(args) -> None:
    """Each command of the preset, alternately with this checkout and with ``--against``."""
    aikg = shutil.which("aikg", path=str(Path(sys.executable).parent)) or "aikg"
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    sides = {"this": dict(env, AIKG_WORKSPACE=str(args.workspace)),
             "against": dict(env, AIKG_WORKSPACE=str(args.against_workspace),
                             PYTHONPATH=str(args.against.resolve()))}
    commands = {"guide": GUIDE, "onet": ONET, "esco": ESCO, "aligned": ALIGNED}[args.preset]
    print(f"# {os.cpu_count()} CPUs; {args.preset}; this checkout on {args.workspace}, "
          f"{args.against} on {args.against_workspace}; {args.runs} alternate runs after one "
          "warm-up each; medians")
    print("| command | against: wall | CPU | this: wall | CPU | goal |")
    print("|---|---|---|---|---|---|")
    for _, goal, argv in commands:
        taken: dict[str, list] = {"this": [], "against": []}
        for run in range(args.runs + 1):
            for side in ("against", "this"):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                done = subprocess.run([aikg, *argv], env=sides[side], capture_output=True,
                                      text=True)
                took = time.perf_counter() - start
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                if done.returncode != 0:
                    sys.exit(f"{side}: {' '.join(argv)} failed: {done.stderr.strip()}")
                if run:
                    taken[side].append((took, after.ru_utime + after.ru_stime
                                        - before.ru_utime - before.ru_stime))
        cells = [f"{statistics.median(t[i] for t in taken[side]):.2f} s"
                 for side in ("against", "this") for i in (0, 1)]
        print(f"| `aikg {' '.join(argv)}` | {' | '.join(cells)} | <= {goal} s |")


if __name__ == "__main__":
    main()
