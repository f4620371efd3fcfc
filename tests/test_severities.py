"""Checks have severities (issue 20): a user's file is refused on errors only unless --fail-on
says more, warnings are printed one line per rule, the shipped sources are held to warnings,
every failing rule is reported, and a label may be shared across vocabularies (schemes) but
not within one. The severities are data: the shapes' sh:severity and each query's header."""
from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import check_extra
from kg.checks import severity, validate
from kg.errors import CheckFailed, KGError

DOCS = Path(__file__).resolve().parent.parent / "docs" / "checks.md"
PREFIXES = """@prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ex: <https://example.org/ladder#> .
ex:Doc a owl:NamedIndividual , ail:SourceDocument ; rdfs:label "Our ladder"@en ;
    skos:definition "Our career ladder."@en .
ex:Sec a owl:NamedIndividual , ail:SourceSection ; dcterms:isPartOf ex:Doc ;
    rdfs:label "Our ladder: roles"@en ; skos:definition "The roles of our ladder."@en .
"""
# Senior -> Staff adds no skill (scope, not skills): the guide's editorial rule, a warning here.
LADDER = PREFIXES + """
ex:Track a owl:NamedIndividual , ail:CareerTrack ; rdfs:label "Our engineering track"@en ;
    skos:definition "Our engineering track."@en ; dcterms:source ex:Sec .
ex:Senior a owl:NamedIndividual , ail:Role ; rdfs:label "Our Senior Engineer"@en ;
    skos:definition "Our senior engineer."@en ; ail:seniorityLevel 3 ; ail:careerStage ail:StageMidLevel ;
    ail:onTrack ex:Track ; dcterms:source ex:Sec ; ail:progressesTo ex:Staff ;
    ail:requiresEssentialSkill ail:SkillPython .
ex:Staff a owl:NamedIndividual , ail:Role ; rdfs:label "Our Staff Engineer"@en ;
    skos:definition "Our staff engineer: the same skills, a wider scope."@en ; ail:seniorityLevel 4 ;
    ail:careerStage ail:StageSenior ; ail:onTrack ex:Track ; dcterms:source ex:Sec ;
    ail:requiresEssentialSkill ail:SkillPython .
"""


@pytest.fixture()
def ladder(tmp_path) -> Path:
    path = tmp_path / "ladder.ttl"
    path.write_text(LADDER)
    return path


def _state(folder: Path) -> list:
    try:
        return json.loads((folder / "workspace.json").read_text())["files"]
    except FileNotFoundError:
        return []


# ---------------------------------------------------------------------------- the commands

def test_a_step_adding_no_skill_is_a_warning_for_a_user(aikg, ladder, tmp_path):
    ws = str(tmp_path / "ws")
    result = aikg("--workspace", ws, "add", str(ladder))
    assert result.exit_code == 0, result.stderr
    assert ("Warning: progression-skill-violation (warning): 1 problem, e.g. "
            "https://example.org/ladder#Senior: next=https://example.org/ladder#Staff") in result.stderr
    assert [e["path"] for e in _state(tmp_path / "ws")] == [str(ladder)]


def test_fail_on_warning_refuses_it(aikg, ladder, tmp_path):
    ws = tmp_path / "ws"
    result = aikg("--workspace", str(ws), "add", "--fail-on", "warning", str(ladder))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {ladder}: https://example.org/ladder#Senior fails "
                                    "progression-skill-violation: ")
    assert _state(ws) == []  # nothing added
    # --with: accepted with the warning printed, refused when strict, also from the kept store
    kept = aikg("--workspace", str(ws), "--with", str(ladder), "stats")
    assert kept.exit_code == 0 and "Warning: progression-skill-violation (warning)" in kept.stderr
    strict = aikg("--workspace", str(ws), "--fail-on", "warning", "--with", str(ladder), "stats")
    assert strict.exit_code == 1 and "progression-skill-violation (warning): 1 problem" in strict.stderr


def test_validate_refuses_on_errors_only_unless_told(aikg, ladder, tmp_path):
    ws = str(tmp_path / "ws")
    lenient = aikg("--workspace", ws, "--with", str(ladder), "validate", "--no-reason")
    assert lenient.exit_code == 0
    assert "progression-skill-violation (warning): 1 row(s)" in lenient.stdout
    strict = aikg("--workspace", ws, "--with", str(ladder), "validate", "--no-reason",
                  "--fail-on", "warning")
    assert strict.exit_code == 1 and strict.stdout.startswith("DOES NOT CONFORM (fails on warning)")


def test_a_real_error_still_refuses_and_every_rule_is_named(aikg, tmp_path):
    bad = tmp_path / "bad.ttl"  # Staff below Senior (an error), and an undefined role (a warning)
    bad.write_text(LADDER.replace("ail:seniorityLevel 4", "ail:seniorityLevel 2").replace(
        'skos:definition "Our staff engineer: the same skills, a wider scope."@en ;', ""))
    result = aikg("--workspace", str(tmp_path / "ws"), "add", str(bad))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"Error: {bad}: https://example.org/ladder#Senior fails "
                               "progression-violation: ")
    assert lines[1].startswith("  progression-violation (error): 2 problems, e.g. ")
    assert len(lines) == 2  # the warnings (no definition, no new skill) do not refuse
    strict = aikg("--workspace", str(tmp_path / "ws"), "add", "--fail-on", "warning", str(bad))
    rules = [line.split(" (")[0].strip() for line in strict.stderr.splitlines()[1:]]
    # the queries refused, and the shapes ran too: every problem is named, errors first
    assert rules == ["progression-violation", "ail:DescribedIndividualShape",
                     "progression-skill-violation"], strict.stderr


def test_a_label_is_shared_across_schemes_not_within_one(aikg, tmp_path):
    """The shipped role Head of AI Engineering is an ail:Occupation too: a team's own taxonomy
    (a skos:ConceptScheme) may name an occupation so; the team's ladder (this graph's scheme)
    may not, and neither may two occupations of the one taxonomy."""
    scheme = PREFIXES + """
ex:Doc a skos:ConceptScheme .
ex:Head a owl:NamedIndividual , ail:Occupation ; rdfs:label "Head of AI Engineering"@en ;
    skos:definition "Their head of AI."@en ; dcterms:source ex:Sec .
"""
    theirs = tmp_path / "theirs.ttl"
    theirs.write_text(scheme)
    ws = str(tmp_path / "ws")
    assert aikg("--workspace", ws, "--with", str(theirs), "stats").exit_code == 0
    ours = tmp_path / "ours.ttl"
    ours.write_text(scheme.replace("ex:Doc a skos:ConceptScheme .", ""))
    refused = aikg("--workspace", ws, "--with", str(ours), "stats")
    assert refused.exit_code == 1 and "duplicate-label-violation" in refused.stderr
    twice = tmp_path / "twice.ttl"
    twice.write_text(scheme + """
ex:Head2 a owl:NamedIndividual , ail:Occupation ; rdfs:label "head of AI engineering"@en ;
    skos:definition "Their other head of AI."@en ; skos:inScheme ex:Doc ; dcterms:source ex:Sec .
""")
    again = aikg("--workspace", ws, "--with", str(twice), "stats")
    assert again.exit_code == 1 and "label=head of ai engineering" in again.stderr
    assert "scheme=https://example.org/ladder#Doc" in again.stderr


# ---------------------------------------------------------------------------- the library

def _store(text: str) -> tuple[ox.Store, list[ox.Quad]]:
    from kg.store.release import release_file

    store = ox.Store()
    store.bulk_load(path=str(release_file("nt")), format=ox.RdfFormat.N_TRIPLES)
    added = list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))
    store.extend(added)
    return store, added


def test_the_sources_are_held_to_warnings():
    """What a user may do with a warning fails the build: 'aikg build' uses fail_on warning."""
    from kg.build import SOURCES_FAIL_ON

    store, added = _store(LADDER)
    assert validate.check_focused(store, added).conforms
    held = validate.check_focused(store, added, fail_on=SOURCES_FAIL_ON)
    assert not held.conforms
    assert [p.check for p in held.failures()] == ["progression-skill-violation"]


def test_check_extra_reports_every_rule_with_counts(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text(LADDER.replace("ail:seniorityLevel 4", "ail:seniorityLevel 2").replace(
        'rdfs:label "Our Staff Engineer"@en ;', ""))
    store, added = _store(LADDER.replace("ail:seniorityLevel 4", "ail:seniorityLevel 2").replace(
        'rdfs:label "Our Staff Engineer"@en ;', ""))
    with pytest.raises(CheckFailed) as caught:
        check_extra(store, (path,), added)
    report = caught.value.report
    assert {g.check for g in report.groups(report.failures())} == \
        {"progression-violation", "ail:DescribedIndividualShape"}
    assert all(line.startswith("  ") for line in caught.value.lines[1:])
    assert len(caught.value.lines) == 3


def test_severity_is_declared_by_every_query():
    for path in validate.check_queries():
        assert severity.query_severity(path) in severity.LEVELS


def test_a_query_without_a_severity_is_refused(tmp_path):
    path = tmp_path / "x-violation.rq"
    path.write_text("# Something.\n# row: a thing.\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(KGError, match="declares no '# severity"):
        severity.query_severity(path)


def test_the_docs_table_lists_every_rule_with_its_severity():
    """docs/checks.md holds the table generated from the data; regenerate it with
    ``python scripts/checks_table.py`` when a rule or a severity changes."""
    rules = severity.rules(validate.check_queries(), validate.shapes_path())
    assert severity.table(rules) in DOCS.read_text(encoding="utf-8")
    assert {r.name for r in rules if r.severity == "warning"} >= {
        "progression-skill-violation", "definition-violation", "provenance-violation",
        "editorial-judgement-violation", "ail:DescribedIndividualShape"}


def test_an_esco_label_may_equal_an_onet_title():
    """The real case of issue 20 (1,099 refusals before): each import's concepts cite its
    source document, which the shipped sources declare a skos:ConceptScheme."""
    text = """@prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://example.org/onet/Sec> a owl:NamedIndividual , ail:SourceSection ; rdfs:label "O*NET file"@en ;
    skos:definition "A file."@en ; dcterms:isPartOf ail:SourceDocument_ONET .
<https://www.onetonline.org/link/summary/99-0000.01> a owl:NamedIndividual , ail:Occupation ;
    rdfs:label "Technical Directors"@en ; skos:altLabel "Technical Director"@en ;
    dcterms:source <https://example.org/onet/Sec> .
<http://data.europa.eu/esco/occupation/x> a owl:NamedIndividual , ail:Occupation ;
    rdfs:label "technical director"@en ; dcterms:source ail:SourceDocument_ESCO .
"""
    store, _ = _store(text)
    rows = dict(validate.violations(store))["duplicate-label-violation"]
    assert rows == []
    store, _ = _store(text.replace("ail:SourceDocument_ESCO", "<https://example.org/onet/Sec>"))
    rows = dict(validate.violations(store))["duplicate-label-violation"]
    assert [(r["label"], r["scheme"]) for r in rows] == [
        ("technical director", "SourceDocument_ONET")]  # reports shorten ail: IRIs


def test_info_is_below_warning_and_fail_on_chooses():
    from kg.checks.report import Problem, Report

    report = Report(shacl_conforms=True, shacl_warnings=[
        Problem("ail:XShape", "ex:a", "a note", "info"),
        Problem("ail:YShape", "ex:b", "a warning", "warning")])
    assert report.conforms and report.failures("warning")[0].check == "ail:YShape"
    assert [p.severity for p in report.failures("info")] == ["warning", "info"]
    assert [g.line() for g in report.groups()] == [
        "ail:YShape (warning): 1 problem, e.g. ex:b: a warning",
        "ail:XShape (info): 1 problem, e.g. ex:a: a note"]
    with pytest.raises(KGError, match="Unknown severity 'fatal'"):
        severity.level("fatal")
