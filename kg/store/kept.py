"""Answers kept beside a workspace store, in one SQLite database (``kept.db``) per folder.

A merged store never changes under its key, so what was computed from it once (query rows,
rendered tables, label indexes, the path ladder) is kept in its folder and read instead of
recomputed; the workspace folder keeps its input files' digests the same way. SQLite
(Python's standard library) is transactional and indexed: an interrupted write leaves the
last committed state, two processes writing at once take turns, and a name is looked up in
the label index by an index rather than by hand-made shards.

Keeping is best effort: a cache that cannot be written is only slower. Reading is strict:
the database must be a regular file of its folder (never a link, a FIFO or a device), within
:data:`MAX_DB_BYTES`, each entry within :data:`MAX_ENTRY_BYTES`, and it must say it belongs to
this folder (the ``folder`` row, checked against the store's key); anything else reads as
nothing kept, and the first write empties it and makes it this folder's.

Measured against the files it replaced (``bench/bench_kept.py``, CPU time, 2-core machine):
resolving a name among 60,000 labels 0.27-0.43 ms a look-up in a JSON shard, 0.04-0.05 ms in
the indexed table (the index costs 0.4-0.7 s once, at build, against 0.2-0.3 s for the
shards); reading the 22 MB ladder of 1M triples 16 ms from a file, 34-36 ms from a blob (22 ms
with ``PRAGMA mmap_size``, left off: a mapped file truncated under a reader kills it with
SIGBUS). The ladder stays in the database: 20 ms of a 0.44 s 'aikg path' at 1M triples, for
one transactional file instead of two kinds.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import zlib
from decimal import Decimal
from pathlib import Path

DB = "kept.db"
#: A kept database over this size is not opened (1M triples of user data keep about 60 MB).
MAX_DB_BYTES = 2 << 30
#: An entry over this size is not read (the largest, a 1M-triple ladder, is 22 MB).
MAX_ENTRY_BYTES = 512 << 20
_SCHEMA = """
PRAGMA auto_vacuum = INCREMENTAL;
CREATE TABLE IF NOT EXISTS about (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS kept (name TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS labels (scope TEXT NOT NULL, folded TEXT NOT NULL, row TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS labels_by_name ON labels (scope, folded);
CREATE TABLE IF NOT EXISTS digests (path TEXT PRIMARY KEY, stamp TEXT NOT NULL,
                                    sha256 TEXT NOT NULL);
"""
_open: dict[str, sqlite3.Connection | None] = {}
# A connection must not cross a fork (SQLite's rule): a forked worker opens its own. The
# parent's stay open in the child, unused: closing them there could drop the parent's locks.
os.register_at_fork(after_in_child=_open.clear)


def _connect(folder: Path, write: bool) -> sqlite3.Connection | None:
    """The folder's database (opened once per process), or None when it cannot be used: the
    folder is not a folder of its own, the file is not a regular file, or too large."""
    where = str(folder)
    if where in _open and (_open[where] is not None or not write):
        return _open[where]
    connection = None
    try:
        info = os.stat(folder)  # the workspace refused a link inside it (kg.store.folder)
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() \
                and not info.st_mode & 0o022:
            connection = _open_db(folder, write)
    except (OSError, sqlite3.Error):
        connection = None
    _open[where] = connection
    return connection


def _open_db(folder: Path, write: bool) -> sqlite3.Connection | None:
    for name in (DB, DB + "-journal"):  # SQLite follows links: nothing may be one here
        try:
            info = os.lstat(folder / name)
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(info.st_mode) or (name == DB and info.st_size > MAX_DB_BYTES):
            return None
    if not write and not (folder / DB).exists():
        return None
    connection = sqlite3.connect(folder / DB, timeout=10, isolation_level=None,
                                 check_same_thread=False)
    try:
        connection.execute("PRAGMA trusted_schema = OFF")  # no SQL functions from the file
        connection.execute("PRAGMA cell_size_check = ON")  # a damaged page: an error, no crash
        if write:  # a reader does not write: tables that are missing make its reads miss
            connection.executescript(_SCHEMA)
        owner = connection.execute("SELECT value FROM about WHERE key = 'folder'").fetchone()
        foreign = owner and owner[0] != folder.name and not folder.name.startswith(STAGING)
        if write and (owner is None or foreign):
            # copied from another store, or the workspace folder moved: nothing in it is
            # ours, so it starts again empty (a reader leaves it as it is, unused)
            connection.execute("BEGIN IMMEDIATE")
            for table in ("kept", "labels", "digests") if foreign else ():
                connection.execute(f"DELETE FROM {table}")
            connection.execute("INSERT OR REPLACE INTO about VALUES ('folder', ?)", (folder.name,))
            connection.execute("COMMIT")
        elif owner is None or foreign:
            connection.close()
            return None
    except sqlite3.Error:
        connection.close()
        raise
    return connection


#: the prefix of a store's folder while it is built (it is renamed to its key when done)
STAGING = ".building-"


def claim(folder: Path, key: str) -> None:
    """Say that the database of ``folder`` (a store being built) belongs to the store ``key``,
    the name the folder will have."""
    connection = _connect(folder, write=True)
    if connection is not None:
        try:
            connection.execute("INSERT OR REPLACE INTO about VALUES ('folder', ?)", (key,))
        except sqlite3.Error:
            pass


def forget(folder: Path) -> None:
    """Close the database of ``folder`` (before the folder is moved or deleted)."""
    connection = _open.pop(str(folder), None)
    if connection is not None:
        connection.close()


def read_bytes(folder: Path, name: str) -> bytes | None:
    """The bytes kept under ``name``, or None when there are none (or they cannot be read)."""
    connection = _connect(folder, write=False)
    if connection is None:
        return None
    try:
        found = connection.execute(
            "SELECT CASE WHEN length(data) <= ? THEN data END FROM kept WHERE name = ?",
            (MAX_ENTRY_BYTES, name)).fetchone()
    except sqlite3.Error:
        return None
    return bytes(found[0]) if found and isinstance(found[0], bytes) else None


def read_table(folder: Path, name: str) -> bytes | None:
    """Kept table bytes, if they are text this program rendered: UTF-8 with every control
    character escaped (:func:`kg.terminal.escape`), as a planted table with ESC or OSC 52
    would not be; else None."""
    from kg.terminal import escape

    data = read_bytes(folder, name)
    try:
        text = data.decode("utf-8") if data is not None else None
    except UnicodeDecodeError:
        return None
    return data if text is not None and escape(text, keep_newlines=True) == text else None


def open_bytes(folder: Path, name: str):
    """The bytes kept under ``name`` as a file read as it goes (an SQLite blob), so a large
    answer streams instead of being held whole; None when there are none."""
    connection = _connect(folder, write=False)
    if connection is None:
        return None
    try:
        found = connection.execute("SELECT rowid, length(data) FROM kept WHERE name = ?",
                                   (name,)).fetchone()
        if found is None or not isinstance(found[1], int) or found[1] > MAX_ENTRY_BYTES:
            return None
        blob = connection.blobopen("kept", "data", found[0], readonly=True)
        compressed = blob.read(1) == ZLIB_FIRST
        blob.seek(0)
    except sqlite3.Error:
        return None
    return _Inflating(blob) if compressed else blob


#: the first byte of a zlib stream (deflate, 32 KB window): never the '{' a JSON text opens with
ZLIB_FIRST = b"\x78"


def compress(data: bytes) -> bytes:
    """``data`` compressed (:func:`open_bytes` inflates it): the 1M-triple answers of 'aikg
    prepare', 719 MB of JSON, keep as 19 MB (level 1: 5 s); plain, they near MAX_DB_BYTES."""
    return zlib.compress(data, 1)


def read_answer(folder: Path, name: str) -> bytes | None:
    """The bytes kept under ``name``, inflated; None when there are none or unreadable."""
    stream = open_bytes(folder, name)
    try:
        return None if stream is None else stream.read()
    except (sqlite3.Error, OSError):
        return None


class _Inflating:
    """A compressed blob read as its inflated bytes, a bounded piece at a time: a planted
    entry that inflates a thousandfold still comes out in pieces of at most ``size``."""

    def __init__(self, blob):
        self._blob, self._inflate = blob, zlib.decompressobj()

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(1 << 20), b""))
        out = b""
        while not out and not self._inflate.eof and size:
            data = self._inflate.unconsumed_tail or self._blob.read(1 << 16)
            if not data:
                break
            try:
                out = self._inflate.decompress(data, size)
            except zlib.error as error:  # damaged: read as a file that cannot be read
                raise OSError(f"damaged kept entry: {error}") from None
        return out


def has(folder: Path, name: str) -> bool:
    """Whether something is kept under ``name``."""
    connection = _connect(folder, write=False)
    if connection is None:
        return False
    try:
        return connection.execute("SELECT 1 FROM kept WHERE name = ?", (name,)).fetchone() is not None
    except sqlite3.Error:
        return False


def write_bytes(folder: Path, name: str, data: bytes) -> None:
    """Keep ``data`` under ``name`` beside a merged store (one transaction; best effort)."""
    connection = _connect(folder, write=True)
    if connection is None:
        return
    try:
        connection.execute("INSERT OR REPLACE INTO kept VALUES (?, ?)", (name, data))
    except sqlite3.Error:
        pass  # a cache that cannot be written is only slower


def write_together(folder: Path, entries: dict[str, bytes]) -> bool:
    """Keep every entry of ``entries`` in one transaction: all of them or, when the write is
    interrupted or fails, none (best effort: False when nothing was written)."""
    connection = _connect(folder, write=True)
    if connection is None:
        return False
    try:
        with _transaction(connection):
            connection.executemany("INSERT OR REPLACE INTO kept VALUES (?, ?)",
                                   list(entries.items()))
    except sqlite3.Error:
        return False
    return True


def answer_name(query: str) -> str:
    """The name a shipped query's answer (SPARQL JSON results) is kept under: its text's
    digest, so a changed query is never answered from what its former text kept."""
    import hashlib

    return "results-" + hashlib.sha256(query.encode()).hexdigest()[:24]


def table_name(query: str, fmt: str, labels: bool) -> str:
    """The name a shipped query's rendered table or Markdown (``fmt``) is kept under."""
    return f"shown-{answer_name(query)[len('results-'):]}-{fmt}{'-labels' * labels}.txt"


def drop(folder: Path, prefix: str, keep: set[str]) -> None:
    """Delete the entries whose name starts with ``prefix``, but those in ``keep``."""
    connection = _connect(folder, write=True)
    if connection is None:
        return
    try:
        names = [n for (n,) in connection.execute("SELECT name FROM kept") if
                 isinstance(n, str) and n.startswith(prefix) and n not in keep]
        connection.executemany("DELETE FROM kept WHERE name = ?", [(n,) for n in names])
        # the pages back to the file system (a ladder of an old format: 100+ MB); run as a
        # script, which steps it to the end (execute frees one page per step)
        connection.executescript("PRAGMA incremental_vacuum;")
    except sqlite3.Error:
        pass


def read_rows(folder: Path, name: str) -> list[dict] | None:
    """Rows kept by :func:`write_rows`: a list of flat dicts of strings, numbers, booleans and
    decimals, or None when there are none or they are anything else."""
    data = read_bytes(folder, f"{name}.json")
    if data is None:
        return None
    try:
        rows = json.loads(data, object_hook=_decode)
    except (ValueError, RecursionError):
        return None
    return rows if _flat_rows(rows) else None


def write_rows(folder: Path, name: str, rows: list[dict]) -> None:
    write_bytes(folder, f"{name}.json", json.dumps(rows, default=_encode).encode())


def _flat_rows(rows) -> bool:
    return isinstance(rows, list) and all(
        isinstance(row, dict) and all(isinstance(k, str) and isinstance(
            v, (str, int, float, bool, Decimal)) for k, v in row.items()) for row in rows)


# -- the label index ---------------------------------------------------------------------------
def read_labels(folder: Path, scope: str, folded: str) -> list[dict] | None:
    """The rows kept by :func:`write_labels` for ``scope`` whose casefolded label is
    ``folded``; None when no index of ``scope`` is kept."""
    connection = _connect(folder, write=False)
    if connection is None:
        return None
    try:
        if connection.execute("SELECT 1 FROM about WHERE key = ?",
                              ("labels " + scope,)).fetchone() is None:
            return None
        found = connection.execute("SELECT row FROM labels WHERE scope = ? AND folded = ?",
                                   (scope, folded)).fetchall()
        rows = [json.loads(text) for (text,) in found]
    except (sqlite3.Error, ValueError, TypeError, RecursionError):
        return None
    return rows if _flat_rows(rows) and all(
        isinstance(r.get("label"), str) and r["label"].casefold() == folded for r in rows) else None


def write_labels(folder: Path, scope: str, rows: list[dict]) -> None:
    """Keep ``rows`` (each with a ``label``) indexed by their casefolded label, in one
    transaction, and mark the index of ``scope`` complete."""
    connection = _connect(folder, write=True)
    if connection is None:
        return
    try:
        with _transaction(connection):
            connection.execute("DELETE FROM labels WHERE scope = ?", (scope,))
            connection.executemany("INSERT INTO labels VALUES (?, ?, ?)", (
                (scope, row["label"].casefold(), json.dumps(row)) for row in rows))
            connection.execute("INSERT OR REPLACE INTO about VALUES (?, '')",
                               ("labels " + scope,))
    except sqlite3.Error:
        pass


# -- input files' digests (kept in the workspace folder) ---------------------------------------
def read_digests(folder: Path) -> dict[str, tuple[str, str]]:
    """``{path: (stamp, sha256)}`` kept by :func:`write_digests`; entries of any other shape
    are left out."""
    connection = _connect(folder, write=False)
    if connection is None:
        return {}
    try:
        found = connection.execute("SELECT path, stamp, sha256 FROM digests").fetchall()
    except sqlite3.Error:
        return {}
    return {path: (stamp, sha) for path, stamp, sha in found
            if isinstance(path, str) and isinstance(stamp, str) and _is_sha256(sha)}


def write_digests(folder: Path, entries: dict[str, tuple[str, str]]) -> None:
    connection = _connect(folder, write=True)
    if connection is None:
        return
    try:
        with _transaction(connection):
            connection.executemany("INSERT OR REPLACE INTO digests VALUES (?, ?, ?)",
                                   [(p, stamp, sha) for p, (stamp, sha) in entries.items()])
    except sqlite3.Error:
        pass


def _is_sha256(text) -> bool:
    return isinstance(text, str) and len(text) == 64 and all(c in "0123456789abcdef" for c in text)


class _transaction:
    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    def __enter__(self):
        self.connection.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, value, trace):
        self.connection.execute("COMMIT" if kind is None else "ROLLBACK")


def _encode(value):
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    raise TypeError(f"cannot cache {type(value).__name__}")


def _decode(obj: dict):
    if len(obj) == 1 and "$decimal" in obj:
        text = obj["$decimal"]
        try:
            return Decimal(text) if isinstance(text, str) else obj
        except ArithmeticError:
            return obj
    return obj
