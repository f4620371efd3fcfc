"""The W3C result formats keep every value exact, on the command line and at the endpoint:
commas, quotes, CR, LF, tabs, non-BMP characters and language tags, in IRIs and literals."""

from __future__ import annotations

import csv
import io

import httpx
import pyoxigraph as ox
import pytest

from kg.query import writers

#: (IRI, literal) pairs written with SPARQL escapes; WANT is what they mean
QUERY = r"""SELECT ?iri ?text ?tagged WHERE { VALUES (?iri ?text ?tagged) {
  (<http://e.org/a,b> "x,\"y\"\r\nz\tw \U0001F46A" "hi"@en-GB)
  (<http://e.org/q?x=1&y=%22,2%22> "cr\ronly" "caf\u00e9"@fr)
  (<http://e.org/plain> "" "line\nfeed"@de)
} }"""
WANT = [
    {"iri": "http://e.org/a,b", "text": 'x,"y"\r\nz\tw \U0001F46A', "tagged": ("hi", "en-gb")},
    {"iri": "http://e.org/q?x=1&y=%22,2%22", "text": "cr\ronly", "tagged": ("café", "fr")},
    {"iri": "http://e.org/plain", "text": "", "tagged": ("line\nfeed", "de")},
]
RESULTS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
           "tsv": ox.QueryResultsFormat.TSV}
MEDIA = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
         "tsv": "text/tab-separated-values", "csv": "text/csv"}


def _check_typed(data: bytes, fmt: str) -> None:
    if fmt == "xml":  # a standard XML reader (expat), which turns a raw CR into LF
        import xml.etree.ElementTree as ET

        literals = {e.text or "" for e in ET.fromstring(data).iter(
            "{http://www.w3.org/2005/sparql-results#}literal")}
        assert {w["text"] for w in WANT} <= literals
    rows = list(ox.parse_query_results(data, RESULTS[fmt]))
    got = [{"iri": r["iri"].value, "text": r["text"].value,
            "tagged": (r["tagged"].value, r["tagged"].language.lower())} for r in rows]
    assert sorted(got, key=str) == sorted(WANT, key=str)


def _check_csv(data: bytes) -> None:
    assert b"\r\n" in data  # RFC 4180 line ends
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[0] == ["iri", "text", "tagged"]
    want = [[w["iri"], w["text"], w["tagged"][0]] for w in WANT]
    assert sorted(rows[1:]) == sorted(want)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_the_command_line_keeps_values_exact(aikg, fmt):
    result = aikg("query", QUERY, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    data = result.stdout_bytes
    _check_csv(data) if fmt == "csv" else _check_typed(data, fmt)


@pytest.fixture(scope="module")
def endpoint():
    from kg.graph import KnowledgeGraph
    from kg.serving.server import running_server

    with running_server(graph=KnowledgeGraph(ox.Store())) as url:
        yield url + "/sparql"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_the_endpoint_keeps_values_exact(endpoint, fmt):
    response = httpx.get(endpoint, params={"query": QUERY}, headers={"Accept": MEDIA[fmt]},
                         timeout=30)
    assert response.status_code == 200, response.text
    _check_csv(response.content) if fmt == "csv" else _check_typed(response.content, fmt)


def test_an_iri_with_a_comma_is_one_csv_cell():
    solutions = ox.Store().query("SELECT ?x WHERE { BIND(<http://e.org/a,b> AS ?x) }")
    out = io.BytesIO()
    writers.write_csv(solutions, out)
    assert out.getvalue() == b'x\r\n"http://e.org/a,b"\r\n'


def test_xml_writes_a_carriage_return_as_a_character_reference():
    solutions = ox.Store().query('SELECT ?x WHERE { BIND("a\\rb" AS ?x) }')
    out = io.BytesIO()
    writers.write_xml(solutions, out)
    assert b"a&#13;b" in out.getvalue() and b"\r" not in out.getvalue()


@pytest.mark.parametrize("char", ["\x01", "\x1f", "\ufffe", "\uffff"])
def test_a_character_xml_cannot_carry_is_refused_in_one_line(aikg, char):
    escaped = f"\\u{ord(char):04X}"
    result = aikg("query", f'SELECT ?x WHERE {{ BIND("a{escaped}b" AS ?x) }}', "--format", "xml")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: The answer holds the character U+{ord(char):04X}, which "
                             "XML 1.0 cannot carry; ask for json, tsv or csv instead.\n")
    assert aikg("query", f'SELECT ?x WHERE {{ BIND("a{escaped}b" AS ?x) }}',
                "--format", "json").exit_code == 0


def test_a_character_xml_cannot_carry_is_406_at_the_endpoint(endpoint):
    response = httpx.get(endpoint, params={"query": 'SELECT ?x WHERE { BIND("\\u0001" AS ?x) }'},
                         headers={"Accept": MEDIA["xml"]}, timeout=30)
    assert response.status_code == 406 and "U+0001" in response.text


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_ask_has_no_csv_or_tsv_form(aikg, fmt):
    result = aikg("query", "ASK {}", "--format", fmt)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: Format '{fmt}' does not fit an ASK result")
    assert aikg("query", "ASK {}").stdout == "true\n"
