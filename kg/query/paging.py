"""The first page of a SELECT answer, and how many rows the whole answer has.

A table or Markdown answer is read by a person, who reads one page: running the whole query
to show it cost 3.6-7.2 s (and up to the 30 s timeout) for catalogue queries answering with
86k-223k rows over 1M triples. :func:`page_query` gives the same query with its outermost
LIMIT at most one page, so the engine stops there; :func:`count_query` wraps the query as a
subquery of ``SELECT (COUNT(*) AS ?n)``, which the engine answers without handing every row
to Python.

Both read the query's structure from its tokens (:func:`kg.query.lexer.tokens`, the SPARQL
grammar's terminals, so a LIMIT inside a string, an IRI, a comment or a subquery is never
taken for the query's own): the prologue (BASE, PREFIX), the form, the WHERE group, and the
solution modifiers after it at the outermost level. In SPARQL's algebra the slice (LIMIT,
OFFSET) is the outermost operator, over ORDER BY, projection and DISTINCT, so a LIMIT set
there gives the true first page of an ordered answer. A query whose structure is not read
here (not a SELECT, or text the lexer does not recognise) gets None: the caller runs it
whole.
"""

from __future__ import annotations

from typing import NamedTuple

from kg.query import killable, lexer, sparql
from kg.query.formats import PAGE  # noqa: F401  (the page this module cuts queries to)

_OPEN, _CLOSE = "{([", "})]"


class _Outline(NamedTuple):
    """Where the parts of a SELECT query are, as token indexes and text positions."""

    form: int  #: the text position of SELECT (after the prologue)
    limit: lexer.Token | None  #: the number of the outermost LIMIT
    values: int | None  #: the text position of a trailing VALUES clause
    variables: frozenset[str]  #: every variable name the query uses (without ? or $)
    order: tuple[int, int] | None  #: where the outermost ORDER BY clause starts and ends


def _outline(query: str) -> _Outline | None:
    found = lexer.tokens(query)
    if not found:
        return None
    at = 0
    while at < len(found) and found[at].kind == "word" and found[at].text.upper() in (
            "BASE", "PREFIX"):
        at += 2 if found[at].text.upper() == "BASE" else 3
    if at >= len(found) or found[at].kind != "word" or found[at].text.upper() != "SELECT":
        return None
    depth, opened, limit, values, order, order_end = 0, False, None, None, None, None
    for i in range(at, len(found)):
        token = found[i]
        if token.kind == "punct" and token.text in _OPEN:
            opened = opened or (depth == 0 and token.text == "{")
            depth += 1
        elif token.kind == "punct" and token.text in _CLOSE:
            depth -= 1
            if depth < 0:
                return None
        elif depth == 0 and opened and token.kind == "word":
            word = token.text.upper()
            if order is not None and order_end is None and word in ("LIMIT", "OFFSET", "VALUES"):
                order_end = token.start
            if word == "ORDER":
                order = token.start
            elif word == "LIMIT":
                if i + 1 >= len(found) or found[i + 1].kind != "number":
                    return None
                limit = found[i + 1]
            elif word == "VALUES" and values is None:
                values = token.start
    if depth != 0 or not opened:
        return None
    variables = frozenset(t.text[1:] for t in found if t.kind == "var")
    span = None if order is None else (order, len(query) if order_end is None else order_end)
    return _Outline(found[at].start, limit, values, variables, span)


def page_query(query: str, rows: int) -> str | None:
    """``query`` with its outermost LIMIT at most ``rows``; None when it is no SELECT read here.

    A LIMIT already there is lowered (never raised), an OFFSET kept; a trailing VALUES clause
    stays last. A catalogue query (:func:`kg.query.sparql.trust`) stays trusted.

    >>> print(page_query("SELECT ?s WHERE { ?s ?p 'LIMIT 5' } ORDER BY ?s", 11))
    SELECT ?s WHERE { ?s ?p 'LIMIT 5' } ORDER BY ?s
    LIMIT 11
    <BLANKLINE>
    >>> page_query("SELECT * { { SELECT ?s { ?s ?p ?o } LIMIT 9 } } LIMIT 20000", 11)[-8:]
    'LIMIT 11'
    """
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
        raise ValueError(f"A page is a whole number of rows, not {rows!r}.")
    outline = _outline(query)
    if outline is None:
        return None
    if outline.limit is not None:
        if int(outline.limit.text) <= rows:
            return query
        end = outline.limit.start + len(outline.limit.text)
        return sparql.derived(query, query[:outline.limit.start] + str(rows) + query[end:])
    if outline.values is not None:
        return sparql.derived(
            query, query[:outline.values] + f" LIMIT {rows}\n" + query[outline.values:])
    return sparql.with_limit(query, rows)


def count_query(query: str) -> tuple[str, str] | None:
    """A query answering with one row, the number of rows of ``query``, and the name of its
    variable; None when ``query`` is no SELECT read here.

    The outermost ORDER BY is left out: it changes no count (not even under LIMIT or OFFSET,
    which then take as many rows in any order), and sorting costs the engine most of an
    ordered query at 1M triples (4.5 s of the 5.6 s of 56k ordered rows: it reads every
    term's text from the store to compare it).

    >>> text, name = count_query("PREFIX e: <http://e.org/> SELECT ?rows { ?rows e:p ?o }")
    >>> name
    'rows_'
    >>> print(text)
    PREFIX e: <http://e.org/> SELECT (COUNT(*) AS ?rows_) WHERE {
    SELECT ?rows { ?rows e:p ?o }
    }
    <BLANKLINE>
    """
    outline = _outline(query)
    if outline is None:
        return None
    name = "rows"
    while name in outline.variables:  # an in-scope name may not be bound again by AS
        name += "_"
    body = query[outline.form:]
    if outline.order is not None:
        start, end = outline.order
        body = query[outline.form:start] + query[end:]
    result = (query[:outline.form] + f"SELECT (COUNT(*) AS ?{name}) WHERE {{\n"
              + body.rstrip() + "\n}\n")
    return sparql.derived(query, result), name


def count_rows(graph, query: str, bindings: dict | None = None, base: str | None = None,
               timeout: float | None = None) -> int | None:
    """How many rows ``graph.run(query, bindings, base)`` answers with, counted by the
    engine (:func:`count_query`) in a child process stopped after ``timeout`` seconds (None:
    no limit); None when time ran out or the query is no SELECT read here.

    The parameters are bound inside the counted query (a VALUES block opening its WHERE
    clause, as :func:`kg.query.sparql.with_values` binds them for any engine): bound outside,
    around the subquery, they would only filter its projected rows.
    """
    if bindings:
        query = sparql.with_values(query, {k: sparql.to_term(v) for k, v in bindings.items()})
    made = count_query(query)
    if made is None or (timeout is not None and timeout <= 0):
        return None
    text, name = made

    def work(out) -> None:
        for row in graph.run(text, None, base):
            out.write(row[name].value.encode("ascii"))

    answer: list[bytes] = []
    try:
        killable.run(work, answer.append, timeout)
    except killable.QueryTimeout:
        return None
    return int(b"".join(answer))
