"""The W3C SPARQL 1.1 evaluation and result-format tests, through the project's own layer.

Every evaluation test of the query manifests (and the CSV/TSV and JSON result-format tests)
is run through :meth:`kg.graph.KnowledgeGraph.run` (the guard, the base IRI, pyoxigraph) and
written by the project's writers (:func:`kg.query.formats.write`) in every format that fits;
what the writers wrote is read back and compared with the expected answer as the standard
says (a bag of solutions, blank nodes up to renaming, numbers and booleans by value). Tests
that need SERVICE are left out (the guard refuses SERVICE by design; see the syntax tests).
A test that fails is listed, with the reason, in ``tests/data/w3c-expected-failures.tsv``;
the list is strict: a listed test that passes fails the run, so the list stays true.
"""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

from kg.errors import QueryError
from kg.graph import KnowledgeGraph
from kg.query import formats
from tests import w3c_support as w3c

pytestmark = pytest.mark.skipif(not w3c.available(), reason=w3c.MISSING)

KINDS = ("QueryEvaluationTest", "CSVResultFormatTest")
CASES = [c for c in w3c.cases() if c.kind in KINDS and not c.service_data]


def _store(case: w3c.Case) -> ox.Store:
    store = ox.Store()
    for path in case.data:
        store.load(path=str(path), format=w3c.rdf_format(path), base_iri=path.as_uri())
    for path in case.graph_data:
        store.load(path=str(path), format=w3c.rdf_format(path), base_iri=path.as_uri(),
                   to_graph=ox.NamedNode(path.as_uri()))
    return store


def _written(graph: KnowledgeGraph, case: w3c.Case, fmt: str) -> bytes:
    out = io.BytesIO()
    query = case.query.read_text(encoding="utf-8")
    formats.write(graph.run(query, base=case.query.as_uri()), fmt, out)
    return out.getvalue()


@pytest.mark.parametrize("case", w3c.params(CASES))
def test_evaluation(case: w3c.Case):
    graph = KnowledgeGraph(_store(case))
    want = w3c.expected(case)
    if want[0] == "csv":
        rows = list(csv.reader(io.StringIO(_written(graph, case, "csv").decode("utf-8"))))
        assert w3c.same_csv(rows, list(csv.reader(io.StringIO(want[1].decode("utf-8")))))
        return
    try:
        form = w3c.form(graph.run(case.query.read_text(encoding="utf-8"),
                                  base=case.query.as_uri()))
    except QueryError as error:
        pytest.fail(f"refused: {error}")
    if form == "graph":
        for fmt, rdf in (("nt", ox.RdfFormat.N_TRIPLES), ("ttl", ox.RdfFormat.TURTLE)):
            got = [q.triple for q in ox.parse(_written(graph, case, fmt), format=rdf)]
            assert want[0] == "graph" and w3c.same_graphs(got, want[1]), fmt
        return
    for fmt, kind in (("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML),
                      ("tsv", ox.QueryResultsFormat.TSV)):
        if form == "boolean" and fmt == "tsv":
            continue
        got = ox.parse_query_results(_written(graph, case, fmt), format=kind)
        if form == "boolean":
            assert want == ("boolean", bool(got)), fmt
        else:
            assert want[0] == "solutions", want[0]
            assert w3c.same_bags(w3c.solutions(got)[1], want[2]), fmt
