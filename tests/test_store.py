"""The on-disk store the commands open, and answers that do not depend on the store."""

from __future__ import annotations

import json
import pyoxigraph as ox
import pytest

import kg
from kg.query import catalogue
from kg import build as building
from kg.store import ahead
from kg.store import release as store
from tests.test_catalogue import example_params


@pytest.fixture(scope="module")
def in_memory():
    memory = ox.Store()
    memory.bulk_load(path=str(store.release_file("nt")), format=ox.RdfFormat.N_TRIPLES)
    return kg.KnowledgeGraph(memory)


@pytest.fixture(scope="module")
def on_disk():
    """The read-only on-disk store a release above IN_MEMORY_LIMIT triples is opened as."""
    return kg.KnowledgeGraph(ox.Store.read_only(str(store.ensure_store(building.ensure_release()))))


def test_a_small_release_is_parsed_into_memory(graph):
    graph.store.add(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"),
                            ox.Literal("o")))  # a private in-memory copy: writable
    graph.store.remove(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"),
                               ox.Literal("o")))


def test_a_large_release_is_opened_read_only_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(store, "IN_MEMORY_LIMIT", 0)
    g = kg.load()
    assert (tmp_path / "ai-leadership-kg" / "stores").is_dir()
    with pytest.raises(RuntimeError, match="read-write"):  # opened read-only
        g.store.add(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"),
                            ox.Literal("o")))
    assert len(g) == len(kg.load())


def test_unwritable_cache_falls_back_to_memory(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr(store, "IN_MEMORY_LIMIT", 0)
    g = kg.load()
    assert g.resolve("Head of AI", cls="ail:Role").endswith("#HeadOfAIEngineering")


@pytest.mark.parametrize("name", sorted(catalogue.catalogue()))
def test_same_rows_in_the_same_order_from_disk_and_memory(on_disk, in_memory, name):
    """Pages and outputs are committed byte for byte, so no query may lean on the order in
    which a store happens to return ties: every ORDER BY must be total."""
    named = catalogue.get(name)
    params = example_params(named)
    from_disk = on_disk.named(name, **params)
    in_ram = in_memory.named(name, **params)
    if "ORDER BY" in named.text:  # lists made by GROUP_CONCAT must come out sorted too
        assert from_disk == in_ram
    else:
        assert sorted(map(repr, from_disk)) == sorted(map(repr, in_ram))


@pytest.fixture()
def no_release(tmp_path, monkeypatch):
    """A checkout whose release folder is empty and a user cache with nothing in it."""
    monkeypatch.setattr(store, "release_dir", lambda: tmp_path / "release")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "release").mkdir()
    return tmp_path / "release"


def test_opening_a_store_never_builds(no_release):
    with pytest.raises(kg.errors.ReleaseMissing, match="run 'aikg build'"):
        store.open_store()
    assert not any(no_release.iterdir())


def test_a_command_announces_the_build_of_a_missing_release(no_release, aikg):
    result = aikg("query", "ASK { ail:HeadOfAIEngineering a ail:Role }", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("Building the release first (the sources changed since it "
                                    "was built) ...\n")
    assert json.loads(result.stdout)["boolean"] is True
    assert (no_release / "manifest.json").is_file()
    again = aikg("query", "ASK { ail:HeadOfAIEngineering a ail:Role }")
    assert "Building" not in again.stderr  # built once


def test_the_release_loaded_by_a_thread_is_whole_in_a_child_forked_meanwhile():
    """A fork waits for the load (kg.store.ahead._finish_loads): a query's child never
    starts with a store half loaded, or with a lock the loader thread held."""
    import os
    import time

    release = building.ensure_release()
    expected = json.loads((release / store.MANIFEST).read_text())["triples"]
    opening = ahead.open_store_later(release)
    pid = os.fork()  # at once: the loader thread is still at work
    if pid == 0:
        os._exit(0 if len(opening()) == expected else 1)
    for _ in range(200):  # a child that inherited the loader's lock waits for ever
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        pytest.fail("the child forked during the load never finished")
    assert os.waitstatus_to_exitcode(status) == 0
    assert len(opening()) == expected


def test_a_release_that_fails_to_load_fails_where_the_store_is_asked_for(tmp_path):
    (tmp_path / f"{store.RELEASE_NAME}.nt").write_text("<not an N-Triples line\n")
    opening = ahead.open_store_later(tmp_path)
    with pytest.raises(SyntaxError):
        opening()


def test_opening_later_never_builds_either(no_release):
    with pytest.raises(kg.errors.ReleaseMissing, match="run 'aikg build'"):
        ahead.open_store_later()


def test_the_release_is_loaded_ahead_only_when_it_is_read_alone(tmp_path):
    """The command line starts loading the release before it imports the code that opens
    the graph, unless --with or a workspace with recorded files make the graph another."""
    from kg.cli.core import Context

    release = building.ensure_release()
    recorded = tmp_path / "recorded"
    recorded.mkdir()
    (recorded / "workspace.json").write_text('{"files": []}')
    for context, expected in [(Context(("mine.ttl",), str(tmp_path / "empty")), False),
                              (Context((), str(recorded)), False),
                              (Context((), str(tmp_path / "empty")), True)]:
        context._load_ahead(release)
        assert (release in ahead._ahead) is expected
        if expected:
            assert len(ahead.open_store_later(release)()) > 0
        assert release not in ahead._ahead  # handed out once
