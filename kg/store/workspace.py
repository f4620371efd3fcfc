"""The user's workspace: their own Turtle files, parsed and checked once, merged with the release.

A workspace is a folder (``--workspace DIR``, ``AIKG_WORKSPACE``, default
``$XDG_DATA_HOME/ai-leadership-kg/workspace``, i.e. ``~/.local/share/...``)::

    workspace.json      the files added with 'aikg add': absolute path and SHA-256 at adding
    digests.json        each input file's SHA-256 under its inode, size, mtime and ctime
                        (a file that did not change is not read again to hash it)
    stores/<key>/       one merged graph per set of files: the release plus the files
        meta.json       files, hashes, triples, declared prefixes; written last (the commit)
        data.nt         the merged graph when small (loaded into memory: fastest queries)
        store/          else a pyoxigraph database, opened read-only
        rows/           cached answers of parameterless catalogue queries (the path projection)
    remote/rows/        the ladder of each store read with --endpoint, one file per endpoint
                        and graph, under the SHA-256 of the tables it was built from

The key is the SHA-256 of the release's N-Triples digest and each file's content hash, so
a merged graph is built (parsed, checked, loaded) once and reused by every later command; a
changed file (or release) gets a new key and a new build. Builds happen in a private folder
renamed into place, so an interrupted or failed build leaves the workspace as it was. Files
given with ``--with`` use the same stores without being recorded in ``workspace.json``.

Dropping the workspace: ``aikg remove --all``, or delete the folder.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.store import release as store
from kg.errors import CheckFailed, KGError, SourceError, StaleReleaseWarning

STATE = "workspace.json"
DIGESTS = "digests.json"
META = "meta.json"
#: A file's digest is kept under its inode, size, mtime and ctime only when its mtime is this
#: much older than the moment it was read: a write within the same tick of a coarse clock
#: would change nothing of them (as git's "racily clean" entries).
SETTLED_NS = 2_000_000_000
#: Merged stores kept besides the current one (older ones are deleted after a build).
KEEP_STORES = 4
Progress = Callable[[str], None]


def default_dir() -> Path:
    """``AIKG_WORKSPACE`` or the per-user data folder."""
    if os.environ.get("AIKG_WORKSPACE"):
        return Path(os.environ["AIKG_WORKSPACE"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "ai-leadership-kg" / "workspace"


def file_digest(path: Path) -> str:
    """SHA-256 of an input file's bytes, read under the same rules as parsing
    (:func:`kg.store.inputs.open_input`: devices, FIFOs and folders refused, size capped)."""
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


#: ``warm(store, folder)``: see :attr:`Workspace.warm`
Warm = Callable[[object, Path], None]


@dataclass(frozen=True)
class Source:
    """One user file as the workspace knows it."""

    path: Path
    sha256: str
    triples: int = 0
    status: str = "ok"  # ok, changed, missing (relative to when it was added)


@dataclass
class Merged:
    """An opened merged graph: the store (or a function that opens it), the files in it,
    their prefixes, its folder."""

    store: object
    files: tuple[Path, ...]
    prefixes: dict
    folder: Path | None
    #: triples in the store (counted at build: an on-disk store counts them slowly)
    size: int | None = None


class Workspace:
    """The folder of a user's added files and merged stores.

    >>> ws = Workspace(Path(tempfile.mkdtemp()))   # doctest: +SKIP
    >>> ws.add([Path("examples/acme-career-ladder.ttl")])  # doctest: +SKIP
    """

    def __init__(self, folder: Path | str | None = None, warm: Warm | None = None,
                 mappings=None):
        self.folder = Path(folder) if folder is not None else default_dir()
        #: called with the merged store (in memory) and the folder it is written to, while
        #: it is written: whoever asks for the merge warms the caches it will read
        self.warm = warm
        #: reads mapping files (``accepts``, ``read``) and adds the alignment to the merged,
        #: entailed store (``apply``): :class:`kg.importers.align.apply.WorkspaceMappings`
        self.mappings = mappings

    # -- the recorded files ----------------------------------------------------------------
    def _state(self) -> dict:
        try:
            return json.loads((self.folder / STATE).read_text())
        except FileNotFoundError:
            return {"files": []}
        except (OSError, ValueError) as error:
            raise KGError(f"{self.folder / STATE}: unreadable workspace state ({error}); "
                          "delete it and 'aikg add' your files again.") from None

    def _save(self, state: dict) -> None:
        from kg.store.io import atomic_write

        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write(self.folder / STATE, (json.dumps(state, indent=2, sort_keys=True) + "\n").encode())

    def recorded(self) -> list[dict]:
        return list(self._state().get("files", []))

    def sources(self) -> list[Source]:
        """The added files, each with its status now (changed, missing or ok)."""
        out = []
        for entry in self.recorded():
            path = Path(entry["path"])
            try:
                status = "ok" if self.digests([path])[0] == entry["sha256"] else "changed"
            except SourceError:
                status = "missing"
            out.append(Source(path, entry["sha256"], entry.get("triples", 0), status))
        return out

    def add(self, paths: Iterable[Path | str], progress: Progress | None = None) -> Merged:
        """Parse and check ``paths`` with the files already added; record them when they pass.

        A file that fails leaves the workspace as it was (CheckFailed / SourceError).
        """
        new = [Path(p).resolve() for p in paths]
        current = [Path(e["path"]) for e in self.recorded()]
        files = current + [p for p in dict.fromkeys(new) if p not in current]
        hashes = self.digests(files)
        merged = self._ensure(files, progress, hashes)
        state = self._state()
        counts = self._meta(merged.folder).get("triples_per_file", {}) if merged.folder else {}
        state["files"] = [{"path": str(p), "sha256": sha, "triples": counts.get(str(p), 0)}
                          for p, sha in zip(files, hashes)]
        state["last_good"] = merged.folder.name if merged.folder else None
        self._save(state)
        return merged

    def remove(self, paths: Iterable[Path | str] = (), everything: bool = False) -> list[Path]:
        """Forget added files (they are not deleted); ``everything`` drops the whole folder."""
        if everything:
            gone = [Path(e["path"]) for e in self.recorded()]
            if self.folder.is_dir():
                if not (self.folder / STATE).exists() and not (self.folder / "stores").exists():
                    raise KGError(f"'{self.folder}' does not look like a workspace; not deleting it.")
                shutil.rmtree(self.folder)
            return gone
        state = self._state()
        wanted = {str(Path(p).resolve()) for p in paths}
        known = {e["path"] for e in state["files"]}
        for name in sorted(wanted - known):
            listed = ", ".join(sorted(known)) or "none"
            raise KGError(f"'{name}' is not in the workspace (it holds: {listed}); "
                          "see 'aikg sources'.")
        state["files"] = [e for e in state["files"] if e["path"] not in wanted]
        state["last_good"] = None
        self._save(state)
        return [Path(p) for p in sorted(wanted)]

    # -- opening ---------------------------------------------------------------------------
    def open(self, extra: Iterable[Path | str] = (), progress: Progress | None = None) -> Merged:
        """The merged graph of the added files plus ``extra`` (``--with``), built if needed.

        A recorded file that changed and no longer passes, or went missing, does not stop
        every command: the last good merged graph answers, with a warning.
        """
        extra_paths = [Path(p) for p in extra]
        files = [Path(e["path"]) for e in self.recorded()]
        if not files and not extra_paths:
            return Merged(store.open_store(), (), {}, None)
        try:
            return self._ensure(files + [p.resolve() for p in extra_paths], progress)
        except (CheckFailed, SourceError) as error:
            last = self._state().get("last_good")
            folder = self.folder / "stores" / last if last else None
            if extra_paths or folder is None or not (folder / META).is_file():
                raise
            warnings.warn(StaleReleaseWarning(
                f"{error} Answering from the workspace as last checked; fix the file or "
                "'aikg remove' it."), stacklevel=2)
            return self._load(folder)

    def merge(self, files: Iterable[Path | str], progress: Progress | None = None) -> Merged:
        """The merged graph of exactly ``files`` (not the recorded ones), built if needed."""
        return self._ensure([Path(p).resolve() for p in files], progress)

    def _ensure(self, files: list[Path], progress: Progress | None,
                hashes: list[str] | None = None) -> Merged:
        """The merged graph of ``files`` (``hashes``: their digests, when the caller has them)."""
        if hashes is None:
            files = list(dict.fromkeys(files))
            hashes = self.digests(files)
        release = store.require_release()
        key = _key(release, files, hashes)
        folder = self.folder / "stores" / key
        if (folder / META).is_file():
            return self._load(folder)
        return self._build(folder, release, files, hashes, progress)

    def digests(self, files: list[Path]) -> list[str]:
        """Each file's SHA-256 (:func:`file_digest`), read from ``digests.json`` when the
        file's inode, size, mtime and ctime are the ones it was hashed with: hashing the
        27 MB of 1M triples took 30-75 ms of every command."""
        from kg.store.inputs import MAX_FILE_BYTES, limit

        try:
            known = json.loads((self.folder / DIGESTS).read_text())
        except (OSError, ValueError):
            known = {}
        known = known if isinstance(known, dict) else {}
        found, learned, cap = [], {}, limit(MAX_FILE_BYTES)
        for path in files:
            try:
                info = os.stat(path)
            except OSError:
                info = None  # file_digest says what is wrong in one line
            key = None if info is None else [info.st_dev, info.st_ino, info.st_size,
                                              info.st_mtime_ns, info.st_ctime_ns]
            entry = known.get(str(path))
            if (key is not None and stat.S_ISREG(info.st_mode) and info.st_size <= cap
                    and isinstance(entry, list) and entry[:5] == key):
                found.append(entry[5])
                continue
            read_at = time.time_ns()
            found.append(file_digest(path))
            if key is not None and info.st_mtime_ns < read_at - SETTLED_NS:
                learned[str(path)] = [*key, found[-1]]
        if learned and self.folder.is_dir():
            from kg.store.io import atomic_write

            try:  # a cache: one that cannot be written is only slower
                atomic_write(self.folder / DIGESTS, json.dumps({**known, **learned}).encode())
            except (OSError, KGError):
                pass
        return found

    def _meta(self, folder: Path) -> dict:
        try:
            return json.loads((folder / META).read_text())
        except (OSError, ValueError):
            return {}

    def _load(self, folder: Path) -> Merged:
        meta = self._meta(folder)
        return Merged(functools.partial(_open_store, folder),
                      tuple(Path(p) for p in meta.get("files", ())),
                      meta.get("prefixes", {}), folder, meta.get("stored"))

    # -- building --------------------------------------------------------------------------
    def _build(self, folder: Path, release: Path, files: list[Path], hashes: list[str],
               progress: Progress | None) -> Merged:
        from concurrent.futures import ThreadPoolExecutor

        import pyoxigraph as ox

        from kg.query import killable
        from kg.build import check_extra
        from kg.store.turtle import read_turtle
        from kg.releasing.inference import entail_store

        say = progress or (lambda message: None)
        added, prefixes, per_file, mapped = [], {}, {}, {}
        for path in files:  # syntax errors before any other work
            say(f"Parsing {path}")
            if self.mappings is not None and self.mappings.accepts(path):
                mapped[path] = self.mappings.read(path)  # added after the merge
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
        try:
            parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".building-", dir=parent))
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
            say(f"Checking {len(added):,} triples from {len(files)} file(s), and adding "
                "what they entail")
            # The check runs in a forked child (a copy of the store as it is now) on the
            # second core, while this process entails, warms up and writes; nothing moves
            # into place before the child says the files pass.
            unchecked = self._unchecked(files, hashes, added, per_file)
            checking = killable.Forked(lambda: check_extra(graph, tuple(files), unchecked))
            entail_store(graph, added)  # the release is entailed; so are the user's triples
            if self.mappings is not None:  # mappings between the vocabularies now merged
                self.mappings.apply(graph, mapped, say)
            count = len(added)
            del added, unchecked  # the store holds them now (and the child its own copy)
            checking.poll()  # a failed check stops the build here
            if staging is None:
                checking.wait()
                return Merged(graph, tuple(files), prefixes, None)
            say("Writing the merged store and answering the path and label queries once")
            stored = len(graph)
            # pyoxigraph lets go of the GIL while it serialises and bulk-loads, so the store
            # is written on a second thread while this one runs the warm-up queries
            with ThreadPoolExecutor(max_workers=1) as pool:
                written = pool.submit(_write_store, graph, staging, in_memory)
                if self.warm is not None:
                    self.warm(graph, staging)
                written.result()
            del graph
            if checking.running:
                say(f"Waiting for the check of {count:,} triples")
            checking.wait()
            meta = {"files": [str(p) for p in files], "sha256": hashes, "prefixes": prefixes,
                    "triples": total, "stored": stored, "triples_per_file": per_file,
                    "release": (_manifest_digest(release)), "built": int(time.time())}
            (staging / META).write_text(json.dumps(meta, indent=2, sort_keys=True))
            try:
                os.rename(staging, folder)
            except OSError:
                if not (folder / META).is_file():  # another process may have won the race
                    raise
            staging = None
        finally:
            if checking is not None:
                checking.kill()
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
        self._prune(keep=folder.name)
        return self._load(folder)

    def _unchecked(self, files, hashes, added, per_file) -> list:
        """The user quads to check: every file's, unless the last good merged graph holds
        each of ``files`` but the new ones, unchanged and nothing else; then only the new
        files' quads (their focus nodes reach into the older files' entities anyway)."""
        last = self._state().get("last_good")
        meta = self._meta(self.folder / "stores" / last) if last else {}
        done = dict(zip(meta.get("files", ()), meta.get("sha256", ())))
        now = {str(p): h for p, h in zip(files, hashes)}
        if not done or any(now.get(name) != sha for name, sha in done.items()):
            return added
        start, fresh = 0, []
        for path in files:
            count = per_file[str(path)]
            if str(path) not in done:
                fresh.extend(added[start:start + count])
            start += count
        return fresh or added

    def _prune(self, keep: str) -> None:
        """Delete merged graphs beyond the newest few (and stale build folders)."""
        stores = self.folder / "stores"
        last = self._state().get("last_good")
        entries = []
        for child in stores.iterdir():
            if child.name.startswith(".building-"):
                if time.time() - child.stat().st_mtime > 3600:  # an interrupted build
                    shutil.rmtree(child, ignore_errors=True)
                continue
            entries.append((child.stat().st_mtime, child))
        entries.sort(reverse=True)
        for _, child in entries[KEEP_STORES:]:
            if child.name not in (keep, last):
                shutil.rmtree(child, ignore_errors=True)


def _open_store(folder: Path):
    """A merged store as :meth:`Workspace._load` hands it out: opened when first asked."""
    import pyoxigraph as ox

    if (folder / "data.nt").is_file():
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


def _manifest_digest(release: Path) -> str:
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


def _key(release: Path, files: list[Path], hashes: list[str]) -> str:
    digest = hashlib.sha256(_manifest_digest(release).encode())
    for path, sha in zip(files, hashes):  # order matters: prefixes of earlier files win
        digest.update(b"\0" + str(path).encode() + b"\0" + sha.encode())
    return digest.hexdigest()[:32]
