"""HermiT on N-Triples, run directly (kg.checks.owl): a verdict for both outcomes, and no leftovers."""

import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.checks import owl

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


def test_hermit_reads_no_annotations_of_named_entities_and_every_statement():
    """Annotation assertions on IRIs are left out of what HermiT parses (they mean nothing
    to its semantics); statements, axiom annotations and punned properties stay."""
    ail = "https://w3id.org/ai-leadership-kg/ontology#"
    s = store(both=False)
    x, y, note, p = (ox.NamedNode(EX + n) for n in ("x", "y", "note", "p"))
    annotation = ox.NamedNode("http://www.w3.org/2002/07/owl#AnnotationProperty")
    datatype = ox.NamedNode("http://www.w3.org/2002/07/owl#DatatypeProperty")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    axiom = ox.BlankNode()
    s.extend([
        ox.Quad(note, TYPE, annotation), ox.Quad(x, note, ox.Literal("a note")),
        ox.Quad(x, label, ox.Literal("x")),
        ox.Quad(p, TYPE, annotation), ox.Quad(p, TYPE, datatype), ox.Quad(x, p, ox.Literal("7")),
        ox.Quad(x, ox.NamedNode(ail + "progressesTo"), y),
        ox.Quad(axiom, note, ox.Literal("why")),
        ox.Quad(x, ox.NamedNode("http://www.w3.org/2002/07/owl#imports"), y,
                ox.NamedNode(EX + "g")),
    ])
    kept = set(ox.parse(owl.reasoned_triples(s), format=ox.RdfFormat.N_TRIPLES))
    assert {(t.subject, t.predicate) for t in kept} >= {
        (x, TYPE), (x, p), (x, ox.NamedNode(ail + "progressesTo")), (note, TYPE)}
    assert {t.predicate for t in kept if t.subject == x} == {
        TYPE, p, ox.NamedNode(ail + "progressesTo")}  # no note, no label, no imports
    assert any(t.predicate == note and isinstance(t.subject, ox.BlankNode) for t in kept)
    assert len(kept) == len(s) - 3


def test_a_bad_value_of_a_datatype_property_is_inconsistent():
    """Left out are annotations, not literals: a value outside a data property's range
    still reaches HermiT."""
    s = ox.Store()
    p, x = ox.NamedNode(EX + "p"), ox.NamedNode(EX + "x")
    s.extend([ox.Quad(p, TYPE, ox.NamedNode("http://www.w3.org/2002/07/owl#DatatypeProperty")),
              ox.Quad(p, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#range"),
                      ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
              ox.Quad(x, p, ox.Literal("abc"))])
    assert owl.owl_on(s) == (False, "HermiT found the ontology inconsistent.")
