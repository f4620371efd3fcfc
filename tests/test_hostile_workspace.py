"""A workspace someone else could write, or that was damaged (issue 25, findings 1, 2, 7, 8).

Every test plants what the red team planted (links to files outside the folder, a ``stores``
link to another folder, tables with raw escapes, damaged records, links to ``/dev/zero``, a
FIFO) or races two ``aikg add``; the answer is one ``Error:`` line or the right answer, and
nothing outside the workspace changes.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "acme-career-ladder.ttl"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A workspace with the example added and its ladder table kept, copied by each test."""
    base = tmp_path_factory.mktemp("hostile")
    example = base / "acme.ttl"
    shutil.copy(EXAMPLE, example)
    old = time.time_ns() - 3600 * 10 ** 9  # settled: its digest is kept
    os.utime(example, ns=(old, old))
    ws = base / "ws"
    for args in (["add", str(example)], ["query", "ladder"], ["stats"]):
        done = CliRunner().invoke(main, ["--workspace", str(ws), *args])
        assert done.exit_code == 0, done.output
    return ws, example


@pytest.fixture()
def ws(built, tmp_path):
    copy = tmp_path / "ws"
    shutil.copytree(built[0], copy, symlinks=True)
    return copy


def aikg(ws: Path, *args, timeout: float = 120):
    """``aikg --workspace WS ARGS`` in its own process (a hang or a memory run-away stops
    at the timeout or at 3 GB), as ``(exit code, stdout, stderr)``."""
    def limits():
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    try:
        done = subprocess.run([sys.executable, "-m", "kg", "--workspace", str(ws), *args],
                              capture_output=True, text=True, cwd=ROOT, timeout=timeout,
                              preexec_fn=limits)
    except subprocess.TimeoutExpired:
        pytest.fail(f"aikg {' '.join(args)} still running after {timeout} s")
    return done.returncode, done.stdout, done.stderr


def one_line(code: int, stderr: str, *said: str) -> None:
    assert code == 1 and "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
    for text in said:
        assert text in lines[0], lines[0]


def _store(ws: Path) -> Path:
    return next(p for p in (ws / "stores").iterdir() if not p.name.startswith("."))


# -- finding 1: nothing written through a link ---------------------------------------------
@pytest.mark.parametrize("exists", [True, False], ids=["to-a-file", "dangling"])
@pytest.mark.parametrize("name", ["workspace.json", "digests.json", "kept.db", "kept.db-journal",
                                  ".lock"])
def test_no_write_through_a_planted_link(ws, built, tmp_path, name, exists):
    victim = tmp_path / "bashrc"
    if exists:
        victim.write_text("# the user's shell start-up\n")
    if name == "workspace.json":  # a file named to run a command, as the red team listed
        evil = tmp_path / "$(touch${IFS}PWNED).ttl"
        shutil.copy(built[1], evil)
    target = ws / name
    if target.exists():
        target.unlink()
    target.symlink_to(victim)
    for args in (["stats"], ["add", str(built[1])], ["sources"]):
        code, out, err = aikg(ws, *args)
        assert "Traceback" not in err, err
    if exists:
        assert victim.read_text() == "# the user's shell start-up\n" and not victim.is_symlink()
    else:
        assert not victim.exists()


def test_no_write_through_a_link_inside_a_store(ws, tmp_path):
    victim = tmp_path / "profile"
    victim.write_text("keep me\n")
    store = _store(ws)
    for name in ("kept.db", "meta.json"):
        (store / name).unlink(missing_ok=True)
        (store / name).symlink_to(victim)
    code, out, err = aikg(ws, "query", "ladder")
    assert "Traceback" not in err, err
    assert victim.read_text() == "keep me\n"


# -- finding 2: nothing deleted outside the folder -----------------------------------------
def test_a_linked_stores_folder_is_refused_not_pruned(ws, built, tmp_path):
    projects = tmp_path / "projects"
    for n in range(6):
        (projects / f"project-{n}").mkdir(parents=True)
        (projects / f"project-{n}" / "notes.txt").write_text("mine\n")
    shutil.rmtree(ws / "stores")
    (ws / "stores").symlink_to(projects)
    code, out, err = aikg(ws, "add", str(built[1]))
    one_line(code, err, "stores")
    assert sorted(p.name for p in projects.iterdir()) == [f"project-{n}" for n in range(6)]


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757])
def test_a_workspace_writable_by_others_is_refused(ws, mode):
    ws.chmod(mode)
    try:
        code, out, err = aikg(ws, "stats")
    finally:
        ws.chmod(0o700)
    one_line(code, err, "writable by others", "chmod go-w")


# -- finding 7: caches read within caps, parsed strictly, never printed unchecked ----------
def test_a_planted_table_is_not_printed(ws):
    from kg.store.kept import answer_name as _answer_name
    from kg.query import catalogue
    from kg.store import kept

    name = "shown-" + _answer_name(catalogue.get("ladder").text)[len("results-"):]
    evil = b"\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2JRole  Level\nFake answer  1\n"
    kept.write_bytes(_store(ws), f"{name}-table-labels.txt", evil)
    getattr(kept, "forget", lambda folder: None)(_store(ws))  # (main kept files)
    code, out, err = aikg(ws, "query", "ladder")
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out and "Fake answer" not in out
    assert "Principal ML Engineer" in out


DEEP = b"[" * 200_000 + b"]" * 200_000


def _short(damage: bytes) -> str:
    """A test id a few dozen characters long: pytest puts the id in PYTEST_CURRENT_TEST, and
    DEEP's 400 kB id made every subprocess the test starts fail (E2BIG, argument list too long)."""
    text = repr(damage)
    return text if len(text) <= 40 else f"{text[:24]}...({len(damage):,} bytes)"


@pytest.mark.parametrize("damage", [b"[]", b'{"files": 5}', b'{"files": [{"path": 1}]}',
                                    b'{"files": [{"path": "/x", "sha256": "00"}]}',
                                    b'{"files": [], "last_good": ["x"]}', DEEP, b"\xff\xfe",
                                    b'{"files": [{"path": "rel.ttl", "sha256": "' + b"0" * 64
                                    + b'"}]}'], ids=_short)
def test_a_damaged_workspace_record_is_one_line(ws, damage):
    (ws / "workspace.json").write_bytes(damage)
    for args in (["stats"], ["sources"]):
        code, out, err = aikg(ws, *args)
        one_line(code, err, "workspace.json", "damaged")


@pytest.mark.parametrize("damage", [b"[]", b'{"files": "x"}', DEEP, b"\x00" * 10,
                                    b'{"files": [], "sha256": [], "release": "other"}'],
                         ids=_short)
def test_a_damaged_store_record_is_built_again(ws, damage):
    (_store(ws) / "meta.json").write_bytes(damage)
    code, out, err = aikg(ws, "query", "ladder", "--format", "csv")
    assert code == 0 and "Traceback" not in err, err
    assert "Principal ML Engineer" in out


@pytest.mark.parametrize("damage", [b"{not json", DEEP, b'{"head": {"vars": 5}}', b""],
                         ids=_short)
def test_a_damaged_kept_answer_is_answered_again(ws, damage):
    from kg.store.kept import answer_name as _answer_name
    from kg.query import catalogue
    from kg.store import kept

    store = _store(ws)
    for name in ("ladder", "class-counts"):
        kept.write_bytes(store, _answer_name(catalogue.get(name).text), damage)
    kept.write_bytes(store, "labels.json", DEEP)
    getattr(kept, "forget", lambda folder: None)(store)
    for args in (["query", "ladder", "--format", "csv"], ["stats"]):
        code, out, err = aikg(ws, *args)
        assert code == 0 and "Traceback" not in err, err
    assert "Principal ML Engineer" in aikg(ws, "query", "ladder", "--format", "csv")[1]


@pytest.mark.parametrize("name", ["workspace.json", "data.nt", "kept.db"])
def test_a_cache_linked_to_dev_zero_is_refused(ws, name):
    target = (ws if name == "workspace.json" else _store(ws)) / name
    target.unlink(missing_ok=True)
    target.symlink_to("/dev/zero")
    code, out, err = aikg(ws, "query", "ladder", "--format", "csv", timeout=60)
    assert "Traceback" not in err, err
    if code:
        one_line(code, err, "damaged")
    else:
        assert "Principal ML Engineer" in out


@pytest.mark.parametrize("name", ["workspace.json", "data.nt", "meta.json"])
def test_a_fifo_does_not_hang(ws, name):
    target = (ws if name == "workspace.json" else _store(ws)) / name
    target.unlink(missing_ok=True)
    os.mkfifo(target)
    code, out, err = aikg(ws, "stats", timeout=60)
    assert "Traceback" not in err, err
    if code:
        one_line(code, err)


# -- finding 8: two 'aikg add' at once both land -------------------------------------------
def test_two_adds_at_once_both_land(tmp_path):
    files = []
    for n in (1, 2):
        text = EXAMPLE.read_text().replace("acme:", f"acme{n}:").replace(
            "@prefix acme{n}: <https://example.org/acme/careers#>".format(n=n),
            f"@prefix acme{n}: <https://example.org/acme{n}/careers#>")
        text = text.replace("Principal ML Engineer", f"Principal ML Engineer {n}")
        text = text.replace("Principal Machine Learning Engineer", f"Principal MLE {n}")
        text = text.replace('"Acme ', f'"Acme {n} ')
        path = tmp_path / f"acme{n}.ttl"
        path.write_text(text)
        files.append(path)
    ws = tmp_path / "ws"
    runs = [subprocess.Popen([sys.executable, "-m", "kg", "--workspace", str(ws), "add",
                              str(path)], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for path in files]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    listed = CliRunner().invoke(main, ["--workspace", str(ws), "sources", "--format", "json"])
    listed = {s["path"] for s in json.loads(listed.stdout)["sources"]}
    assert {str(p) for p in files} <= listed


# -- low: an unwritable workspace folder ---------------------------------------------------
def test_a_workspace_that_cannot_be_made_is_one_line(built):
    code, out, err = aikg(Path("/proc/ws"), "add", str(built[1]))
    one_line(code, err, "/proc/ws")
