"""Start-up of the two everyday commands whose goals are whole-process times on the guide.

Goals: the first ad hoc query in <= 0.1 s, ``path`` (networkx doing the search) in <= 0.4 s,
each a fresh ``aikg`` process (cold: nothing of a previous process is reused but the files the
operating system caches), in a new empty workspace, so only the guide's release is read.

Reported per command: the median wall time and the median CPU time (user + system, of the
process and the query's killable child) of ``--runs`` runs after one warm-up run (which also
writes the bytecode caches, as an installed package has them), and the load average, since
other work on the machine's two cores inflates both. ``--instructions`` adds the instructions
the process executes under valgrind (callgrind), a measure other work does not change: use it
to compare two versions on a busy machine.

    .venv/bin/python bench/bench_startup.py [--runs 15] [--instructions] [--aikg PATH]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = {
    "first query (goal 0.1 s)": ["query", "SELECT ?r WHERE { ?r a ail:Role } LIMIT 3"],
    "path (goal 0.4 s)": ["path", "Junior AI Engineer", "Head of AI Engineering"],
}


def aikg() -> str:
    here = Path(sys.executable).parent / "aikg"
    return str(here) if here.exists() else shutil.which("aikg")


def environment(workspace: str) -> dict[str, str]:
    env = dict(os.environ, AIKG_WORKSPACE=workspace)
    # some sandboxes set it: every run would compile every module again, which an installed
    # package never does
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def time_command(cmd: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds (the process and its children) of ``runs`` runs."""
    subprocess.run(cmd, check=True, capture_output=True, env=env)  # warm-up, bytecode
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def instructions(cmd: list[str], env: dict[str, str]) -> int | None:
    """Instructions executed by the process: the largest count callgrind reports. A forked
    child starts from its parent's count at the fork, so the query's child reports all the
    parent did before it plus its own work; the parent only waits after the fork."""
    if shutil.which("valgrind") is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(["valgrind", "--tool=callgrind",
                               f"--callgrind-out-file={folder}/out.%p", *cmd],
                              capture_output=True, text=True, env=env)
        counts = [int(n.replace(",", "")) for n in
                  re.findall(r"==\d+== Collected : ([\d,]+)", done.stderr)]
    return max(counts) if counts else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--instructions", action="store_true",
                        help="also count instructions under valgrind (slow: ~30 s a command)")
    parser.add_argument("--aikg", default=None, help="the aikg executable (default: this venv's)")
    args = parser.parse_args()
    program = args.aikg or aikg()
    print(f"# {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {args.runs} runs each, "
          f"{program}")
    print("| command | median wall | median CPU | instructions | load average |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="aikg-startup-") as workspace:
        env = environment(workspace)
        for title, command in COMMANDS.items():
            cmd = [program, *command]
            wall, cpu = time_command(cmd, env, args.runs)
            count = instructions(cmd, env) if args.instructions else None
            shown = f"{count / 1e6:,.0f} M" if count else ""
            print(f"| {title}: `aikg {' '.join(repr(a) if ' ' in a else a for a in command)}` "
                  f"| {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms | {shown} "
                  f"| {os.getloadavg()[0]:.1f} |", flush=True)


if __name__ == "__main__":
    main()
