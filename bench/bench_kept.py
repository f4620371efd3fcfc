"""What keeping answers in SQLite (kg/store/kept.py) costs against the files it replaced
(256 JSON label shards keyed by CRC-32, one file per entry), in one process, CPU time.

    .venv/bin/python bench/bench_kept.py OLD_KEPT_PY WORKSPACE

OLD_KEPT_PY: the file-based kg/store/kept.py of an earlier commit (git show
b845f9d:kg/store/kept.py > /tmp/oldkept.py); WORKSPACE: a workspace with a file added
(bench_workspace.py's generated one): its occupations' labels, repeated 30 times with a
number, stand for O*NET's 60,000 alternate titles.
"""
import importlib.util
import os
import sys
import tempfile
import time
import zlib
from pathlib import Path
import kg
from kg.store import kept as new
spec = importlib.util.spec_from_file_location("oldkept", sys.argv[1])
old = importlib.util.module_from_spec(spec); spec.loader.exec_module(old)
from kg.store.workspace import Workspace
from kg.loading import warm_caches
g = kg.load(workspace=Workspace(sys.argv[2], warm=warm_caches))
rows = [{**r, "label": f"{r['label']} {i}"} for i in range(30) for r in g.named_labels("ail:Occupation")]
print(len(rows), "label rows")
def shard(label, n=None):
    n = zlib.crc32(label.encode()) % 256 if n is None else n
    return f"label-index-x-{n:03d}"
def cpu(fn, reps):
    t = time.process_time(); [fn() for _ in range(reps)]; return (time.process_time() - t) / reps * 1000
with tempfile.TemporaryDirectory() as tmp:
    a, b = Path(tmp, "old"), Path(tmp, "new"); a.mkdir(mode=0o700); b.mkdir(mode=0o700)
    shards = {}
    for r in rows: shards.setdefault(shard(r["label"].casefold()), []).append(r)
    t = time.process_time()
    for n in range(256): old.write_rows(a, shard(None, n), shards.get(shard(None, n), []))
    w_old = time.process_time() - t
    t = time.process_time(); new.write_labels(b, "x", rows); w_new = time.process_time() - t
    names = [r["label"].casefold() for r in rows[::max(1, len(rows)//200)]]
    def look_old():
        for w in names:
            [r for r in old.read_rows(a, shard(w)) if r["label"].casefold() == w]
    def look_new():
        for w in names:
            new.read_labels(b, "x", w)
    print(f"label index write: shards {w_old*1000:.0f} ms, sqlite {w_new*1000:.0f} ms")
    print(f"one look-up: shards {cpu(look_old, 3) / len(names):.3f} ms, "
          f"sqlite {cpu(look_new, 3) / len(names):.3f} ms")
    ladder = os.urandom(22 << 20)  # the size of the 1M-triple ladder
    old.write_bytes(a, "projection.ladder", ladder)
    new.write_bytes(b, "projection.ladder", ladder)
    from_file = cpu(lambda: old.read_bytes(a, "projection.ladder"), 20)
    from_db = cpu(lambda: new.read_bytes(b, "projection.ladder"), 20)
    print(f"ladder of {len(ladder) / 1e6:.1f} MB read: file {from_file:.2f} ms, "
          f"sqlite {from_db:.2f} ms")
    new.forget(b)
    t = time.perf_counter()
    new.read_labels(b, "x", names[0])
    print(f"first look-up after opening (connect + query): "
          f"{1000 * (time.perf_counter() - t):.2f} ms wall")
