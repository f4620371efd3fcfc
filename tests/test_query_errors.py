"""Bad input to the query commands: one ``Error: ...`` line, non-zero exit, nothing written."""

from __future__ import annotations

import pytest


def one_error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), lines[0]
    assert "Traceback" not in result.output
    return lines[0]


def test_malformed_sparql_names_line_and_column(aikg):
    result = aikg("query", "SELECT ?s WHERE {\n  ?s ?p \n}")
    assert result.exit_code == 1
    assert one_error_line(result).startswith("Error: Malformed SPARQL at line 2, column 3: ")


def test_unknown_query_name_offers_closest(aikg):
    result = aikg("query", "skills-for-rol")
    assert result.exit_code == 1
    assert one_error_line(result) == (
        "Error: No named query 'skills-for-rol'. Did you mean 'skills-for-role'? "
        "Run 'aikg queries' to list them."
    )


def test_missing_parameter(aikg):
    result = aikg("query", "skill-gap", "-p", "from", "AI Engineer")
    assert result.exit_code == 1
    assert one_error_line(result).startswith(
        "Error: Query 'skill-gap' needs parameter 'to': add -p to VALUE"
    )


def test_unknown_parameter(aikg):
    result = aikg("query", "skills-for-role", "-p", "rol", "AI Engineer")
    assert result.exit_code == 1
    assert one_error_line(result) == (
        "Error: Query 'skills-for-role' has no parameter 'rol' (it takes: role)."
    )


def test_parameter_given_twice(aikg):
    result = aikg("query", "skills-for-role", "-p", "role", "AI Engineer", "-p", "role", "Head of AI")
    assert result.exit_code == 1
    assert one_error_line(result) == "Error: Parameter 'role' is given twice; give it once."


def test_unknown_role_label_offers_closest(aikg):
    result = aikg("query", "skills-for-role", "-p", "role", "Head of A1 Engineering")
    assert result.exit_code == 1
    assert one_error_line(result) == (
        # the query takes any occupation now (a role is one): the message names the class
        "Error: No occupation matches 'Head of A1 Engineering'. Did you mean 'Head of AI "
        "Engineering'? Searched the labels and alternative labels of 9 occupations "
        "(vocabularies: ail); run "
        "'aikg search \"Head of A1 Engineering\"' to look in definitions too."
    )


def test_unknown_skill_label_offers_closest(aikg):
    result = aikg("query", "roles-needing-skill", "-p", "skill", "Pyton")
    assert result.exit_code == 1
    assert "Did you mean 'Python'" in one_error_line(result)


@pytest.mark.parametrize("update", [
    "INSERT DATA { ail:x ail:y ail:z }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL",
    "DROP GRAPH <http://example.org/g>",
    "WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_updates_are_refused(aikg, update):
    result = aikg("query", update)
    assert result.exit_code == 1
    assert "is refused: this is a read-only query command" in one_error_line(result)


def test_service_is_refused_before_running(aikg):
    result = aikg("query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert result.exit_code == 1
    assert one_error_line(result) == (
        "Error: SERVICE is refused: the graph is read-only and queries may not reach the "
        "network or files; remove the SERVICE clause."
    )


def test_from_file_is_refused(aikg):
    result = aikg("query", "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }")
    assert result.exit_code == 1
    assert one_error_line(result).startswith("Error: FROM is refused")


def test_keywords_inside_strings_and_iris_are_not_refused(aikg):
    result = aikg("query", 'SELECT ?x WHERE { BIND("service from load" AS ?x) '
                           'FILTER(?x != <http://example.org/insert>) }', "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["x", "service from load"]


def test_missing_query_file(aikg, tmp_path):
    missing = tmp_path / "nope.rq"
    result = aikg("query", "-f", str(missing))
    assert result.exit_code == 1
    assert one_error_line(result) == f"Error: No such query file '{missing}'; check the path."


def test_unreadable_query_file(aikg, tmp_path):
    binary = tmp_path / "q.rq"
    binary.write_bytes(b"\xff\xfe\x00SELECT")
    result = aikg("query", "-f", str(binary))
    assert result.exit_code == 1
    assert one_error_line(result).startswith(f"Error: Cannot read query file '{binary}'")


def test_unwritable_output_leaves_nothing(aikg, tmp_path):
    (tmp_path / "file").write_text("x")
    target = tmp_path / "file" / "out.csv"  # a file where a folder should be
    result = aikg("query", "ladder", "--format", "csv", "-o", str(target))
    assert result.exit_code == 1
    assert "a folder on its way is a file" in one_error_line(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_output_file_is_written_whole(aikg, tmp_path):
    target = tmp_path / "ladder.csv"
    target.write_text("previous content")
    result = aikg("query", "ladder", "--format", "csv", "-o", str(target))
    assert result.exit_code == 0
    assert target.read_text().startswith("level,role,")
    assert [p.name for p in tmp_path.iterdir()] == ["ladder.csv"]


def test_bad_format_is_a_usage_error(aikg):
    result = aikg("query", "ladder", "--format", "yaml")
    assert result.exit_code == 2
    assert one_error_line(result).startswith("Error: Invalid value for '--format': 'yaml'")


def test_graph_format_for_select_is_refused(aikg):
    result = aikg("query", "ladder", "--format", "ttl")
    assert result.exit_code == 1
    assert one_error_line(result) == (
        "Error: Format 'ttl' does not fit a SELECT result; use table, md, csv, tsv, json or xml."
    )


def test_params_with_ad_hoc_query_are_refused(aikg):
    result = aikg("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "-p", "x", "y")
    assert result.exit_code == 1
    assert one_error_line(result).startswith("Error: -p applies to named queries only")


def test_no_query_given(aikg):
    result = aikg("query")
    assert result.exit_code == 1
    assert one_error_line(result).startswith("Error: Give a query")


def test_unknown_entity_in_describe(aikg):
    result = aikg("describe", "Chief Vibes Officer")
    assert result.exit_code == 1
    assert one_error_line(result).startswith("Error: No entity matches 'Chief Vibes Officer'.")
    assert " entities (vocabularies: " in one_error_line(result)  # not "entitys"


def test_bad_with_file_reports_file_and_line(aikg, tmp_path):
    bad = tmp_path / "mine.ttl"
    bad.write_text("@prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .\n"
                   "ail:X ail:y \"unterminated .\n")
    result = aikg("--with", str(bad), "stats")
    assert result.exit_code == 1
    assert one_error_line(result).startswith(f"Error: {bad}, line 2:")


def test_missing_with_file(aikg, tmp_path):
    result = aikg("--with", str(tmp_path / "none.ttl"), "stats")
    assert result.exit_code == 1
    assert one_error_line(result) == f"Error: {tmp_path / 'none.ttl'}: no such file; check the path."


def test_an_endless_query_file_is_refused_not_read_forever(aikg):
    result = aikg("query", "-f", "/dev/zero")
    assert result.exit_code == 1
    assert one_error_line(result) == (
        "Error: The query in '/dev/zero' is longer than 200,000 characters (the limit); "
        "shorten it (e.g. move long VALUES lists into data).")


def test_an_endless_query_on_stdin_is_refused(aikg):
    result = aikg("query", "-", input=b"#" * 900_000)
    assert result.exit_code == 1
    assert "Error: The query on stdin is longer than 200,000 characters" in one_error_line(result)


def test_an_ambiguous_name_is_one_line_naming_each_candidate(aikg, tmp_path):
    twins = tmp_path / "twins.ttl"
    twins.write_text(
        "@prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://example.org/y/Analyst> a ail:Occupation ; rdfs:label \"Analyst\"@en ;\n"
        "  skos:inScheme <https://example.org/y/S> .\n"
        "<https://example.org/z/Analyst> a ail:Occupation ; rdfs:label \"Analyst\"@en ;\n"
        "  skos:inScheme <https://example.org/z/S> .\n"
        "<https://example.org/y/S> a skos:ConceptScheme ; rdfs:label \"Y\"@en .\n"
        "<https://example.org/z/S> a skos:ConceptScheme ; rdfs:label \"Z\"@en .\n")
    result = aikg("--with", str(twins), "gap", "Analyst", "AI Engineer")
    assert result.exit_code == 1
    assert one_error_line(result) == (
        "Error: 'Analyst' names several roles: https://example.org/y/Analyst (Analyst, Y); "
        "https://example.org/z/Analyst (Analyst, Z). Give one by its IRI or CURIE instead of "
        "the name.")
    picked = aikg("--with", str(twins), "gap", "https://example.org/y/Analyst", "AI Engineer")
    assert picked.exit_code == 0, picked.output
