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


VOCABULARY = {"type": RDF_TYPE, "subclass": SUBCLASS, "subproperty": SUBPROPERTY,
              "inverse": INVERSE, "transitive": TRANSITIVE}


class Rules:
    """The axioms of a graph, compiled into look-ups for :func:`entail`.

    ``triples`` are ``(subject, predicate, object)`` of any hashable terms: pyoxigraph terms
    by default, or the integers :func:`entail` interns them as (then ``vocabulary`` gives the
    keys of rdf:type, rdfs:subClassOf... and ``is_literal`` tells literals apart).
    """

    def __init__(self, triples: Iterable, vocabulary: dict | None = None, is_literal=None):
        v = vocabulary or VOCABULARY
        is_literal = is_literal or (lambda term: isinstance(term, ox.Literal))
        subclass, subproperty = defaultdict(set), defaultdict(set)
        inverse = defaultdict(set)
        self.type = v["type"]
        self.transitive = {v["subclass"], v["subproperty"]}
        for s, p, o in triples:
            if p == v["subclass"]:
                subclass[s].add(o)
            elif p == v["subproperty"]:
                subproperty[s].add(o)
            elif p == v["inverse"] and not is_literal(o):
                inverse[s].add(o)
                inverse[o].add(s)
            elif p == v["type"] and o == v["transitive"]:
                self.transitive.add(s)
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


def entail(triples: Iterable, new: Iterable | None = None, vocabulary: dict | None = None,
           is_literal=None) -> list:
    """The triples the rules derive that are not already in ``triples`` (in no set order).

    ``triples`` is the whole graph (the rules come from it); ``new`` (default: all of it) the
    triples whose consequences are wanted, so adding a user's file to an entailed release
    only reasons over that file. Terms are pyoxigraph terms, or any other hashable terms with
    their ``vocabulary`` (see :data:`VOCABULARY`) and an ``is_literal`` test (N-Triples
    strings, as :func:`entail_store` uses). pyoxigraph terms are interned as integers
    first: hashing them costs a call into Rust each time, an integer does not.
    """
    if vocabulary is not None:  # plain strings hash fast: no interning needed
        known = set(triples)
        rules = Rules(known, vocabulary, is_literal)
        seeds = known if new is None else list(new)
        return _closure(known, seeds, rules, is_literal)
    ids: dict[object, int] = {}
    terms: list = []
    literal: list[bool] = []

    def key(term) -> int:
        found = ids.get(term)
        if found is None:
            found = ids[term] = len(terms)
            terms.append(term)
            literal.append(isinstance(term, ox.Literal))
        return found

    known = {(key(s), key(p), key(o)) for s, p, o in triples}
    keys = {name: key(term) for name, term in VOCABULARY.items()}
    rules = Rules(known, keys, literal.__getitem__)
    seeds = known if new is None else [(key(s), key(p), key(o)) for s, p, o in new]
    derived = _closure(known, seeds, rules, literal.__getitem__)
    return [ox.Triple(terms[s], terms[p], terms[o]) for s, p, o in derived]


def _closure(known: set, seeds, rules: Rules, is_literal) -> list[tuple]:
    """Forward chaining from ``seeds`` to a fixpoint; adds to and reads ``known``."""
    # Transitive properties need their existing pairs both ways to extend chains.
    forward, backward = defaultdict(set), defaultdict(set)
    for s, p, o in known:
        if p in rules.transitive:
            forward[p, s].add(o)
            backward[p, o].add(s)
    derived: list[tuple] = []
    todo = list(seeds)
    rdf_type, superclasses, views, transitive = (rules.type, rules.superclasses, rules.views,
                                                 rules.transitive)

    def add(s, p, o) -> None:
        if is_literal(s):
            return  # an inverse of a datatype statement says nothing in RDF
        t = (s, p, o)
        if t not in known:
            known.add(t)
            derived.append(t)
            todo.append(t)
            if p in transitive:
                forward[p, s].add(o)
                backward[p, o].add(s)

    while todo:
        s, p, o = todo.pop()
        if p == rdf_type:
            for cls in superclasses.get(o, ()):
                add(s, rdf_type, cls)
        for other, flipped in views.get(p, ()):
            if flipped:
                add(o, other, s)
            else:
                add(s, other, o)
        if p in transitive:
            for after in list(forward.get((p, o), ())):
                add(s, p, after)
            for before in list(backward.get((p, s), ())):
                add(before, p, o)
    return derived


def entail_store(memory: ox.Store, added: list[ox.Quad]) -> int:
    """Add to ``memory`` (an entailed release plus ``added``) what ``added`` entails.

    Only the added triples are reasoned over, against the graph's axioms and the statements
    of its transitive properties (the rest of an entailed release cannot combine with them
    under these rules), unless they change the axioms (a subclass, sub-property or inverse
    declared by the user): then the whole graph is. Returns the number of triples added.

    The rules work on parsed terms, never on lines of text (a literal holding U+2028 once
    split a line of N-Triples into two statements, one of them an axiom nobody checked).
    Only statements whose predicate a rule reads or writes can take part (rdf:type, the
    schema predicates, the properties with a super-property, an inverse or transitivity):
    they are picked in Rust-backed term comparisons, and each term is keyed by its
    N-Triples form (a Python string hashes fast; a pyoxigraph term calls into Rust each
    time: interning a million of them took 25 s). Adding O*NET's 812k imported triples to the
    release: 13.7-15.9 s with the text lines, 4.1-4.6 s now (two runs each, entail_store
    alone, 2-core machine).
    """
    graph = ox.DefaultGraph()
    relevant = _relevant(memory, graph)
    seeds = [q for q in added if q.predicate in relevant]
    if any(q.predicate in SCHEMA_PREDICATES or q.object == TRANSITIVE for q in seeds):
        known = [q for p in relevant for q in memory.quads_for_pattern(None, p, None, graph)]
        new = None
    else:
        known = [q for predicate in SCHEMA_PREDICATES
                 for q in memory.quads_for_pattern(None, predicate, None, graph)]
        known += memory.quads_for_pattern(None, RDF_TYPE, TRANSITIVE, graph)
        for transitive in {q.subject for q in known if q.object == TRANSITIVE}:
            known += memory.quads_for_pattern(None, transitive, None, graph)
        new = seeds
    terms: dict[str, object] = {}

    def keyed(quads) -> list[tuple[str, str, str]]:
        out = []
        for quad in quads:
            triple = []
            for term in (quad.subject, quad.predicate, quad.object):
                text = str(term)
                terms.setdefault(text, term)
                triple.append(text)
            out.append(tuple(triple))
        return out

    seed_keys = None if new is None else keyed(new)
    known_keys = keyed(known) + (seed_keys or [])
    derived = entail(known_keys, seed_keys, VOCABULARY_NT, _is_literal_nt)
    before = len(memory)  # the release may state some of them already
    memory.extend(ox.Quad(terms[s], terms[p], terms[o]) for s, p, o in derived)
    return len(memory) - before


def _relevant(memory: ox.Store, graph) -> set:
    """The predicates a rule reads or derives: rdf:type, the schema predicates, and every
    property in a sub-property or inverse axiom or declared transitive."""
    found = {RDF_TYPE, *SCHEMA_PREDICATES}
    for predicate in (SUBPROPERTY, INVERSE):
        for quad in memory.quads_for_pattern(None, predicate, None, graph):
            found.add(quad.subject)
            if isinstance(quad.object, ox.NamedNode):
                found.add(quad.object)
    found.update(q.subject for q in memory.quads_for_pattern(None, RDF_TYPE, TRANSITIVE, graph))
    return found


def _is_literal_nt(term: str) -> bool:
    """Whether a term keyed by its N-Triples form (``str`` of a pyoxigraph term) is a literal."""
    return term.startswith('"')


VOCABULARY_NT = {name: str(term) for name, term in VOCABULARY.items()}
