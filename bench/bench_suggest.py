"""'Did you mean': the suggestions for a mistyped name, over every label of a large import.

Loads the release and a Turtle file (the O*NET conversion: ~60,000 alternate titles), reads the
labels of the occupations as ``resolve`` does (the ``labels`` catalogue query), then times
``kg.errors.did_you_mean`` (rapidfuzz) against the difflib version it replaced, side by side,
on the same typos. With ``--workspace DIR`` it also times the whole ``aikg path TYPO ...``
process in that workspace (``aikg --workspace DIR add FILE`` first).

    .venv/bin/python bench/bench_suggest.py onet.ttl --runs 7
    .venv/bin/python bench/bench_suggest.py onet.ttl --workspace /tmp/ws --runs 5
    .venv/bin/python bench/bench_suggest.py      # imports ../shared/datasets/onet-29.2 first
"""

from __future__ import annotations

import argparse
import difflib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

import kg
from kg.errors import did_you_mean
from kg.importers import onet
from kg.query import catalogue
from kg.store import release as store

ROOT = Path(__file__).resolve().parent.parent
TYPOS = ["Head of A1", "Sofware Developers", "Data Scientsts", "Machine Learning Enginer",
         "Chief AI Oficer", "xyzzy"]


def difflib_did_you_mean(value: str, candidates, n: int = 3) -> str:
    """The suggestions before rapidfuzz (difflib's ratio with its cheap upper bounds first)."""
    pool = {c.casefold(): c for c in sorted(set(candidates))}
    wanted = value.casefold()
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(wanted)
    quick = []
    for c in pool:
        matcher.set_seq1(c)
        if matcher.real_quick_ratio() >= 0.6:
            bound = matcher.quick_ratio()
            if bound >= 0.6:
                quick.append((bound, c))
    quick.sort(reverse=True)
    scored = []
    for bound, c in quick:
        if scored and bound < max(score for score, _ in scored) - 0.08:
            break
        matcher.set_seq1(c)
        scored.append((matcher.ratio(), c))
    scored.sort(reverse=True)
    close = [c for score, c in scored if score >= 0.6 and score >= scored[0][0] - 0.08][:n]
    if not close:
        close = [c for c in pool if wanted and wanted in c][:n]
    return (" Did you mean " + ", ".join(f"'{pool[c]}'" for c in close) + "?") if close else ""


def labels_of(ttl: Path) -> list[str]:
    """Every label and alternative label of the occupations, release plus ``ttl``."""
    graph = ox.Store()
    graph.load(path=str(store.release_file("nt")), format=ox.RdfFormat.N_TRIPLES)
    graph.load(path=str(ttl), format=ox.RdfFormat.TURTLE)
    g = kg.KnowledgeGraph(graph)
    term = ox.NamedNode("https://w3id.org/ai-leadership-kg/ontology#Occupation")
    return [row["label"] for row in g.query(catalogue.get("labels").text, **{"class": term})]


def timed(function, *args, runs: int) -> tuple[float, float, str]:
    """Median wall and CPU seconds of ``runs`` calls, and the answer (the machine is shared:
    CPU time is the steadier figure)."""
    walls, cpus, answer = [], [], ""
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        answer = function(*args)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ttl", type=Path, nargs="?",
                        help="a Turtle file of occupations (default: O*NET imported from --datasets)")
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--workspace", type=Path, help="also time 'aikg path TYPO' there")
    args = parser.parse_args()
    if args.ttl is None:
        folder = args.datasets / "onet-29.2"
        if not folder.is_dir():
            print(f"skipped: no {folder} (give onet.ttl, or --datasets)")
            return
        args.ttl = Path(tempfile.mkdtemp(prefix="bench-suggest-")) / "onet.ttl"
        onet.import_onet(folder, args.ttl)  # ~40 s
    labels = labels_of(args.ttl)
    print(f"{len(labels):,} labels and alternative labels of occupations "
          f"({len(set(labels)):,} distinct)\n")
    did_you_mean("warm-up", ["rapidfuzz's import, paid once per process"])
    print("| typo | rapidfuzz wall / CPU | difflib wall / CPU | suggestions (rapidfuzz) | "
          "suggestions (difflib) |")
    print("|---|---:|---:|---|---|")
    for typo in TYPOS:
        fast, fast_cpu, new = timed(did_you_mean, typo, labels, runs=args.runs)
        slow, slow_cpu, old = timed(difflib_did_you_mean, typo, labels,
                                    runs=max(1, args.runs // 2))
        print(f"| {typo} | {fast * 1000:.0f} / {fast_cpu * 1000:.0f} ms | "
              f"{slow * 1000:.0f} / {slow_cpu * 1000:.0f} ms | {new.strip()} | {old.strip()} |")
    if args.workspace:
        aikg = str(Path(sys.executable).parent / "aikg")
        for typo in TYPOS[:2]:
            walls, cpus = [], []
            for _ in range(args.runs):
                start = time.perf_counter()
                done = subprocess.Popen([aikg, "--workspace", str(args.workspace), "path", typo,
                                         "Head of AI Engineering"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
                _, _, usage = os.wait4(done.pid, 0)
                walls.append(time.perf_counter() - start)
                cpus.append(usage.ru_utime + usage.ru_stime)
            print(f"\nwhole process, aikg path {typo!r} 'Head of AI Engineering': median "
                  f"{statistics.median(walls):.2f} s wall, {statistics.median(cpus):.2f} s CPU "
                  f"({min(walls):.2f}-{max(walls):.2f} s wall over {args.runs} runs)")


if __name__ == "__main__":
    main()
