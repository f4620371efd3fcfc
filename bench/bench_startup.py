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

    .venv/bin/python bench/bench_startup.py [--runs 15] [--instructions] [--checkout DIR ...]

``--checkout DIR`` (repeatable) runs ``python -m kg`` from that source tree instead of this
one (e.g. ``git archive main | tar -x -C /tmp/before``), each command of each checkout in turn,
so a before and an after are measured side by side under the same load. Without it, this
checkout. The interpreter's own start-up (``python -c pass``) and ``import click, pyoxigraph``
are measured too: the floor no version of the commands goes under.
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

COMMANDS = {
    "first query (goal 0.1 s)": ["query", "SELECT ?r WHERE { ?r a ail:Role } LIMIT 3"],
    "path (goal 0.4 s)": ["path", "Junior AI Engineer", "Head of AI Engineering"],
}


ROOT = Path(__file__).resolve().parent.parent
FLOOR = {
    "floor: `python -c pass`": ["-c", "pass"],
    "floor: `python -c 'import click, pyoxigraph'`": ["-c", "import click, pyoxigraph"],
}


def environment(workspace: str, checkout: Path) -> dict[str, str]:
    # the checkout's kg comes first on the path (run from a neutral folder, not the checkout)
    env = dict(os.environ, AIKG_WORKSPACE=workspace, PYTHONPATH=str(checkout))
    # some sandboxes set it: every run would compile every module again, which an installed
    # package never does
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def time_commands(cmds: list[tuple[list[str], dict[str, str]]], runs: int
                  ) -> list[tuple[float, float]]:
    """Median wall and CPU seconds (each process and its children) of ``runs`` runs of each
    command, taken in turn (A B A B ...), so a change in the machine's load hits them alike."""
    neutral = tempfile.gettempdir()
    for cmd, env in cmds:  # warm-up: bytecode caches, a release built if stale
        subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=neutral)
    walls: list[list[float]] = [[] for _ in cmds]
    cpus: list[list[float]] = [[] for _ in cmds]
    for _ in range(runs):
        for i, (cmd, env) in enumerate(cmds):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=neutral)
            walls[i].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus[i].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return [(statistics.median(w), statistics.median(c)) for w, c in zip(walls, cpus)]


def instructions(cmd: list[str], env: dict[str, str]) -> int | None:
    """Instructions executed by the process and its forked query child, each counted once.

    callgrind writes its counts when asked to just before each fork (``--dump-before``),
    which also sets them to zero, so the child starts from nothing: the sum of every part
    written is the total.
    """
    if shutil.which("valgrind") is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["valgrind", "--tool=callgrind", "--dump-before=os_fork*",
                        f"--callgrind-out-file={folder}/out.%p", *cmd],
                       capture_output=True, env=env, cwd=folder)
        totals = [int(line.split()[1]) for part in Path(folder).glob("out.*")
                  for line in part.read_text().splitlines() if line.startswith("totals:")]
    return sum(totals) or None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--instructions", action="store_true",
                        help="also count instructions under valgrind (slow: ~30 s a command)")
    parser.add_argument("--checkout", action="append", type=Path, default=[],
                        help="a source tree to run (repeatable; default: this one)")
    args = parser.parse_args()
    checkouts = args.checkout or [ROOT]
    print(f"# {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {args.runs} runs each, "
          f"cold processes, an empty workspace (the guide alone)")
    print("| command | checkout | median wall | median CPU | instructions | load average |")
    print("|---|---|---:|---:|---:|---:|")
    groups = [[(title, [sys.executable, *argv], None)] for title, argv in FLOOR.items()]
    groups += [[(f"{title}: `aikg {' '.join(repr(a) if ' ' in a else a for a in command)}`",
                 [sys.executable, "-m", "kg", *command], checkout) for checkout in checkouts]
               for title, command in COMMANDS.items()]
    with tempfile.TemporaryDirectory(prefix="aikg-startup-") as workspace:
        for group in groups:  # the checkouts of one command side by side
            envs = [environment(workspace, checkout or ROOT) for _, _, checkout in group]
            times = time_commands([(cmd, env) for (_, cmd, _), env in zip(group, envs)],
                                  args.runs)
            for (title, cmd, checkout), env, (wall, cpu) in zip(group, envs, times):
                count = instructions(cmd, env) if args.instructions else None
                shown = f"{count / 1e6:,.0f} M" if count else ""
                print(f"| {title} | {checkout or ''} | {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms "
                      f"| {shown} | {os.getloadavg()[0]:.1f} |", flush=True)


if __name__ == "__main__":
    main()
