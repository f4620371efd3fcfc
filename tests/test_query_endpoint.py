"""``aikg query --endpoint``: the same commands against a SPARQL 1.1 endpoint."""

from __future__ import annotations

import csv
import io

import pytest

from kg.query import catalogue
from tests.test_catalogue import _normalise, example_params

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def endpoint(graph):
    from kg.serving.server import running_server

    with running_server(graph=graph) as url:
        yield url + "/sparql"


def _csv_rows(text: str) -> list[tuple]:
    """Rows as sorted tuples; GROUP_CONCAT lists compared as sets (their order is not defined)."""
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    return sorted(tuple(sorted((k, _normalise(v)) for k, v in zip(header, r))) for r in body)


@pytest.mark.parametrize("name", sorted(catalogue.catalogue()))
def test_named_queries_answer_the_same_locally_and_remotely(aikg, endpoint, name):
    args = ["query", name, "--format", "csv"]
    for key, value in example_params(catalogue.get(name)).items():
        args += ["-p", key, value]
    local = aikg(*args)
    remote = aikg(*args, "--endpoint", endpoint)
    assert local.exit_code == 0, local.stderr
    assert remote.exit_code == 0, remote.stderr
    assert _csv_rows(remote.stdout) == _csv_rows(local.stdout)


def test_table_output_from_an_endpoint_shows_labels_when_asked(aikg, endpoint):
    query = "SELECT ?r WHERE { ?r ail:seniorityLevel 7 }"
    plain = aikg("query", query, "--endpoint", endpoint)
    assert plain.exit_code == 0, plain.stderr
    assert plain.stdout.splitlines()[2] == "ail:HeadOfAIEngineering"  # no bulk label download
    labelled = aikg("query", query, "--endpoint", endpoint, "--labels")
    assert "ail:HeadOfAIEngineering (Head of AI Engineering)" in labelled.stdout


@pytest.mark.parametrize("url", ["http://[::1", "http://exa mple.com/sparql", "http:///sparql", ""])
def test_malformed_endpoint_urls(aikg, url):
    result = aikg("query", "ladder", "--endpoint", url)
    assert result.exit_code in (1, 2)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")


def test_a_reply_that_is_not_sparql_results_is_one_line(aikg):
    import http.server
    import threading

    class Bad(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802  (http.server's naming)
            body = (b'{"head":{"vars":["s"]},"results":{"bindings":'
                    b'[{"s":{"type":"uri","value":"not an iri"}}]}}')
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Bad)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        result = aikg("query", "SELECT ?s WHERE { ?s ?p ?o }", "--endpoint", url)
    finally:
        server.shutdown()
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: Endpoint {url} sent a reply that is not SPARQL results")


def test_construct_through_an_endpoint(aikg, endpoint):
    result = aikg("query", "CONSTRUCT WHERE { ail:SkillPython ?p ?o }", "--format", "nt",
                  "--endpoint", endpoint)
    assert result.exit_code == 0, result.stderr
    assert "<https://w3id.org/ai-leadership-kg/ontology#SkillPython>" in result.stdout


def test_unreachable_endpoint_is_one_line(aikg):
    result = aikg("query", "ladder", "--endpoint", "http://127.0.0.1:9/sparql")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Cannot reach endpoint http://127.0.0.1:9/sparql:")
    assert result.stderr.count("\n") == 1


def test_endpoint_must_be_http(aikg):
    result = aikg("query", "ladder", "--endpoint", "file:///etc/passwd")
    assert result.exit_code == 1
    assert result.stderr == ("Error: Endpoint 'file:///etc/passwd' is not an http(s) URL; "
                             "give e.g. http://localhost:3030/ds/sparql.\n")


def test_updates_are_refused_before_reaching_the_endpoint(aikg, endpoint):
    result = aikg("query", "DELETE WHERE { ?s ?p ?o }", "--endpoint", endpoint)
    assert result.exit_code == 1
    assert "is refused" in result.stderr
