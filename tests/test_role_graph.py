"""The ladder's own small graph: the networkx behaviour the path commands rely on."""

import networkx as nx

import kg
from kg import paths
from kg.role_graph import RoleGraph


def test_edges_nodes_and_reachability():
    g = RoleGraph()
    g.add_edge("a", "b", cost=1)
    g.add_edge("b", "c", cost=3)
    g.add_node("d", label="D")
    assert list(g) == ["a", "b", "c", "d"] and len(g) == 4 and "d" in g and "e" not in g
    assert list(g.successors("b")) == ["c"] and list(g.predecessors("b")) == ["a"]
    assert g.edges["b", "c"] == {"cost": 3} and len(g.edges) == 2
    assert g.has_path("a", "c") and not g.has_path("c", "a") and not g.has_path("a", "d")
    assert g.has_edge("a", "b") and not g.has_edge("a", "c")


def test_copy_is_independent():
    g = RoleGraph()
    g.add_edge("a", "b", cost=1)
    g.nodes["a"]["label"] = "A"
    other = g.copy()
    other.nodes["a"]["label"] = "changed"
    other.edges["a", "b"]["cost"] = 9
    assert g.nodes["a"]["label"] == "A" and g.edges["a", "b"]["cost"] == 1


def test_to_networkx_is_the_same_ladder():
    ladder = paths.project(kg.load(), lateral=True)
    graph = ladder.to_networkx()
    assert set(graph.nodes) == set(ladder)
    assert set(graph.edges) == set(ladder.edges())
    assert all(graph.nodes[n] == ladder.nodes[n] for n in ladder)
