"""The alignment of O*NET 29.2 and ESCO 1.2.0 with the guide: time and peak memory, and
``aikg add onet.ttl esco.ttl`` end to end.

1. ``align``: a fresh process loads the release and the two Turtle files into one store (as the
   workspace build has them, before writing) and runs the alignment as the build does
   (:class:`kg.importers.align.apply.WorkspaceMappings`): reading the concepts, occupations,
   skills, and adding the mappings. Wall and CPU time of each step (CPU time is what a busy
   shared machine does not inflate), peak resident memory.
2. ``add``: ``aikg --workspace TMP add onet.ttl esco.ttl`` in a fresh process, wall time and
   peak memory (of the process and its children); it reports a refusal if the files cannot be
   added together (the duplicate-label check of issue 20, part 1, on another branch).

Goals (issue 20): the alignment <= 30 s of an add; the add <= 3 min and <= 2.5 GB.

    .venv/bin/python bench/bench_alignment.py [--onet /work/data/onet.ttl] [--esco ...] [--no-add]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json, resource, sys, time
import pyoxigraph as ox
from kg.store import release
from kg.importers.align import concepts, occupations, skills
from kg.importers.align.apply import WorkspaceMappings

def clock():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return time.perf_counter(), u.ru_utime + u.ru_stime

steps, last = {}, clock()
def step(name):
    global last
    now = clock()
    steps[name] = {"wall": now[0] - last[0], "cpu": now[1] - last[1]}
    last = clock()

store = ox.Store()
store.bulk_load(path=str(release.release_file("nt")), format=ox.RdfFormat.N_TRIPLES)
for path in sys.argv[1:]:
    store.bulk_load(path=path, format=ox.RdfFormat.TURTLE)
step("load (not part of the alignment)")
occupation_list, skill_list = concepts.read(store)
step("read concepts (SPARQL)")
found_occupations = occupations.align(occupation_list)
step("occupations")
found_skills = skills.align(skill_list)
step("skills")
hook = WorkspaceMappings()
hook.apply(store, {})
step("whole hook (read, align, curated, add to store)")
from kg.importers.align import stored
asserted, replaced = stored.read(store)
step("reading the mappings back ('aikg mappings')")
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"steps": steps, "rss_mb": usage.ru_maxrss / 1024,
                  "occupations": len(found_occupations), "skills": len(found_skills),
                  "hook": hook.last, "stored": len(asserted), "replaced": len(replaced)}))
"""


def align(files: list[Path]) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, *map(str, files)], capture_output=True,
                          text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout)


def add(files: list[Path]) -> dict:
    import resource

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        done = subprocess.run([str(ROOT / ".venv" / "bin" / "aikg"), "--workspace", tmp, "add",
                               *map(str, files)], capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    last = (done.stderr.strip().splitlines() or [""])[-1]
    return {"wall": wall, "rss_mb": usage.ru_maxrss / 1024, "code": done.returncode,
            "said": last[:300]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--onet", type=Path, default=Path("/work/data/onet.ttl"))
    parser.add_argument("--esco", type=Path, default=Path("/work/data/esco.ttl"))
    parser.add_argument("--no-add", action="store_true", help="Only time the alignment.")
    args = parser.parse_args()
    files = [args.onet, args.esco]
    print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores)")
    result = align(files)
    print("| step | wall s | CPU s |")
    print("|---|---:|---:|")
    for name, t in result["steps"].items():
        print(f"| {name} | {t['wall']:.1f} | {t['cpu']:.1f} |")
    print(f"peak RSS {result['rss_mb']:.0f} MB; {result['occupations']:,} occupation and "
          f"{result['skills']:,} skill mappings; {result['stored']:,} mappings in the store "
          f"(with the guide's own), {result['replaced']} replaced by a curated one")
    if not args.no_add:
        found = add(files)
        print(f"aikg add onet.ttl esco.ttl: exit {found['code']} in {found['wall']:.0f} s, peak "
              f"RSS {found['rss_mb']:.0f} MB; last line: {found['said']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
