"""The W3C SPARQL 1.1 Protocol tests (query side) and Service Description tests.

Each protocol test is a list of HTTP requests with the expected status, format and boolean;
they are sent as written, to one endpoint for the whole module, whose path replaces the
tests' ``/sparql/``. The endpoint serves an empty default graph and, as named graphs, the
test data (``data1.nt`` ... under the ``http://kasei.us/...`` names the tests give them; the
tests also name ``data0.rdf`` with no data: it is served empty). The update tests expect a
writable endpoint: they are listed as refused by design.
"""

from __future__ import annotations


import httpx
import pyoxigraph as ox
import pytest

from tests import w3c_support as w3c

pytestmark = pytest.mark.skipif(not w3c.available(), reason=w3c.MISSING)

HT = "http://www.w3.org/2011/http#"
CNT = "http://www.w3.org/2011/content#"
MF = w3c.MF
SD = "http://www.w3.org/ns/sparql-service-description#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

PROTOCOL = [c for c in w3c.cases() if c.kind == "ProtocolTest"]
DESCRIPTION = [c for c in w3c.cases() if c.kind == "ServiceDescriptionTest"]
KIND_OF = {"boolean": ("application/sparql-results+json", "application/sparql-results+xml"),
           "tabular": ("application/sparql-results+json", "application/sparql-results+xml",
                       "text/csv", "text/tab-separated-values"),
           "RDF": ("text/turtle", "application/n-triples", "application/rdf+xml",
                   "application/ld+json")}


def _graphs() -> dict[str, str]:
    """Graph name -> data file, as the protocol manifest's ``ut:graphData`` gives them."""
    out = {}
    for case in PROTOCOL:
        manifest = case.graph
        for data in manifest.objects(case.node, w3c.UT + "graphData"):
            name = manifest.one(data, RDFS_LABEL).value
            out[name] = str(w3c._path(manifest.one(data, w3c.UT + "graph")))
    return out


@pytest.fixture(scope="module")
def endpoint():
    from kg.graph import KnowledgeGraph
    from kg.serving.server import running_server

    graphs = _graphs()
    graphs.setdefault("http://kasei.us/2009/09/sparql/data/data0.rdf", None)
    with running_server(graph=KnowledgeGraph(ox.Store()), graphs=graphs) as url:
        yield url + "/sparql"


def _requests(case: w3c.Case) -> list:
    manifest = case.graph
    action = manifest.one(case.node, MF + "action")
    return manifest.collection(manifest.one(action, HT + "requests"))


def _send(client: httpx.Client, endpoint: str, manifest, request) -> httpx.Response:
    path = manifest.one(request, HT + "absolutePath").value
    url = endpoint + path[len("/sparql/"):]
    headers = {}
    for header in manifest.collection(manifest.one(request, HT + "headers")):
        headers[manifest.one(header, HT + "fieldName").value] = manifest.one(
            header, HT + "fieldValue").value
    body = manifest.one(request, HT + "body")
    content = manifest.one(body, CNT + "chars").value.encode("utf-8") if body else None
    method = manifest.one(request, HT + "methodName").value
    return client.request(method, url, content=content, headers=headers)


def _check(manifest, response: httpx.Response, expected) -> None:
    classes = {s.value.rsplit("StatusCode", 1)[-1]
               for s in manifest.objects(expected, MF + "expectedStatus")}
    assert f"{response.status_code // 100}xx" in classes, (response.status_code, response.text)
    fmt = manifest.one(expected, MF + "expectedFormat")
    media = response.headers.get("content-type", "").split(";")[0]
    if fmt is not None:
        assert media in KIND_OF[fmt.value], media
    boolean = manifest.one(expected, MF + "expectedBoolean")
    if boolean is not None:
        kind = (ox.QueryResultsFormat.XML if media.endswith("xml")
                else ox.QueryResultsFormat.JSON)
        assert bool(ox.parse_query_results(response.content, kind)) == (boolean.value == "true")


@pytest.mark.parametrize("case", w3c.params(PROTOCOL))
def test_protocol(endpoint, case):
    manifest = case.graph
    with httpx.Client(timeout=30) as client:
        for request in _requests(case):
            response = _send(client, endpoint, manifest, request)
            _check(manifest, response, manifest.one(request, HT + "resp"))


@pytest.fixture(scope="module")
def description(endpoint):
    response = httpx.get(endpoint, headers={"Accept": "text/turtle"}, timeout=30)
    return response


@pytest.mark.parametrize("case", w3c.params(DESCRIPTION))
def test_service_description(endpoint, description, case):
    assert description.status_code == 200
    triples = list(ox.parse(description.content, format=ox.RdfFormat.TURTLE))
    service = [t.subject for t in triples if t.predicate.value == SD + "endpoint"
               and t.object == ox.NamedNode(endpoint)]
    if case.id == "returns-rdf":
        assert description.headers["content-type"].startswith("text/turtle") and triples
    elif case.id == "has-endpoint-triple":
        assert service
    else:  # conforms-to-schema: a typed sd:Service with the terms the schema gives it
        types = {t.object.value for t in triples if t.subject == service[0]
                 and t.predicate.value.endswith("#type")}
        assert SD + "Service" in types
        used = {t.predicate.value for t in triples if t.subject == service[0]}
        assert {SD + "supportedLanguage", SD + "resultFormat", SD + "defaultDataset"} <= used
        assert all(p.startswith(SD) or p.endswith("#type") for p in used)
