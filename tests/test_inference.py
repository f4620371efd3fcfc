"""Natural queries just work: the release carries the entailments (see kg/releasing/inference.py).

For every class and property of the ontology (read from the TBox, not listed by hand) the
natural query (``?x a C``, ``?s P ?o``) on the release answers what the explicit query
(``?x a/rdfs:subClassOf* C``, sub-properties and inverses spelled out) answers on the
asserted-only graph, on pyoxigraph, on rdflib and through the SPARQL endpoint.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pyoxigraph as ox
import pytest

from kg.store import release as store
from kg.releasing.inference import Rules, entail

OWL = "http://www.w3.org/2002/07/owl#"
TRANSITIVE = OWL + "TransitiveProperty"


def _tbox() -> ox.Store:
    tbox = ox.Store()
    tbox.bulk_load(path=str(store.ontology_dir() / "ai_leadership.ttl"), format=ox.RdfFormat.TURTLE)
    return tbox


def _iris(query: str) -> list[str]:
    return sorted(row[0].value for row in _tbox().query(query) if isinstance(row[0], ox.NamedNode))


PREFIXES = "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
CLASSES = _iris(PREFIXES + "SELECT DISTINCT ?c WHERE { ?c a owl:Class }")
PROPERTIES = _iris(PREFIXES + "SELECT DISTINCT ?p WHERE { VALUES ?k { owl:ObjectProperty "
                   "owl:DatatypeProperty owl:AnnotationProperty } ?p a ?k }")
TRANSITIVES = set(_iris(PREFIXES + "SELECT ?p WHERE { ?p a owl:TransitiveProperty }"))

EXPLICIT_CLASS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?c ?x WHERE { ?x a/rdfs:subClassOf* ?c }"""
EXPLICIT_PROPERTY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT DISTINCT ?p ?s ?o WHERE {
  { ?q rdfs:subPropertyOf* ?p . ?s ?q ?o }
  UNION
  { ?inverse owl:inverseOf|^owl:inverseOf ?p . ?q rdfs:subPropertyOf* ?inverse . ?o ?q ?s }
}"""
NATURAL_CLASS = "SELECT ?c ?x WHERE { ?x a ?c }"
NATURAL_PROPERTY = "SELECT ?p ?s ?o WHERE { ?s ?p ?o }"


def _closed(pairs: set[tuple]) -> set[tuple]:
    """Transitive closure: what a chain of explicit statements of a transitive property says."""
    import networkx as nx

    return set(nx.transitive_closure(nx.DiGraph(pairs), reflexive=False).edges) | pairs


def _ox_answers(graph: ox.Store, class_query: str, property_query: str):
    classes = {c: {_key(r["x"]) for r in graph.query(class_query,
                                                     substitutions={ox.Variable("c"): ox.NamedNode(c)})}
               for c in CLASSES}
    properties = {p: {(_key(r["s"]), _key(r["o"])) for r in graph.query(
        property_query, substitutions={ox.Variable("p"): ox.NamedNode(p)})} for p in PROPERTIES}
    return classes, properties


def _asserted():
    return store.release_file("nt").with_name(f"{store.RELEASE_NAME}-asserted.nt")


NUMERIC = {"http://www.w3.org/2001/XMLSchema#" + t for t in ("decimal", "integer", "double")}


def _key(term) -> str:
    """A term as text. Every parser relabels blank nodes, so they compare as one '_:'; numbers
    compare by value (rdflib rewrites "3775000"^^xsd:decimal as "3775000.0")."""
    if isinstance(term, ox.BlankNode):
        return "_:"
    if isinstance(term, ox.Literal) and term.datatype.value in NUMERIC:
        return f"{Decimal(term.value).normalize()}^^{term.datatype.value}"
    return str(term)


def _load(path) -> ox.Store:
    graph = ox.Store()
    graph.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    return graph


@pytest.fixture(scope="module")
def explicit():
    """The explicit queries over the asserted-only release file."""
    classes, properties = _ox_answers(_load(_asserted()), EXPLICIT_CLASS, EXPLICIT_PROPERTY)
    for p in TRANSITIVES:
        properties[p] = _closed(properties[p])
    return classes, properties


@pytest.fixture(scope="module")
def pyoxigraph_answers(graph):
    return _ox_answers(graph.store, NATURAL_CLASS, NATURAL_PROPERTY)


@pytest.fixture(scope="module")
def rdflib_answers():
    import rdflib

    graph = rdflib.Graph().parse(store.release_file("nt"), format="nt")
    classes = {c: {_n3ish(r.x) for r in graph.query(NATURAL_CLASS, initBindings={"c": rdflib.URIRef(c)})}
               for c in CLASSES}
    properties = {p: {(_n3ish(r.s), _n3ish(r.o)) for r in graph.query(
        NATURAL_PROPERTY, initBindings={"p": rdflib.URIRef(p)})} for p in PROPERTIES}
    return classes, properties


def _n3ish(term) -> str:
    """An rdflib term written the way pyoxigraph's str() writes it."""
    import rdflib

    if isinstance(term, rdflib.Literal):
        return _key(ox.Literal(str(term), language=term.language,
                              datatype=ox.NamedNode(term.datatype) if term.datatype and not term.language
                              else None))
    if isinstance(term, rdflib.BNode):
        return "_:"
    return f"<{term}>"


@pytest.fixture(scope="module")
def endpoint_answers(graph):
    """The natural queries sent to `aikg serve`, all classes and properties in one query each."""
    import httpx

    from kg.serving.server import running_server

    with running_server(graph=graph) as url, httpx.Client(base_url=url, timeout=60) as http:
        def rows(query):
            reply = http.post("/sparql", data={"query": query},
                              headers={"Accept": "application/sparql-results+json"})
            reply.raise_for_status()
            return [{k: _json_term(v) for k, v in b.items()}
                    for b in reply.json()["results"]["bindings"]]

        classes, properties = defaultdict(set), defaultdict(set)
        for row in rows("SELECT ?c ?x WHERE { ?x a ?c }"):
            classes[row["c"].value].add(_key(row["x"]))
        for row in rows("SELECT ?p ?s ?o WHERE { ?s ?p ?o }"):
            properties[row["p"].value].add((_key(row["s"]), _key(row["o"])))
    return classes, properties


def _json_term(value: dict):
    if value["type"] == "uri":
        return ox.NamedNode(value["value"])
    if value["type"] == "bnode":
        return ox.BlankNode(value["value"])
    datatype = value.get("datatype")
    return ox.Literal(value["value"], language=value.get("xml:lang"),
                      datatype=ox.NamedNode(datatype) if datatype else None)


ENGINES = ["pyoxigraph_answers", "rdflib_answers", "endpoint_answers"]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("cls", CLASSES)
def test_instances_of_a_class_include_those_of_its_subclasses(request, explicit, engine, cls):
    natural = request.getfixturevalue(engine)[0]
    assert natural.get(cls, set()) == explicit[0][cls]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("prop", PROPERTIES)
def test_a_property_answers_its_subproperties_and_inverse(request, explicit, engine, prop):
    natural = request.getfixturevalue(engine)[1]
    assert natural.get(prop, set()) == explicit[1][prop]


@pytest.mark.parametrize("term, kind", [
    ("https://w3id.org/ai-leadership-kg/ontology#Skill", 0),
    ("https://w3id.org/ai-leadership-kg/ontology#requiresSkill", 1),
    ("https://w3id.org/ai-leadership-kg/ontology#progressesFrom", 1),
    ("https://w3id.org/ai-leadership-kg/ontology#addresses", 1),
])
def test_the_asserted_graph_alone_misses_what_the_issue_found(explicit, term, kind):
    """The comparison above can fail: on the asserted graph the natural query comes up short."""
    asserted = _load(_asserted())
    natural = _ox_answers(asserted, NATURAL_CLASS, NATURAL_PROPERTY)[kind]
    assert natural[term] < explicit[kind][term]


# The rules on small constant graphs ------------------------------------------------------

EX = "http://example.org/"


def _triples(turtle: str) -> list[ox.Triple]:
    prefixes = ("@prefix : <http://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> ."
                " @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n")
    return [ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(prefixes + turtle, format=ox.RdfFormat.TURTLE)]


def _says(triples, s, p, o) -> bool:
    return ox.Triple(ox.NamedNode(EX + s), ox.NamedNode(EX + p), ox.NamedNode(EX + o)) in triples


def test_a_subproperty_of_an_inverse_flips_then_climbs():
    graph = _triples(""":narrow rdfs:subPropertyOf :p . :p owl:inverseOf :q . :q rdfs:subPropertyOf :top .
                        :a :narrow :b .""")
    derived = set(entail(graph))
    assert _says(derived, "a", "p", "b") and _says(derived, "b", "q", "a")
    assert _says(derived, "b", "top", "a") and not _says(derived, "a", "top", "b")


def test_transitive_chains_close_and_literals_never_become_subjects():
    graph = _triples(""":in a owl:TransitiveProperty . :a :in :b . :b :in :c . :c :in :d .
                        :v owl:inverseOf :w . :a :v "text" .""")
    derived = set(entail(graph))
    assert _says(derived, "a", "in", "d") and _says(derived, "b", "in", "d")
    assert not any(isinstance(t.subject, ox.Literal) for t in derived)


def test_reasoning_over_added_triples_only_matches_reasoning_over_everything():
    base = _triples(""":C rdfs:subClassOf :B . :B rdfs:subClassOf :A . :in a owl:TransitiveProperty .
                       :a :in :b .""")
    base += entail(base)
    added = _triples(":x a :C . :b :in :c .")
    assert set(entail(base + added, new=added)) == set(entail(base + added))


def test_rules_are_read_from_the_graph():
    rules = Rules(_triples(":a rdfs:subClassOf :b . :b rdfs:subClassOf :c . :t a owl:TransitiveProperty ."))
    assert rules.superclasses[ox.NamedNode(EX + "a")] == {ox.NamedNode(EX + "b"), ox.NamedNode(EX + "c")}
    assert ox.NamedNode(EX + "t") in rules.transitive


def test_a_users_file_is_entailed_too(tmp_path):
    import kg

    extra = tmp_path / "mine.ttl"
    extra.write_text("""@prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
ail:MyRole a ail:Role, owl:NamedIndividual ; rdfs:label "My role"@en ;
    skos:definition "A role of mine."@en ; dcterms:source <https://example.org/me> ;
    ail:seniorityLevel 3 ; ail:requiresEssentialSkill ail:SkillPython .
""")
    graph = kg.load(extra=[extra], check=False)
    rows = graph.query("SELECT ?r WHERE { ?r ail:requiresSkill ail:SkillPython }")
    assert "https://w3id.org/ai-leadership-kg/ontology#MyRole" in {r["r"] for r in rows}
    back = graph.query("SELECT ?r WHERE { ail:SkillPython ail:isSkillRequiredBy ?r }")
    assert "https://w3id.org/ai-leadership-kg/ontology#MyRole" in {r["r"] for r in back}


# The catalogue keeps its answers ---------------------------------------------------------

def _catalogue_names() -> list[str]:
    from kg.query import catalogue

    return sorted(catalogue.catalogue())


@pytest.fixture(scope="module")
def both_graphs():
    from kg.graph import KnowledgeGraph

    return KnowledgeGraph(_load(_asserted())), KnowledgeGraph(_load(store.release_file("nt")))


@pytest.mark.parametrize("name", _catalogue_names())
def test_every_named_query_answers_the_same_with_or_without_the_entailments(both_graphs, name):
    """Entailed rows (a superclass type, an inverse, a shortcut) never repeat or change a row."""
    from kg.query import catalogue
    from tests.test_catalogue import example_params

    params = example_params(catalogue.get(name))
    asserted, entailed = (g.named(name, **params) for g in both_graphs)
    assert entailed == asserted


def test_entailing_added_triples_in_a_store_matches_entailing_everything():
    """entail_store reasons over the added triples only; the result is the full closure."""
    from kg.releasing.inference import entail_store

    base = _triples(""":C rdfs:subClassOf :B . :B rdfs:subClassOf :A . :in a owl:TransitiveProperty .
                       :p owl:inverseOf :q . :a :in :b . :x a :B .""")
    base += entail(base)
    added = _triples(":y a :C . :b :in :c . :y :p :x .")
    memory = ox.Store()
    memory.extend(ox.Quad(t.subject, t.predicate, t.object) for t in base + added)
    count = entail_store(memory, [ox.Quad(t.subject, t.predicate, t.object) for t in added])
    expected = set(base + added) | set(entail(base + added))
    got = {ox.Triple(q.subject, q.predicate, q.object) for q in memory}
    assert got == expected
    assert count == len(expected) - len(set(base + added))
    assert _says(got, "a", "in", "c") and _says(got, "x", "q", "y")
