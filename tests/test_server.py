"""``aikg serve``: the read-only SPARQL 1.1 Protocol endpoint and the release at the ontology IRI."""

from __future__ import annotations

import json
import re
import subprocess
import time

import httpx
import pyoxigraph as ox
import pytest

from kg.query import catalogue
from kg.query import sparql
from tests.embedding_support import aikg_command, free_port, release_dir

SELECT_ROLES = ("SELECT ?role ?label WHERE { ?role a ail:Role ; rdfs:label ?label } "
                "ORDER BY ?label")
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def endpoint():
    """The endpoint in a background thread, with a 3 s timeout."""
    release_dir()
    from kg.serving.server import running_server

    with running_server(timeout=3) as url:
        yield url


@pytest.fixture(scope="module")
def client(endpoint):
    with httpx.Client(base_url=endpoint, timeout=60) as http:
        yield http


# -- protocol ------------------------------------------------------------------------------
def test_get_post_form_and_post_body_give_the_same_answer(client):
    get = client.get("/sparql", params={"query": SELECT_ROLES})
    form = client.post("/sparql", data={"query": SELECT_ROLES})
    body = client.post("/sparql", content=SELECT_ROLES,
                       headers={"Content-Type": "application/sparql-query"})
    assert get.status_code == form.status_code == body.status_code == 200
    assert get.headers["content-type"] == "application/sparql-results+json"
    assert get.json() == form.json() == body.json()
    labels = [b["label"]["value"] for b in get.json()["results"]["bindings"]]
    assert "Head of AI Engineering" in labels and "Junior AI Engineer" in labels


@pytest.mark.parametrize("accept, media, parse_format", [
    ("application/sparql-results+json", "application/sparql-results+json", "JSON"),
    ("application/sparql-results+xml", "application/sparql-results+xml", "XML"),
    ("text/csv", "text/csv", "CSV"),
    ("text/tab-separated-values", "text/tab-separated-values", "TSV"),
    ("application/json", "application/sparql-results+json", "JSON"),
    ("text/html;q=0.9, text/csv;q=0.5", "text/csv", "CSV"),
])
def test_select_results_are_negotiated(client, accept, media, parse_format):
    response = client.get("/sparql", params={"query": SELECT_ROLES}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert response.headers["vary"] == "Accept"
    if parse_format == "CSV":  # lossy: pyoxigraph will not parse it back
        import csv
        import io

        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert list(rows[0]) == ["role", "label"]
    else:
        rows = list(ox.parse_query_results(response.content,
                                           getattr(ox.QueryResultsFormat, parse_format)))
    assert len(rows) >= 9


@pytest.mark.parametrize("accept, media, rdf_format", [
    ("text/turtle", "text/turtle", "TURTLE"),
    ("application/n-triples", "application/n-triples", "N_TRIPLES"),
    ("application/ld+json", "application/ld+json", "JSON_LD"),
    ("application/rdf+xml", "application/rdf+xml", "RDF_XML"),
    ("*/*", "text/turtle", "TURTLE"),
])
def test_construct_results_are_negotiated(client, accept, media, rdf_format):
    query = "CONSTRUCT { ail:HeadOfAIEngineering ?p ?o } WHERE { ail:HeadOfAIEngineering ?p ?o }"
    response = client.post("/sparql", data={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media
    triples = list(ox.parse(response.content, format=getattr(ox.RdfFormat, rdf_format)))
    assert len(triples) > 5


def test_ask_and_describe(client):
    ask = client.get("/sparql", params={"query": "ASK { ail:AIEngineer ail:progressesTo ?x }"})
    assert ask.json() == {"head": {}, "boolean": True}
    describe = client.get("/sparql", params={"query": "DESCRIBE ail:AIEngineer"},
                          headers={"Accept": "application/n-triples"})
    assert describe.status_code == 200 and "AIEngineer" in describe.text


def test_an_unacceptable_media_type_gets_406(client):
    response = client.get("/sparql", params={"query": SELECT_ROLES}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text


# -- refusals --------------------------------------------------------------------------------
@pytest.mark.parametrize("query, word", [
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
    ("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", "INSERT"),
    ("LOAD <http://example.org/data.ttl>", "LOAD"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
])
def test_unsafe_queries_are_refused_with_one_line(client, query, word):
    for response in (client.get("/sparql", params={"query": query}),
                     client.post("/sparql", data={"query": query})):
        assert response.status_code == 400
        assert response.text.startswith(word) and response.text.count("\n") == 1


def test_updates_and_dataset_parameters_are_refused(client):
    update = client.post("/sparql", content="CLEAR ALL",
                         headers={"Content-Type": "application/sparql-update"})
    assert update.status_code == 403
    form = client.post("/sparql", data={"update": "CLEAR ALL"})
    assert form.status_code == 403
    for parameter in ("default-graph-uri", "named-graph-uri"):
        response = client.get("/sparql", params={"query": "ASK {}", parameter: "file:///etc/passwd"})
        assert response.status_code == 400 and parameter in response.text
    # the graph is intact after all that
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True


def test_malformed_and_missing_queries_get_400(client):
    malformed = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o"})
    assert malformed.status_code == 400 and malformed.text.startswith("Malformed SPARQL at line 1")
    # GET /sparql without a query is the Service Description (tests/test_protocol.py)
    assert client.post("/sparql", data={"format": "json"}).status_code == 400
    wrong_type = client.post("/sparql", content="ASK {}", headers={"Content-Type": "text/plain"})
    assert wrong_type.status_code == 415


def test_a_slow_query_is_killed_at_the_timeout_and_the_server_recovers(client):
    started = time.monotonic()
    response = client.get("/sparql", params={"query": SLOW})
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert "3 s limit" in response.text
    assert elapsed < 3 + 5, elapsed
    # a fresh worker answers the next query
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_results_over_the_cap_are_refused_and_limit_fits(graph):
    from kg.serving.server import running_server

    with running_server(graph=graph, max_rows=500) as url, httpx.Client(base_url=url) as client:
        _check_cap(client)


def _check_cap(client):
    too_many = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert too_many.status_code == 400 and "more than 500 rows" in too_many.text
    construct = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert construct.status_code == 400 and "more than 500 triples" in construct.text
    limited = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 500"})
    assert len(limited.json()["results"]["bindings"]) == 500


def test_cors_is_off_by_default(client):
    response = client.get("/sparql", params={"query": "ASK {}"},
                          headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options("/sparql", headers={
        "Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_only_for_the_origin_given(graph):
    from kg.serving.server import running_server

    with running_server(graph=graph, cors=("http://localhost:3000",)) as url:
        allowed = httpx.get(url + "/sparql", params={"query": "ASK {}"},
                            headers={"Origin": "http://localhost:3000"})
        other = httpx.get(url + "/sparql", params={"query": "ASK {}"},
                          headers={"Origin": "http://evil.example"})
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert "access-control-allow-origin" not in other.headers


# -- the release at the ontology IRI --------------------------------------------------------
@pytest.mark.parametrize("accept, ext", [
    ("text/turtle", "ttl"), ("application/n-triples", "nt"), ("application/rdf+xml", "rdf"),
    ("application/ld+json", "jsonld"), ("*/*", "ttl"),
])
def test_release_files_are_negotiated_at_the_ontology_path(client, accept, ext):
    expected = (release_dir() / f"ai_leadership.{ext}").read_bytes()
    negotiated = client.get("/ai-leadership-kg/ontology", headers={"Accept": accept})
    by_extension = client.get(f"/ai-leadership-kg/ontology.{ext}")
    versioned = client.get(f"/ai-leadership-kg/ontology/0.1.0.{ext}")
    assert negotiated.status_code == by_extension.status_code == versioned.status_code == 200
    assert negotiated.content == by_extension.content == versioned.content == expected


def test_tbox_html_and_unknown_documents(client):
    tbox = client.get("/ai-leadership-kg/ontology/tbox.nt")
    assert tbox.content == (release_dir() / "ai_leadership-tbox.nt").read_bytes()
    html = client.get("/ai-leadership-kg/ontology", headers={"Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html") and 'id="Role"' in html.text
    assert client.get("/ai-leadership-kg/ontology/nothing.ttl").status_code == 404


# -- standard clients and the catalogue -------------------------------------------------------
def test_sparqlwrapper_reads_the_endpoint(endpoint):
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(endpoint + "/sparql")
    client.setQuery("PREFIX ail: <https://w3id.org/ai-leadership-kg/ontology#>\n"
                    "SELECT ?level WHERE { ail:HeadOfAIEngineering ail:seniorityLevel ?level }")
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert result["results"]["bindings"][0]["level"]["value"] == "7"
    client.setQuery("DESCRIBE <https://w3id.org/ai-leadership-kg/ontology#AIEngineer>")
    client.setReturnFormat(TURTLE)
    assert b"AIEngineer" in client.query().convert()
    client.setMethod("POST")
    client.setQuery("ASK { ?s ?p ?o }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def _rows(payload: bytes) -> list[dict]:
    solutions = ox.parse_query_results(payload, ox.QueryResultsFormat.JSON)
    names = [v.value for v in solutions.variables]
    return [{n: sparql.to_python(row[n]) for n in names if row[n] is not None} for row in solutions]


def _group_concats(text: str) -> list[tuple[str, str]]:
    found = []
    for match in re.finditer(r"GROUP_CONCAT\((.*?)\)\s+AS\s+\?(\w+)", text, re.I | re.S):
        separator = re.search(r"separator\s*=\s*(\"[^\"]*\"|'[^']*')", match.group(1), re.I)
        found.append((match.group(2), separator.group(1)[1:-1] if separator else " "))
    return found


NO_PARAMS = [q.name for q in catalogue.catalogue().values()
             if all(p.optional for p in q.params)]


@pytest.mark.parametrize("name", NO_PARAMS)
def test_catalogue_answers_the_same_locally_and_through_the_endpoint(graph, client, name):
    query = catalogue.get(name)
    local = graph.query(query.text)
    response = client.post("/sparql", data={"query": query.text},
                           headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    remote = _rows(response.content)
    # SPARQL leaves the order inside GROUP_CONCAT open, and it differs between two stores
    # holding the same triples: compare those columns as sets.
    for column, separator in _group_concats(query.text):
        for row in (*local, *remote):
            if isinstance(row.get(column), str):
                row[column] = separator.join(sorted(row[column].split(separator)))
    # the same rows; rows that tie on ORDER BY may come in either order
    key = lambda row: json.dumps(row, sort_keys=True, default=str)  # noqa: E731
    assert sorted(remote, key=key) == sorted(local, key=key)


# -- the command itself ----------------------------------------------------------------------
@pytest.mark.slow
def test_aikg_serve_in_a_subprocess_logs_one_line_per_request(tmp_path):
    release_dir()
    port = free_port()
    extra = tmp_path / "mine.ttl"
    extra.write_text(
        "@prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "ail:HeadOfAIEngineering rdfs:comment \"seen through --with\"@en .\n")
    process = subprocess.Popen(
        [*aikg_command(), "--with", str(extra), "serve", "--port", str(port),
         "--timeout", "5"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(url + "/", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(process.stderr.read()) from None
                time.sleep(0.2)
        ask = httpx.get(url + "/sparql", timeout=30, params={
            "query": 'ASK { ail:HeadOfAIEngineering rdfs:comment "seen through --with"@en }'})
        assert ask.json()["boolean"] is True
        refused = httpx.get(url + "/sparql", params={"query": "LOAD <http://x/>"}, timeout=30)
        assert refused.status_code == 400
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert "SPARQL endpoint: http://127.0.0.1:" in stderr
    log_lines = [line for line in stderr.splitlines() if " /sparql " in line]
    assert len(log_lines) == 2, stderr
    assert " 200 " in log_lines[0] and " 400 " in log_lines[1]


def test_serve_binds_localhost_by_default():
    from click.testing import CliRunner

    from kg.cli import main

    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "127.0.0.1" in result.output and "--cors" in result.output


def test_serving_logs_requests_without_configuring_global_logging(monkeypatch, capsys):
    import logging

    from kg.serving import server

    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    monkeypatch.setattr(server.log, "hasHandlers", lambda: False)  # as in a bare `aikg serve`
    with server._request_log_to_stderr():
        server.log.info("GET /sparql 200")
        assert (list(root.handlers), root.level) == before
    assert server.log.handlers == [] and server.log.level == logging.NOTSET
    assert capsys.readouterr().err.endswith(" GET /sparql 200\n")
