"""Catalogue queries over a big workspace: time to the first page of a table, and the memory
of writing every row as CSV or JSON.

Builds a workspace from ``generate.py`` (``aikg add``, about 70-90 s and 1.8 GB at 1M
triples; ``gen_graph.py``'s graphs do not pass the checks ``add`` runs), or reuses one given with ``--workspace``. Then, each a fresh ``aikg`` process:

- every catalogue query (``aikg queries``; the ones with a required parameter get a value of
  the release) as ``--format table``: the time until its first bytes reach stdout (the
  page), the time to the end (the count of the rows that follow), what it said about them.
  The answers a workspace keeps are deleted before each run, so each is a first run; the
  second run (``kept``) reads what the first kept. With ``--prepared`` nothing is deleted:
  the figures of a workspace after ``aikg prepare``.
- ``--format csv`` and ``json`` of every row: wall time, rows and peak RSS of the process
  and its children, for the same query cut at 100k rows and whole, so that a memory that
  grows with the answer shows.

    .venv/bin/python bench/bench_pages.py [--triples 1000000] [--workspace DIR] [--only NAME...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: a value of the release for each required parameter of a catalogue query
PARAMS = {
    "entity": "Head of AI Engineering", "region": "United States", "skill": "Python",
    "challenge": "Moving from technical expert to business leader", "text": "data",
    "class": "ail:Skill", "from": "AI Engineer", "to": "Head of AI Engineering",
}
STREAMED = [
    ("every triple, first 100k", "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 100000"),
    ("every triple", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"),
    ("graph-facts (catalogue)", "graph-facts"),
]


AIKG = [str(Path(sys.executable).parent / "aikg")]


def aikg() -> str:
    return AIKG[0]


def forget_answers(workspace: Path) -> None:
    """Delete the answers and tables kept beside the workspace's stores: a first run."""
    for db in workspace.glob("stores/*/kept.db"):
        with sqlite3.connect(db) as connection:
            connection.execute("DELETE FROM kept WHERE name LIKE 'results-%' "
                               "OR name LIKE 'shown-%'")


def first_page(args: list[str], env: dict) -> tuple[float, float, int, str]:
    """Seconds to the first stdout bytes, to the end, the exit code, and the last line
    (the note on the rows that follow, or the error)."""
    start = time.perf_counter()
    process = subprocess.Popen([aikg(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=env)
    first = os.read(process.stdout.fileno(), 1 << 16)
    page = time.perf_counter() - start
    rest = first + process.stdout.read()
    error = process.stderr.read().decode("utf-8", "replace")
    code = process.wait()
    total = time.perf_counter() - start
    lines = (rest.decode("utf-8", "replace").strip() or error.strip()).splitlines()
    return page, total, code, lines[-1] if lines else ""


def peak(args: list[str], env: dict) -> tuple[float, float, int, int]:
    """Seconds, peak RSS in MiB of the process and its children, bytes and lines written (to
    a pipe read and dropped here, as a reader would)."""
    start = time.perf_counter()
    process = subprocess.Popen([aikg(), *args], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, env=env)
    written = lines = 0
    while chunk := process.stdout.read(1 << 16):
        written += len(chunk)
        lines += chunk.count(b"\n")
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, written, lines


def build(triples: int, folder: Path, env: dict) -> None:
    data = folder / "user.ttl"  # generate.py's file passes the checks (gen_graph.py's not)
    subprocess.run([sys.executable, str(HERE / "generate.py"), "--triples", str(triples),
                    "--seed", "1", "-o", str(data)], check=True)
    start = time.perf_counter()
    subprocess.run([aikg(), "add", str(data)], check=True, env=env, capture_output=True)
    print(f"# aikg add: {time.perf_counter() - start:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--workspace", type=Path, help="reuse this workspace (built if empty)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these queries")
    parser.add_argument("--no-stream", action="store_true", help="leave out the memory part")
    parser.add_argument("--no-pages", action="store_true", help="leave out the page part")
    parser.add_argument("--aikg", help="the aikg program to measure (another version's)")
    parser.add_argument("--prepared", action="store_true",
                        help="keep the answers kept beside the store (what 'aikg prepare' "
                             "kept): measure a prepared workspace, not first runs")
    args = parser.parse_args()
    if args.aikg:
        AIKG[0] = args.aikg
    with tempfile.TemporaryDirectory() as tmp:
        workspace = args.workspace or Path(tmp) / "ws"
        env = {**os.environ, "AIKG_WORKSPACE": str(workspace)}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if not list(workspace.glob("stores/*/kept.db")):
            build(args.triples, Path(tmp), env)
        listing = json.loads(subprocess.run([aikg(), "queries", "--format", "json"], env=env,
                                            check=True, capture_output=True).stdout)
        print(f"# {os.cpu_count()} CPUs; workspace {workspace}; whole processes")
        if args.no_pages:
            listing = []
        print("| query | first page | to the end | kept: first page | what follows the page |")
        print("|---|---:|---:|---:|---|")
        for item in listing:
            if args.only and item["name"] not in args.only:
                continue
            command = ["query", item["name"], "--format", "table"]
            for param in item["params"]:
                if not param["optional"]:
                    command += ["-p", param["name"], PARAMS[param["name"]]]
            if not args.prepared:
                forget_answers(workspace)
            page, total, code, last = first_page(command, env)
            again, _, _, _ = first_page(command, env)
            said = last if code == 0 and last.startswith("(") else f"exit {code}: {last}"
            said = re.sub(r"\s+", " ", said)[:90]
            print(f"| {item['name']} | {page:.2f} s | {total:.2f} s | {again:.2f} s | {said} |",
                  flush=True)
        if args.no_stream:
            return
        print("\n| answer | format | rows | wall | peak RSS | bytes |")
        print("|---|---|---:|---:|---:|---:|")
        for title, query in STREAMED:
            for fmt in ("csv", "json"):
                if not args.prepared:
                    forget_answers(workspace)
                wall, rss, written, lines = peak(["query", query, "--format", fmt,
                                                  "--timeout", "0"], env)
                rows = f"{lines - 1:,}" if fmt == "csv" else "-"  # a line per row, a header
                print(f"| {title} | {fmt} | {rows} | {wall:.1f} s | {rss:.0f} MiB | "
                      f"{written / 1e6:.0f} MB |", flush=True)


if __name__ == "__main__":
    main()
