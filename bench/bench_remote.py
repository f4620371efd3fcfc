"""Engines side by side on generated graphs: the catalogue, push, cold starts, memory.

For each size, one run: generate the graph (``bench/gen_graph.py``), start an Oxigraph server
and a Virtuoso on loopback (``tests/engines_support.py``), ``push`` the graph into both, then
time every catalogue query (same text, parameters as VALUES) on pyoxigraph in memory,
pyoxigraph on disk, rdflib's engine, Apache Jena ARQ (whole process), Oxigraph server and
Virtuoso; whole-process cold starts of ``aikg --endpoint ... query/path/ready``; peak memory.
Medians over ``--runs``; ratios against pyoxigraph in memory.

    .venv/bin/python bench/bench_remote.py --sizes 10000 100000
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench/ and tests/ helpers, as in the other bench scripts

import pyoxigraph as ox  # noqa: E402

from bench.gen_graph import GEN, generate  # noqa: E402
from kg.query import catalogue  # noqa: E402
from kg.query import sparql
from tests import engines_support as engines  # noqa: E402

GRAPH = "https://example.org/bench/graph"
WRAP = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE); "
        "w = time.perf_counter() - t; "
        "print(r.returncode, w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
        "r.stderr.decode()[-300:].replace(chr(10), ' '))")


def query_texts() -> dict[str, str]:
    """Every catalogue query with its example parameters as a VALUES block (IRIs from the
    shipped release, which every generated graph contains)."""
    import kg
    from tests.test_catalogue import example_params

    graph = kg.load()
    texts = {}
    for name, named in catalogue.catalogue().items():
        bound = graph.bind_params(named, example_params(named))
        texts[name] = sparql.prefix_lines(named.text) + sparql.with_values(named.text, bound)
    return texts


def median_time(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measured(cmd: list[str], env=None) -> tuple[float, int, str]:
    """Wall seconds and peak resident KB of one whole process (measured in a wrapper)."""
    out = subprocess.run([sys.executable, "-c", WRAP, *cmd], capture_output=True, text=True,
                         env=env).stdout.split(" ", 3)
    if out[0] != "0":
        raise RuntimeError(f"{cmd}: {out}")
    return float(out[1]), int(out[2]), out[3] if len(out) > 3 else ""


def server_peak_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def in_child(action, limit: float, timed: bool = True) -> float | None:
    """Seconds ``action`` takes in a forked child (or, not ``timed``, what it returns), or None
    past ``limit`` (killed): rdflib's engine cannot be interrupted in-process."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    here, there = context.Pipe(duplex=False)

    def child():
        started = time.perf_counter()
        value = action()
        there.send(time.perf_counter() - started if timed else value)

    process = context.Process(target=child)
    process.start()
    ready = here.poll(limit)
    value = here.recv() if ready else None
    process.kill()
    process.join()
    return value


def local_stores(size: int, work: Path):
    """The generated graph's file, its triples, and it in a memory and a read-only disk store."""
    nt = work / f"g{size}.nt"
    with open(nt, "w", encoding="utf-8") as out:
        out.writelines(line + "\n" for line in generate(size))
    triples = list(ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES))
    memory = ox.Store()
    memory.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    disk_dir = work / f"store{size}"
    loader = ox.Store(str(disk_dir))
    loader.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    del loader
    return nt, triples, memory, ox.Store.read_only(str(disk_dir))


def run_local(size: int, runs: int, texts: dict[str, str], work: Path, limit: float,
              rdflib_limit: float | None = None) -> dict:
    """pyoxigraph only (memory and disk): the quick pass for the <= 1 s goal at 1M. Each
    query runs in a forked child given ``limit`` seconds (pyoxigraph cannot be interrupted).
    With ``rdflib_limit``, rdflib's engine too (one run per query, in a child given that
    long), for the ratio at sizes where the full run takes too long."""
    nt, triples, memory, disk = local_stores(size, work)
    result = {"size": len(triples), "queries": {}, "push": {}, "cold": {}, "memory": {},
              "local_only": True, "rdflib_parse": None}
    del triples
    engines_ = [("memory", memory), ("disk", disk)]
    if rdflib_limit is not None:
        import rdflib

        started = time.perf_counter()
        rdf = rdflib.Graph()
        rdf.parse(str(nt), format="nt")
        result["rdflib_parse"] = time.perf_counter() - started
        print(f"  rdflib parsed in {result['rdflib_parse']:.0f} s", file=sys.stderr)
    for name, text in sorted(texts.items()):
        row = result["queries"][name] = {}
        for label, store in engines_:
            row[label] = in_child(lambda: median_time(lambda: list(store.query(text)), runs),
                                  limit, timed=False)
        if rdflib_limit is not None:
            row["rdflib"] = in_child(lambda: list(rdf.query(text)), rdflib_limit)
        print(f"  {name}: {row}", file=sys.stderr)
    result["rdflib_limit"] = rdflib_limit
    return result


def run_size(size: int, runs: int, texts: dict[str, str], work: Path, jena: bool,
             rdflib_limit: float = 60.0, cold_only: bool = False) -> dict:
    nt, triples, memory, disk = local_stores(size, work)
    result = {"size": len(triples), "queries": {}, "push": {}, "cold": {}, "memory": {},
              "rdflib_parse": None}
    if cold_only:
        texts, jena = {}, False
    else:
        import rdflib

        started = time.perf_counter()
        rdf = rdflib.Graph()
        rdf.parse(str(nt), format="nt")
        result["rdflib_parse"] = time.perf_counter() - started

    from kg.remote import RemoteGraph
    from kg.remote.push import push

    with engines.oxigraph_server(work) as oxi, engines.virtuoso_server(work) as virt:
        for engine in (oxi, virt):
            os.environ.update(engine.env())
            pushed = push(triples, engine.query, update=engine.update, gsp=engine.gsp,
                          graph=GRAPH, timeout=600)
            result["push"][engine.name] = (pushed.sent, pushed.seconds, pushed.stored)
            for key in engine.env():
                os.environ.pop(key)
        remotes = {e.name: RemoteGraph(e.query, timeout=300, graph=GRAPH) for e in (oxi, virt)}
        for name, text in sorted(texts.items()):
            row = {
                "memory": median_time(lambda: list(memory.query(text)), runs),
                "disk": median_time(lambda: list(disk.query(text)), runs),
                "rdflib": in_child(lambda: list(rdf.query(text)), rdflib_limit),
            }
            for engine_name, graph in remotes.items():
                row[engine_name] = median_time(lambda: list(graph.run(text)), runs)
            result["queries"][name] = row
        if jena:
            result["jena"] = jena_times(nt, texts, work)
        result["cold"] = cold_starts(oxi, virt, memory, runs, work)
        result["memory"] = {"oxigraph server": server_peak_kb(oxi.pid),
                            "virtuoso": server_peak_kb(virt.pid)}
    return result


def jena_times(nt: Path, texts: dict[str, str], work: Path) -> dict:
    """ARQ per query, whole process (JVM start + load + query), and the same for ASK {}."""
    from tests.embedding_support import jena_classpath

    classpath = jena_classpath()
    if classpath is None:
        return {}
    times = {}
    for name, text in [("(load only: ASK {})", "ASK { }"), *sorted(texts.items())]:
        query = work / "q.rq"
        query.write_text(text, encoding="utf-8")
        started = time.perf_counter()
        done = subprocess.run(["java", "-cp", classpath, "arq.sparql", "--data", str(nt),
                               "--query", str(query), "--results=json"],
                              capture_output=True, timeout=900)
        times[name] = time.perf_counter() - started if done.returncode == 0 else None
    return times


def cold_starts(oxi, virt, memory, runs: int, work: Path) -> dict:
    """``aikg --endpoint URL ...`` whole process: query, path, ready (generated roles).

    Each engine gets a fresh workspace: the first ``path``/``ready`` builds the ladder from
    the store's tables and keeps it there, later ones read it back while the tables' SHA-256
    is unchanged (kg.paths.answers). ``first`` is that first run, the median is over the rest."""
    aikg = str(Path(sys.executable).with_name("aikg"))
    top = next(iter(memory.query(
        "SELECT ?r WHERE { ?r <https://w3id.org/ai-leadership-kg/ontology#seniorityLevel> ?l } "
        "ORDER BY DESC(?l) ?r LIMIT 1")))["r"].value
    source = f"{GEN}role/0"
    commands = {
        "query ladder": ["query", "ladder", "--format", "csv"],
        "path": ["path", source, top, "--format", "json"],
        "ready": ["ready", "--have", f"{GEN}skill/1", "--have", f"{GEN}skill/2", "--format",
                  "json"],
    }
    out = {}
    for engine in (oxi, virt):
        env = {**os.environ, **engine.env(), "AIKG_WORKSPACE": str(work / f"ws-{engine.name}")}
        for label, args in commands.items():
            cmd = [aikg, "--endpoint", engine.query, "--graph", GRAPH, "--timeout", "600", *args]
            samples = [measured(cmd, env) for _ in range(runs + 1)]
            out[(engine.name, label)] = (statistics.median(s[0] for s in samples[1:]),
                                         max(s[1] for s in samples), samples[0][0])
    for label, args in commands.items():  # the shipped graph, locally, for reference
        if label == "path":
            args = ["path", "Junior AI Engineer", "Head of AI Engineering", "--format", "json"]
        if label == "ready":
            args = ["ready", "--have", "Python", "--have", "SQL", "--format", "json"]
        samples = [measured([aikg, *args]) for _ in range(runs)]
        out[("local release", label)] = (statistics.median(s[0] for s in samples),
                                         max(s[1] for s in samples), None)
    return out


def report_local(result: dict) -> None:
    limit = result.get("rdflib_limit")
    with_rdflib = limit is not None
    print(f"\n### {result['size']:,} triples (pyoxigraph{' and rdflib' if with_rdflib else ' only'})\n")
    if with_rdflib:
        print(f"rdflib parse: {result['rdflib_parse']:.0f} s\n")
        print("| query | memory | disk | rdflib | rdflib / memory |\n|---|---:|---:|---:|---:|")
    else:
        print("| query | memory | disk |\n|---|---:|---:|")
    for name, row in sorted(result["queries"].items()):
        slow = any(row[e] is None or row[e] > 1 for e in ("memory", "disk"))
        shown = ("memory", "disk", "rdflib") if with_rdflib else ("memory", "disk")
        cells = " | ".join(f"{row[e] * 1000:.1f}" if row[e] is not None else "> limit"
                           for e in shown)
        if with_rdflib and row["memory"]:
            rdf = row["rdflib"]
            cells += f" | {rdf / row['memory']:,.0f}x" if rdf is not None \
                else f" | > {limit / row['memory']:,.0f}x"
        elif with_rdflib:
            cells += " | "
        print(f"| {name}{' **> 1 s**' if slow else ''} | {cells} |")
    print("\n(milliseconds, median; each query in a child process given --limit seconds"
          + (f", rdflib one run given --rdflib-limit {limit:.0f} s)" if with_rdflib else ")"))


def report(result: dict) -> None:
    if result.get("local_only"):
        return report_local(result)
    print(f"\n### {result['size']:,} triples\n")
    if result["rdflib_parse"] is not None:
        print(f"rdflib parse: {result['rdflib_parse']:.1f} s\n")
    engines_ = ["memory", "disk", "rdflib", "oxigraph", "virtuoso"]
    print("| query | " + " | ".join(engines_) + " | rdflib / memory |" +
          (" jena (whole process) |" if result.get("jena") else ""))
    print("|---|" + "---:|" * (len(engines_) + 1) + ("---:|" if result.get("jena") else ""))
    jena = result.get("jena") or {}
    if jena:
        load = jena.get("(load only: ASK {})")
        print(f"| (ASK {{ }}) | | | | | | | {load:.2f} s |" if load else "| (ASK) | | | | | | | - |")
    for name, row in sorted(result["queries"].items()):
        cells = " | ".join(f"{row[e] * 1000:.1f}" if row[e] is not None else "> limit"
                           for e in engines_)
        ratio = (row["rdflib"] or float("inf")) / row["memory"] if row["memory"] else 0
        tail = ""
        if jena:
            tail = f" {jena[name]:.2f} s |" if jena.get(name) else " failed |"
        print(f"| {name} | {cells} | {ratio:,.0f}x |{tail}")
    print("\n(milliseconds, median; rdflib one run in a child process)\n")
    for name, (sent, seconds, stored) in result["push"].items():
        print(f"- push to {name}: {sent:,} triples in {seconds:.2f} s = "
              f"{sent / seconds:,.0f} triples/s (store counted {stored:,})")
    print("\n| whole process | first | median of the rest | peak RSS |\n|---|---:|---:|---:|")
    for (engine, label), (wall, kb, first) in result["cold"].items():
        first = f"{first * 1000:.0f} ms" if first is not None else ""
        print(f"| {engine}: aikg {label} | {first} | {wall * 1000:.0f} ms | {kb / 1024:.0f} MB |")
    for name, kb in result["memory"].items():
        print(f"- {name} peak RSS: {kb / 1024:.0f} MB")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-jena", action="store_true", help="skip Apache Jena ARQ")
    parser.add_argument("--rdflib-limit", type=float, default=60.0,
                        help="seconds before an rdflib query is given up (shown '> limit')")
    parser.add_argument("--local-only", action="store_true",
                        help="pyoxigraph in memory and on disk only: no servers, rdflib, Jena")
    parser.add_argument("--limit", type=float, default=60.0,
                        help="with --local-only: seconds before a query is given up")
    parser.add_argument("--with-rdflib", action="store_true",
                        help="with --local-only: rdflib's engine too, one run per query")
    parser.add_argument("--cold-only", action="store_true",
                        help="the servers' push and whole-process commands only, no query table")
    parser.add_argument("--only", nargs="+", metavar="QUERY",
                        help="time only these catalogue queries")
    args = parser.parse_args(argv)
    texts = query_texts()
    if args.only:
        unknown = sorted(set(args.only) - set(texts))
        if unknown:
            parser.error(f"no catalogue query named {', '.join(unknown)}")
        texts = {name: texts[name] for name in args.only}
    with tempfile.TemporaryDirectory(prefix="aikg-bench-") as tmp:
        for size in args.sizes:
            if args.local_only:
                report(run_local(size, args.runs, texts, Path(tmp), args.limit,
                                 args.rdflib_limit if args.with_rdflib else None))
            else:
                report(run_size(size, args.runs, texts, Path(tmp), not args.no_jena,
                                args.rdflib_limit, args.cold_only))
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
