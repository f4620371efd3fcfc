"""The user's workspace: their own Turtle files, parsed and checked once, merged with the release.

A workspace is a folder (``--workspace DIR``, ``AIKG_WORKSPACE``, default
``$XDG_DATA_HOME/ai-leadership-kg/workspace``, i.e. ``~/.local/share/...``)::

    workspace.json      the files added with 'aikg add': absolute path and SHA-256 at adding
    kept.db             each input file's SHA-256 under its inode, size, mtime and ctime
                        (a file that did not change is not read again to hash it)
    .lock               held by 'aikg add' and 'aikg remove': one at a time, the next waits
    stores/<key>/       one merged graph per set of files: the release plus the files
        meta.json       files, hashes, triples, declared prefixes; written last (the commit)
        data.nt         the merged graph when small (loaded into memory: fastest queries)
        store/          else a pyoxigraph database, opened read-only
        kept.db         answers kept beside it: query rows, tables, label index, the ladder
    remote/kept.db      the ladder of each store read with --endpoint, one entry per endpoint
                        and graph, under the SHA-256 of the tables it was built from

The key is the SHA-256 of the release's N-Triples digest and each file's content hash, so
a merged graph is built (parsed, checked, loaded) once and reused by every later command; a
changed file (or release) gets a new key and a new build. Builds happen in a private folder
renamed into place, so an interrupted or failed build leaves the workspace as it was. Files
given with ``--with`` use the same stores without being recorded in ``workspace.json``.

The folder must be its user's alone (:mod:`kg.store.folder`, docs/security.md): one owned by
someone else or writable by others is refused; inside it nothing is followed through a link,
and every record is read within a cap and parsed strictly (:mod:`kg.store.records`).

Dropping the workspace: ``aikg remove --all``, or delete the folder.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import stat
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from kg.build import refuse_recorded
from kg.errors import CheckFailed, KGError, SourceError, StaleReleaseWarning
from kg.store import ahead, kept, merging
from kg.store import release as store
from kg.store.folder import STATE, Folder, Unwritable, damaged, default_dir  # noqa: F401
from kg.store.merging import Merged, file_digest  # noqa: F401  (re-exported)
from kg.store.records import MAX_RECORD_BYTES, Damaged, parse_meta, parse_state, store_key

META = "meta.json"
STORES = "stores"
LOCK = ".lock"
#: A file's digest is kept under its inode, size, mtime and ctime only when its mtime is this
#: much older than the moment it was read: a write within the same tick of a coarse clock
#: would change nothing of them (as git's "racily clean" entries).
SETTLED_NS = 2_000_000_000
#: Merged stores kept besides the current one (older ones are deleted after a build).
KEEP_STORES = 4
Progress = Callable[[str], None]


#: ``warm(store, folder)``: see :attr:`Workspace.warm`
Warm = Callable[[object, Path], None]


class Source(NamedTuple):
    """One user file as the workspace knows it (a named tuple: a frozen dataclass took ~2 ms
    to create, at the start of every command)."""

    path: Path
    sha256: str
    triples: int = 0
    status: str = "ok"  # ok, changed, missing (relative to when it was added)


class Workspace:
    """The folder of a user's added files and merged stores.

    >>> ws = Workspace(Path(tempfile.mkdtemp()))   # doctest: +SKIP
    >>> ws.add([Path("examples/acme-career-ladder.ttl")])  # doctest: +SKIP
    """

    def __init__(self, folder: Path | str | None = None, warm: Warm | None = None,
                 mappings=None, make_mappings: Callable[[], object] | None = None):
        self.folder = Path(folder) if folder is not None else default_dir()
        #: called with the merged store (in memory) and the folder it is written to, while
        #: it is written: whoever asks for the merge warms the caches it will read
        self.warm = warm
        self._mappings = mappings
        #: makes :attr:`mappings` when files are first merged or opened (the alignment's code
        #: is not even imported for a workspace without files)
        self.make_mappings = make_mappings

    @property
    def mappings(self):
        """Reads mapping files (``accepts``, ``read``) and adds the alignment to the merged,
        entailed store (``apply``): :class:`kg.importers.align.apply.WorkspaceMappings`."""
        if self._mappings is None and self.make_mappings is not None:
            self._mappings = self.make_mappings()
        return self._mappings

    @mappings.setter
    def mappings(self, hook) -> None:
        self._mappings = hook

    @property
    def aligns(self) -> bool:
        """Whether this workspace has (or can make) a mappings hook."""
        return self._mappings is not None or self.make_mappings is not None

    # -- the recorded files ----------------------------------------------------------------
    def _state(self) -> dict:
        top = Folder.top(self.folder)
        if top is None:
            return {"files": [], "last_good": None}
        with top:
            data = top.read(STATE, MAX_RECORD_BYTES)
        if data is None:
            return {"files": [], "last_good": None}
        try:
            return parse_state(data)
        except Damaged as error:
            raise damaged(self.folder / STATE, str(error)) from None

    def _save(self, state: dict) -> None:
        with Folder.top(self.folder, create=True) as top:
            top.write(STATE, (json.dumps(state, indent=2, sort_keys=True) + "\n").encode())

    @contextlib.contextmanager
    def _locked(self, progress: Progress | None):
        """'aikg add' and 'aikg remove' one at a time: two at once both land, in turn."""
        def waiting():
            if progress is not None:
                progress(f"Waiting for another 'aikg add' or 'aikg remove' in {self.folder}")

        with Folder.top(self.folder, create=True) as top, top.locked(LOCK, waiting):
            yield

    def recorded(self) -> list[dict]:
        return list(self._state()["files"])

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

    def add(self, paths: Iterable[Path | str], progress: Progress | None = None,
            fail_on: str = "error") -> Merged:
        """Parse and check ``paths`` with the files already added; record them when they pass.

        A file with a problem at or above ``fail_on`` (error, warning, info) leaves the
        workspace as it was (CheckFailed / SourceError). Two processes adding at once take
        turns (a lock in the folder): both files land.
        """
        new = [Path(p).resolve() for p in paths]
        with self._locked(progress):
            current = [Path(e["path"]) for e in self.recorded()]
            files = current + [p for p in dict.fromkeys(new) if p not in current]
            hashes = self.digests(files)
            merged = self._ensure(files, progress, hashes, fail_on)
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
            try:
                gone = [Path(e["path"]) for e in self.recorded()]
            except KGError:  # a damaged record: dropping the folder is the way out
                gone = []
            top = Folder.top(self.folder)
            if top is not None:
                with top:
                    if top.info(STATE) is None and top.info(STORES) is None:
                        raise KGError(f"'{self.folder}' does not look like a workspace; "
                                      "not deleting it.")
                try:
                    shutil.rmtree(self.folder)  # by descriptors: a link inside is not followed
                except OSError as error:
                    raise KGError(f"Cannot delete '{self.folder}': "
                                  f"{(error.strerror or str(error)).lower()}.") from None
            return gone
        with self._locked(None):
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
    def open(self, extra: Iterable[Path | str] = (), progress: Progress | None = None,
             fail_on: str = "error") -> Merged:
        """The merged graph of the added files plus ``extra`` (``--with``), built if needed.

        A recorded file that changed and no longer passes, or went missing, does not stop
        every command: the last good merged graph answers, with a warning.
        """
        extra_paths = [Path(p) for p in extra]
        files = [Path(e["path"]) for e in self.recorded()]
        if not files and not extra_paths:
            return Merged(ahead.open_store_later(), (), {}, None)
        try:
            return self._ensure(files + [p.resolve() for p in extra_paths], progress,
                                fail_on=fail_on)
        except (CheckFailed, SourceError) as error:
            last = self._state().get("last_good")
            folder = self.folder / STORES / last if last else None
            if extra_paths or folder is None or not self._meta(folder):
                raise
            warnings.warn(StaleReleaseWarning(
                f"{error} Answering from the workspace as last checked; fix the file or "
                "'aikg remove' it."), stacklevel=2)
            return self._load(folder)

    def merge(self, files: Iterable[Path | str], progress: Progress | None = None,
              fail_on: str = "error") -> Merged:
        """The merged graph of exactly ``files`` (not the recorded ones), built if needed."""
        return self._ensure([Path(p).resolve() for p in files], progress, fail_on=fail_on)

    def _ensure(self, files: list[Path], progress: Progress | None,
                hashes: list[str] | None = None, fail_on: str = "error") -> Merged:
        """The merged graph of ``files`` (``hashes``: their digests, when the caller has them).

        A store whose record is damaged or describes other files is built again; one checked
        before is refused when it recorded problems at ``fail_on`` or above."""
        if hashes is None:
            files = list(dict.fromkeys(files))
            hashes = self.digests(files)
        release = store.require_release()
        key = store_key(self.recipe(release), files, hashes)
        folder = self.folder / STORES / key
        meta = self._meta(folder)
        if meta:
            refuse_recorded(meta, files, fail_on)
            return self._load(folder)
        stores = self._stores(create=True)
        if stores is not None:
            with stores:
                stores.remove_tree(key)  # a damaged store of this key, if any
        return self._build(folder, release, files, hashes, progress, fail_on)

    def _stores(self, create: bool = False) -> Folder | None:
        """The ``stores`` folder (checked: a real folder of the user's); None when the
        workspace cannot be written (then merges stay in memory)."""
        try:
            top = Folder.top(self.folder, create=create)
        except Unwritable:
            return None
        if top is None:
            return None
        with top:
            try:
                return top.child(STORES, create=create)
            except Unwritable:
                return None

    def digests(self, files: list[Path]) -> list[str]:
        """Each file's SHA-256 (:func:`file_digest`), read from the workspace's ``kept.db``
        when the file's inode, size, mtime and ctime are the ones it was hashed with: hashing
        the 27 MB of 1M triples took 30-75 ms of every command."""
        from kg.store.inputs import MAX_FILE_BYTES, limit

        known = kept.read_digests(self.folder) if self._private() else {}
        found, learned, cap = [], {}, limit(MAX_FILE_BYTES)
        for path in files:
            try:
                info = os.stat(path)
            except OSError:
                info = None  # file_digest says what is wrong in one line
            stamp = None if info is None else (f"{info.st_dev}:{info.st_ino}:{info.st_size}:"
                                               f"{info.st_mtime_ns}:{info.st_ctime_ns}")
            entry = known.get(str(path))
            if (stamp is not None and stat.S_ISREG(info.st_mode) and info.st_size <= cap
                    and entry is not None and entry[0] == stamp):
                found.append(entry[1])
                continue
            read_at = time.time_ns()
            found.append(file_digest(path))
            if stamp is not None and info.st_mtime_ns < read_at - SETTLED_NS:
                learned[str(path)] = (stamp, found[-1])
        if learned and self._private():
            kept.write_digests(self.folder, learned)  # a cache: best effort
        return found

    def _private(self) -> bool:
        """Whether the workspace folder exists and passes :meth:`Folder.top`'s checks."""
        top = Folder.top(self.folder)
        if top is None:
            return False
        top.close()
        return True

    def _meta(self, folder: Path) -> dict:
        """The checked record of the store in ``folder``; {} when it is missing or damaged
        (the store is then built again)."""
        stores = self._stores()
        if stores is None:
            return {}
        with stores:
            try:
                child = stores.child(folder.name)
            except KGError:
                return {}
            if child is None:
                return {}
            with child:
                try:
                    data = child.read(META, MAX_RECORD_BYTES)
                    return {} if data is None else parse_meta(data, folder.name)
                except (KGError, Damaged):
                    return {}

    def _load(self, folder: Path) -> Merged:
        meta = self._meta(folder)
        return Merged(functools.partial(merging.open_store, folder),
                      tuple(Path(p) for p in meta.get("files", ())),
                      meta.get("prefixes", {}), folder, meta.get("stored"))

    # -- building --------------------------------------------------------------------------
    def recipe(self, release: Path) -> str:
        """What a merged store is made by besides its files: the release's digest, and the
        mapping hook's version (a new alignment makes new stores, not stale answers)."""
        version = getattr(self.mappings, "version", "")
        return merging.manifest_digest(release) + (f"+{version}" if version else "")

    def _build(self, folder: Path, release: Path, files: list[Path], hashes: list[str],
               progress: Progress | None, fail_on: str = "error") -> Merged:
        return merging.build(self, folder, release, files, hashes, progress, fail_on)

    def _unchecked(self, files, hashes, added, per_file) -> list:
        """The user quads to check: every file's, unless the last good merged graph holds
        each of ``files`` but the new ones, unchanged and nothing else; then only the new
        files' quads (their focus nodes reach into the older files' entities anyway)."""
        last = self._state().get("last_good")
        meta = self._meta(self.folder / STORES / last) if last else {}
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
        """Delete merged graphs beyond the newest few (and stale build folders), through
        the descriptor of ``stores``: never in a folder a link points to."""
        last = self._state().get("last_good")
        stores = self._stores()
        if stores is None:
            return
        with stores:
            entries = []
            for name in stores.names():
                info = stores.info(name)
                if info is None:
                    continue
                if name.startswith(kept.STAGING):
                    if time.time() - info.st_mtime > 3600:  # an interrupted build
                        stores.remove_tree(name)
                    continue
                entries.append((info.st_mtime, name))
            entries.sort(reverse=True)
            for _, name in entries[KEEP_STORES:]:
                if name not in (keep, last):
                    kept.forget(self.folder / STORES / name)
                    stores.remove_tree(name)
