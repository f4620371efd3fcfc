"""Each SHACL shape bites and lets good data through: tests/data/shapes/<Shape>-invalid.ttl fails
it, <Shape>-valid.ttl (which holds at least one node the shape targets) passes every shape."""
from pathlib import Path

import pytest
import rdflib

from kg.checks import validate

FIXTURES = Path(__file__).parent / "data" / "shapes"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
AIL = "https://w3id.org/ai-leadership-kg/ontology#"


def _node_shapes() -> list[str]:
    shapes = rdflib.Graph().parse(validate.shapes_path(), format="turtle")
    return sorted(str(s).removeprefix(AIL) for s in shapes.subjects(rdflib.RDF.type, SH.NodeShape))


@pytest.fixture(scope="module")
def tbox() -> rdflib.Graph:
    return rdflib.Graph().parse(validate.ontology_dir() / "ai_leadership.ttl", format="turtle")


def test_every_shape_has_a_fixture():
    missing = [f"{s}-{kind}.ttl" for s in _node_shapes() for kind in ("invalid", "valid")
               if not (FIXTURES / f"{s}-{kind}.ttl").is_file()]
    assert missing == []


@pytest.mark.parametrize("shape", _node_shapes())
def test_shape_bites(shape, tbox):
    data = rdflib.Graph()
    data += tbox  # subclass axioms let class targets reach instances of subclasses
    data.parse(FIXTURES / f"{shape}-invalid.ttl", format="turtle")
    report = validate.shacl(data)
    # at the shape's own severity: a warning-level constraint (a missing definition) bites
    # under the build's --fail-on warning
    assert f"ail:{shape}" in {p.check for p in report.failures("warning")}, report.text()


@pytest.mark.parametrize("shape", _node_shapes())
def test_shape_lets_valid_data_through(shape, tbox):
    data = rdflib.Graph()
    data += tbox
    data.parse(FIXTURES / f"{shape}-valid.ttl", format="turtle")
    assert _targets(shape, data), f"{shape}-valid.ttl holds no node the shape targets"
    report = validate.shacl(data)
    assert report.shacl_conforms, report.text()
    assert report.shacl_warnings == []


@pytest.mark.parametrize("kind", ["invalid", "valid"])
@pytest.mark.parametrize("shape", _node_shapes())
def test_same_verdict_through_pyoxigraph(shape, kind, tbox):
    """The graph pySHACL sees is the same whether rdflib parses the files or the terms come
    from a pyoxigraph store (as in every command)."""
    import pyoxigraph as ox

    path = FIXTURES / f"{shape}-{kind}.ttl"
    parsed = rdflib.Graph()
    parsed += tbox
    parsed.parse(path, format="turtle")
    store = ox.Store()
    store.load(path=str(validate.ontology_dir() / "ai_leadership.ttl"), format=ox.RdfFormat.TURTLE)
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    via_store, direct = validate.shacl(store), validate.shacl(parsed)
    def seen(report):  # blank node labels and the prefixes in messages differ
        return sorted((p.check, p.focus if "/" in p.focus else "_:b") for p in report.problems)

    assert seen(via_store) == seen(direct)
    assert (not via_store.failures("warning")) is (kind == "valid")


def _targets(shape: str, data: rdflib.Graph) -> bool:
    """Whether ``data`` holds a node that ``shape`` targets (its classes, with subclasses)."""
    shapes = rdflib.Graph().parse(validate.shapes_path(), format="turtle")
    node = rdflib.URIRef(AIL + shape)
    for cls in shapes.objects(node, SH.targetClass):
        if data.query("ASK { ?x a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?c }",
                      initBindings={"c": cls}).askAnswer:
            return True
    return any(data.triples((None, prop, None)) for prop in shapes.objects(node, SH.targetSubjectsOf))


def test_shipped_graph_passes_every_shape():
    """The shipped graph itself passes every shape (so the failures above come from fixtures)."""
    report = validate.shacl(validate.merged_store())
    assert report.shacl_conforms, report.text()
    assert report.shacl_warnings == []


def test_warnings_do_not_fail_the_graph(tbox):
    data = rdflib.Graph()
    data += tbox
    data.parse(data="""
        @prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        <https://example.org/x#R> a ail:Role ; rdfs:label "R"@en ; skos:definition "A role."@en ;
            ail:seniorityLevel 3 ; dcterms:source <https://example.org/x#Doc> .
    """, format="turtle")
    report = validate.shacl(data)
    assert report.shacl_conforms
    assert {p.check for p in report.shacl_warnings} == {"ail:RoleShape"}
