"""The endpoint's walls of issue 25, each against a real server and real sockets.

- Pages (``/browse``, the ontology's HTML) run in the query workers: abandoned requests for a
  large class's page are stopped, and ``ASK {}`` stays fast meanwhile; the first HTML
  request for the ontology does not stall the other clients.
- The query guard runs in the workers: a 190 kB ``VALUES`` block (12-25 s of rdflib) is
  stopped at the server's ``--timeout`` and holds no lock the other clients wait on.
- One client address gets a share of the connections: 300 idle or slowloris connections
  from 127.0.0.2 leave 127.0.0.3 served.
- Ctrl-C stops ``aikg serve`` with a query still running.
- A 406 does not echo a 60 kB Accept header; a CONSTRUCT asked for as SPARQL results gets
  406, not Turtle.

Clients come from different loopback addresses (127.0.0.2, 127.0.0.3) where the point is
that one client cannot starve another.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from tests.embedding_support import aikg_command, free_port, release_dir

ROOT = Path(__file__).resolve().parent.parent
LARGE_CLASS = "/browse/entity/Responsibility"  # ~2,000 members at 50k triples: 20 s a page


@pytest.fixture(scope="module")
def large_graph(tmp_path_factory):
    """A KnowledgeGraph over bench/gen_graph.py's 55k triples (no checks: only read here)."""
    import pyoxigraph as ox

    from kg.graph import KnowledgeGraph

    path = tmp_path_factory.mktemp("large") / "g.nt"
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen_graph.py"), "--triples", "50000",
                    "-o", str(path)], check=True, capture_output=True, timeout=120)
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    return KnowledgeGraph(store)


@pytest.fixture(scope="module")
def large_server(large_graph):
    from kg.serving.server import running_server

    with running_server(graph=large_graph, timeout=60, workers=2) as url:
        yield url


@pytest.fixture(scope="module")
def release_server(graph):
    from kg.serving.server import running_server

    with running_server(graph=graph, timeout=3, workers=2, client_timeout=5) as url:
        yield url


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _open(url: str, raw: bytes, source: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", _port(url)), timeout=10,
                                    source_address=(source, 0))
    if raw:
        sock.sendall(raw)
    return sock


def _get(path: str, accept: str = "text/html") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: {accept}\r\n\r\n".encode()


def _timed_ask(url: str, source: str, n: int = 0) -> tuple[int, float]:
    # a query never asked before: no cache anywhere may answer it
    query = f"ASK {{ FILTER({n} = {n}) }}"
    with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=60) as client:
        started = time.monotonic()
        response = client.get(url + "/sparql", params={"query": query})
        return response.status_code, time.monotonic() - started


# -- pages in the workers -------------------------------------------------------------------
def test_ask_stays_fast_while_45_abandoned_pages_of_a_large_class_are_in_flight(large_server):
    url = large_server
    attackers = [_open(url, _get(LARGE_CLASS), "127.0.0.2") for _ in range(45)]
    try:
        time.sleep(0.3)
        timings = [_timed_ask(url, "127.0.0.3", n) for n in range(3)]
    finally:
        for sock in attackers:  # each client gone after about a second
            sock.close()
    timings += [_timed_ask(url, "127.0.0.3", n) for n in range(3, 8)]
    assert all(status == 200 for status, _ in timings), timings
    assert max(seconds for _, seconds in timings) <= 1.0, timings


def test_a_page_is_stopped_at_the_timeout_not_built_for_minutes(large_graph):
    from kg.serving.server import running_server

    with running_server(graph=large_graph, timeout=0.3, workers=2) as url:
        started = time.monotonic()
        # the picture of the whole 55k-triple graph: 1-2 s to make on an idle machine, so far
        # past a 0.3 s timeout whatever the load (2 s was not: the page came back, 200)
        response = httpx.get(url + "/browse/graph.html", timeout=120)
        elapsed = time.monotonic() - started
        assert response.status_code == 503 and "--timeout" in response.text
        assert elapsed < 6, elapsed
        assert httpx.get(url + "/sparql", params={"query": "ASK {}"}, timeout=10).is_success


def test_the_first_html_ontology_page_does_not_stall_other_clients(large_graph):
    from kg.serving.server import running_server

    with running_server(graph=large_graph, timeout=60, workers=2) as url:
        _timed_ask(url, "127.0.0.3", 0)  # both workers up and warm
        page = {}

        def fetch():
            page["response"] = httpx.get(url + "/ai-leadership-kg/ontology", timeout=60,
                                         headers={"Accept": "text/html"})

        thread = threading.Thread(target=fetch)
        thread.start()
        time.sleep(0.15)
        status, seconds = _timed_ask(url, "127.0.0.3", 1)
        thread.join(60)
        assert status == 200 and seconds < 0.5, seconds
        assert page["response"].status_code == 200
        assert b"<html" in page["response"].content[:500].lower()


# -- the query guard within budget ----------------------------------------------------------
# 190 kB; the variable named ?from takes it past the lexer's quick pass (kg.query.lexer: a
# token that could start FROM), so rdflib parses it in full: 12-25 s
VALUES = "SELECT ?from WHERE { VALUES ?from { " + "1 " * 95_000 + "} }"


def test_a_slow_guard_parse_is_stopped_at_the_timeout(release_server):
    started = time.monotonic()
    response = httpx.post(release_server + "/sparql", content=VALUES, timeout=60,
                          headers={"Content-Type": "application/sparql-query"})
    elapsed = time.monotonic() - started
    assert response.status_code == 503 and "3 s limit" in response.text, response.text
    assert elapsed < 8, elapsed


def test_slow_guard_parses_hold_no_lock_over_other_clients(release_server):
    url = release_server
    body = VALUES.encode()
    head = (f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query"
            f"\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    attackers = [_open(url, head + body, "127.0.0.2") for _ in range(4)]
    try:
        time.sleep(0.5)
        timings = [_timed_ask(url, "127.0.0.3", 100 + n) for n in range(3)]
    finally:
        for sock in attackers:
            sock.close()
    assert all(status == 200 for status, _ in timings), timings
    assert max(seconds for _, seconds in timings) <= 1.0, timings


# -- connections per address ----------------------------------------------------------------
@pytest.mark.parametrize("raw", [b"", b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 12"],
                         ids=["idle", "slowloris"])
def test_one_address_cannot_take_every_connection(release_server, raw):
    url = release_server
    held = []
    try:
        for _ in range(300):
            try:
                held.append(_open(url, raw, "127.0.0.2"))
            except OSError:
                break
        time.sleep(0.3)
        statuses = [_timed_ask(url, "127.0.0.3", 200 + n)[0] for n in range(36)]
    finally:
        for sock in held:
            sock.close()
    assert statuses.count(200) == 36, statuses


def test_a_connection_over_the_share_gets_503_at_once(graph):
    from kg.serving.server import running_server

    with running_server(graph=graph, workers=1, max_per_address=3) as url:
        held = [_open(url, b"", "127.0.0.2") for _ in range(3)]
        extra = _open(url, b"", "127.0.0.2")
        extra.settimeout(5)
        answer = extra.recv(4096)
        assert answer.startswith(b"HTTP/1.1 503 ") and b"at most 3 at once" in answer
        assert _timed_ask(url, "127.0.0.3")[0] == 200
        for sock in [*held, extra]:
            sock.close()
        time.sleep(0.2)
        assert _timed_ask(url, "127.0.0.2")[0] == 200  # its share is free again


# -- negotiation and echoes -----------------------------------------------------------------
@pytest.mark.parametrize("path", ["/sparql?query=ASK%7B%7D", "/ai-leadership-kg/ontology",
                                  "/browse/entity/HeadOfAIEngineering"])
def test_a_406_does_not_echo_a_huge_accept_header(release_server, path):
    accept = "x/" + "y" * 60_000
    response = httpx.get(release_server + path, headers={"Accept": accept}, timeout=20)
    assert response.status_code == 406
    assert len(response.content) < 1000, len(response.content)


def test_a_construct_asked_for_as_sparql_results_gets_406(release_server):
    query = "CONSTRUCT WHERE { ?s a ?c } LIMIT 1"
    response = httpx.get(release_server + "/sparql", params={"query": query}, timeout=20,
                         headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 406, (response.status_code, response.text[:200])
    assert "text/turtle" in response.text
    select = httpx.get(release_server + "/sparql", params={"query": "SELECT * WHERE {} LIMIT 1"},
                       headers={"Accept": "text/turtle"}, timeout=20)
    assert select.status_code == 406
    either = httpx.get(release_server + "/sparql", params={"query": query}, timeout=20,
                       headers={"Accept": "application/sparql-results+json, text/turtle;q=0.5"})
    assert either.status_code == 200 and either.headers["content-type"].startswith("text/turtle")


# -- Ctrl-C ---------------------------------------------------------------------------------
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_ctrl_c_stops_the_server_with_a_query_running(tmp_path):
    release_dir()
    port = free_port()
    log = tmp_path / "stderr.txt"
    with open(log, "w") as stderr:
        process = subprocess.Popen([*aikg_command(), "serve", "--port", str(port),
                                    "--timeout", "120"],
                                   stdout=subprocess.DEVNULL, stderr=stderr)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(url + "/sparql", params={"query": "ASK {}"}, timeout=5).is_success:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        running = _open(url, _get(f"/sparql?query={quote(RUNAWAY)}", "*/*"), "127.0.0.1")
        time.sleep(1)
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            pytest.fail("aikg serve still running 15 s after Ctrl-C")
        assert time.monotonic() - started < 15
        assert "Traceback" not in log.read_text()
        running.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


# -- a large class's page, a page at a time ---------------------------------------------------
def test_a_large_class_is_listed_a_page_at_a_time_each_member_once(large_graph):
    import html
    import re

    from kg.serving import linked_data

    members = {row["s"] for row in large_graph.query(
        "SELECT DISTINCT ?s WHERE { ?s ?p ail:Responsibility FILTER(!isBlank(?s)) }")}
    assert len(members) > 1000  # the class is large (200 a page)
    seen, query, pages = [], "", 0
    while True:
        started = time.monotonic()
        status, _, body = linked_data.respond(large_graph, LARGE_CLASS, query)
        assert status == 200 and time.monotonic() - started < 5
        page = body.decode()
        listed = page.split('id="linked-from"', 1)[1].split("</dl>", 1)[0]
        seen += [html.unescape(h) for h in re.findall(r'<dd><a href="([^"]+)"', listed)]
        pages += 1
        following = re.search(r'<a href="([^"]+)" rel="next">', page)
        if not following:
            break
        query = html.unescape(following.group(1)).split("?", 1)[1]
    assert pages > 5
    hrefs = {linked_data.entity_href(iri) for iri in members}
    assert len(seen) == len(set(seen)) and set(seen) == hrefs
