"""The SPARQL lexer (kg/query/lexer.py): the guard's fast path, \\u escapes, relative IRIs.

The fast path grants a query without the full parse only when no token could begin SERVICE,
FROM or an update. Its one risk is a token boundary pyoxigraph draws elsewhere (a string or
comment that ends sooner or later for one of them), so a property test throws quotes,
backslashes, comment marks, brackets and escapes around a SERVICE call to a listening socket:
whatever the fast path grants must not connect.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.errors import QueryError
from kg.query import guard, lexer, sparql
from tests.test_query_guard import Listener


@pytest.fixture(scope="module")
def listener():
    server = Listener()
    yield server
    server.sock.close()


@pytest.mark.parametrize("query, texts", [
    ('SELECT ?x { ?x a "#}" } # done', ["SELECT", "?x", "{", "?x", "a", '"#}"', "}"]),
    ("ASK { ?s ex:a\\'b 'x' }", ["ASK", "{", "?s", "ex:a\\'b", "'x'", "}"]),
    ('ASK { ?s ?p """a"b""c""" }', ["ASK", "{", "?s", "?p", '"""a"b""c"""', "}"]),
    ("ASK { ?s ?p 1. ?s ?q 1.5e3 }", ["ASK", "{", "?s", "?p", "1", ".", "?s", "?q", "1.5e3", "}"]),
    ("ASK { # c\rSERVICE }", ["ASK", "{", "SERVICE", "}"]),  # pyoxigraph ends a comment at CR
    ('ASK { ?s ?p "a"@en-GB, _:b1 }', ["ASK", "{", "?s", "?p", '"a"', "@en-GB", ",", "_:b1", "}"]),
])
def test_tokens_as_the_grammar_defines_them(query, texts):
    assert [t.text for t in lexer.tokens(query)] == texts


@pytest.mark.parametrize("query", [
    "SELECT * { \\u0053ERVICE <x> {} }",  # an escape outside strings and IRIs
    "SELECT * { ?s ?p 'unterminated }",
    "SELECT * { ?s ?p \"bad \\q escape\" }",
    "SELECT\u00a0* { }",  # no-break space: not SPARQL whitespace
])
def test_what_the_lexer_does_not_recognise_is_left_to_the_parser(query):
    assert lexer.tokens(query) is None and lexer.plain_form(query) is None


@pytest.mark.parametrize("query, form", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("PREFIX ex: <http://e/> BASE <http://b/> ask { ex:a ex:b 'service' }", "ASK"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ('DESCRIBE <http://e/from>', "DESCRIBE"),
    ('SELECT * { GRAPH ?g { ?s ex:serviceArea "LOAD <x>" } }', "SELECT"),
])
def test_plain_queries_are_granted_without_the_full_parse(query, form):
    assert lexer.plain_form(query) == form


@pytest.mark.parametrize("query", [
    "SELECT * { SERVICE <http://x/> { } }",
    "select * from <http://x/g> { }",
    "SELECT ?service { }",  # a variable named like a keyword: the full parse decides
    "SELECT * { ?s ex:from ?o }",
    "SELECT * { ?s ?p _:load }",
    "INSERT DATA { <a> <b> <c> }",
    "PREFIX x: <http://x/> CLEAR ALL",
    "WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * { } ; DROP ALL",
])
def test_any_refusable_word_goes_to_the_full_parse(query):
    assert lexer.plain_form(query) is None


def test_the_fast_path_agrees_with_the_full_parse_on_the_w3c_queries():
    from tests import w3c_support as w3c

    if not w3c.available():
        pytest.skip(w3c.MISSING)
    granted = 0
    for case in w3c.cases():
        if case.query is None or case.query.suffix != ".rq":
            continue
        text = case.query.read_text(encoding="utf-8")
        form = lexer.plain_form(text)
        if form is None:
            continue
        granted += 1
        try:
            assert guard.inspect(text) == form, case.id
        except QueryError as error:  # rdflib's grammar may be stricter; never a refusal
            assert str(error).startswith("Malformed SPARQL"), (case.id, error)
    assert granted > 200


def test_escapes_are_decoded_inside_strings_and_iris_only():
    query = r'SELECT * { ?s <http://e/\u0041> "caf\u00e9 \u0022 \u005c" } # \u0041'
    assert lexer.decode_escapes(query) == (
        'SELECT * { ?s <http://e/A> "café \\" \\\\" } # \\u0041')


@pytest.mark.parametrize("query, message", [
    (r"SELECT * { ?s ?p '\uD800' FROM <x> {} }", r"\uD800 is not a character"),
    (r"SELECT * { ?s ?p <http://e/\u003E> . SERVICE <x> {} }", "percent-encode it"),
])
def test_escapes_that_mean_no_character_are_refused_in_one_line(query, message):
    with pytest.raises(QueryError, match=message.replace("\\", "\\\\")):
        sparql.check_safe(query)


def test_escaped_strings_are_no_longer_refused():
    for query in [r'SELECT * WHERE { BIND("caf\u00e9" AS ?x) }',
                  r"SELECT * WHERE { ?s ?p '\U0001f46a' FILTER NOT EXISTS { ?s ?q ?r } }",
                  r'SELECT * WHERE { GRAPH ?g { ?s ?p "\u0053ERVICE" } } LIMIT 1']:
        assert sparql.check_safe(query) == "SELECT"
        assert guard.inspect(query) == "SELECT"  # the full parse as well


def test_relative_iris_are_named():
    assert lexer.relative_iris("SELECT * { BIND(<rel> AS ?x) ?s <http://e/> <#y> }") == [
        "<rel>", "<#y>"]
    assert lexer.relative_iris("BASE <http://b/> SELECT * { BIND(<rel> AS ?x) }") == []


SOUP = st.text(alphabet=list("\"'\\#<>{}() \n\rabtu0.:?;,^@_-"), max_size=12)
ESCAPED = st.sampled_from(["", r"\u0022", r"\u0027", r"\u003E", r"\u005C", "\\\"", "\\'"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(before="\r", escape="", after="", head="# ")  # CR ends a comment for pyoxigraph
@example(before="", escape=r"\u0027", after="'", head="BIND('")  # \u0027 does not end it
@example(before="'", escape="", after="", head="?s ex:a\\")  # ex:a\' is a name
@given(before=SOUP, escape=ESCAPED, after=SOUP,
       head=st.sampled_from(["", "BIND('", 'BIND("""', "FILTER(?a<", "# ", "?s ex:p"]))
def test_what_the_fast_path_grants_never_reaches_the_network(listener, before, escape, after,
                                                             head):
    query = (f"SELECT * WHERE {{ {head}{before}{escape} SERVICE "
             f"<http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }}{after}\n}}")
    if lexer.plain_form(query) is None:
        return  # the full parse decides (tests/test_query_guard.py)
    count = listener.accepted
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal("o")))
    try:
        results = store.query(query)
        if isinstance(results, ox.QuerySolutions):
            list(results)
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass
    assert listener.settled() == count, query
