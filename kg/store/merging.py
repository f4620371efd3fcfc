"""Building a workspace's merged store: parse the files, check them, entail, write, rename.

:func:`build` is what :class:`kg.store.workspace.Workspace` runs when no store of its files
exists yet: the release plus the files, checked and entailed in memory, written into a private
staging folder beside the others and renamed to its key only once the check has passed.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import time
from pathlib import Path
from typing import NamedTuple

from kg.store import kept
from kg.store import release as store
from kg.errors import SourceError
from kg.store.folder import damaged


def file_digest(path: Path) -> str:
    """SHA-256 of an input file's bytes, read under the same rules as parsing
    (:func:`kg.store.inputs.open_input`: devices, FIFOs and folders refused, size capped)."""
    import hashlib  # OpenSSL's libcrypto: 2-4 ms a start, paid only when hashing

    from kg.store.inputs import open_input, too_large

    digest = hashlib.sha256()
    with open_input(path) as handle:
        try:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        except OSError as error:
            raise SourceError(f"{path}: cannot read it ({error.strerror}).") from None
        if handle.exceeded:
            raise too_large(path)
    return digest.hexdigest()


class Merged(NamedTuple):
    """An opened merged graph: the store (or a function that opens it), the files in it,
    their prefixes, its folder. (A named tuple: a dataclass took 1-2 ms to create, at the
    start of every command.)"""

    store: object
    files: tuple[Path, ...]
    prefixes: dict
    folder: Path | None
    #: triples in the store (counted at build: an on-disk store counts them slowly)
    size: int | None = None
    #: the check report of the files when they were checked just now (its warnings are for
    #: the user to see), None when the store was built before
    report: object | None = None


def build(ws, folder: Path, release: Path, files: list[Path], hashes: list[str],
          progress, fail_on: str = "error") -> Merged:
    """Parse, check, entail and write the merged store of ``files`` for the workspace ``ws``
    into ``folder`` (a private staging folder renamed into place when the check passes)."""
    from concurrent.futures import ThreadPoolExecutor

    import pyoxigraph as ox

    from kg.query import killable
    from kg.build import check_extra, shapes_json, take_shapes
    from kg.store.turtle import read_turtle
    from kg.releasing.inference import entail_store

    say = progress or (lambda message: None)
    added, prefixes, per_file, mapped = [], {}, {}, {}
    for path in files:  # syntax errors before any other work
        say(f"Parsing {path}")
        if ws.mappings is not None and ws.mappings.accepts(path):
            mapped[path] = ws.mappings.read(path)  # added after the merge
            per_file[str(path)] = len(mapped[path])
            continue
        quads, declared = read_turtle(path)
        per_file[str(path)] = len(quads)
        added.extend(quads)
        prefixes = {**declared, **prefixes}
    quads = None  # 'added' holds them
    total = (_triples(release) or 0) + len(added)
    in_memory = total <= store.IN_MEMORY_LIMIT
    parent = folder.parent
    import tempfile  # (and random) only when a store is merged: 2-4 ms of every command's start

    try:
        staging = Path(tempfile.mkdtemp(prefix=kept.STAGING, dir=parent))  # made by _ensure
    except OSError:  # no writable workspace: merge in memory, cache nothing
        staging = None
    checking = None
    try:
        say(f"Merging {len(added):,} triples with the release")
        # Checked and entailed in memory (the violation queries run about 7x faster there
        # than on an on-disk store: 3 s against 21 s at 200k triples), then written out.
        graph = ox.Store()
        graph.bulk_load(path=str(release / f"{store.RELEASE_NAME}.nt"),
                        format=ox.RdfFormat.N_TRIPLES)
        graph.bulk_extend(added)
        unchecked = ws._unchecked(files, hashes, added, per_file)
        # The violation queries first, here: seconds at a million triples, so a file
        # that fails them is refused before anything slow starts, with every problem
        say(f"Checking {len(added):,} triples from {len(files)} file(s): the violation queries")
        report = check_extra(graph, tuple(files), unchecked, fail_on, part="queries")
        say("Checking the shapes, and adding what the files entail")
        # The shapes run in a forked child (a copy of the store as it is now) on the
        # second core, while this process entails, warms up and writes; nothing moves
        # into place before the child says the files pass. It hands back its warnings.
        checking = killable.Forked(lambda out: out.write(shapes_json(check_extra(
            graph, tuple(files), unchecked, fail_on, part="shapes"))), output=True)
        entail_store(graph, added)  # the release is entailed; so are the user's triples
        if ws.mappings is not None:  # mappings between the vocabularies now merged
            ws.mappings.apply(graph, mapped, say)
        count = len(added)
        del added, unchecked  # the store holds them now (and the child its own copy)
        checking.poll()  # a failed check stops the build here
        if staging is None:
            take_shapes(report, checking.wait())
            return Merged(graph, tuple(files), prefixes, None, report=report)
        say("Writing the merged store and answering the path and label queries once")
        stored = len(graph)
        # pyoxigraph lets go of the GIL while it serialises and bulk-loads, so the store
        # is written on a second thread while this one runs the warm-up queries
        with ThreadPoolExecutor(max_workers=1) as pool:
            written = pool.submit(_write_store, graph, staging, in_memory)
            kept.claim(staging, folder.name)  # its kept answers are the store's of this key
            if ws.warm is not None:
                ws.warm(graph, staging)
            kept.forget(staging)  # closed before the folder moves
            written.result()
        del graph
        if checking.running:
            say(f"Waiting for the check of {count:,} triples")
        take_shapes(report, checking.wait())
        meta = {"files": [str(p) for p in files], "sha256": hashes, "prefixes": prefixes,
                "triples": total, "stored": stored, "triples_per_file": per_file,
                "release": ws.recipe(release), "built": int(time.time()),
                "problems": [[g.severity, g.line()] for g in report.groups()]}
        (staging / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True))
        try:
            os.rename(staging, folder)
        except OSError:
            if not ws._meta(folder):  # another process may have won the race
                raise
        staging = None
    finally:
        if checking is not None:
            checking.kill()
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    ws._prune(keep=folder.name)
    return ws._load(folder)._replace(report=report)


def open_store(folder: Path):
    """A merged store as :meth:`Workspace._load` hands it out: opened when first asked.
    Its parts must be what the build wrote (a regular ``data.nt``, a real ``store/``
    folder): a link to ``/dev/zero`` or a FIFO there would be read forever."""
    import pyoxigraph as ox

    text, disk = (_kind(folder / name) for name in ("data.nt", "store"))
    if text is None and disk is None or text not in (None, stat.S_IFREG) \
            or disk not in (None, stat.S_IFDIR):
        raise damaged(folder, "its data.nt or store/ is not what 'aikg add' wrote")
    if text is not None:
        graph = ox.Store()
        graph.bulk_load(path=str(folder / "data.nt"), format=ox.RdfFormat.N_TRIPLES)
        return graph
    return ox.Store.read_only(str(folder / "store"))


def _write_store(graph, staging: Path, in_memory: bool) -> None:
    """The merged graph as ``data.nt`` (small: parsed into memory on open, where it answers
    faster) or as an on-disk store (large: opened in milliseconds)."""
    import pyoxigraph as ox

    if in_memory:
        graph.dump(str(staging / "data.nt"), ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        return
    text = staging / "data.nt"  # through a file, not bytes: 250 MB less at 1M triples
    graph.dump(str(text), ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    disk = ox.Store(str(staging / "store"))
    # in blocks: one bulk load of 1.8M triples took 1.1 GB on top of the 0.6 GB store it
    # copies, 16 MB blocks 0.16 GB (and 6 s more, on the thread beside the warm-up); the
    # compaction puts the blocks' files back in order (2.5 s), or queries run 16-83% slower
    with open(text, "rb") as source:
        rest = b""
        while block := source.read(WRITE_BLOCK):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            disk.bulk_load(block[:cut], ox.RdfFormat.N_TRIPLES)
        if rest:
            disk.bulk_load(rest, ox.RdfFormat.N_TRIPLES)
    disk.optimize()
    disk.flush()
    del disk  # close the database before it moves
    text.unlink()


#: bytes of N-Triples per bulk load when a merged store is written to disk
WRITE_BLOCK = 16 << 20


def _kind(path: Path) -> int | None:
    try:
        return stat.S_IFMT(os.lstat(path).st_mode)
    except FileNotFoundError:
        return None


def manifest_digest(release: Path) -> str:
    try:
        manifest = json.loads((release / store.MANIFEST).read_text())
    except (OSError, ValueError):
        manifest = {}
    name = f"{store.RELEASE_NAME}.nt"
    return manifest.get("files", {}).get(name) or file_digest(release / name)


def _triples(release: Path) -> int | None:
    try:
        return json.loads((release / store.MANIFEST).read_text()).get("triples")
    except (OSError, ValueError):
        return None
