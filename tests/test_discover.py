"""One URL per server (kg/remote/discover.py), against real servers: Oxigraph server, the
project's own endpoint, and Virtuoso where it is installed."""

from __future__ import annotations

import pytest

from kg.remote.discover import discover
from kg.remote.http import RemoteError
from tests import engines_support as engines


@pytest.fixture(scope="module")
def oxigraph():
    if engines.oxigraph_binary() is None:
        pytest.skip("the 'oxigraph' command is missing (pip install oxigraph)")
    with engines.oxigraph_server() as engine:
        yield engine


@pytest.fixture(scope="module")
def own():
    import pyoxigraph as ox

    from kg.graph import KnowledgeGraph
    from kg.serving.server import running_server

    with running_server(graph=KnowledgeGraph(ox.Store())) as url:
        yield url


@pytest.mark.parametrize("suffix", ["", "/", "/query", "/update", "/store"])
def test_any_url_of_an_oxigraph_server_finds_all_three(oxigraph, suffix):
    base = oxigraph.query.rsplit("/", 1)[0]
    found = discover(base + suffix)
    assert (found.query, found.update, found.gsp) == (oxigraph.query, oxigraph.update,
                                                      oxigraph.gsp)
    assert "the layout of Oxigraph" in found.summary()


def test_the_query_url_of_oxigraph_is_read_from_its_description(oxigraph):
    assert discover(oxigraph.query).sources[0] == "its service description"


@pytest.mark.parametrize("suffix", ["", "/sparql"])
def test_the_own_endpoint_describes_itself(own, suffix):
    found = discover(own + suffix)
    assert (found.query, found.update, found.gsp) == (own + "/sparql", None, None)
    assert found.sources == ["its service description"]


def test_a_server_nobody_knows_keeps_the_url(own):
    found = discover(own + "/ai-leadership-kg/ontology")  # RDF, but no service description
    assert (found.query, found.update, found.gsp, found.sources) == (
        own + "/ai-leadership-kg/ontology", None, None, [])


def test_a_server_that_is_not_there_is_one_error():
    with pytest.raises(RemoteError, match="Cannot reach endpoint"):
        discover(f"http://127.0.0.1:{engines.free_port()}")


def test_push_and_query_with_one_url(aikg, oxigraph):
    base = oxigraph.query.rsplit("/", 1)[0]
    pushed = aikg("push", "--endpoint", base, "--graph", "http://example.org/g")
    assert pushed.exit_code == 0, pushed.stderr
    assert pushed.stderr.startswith(f"Found at {base}: query {oxigraph.query}, update "
                                    f"{oxigraph.update}, graph store {oxigraph.gsp}")
    assert "graph store protocol" in pushed.stdout
    asked = aikg("--endpoint", base, "--graph", "http://example.org/g", "query",
                 "ASK { ?r a ail:Role }", "--format", "json")
    assert asked.exit_code == 0, asked.stderr
    assert '"boolean":true' in asked.stdout.replace(" ", "")
    assert asked.stderr.startswith(f"Found at {base}: query {oxigraph.query}")


def test_explicit_urls_are_not_second_guessed(aikg, oxigraph):
    pushed = aikg("push", "--endpoint", oxigraph.query, "--update", oxigraph.update)
    assert pushed.exit_code == 0, pushed.stderr
    assert "Found at" not in pushed.stderr
    assert "sparql update" in pushed.stdout  # no graph store URL given, none looked for


@pytest.mark.slow
@pytest.mark.skipif(engines.VIRTUOSO is None, reason="Virtuoso (virtuoso-t) is not installed")
def test_virtuoso_by_its_layout():
    with engines.virtuoso_server() as engine:
        root = engine.query.rsplit("/", 1)[0]
        found = discover(root)
        assert (found.query, found.update, found.gsp) == (
            root + "/sparql", root + "/sparql-auth", root + "/sparql-graph-crud-auth")
        assert "the layout of Virtuoso" in found.summary()
