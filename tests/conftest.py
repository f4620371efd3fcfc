"""Shared fixtures: the real graph, loaded once, and a click runner."""

from __future__ import annotations

import os
import signal

import pytest
from click.testing import CliRunner

import kg
from kg.cli import main

AIL = "https://w3id.org/ai-leadership-kg/ontology#"


@pytest.fixture(scope="session", autouse=True)
def private_workspace(tmp_path_factory):
    """Tests (and the aikg subprocesses they start) never touch the user's own workspace."""
    os.environ["AIKG_WORKSPACE"] = str(tmp_path_factory.mktemp("workspace"))
    yield


@pytest.fixture(scope="session", autouse=True)
def ctrl_c_interrupts():
    """Ctrl-C is KeyboardInterrupt here and in the processes tests start, as at a terminal.

    A shell starting the suite in the background (``make test &``, nohup) hands it SIGINT
    ignored, children inherit that, and the tests of what Ctrl-C leaves behind would fail.
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield


@pytest.fixture(scope="session")
def graph():
    """The shipped graph (release rebuilt first if the sources changed)."""
    return kg.load()


@pytest.fixture(scope="session", autouse=True)
def no_network_cut_for_the_session():
    """The same stand-in for module and session fixtures that run commands in-process (a
    module fixture runs outside any test's monkeypatch: its real cut held for the rest of the
    session, and every later server test lost loopback)."""
    import kg.cli.core

    patch = pytest.MonkeyPatch()
    patch.setattr(kg.cli.core, "_cut_network", lambda: "recorded")
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def network_cuts(monkeypatch):
    """Commands run in-process would cut the whole test session off the network (the cut
    holds for this process and all it starts later): record the calls instead. Subprocess
    tests (test_query_guard.py) check the real cut."""
    import kg.cli.core

    calls = []
    monkeypatch.setattr(kg.cli.core, "_cut_network", lambda: calls.append("cut") or "recorded")
    return calls


@pytest.fixture(autouse=True)
def no_fallback_release(monkeypatch):
    """A test whose sources fail to build makes its process answer from the last good release
    (kg.store.release.fall_back_to): that must not outlive the test."""
    from kg.store import release

    monkeypatch.setattr(release, "_fallback", None)


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture()
def aikg(runner):
    """Run ``aikg ARGS`` in-process; returns click's Result (stdout, stderr, exit_code)."""

    def invoke(*args, input=None):
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


#: the fixtures holding the real O*NET and ESCO data: the tests using them run on one test
#: worker (``--dist loadgroup``), so the session builds that data once, not once per worker
REAL_DATA = {"real_imports", "real_import_summaries", "real_workspace", "real_alignment"}


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(config, items):
    for item in items:
        if REAL_DATA & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.xdist_group("real-data"))


def pytest_xdist_auto_num_workers(config):
    """``-n auto``: a worker per core, at most four (each holds its own graph and servers)."""
    return max(1, min(4, len(os.sched_getaffinity(0))))


@pytest.fixture(scope="session")
def _real_data(tmp_path_factory):
    """(folder, summaries): the real imports and, when this session made them, the
    importers' summaries."""
    from pathlib import Path

    given = os.environ.get("AIKG_REAL_DATA")
    if given:
        folder = Path(given)
        if not all((folder / f"{name}.ttl").is_file() for name in ("onet", "esco")):
            pytest.skip(f"AIKG_REAL_DATA={given} holds no onet.ttl and esco.ttl")
        return folder, {}
    from tests.alignment_support import DATASETS

    if DATASETS is None:
        pytest.skip("../shared/datasets absent")
    from kg.importers import esco, onet

    folder = tmp_path_factory.mktemp("real-imports")
    summaries = {"onet": onet.import_onet(DATASETS / "onet-29.2", folder / "onet.ttl"),
                 "esco": esco.import_esco(DATASETS / "esco-1.2.0", folder / "esco.ttl")}
    return folder, summaries


@pytest.fixture(scope="session")
def real_imports(_real_data):
    """The real O*NET 29.2 and ESCO 1.2.0 imports as Turtle, made once per session from
    ``../shared/datasets`` (about 20 s), or read from ``AIKG_REAL_DATA`` (a folder holding
    onet.ttl and esco.ttl) when set. Skips when neither is there."""
    return _real_data[0]


@pytest.fixture(scope="session")
def real_import_summaries(_real_data, tmp_path_factory):
    """What the importers said of the session's real imports (the counts they read): made by
    the import :func:`real_imports` ran, or by importing again when AIKG_REAL_DATA gave files."""
    folder, summaries = _real_data
    if summaries:
        return summaries
    from tests.alignment_support import DATASETS

    if DATASETS is None:
        pytest.skip("../shared/datasets absent")
    from kg.importers import esco, onet

    scratch = tmp_path_factory.mktemp("real-import-counts")
    return {"onet": onet.import_onet(DATASETS / "onet-29.2", scratch / "onet.ttl"),
            "esco": esco.import_esco(DATASETS / "esco-1.2.0", scratch / "esco.ttl")}


@pytest.fixture(scope="session")
def real_workspace(real_imports, tmp_path_factory):
    """The graph a user gets from ``aikg add onet.ttl esco.ttl``: the release, O*NET 29.2 and
    ESCO 1.2.0 merged through the workspace's add path (checked, entailed, and aligned by
    its mapping hook, as the command does), built once per session in a private folder."""
    from kg.importers.align.apply import WorkspaceMappings
    from kg.loading import warm_caches
    from kg.store.workspace import Workspace

    ws = Workspace(tmp_path_factory.mktemp("real-workspace"), warm=warm_caches,
                   mappings=WorkspaceMappings())
    ws.add([real_imports / "onet.ttl", real_imports / "esco.ttl"])
    return kg.load(workspace=ws)
