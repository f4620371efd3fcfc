"""kg.store.io: atomic writes that respect what is already at the path, and output folders."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from kg.errors import KGError
from kg.store.io import atomic_write, ensure_folder


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- atomic_write -----------------------------------------------------------------------------
def test_writes_a_new_file_with_the_umask_mode(tmp_path):
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "new.txt", b"hello")
    finally:
        os.umask(old)
    assert (tmp_path / "new.txt").read_bytes() == b"hello"
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_keeps_the_mode_of_an_existing_file(tmp_path, mode):
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(mode)
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == mode


def test_writes_through_a_symlink_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    atomic_write(link, b"new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == []


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "target.txt")
    atomic_write(link, b"new")
    assert link.is_symlink() and (tmp_path / "target.txt").read_bytes() == b"new"


def test_writes_into_a_fifo_without_replacing_it(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    atomic_write(fifo, b"through the pipe")
    reader.join(10)
    assert received == [b"through the pipe"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert leftovers(tmp_path) == []


def test_a_symlink_to_a_fifo_is_written_directly(tmp_path):
    # Stands in for /dev/stdout, itself a symlink to a device: never test on real devices.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "stdout"
    link.symlink_to(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    atomic_write(link, b"data")
    reader.join(10)
    assert received == [b"data"]
    assert link.is_symlink() and stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(KGError, match="it is a folder"):
        atomic_write(tmp_path, b"x")


def test_missing_folders_are_created(tmp_path):
    atomic_write(tmp_path / "new" / "deeper" / "out.txt", b"x")
    assert (tmp_path / "new" / "deeper" / "out.txt").read_bytes() == b"x"


def test_folders_created_for_a_failed_write_are_removed(tmp_path, monkeypatch):
    def failing(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(KGError, match="no space left on device"):
        atomic_write(tmp_path / "new" / "deeper" / "out.txt", b"x")
    assert list(tmp_path.iterdir()) == []


def test_a_file_on_the_way_is_a_one_line_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(KGError, match="a folder on its way is a file"):
        atomic_write(tmp_path / "file" / "out.txt", b"x")


# -- read-only files and hard links -----------------------------------------------------------
@pytest.mark.parametrize("mode", [0o444, 0o400, 0o000])
def test_a_read_only_file_is_refused_and_kept(tmp_path, mode):
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(mode)
    with pytest.raises(KGError) as caught:
        atomic_write(target, b"new")
    assert str(caught.value) == (f"{target} is read-only; make it writable (chmod u+w '{target}') "
                                 "or choose another path.")
    target.chmod(0o600)
    assert target.read_text() == "old" and leftovers(tmp_path) == []


def test_a_read_only_file_behind_a_symlink_is_refused(tmp_path):
    (tmp_path / "real.txt").write_text("old")
    (tmp_path / "real.txt").chmod(0o444)
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    with pytest.raises(KGError, match="is read-only"):
        atomic_write(tmp_path / "link.txt", b"new")


def test_hard_links_keep_sharing_the_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    os.link(target, tmp_path / "other.txt")
    atomic_write(target, b"new")
    assert (tmp_path / "other.txt").read_bytes() == b"new"
    assert target.stat().st_ino == (tmp_path / "other.txt").stat().st_ino


# -- leftovers of a killed run ----------------------------------------------------------------
def test_temp_files_of_a_killed_run_are_removed_but_not_a_live_ones(tmp_path):
    import fcntl

    dead = tmp_path / ".out.txt.0badc0de.tmp"
    dead.write_text("half")
    live = tmp_path / ".out.txt.1badc0de.tmp"
    live.write_text("being written")
    with open(live, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # what a writer still running holds
        atomic_write(tmp_path / "out.txt", b"new")
        assert not dead.exists() and live.exists()
    assert (tmp_path / "out.txt").read_bytes() == b"new"


def test_interrupt_leaves_no_temp_file_and_the_old_content(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("old")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, b"new")
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_failed_rename_is_a_kg_error_and_leaves_no_temp_file(tmp_path, monkeypatch):
    def failing(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(KGError, match="no space left on device; choose a writable path"):
        atomic_write(tmp_path / "out.txt", b"new")
    assert leftovers(tmp_path) == []


# -- ensure_folder ----------------------------------------------------------------------------
def test_ensure_folder_creates_parents(tmp_path):
    assert ensure_folder(tmp_path / "a" / "b") == tmp_path / "a" / "b"
    assert (tmp_path / "a" / "b").is_dir()
    assert ensure_folder(tmp_path / "a" / "b").is_dir()  # an existing folder is fine


@pytest.mark.parametrize("sub, message", [
    ("file", "is a file, not a folder"),
    ("file/sub", "a folder on its way is a file"),
])
def test_ensure_folder_refuses_files(tmp_path, sub, message):
    (tmp_path / "file").write_text("x")
    with pytest.raises(KGError, match=message):
        ensure_folder(tmp_path / sub)


# -- the commands that write into a folder -----------------------------------------------------
@pytest.mark.parametrize("command", ["docs", "viz"])
@pytest.mark.parametrize("where, message", [
    ("file/sub", "a folder on its way is a file; give a writable folder with -o."),
    ("/proc/nope", "no such file or directory; give a writable folder with -o."),
])
def test_output_folder_that_cannot_be_created_is_one_error_line(aikg, tmp_path, command, where,
                                                                message):
    (tmp_path / "file").write_text("x")
    target = where if where.startswith("/") else str(tmp_path / where)
    result = aikg(command, "-o", target)
    assert result.exit_code == 1
    assert result.stderr == f"Error: Cannot create '{target}': {message}\n"
