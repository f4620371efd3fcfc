"""The two records of a workspace, parsed strictly: ``workspace.json`` (the added files) and
each store's ``meta.json`` (what the store holds).

Both are read within a size cap and must have exactly the shape ``aikg`` writes: anything
else (a number where a list belongs, a path that is not absolute, a hash that is not 64 hex
digits, JSON nested past reason) is a damaged record, never a ``TypeError`` or
``RecursionError`` later on. A store's record must also name the store it sits in: its key
is recomputed from the record (:func:`store_key`) and must be the folder's name.
"""

from __future__ import annotations

import json

#: the largest record read (a workspace of 10,000 files writes about 2 MB)
MAX_RECORD_BYTES = 16 << 20


class Damaged(ValueError):
    """A record that is not what ``aikg`` wrote (the message says what is wrong)."""

_HEX = frozenset("0123456789abcdef")


def parse_state(data: bytes) -> dict:
    """``workspace.json``: ``{"files": [{"path", "sha256", "triples"}], "last_good": key}``."""
    state = _json(data)
    if not isinstance(state, dict):
        raise Damaged("not a JSON object")
    files = state.get("files", [])
    if not isinstance(files, list):
        raise Damaged("'files' is not a list")
    for entry in files:
        if not (isinstance(entry, dict) and _absolute(entry.get("path"))
                and _sha256(entry.get("sha256")) and _count(entry.get("triples", 0))):
            raise Damaged("an entry of 'files' is not an absolute path, a SHA-256 and a count")
    last = state.get("last_good")
    if last is not None and not _key(last):
        raise Damaged("'last_good' is not a store's key")
    return {"files": files, "last_good": last}


def parse_meta(data: bytes, key: str) -> dict:
    """A store's ``meta.json``, checked against ``key``, the name of its folder."""
    meta = _json(data)
    if not isinstance(meta, dict):
        raise Damaged("not a JSON object")
    files, hashes = meta.get("files"), meta.get("sha256")
    if not (isinstance(files, list) and all(_absolute(f) for f in files)
            and isinstance(hashes, list) and len(hashes) == len(files)
            and all(_sha256(h) for h in hashes)):
        raise Damaged("'files' and 'sha256' are not absolute paths and their SHA-256")
    prefixes = meta.get("prefixes", {})
    if not (isinstance(prefixes, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in prefixes.items())):
        raise Damaged("'prefixes' is not a table of names and IRIs")
    per_file = meta.get("triples_per_file", {})
    if not (isinstance(per_file, dict) and all(_count(n) for n in per_file.values())):
        raise Damaged("'triples_per_file' is not a table of counts")
    if not all(_count(meta.get(name, 0)) for name in ("triples", "stored", "built")):
        raise Damaged("a count is not a whole number")
    problems = meta.get("problems", [])
    if not (isinstance(problems, list) and all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p)
            for p in problems)):
        raise Damaged("'problems' is not a list of severities and lines")
    if not isinstance(meta.get("release"), str) or store_key(
            meta["release"], files, hashes) != key:
        raise Damaged("it describes another store than the one it sits in")
    return meta


def store_key(release_digest: str, files, hashes) -> str:
    """A merged store's key: the release's digest and each file's path and content hash."""
    import hashlib  # OpenSSL's libcrypto: 2-4 ms a start, paid only when hashing

    digest = hashlib.sha256(release_digest.encode())
    for path, sha in zip(files, hashes):  # order matters: prefixes of earlier files win
        digest.update(b"\0" + str(path).encode() + b"\0" + sha.encode())
    return digest.hexdigest()[:32]


def _json(data: bytes):
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise Damaged(f"not JSON: {type(error).__name__}") from None


def _absolute(path) -> bool:
    return isinstance(path, str) and path.startswith("/") and "\0" not in path


def _sha256(text) -> bool:
    return isinstance(text, str) and len(text) == 64 and set(text) <= _HEX


def _key(text) -> bool:
    return isinstance(text, str) and len(text) == 32 and set(text) <= _HEX


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
