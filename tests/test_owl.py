"""HermiT on N-Triples, run directly (kg.owl): a verdict for both outcomes, and no leftovers."""

import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import owl

EX = "https://example.org/owl-test#"
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DISJOINT = ox.NamedNode("http://www.w3.org/2002/07/owl#disjointWith")
CLASS = ox.NamedNode("http://www.w3.org/2002/07/owl#Class")


def store(*, both: bool) -> ox.Store:
    """Two disjoint classes and an individual of one of them (``both``: of the two)."""
    s = ox.Store()
    a, b, x = (ox.NamedNode(EX + n) for n in ("A", "B", "x"))
    s.extend([ox.Quad(a, TYPE, CLASS), ox.Quad(b, TYPE, CLASS), ox.Quad(a, DISJOINT, b),
              ox.Quad(x, TYPE, a)] + ([ox.Quad(x, TYPE, b)] if both else []))
    return s


@pytest.fixture(autouse=True)
def java():
    if owl.find_java() is None:
        pytest.fail("HermiT needs Java: run 'make system'")


def test_a_consistent_graph_is_consistent():
    assert owl.owl_on(store(both=False)) == (True, "HermiT found the ontology consistent.")


def test_an_individual_of_two_disjoint_classes_is_inconsistent():
    assert owl.owl_on(store(both=True)) == (False, "HermiT found the ontology inconsistent.")


def test_stopping_hermit_leaves_no_files():
    before = set(Path(tempfile.gettempdir()).glob("aikg-owl-*"))
    verdict = owl.owl_start(store(both=True))
    verdict(stop=True)
    assert set(Path(tempfile.gettempdir()).glob("aikg-owl-*")) == before
