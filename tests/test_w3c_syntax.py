"""The W3C SPARQL 1.1 syntax tests, through ``aikg query -f`` and the endpoint.

A positive test's query must be read and run (exit 0, HTTP 200), or fail only when evaluated
(``test_4`` calls a function no engine knows: "The query failed: ..."); a negative test's must
be refused in one line (exit 1 and ``Error: ...``, HTTP 400), never with a traceback. The query file's URI
is the base for ``-f`` and the endpoint's URL for the endpoint. Tests the guard refuses by
design (FROM, SERVICE) are listed in ``tests/data/w3c-expected-failures.tsv``.
"""

from __future__ import annotations

import httpx
import pytest

from tests import w3c_support as w3c

pytestmark = pytest.mark.skipif(not w3c.available(), reason=w3c.MISSING)

POSITIVE = [c for c in w3c.cases() if c.kind == "PositiveSyntaxTest11"]
NEGATIVE = [c for c in w3c.cases() if c.kind == "NegativeSyntaxTest11"]


@pytest.fixture(scope="module")
def endpoint():
    """An endpoint over an empty graph: the syntax is on trial, not the evaluation (a
    cartesian product over the guide takes seconds)."""
    import pyoxigraph as ox

    from kg.graph import KnowledgeGraph
    from kg.serving.server import running_server

    with running_server(graph=KnowledgeGraph(ox.Store())) as url:
        yield url + "/sparql"


@pytest.fixture(scope="module")
def client(endpoint):
    with httpx.Client(timeout=30) as session:
        yield session


def _post(client, endpoint, case):
    return client.post(endpoint, content=case.query.read_bytes(),
                       headers={"Content-Type": "application/sparql-query"})


EVALUATED = "The query failed: "  # read, then failed when run: not a syntax error


@pytest.mark.parametrize("case", w3c.params(POSITIVE))
def test_positive_syntax_runs_from_a_file(aikg, case):
    result = aikg("query", "-f", str(case.query))
    assert result.exit_code == 0 or result.stderr.startswith("Error: " + EVALUATED), result.stderr


@pytest.mark.parametrize("case", w3c.params(POSITIVE))
def test_positive_syntax_runs_at_the_endpoint(client, endpoint, case):
    response = _post(client, endpoint, case)
    assert response.status_code == 200 or (response.status_code == 400 and
                                           response.text.startswith(EVALUATED)), response.text


@pytest.mark.parametrize("case", w3c.params(NEGATIVE))
def test_negative_syntax_is_refused_in_one_line(aikg, case):
    result = aikg("query", "-f", str(case.query))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr


@pytest.mark.parametrize("case", w3c.params(NEGATIVE))
def test_negative_syntax_is_a_400_at_the_endpoint(client, endpoint, case):
    response = _post(client, endpoint, case)
    assert response.status_code == 400, response.text
    assert response.text.count("\n") == 1
