"""The on-disk store the commands open, and answers that do not depend on the store."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

import kg
from kg.query import catalogue
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
    return kg.KnowledgeGraph(ox.Store.read_only(str(store.ensure_store(store.ensure_release()))))


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
