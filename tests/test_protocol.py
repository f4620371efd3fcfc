"""The endpoint's protocol rules (kg/serving/protocol.py): Service Description, the dataset a
request names, content negotiation per query form, charset, the base IRI."""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest

from kg.serving import protocol

EX = "http://example.org/"


@pytest.fixture(scope="module")
def named_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("graphs") / "extra.ttl"
    path.write_text(f"<{EX}s> <{EX}p> 'in the named graph' .\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def endpoint(graph, named_file):
    from kg.serving.server import running_server

    with running_server(graph=graph, graphs={EX + "g": str(named_file)}) as url:
        yield url + "/sparql"


@pytest.fixture(scope="module")
def client():
    with httpx.Client(timeout=30) as session:
        yield session


@pytest.mark.parametrize("accept, media, fmt", [
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("*/*", "text/turtle", ox.RdfFormat.TURTLE),
])
def test_service_description_in_each_format(client, endpoint, graph, accept, media, fmt):
    response = client.get(endpoint, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    store = ox.Store()
    store.load(response.content, format=fmt)
    sd = protocol.SD
    ask = (f"PREFIX sd: <{sd}> PREFIX void: <{protocol.VOID}> ASK {{ <{endpoint}> a sd:Service ; "
           f"sd:endpoint <{endpoint}> ; sd:supportedLanguage sd:SPARQL11Query ; "
           "sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_CSV> ; "
           f"sd:defaultDataset [ sd:defaultGraph [ void:triples {len(graph)} ] ; "
           f"sd:namedGraph [ sd:name <{EX}g> ; sd:graph [ void:triples 1 ] ] ] ; "
           f"sd:availableGraphs [ sd:namedGraph [ sd:name <{protocol.GRAPH}> ] ] }}")
    assert bool(store.query(ask))


def test_service_description_refuses_what_it_cannot_write(client, endpoint):
    response = client.get(endpoint, headers={"Accept": "text/csv"})
    assert response.status_code == 406 and "text/turtle" in response.text


def _ask(client, endpoint, query, **params):
    return client.get(endpoint, params={"query": query, **params},
                      headers={"Accept": "application/sparql-results+json"})


def test_the_default_dataset_is_the_graph_and_the_named_graphs(client, endpoint):
    assert _ask(client, endpoint, "ASK { ?r a ail:Role }").json()["boolean"] is True
    assert _ask(client, endpoint, "ASK { GRAPH <http://example.org/g> { ?s ?p ?o } }").json()[
        "boolean"] is True
    assert _ask(client, endpoint, "ASK { <http://example.org/s> ?p ?o }").json()[
        "boolean"] is False


def test_default_graph_uri_naming_a_served_graph_is_honoured(client, endpoint):
    named = _ask(client, endpoint, "ASK { <http://example.org/s> ?p ?o }",
                 **{"default-graph-uri": EX + "g"})
    assert named.json()["boolean"] is True
    own = _ask(client, endpoint, "ASK { ?r a ail:Role }",
               **{"default-graph-uri": protocol.GRAPH})
    assert own.json()["boolean"] is True
    as_named = _ask(client, endpoint, "ASK { GRAPH ?g { ?r a ail:Role } }",
                    **{"named-graph-uri": protocol.GRAPH})
    assert as_named.json()["boolean"] is True


def test_an_empty_graph_parameter_is_ignored(client, endpoint):
    response = _ask(client, endpoint, "ASK { ?r a ail:Role }", **{"default-graph-uri": ""})
    assert response.status_code == 200 and response.json()["boolean"] is True


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_a_graph_the_endpoint_does_not_serve_is_refused_with_the_list(client, endpoint, parameter):
    response = _ask(client, endpoint, "ASK {}", **{parameter: "http://elsewhere.example/g"})
    assert response.status_code == 400
    assert response.text.count("\n") == 1
    assert f"{parameter} <http://elsewhere.example/g> is not a graph this endpoint serves" in (
        response.text)
    assert f"<{protocol.GRAPH}>" in response.text and f"<{EX}g>" in response.text


def test_from_is_refused_unless_the_request_names_the_dataset(client, endpoint):
    query = f"ASK FROM <{EX}g> {{ <{EX}s> ?p ?o }}"
    assert _ask(client, endpoint, query).status_code == 400
    overridden = _ask(client, endpoint, query, **{"default-graph-uri": protocol.GRAPH})
    assert overridden.status_code == 200 and overridden.json()["boolean"] is False


@pytest.mark.parametrize("query, accept, status, media", [
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "text/turtle", 406, None),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "text/csv", 200, "text/csv"),
    ("ASK {}", "text/csv", 406, None),
    ("ASK {}", "text/tab-separated-values", 406, None),
    ("ASK {}", "text/csv, application/sparql-results+xml;q=0.5", 200,
     "application/sparql-results+xml"),
    ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "application/sparql-results+json", 406, None),
    ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "application/ld+json", 200, "application/ld+json"),
])
def test_negotiation_follows_the_query_form(client, endpoint, query, accept, status, media):
    response = client.get(endpoint, params={"query": query}, headers={"Accept": accept})
    assert response.status_code == status, response.text
    if media:
        assert response.headers["content-type"].startswith(media)
    else:
        assert "ask for one of" in response.text and response.text.count("\n") == 1


def test_a_body_in_another_charset_is_refused(client, endpoint):
    response = client.post(endpoint, content="ASK {}".encode("utf-16"),
                           headers={"Content-Type": "application/sparql-query; charset=UTF-16"})
    assert response.status_code == 415 and "UTF-8" in response.text


def test_relative_iris_resolve_against_the_endpoint_url(client, endpoint):
    response = client.get(endpoint, params={"query": "SELECT ?x WHERE { BIND(<rel> AS ?x) }"},
                          headers={"Accept": "application/sparql-results+json"})
    value = response.json()["results"]["bindings"][0]["x"]["value"]
    assert value == endpoint.rsplit("/", 1)[0] + "/rel"


def test_an_escaped_string_is_answered(client, endpoint):
    response = client.get(endpoint, params={"query": r'SELECT ?x WHERE { BIND("caf\u00e9" AS ?x) }'},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.json()["results"]["bindings"][0]["x"]["value"] == "café"
