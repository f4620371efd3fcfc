"""Every read command against real triple stores, ``aikg push``, and bad endpoints.

Oxigraph server and Virtuoso 7 are started once per session on free loopback ports (see
:mod:`tests.engines_support`), loaded with ``aikg push``, and stopped at the end whatever
happens. Each read command runs locally and against each store; the JSON outputs must match.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kg.query import catalogue
from tests import engines_support as engines
from tests.test_catalogue import _normalise, example_params

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

GRAPH = "https://example.org/graphs/careers"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "acme-career-ladder.ttl"


def _virtuoso_differs() -> set[str]:
    """The catalogue queries whose header documents a Virtuoso difference (``# virtuoso:``)."""
    return {name for name, q in catalogue.catalogue().items()
            if any(line.startswith("# virtuoso:") for line in q.text.splitlines())}


VIRTUOSO_DIFFERS = _virtuoso_differs()


def _same(store, queries, there, here) -> None:
    """``there == here``, except where a query header documents that Virtuoso differs: then
    the answers must differ (a Virtuoso that answers right makes the header stale)."""
    differing = sorted(set(queries) & VIRTUOSO_DIFFERS)
    if store.name != "virtuoso" or not differing:
        assert there == here
        return
    assert there != here, f"Virtuoso now agrees on {differing}: drop their '# virtuoso:' lines"
    pytest.xfail(f"Virtuoso 7.2 differs on {', '.join(differing)} (see the query headers)")


def _available(name: str) -> bool:
    return (engines.oxigraph_binary() if name == "oxigraph" else engines.VIRTUOSO) is not None


@pytest.fixture(scope="session", params=["oxigraph", "virtuoso"])
def store(request, tmp_path_factory):
    """A running store holding the release in ``GRAPH`` (pushed with ``aikg push``)."""
    if not _available(request.param):
        pytest.fail(f"{request.param} is not installed: run 'make system venv'")
    with engines.LAUNCHERS[request.param](tmp_path_factory.mktemp(request.param)) as engine:
        yield engine


@pytest.fixture()
def remote(store, aikg, monkeypatch):
    """``aikg`` against the store; the release is pushed once per store."""
    for key, value in store.env().items():
        monkeypatch.setenv(key, value)
    if not getattr(store, "_pushed", False):
        pushed = aikg("push", "--endpoint", store.query, "--update", store.update,
                      "--gsp", store.gsp, "--graph", GRAPH)
        assert pushed.exit_code == 0, pushed.stderr
        object.__setattr__(store, "_pushed", True)

    def invoke(*args):
        return aikg("--endpoint", store.query, "--graph", GRAPH, *args)

    return invoke


# -- the same answers ---------------------------------------------------------------------
def _rows(text: str) -> list[tuple]:
    """SPARQL JSON results as sorted rows of (variable, value): GROUP_CONCAT lists compared
    as sets (their order is not defined), language tags and string datatypes ignored."""
    data = json.loads(text)
    return sorted(
        tuple(sorted((k, _normalise(v["value"])) for k, v in row.items()))
        for row in data["results"]["bindings"]
    )


@pytest.mark.parametrize("name", sorted(catalogue.catalogue()))
def test_every_catalogue_query_answers_the_same(aikg, remote, store, name):
    args = ["query", name, "--format", "json"]
    for key, value in example_params(catalogue.get(name)).items():
        args += ["-p", key, value]
    local, there = aikg(*args), remote(*args)
    assert local.exit_code == 0, local.stderr
    assert there.exit_code == 0, there.stderr
    _same(store, [name], _rows(there.stdout), _rows(local.stdout))


#: the catalogue queries each command's answer is built from on the store (path, gap, next
#: and ready read plain per-predicate tables and join them here: kg/remote/ladder.py)
USES = {
    "describe": ["entity-facts"], "describe-skill": ["entity-facts"],
    "search": ["search"], "search-class": ["search-in-class"],
}
READ_COMMANDS = {
    "describe": ["describe", "Head of AI Engineering", "--format", "json"],
    "describe-skill": ["describe", "ail:SkillPython", "--format", "json"],
    "search": ["search", "leadership", "--format", "json"],
    "search-class": ["search", "learning", "--class", "ail:Skill", "--format", "json"],
    "stats": ["stats", "--format", "json"],
    "path": ["path", "Junior AI Engineer", "Head of AI Engineering", "--format", "json"],
    "path-years": ["path", "AI Engineer", "Head of AI", "--by", "years", "-k", "2",
                   "--have", "Python", "--format", "json"],
    "gap": ["gap", "AI Engineer", "Head of AI", "--have", "Python", "--format", "json"],
    "next": ["next", "Senior AI Engineer", "--format", "json"],
    "ready": ["ready", "--have", "Python", "--have", "ail:SkillMachineLearning",
              "--format", "json"],
}


def _canonical(command: str, text: str):
    if command.startswith("search") or command == "stats":
        return _rows(text)
    return _sorted_lists(json.loads(text))


def _sorted_lists(value):
    """JSON with every list of objects sorted (a store may return ties in any order)."""
    if isinstance(value, dict):
        return {k: _sorted_lists(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_lists(v) for v in value]
        if items and all(isinstance(v, dict) for v in items):
            return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
        return items
    return value


@pytest.mark.parametrize("command", sorted(READ_COMMANDS))
def test_read_commands_answer_the_same(aikg, remote, store, command):
    args = READ_COMMANDS[command]
    local, there = aikg(*args), remote(*args)
    assert local.exit_code == 0, local.stderr
    assert there.exit_code == 0, there.stderr
    _same(store, USES.get(command, []), _canonical(command, there.stdout),
          _canonical(command, local.stdout))
    if command == "stats":
        assert there.stderr == local.stderr  # "5551 triples"


def test_viz_pages_are_the_same(aikg, remote, store, tmp_path):
    local = aikg("viz", "-o", str(tmp_path / "local"))
    there = remote("viz", "-o", str(tmp_path / "remote"))
    assert local.exit_code == 0 and there.exit_code == 0, there.stderr
    names = sorted(p.name for p in (tmp_path / "local").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "remote").iterdir())
    focus = remote("viz", "-o", str(tmp_path / "focus"), "--focus", "Head of AI Engineering")
    assert focus.exit_code == 0, focus.stderr
    pages = [((tmp_path / "remote" / n).read_bytes(), (tmp_path / "local" / n).read_bytes())
             for n in names]
    # the report names each output folder: compare what it says about the pages
    said_there = there.stderr.replace(str(tmp_path / "remote"), "OUT")
    said_here = local.stderr.replace(str(tmp_path / "local"), "OUT")
    _same(store, ["ladder-salaries", "ladder-steps", "skills-for-role"],
          [said_there] + [p[0] for p in pages], [said_here] + [p[1] for p in pages])


def test_paths_fetch_the_projection_in_a_few_requests(store, remote):
    """One plain SELECT per predicate the ladder reads, whatever the size of the graph, and
    names resolved on the fetched copy."""
    from kg.paths import answers as paths
    from kg.remote import RemoteGraph, ladder

    graph = RemoteGraph(store.query, graph=GRAPH)
    paths.ready(graph, ["Python", "SQL", "ail:SkillMachineLearning"])
    first = graph.requests
    # the projection came from the tables, not from the catalogue queries sent as they are
    # (which the count below would not tell apart on the small shipped graph)
    assert graph._ladder is not None, "the ladder's tables were not fetched"
    # + the two tab-separated answers Virtuoso spoils before JSON is asked instead, + the
    # class check of the one CURIE given, + the label rows the names are resolved in (names
    # are resolved before the ladder is read)
    assert first <= len(ladder.PREDICATES) + 2 + 1 + 1, f"{first} requests"
    paths.find_path(graph, "Junior AI Engineer", "Head of AI Engineering",
                    have=["Python", "SQL"])
    assert graph.requests - first <= 3  # the ladder and the labels are fetched once


# -- push --------------------------------------------------------------------------------
def _count(store, graph: str) -> int:
    from kg.remote import RemoteGraph

    rows = RemoteGraph(store.query).query(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(rows[0]["n"])


def test_every_way_of_reading_a_ladder_table_reads_the_same_table(store, remote):
    """Tab-separated results where the store writes the standard's, else a CONSTRUCT in
    N-Triples (Virtuoso), else JSON results: the same rows, whichever is used."""
    from kg.remote import RemoteGraph, ladder

    tables = {}
    for way in ("tsv", "n-triples", "json"):
        graph = RemoteGraph(store.query, graph=GRAPH)
        graph.table_way = way
        tables[way] = {p: _pairs(ladder.table(graph, p), p) for p in ladder.PREDICATES}
        spoiled = store.name == "virtuoso" and way == "tsv"
        assert graph.table_way == ("n-triples" if spoiled else way)
    assert any(tables["json"].values())
    assert tables["n-triples"] == tables["json"]
    if store.name != "virtuoso":
        assert tables["tsv"] == tables["json"]


def _pairs(table: bytes, predicate: str) -> list[tuple[str, str]]:
    """A table's rows as RDF terms (the standard's tab-separated results may shorten
    numbers: 10 for "10"^^xsd:integer), blank nodes all alike (each way labels them)."""
    import pyoxigraph as ox

    from kg.remote import ladder

    body = "".join(f"{s} <{predicate}> {o} .\n" for s, o in ladder._rows(table))
    term = lambda t: "_:" if isinstance(t, ox.BlankNode) else str(t)  # noqa: E731
    return sorted((term(t.subject), term(t.object))
                  for t in ox.parse(body.encode(), format=ox.RdfFormat.TURTLE))


def test_a_kept_remote_ladder_follows_the_store(store, remote, aikg, tmp_path, monkeypatch):
    """The ladder read from a store is kept in the workspace under the SHA-256 of the tables
    it was built from: a later command reads it back instead of building it, and once the
    store's data changed it is built afresh (and replaces the old one)."""
    from kg.paths import answers as paths
    from kg.remote import RemoteGraph

    monkeypatch.setenv("AIKG_WORKSPACE", str(tmp_path / "ws"))
    target = GRAPH + "/kept"
    kept = tmp_path / "ws" / "remote"

    def push(*mine):
        done = aikg(*mine, "push", "--endpoint", store.query, "--update", store.update,
                    "--gsp", store.gsp, "--graph", target)
        assert done.exit_code == 0, done.stderr

    def next_roles():
        done = aikg("--endpoint", store.query, "--graph", target, "next",
                    "ail:LeadAIEngineer", "--format", "json")
        assert done.exit_code == 0, done.stderr
        return done.stdout

    push()
    before = next_roles()
    assert "Principal ML Engineer" not in before
    assert _kept_ladders(kept) == 1
    assert next_roles() == before
    again = RemoteGraph(store.query, graph=target)
    again.keep_in = kept
    paths.project(again)
    assert again._ladder is not None and again._mirror is None  # read back, not built
    push("--with", str(EXAMPLE))  # the store changes: the kept ladder no longer fits
    assert "Principal ML Engineer" in next_roles()
    assert _kept_ladders(kept) == 1


def _kept_ladders(folder) -> int:
    import sqlite3

    with sqlite3.connect(folder / "kept.db") as db:
        return len([n for (n,) in db.execute("SELECT name FROM kept") if n.startswith("projection-")])


def _push_graphs(store) -> list[str]:
    from kg.remote import RemoteGraph

    rows = RemoteGraph(store.query).query(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "
        "'urn:aikg:push:')) }")
    return [r["g"] for r in rows]


@pytest.mark.parametrize("gsp", [True, False], ids=["graph-store-protocol", "sparql-update"])
def test_push_replaces_the_graph_and_is_idempotent(store, remote, aikg, graph, gsp):
    import kg
    from kg.paths import render as path_render
    from kg.paths import answers as paths

    target = GRAPH + ("/gsp" if gsp else "/update")
    args = ["push", "--endpoint", store.query, "--update", store.update, "--graph", target]
    args += ["--gsp", store.gsp] if gsp else []
    with_mine = aikg("--with", str(EXAMPLE), *args)
    assert with_mine.exit_code == 0, with_mine.stderr
    mine = kg.load(extra=[EXAMPLE], check=False)  # checked by the push above
    assert f"Pushed {len(mine)} triples" in with_mine.stdout
    assert f"the store now holds {len(mine)} triples" in with_mine.stdout
    # the user's roles are in the store: the remote ladder reaches them
    there = aikg("--endpoint", store.query, "--graph", target, "next", "ail:LeadAIEngineer",
                 "--format", "json")
    assert there.exit_code == 0, there.stderr
    assert "Principal ML Engineer" in there.stdout
    if store.name != "virtuoso":  # Virtuoso's skill kinds differ (skills-for-role.rq)
        local = path_render.render(paths.next_roles(mine, "ail:LeadAIEngineer", ()), "json")
        assert _sorted_lists(json.loads(there.stdout)) == _sorted_lists(json.loads(local))
    for _ in range(2 if gsp else 1):  # the release alone replaces it; again: same graph
        again = aikg(*args)
        assert again.exit_code == 0, again.stderr
        assert _count(store, target) == len(graph)
        assert f"the store now holds {len(graph)} triples" in again.stdout
    assert _push_graphs(store) == []


def test_a_failed_push_leaves_the_target_as_it_was(store, remote, graph):
    """A proxy passes requests to the store but fails the third chunk for good."""
    from kg.errors import KGError
    from kg.remote import push

    target = GRAPH + "/atomic"
    push.push([_triple(q) for q in graph.triples()][:100], store.query, update=store.update,
              gsp=store.gsp, graph=target)
    before = _count(store, target)
    with _FailingProxy(store, fail_after=2) as proxy:
        with pytest.raises(KGError, match="answered 500"):
            push.push([_triple(q) for q in graph.triples()], proxy.url(store.query),
                      update=proxy.url(store.update), gsp=proxy.url(store.gsp), graph=target,
                      chunk_size=1000, timeout=10)
        assert proxy.chunks == 2 + 3  # two went through, the third was tried three times
    assert _count(store, target) == before == 100
    assert _push_graphs(store) == []  # the temporary graph was dropped


def _triple(quad):
    import pyoxigraph as ox

    return ox.Triple(quad.subject, quad.predicate, quad.object)


class _FailingProxy:
    """Forwards every request to the store; answers 500 to Graph Store posts after N."""

    def __init__(self, store, fail_after: int):
        self.store, self.fail_after, self.chunks = store, fail_after, 0

    def url(self, real: str) -> str:
        parts = urllib.parse.urlsplit(real)
        return urllib.parse.urlunsplit(parts._replace(netloc=f"127.0.0.1:{self.port}"))

    def __enter__(self):
        proxy = self
        target = urllib.parse.urlsplit(self.store.query).netloc

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                signed = proxy.store.user is None or "Authorization" in self.headers
                if "graph=" in self.path and signed:  # a digest challenge is no chunk
                    proxy.chunks += 1
                    if proxy.chunks > proxy.fail_after:
                        self.send_error(500, "disk full")
                        return
                request = urllib.request.Request(f"http://{target}{self.path}", data=body,
                                                 method="POST", headers={
                    k: v for k, v in self.headers.items() if k.lower() != "host"})
                try:
                    with urllib.request.urlopen(request, timeout=30) as answer:
                        status, data = answer.status, answer.read()
                        kind = answer.headers.get("Content-Type", "text/plain")
                    challenge = None
                except urllib.error.HTTPError as error:
                    status, data, kind = error.code, error.read(), "text/plain"
                    challenge = error.headers.get("WWW-Authenticate")
                self.send_response(status)
                if challenge:  # Virtuoso's digest challenge
                    self.send_header("WWW-Authenticate", challenge)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


# -- bad endpoints ------------------------------------------------------------------------
class _Fake(http.server.BaseHTTPRequestHandler):
    """A server that answers what the test says: an HTML page, garbage, or nothing for long."""

    reply: tuple[int, str, bytes] = (200, "text/html", b"<html><title>Login</title></html>")
    delay = 0.0

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(self.delay)
        status, kind, body = self.reply
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, *args):
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    """A client that gave up (the timeout test) breaks the pipe: not worth a traceback on a
    stderr that a later test captures."""

    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


def _fake(reply=None, delay=0.0):
    handler = type("Handler", (_Fake,), {"reply": reply or _Fake.reply, "delay": delay})
    server = _QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/sparql"


def _one_error_line(result, *needles):
    assert result.exit_code == 1, result.stdout + result.stderr
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    for needle in needles:
        assert needle in result.stderr
    assert "Traceback" not in result.stderr


BAD_REPLIES = {
    "html": ((200, "text/html", b"<html><title>Please log in</title></html>"),
             "sent an HTML page", "Please log in"),
    "malformed": ((200, "application/sparql-results+json", b'{"head": {"vars": ["x"]}, "res'),
                  "not SPARQL results"),
    "server-error": ((500, "text/plain", b"Virtuoso 42000 Error SR483: out of memory"),
                     "answered 500", "SR483"),
}


@pytest.mark.parametrize("case", sorted(BAD_REPLIES))
@pytest.mark.parametrize("command", [["stats"], ["path", "AI Engineer", "Head of AI"],
                                     ["ready", "--have", "Python"], ["describe", "Python"]])
def test_bad_replies_are_one_line(aikg, case, command):
    reply, *needles = BAD_REPLIES[case]
    server, url = _fake(reply)
    try:
        _one_error_line(aikg("--endpoint", url, *command), url, *needles)
    finally:
        server.shutdown()


def test_a_slow_endpoint_is_given_up_on_after_the_timeout(aikg):
    server, url = _fake((200, "application/sparql-results+json", b"{}"), delay=5)
    try:
        started = time.monotonic()
        result = aikg("--endpoint", url, "--timeout", "0.5", "path", "AI Engineer", "Head of AI")
        _one_error_line(result, url, "did not answer within 0.5 s", "--timeout")
        assert time.monotonic() - started < 4
    finally:
        server.shutdown()


def test_a_down_endpoint(aikg):
    url = f"http://127.0.0.1:{engines.free_port()}/sparql"
    _one_error_line(aikg("--endpoint", url, "next", "AI Engineer"), "Cannot reach endpoint", url)
    _one_error_line(aikg("push", "--endpoint", url), "Cannot reach endpoint", url)


def test_a_refused_update(store, remote, aikg, monkeypatch):
    """Wrong update URL, then (Virtuoso) no credentials: the store's own words, one line."""
    target = GRAPH + "/refused"
    wrong = aikg("push", "--endpoint", store.query, "--update", store.query,  # the query URL
                 "--graph", target)
    _one_error_line(wrong, store.query, "refused the update")
    if store.user is not None:
        monkeypatch.delenv("AIKG_ENDPOINT_USER")
        monkeypatch.setenv("NETRC", "/nonexistent")
        anonymous = aikg("push", "--endpoint", store.query, "--update", store.update,
                         "--graph", target)
        _one_error_line(anonymous, store.update, "answered 401", "AIKG_ENDPOINT_USER")
    assert _count(store, target) == 0


def test_credentials_from_a_netrc_file(store, remote, aikg, monkeypatch, tmp_path, graph):
    if store.user is None:
        pytest.skip("Oxigraph server has no accounts")
    monkeypatch.delenv("AIKG_ENDPOINT_USER")
    monkeypatch.delenv("AIKG_ENDPOINT_PASSWORD")
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {store.user} password {store.password}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    pushed = aikg("push", "--endpoint", store.query, "--update", store.update, "--gsp",
                  store.gsp, "--graph", GRAPH + "/netrc")
    assert pushed.exit_code == 0, pushed.stderr
    assert _count(store, GRAPH + "/netrc") == len(graph)


def test_credentials_in_the_url_are_refused(aikg):
    result = aikg("--endpoint", "http://dba:secret@127.0.0.1:1/sparql", "stats")
    _one_error_line(result, "AIKG_ENDPOINT_USER", "http://127.0.0.1:1/sparql")
    assert "secret" not in result.stderr


def test_https_certificates_are_verified(aikg, tmp_path):
    """A TLS server with a self-signed certificate is refused, naming the endpoint."""
    import ssl
    import subprocess

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    server, url = _fake((200, "application/sparql-results+json", b"{}"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    try:
        https = url.replace("http://", "https://")
        _one_error_line(aikg("--endpoint", https, "stats"), https, "certificate")
    finally:
        server.shutdown()


def test_with_files_and_local_only_commands_refuse_an_endpoint(aikg, tmp_path):
    url = "http://127.0.0.1:1/sparql"
    _one_error_line(aikg("--endpoint", url, "--with", str(EXAMPLE), "stats"),
                    "push your files")
    for command in (["docs", "-o", str(tmp_path)], ["export"], ["serve"]):
        _one_error_line(aikg("--endpoint", url, *command), "works on the local graph", url)


def test_push_and_read_as_whole_processes(store, graph):
    """The in-process tests record the network cut instead of making it; a real ``aikg``
    process must still reach the store to push, and read back through --endpoint."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    aikg = str(Path(sys.executable).parent / "aikg")
    env = {**os.environ, **store.env()}
    target = GRAPH + "/process"
    pushed = subprocess.run([aikg, "push", "--endpoint", store.query, "--update", store.update,
                             "--graph", target], env=env, capture_output=True, text=True,
                            timeout=300)
    assert pushed.returncode == 0, pushed.stderr
    assert f"the store now holds {len(graph)} triples" in pushed.stdout
    read = subprocess.run([aikg, "--endpoint", store.query, "--graph", target, "stats"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert read.returncode == 0, read.stderr


def test_push_sends_the_graph_local_commands_answer_from(store, graph, tmp_path):
    """The entailed release, the workspace's files (aikg add) and --with files: the store
    ends up holding exactly the triples local commands count, whole processes all along."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    aikg = str(Path(sys.executable).parent / "aikg")
    env = {**os.environ, **store.env(), "AIKG_WORKSPACE": str(tmp_path / "workspace")}

    def run(*args):
        done = subprocess.run([aikg, *args], env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("add", str(EXAMPLE))
    run("import", "onet", str(Path(__file__).parent / "data" / "onet"), "-o",
        str(tmp_path / "onet.ttl"))
    mine = ["--with", str(tmp_path / "onet.ttl")]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    local = int(run(*mine, "query", count, "--format", "csv").splitlines()[1])
    assert local > len(graph)  # the release's entailed triples, and the user's on top
    target = GRAPH + "/everything"
    pushed = run(*mine, "push", "--endpoint", store.query, "--update", store.update,
                 "--gsp", store.gsp, "--graph", target)
    assert f"Pushed {local} triples" in pushed
    assert f"the store now holds {local} triples" in pushed
    there = run("--endpoint", store.query, "--graph", target, "query", count, "--format", "csv")
    assert int(there.splitlines()[1]) == local == _count(store, target)


def _generated(triples: int) -> list[str]:
    """N-Triples lines of the benchmarks' generated graph (bench/gen_graph.py)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    try:
        from bench.gen_graph import generate
    finally:
        sys.path.pop(0)
    return list(generate(triples))


def test_a_push_cut_midway_leaves_the_target_as_it_was(store, remote):
    """The one-transaction push (Oxigraph, empty target): the client stops after the first
    piece of the body (as on Ctrl-C); the store must not keep that piece."""
    import pyoxigraph as ox

    from kg.remote import push

    triples = list(ox.parse("\n".join(_generated(3 * push.STREAM_PIECE)).encode(),
                            format=ox.RdfFormat.N_TRIPLES))
    target = GRAPH + "/cut"

    def stop(sent, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        push.push(triples, store.query, update=store.update, gsp=store.gsp, graph=target,
                  progress=stop)
    assert _count(store, target) == 0
    result = push.push(triples, store.query, update=store.update, gsp=store.gsp, graph=target)
    assert result.stored == len(triples)
    expected = "graph store protocol, one atomic bulk load" if store.name == "oxigraph" \
        else "graph store protocol"
    assert result.protocol == expected


def test_the_bulk_load_push_relies_on_is_all_or_nothing(store):
    """push sends an empty Oxigraph graph's triples to the server's bulk loader
    (``no_transaction``) because, from 0.5 on, it is atomic: a body ending in a syntax error
    (here after 30,000 good triples) must leave the graph empty, on the installed server."""
    from kg.remote import push
    from kg.remote.http import Connection, RemoteError

    if store.name != "oxigraph":
        pytest.skip("the bulk path is Oxigraph's")
    target = GRAPH + "/bulk-broken"
    body = ("\n".join(_generated(30_000)) + '\n<urn:x> <urn:p> "unterminated .\n').encode()
    connection = Connection(store.gsp, 60)
    with pytest.raises(RemoteError) as refused:
        connection.send(f"{store.gsp}?graph={target}&no_transaction", body,
                        content_type="application/n-triples")
    assert refused.value.status == 400
    assert push.atomic_bulk_loader(connection.server), connection.server
    assert _count(store, target) == 0


@pytest.mark.parametrize("server, bulk", [
    ("Oxigraph/0.5.13", True), ("Oxigraph/1.0.0", True), ("Oxigraph/0.4.11", False),
    ("Oxigraph/0.3.22", False), ("Oxigraph", False), ("Oxigraph/x.5", False),
    ("oxigraph/0.5.13", False), ("Virtuoso/07.20.3240 (Linux) x86_64", False), ("", False)])
def test_only_an_oxigraph_with_an_atomic_bulk_loader_gets_one(server, bulk):
    """0.4's bulk loader wrote as it went: a push cut midway would leave half the graph."""
    from kg.remote import push

    assert push.atomic_bulk_loader(server) is bulk


# -- the queries that need an import, with rows to compare ------------------------------------
ONET_GRAPH = "https://example.org/graphs/careers-with-onet"
#: answered the same by every engine on the release and the O*NET fixture
IMPORT_QUERIES = ["emerging-tasks", "trends-in-the-data"]


@pytest.fixture(scope="module")
def onet_fixture(tmp_path_factory):
    from tests import importer_fixtures as fx

    out = tmp_path_factory.mktemp("onet") / "onet.ttl"
    from kg.importers import onet

    onet.import_onet(fx.ONET, out)
    return out


@pytest.mark.parametrize("name", IMPORT_QUERIES)
def test_queries_that_need_an_import_answer_the_same_with_rows(aikg, store, onet_fixture,
                                                               monkeypatch, name):
    # On the release alone these queries answer nothing, which every engine agrees on;
    # with the fixture they answer rows, which must agree too.
    for key, value in store.env().items():
        monkeypatch.setenv(key, value)
    if not getattr(store, "_pushed_onet", False):
        pushed = aikg("--with", str(onet_fixture), "push", "--endpoint", store.query,
                      "--update", store.update, "--gsp", store.gsp, "--graph", ONET_GRAPH)
        assert pushed.exit_code == 0, pushed.stderr
        object.__setattr__(store, "_pushed_onet", True)
    args = ["query", name, "--format", "json"]
    local = aikg("--with", str(onet_fixture), *args)
    there = aikg("--endpoint", store.query, "--graph", ONET_GRAPH, *args)
    assert local.exit_code == 0, local.stderr
    assert there.exit_code == 0, there.stderr
    assert _rows(local.stdout), f"{name} answers no rows on the fixture"
    assert _rows(there.stdout) == _rows(local.stdout)
