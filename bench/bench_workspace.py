"""The workspace at real scale: first `aikg add`, then every later command's cold start.

Generates a user file shaped like a faithful O*NET conversion (bench/generate.py, seeded:
roles with progression, 20-50 skills each, labels, definitions, provenance), adds it to a
fresh workspace, and times whole ``aikg`` processes (import, opening the merged store, the
answer). Peak memory is the child's maximum resident set size.

    .venv/bin/python bench/bench_workspace.py [--triples 106000] [--runs 5] [--file FILE.ttl]

``--file`` measures a file you already have (e.g. the O*NET conversion ``aikg import onet``
writes) instead of a generated one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMMANDS = [
    ["stats"],
    ["query", "ladder"],
    ["path", "Junior AI Engineer", "Head of AI Engineering"],
    ["ready", "--have", "Python", "--have", "PyTorch"],
    ["path", "Junior AI Engineer", "Hed of AI Engneering"],  # a typo: "Did you mean" in budget
    ["validate", "--no-reason"],  # the shapes and violation queries
    ["validate"],  # and HermiT's consistency check, in its own process beside them
]


def aikg() -> str:
    return str(Path(sys.executable).parent / "aikg")


def timed(args: list[str], env: dict, check: bool = True) -> tuple[float, float]:
    """Wall seconds and peak RSS in MiB of one ``aikg`` command (``os.wait4``: the largest of
    the process and the children it waited for, such as the forked check of ``add``; not their
    sum)."""
    start = time.perf_counter()
    child = subprocess.Popen([aikg(), *args], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    took = time.perf_counter() - start
    if check and os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"aikg {' '.join(args)} failed: {err.decode().strip()}")
    return took, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=106_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--file", type=Path, help="measure this Turtle file instead")
    parser.add_argument("--no-validate", action="store_true",
                        help="leave out the two validate rows (minutes each at 1M triples)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "AIKG_WORKSPACE": str(Path(tmp) / "ws")}
        # as on a user's machine: Python keeps compiled modules (this VM's shell sets
        # PYTHONDONTWRITEBYTECODE, and every start then compiles the modules again, +65 ms)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        data = args.file
        if data is None:
            data = Path(tmp) / "user.ttl"
            subprocess.run([sys.executable, str(HERE / "generate.py"), "--triples",
                            str(args.triples), "--seed", str(args.seed), "-o", str(data)],
                           check=True)
        size = data.stat().st_size / 1e6
        print(f"# {os.cpu_count()} CPUs; user file {data.name}, {size:.1f} MB; "
              f"median of {args.runs} runs, peak RSS per process")
        print("| command | median wall time | peak RSS |")
        print("|---|---|---|")
        took, peak = timed(["add", str(data)], env)
        print(f"| `aikg add FILE` (first: parse, check, store) | {took:.2f} s | {peak:.0f} MiB |",
              flush=True)
        for command in COMMANDS:
            if args.no_validate and command[0] == "validate":
                continue
            times = [timed(command, env, check="Hed of" not in command[-1])
                     for _ in range(args.runs)]
            shown = " ".join(f"'{a}'" if " " in a else a for a in command)
            print(f"| `aikg {shown}` | {statistics.median(t for t, _ in times) * 1000:.0f} ms "
                  f"| {max(p for _, p in times):.0f} MiB |", flush=True)


if __name__ == "__main__":
    main()
