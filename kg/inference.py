"""The entailments a query writer expects, materialised as triples.

Which rules, and why not OWL 2 RL: a user who reads the ontology writes ``?s a ail:Skill``,
``?role ail:requiresSkill ?s``, ``?b ail:addresses ?c`` or ``?r ail:locatedIn ?region`` and
expects the answers the axioms promise. Those come from five rules:

- ``rdfs:subClassOf`` (rdfs9, rdfs11): an instance of a class is an instance of its
  superclasses, and the hierarchy is closed transitively;
- ``rdfs:subPropertyOf`` (rdfs7, rdfs5): a statement with a property holds for its
  superproperties, the hierarchy closed transitively;
- ``owl:inverseOf`` (prp-inv1/2): a statement holds in the other direction with the inverse;
- ``owl:TransitiveProperty`` (prp-trp): chains close (``ail:locatedIn``).

OWL 2 RL adds rules this graph does not want materialised: ``rdfs:domain``/``rdfs:range``
typing would turn a typo'd object into a silent new ``ail:Skill`` instead of a SHACL error
(the shapes check the sources, and domain/range stay constraints there); functional
properties would derive ``owl:sameAs`` between distinct individuals; and the reflexive
``C rdfs:subClassOf C``, ``owl:Thing`` and datatype triples add thousands of rows nobody asks
for. Consistency is checked separately (HermiT, in ``aikg validate``).

The rules read their axioms from the graph itself, so a user's ``--with`` file that declares a
subclass or a sub-property is reasoned over the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
SUBPROPERTY = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subPropertyOf")
INVERSE = ox.NamedNode("http://www.w3.org/2002/07/owl#inverseOf")
TRANSITIVE = ox.NamedNode("http://www.w3.org/2002/07/owl#TransitiveProperty")

#: Statements that change the rules themselves (a user file with one is reasoned in full).
SCHEMA_PREDICATES = frozenset({SUBCLASS, SUBPROPERTY, INVERSE})


class Rules:
    """The axioms of a graph, compiled into look-ups for :func:`entail`."""

    def __init__(self, triples: Iterable[ox.Triple]):
        subclass, subproperty = defaultdict(set), defaultdict(set)
        inverse = defaultdict(set)
        self.transitive = {SUBCLASS, SUBPROPERTY}
        for t in triples:
            if t.predicate == SUBCLASS:
                subclass[t.subject].add(t.object)
            elif t.predicate == SUBPROPERTY:
                subproperty[t.subject].add(t.object)
            elif t.predicate == INVERSE and not isinstance(t.object, ox.Literal):
                inverse[t.subject].add(t.object)
                inverse[t.object].add(t.subject)
            elif t.predicate == RDF_TYPE and t.object == TRANSITIVE:
                self.transitive.add(t.subject)
        self.superclasses = {c: _reachable(c, subclass) for c in subclass}
        # A property's statements also hold as (property, flipped?) for every property
        # reached by going up the hierarchy or across an inverse (which flips direction).
        self.views: dict[object, set[tuple[object, bool]]] = {}
        for prop in set(subproperty) | set(inverse):
            seen: set[tuple[object, bool]] = set()
            todo = [(prop, False)]
            while todo:
                current, flipped = todo.pop()
                steps = [(up, flipped) for up in subproperty.get(current, ())]
                steps += [(other, not flipped) for other in inverse.get(current, ())]
                for step in steps:
                    if step not in seen:
                        seen.add(step)
                        todo.append(step)
            seen.discard((prop, False))
            self.views[prop] = seen


def _reachable(start, edges) -> set:
    found, todo = set(), list(edges.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in found and node != start:
            found.add(node)
            todo.extend(edges.get(node, ()))
    return found


def entail(triples: Iterable[ox.Triple], new: Iterable[ox.Triple] | None = None,
           rules: Rules | None = None) -> list[ox.Triple]:
    """The triples the rules derive that are not already in ``triples``, sorted.

    ``triples`` is the whole graph; ``new`` (default: all of it) the triples whose
    consequences are wanted, so adding a user's file to an entailed release only reasons
    over that file. The rules come from ``triples`` unless given.
    """
    known = set(triples)
    rules = rules or Rules(known)
    # Transitive properties need their existing pairs both ways to extend chains.
    forward, backward = defaultdict(set), defaultdict(set)
    for t in known:
        if t.predicate in rules.transitive:
            forward[t.predicate, t.subject].add(t.object)
            backward[t.predicate, t.object].add(t.subject)
    derived: list[ox.Triple] = []
    todo = list(known if new is None else new)

    def add(s, p, o) -> None:
        if isinstance(s, ox.Literal):
            return  # an inverse of a datatype statement says nothing in RDF
        t = ox.Triple(s, p, o)
        if t not in known:
            known.add(t)
            derived.append(t)
            todo.append(t)
            if p in rules.transitive:
                forward[p, s].add(o)
                backward[p, o].add(s)

    while todo:
        s, p, o = todo.pop()
        if p == RDF_TYPE:
            for cls in rules.superclasses.get(o, ()):
                add(s, RDF_TYPE, cls)
        for other, flipped in rules.views.get(p, ()):
            add(o, other, s) if flipped else add(s, other, o)
        if p in rules.transitive:
            for after in list(forward.get((p, o), ())):
                add(s, p, after)
            for before in list(backward.get((p, s), ())):
                add(before, p, o)
    return sorted(derived, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def entail_store(memory: ox.Store, added: list[ox.Quad]) -> int:
    """Add to ``memory`` (an entailed release plus ``added``) what ``added`` entails.

    Only the added triples are reasoned over, unless they change the axioms (a subclass,
    sub-property or inverse declared by the user), in which case the whole graph is.
    Returns the number of triples added.
    """
    triples = [ox.Triple(q.subject, q.predicate, q.object)
               for q in memory.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    changes_rules = any(q.predicate in SCHEMA_PREDICATES or q.object == TRANSITIVE for q in added)
    new = None if changes_rules else [ox.Triple(q.subject, q.predicate, q.object) for q in added]
    derived = entail(triples, new)
    memory.extend(ox.Quad(t.subject, t.predicate, t.object) for t in derived)
    return len(derived)
