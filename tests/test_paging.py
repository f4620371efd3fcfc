"""Issue 22: a table shows its first page without the whole query running first, says how
many rows follow (or that more follow, when they cannot be counted in time), and machine
formats stream every row as the engine yields it."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.query import catalogue, formats, paging, sparql

ROOT = Path(__file__).resolve().parent.parent
#: 10^8 rows from no data at all: far more than any engine counts in a few seconds
HUGE = "SELECT * WHERE { " + " ".join(
    f"VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(8)) + " }"
#: 10,000 rows, ordered: the first page must be the true first page (9999 down)
ORDERED = ("SELECT ?n WHERE { VALUES ?a { 0 1 2 3 4 5 6 7 8 9 } VALUES ?b { 0 1 2 3 4 5 6 7 8 9 }"
           " VALUES ?c { 0 1 2 3 4 5 6 7 8 9 } VALUES ?d { 0 1 2 3 4 5 6 7 8 9 }"
           " BIND(?a * 1000 + ?b * 100 + ?c * 10 + ?d AS ?n) } ORDER BY DESC(?n)")


def _rows(results) -> list[tuple]:
    return [tuple(str(term) for term in row) for row in results]


def _parses(query: str) -> None:
    ox.Store().query(query, prefixes=sparql.PREFIXES)


# -- the page and count queries, read from the query's tokens ------------------------------
@pytest.mark.parametrize("query, expected_tail", [
    ("SELECT ?s WHERE { ?s ?p 'LIMIT 5' }", "\nLIMIT 11\n"),
    ("SELECT ?s WHERE { ?s ?p ?o } # LIMIT 5", "\nLIMIT 11\n"),
    ("SELECT ?s WHERE { { SELECT ?s { ?s ?p ?o } LIMIT 3 } }", "\nLIMIT 11\n"),
    ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 20000", "ORDER BY ?s LIMIT 11"),
    ("SELECT ?s WHERE { ?s ?p ?o } limit 20000 OFFSET 4", "limit 11 OFFSET 4"),
    ("SELECT ?s WHERE { ?s ?p ?o } OFFSET 4", "OFFSET 4\nLIMIT 11\n"),
    ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s VALUES ?s { <http://e.org/x> }",
     "ORDER BY ?s  LIMIT 11\nVALUES ?s { <http://e.org/x> }"),
])
def test_the_page_query_sets_the_outermost_limit(query, expected_tail):
    paged = paging.page_query(query, 11)
    assert paged.endswith(expected_tail)
    _parses(paged)


def test_a_smaller_limit_is_kept():
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 5"
    assert paging.page_query(query, 11) == query


@pytest.mark.parametrize("query", [
    "ASK { ?s ?p ?o }", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "DESCRIBE <http://e.org/x>",
    "SELECT * WHERE { ?s ?p ?o ", "SELECT * WHERE { ?s ?p \\u0053 }",
])
def test_what_is_not_read_as_a_select_is_not_cut(query):
    assert paging.page_query(query, 11) is None
    assert paging.count_query(query) is None


def test_the_count_names_a_variable_the_query_does_not_use():
    text, name = paging.count_query("SELECT ?rows ?rows_ WHERE { ?rows ?p ?rows_ }")
    assert name == "rows__"
    _parses(text)


def test_a_shipped_query_stays_trusted():
    text = catalogue.get("ladder").text
    assert paging.page_query(text, 11) in sparql._trusted
    assert paging.count_query(text)[0] in sparql._trusted


@pytest.mark.parametrize("name", sorted(catalogue.catalogue()))
def test_every_catalogue_query_pages_and_counts_as_it_answers(graph, name):
    """On the release: the page is the first rows of the whole answer, in its order, and the
    count is its length (parameters as the catalogue tests give them)."""
    from tests.test_catalogue import example_params

    named = catalogue.get(name)
    values = graph.bind_params(named, example_params(named))
    every = _rows(graph.run(named.text, values))
    assert _rows(graph.run(paging.page_query(named.text, 7), values)) == every[:7]
    assert paging.count_rows(graph, named.text, values, timeout=60) == len(every)


def test_parameters_are_bound_inside_the_counted_query(graph):
    named = catalogue.get("skills-for-role")
    values = graph.bind_params(named, {"role": "Head of AI Engineering"})
    every = list(graph.run(named.text, values))
    assert 0 < len(every) < len(list(graph.run(named.text)))
    assert paging.count_rows(graph, named.text, values, timeout=60) == len(every)


def test_a_count_out_of_time_is_none(graph):
    started = time.monotonic()
    assert paging.count_rows(graph, HUGE, timeout=0.5) is None
    assert time.monotonic() - started < 5


# -- what people see -------------------------------------------------------------------------
def _invoke(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("fmt", ["table", "md"])
def test_an_ordered_answer_shows_its_true_first_page_and_its_count(fmt):
    shown = _invoke("query", ORDERED, "--format", fmt)
    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    body = [line for line in lines if line.startswith("| ")][1:] if fmt == "md" else lines[2:-1]
    assert [line.strip("| ") for line in body] == [str(n) for n in range(9999, 8999, -1)]
    assert lines[-1] == ("(the first 1,000 of 10,000 rows; --format csv, tsv, json or xml "
                         "writes them all)")


def test_a_huge_answer_shows_its_page_and_says_more_follow():
    """The whole answer (10^8 rows) cannot even be counted within --timeout: the page shows,
    and the note says more rows follow. Before, the table waited for every row and the
    command ended with the timeout error."""
    started = time.monotonic()
    shown = _invoke("query", HUGE, "--timeout", "3")
    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert len(lines) == 2 + paging.PAGE + 1
    assert lines[-1] == ("(the first 1,000 rows; more follow, not counted within the time "
                         "limit; --format csv, tsv, json or xml writes them all)")
    assert time.monotonic() - started < 10


# -- machine formats stream ------------------------------------------------------------------
class _Stop(Exception):
    pass


class _FirstWrite(io.RawIOBase):
    """A file that stops the writer at its first write: it proves rows were written while
    the engine still had almost all of them to give."""

    def write(self, data) -> int:
        raise _Stop


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_a_writer_writes_before_the_query_is_exhausted(fmt):
    started = time.monotonic()
    with pytest.raises(_Stop):
        formats.write(ox.Store().query(HUGE), fmt, _FirstWrite())
    assert time.monotonic() - started < 5


def test_output_to_a_file_streams_to_the_temporary_file(tmp_path):
    """-o FILE: the bytes go to the temporary file beside FILE as they come (held whole in
    memory before); a query that fails leaves neither file."""
    target = tmp_path / "all.csv"
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "query", HUGE, "--format", "csv", "-o", str(target),
         "--timeout", "4"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    grown = 0
    while process.poll() is None:
        grown = max([grown, *(p.stat().st_size for p in tmp_path.glob(".all.csv.*.tmp")
                              if p.exists())])
        time.sleep(0.05)
    assert process.returncode == 1 and b"longer than 4 s" in process.stderr.read()
    assert grown > 1 << 20
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    ws = tmp_path_factory.mktemp("paging") / "ws"
    example = ws.parent / "acme.ttl"
    shutil.copy(ROOT / "examples" / "acme-career-ladder.ttl", example)
    done = CliRunner().invoke(main, ["--workspace", str(ws), "add", str(example)])
    assert done.exit_code == 0, done.output
    return ws


def test_a_shipped_answer_in_a_machine_format_is_not_held_whole(workspace):
    """Kept beside a workspace store, a catalogue query's answer was serialised whole to JSON
    before the first CSV row was written (100 MB for 223k rows): it streams now."""
    from kg.store.kept import answer_name as _answer_name
    from kg.store import kept

    store = next(p for p in (workspace / "stores").iterdir() if not p.name.startswith("."))
    text = catalogue.get("graph-facts").text
    written = _invoke("--workspace", str(workspace), "query", "graph-facts", "--format", "csv")
    assert written.exit_code == 0, written.stderr
    kept.forget(store)
    assert not kept.has(store, _answer_name(text))
    rows = list(csv.reader(io.StringIO(written.stdout, newline="")))
    shown = _invoke("--workspace", str(workspace), "query", "graph-facts")
    assert shown.exit_code == 0, shown.stderr
    counted = re.findall(r"([\d,]+) rows?\b", shown.stdout.splitlines()[-1])[-1]
    assert len(rows) - 1 == int(counted.replace(",", "")) > 0


@pytest.mark.parametrize("modifiers, rows", [("", 10_000), ("LIMIT 5", 5),
                                             ("LIMIT 5 OFFSET 9997", 3), ("OFFSET 20000", 0)])
def test_the_count_leaves_the_order_out_and_counts_as_the_query_answers(graph, modifiers, rows):
    """Sorting changes no count (a LIMIT or OFFSET takes as many rows in any order) and was
    most of the cost of counting an ordered answer at 1M triples."""
    query = f"{ORDERED} {modifiers}"
    text, _ = paging.count_query(query)
    assert "ORDER" not in text and "DESC" not in text
    assert len(list(graph.run(query))) == rows
    assert paging.count_rows(graph, query, timeout=60) == rows


@pytest.fixture(scope="module")
def endpoint(graph):
    from kg.serving.server import running_server

    with running_server(graph=graph) as url:
        yield url + "/sparql"


def test_an_endpoint_answer_shows_its_page_and_its_count(endpoint):
    shown = _invoke("query", ORDERED, "--endpoint", endpoint)
    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[2:4] == ["9999", "9998"] and lines[-2] == "9000"
    assert lines[-1] == ("(the first 1,000 of 10,000 rows; --format csv, tsv, json or xml "
                         "writes them all)")
