"""What a SPARQL request does, decided on the parse tree of a real SPARQL parser.

pyoxigraph evaluates SERVICE (and LOAD in updates) over HTTP from Rust and has no switch to
turn that off, so :func:`kg.query.sparql.check_safe` asks this module before any engine sees an
untrusted query. rdflib's SPARQL 1.1 grammar parses the text; the verdict comes from walking
the whole tree (subqueries, EXISTS, OPTIONAL, nested groups): SERVICE at any depth (SILENT
or not, IRI or variable), FROM / FROM NAMED, and every update form.

The text is parsed as pyoxigraph reads it: pyoxigraph decodes ``\\uXXXX`` escapes inside
strings and IRIs and nowhere else, so they are decoded there (:func:`kg.query.lexer.
decode_escapes`, a ``\\u0022`` inside a string written as ``\\"``, so it cannot end the
string for rdflib) and left alone elsewhere, where both parsers refuse them. Whatever rdflib
cannot parse is refused (fail closed), even when pyoxigraph would accept it.

rdflib and its grammar cost about 0.3 s to import, so the shipped catalogue queries never
come here, nor do queries with no word that could begin a refused form
(:func:`kg.query.lexer.plain_form`).
"""

from __future__ import annotations

import re
import sys
import threading

from kg.errors import QueryError
from kg.query.lexer import EscapeError, decode_escapes

FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
         "DescribeQuery": "DESCRIBE"}
UPDATES = {"Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE", "Add": "ADD",
           "Move": "MOVE", "Copy": "COPY", "InsertData": "INSERT", "DeleteData": "DELETE",
           "DeleteWhere": "DELETE"}
#: rdflib's grammar recurses about 25 Python frames per nesting level; the depth limit of
#: :func:`kg.query.sparql.check_limits` runs first, so this bounds the stack it may use.
_RECURSION = 20_000
_ESCAPE = re.compile(r"\\[uU]")


def inspect(query: str, allow_from: bool = False, allow_service: bool = False) -> str:
    """Refuse updates, LOAD, SERVICE and FROM / FROM NAMED; return the query form.

    >>> inspect("SELECT * WHERE { ?s ?p ?o }")
    'SELECT'
    >>> inspect("ASK { FILTER EXISTS { SERVICE SILENT ?x { ?s ?p ?o } } }")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: SERVICE is refused: the graph is read-only and queries may not reach the network or files; remove the SERVICE clause.
    """
    from rdflib.plugins.sparql.parser import Query, UpdateUnit

    try:
        query = as_pyoxigraph_reads(decode_escapes(query))
    except EscapeError as error:
        raise QueryError(f"Malformed SPARQL: {error}.") from None
    tree, error = _parse(Query, query)
    if tree is None:
        update, _ = _parse(UpdateUnit, query)
        if update is not None and "request" in update[0]:
            raise _update_refused(update[0]["request"][0])
        raise QueryError(_syntax_message(error, query))
    form = FORMS.get(tree[1].name)
    if form is None:
        raise QueryError("Not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE.")
    for node in _nodes(tree):
        if node.name == "ServiceGraphPattern" and not allow_service:
            raise _refused("SERVICE")
        if node.name == "DatasetClause" and not allow_from:
            raise _refused("FROM")
    return form


def as_pyoxigraph_reads(query: str) -> str:
    """The text with its comments ending where pyoxigraph ends them.

    pyoxigraph ends a ``#`` comment at a carriage return as well as a line feed; rdflib only
    at a line feed, so ``# x\rSERVICE <...> {}`` would be a comment to rdflib and a call to
    pyoxigraph. A CR becomes a line feed (CR LF a space and a line feed: columns and line
    numbers stay). Nowhere else does it change how the text splits into tokens: IRIs and
    short strings cannot hold a CR, long strings hold either.
    """
    return query.replace("\r\n", " \n").replace("\r", "\n")


_PARSING = threading.Lock()


def _parse(grammar, query: str):
    """(parse tree, None) or (None, the parser's exception).

    One parse at a time: pyparsing's packrat cache and the recursion limit are shared by the
    whole process, and the endpoint checks queries from several threads (a concurrent parse
    failed a valid query with a TypeError).
    """
    with _PARSING:
        return _parse_alone(grammar, query)


def _parse_alone(grammar, query: str):
    from pyparsing import ParseBaseException

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _RECURSION))
    try:
        return grammar.parse_string(query, parse_all=True), None
    except ParseBaseException as error:
        return None, error
    except RecursionError:
        raise QueryError("The query is nested too deeply to check; flatten its groups and "
                         "brackets.") from None
    except Exception as error:  # noqa: BLE001 - rdflib's parse actions may fail otherwise
        return None, error
    finally:
        sys.setrecursionlimit(limit)


def _nodes(tree):
    """Every rdflib ``CompValue`` in the tree, depth first, without recursion."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node
            stack.extend(node.values())
        elif isinstance(node, (ParseResults, list, tuple)):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())


def _refused(word: str) -> QueryError:
    return QueryError(
        f"{word} is refused: the graph is read-only and queries may not reach the network "
        f"or files; remove the {word} clause."
    )


def _update_refused(operation) -> QueryError:
    word = UPDATES.get(operation.name)
    if word is None:  # Modify: WITH ... DELETE/INSERT ... WHERE
        word = ("WITH" if "withClause" in operation
                else "DELETE" if "delete" in operation else "INSERT")
    return QueryError(f"{word} is refused: this is a read-only query command; "
                      "use SELECT, ASK, CONSTRUCT or DESCRIBE.")


def _syntax_message(error, query: str) -> str:
    from pyparsing import ParseBaseException

    from kg.terminal import escape

    if not isinstance(error, ParseBaseException):
        return ("Cannot check this query: the safety check's SPARQL 1.1 parser fails on it "
                f"({type(error).__name__}); write it in standard SPARQL 1.1.")

    found = re.search(r"found (end of text|'(?:[^'\\]|\\.)*')", str(error))
    near = f": unexpected {escape(found.group(1))}" if found else ""
    hint = "; the query must be standard SPARQL 1.1"
    if _ESCAPE.search(query):  # left after decoding: outside strings and IRIs
        hint += " (\\u escapes are read inside strings and IRIs only)"
    return f"Malformed SPARQL at line {error.lineno}, column {error.col}{near}{hint}."


def values_lead_where(query: str, names: list[str]) -> bool:
    """Whether the WHERE clause of ``query`` opens with ``VALUES (?names...)`` (and only
    there: :func:`kg.query.sparql.with_values` put it in the right place, not in a string)."""
    from rdflib.plugins.sparql.parser import Query

    try:
        tree, _ = _parse(Query, as_pyoxigraph_reads(decode_escapes(query)))
    except EscapeError:
        return False
    if tree is None or "where" not in tree[1]:
        return False
    parts = tree[1]["where"]["part"] if "part" in tree[1]["where"] else []
    return (len(parts) > 0 and parts[0].name == "InlineData"
            and [str(v) for v in parts[0]["var"]] == list(names))
