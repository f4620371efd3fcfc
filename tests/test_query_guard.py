"""The query guard and the network wall, against a real loopback listener.

A thread accepts TCP connections on 127.0.0.1 and counts them: a query that slipped past the
guard would make pyoxigraph connect to it. Hypothesis hides SERVICE, LOAD and FROM behind
every Unicode space and line separator, comments, strings, case, ``\\u`` escapes, nesting
and subqueries; each must be refused with one line and no connection. The second wall
(:func:`kg.query.sandbox.deny_network`) is checked with the guard bypassed.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import threading
import time

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.query import sparql
from kg.errors import QueryError
from kg.graph import KnowledgeGraph

SPACES = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x85", "\xa0", "\u1680", "\u2000", "\u2007",
          "\u200a", "\u200b", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff"]


class Listener:
    """A loopback TCP server that counts the connections it accepts."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()

    def settled(self) -> int:
        time.sleep(0.05)  # a connection in flight is counted before we look
        return self.accepted


@pytest.fixture(scope="module")
def listener():
    server = Listener()
    yield server
    server.sock.close()


@pytest.fixture(scope="module")
def small():
    """A graph of one triple: joins run, so a SERVICE that got through would be called."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal("o")))
    return KnowledgeGraph(store)


def _run(graph, query) -> str | None:
    """The guard's one-line refusal, or None when the query ran."""
    try:
        results = graph.run(query)
        if not isinstance(results, ox.QueryBoolean):
            list(results)
    except QueryError as error:
        assert "\n" not in str(error) and "\r" not in str(error)
        return str(error)
    return None


# -- the strategies ---------------------------------------------------------------------
space = st.sampled_from(SPACES)
decoy = st.one_of(
    st.just(""),
    space.map(lambda s: f"BIND(<http://x/{s}#> AS ?z0) "),  # issue 9's bypass
    space.map(lambda s: f"# a comment{s}that goes on\n"),
    st.sampled_from(["\r", "\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"]).map(
        lambda s: f"# a comment that ends here for one engine only{s}"),
    space.map(lambda s: f'BIND("a{s}#" AS ?z1) '),
    space.map(lambda s: f"BIND('''x{s}\"#''' AS ?z2) "),
    space.map(lambda s: f"BIND(<urn:x{s}> AS ?z3) "),
)
keyword = st.one_of(
    st.lists(st.booleans(), min_size=7, max_size=7).map(
        lambda ups: "".join(c.upper() if u else c.lower() for c, u in zip("service", ups))),
    st.sampled_from([r"\u0053ERVICE", r"SERVIC\u0045", r"\U00000053ervice"]),
)
silent = st.sampled_from(["", "SILENT ", "silent "])
gap = st.one_of(st.sampled_from([" ", "\t", "\n", "\r\n", " #x\n"]), space)
WRAPPERS = ["{{ {} }}", "OPTIONAL {{ {} }}", "FILTER EXISTS {{ {} }}", "FILTER NOT EXISTS {{ {} }}",
            "{{ SELECT * WHERE {{ {} }} }}", "{{ }} UNION {{ {} }}", "{{ {} }} UNION {{ }}",
            "MINUS {{ {} }}", "GRAPH ?g {{ {} }}"]
wrappers = st.lists(st.sampled_from(WRAPPERS), max_size=4)


def _target(port: int, how: str) -> tuple[str, str]:
    """(prologue, service target) naming the listener."""
    if how == "prefixed":
        return f"PREFIX l: <http://127.0.0.1:{port}/> ", "l:sparql"
    if how == "escaped":
        return "", f"<http://127.0.0.1:{port}/\\u0073parql>"
    return "", f"<http://127.0.0.1:{port}/sparql>"


legal_gap = st.sampled_from([" ", "\t", "\n", "\r\n", "\r", " #x\n", " #x\r"])
plain_keyword = st.lists(st.booleans(), min_size=7, max_size=7).map(
    lambda ups: "".join(c.upper() if u else c.lower() for c, u in zip("service", ups)))


@st.composite
def hidden_service(draw, port, legal=False):
    """A query calling the listener by SERVICE behind decoys. ``legal``: only standard
    SPARQL around the decoy, so whatever gets past the guard does run in pyoxigraph."""
    hows = ["iri", "prefixed"] if legal else ["iri", "prefixed", "escaped"]
    prologue, target = _target(port, draw(st.sampled_from(hows)))
    word, space_ = (plain_keyword, legal_gap) if legal else (keyword, gap)
    pattern = f"{draw(word)}{draw(space_)}{draw(silent)}{target}{draw(space_)}{{ ?s ?p ?o }}"
    for wrapper in draw(wrappers):
        pattern = wrapper.format(pattern)
    return (f"{prologue}SELECT *{draw(space_)}WHERE {{ BIND(1 AS ?one) {draw(decoy)}"
            f"{pattern}\n}}")  # a comment that ran on for one engine ends here for both


@st.composite
def hidden_load_or_from(draw, port):
    where = f"{draw(decoy)}?s ?p ?o"
    return draw(st.sampled_from([
        f"PREFIX x: <http://x/{draw(space)}#> LOAD <http://127.0.0.1:{port}/data.ttl>",
        f"{draw(decoy).replace('BIND', '#')}load{draw(gap)}<http://127.0.0.1:{port}/d>",
        f"SELECT *{draw(gap)}FROM <http://127.0.0.1:{port}/g> WHERE {{ {where} }}",
        f"SELECT * from{draw(gap)}named <http://127.0.0.1:{port}/g> WHERE {{ {where} }}",
        f"INSERT DATA {{ <http://x/a> <http://x/b> <http://127.0.0.1:{port}/> }}",
        f"CLEAR{draw(gap)}ALL",
    ]))


# -- the guard alone --------------------------------------------------------------------
@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
@pytest.mark.parametrize("legal", [True, False], ids=["standard-around", "anything"])
def test_hidden_service_never_connects(listener, small, data, legal):
    query = data.draw(hidden_service(listener.port, legal))
    before = listener.accepted
    refusal = _run(small, query)
    assert listener.settled() == before, query
    # refused in one line, or it ran with the SERVICE in a comment for both engines
    assert refusal is None or refusal.startswith(("SERVICE is refused", "Malformed SPARQL"))


SOUP = st.text(alphabet=list("\"'\\#<>{}() \n\rabtu0.:?;,^@_-"), max_size=14)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=SOUP, after=SOUP, head=st.sampled_from(["BIND(1 AS ?one) ", "?s ?p ?o . ", ""]))
def test_lexical_soup_around_service_never_connects(listener, small, before, after, head):
    """Quotes, backslashes, comment marks and brackets in any order around a SERVICE: where
    the engines split the text differently, the guard must not be the one that misses it."""
    query = (f"SELECT * WHERE {{ {head}{before} SERVICE <http://127.0.0.1:{listener.port}/x> "
             f"{{ ?s ?p ?o }}{after}\n}}")
    count = listener.accepted
    refusal = _run(small, query) or ""
    ran = not refusal.startswith(("SERVICE is refused", "Malformed SPARQL"))
    assert (listener.settled() if ran else listener.accepted) == count, query


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_hidden_load_and_from_are_refused(listener, small, data):
    query = data.draw(hidden_load_or_from(listener.port))
    before = listener.accepted
    refusal = _run(small, query)
    assert listener.settled() == before, query
    assert refusal is not None and "refused" in refusal or refusal.startswith("Malformed"), query


@pytest.mark.parametrize("end", ["\r", "\r\n"])
def test_a_comment_ended_by_a_carriage_return_cannot_hide_service(listener, small, end):
    """pyoxigraph ends a comment at CR, rdflib only at LF: found by the property above."""
    query = (f"SELECT * WHERE {{ BIND(1 AS ?one) # c{end}SERVICE "
             f"<http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }}\n}}")
    before = listener.accepted
    assert _run(small, query).startswith("SERVICE is refused")
    assert listener.settled() == before


@pytest.mark.parametrize("query", [
    'SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }" AS ?x) }',
    "SELECT ?x WHERE { BIND(<http://example.org/SERVICE/LOAD/FROM> AS ?x) }",
    "SELECT ?x WHERE { # SERVICE <http://127.0.0.1:9/> {}\n BIND(1 AS ?x) }",
    "SELECT ?from ?service WHERE { BIND(1 AS ?from) BIND(2 AS ?service) }",
])
def test_keywords_as_data_are_not_refused(small, query):
    assert _run(small, query) is None


def test_the_listener_sees_a_query_the_guard_did_not_check(listener):
    """The control: without the guard, pyoxigraph does connect (so 0 above means refused)."""
    before = listener.accepted
    with pytest.raises(OSError):
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/x> "
                              "{ ?s ?p ?o } }"))
    assert listener.settled() == before + 1


@pytest.mark.slow
def test_every_shipped_query_passes_the_guard_untrusted():
    from kg.query import catalogue

    for named in catalogue.catalogue().values():
        sparql._trusted.discard(named.text)
        try:
            assert sparql.check_safe(named.text) in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
        finally:
            sparql.trust(named.text)


# -- through the command line -----------------------------------------------------------
NB = "\u00a0"


def _bypass(port: int) -> str:
    return (f"SELECT * WHERE {{ BIND(<http://x/{NB}#> AS ?z) "
            f"SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}")


def test_cli_refuses_the_issue_bypass_in_one_line(aikg, listener, network_cuts):
    before = listener.accepted
    result = aikg("query", _bypass(listener.port))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert "Traceback" not in result.output
    assert listener.settled() == before
    assert network_cuts == ["cut"]  # the command asked for the second wall too


def test_allow_network_lets_service_through_and_skips_the_cut(aikg, listener, network_cuts):
    before = listener.accepted
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }}"
    result = aikg("--allow-network", "query", query)
    assert listener.settled() == before + 1
    assert result.exit_code == 1 and result.stderr.startswith("Error: The query failed")
    assert "Traceback" not in result.output
    assert network_cuts == []
    still = aikg("--allow-network", "query", "LOAD <http://127.0.0.1:9/x>")
    assert still.exit_code == 1 and "LOAD is refused" in still.stderr


@pytest.mark.slow
@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_cli_property_hidden_service_exits_1_in_one_line(aikg, listener, data):
    import rdflib.plugins.sparql.parser  # noqa: F401 - imported once here, not in each child

    query = data.draw(hidden_service(listener.port, legal=True))
    before = listener.accepted
    result = aikg("query", query)
    assert listener.settled() == before, query
    assert "Traceback" not in result.output
    if result.exit_code != 0:  # else it ran, with the SERVICE in a comment for both engines
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")


def _aikg(*args, timeout=60, **kwargs):
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True,
                          timeout=timeout, **kwargs)


@pytest.mark.slow
@pytest.mark.parametrize("how", ["bypass", "silent-nested", "load"])
def test_subprocess_aikg_query_refuses_with_exit_1(listener, how):
    query = {
        "bypass": _bypass(listener.port),
        "silent-nested": f"ASK {{ FILTER EXISTS {{ {{ SELECT * WHERE {{ serVICE silent "
                         f"<http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }} }} }} }}",
        "load": f"LOAD <http://127.0.0.1:{listener.port}/x>",
    }[how]
    before = listener.accepted
    result = _aikg("query", query)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: "), result.stderr
    assert listener.settled() == before


# -- one wall removed, the whole command ------------------------------------------------
ONE_WALL = textwrap.dedent("""
    import sys
    from kg.query import sandbox, sparql
    removed = sys.argv[2].split("+")
    if "guard" in removed:  # the first wall gone: every query is let through
        sparql.check_safe = lambda query, *args, **kwargs: "SELECT"
    if "cut" in removed:  # the second wall gone: the process keeps the network
        sandbox.deny_network = lambda: "none"
    sys.argv = ["aikg", "query", sys.argv[1]]
    from kg.__main__ import run
    run()
""")


@pytest.mark.slow
@pytest.mark.parametrize("removed", ["guard", "cut", "guard+cut"])
def test_aikg_query_stays_off_the_network_with_either_wall_removed(listener, removed):
    """The whole ``aikg query`` process, as it starts up (whatever it loads lazily), with
    one wall taken away: the other one alone keeps SERVICE from reaching the listener. The
    control takes both away and must reach it, or this test proves nothing."""
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }}"
    if removed == "guard" and _mechanism() == "none":
        pytest.skip("no netns or Landlock on this machine: the guard stands alone")
    before = listener.accepted
    result = subprocess.run([sys.executable, "-c", ONE_WALL, query, removed],
                            capture_output=True, text=True, timeout=120)
    if removed == "guard+cut":
        assert listener.settled() == before + 1, result.stderr
        return
    assert listener.settled() == before, result.stderr
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr


def _mechanism() -> str:
    done = subprocess.run([sys.executable, "-c", "from kg.query import sandbox\n"
                           "print(sandbox.deny_network())"], capture_output=True, text=True,
                          timeout=60)
    return done.stdout.strip()


# -- the second wall --------------------------------------------------------------------
WALL = textwrap.dedent("""
    import sys
    import pyoxigraph as ox
    from kg.query import sandbox
    if sys.argv[2] == "cut":
        print(sandbox.deny_network())
    try:
        list(ox.Store().query("SELECT * WHERE { SERVICE <http://127.0.0.1:%s/x> { ?s ?p ?o } }"
                              % sys.argv[1]))
    except OSError as error:
        print(type(error).__name__)
""")


@pytest.mark.parametrize("cut", ["cut", "no-cut"])
def test_the_network_cut_stops_pyoxigraph_with_the_guard_bypassed(listener, cut):
    before = listener.accepted
    result = subprocess.run([sys.executable, "-c", WALL, str(listener.port), cut],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    if cut == "cut":
        mechanism = result.stdout.split()[0]
        if mechanism == "none":
            pytest.skip("no netns or Landlock on this machine")
        assert mechanism in ("netns", "landlock")
        assert listener.settled() == before
    else:  # the control: the same script without the cut does reach the listener
        assert listener.settled() == before + 1


@pytest.mark.parametrize("args, cut", [
    (["stats"], True), (["--allow-network", "stats"], False),
])
def test_commands_cut_themselves_off_unless_allowed(args, cut):
    script = ("import sys; from kg.query import sandbox; from kg.cli import main\n"
              "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
              "print('MECHANISM', sandbox.mechanism())")
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                            text=True, timeout=60)
    mechanism = result.stdout.split("MECHANISM ")[-1].strip()
    assert (mechanism in ("netns", "landlock", "none")) if cut else mechanism == "None"


# -- binding values into query text -------------------------------------------------------
def test_with_values_skips_strings_comments_and_iris():
    query = ('SELECT ?x # WHERE {\n WHERE { BIND("WHERE {" AS ?y) '
             f'BIND(<http://x/{NB}#> AS ?z) ?x ?p ?o }}')
    bound = sparql.with_values(query, {"x": ox.NamedNode("http://x/s")})
    assert bound.index("VALUES (?x)") > bound.index("\n WHERE {")
    assert 'BIND("WHERE {" AS ?y)' in bound


def test_with_values_refuses_a_place_the_parse_tree_does_not_confirm():
    # the first 'WHERE {' in the text belongs to the subquery: binding there changes answers
    query = "SELECT * { { SELECT * WHERE { ?x ?p ?o } } }"
    with pytest.raises(QueryError, match="Cannot bind parameters in this query"):
        sparql.with_values(query, {"x": ox.NamedNode("http://x/s")})


@pytest.mark.slow
def test_shipped_queries_never_import_rdflib():
    script = textwrap.dedent("""
        import sys
        import kg
        g = kg.load()
        g.named("skills-for-role", role="Head of AI")
        from kg.query import catalogue
        from kg.query import sparql
        g.run(sparql.with_limit(catalogue.get("search").text, 5), {"text": "python"})
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("rdflib", "pyparsing")))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_cached_verdict_refuses_again(small, listener):
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }}"
    before = listener.accepted
    for _ in range(3):
        assert _run(small, query).startswith("SERVICE is refused")
    assert sparql.check_safe(query, allow_service=True) == "SELECT"  # the flag is in the key
    assert listener.settled() == before


def test_the_guard_checks_queries_from_many_threads_at_once():
    """The endpoint checks queries in a thread pool; pyparsing's state is shared by the
    process, and unguarded concurrent parses failed valid queries with a TypeError."""
    from concurrent.futures import ThreadPoolExecutor

    from kg.query import guard as query_guard

    queries = [f"SELECT (COUNT(*) AS ?n{i}) WHERE {{ ?a ?b ?c . ?d ?e ?f }}" for i in range(64)]
    with ThreadPoolExecutor(8) as pool:
        forms = list(pool.map(query_guard.inspect, queries))
    assert forms == ["SELECT"] * len(queries)
