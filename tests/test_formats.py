"""Every output format parses back with a standard parser into the same answer."""

from __future__ import annotations

import io

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result

from kg.query import catalogue

SELECT_CASES = [("ladder", {}), ("skills-for-role", {"role": "Head of AI"}),
                ("salary-figures", {})]


def _rows_from_rdflib(result) -> list[dict]:
    rows = []
    for row in result:
        rows.append({str(v): (str(row[v]) if isinstance(row[v], (URIRef, Literal)) else row[v])
                     for v in result.vars if row[v] is not None})
    return rows


def _expected(graph, name, params) -> list[dict]:
    named = catalogue.get(name)
    rows = graph.query(named.text, **graph.bind_params(named, params))
    return [{k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in row.items()}
            for row in rows]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
@pytest.mark.parametrize("name,params", SELECT_CASES)
def test_w3c_result_formats_parse_back(aikg, graph, fmt, name, params):
    args = ["query", name, "--format", fmt]
    for key, value in params.items():
        args += ["-p", key, value]
    result = aikg(*args)
    assert result.exit_code == 0, result.stderr
    parsed = Result.parse(io.BytesIO(result.stdout_bytes), format=fmt)
    got = _rows_from_rdflib(parsed)
    expected = _expected(graph, name, params)
    if fmt == "tsv":  # TSV writes terms in Turtle syntax; compare on the lexical form
        got = [{k: v.strip('<>"') for k, v in row.items()} for row in got]
    if fmt == "csv":  # CSV cannot tell an empty string from an unbound value
        got = [{k: v for k, v in row.items() if v != ""} for row in got]
        expected = [{k: v for k, v in row.items() if v != ""} for row in expected]
    assert sorted(map(sorted, (r.items() for r in got))) == \
        sorted(map(sorted, (r.items() for r in expected)))


@pytest.mark.parametrize("fmt,rdflib_format", [("ttl", "turtle"), ("nt", "nt"),
                                               ("jsonld", "json-ld"), ("xml", "xml")])
def test_graph_formats_parse_back(aikg, graph, fmt, rdflib_format):
    query = "CONSTRUCT { ?r ?p ?o } WHERE { ?r a ail:Role ; ?p ?o }"
    result = aikg("query", query, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    parsed = Graph().parse(data=result.stdout_bytes, format=rdflib_format)
    expected = Graph().parse(data=aikg("query", query, "--format", "nt").stdout_bytes, format="nt")
    assert len(parsed) > 100
    assert isomorphic(parsed, expected)


def test_table_is_aligned_with_labels(aikg):
    result = aikg("query", "SELECT ?r WHERE { ?r ail:seniorityLevel 7 }")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "r"
    assert lines[2] == "ail:HeadOfAIEngineering (Head of AI Engineering)"
    assert lines[-1] == "(1 row)"


def test_markdown_table(aikg):
    result = aikg("query", "role-aliases", "--format", "md")
    lines = result.stdout.splitlines()
    assert lines[0] == "| role | roleLabel | altLabel |"
    assert lines[1] == "|---|---|---|"
    assert "| ail:HeadOfAIEngineering | Head of AI Engineering | Chief AI Officer |" in lines


def test_ask_query(aikg):
    yes = aikg("query", "ASK { ail:AIEngineer ail:progressesTo ail:SeniorAIEngineer }")
    assert (yes.exit_code, yes.stdout) == (0, "true\n")
    as_json = aikg("query", "ASK { ail:HeadOfAIEngineering ail:progressesTo ?x }", "--format", "json")
    assert Result.parse(io.BytesIO(as_json.stdout_bytes), format="json").askAnswer is False


def test_describe_query(aikg):
    result = aikg("query", "DESCRIBE ail:SkillPython", "--format", "nt")
    parsed = Graph().parse(data=result.stdout_bytes, format="nt")
    assert (URIRef("https://w3id.org/ai-leadership-kg/ontology#SkillPython"), None, None) in parsed


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_a_long_answer_for_people_shows_a_page_and_says_how_many_follow(aikg, graph, fmt):
    """Issue 22: 223k rows of a catalogue query over 1M triples took seconds to lay out;
    people get the first page and the count, machine formats every row."""
    from kg.query.formats import PAGE

    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    shown = aikg("query", query, "--format", fmt)
    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[-1] == (f"(the first {PAGE:,} of {len(graph):,} rows; --format csv, tsv, json "
                         "or xml writes them all)")
    body = [line for line in lines if line.startswith("| ")] if fmt == "md" else lines[2:-1]
    assert len(body) == PAGE + (1 if fmt == "md" else 0)  # md: the header row too
    every = aikg("query", query, "--format", "csv")
    import csv

    assert len(list(csv.reader(io.StringIO(every.stdout, newline="")))) == len(graph) + 1
