"""Each SHACL shape bites: its fixture in tests/data/shapes/<Shape>-invalid.ttl fails it."""
from pathlib import Path

import pytest
import rdflib

from kg import validate

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
    missing = [s for s in _node_shapes() if not (FIXTURES / f"{s}-invalid.ttl").is_file()]
    assert missing == []


@pytest.mark.parametrize("shape", _node_shapes())
def test_shape_bites(shape, tbox):
    data = rdflib.Graph()
    data += tbox  # subclass axioms let class targets reach instances of subclasses
    data.parse(FIXTURES / f"{shape}-invalid.ttl", format="turtle")
    report = validate.shacl(data)
    assert report.shacl_conforms is False
    assert f"ail:{shape}" in {p.check for p in report.shacl_problems}, report.text()


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
