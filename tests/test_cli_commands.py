"""CliRunner tests for describe, search, stats, export, validate and queries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "acme-career-ladder.ttl"
AIL = "https://w3id.org/ai-leadership-kg/ontology#"


def test_describe_groups_facts_links_and_provenance(aikg):
    result = aikg("describe", "Chief AI Officer")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Head of AI Engineering  (ail:HeadOfAIEngineering)\n")
    assert "  also known as: AI Engineering Director, Chief AI Officer" in out
    for heading in ("\nFacts\n", "\nLinks\n", "\nLinked from\n", "\nProvenance\n"):
        assert heading in out
    assert "  seniority level: 7" in out
    assert "editorial judgement: requires essential skill Mentoring" in out


def test_describe_json_and_markdown(aikg):
    card = json.loads(aikg("describe", "ail:SkillPython", "--format", "json").stdout)
    assert card["label"] == "Python" and card["classes"][0]["label"] == "Programming language"
    assert "Head of AI Engineering" in {r["label"] for r in card["linked_from"]["requires essential skill"]}
    md = aikg("describe", "Python", "--format", "md").stdout
    assert md.startswith("## Python  (ail:SkillPython)\n")


def test_search_ranks_label_hits_first_and_limits(aikg):
    result = aikg("search", "leadership", "--limit", "3", "--format", "csv")
    rows = result.stdout.splitlines()
    assert rows[0] == "text,entity,label,type,matched"
    assert len(rows) == 4 and all("label" in r.split(",")[-1] or '"label' in r for r in rows[1:])


def test_search_in_a_class(aikg):
    result = aikg("search", "learning", "--class", "ail:SoftSkill", "--format", "csv")
    assert result.exit_code == 0
    assert [r.split(",")[3] for r in result.stdout.splitlines()[1:]] == ["Adaptability and continuous learning"]


def test_stats_counts_classes(aikg):
    result = aikg("stats", "--format", "csv")
    assert result.exit_code == 0
    assert f"{AIL}Role,Role,9" in result.stdout.splitlines()
    assert result.stderr.endswith(" triples\n")


@pytest.mark.parametrize("fmt,parser", [("ttl", "TURTLE"), ("nt", "N_TRIPLES"), ("xml", "RDF_XML"),
                                        ("jsonld", "JSON_LD")])
def test_export_writes_the_release(aikg, tmp_path, fmt, parser):
    import pyoxigraph as ox

    from kg.build import canonical_triples  # same labels for the same blank-node structure

    target = tmp_path / f"graph.{fmt}"
    result = aikg("export", "--format", fmt, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    exported = ox.parse(path=str(target), format=getattr(ox.RdfFormat, parser))
    release = ox.parse(path=str(Path(__file__).resolve().parent.parent / "release" /
                                "ai_leadership.nt"), format=ox.RdfFormat.N_TRIPLES)
    assert canonical_triples(exported) == canonical_triples(release)


def test_export_tbox_and_with_files(aikg):
    from rdflib import OWL, RDF, URIRef

    tbox = Graph().parse(data=aikg("export", "--tbox", "--format", "nt").stdout_bytes, format="nt")
    assert (URIRef(AIL + "Role"), RDF.type, OWL.Class) in tbox
    assert (URIRef(AIL + "progressesTo"), RDF.type, OWL.ObjectProperty) in tbox
    assert not list(tbox.triples((URIRef(AIL + "HeadOfAIEngineering"), None, None)))
    merged = aikg("--with", str(EXAMPLE), "export", "--format", "nt").stdout
    assert "<https://example.org/acme/careers#PrincipalMLEngineer>" in merged


def test_export_jsonld_tbox_is_a_usage_error(aikg):
    result = aikg("export", "--tbox", "--format", "jsonld")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: The TBox ships as ttl, nt and xml")


def test_validate_conforms(aikg):
    result = aikg("validate", "--no-reason")
    assert result.exit_code == 0
    assert result.stdout.startswith("CONFORMS")


def test_validate_reports_a_bad_user_file_with_exit_1(aikg, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(EXAMPLE.read_text().replace('rdfs:label "Principal ML Engineer"@en ;', ""))
    result = aikg("--with", str(bad), "validate", "--no-reason")
    assert result.exit_code == 1
    assert "PrincipalMLEngineer" in result.stdout
    as_json = json.loads(aikg("--with", str(bad), "validate", "--no-reason", "--format", "json").stdout)
    assert as_json["conforms"] is False


def test_validate_with_unparsable_file_exits_2(aikg, tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("this is not turtle")
    result = aikg("--with", str(bad), "validate")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}, line 1:")


def test_queries_lists_the_catalogue(aikg):
    from kg.query import catalogue

    listing = json.loads(aikg("queries", "--format", "json").stdout)
    assert [q["name"] for q in listing] == list(catalogue.catalogue())
    gap = next(q for q in listing if q["name"] == "skill-gap")
    assert [p["name"] for p in gap["params"]] == ["from", "to"]
    table = aikg("queries").stdout
    assert "skills-for-role           [role]" in table


def test_stdin_and_file_queries(aikg, tmp_path):
    q = "SELECT ?l WHERE { ail:AIEngineer rdfs:label ?l }"
    assert aikg("query", "-", "--format", "csv", input=q).stdout.splitlines() == ["l", "AI Engineer"]
    path = tmp_path / "q.rq"
    path.write_text(q)
    assert aikg("query", "-f", str(path), "--format", "csv").stdout.splitlines() == ["l", "AI Engineer"]


NO_JAVA = ("Error: HermiT needs Java: install a Java runtime (apt-get install "
           "default-jre-headless) or pass --no-reason.\n")


@pytest.fixture()
def no_java(monkeypatch):
    import shutil

    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if "java" in str(name)
                        else real(name, *a, **k))


def test_validate_without_java_is_an_error_not_a_verdict(aikg, no_java):
    result = aikg("validate")
    assert result.exit_code == 2
    assert result.stdout == "" and result.stderr == NO_JAVA


def test_build_without_java_says_so_in_one_line(aikg, no_java, tmp_path):
    result = aikg("build", "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stderr == NO_JAVA
    assert not (tmp_path / "out").exists()


def test_ill_typed_literal_in_a_user_file_gives_one_error_line(aikg, tmp_path, caplog):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .\n"
                   "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
                   'ail:AIEngineer ail:seniorityLevel "three"^^xsd:integer .\n')
    result = aikg("--with", str(bad), "stats")
    assert result.exit_code == 1
    # one Error: line, then one indented line per failing rule (every problem is reported)
    first, *rules = result.stderr.splitlines()
    assert first.startswith("Error:") and "seniorityLevel" in first, result.stderr
    assert rules and all(line.startswith("  ") and "(error)" in line for line in rules), rules
    # Under pytest rdflib's warning would go to caplog rather than stderr: check there too.
    assert not [r for r in caplog.records if r.name.startswith("rdflib")]


@pytest.mark.parametrize("args", [
    ["query", "ladder", "-o", ""], ["query", "ladder", "--endpoint", ""],
    ["build", "-o", ""], ["export", "-o", ""], ["viz", "-o", ""], ["docs", "-o", ""],
    ["path", "AI Engineer", "Head of AI", "--html", ""], ["serve", "--host", ""],
])
def test_an_empty_option_value_is_refused(aikg, args):
    result = aikg(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Invalid value for") and "must not be empty" in result.stderr
