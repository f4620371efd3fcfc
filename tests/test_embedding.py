"""The release files as other tools read them: owlready2 + HermiT, rdflib, pyoxigraph, Apache
Jena, Protégé (OWL 2 DL declarations), JSON-LD consumers; and the ``aikg docs`` pages."""

from __future__ import annotations

import json
import logging
import shutil
import warnings
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.embedding_support import RELEASE_FILES, canonical, jena, jena_classpath, release_dir

AIL = "https://w3id.org/ai-leadership-kg/ontology#"
RDF_FORMATS = {"ttl": ("turtle", ox.RdfFormat.TURTLE), "nt": ("nt", ox.RdfFormat.N_TRIPLES),
               "rdf": ("xml", ox.RdfFormat.RDF_XML), "jsonld": ("json-ld", ox.RdfFormat.JSON_LD)}


@pytest.fixture(scope="module")
def release() -> Path:
    return release_dir()


@pytest.fixture(scope="module")
def reference(release):
    """The release's N-Triples, canonicalized: what every other file must equal."""
    return canonical(ox.parse(path=str(release / "ai_leadership.nt"), format=ox.RdfFormat.N_TRIPLES))


# -- rdflib and pyoxigraph -------------------------------------------------------------------
@pytest.mark.parametrize("name", RELEASE_FILES)
def test_rdflib_parses_every_release_file_without_warnings(release, name, caplog):
    import rdflib

    rdflib_format = RDF_FORMATS[name.rsplit(".", 1)[1]][0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # rdflib's own JSON-LD parser builds a ConjunctiveGraph it deprecates: not our file.
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
        with caplog.at_level(logging.WARNING):
            graph = rdflib.Graph().parse(release / name, format=rdflib_format)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    assert len(graph) > (500 if "tbox" in name else 3000)


@pytest.mark.parametrize("name", RELEASE_FILES)
def test_pyoxigraph_parses_every_release_file(release, name):
    fmt = RDF_FORMATS[name.rsplit(".", 1)[1]][1]
    triples = list(ox.parse(path=str(release / name), format=fmt))  # raises on any error
    assert len(triples) > (500 if "tbox" in name else 3000)


@pytest.mark.parametrize("ext", ["ttl", "rdf", "jsonld"])
def test_every_format_holds_the_same_graph(release, reference, ext):
    import rdflib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        graph = rdflib.Graph().parse(release / f"ai_leadership.{ext}", format=RDF_FORMATS[ext][0])
    assert canonical(graph) == reference
    oxigraph = ox.parse(path=str(release / f"ai_leadership.{ext}"), format=RDF_FORMATS[ext][1])
    assert canonical(oxigraph) == reference


# -- JSON-LD for web developers --------------------------------------------------------------
def test_jsonld_reads_as_plain_json(release):
    document = json.loads((release / "ai_leadership.jsonld").read_text(encoding="utf-8"))
    assert isinstance(document["@context"], dict)  # inline: nothing is fetched
    nodes = {node.get("@id"): node for node in document["@graph"]}
    head = nodes["ail:HeadOfAIEngineering"]
    assert head["type"] == ["Role"] or "Role" in head["type"]
    assert head["label"] == "Head of AI Engineering"
    assert "Head of AI" in head["altLabel"]
    assert head["seniorityLevel"] == 7                      # a JSON number
    assert all(isinstance(s, str) and s.startswith("ail:") for s in head["requiresEssentialSkill"])
    ids = [node["@id"] for node in document["@graph"] if "@id" in node]
    assert len(ids) == len(set(ids))  # one node per subject


def test_context_covers_every_term_of_the_tbox():
    from kg.releasing import jsonld

    committed = jsonld.context_path().read_text(encoding="utf-8")
    generated = jsonld.context_text(jsonld.ontology_dir() / "ai_leadership.ttl")
    assert committed == generated, (
        "ontology/context.jsonld is out of date with the TBox; regenerate it with "
        "`.venv/bin/python -c 'from kg.releasing.jsonld import write_context; write_context()'`")


def test_compact_jsonld_is_deterministic_and_lossless(release, reference):
    import rdflib

    from kg.releasing.jsonld import compact_jsonld

    nt = (release / "ai_leadership.nt").read_bytes()
    first = compact_jsonld(nt)
    shuffled = b"\n".join(reversed(nt.splitlines())) + b"\n"
    assert compact_jsonld(shuffled) == first
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        back = rdflib.Graph().parse(data=first, format="json-ld")
    assert canonical(back) == reference
    assert canonical(ox.parse(first, format=ox.RdfFormat.JSON_LD)) == reference


def test_compaction_keeps_odd_literals_exact():
    import rdflib
    from rdflib.compare import isomorphic

    from kg.releasing.jsonld import compact_jsonld

    turtle = """
    @prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    ail:X rdfs:label "X"@en, "Ix"@fr, "plain" ;
        ail:seniorityLevel "007"^^xsd:integer, 3 ;
        ail:value 12.50, 7 ;
        ail:isApproximate true ;
        ail:progressesTo ail:Y, <http://example.org/odd%20iri> ;
        ail:unknownProperty "</script><b>", [ rdfs:label "nested"@en ] .
    """
    original = rdflib.Graph().parse(data=turtle, format="turtle")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        back = rdflib.Graph().parse(data=compact_jsonld(turtle), format="json-ld")
    assert isomorphic(back, original)


# -- owlready2 and HermiT ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def owl_ontology(release):
    from owlready2 import World

    world = World()
    return world, world.get_ontology((release / "ai_leadership.rdf").as_uri()).load()


def test_owlready2_loads_the_rdfxml_and_reaches_terms_by_name(owl_ontology):
    _, onto = owl_ontology
    assert onto.base_iri == AIL
    head = onto.HeadOfAIEngineering
    assert onto.Role in head.is_a
    assert head.seniorityLevel == 7
    assert "Head of AI Engineering" in [str(label) for label in head.label]
    assert onto.LeadAIEngineer in onto.SeniorAIEngineer.progressesTo or \
        onto.LeadAIEngineer in onto.AIEngineer.progressesTo
    assert onto.progressesTo.inverse_property == onto.progressesFrom
    assert onto.ProgrammingLanguage in onto.SkillPython.is_a
    assert onto.Skill in onto.ProgrammingLanguage.ancestors()
    assert len(list(onto.classes())) >= 40 and len(list(onto.individuals())) >= 100


@pytest.mark.slow
def test_hermit_finds_the_release_consistent(release):
    if shutil.which("java") is None:
        pytest.skip("HermiT needs Java (apt-get install default-jre-headless)")
    from owlready2 import World, sync_reasoner

    world = World()  # reasoning writes inferences into the world: a fresh one
    onto = world.get_ontology((release / "ai_leadership.rdf").as_uri()).load()
    with onto:
        sync_reasoner(world, infer_property_values=False, debug=0)  # raises if inconsistent
    assert list(world.inconsistent_classes()) == []


# -- Protégé: OWL 2 DL, every entity declared -------------------------------------------------
BUILT_IN = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#",
            "http://www.w3.org/2002/07/owl#")


def test_rdfxml_declares_every_entity_as_owl2_dl_needs(release):
    import rdflib
    from rdflib import OWL, RDF, RDFS, XSD

    graph = rdflib.Graph().parse(release / "ai_leadership.rdf", format="xml")

    def declared(kind):
        return {str(s) for s in graph.subjects(RDF.type, kind) if isinstance(s, rdflib.URIRef)}

    classes = declared(OWL.Class)
    object_props, data_props = declared(OWL.ObjectProperty), declared(OWL.DatatypeProperty)
    annotation_props = declared(OWL.AnnotationProperty)
    individuals = declared(OWL.NamedIndividual)
    problems = []
    for name, a, b in (("object/data", object_props, data_props),
                       ("object/annotation", object_props, annotation_props),
                       ("data/annotation", data_props, annotation_props)):
        problems += [f"{iri} is both {name} property" for iri in a & b]
    for s, p, o in graph:
        p = str(p)
        if p.startswith(BUILT_IN):
            if p == str(RDF.type) and isinstance(o, rdflib.URIRef) and not str(o).startswith(BUILT_IN) \
                    and str(o) not in classes:
                problems.append(f"{s} is typed with undeclared class {o}")
            continue
        if p not in object_props | data_props | annotation_props:
            problems.append(f"undeclared property {p}")
        elif p in object_props and not (isinstance(o, rdflib.BNode) or str(o) in individuals):
            problems.append(f"{p} points at {o}, which is not a declared individual")
        elif p in data_props and not isinstance(o, rdflib.Literal):
            problems.append(f"datatype property {p} holds the non-literal {o}")
    for s in set(graph.subjects(RDF.type, None)):
        kinds = set(graph.objects(s, RDF.type))
        if isinstance(s, rdflib.URIRef) and any(str(k) in classes for k in kinds) \
                and str(s) not in individuals | classes:
            problems.append(f"individual {s} lacks owl:NamedIndividual")
    for s, o in graph.subject_objects(RDFS.range):
        if isinstance(o, rdflib.URIRef) and str(o).startswith(str(XSD)) and str(s) in object_props:
            problems.append(f"object property {s} has datatype range {o}")
    ontologies = list(graph.subjects(RDF.type, OWL.Ontology))
    assert [str(o) for o in ontologies] == ["https://w3id.org/ai-leadership-kg/ontology"]
    assert not list(graph.objects(None, OWL.imports)), "owl:imports would be fetched over HTTP"
    assert sorted(set(problems)) == [], "\n".join(sorted(set(problems))[:20])


def test_every_class_and_property_has_a_label_and_definition_for_protege(release):
    import rdflib
    from rdflib import OWL, RDF, RDFS, SKOS

    graph = rdflib.Graph().parse(release / "ai_leadership-tbox.rdf", format="xml")
    missing = []
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in graph.subjects(RDF.type, kind):
            if str(term).startswith(AIL):
                if (term, RDFS.label, None) not in graph:
                    missing.append(f"{term} has no rdfs:label")
                if (term, SKOS.definition, None) not in graph:
                    missing.append(f"{term} has no skos:definition")
    assert missing == []


# -- Apache Jena ----------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("name", RELEASE_FILES)
def test_jena_riot_validates_every_release_file(release, name):
    if jena_classpath() is None:
        pytest.skip("Apache Jena is not installed: apt-get install libapache-jena-java")
    # Debian packages no Jakarta JSON provider, so Jena's JSON-LD 1.1 reader cannot start;
    # the context is JSON-LD 1.0 on purpose and Jena's 1.0 reader checks the file.
    syntax = ["--syntax=jsonld10"] if name.endswith(".jsonld") else []
    result = jena("riotcmd.riot", "--validate", *syntax, str(release / name))
    assert result.returncode == 0 and result.stdout == "" and result.stderr == "", result.stderr


@pytest.mark.slow
def test_jena_reads_the_same_triples_from_the_jsonld(release, reference):
    if jena_classpath() is None:
        pytest.skip("Apache Jena is not installed: apt-get install libapache-jena-java")
    result = jena("riotcmd.riot", "--syntax=jsonld10", "--output=nt",
                  str(release / "ai_leadership.jsonld"))
    assert result.returncode == 0, result.stderr
    assert canonical(ox.parse(result.stdout.encode(), format=ox.RdfFormat.N_TRIPLES)) == reference


# -- aikg docs ----------------------------------------------------------------------------------
def test_docs_cover_every_class_property_and_individual(graph, aikg, tmp_path):
    result = aikg("docs", "-o", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    classes = graph.named("ontology-classes")
    properties = graph.named("ontology-properties")
    from kg.pages.docs import anchor

    for row in classes:
        assert f'id="{anchor(row["class"])}"' in page
    for row in properties:
        assert f'id="{anchor(row["property"])}"' in page
    for row in graph.named("class-members"):
        if row.get("label"):
            from markupsafe import escape  # what Jinja2 escapes with

            assert str(escape(row["label"])) in page
    assert "<script" not in page and "http://" not in page.split("<main>")[0].split("<style>")[0]
    assert 'id="Role"' in page and "Head of AI Engineering" in page


def test_docs_are_deterministic_and_escaped(graph, tmp_path):
    from kg.pages import docs

    first = docs.render_html(graph)
    assert docs.render_html(graph) == first
    import kg

    hostile = tmp_path / "hostile.ttl"
    hostile.write_text(
        "@prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "ail:Role skos:altLabel \"x\"@en .\n"
        "ail:SkillX a ail:SoftSkill ; rdfs:label \"<script>alert(1)</script>\"@en ;\n"
        "  skos:definition \"a & b <img src=x onerror=alert(1)>\"@en .\n")
    page = docs.render_html(kg.load(extra=[hostile], check=False))
    assert "<script>alert(1)</script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_committed_docs_are_current(graph):
    from kg.pages import docs

    committed = Path(__file__).resolve().parent.parent / "docs" / docs.PAGE
    assert committed.exists(), "docs/index.html is missing; run 'aikg docs'"
    assert committed.read_text(encoding="utf-8") == docs.render_html(graph), (
        "docs/index.html is out of date; run 'aikg docs'")
