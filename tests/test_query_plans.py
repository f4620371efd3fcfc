"""What the catalogue's faster plans rely on (issue 22, "scale goals").

``class-members``, ``graph-entities`` and ``skills`` keep an individual's most specific class
with ``MINUS { ?x a ?narrower . ?narrower rdfs:subClassOf ?class }``: one subclass step, not a
``+`` path. That gives the same rows only because every graph a command reads has its
``rdfs:subClassOf`` closed and its types entailed (kg/releasing/inference.py), a user's
``--with`` file included. These tests hold that promise, and show that the check catches a
graph where it fails (a raw, unentailed chain).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

import kg

#: a user's three-level chain under ail:Skill, with one individual at the bottom
CHAIN = """@prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <https://example.org/plans#> .
ex:Outer a owl:Class ; rdfs:subClassOf ail:Skill ; rdfs:label "Outer kind"@en ;
    rdfs:isDefinedBy <https://w3id.org/ai-leadership-kg/ontology> .
ex:Inner a owl:Class ; rdfs:subClassOf ex:Outer ; rdfs:label "Inner kind"@en ;
    rdfs:isDefinedBy <https://w3id.org/ai-leadership-kg/ontology> .
ex:Deep a ex:Inner ; rdfs:label "Deep skill"@en ; skos:definition "A skill two classes down."@en .
"""

#: the steps a one-step query would miss: a ⊑ b ⊑ c stated, a ⊑ c not
GAPS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?a ?c WHERE {
  ?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?c .
  FILTER(?a != ?c)
  FILTER NOT EXISTS { ?a rdfs:subClassOf ?c }
}"""
#: types a one-step query would miss: x a C, C ⊑ D stated, x a D not
UNTYPED = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?x ?d WHERE { ?x a ?c . ?c rdfs:subClassOf ?d . FILTER NOT EXISTS { ?x a ?d } }"""


@pytest.fixture(scope="module")
def chained(tmp_path_factory):
    path = tmp_path_factory.mktemp("plans") / "chain.ttl"
    path.write_text(CHAIN, encoding="utf-8")
    return kg.load(extra=[path], check=False)


def _rows(store, query: str) -> list:
    return list(store.query(query))


def test_the_release_closes_its_hierarchy():
    graph = kg.load()
    assert _rows(graph.store, GAPS) == []
    assert _rows(graph.store, UNTYPED) == []


def test_a_users_chain_is_closed_too(chained):
    assert _rows(chained.store, GAPS) == []
    assert _rows(chained.store, UNTYPED) == []


def test_an_unentailed_chain_is_caught():
    """The input that must fail: the same chain parsed raw, as no command ever reads it."""
    raw = ox.Store()
    raw.load(CHAIN.encode(), format=ox.RdfFormat.TURTLE)
    raw.load(b"""@prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        ail:Skill rdfs:subClassOf ail:Thing .""", format=ox.RdfFormat.TURTLE)
    assert [(str(r["a"].value), str(r["c"].value)) for r in _rows(raw, GAPS)] == [
        ("https://example.org/plans#Inner", "https://w3id.org/ai-leadership-kg/ontology#Skill"),
        ("https://example.org/plans#Outer", "https://w3id.org/ai-leadership-kg/ontology#Thing")]
    assert _rows(raw, UNTYPED)  # ex:Deep is no ex:Outer there


def test_the_most_specific_class_two_steps_down(chained):
    """ex:Deep is typed ex:Inner, ex:Outer and ail:Skill once entailed: each query names only
    ex:Inner, which a one-step MINUS decides right only over the closed hierarchy."""
    deep = "https://example.org/plans#Deep"
    members = [r["class"] for r in chained.named("class-members") if r["individual"] == deep]
    assert members == ["https://example.org/plans#Inner"]
    entities = {r["class"] for r in chained.named("graph-entities") if r["entity"] == deep}
    assert entities == {"https://example.org/plans#Inner"}
    kinds = [r["kind"] for r in chained.named("skills") if r["skill"] == deep]
    assert kinds == ["Inner kind"]


def test_roles_needing_a_skill_under_every_name(chained):
    """The look-ups that replace the join keep every requirement, essential and preferred,
    and drop no row for a role that has both (the release's Python: 9 roles)."""
    rows = chained.named("roles-needing-skill", skill="Python")
    assert len(rows) == 9
    assert {r["requirement"] for r in rows} == {"essential"}
    assert all(r["roleLabel"] for r in rows)
    assert chained.named("roles-needing-skill", skill="Deep skill") == []


def test_a_query_marked_bind_values_gets_its_parameters_as_a_values_block(monkeypatch):
    """skill-gap declares ``# bind: values``: pyoxigraph plans a substituted variable as
    unbound (0.5 s instead of 0.04 s at 1M triples). The rows are the same either way."""
    from kg.graph import KnowledgeGraph
    from kg.query import catalogue, guard, sparql

    graph = kg.load()
    named = catalogue.get("skill-gap")
    assert named.bind == "values" and sparql.binds_by_values(named.text)
    terms = graph.bind_params(named, {"from": "AI Engineer", "to": "Head of AI Engineering"})
    substituted = [tuple(r) for r in graph._execute(named.text, terms)]
    executed = []
    execute = KnowledgeGraph._execute

    def spy(self, query, bound, base=None):
        executed.append((query, bound))
        return execute(self, query, bound, base)

    monkeypatch.setattr(KnowledgeGraph, "_execute", spy)
    graph.cache_results = False
    rows = [tuple(r) for r in graph.run(named.text, terms)]
    assert rows == substituted and len(rows) > 10
    (query, bound), = executed
    assert bound == {} and guard.values_lead_where(query, sorted(terms))
    # a query without the line keeps substitutions
    executed.clear()
    other = catalogue.get("figures-in-region")
    list(graph.run(other.text, graph.bind_params(other, {"region": "United States"})))
    assert executed[0][1] and not sparql.binds_by_values(other.text)


def test_a_bind_line_with_another_value_is_refused(tmp_path):
    from kg.errors import KGError
    from kg.query import catalogue

    path = tmp_path / "odd.rq"
    path.write_text("# summary: odd\n# bind: substitutions - maybe\nSELECT ?x WHERE { ?x ?p ?o }"
                    " ORDER BY ?x\n", encoding="utf-8")
    with pytest.raises(KGError, match=r"odd.rq: '# bind: substitutions' is not a way to bind "
                                      r"parameters; write '# bind: values - why'"):
        catalogue.parse(path)
