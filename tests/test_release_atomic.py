"""The release is always whole (old or new) whatever kills the build, and a killed build's
leftovers vanish on the next run. Real processes, real signals, at random moments."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.store import io
from kg.build import _write_all
from tests.release_support import ROOT, WRITER, leftovers, release, whole


def kill_at_random(target: Path, sig: int, rng: random.Random) -> None:
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert child.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.02, 0.25))
        child.send_signal(sig)
        child.wait(20)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_killed_at_random_the_release_stays_whole(tmp_path, sig):
    rng = random.Random(sig)
    target = tmp_path / "release"
    _write_all(target, release(0))
    for _ in range(10):
        kill_at_random(target, sig, rng)
        if sig == signal.SIGINT:
            whole(target)  # SIGINT waits for the files to be moved in
        io.recover_staged(target, last="manifest.json")  # what every reader does first
        whole(target)
        _write_all(target, release(2))  # the next run
        assert whole(target) == 2
        assert leftovers(target) == []


def test_a_ready_staging_folder_is_finished_and_a_half_written_one_removed(tmp_path):
    target = tmp_path / "release"
    _write_all(target, release(0))
    ready = target / ".staging-ready"  # killed while moving files in: half of them moved
    ready.mkdir()
    for name, data in release(1).items():
        (ready / name).write_bytes(data)
    (ready / io.READY).touch()
    for name in ("part-0.nt", "part-1.nt"):
        (ready / name).replace(target / name)
    half = target / ".staging-half"  # killed while writing: not ready
    half.mkdir()
    (half / "part-0.nt").write_bytes(b"torn")
    with pytest.raises(AssertionError):
        whole(target)  # the state SIGKILL can leave for an instant
    io.recover_staged(target, last="manifest.json")
    assert whole(target) == 1 and leftovers(target) == []


def test_a_live_build_is_left_alone(tmp_path):
    target = tmp_path / "release"
    target.mkdir()
    staging, lock = io.staging_folder(target)
    try:
        (staging / "part-0.nt").write_bytes(b"being written")
        io.recover_staged(target, last="manifest.json")
        assert (staging / "part-0.nt").exists()
    finally:
        os.close(lock)
    io.recover_staged(target, last="manifest.json")
    assert not staging.exists()


def test_sigint_during_the_moves_waits_for_them(tmp_path, monkeypatch):
    target = tmp_path / "release"
    _write_all(target, release(0))
    moves = []
    real_replace = os.replace

    def replace_and_interrupt(src, dst):
        if not moves:
            signal.raise_signal(signal.SIGINT)  # Ctrl-C after the first file moved in
        moves.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_and_interrupt)
    with pytest.raises(KeyboardInterrupt):
        _write_all(target, release(1))
    assert len(moves) == 7 and whole(target) == 1 and leftovers(target) == []


def test_a_read_only_release_file_is_refused(tmp_path):
    target = tmp_path / "release"
    _write_all(target, release(0))
    (target / "part-3.nt").chmod(0o444)
    with pytest.raises(Exception, match=r"part-3.nt is read-only; make it writable"):
        _write_all(target, release(1))
    assert whole(target) == 0 and leftovers(target) == []


@pytest.mark.slow
def test_aikg_build_killed_leaves_nothing_after_the_next_build(tmp_path):
    target = tmp_path / "out"
    command = [sys.executable, "-m", "kg", "build", "--no-reason", "-o", str(target)]
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not (target.is_dir() and any(target.glob(".staging-*"))):
            assert child.poll() is None and time.monotonic() < deadline, "no staging folder seen"
            time.sleep(0.005)
        child.kill()  # SIGKILL while the release files are being written
    finally:
        child.kill()
        child.wait()
    assert any(target.glob(".staging-*"))
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((target / "manifest.json").read_text())
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((target / name).read_bytes()).hexdigest() == digest
    assert leftovers(target) == []


def test_two_builds_at_once_leave_one_whole_release(tmp_path, monkeypatch):
    import threading

    target = tmp_path / "release"
    _write_all(target, release(0))
    errors = []
    real_replace = os.replace

    def slow_replace(src, dst):  # gives the other build every chance to move its files between
        real_replace(src, dst)
        time.sleep(0.002)

    monkeypatch.setattr(os, "replace", slow_replace)

    def publish_many(version):
        try:
            for _ in range(10):
                _write_all(target, release(version))
                with io._locked(target):  # what a reader recovering the release waits for
                    whole(target)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=publish_many, args=(v,)) for v in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and whole(target) in (1, 2) and leftovers(target) == []
