"""``/api``: the career questions over HTTP give what the commands print with ``--format json``.

A real server (uvicorn in a thread, its query workers in processes) answers; the command line
runs in-process through click. Errors, unknown parameters and a full queue are checked too.
"""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest

from tests.embedding_support import release_dir
from tests.test_server import SLOW

QUESTIONS = [  # (API path and parameters, the same question on the command line)
    ("path", {"from": "Junior AI Engineer", "to": "Head of AI Engineering"},
     ["path", "Junior AI Engineer", "Head of AI Engineering"]),
    ("path", {"from": "AI Engineer", "to": "Director of AI", "have": ["Python", "Mentoring"],
              "by": "steps", "alternatives": "2"},
     ["path", "AI Engineer", "Director of AI", "--have", "Python", "--have", "Mentoring",
      "--by", "steps", "--alternatives", "2"]),
    ("path", {"from": "Junior AI Engineer", "to": "Head of AI Engineering",
              "via": "Lead AI Engineer", "avoid": "AI Team Lead"},
     ["path", "Junior AI Engineer", "Head of AI Engineering", "--via", "Lead AI Engineer",
      "--avoid", "AI Team Lead"]),
    ("gap", {"from": "AI Engineer", "to": "Senior AI Engineer", "have": "Deep learning"},
     ["gap", "AI Engineer", "Senior AI Engineer", "--have", "Deep learning"]),
    ("next", {"role": "Senior AI Engineer"}, ["next", "Senior AI Engineer"]),
    ("ready", {"role": "AI Engineer", "have": "Mentoring", "limit": "4"},
     ["ready", "--role", "AI Engineer", "--have", "Mentoring", "--limit", "4"]),
    ("search", {"text": "python"}, ["search", "python"]),
    ("search", {"text": "engineer", "class": "ail:Role", "limit": "3"},
     ["search", "engineer", "--class", "ail:Role", "--limit", "3"]),
    ("describe", {"entity": "Head of AI Engineering"}, ["describe", "Head of AI Engineering"]),
]


@pytest.fixture(scope="module")
def client():
    release_dir()
    from kg.serving.server import running_server

    with running_server(timeout=5) as url, httpx.Client(base_url=url, timeout=60) as http:
        yield http


@pytest.mark.parametrize("name, params, command", QUESTIONS,
                         ids=[f"{q[0]}-{n}" for n, q in enumerate(QUESTIONS)])
def test_the_api_answers_as_the_command_line_prints(client, aikg, name, params, command):
    response = client.get(f"/api/{name}", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    printed = aikg(*command, "--format", "json")
    assert printed.exit_code == 0, printed.output
    assert response.text == printed.stdout


@pytest.mark.parametrize("name, params, command, status", [
    ("path", {"from": "Head of A1", "to": "AI Engineer"}, ["path", "Head of A1", "AI Engineer"],
     404),
    ("path", {"from": "AI Engineer", "to": "AI Engineer"}, ["path", "AI Engineer", "AI Engineer"],
     400),
    ("path", {"from": "Head of AI Engineering", "to": "AI Engineer"},
     ["path", "Head of AI Engineering", "AI Engineer"], 400),
    ("gap", {"from": "Python", "to": "AI Engineer"}, ["gap", "Python", "AI Engineer"], 404),
    ("ready", {"have": "AI Engineer"}, ["ready", "--have", "AI Engineer"], 404),
    ("describe", {"entity": "Nothing Of The Sort"}, ["describe", "Nothing Of The Sort"], 404),
])
def test_errors_are_json_with_the_command_lines_message(client, runner, name, params, command,
                                                        status):
    from kg.cli import main

    response = client.get(f"/api/{name}", params=params)
    assert response.status_code == status, response.text
    printed = runner.invoke(main, [*command, "--format", "json"])
    assert printed.exit_code == 1
    assert response.json() == {"error": printed.stderr.strip().removeprefix("Error: "),
                               "status": status}


@pytest.mark.parametrize("query, message", [
    ("/api/path?from=AI+Engineer&to=Director+of+AI&frm=x",
     "/api/path has no parameter 'frm'; it takes: from, to, have, by, via, avoid, "
     "alternatives, lateral."),
    ("/api/path?to=Director+of+AI", "/api/path needs the parameter 'from' (the role you start "
                                    "from.)"),
    ("/api/path?from=a&from=b&to=c", "'from' is given 2 times; give it once."),
    ("/api/ready?" + "&".join(["have=Python"] * 501), "'have' is given 501 times; at most 500."),
    ("/api/path?from=a&to=c&alternatives=two", "'alternatives' must be a whole number (got 'two')."),
    ("/api/path?from=a&to=c&alternatives=0", "'alternatives' must be between 1 and 20 (got 0)."),
    ("/api/path?from=a&to=c&lateral=maybe", "'lateral' must be true or false (got 'maybe')."),
    ("/api/path?from=&to=c", "'from=' is empty; give a name of at most 1000 characters."),
    ("/api/search?text=" + "x" * 1001, "'text=" + "x" * 40 + "...' is too long; give a name of "
                                       "at most 1000 characters."),
])
def test_bad_parameters_are_400_with_the_reason(client, query, message):
    response = client.get(query)
    assert response.status_code == 400
    assert response.json()["error"] == message


def test_an_unknown_parameter_lists_the_allowed_ones(client):
    body = client.get("/api/ready", params={"skill": "Python"}).json()
    assert body["allowed"] == ["have", "role", "limit"]


def test_an_unknown_question_is_404_naming_the_questions(client):
    response = client.get("/api/paths")
    assert response.status_code == 404
    assert response.json()["allowed"] == ["path", "gap", "next", "ready", "search", "describe",
                                          "skills", "find"]


def test_the_openapi_description_covers_every_question_and_parameter(client):
    from kg.serving.api import ENDPOINTS

    validator = pytest.importorskip("openapi_spec_validator")
    document = client.get("/api/openapi.json").json()
    validator.validate(document)  # the OpenAPI 3.1 schema itself
    broken = json.loads(json.dumps(document))
    broken["paths"]["/api/path"]["get"]["parameters"][0]["in"] = "body"
    with pytest.raises(Exception, match="is not one of"):  # it would say so
        validator.validate(broken)
    assert document["openapi"].startswith("3.1")
    assert sorted(document["paths"]) == sorted(f"/api/{name}" for name in ENDPOINTS)
    for name, endpoint in ENDPOINTS.items():
        described = document["paths"][f"/api/{name}"]["get"]["parameters"]
        assert [p["name"] for p in described] == [p.name for p in endpoint.params]
        assert [p["required"] for p in described] == [p.required for p in endpoint.params]


def test_find_forgives_a_typo_and_names_the_vocabulary(client):
    body = client.get("/api/find", params={"text": "Hed of AI Enginering",
                                           "class": "ail:Occupation"}).json()
    top = body["candidates"][0]
    assert (top["label"], top["vocabulary"], top["match"]) == ("Head of AI Engineering", "ail",
                                                               "close")


def test_skills_lists_what_the_role_requires(client, graph):
    body = client.get("/api/skills", params={"role": "AI Engineer"}).json()
    rows = graph.named("skills-for-role", role="ail:AIEngineer")
    assert {s["iri"] for s in body["skills"]} == {r["skill"] for r in rows}
    essential = [s["essential"] for s in body["skills"]]
    assert essential == sorted(essential, reverse=True)  # essential first


def test_a_full_queue_is_503_with_retry_after_as_json():
    """One worker, a queue of two: one address may run one question and hold one waiting; a
    third waits nowhere. Without the queue check the API question would wait and answer 200."""
    from kg.serving.server import running_server

    def ask_then_leave():
        try:  # the server's limit is far off: the question is still running when it leaves
            httpx.get(url + "/sparql", params={"query": SLOW}, timeout=6)
        except httpx.TimeoutException:
            pass

    with running_server(timeout=60, workers=1, queue=2) as url:
        warm = httpx.get(url + "/sparql", params={"query": "ASK {}"}, timeout=60)
        assert warm.status_code == 200  # the worker is up and the guard's parser warm
        slow = [threading.Thread(target=ask_then_leave) for _ in range(2)]
        for thread in slow:
            thread.start()
            time.sleep(1.0)  # it is in: running, or waiting behind the first
        response = httpx.get(url + "/api/path", params={"from": "AI Engineer",
                                                        "to": "Director of AI"}, timeout=30)
        for thread in slow:
            thread.join()
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"].isdigit()
        body = response.json()
        assert "busy" in body["error"] and body["retry_after"] == int(
            response.headers["retry-after"])
        after = httpx.get(url + "/api/next", params={"role": "AI Engineer"}, timeout=30)
        assert after.status_code == 200


def test_home_is_the_planner_for_browsers_and_the_listing_for_scripts(client):
    page = client.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "connect-src 'self'" in page.headers["content-security-policy"]
    listing = client.get("/", headers={"Accept": "text/plain"})
    assert listing.headers["content-type"].startswith("text/plain")
    assert "/api/path" in listing.text and "/sparql" in listing.text
    assert json.loads(client.get("/api/openapi.json").text)["info"]["title"]


OCCUPATION = """\
@prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ex: <https://example.org/jobs#> .

ex:DataWrangler a ail:Occupation ;
    rdfs:label "Data Wrangler"@en ;
    skos:definition "An occupation of another vocabulary, not a role of the ladder."@en ;
    dcterms:source ail:SectionRequirements ;
    ail:requiresEssentialSkill ail:SkillPython ;
    ail:requiresPreferredSkill ail:SkillSQL .
"""


def test_an_occupation_of_another_vocabulary_is_found_with_its_skills(tmp_path):
    """Not an ail:Role (as O*NET's and ESCO's occupations are not): found by name with its
    vocabulary, and its skills listed by IRI (they were refused as 'No role has the IRI')."""
    from kg.serving.server import running_server

    extra = tmp_path / "occupation.ttl"
    extra.write_text(OCCUPATION, encoding="utf-8")
    iri = "https://example.org/jobs#DataWrangler"
    with running_server(extra=[extra], timeout=5) as url:
        found = httpx.get(url + "/api/find", params={"text": "data wrangler",
                                                     "class": "ail:Occupation"}).json()
        assert found["candidates"][0]["iri"] == iri
        assert found["candidates"][0]["vocabulary"] == "ex"  # the prefix its file declares
        skills = httpx.get(url + "/api/skills", params={"role": iri})
        assert skills.status_code == 200, skills.text
        assert [(s["label"], s["essential"]) for s in skills.json()["skills"]] == [
            ("Python", True), ("SQL", False)]


def test_a_graph_without_roles_is_served_without_a_planner():
    """The SPARQL endpoint still starts; a browser at / is told why there is no planner."""
    import pyoxigraph as ox

    from kg.graph import KnowledgeGraph
    from kg.serving.server import running_server

    with running_server(graph=KnowledgeGraph(ox.Store()), timeout=5) as url:
        page = httpx.get(url + "/", headers={"Accept": "text/html"})
        assert page.status_code == 404
        assert page.text.startswith("No career planner: The graph has no roles with a label")
        ask = httpx.get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert ask.json()["boolean"] is False  # served, and empty


def test_a_question_past_the_timeout_is_stopped_and_said_in_json():
    """The pool's timeout holds for the API as for /sparql: 10 ms is less than any first
    question takes (the worker builds the ladder), so the worker is killed and replaced."""
    from kg.serving.server import running_server

    with running_server(timeout=0.01, workers=1) as url:
        response = httpx.get(url + "/api/path", params={"from": "AI Engineer",
                                                        "to": "Director of AI"}, timeout=30)
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/json"
        assert response.json() == {
            "error": "The query ran longer than the 0.01 s limit and was stopped; narrow it or "
                     "restart the server with a higher --timeout.", "status": 503}
