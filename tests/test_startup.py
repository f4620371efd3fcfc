"""What every command does before its work: knowing whether the release is current.

The digest of the sources is kept by the signature of their files (size, times, inode), in
this process and in the user cache, so a command does not read and hash them all again; a
change the file system can see must still be noticed, however the file was touched.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil

import pytest

from kg.store import release as store


@pytest.fixture()
def sources(tmp_path, monkeypatch):
    """A private copy of ontology/, a private user cache, and no digest remembered."""
    copy = tmp_path / "ontology"
    shutil.copytree(store.ontology_dir(), copy)
    monkeypatch.setattr(store, "ontology_dir", lambda: copy)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(store, "_digests", {})
    monkeypatch.setattr(store, "_SETTLED_NS", 0)  # stamp files however recently they changed
    return copy


def hashed() -> str:
    """The digest from the bytes, as the build defines it."""
    digest = hashlib.sha256()
    for path in [*store.source_files(), *store.check_files(), *store.writer_files()]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def stamp_file():
    return store.cache_dir() / store.STAMP


def test_the_digest_is_stamped_and_read_back(sources, monkeypatch):
    first = store.sources_digest()
    assert first == hashed()
    assert list(json.loads(stamp_file().read_text()).values()) == [first]
    monkeypatch.setattr(store, "_digests", {})  # a new process: only the stamp is left
    monkeypatch.setattr(store.Path, "read_bytes", lambda self: pytest.fail(f"read {self}"))
    assert store.sources_digest() == first


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(sources):
    """A tool that restores the modification time (rsync -t, a careful editor, git's
    checkout of the same size) still moves the change time, which the signature holds."""
    before = store.sources_digest()
    roles = sources / "data" / "roles.ttl"
    info = roles.stat()
    text = roles.read_bytes()
    roles.write_bytes(text.replace(b"Head of AI", b"Head of A1", 1))
    os.utime(roles, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert roles.stat().st_size == info.st_size and roles.stat().st_mtime_ns == info.st_mtime_ns
    after = store.sources_digest()
    assert after != before
    assert after == hashed()


def test_a_new_or_removed_source_is_seen(sources):
    before = store.sources_digest()
    extra = sources / "data" / "zz-extra.ttl"
    extra.write_text("# nothing yet\n")
    added = store.sources_digest()
    assert added not in (before,) and added == hashed()
    extra.unlink()
    assert store.sources_digest() == before


def test_a_file_changed_just_now_is_not_stamped(sources, monkeypatch):
    monkeypatch.setattr(store, "_SETTLED_NS", 10**12)  # everything changed "just now"
    assert store.sources_digest() == hashed()
    assert not stamp_file().exists()


@pytest.mark.parametrize("content", ["{not json", "[]", '{"x": 1}'])
def test_a_damaged_stamp_is_ignored(sources, content):
    stamp_file().parent.mkdir(parents=True)
    stamp_file().write_text(content)
    assert store.sources_digest() == hashed()


def test_a_stamp_naming_a_wrong_digest_is_only_trusted_for_its_exact_signature(sources,
                                                                               monkeypatch):
    store.sources_digest()
    stamps = json.loads(stamp_file().read_text())
    stamp_file().write_text(json.dumps({key: "0" * 64 for key in stamps}))
    monkeypatch.setattr(store, "_digests", {})
    (sources / "shapes.ttl").write_bytes((sources / "shapes.ttl").read_bytes() + b"\n")
    assert store.sources_digest() == hashed()  # another signature: hashed again


def test_the_stamp_keeps_a_few_entries(sources):
    for i in range(store._STAMPS_KEPT + 3):
        (sources / "data" / "zz-extra.ttl").write_text(f"# {i}\n")
        store.sources_digest()
    assert len(json.loads(stamp_file().read_text())) == store._STAMPS_KEPT
