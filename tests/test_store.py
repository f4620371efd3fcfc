"""The on-disk store the commands open, and answers that do not depend on the store."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

import kg
from kg import catalogue, store
from tests.test_catalogue import example_params


@pytest.fixture(scope="module")
def in_memory():
    memory = ox.Store()
    memory.bulk_load(path=str(store.release_file("nt")), format=ox.RdfFormat.N_TRIPLES)
    return kg.KnowledgeGraph(memory)


def test_load_opens_the_read_only_store_in_the_cache(graph):
    assert store.ensure_store(store.ensure_release()).parent == store.cache_dir() / "stores"
    with pytest.raises(RuntimeError, match="read-write"):  # opened read-only
        graph.store.add(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"),
                                ox.Literal("o")))


def test_store_is_rebuilt_when_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    g = kg.load()
    assert (tmp_path / "ai-leadership-kg" / "stores").is_dir()
    assert len(g) == len(kg.load())


def test_unwritable_cache_falls_back_to_memory(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    g = kg.load()
    assert g.resolve("Head of AI", cls="ail:Role").endswith("#HeadOfAIEngineering")


@pytest.mark.parametrize("name", sorted(catalogue.catalogue()))
def test_same_rows_in_the_same_order_from_disk_and_memory(graph, in_memory, name):
    """Pages and outputs are committed byte for byte, so no query may lean on the order in
    which a store happens to return ties: every ORDER BY must be total."""
    named = catalogue.get(name)
    params = example_params(named)
    on_disk = graph.named(name, **params)
    in_ram = in_memory.named(name, **params)
    if "ORDER BY" in named.text:  # lists made by GROUP_CONCAT must come out sorted too
        assert on_disk == in_ram
    else:
        assert sorted(map(repr, on_disk)) == sorted(map(repr, in_ram))
