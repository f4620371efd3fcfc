"""``push`` into a fresh Oxigraph server, then again over the graph it wrote (replace).

Wall time of each push, the client's and the server's CPU time (the server's from
``/proc/PID/stat``), triples per second, and the protocol used. ``--module FILE`` times another
version of ``kg/remote/push.py`` (e.g. ``git show REV:kg/remote/push.py > /tmp/push_old.py``).

    .venv/bin/python bench/gen_graph.py --triples 100000 -o /tmp/g100k.nt
    .venv/bin/python bench/bench_push.py /tmp/g100k.nt
    .venv/bin/python bench/bench_push.py /tmp/g100k.nt --once --versus-loader
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/ helpers, as in the other bench scripts

import pyoxigraph as ox  # noqa: E402

from tests import engines_support as engines  # noqa: E402

GRAPH = "https://example.org/bench/graph"


def server_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks


def load_module(path: Path | None):
    if path is None:
        from kg.remote import push

        return push
    spec = importlib.util.spec_from_file_location("push_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ntriples", type=Path)
    parser.add_argument("--module", type=Path, help="another push.py to time")
    parser.add_argument("--once", action="store_true", help="skip the second (replace) push")
    parser.add_argument("--versus-loader", action="store_true",
                        help="first time the server's own bulk loader ('oxigraph load') on the "
                             "same file into a fresh store, for the ratio push / loader")
    parser.add_argument("--rounds", type=int, default=1,
                        help="alternate loader and push this many times (a shared machine's "
                             "load drifts: each ratio is of neighbours)")
    args = parser.parse_args(argv)
    pushing = load_module(args.module)
    triples = list(ox.parse(path=str(args.ntriples), format=ox.RdfFormat.N_TRIPLES))
    print("| what | triples | wall | triples/s | client CPU | server CPU | how |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for _ in range(args.rounds):
        _round(args, pushing, triples)
    return 0


def _round(args, pushing, triples) -> None:
    if args.versus_loader:
        loader_rate = _loader_rate(args.ntriples, len(triples))
        print(f"| oxigraph load (the server's bulk loader) | {len(triples):,} | "
              f"{len(triples) / loader_rate:.2f} s | {loader_rate:,.0f} | | | |", flush=True)
    with engines.oxigraph_server() as oxi:
        for label in ("first push", "replace")[:1 if args.once else 2]:
            client, server = time.process_time(), server_cpu(oxi.pid)
            done = pushing.push(triples, oxi.query, update=oxi.update, gsp=oxi.gsp, graph=GRAPH,
                                timeout=3600)
            print(f"| {label} | {done.sent:,} | {done.seconds:.2f} s | {done.rate:,.0f} | "
                  f"{time.process_time() - client:.2f} s | {server_cpu(oxi.pid) - server:.2f} s "
                  f"| {done.protocol}, {done.requests} requests |", flush=True)
            if args.versus_loader and label == "first push":
                print(f"push / loader: {done.rate / loader_rate:.0%}", flush=True)


def _loader_rate(ntriples: Path, count: int) -> float:
    """Triples per second of ``oxigraph load`` into a fresh store (whole process)."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="aikg-loader-") as tmp:
        started = time.perf_counter()
        subprocess.run([engines.oxigraph_binary(), "load", "--location", tmp, "--file",
                        str(ntriples), "--graph", GRAPH], check=True, capture_output=True)
        return count / (time.perf_counter() - started)


if __name__ == "__main__":
    sys.exit(main())
