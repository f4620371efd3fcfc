"""Answers kept beside a workspace store: rows of catalogue queries, files of bytes.

A merged store never changes under its key, so what was computed from it once (query rows,
label indexes, the path ladder) can be kept in its folder and read instead of recomputed.
Keeping is best effort: a cache that cannot be written is only slower.
"""

from __future__ import annotations

import json
import os
import tempfile
from decimal import Decimal
from pathlib import Path


def read_rows(folder: Path, name: str) -> list[dict] | None:
    """Rows kept by :func:`write_rows`, or None when there are none (or they are unreadable)."""
    data = read_bytes(folder, f"{name}.json")
    try:
        return None if data is None else json.loads(data, object_hook=_decode)
    except ValueError:
        return None


def write_rows(folder: Path, name: str, rows: list[dict]) -> None:
    write_bytes(folder, f"{name}.json", json.dumps(rows, default=_encode).encode())


def read_bytes(folder: Path, name: str) -> bytes | None:
    try:
        return (folder / "rows" / name).read_bytes()
    except OSError:
        return None


def write_bytes(folder: Path, name: str, data: bytes) -> None:
    """Keep ``data`` as ``rows/name`` beside a merged store (atomically; best effort)."""
    try:
        target = folder / "rows"
        target.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target / name)
    except OSError:
        pass  # a cache that cannot be written is only slower


def _encode(value):
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    raise TypeError(f"cannot cache {type(value).__name__}")


def _decode(obj: dict):
    if len(obj) == 1 and "$decimal" in obj:
        return Decimal(obj["$decimal"])
    return obj
