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


# -- the end of the aikg process (kg.__main__._end) ----------------------------------------
END = """
import atexit, sys, threading, time
from kg.__main__ import _end
atexit.register(lambda: print("atexit ran", flush=True))
print("buffered", end="")  # still in the buffer when the command is done
if sys.argv[1] == "thread":  # a thread still at work: it must finish, as in Python's shutdown
    threading.Thread(target=lambda: (time.sleep(0.3), print("thread done", flush=True))).start()
_end(3)
print(" usual shutdown", end="")
sys.exit(4)
"""


@pytest.mark.parametrize("case, out, code", [
    ("alone", "bufferedatexit ran\n", 3),
    ("thread", "buffered usual shutdownthread done\natexit ran\n", 4),
])
def test_the_process_ends_with_its_atexit_handlers_output_and_threads(case, out, code):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", END, case], capture_output=True, text=True,
                          timeout=60)
    assert (done.stdout, done.returncode) == (out, code), done.stderr


def test_a_command_s_output_and_exit_code_survive_the_quick_end(tmp_path):
    import subprocess
    import sys

    env = {**os.environ, "AIKG_WORKSPACE": str(tmp_path / "ws")}
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 3000"
    done = subprocess.run([sys.executable, "-m", "kg", "query", query, "--format", "csv"],
                          capture_output=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"s,p,o\r\n") and done.stdout.count(b"\r\n") == 3001
    refused = subprocess.run([sys.executable, "-m", "kg", "query", "SELEC"],
                             capture_output=True, text=True, env=env, timeout=120)
    assert refused.returncode == 1 and refused.stderr.startswith("Error: Malformed SPARQL")
