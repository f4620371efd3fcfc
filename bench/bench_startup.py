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
        [--installed VENV ...]

``--checkout DIR`` (repeatable) runs ``python -m kg`` from that source tree instead of this
one (e.g. ``git archive main | tar -x -C /tmp/before``), each command of each checkout in turn,
so a before and an after are measured side by side under the same load. Without it, this
checkout. The interpreter's own start-up (``python -c pass``) and ``import click, pyoxigraph``
are measured too: the floor no version of the commands goes under.

``--installed VENV`` (repeatable) runs ``VENV/bin/aikg`` instead, the command as a user
installs it (``python3 -m venv VENV && VENV/bin/pip install .``: a few dozen packages, no
editable-install path finder); the floor is then measured with ``VENV/bin/python``.
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


def environment(workspace: str, checkout: Path | None) -> dict[str, str]:
    env = dict(os.environ, AIKG_WORKSPACE=workspace)
    env.pop("PYTHONPATH", None)
    if checkout is not None:
        # the checkout's kg comes first on the path (run from a neutral folder, not the checkout)
        env["PYTHONPATH"] = str(checkout)
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
    written is the total. The dump is asked for before libc's ``fork`` (``*fork``), not only
    before ``os.fork``: Python runs its before-fork hooks in between (one waits for the
    release being loaded by a thread, :func:`kg.store.ahead.open_store_later`), and what
    they do would be counted again in the child. (``*fork`` also matches
    ``os.register_at_fork``: more parts, the same sum.)
    """
    if shutil.which("valgrind") is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["valgrind", "--tool=callgrind", "--dump-before=*fork",
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
    parser.add_argument("--installed", action="append", type=Path, default=[],
                        help="a virtual environment with the project installed: runs its "
                             "bin/aikg (repeatable)")
    args = parser.parse_args()
    # (label, the command's first words, PYTHONPATH): a checkout runs with this interpreter
    runners = [(str(c), [sys.executable, "-m", "kg"], c) for c in args.checkout]
    runners += [(f"{v}/bin/aikg", [str(v / "bin" / "aikg")], None) for v in args.installed]
    if not runners:
        runners = [("", [sys.executable, "-m", "kg"], ROOT)]
    python = str(args.installed[0] / "bin" / "python") if args.installed else sys.executable
    print(f"# {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {args.runs} runs each, "
          f"cold processes, an empty workspace (the guide alone)")
    print("| command | checkout | median wall | median CPU | instructions | load average |")
    print("|---|---|---:|---:|---:|---:|")
    groups = [[(title, "", [python, *argv], None)] for title, argv in FLOOR.items()]
    groups += [[(f"{title}: `aikg {' '.join(repr(a) if ' ' in a else a for a in command)}`",
                 label, [*start, *command], path) for label, start, path in runners]
               for title, command in COMMANDS.items()]
    with tempfile.TemporaryDirectory(prefix="aikg-startup-") as workspace:
        for group in groups:  # the checkouts of one command side by side
            envs = [environment(workspace, path) for _, _, _, path in group]
            times = time_commands([(cmd, env) for (_, _, cmd, _), env in zip(group, envs)],
                                  args.runs)
            for (title, label, cmd, _), env, (wall, cpu) in zip(group, envs, times):
                count = instructions(cmd, env) if args.instructions else None
                shown = f"{count / 1e6:,.0f} M" if count else ""
                print(f"| {title} | {label} | {wall * 1000:.0f} ms | {cpu * 1000:.0f} ms "
                      f"| {shown} | {os.getloadavg()[0]:.1f} |", flush=True)


if __name__ == "__main__":
    main()
