"""Helpers of tests/test_release_atomic.py, importable by its child processes without pytest."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

#: A child that publishes two releases in turn, as fast as it can, until it is killed.
WRITER = """
import itertools, sys
from pathlib import Path
from tests.release_support import release
from kg.build import _write_all

target, versions = Path(sys.argv[1]), [release(0), release(1)]
print("ready", flush=True)
for turn in itertools.count():
    _write_all(target, versions[turn % 2])
"""

ROOT = Path(__file__).resolve().parent.parent


def release(version: int) -> dict[str, bytes]:
    """The files of a small release numbered ``version``, manifest included."""
    files = {f"part-{n}.nt": f"version {version} part {n}\n".encode() * 200 for n in range(6)}
    manifest = {"version": version,
                "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}}
    return {**files, "manifest.json": json.dumps(manifest).encode()}


def whole(target: Path) -> int:
    """The version of the release in ``target``; fails unless every file matches its manifest."""
    manifest = json.loads((target / "manifest.json").read_text())
    for name, digest in manifest["files"].items():
        data = (target / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, f"{name} is not version {manifest['version']}"
    return manifest["version"]


def leftovers(target: Path) -> list[str]:
    return sorted(p.name for p in target.iterdir() if p.name.startswith("."))
