"""The part of a merged graph that a user's additions can make fail the SHACL shapes.

The release was checked when it was built, so after a user's quads join it only the nodes those
quads touch can newly fail a shape. A node shape's verdict on a node depends on the node's own
statements, the types of the nodes it points to (``sh:class``), the statements of those nodes
(the value-range bounds of a ``sh:sparql`` constraint) and the class hierarchy. So the focus is

* every subject of an added quad, and every node pointing to one (its ``sh:class`` values may
  have gained or lost a type, a range's bound may have changed);

and the subgraph handed to pySHACL holds the focus nodes' statements, the statements of the
nodes they point to, the types of the nodes those point to, and every ``rdfs:subClassOf``.
Additions that change the vocabulary itself (subclass or subproperty axioms, shapes) make the
whole graph the focus: :func:`focus_nodes` returns None and the caller checks everything.
:mod:`kg.checks.screen` then narrows the focus to the nodes pySHACL must see.
"""
from __future__ import annotations

import pyoxigraph as ox

__all__ = ["focus_nodes", "subgraph"]

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
# Statements that change what other nodes mean: with any of these added, check everything.
VOCABULARY = frozenset({
    "http://www.w3.org/2000/01/rdf-schema#subClassOf",
    "http://www.w3.org/2000/01/rdf-schema#subPropertyOf",
    "http://www.w3.org/2002/07/owl#equivalentClass",
    "http://www.w3.org/2002/07/owl#equivalentProperty",
    "http://www.w3.org/2002/07/owl#inverseOf",
})
SHACL = "http://www.w3.org/ns/shacl#"


def _out(store: ox.Store, node) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(node, None, None)]


def focus_nodes(store: ox.Store, added: list[ox.Quad]) -> set | None:
    """The nodes whose verdicts ``added`` (quads already in ``store``) can change, or None when
    everything must be checked (the additions change the vocabulary)."""
    subjects = set()
    for quad in added:
        if quad.predicate.value in VOCABULARY or quad.predicate.value.startswith(SHACL):
            return None
        subjects.add(quad.subject)
    nodes = set(subjects)
    for subject in subjects:  # whoever points at a changed node may change verdict too
        nodes.update(q.subject for q in store.quads_for_pattern(None, None, subject))
    return nodes


def subgraph(store: ox.Store, nodes: set) -> list[ox.Triple]:
    """What pySHACL needs to judge ``nodes``: their statements, the statements of the nodes
    they point to, the types of the nodes those point to, and the class hierarchy."""
    triples: set[ox.Triple] = set()
    first_hop = set()
    for node in nodes:
        for triple in _out(store, node):
            triples.add(triple)
            if not isinstance(triple.object, ox.Literal):
                first_hop.add(triple.object)
    second_hop = set()
    for node in first_hop - nodes:
        for triple in _out(store, node):
            triples.add(triple)
            if not isinstance(triple.object, ox.Literal):
                second_hop.add(triple.object)
    for node in second_hop - first_hop - nodes:
        triples.update(ox.Triple(q.subject, q.predicate, q.object)
                       for q in store.quads_for_pattern(node, RDF_TYPE, None))
    triples.update(ox.Triple(q.subject, q.predicate, q.object)
                   for q in store.quads_for_pattern(None, SUBCLASS, None))
    return list(triples)
