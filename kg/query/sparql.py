"""SPARQL text handling shared by the local store and remote endpoints.

The graph is read-only and must not reach the network or the file system. pyoxigraph runs
SERVICE and LOAD over HTTP from Rust, where Python's audit hooks cannot see them, so such
queries are refused before any engine sees them (:func:`check_safe`, deciding on the
parse tree), and queries too big for pyoxigraph's recursive parser are refused before it
overflows its stack (:func:`check_limits`).
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal

import pyoxigraph as ox

from kg.errors import QueryError
from kg.query.lexer import plain_form, relative_iris
from kg.store.release import PREFIXES, curie  # noqa: F401  (curie: used here and re-exported)

XSD = "http://www.w3.org/2001/XMLSchema#"

#: Limits checked before any parser sees an untrusted query. pyoxigraph's parser recurses
#: and overflows the stack (the process dies, exit 139) at about 3,000 nested brackets or
#: 7,000 terms in one flat expression or group; real queries stay far below both (the
#: largest shipped query has 111 marks). rdflib's parser (the guard) needs about 5 ms per
#: term of a flat arithmetic chain, which bounds the terms further. Pass other values to
#: :func:`check_limits`.
MAX_DEPTH = 200
MAX_TERMS = 2_000
MAX_LENGTH = 200_000

# Where a closing bracket closes nothing: strings, IRIs, comments. Reading more text as one
# of these than an engine does only raises the depth counted (see check_limits).
_INERT = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*",
    re.S,
)
_MARK = re.compile(r"[{}()\[\]!&|+\-*/^.,;<>=]")
_BRACKET = re.compile(r"[{(\[\])}]")
_OPENERS = "{(["
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)

_trusted: set[str] = set()


def trust(query: str) -> str:
    """Mark ``query`` as shipped with the program (the named-query catalogue): it skips the
    parse-level guard, so commands that only run shipped queries never import rdflib."""
    _trusted.add(query)
    return query


_by_values: set[str] = set()


def bind_by_values(query: str) -> str:
    """Mark a trusted query as one whose parameters pyoxigraph must get as a ``VALUES``
    block (:func:`with_values`), not as substitutions: its planner cannot see a substituted
    variable as bound, and for some patterns picks a plan that reads the whole graph."""
    _by_values.add(trust(query))
    return query


def binds_by_values(query: str) -> bool:
    """Whether :func:`bind_by_values` marked ``query`` (or what it was derived from)."""
    return query in _by_values


def derived(query: str, result: str) -> str:
    """``result``, a query made from ``query`` by the program, trusted (and bound by
    values) when ``query`` is."""
    if query in _by_values:
        return bind_by_values(result)
    return trust(result) if query in _trusted else result


def check_limits(query: str, max_depth: int = MAX_DEPTH, max_terms: int = MAX_TERMS,
                 max_length: int = MAX_LENGTH) -> None:
    """Refuse a query too long, too deeply nested or with too many terms for the parsers.

    It runs before any parser, so it reads characters, and it errs on the side of refusing:
    every opening bracket counts, even inside a string or IRI, while a closing one counts
    only outside them (else ``"}}}"`` could hide 3,000 ``{``); every operator, bracket and
    separator counts as a term, wherever it is.

    >>> check_limits("SELECT * WHERE " + "{" * 300 + "}" * 300)
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: The query nests brackets 300 deep; the limit is 200. Flatten its groups and expressions.
    """
    if len(query) > max_length:
        raise QueryError(f"The query is {len(query):,} characters long; the limit is "
                         f"{max_length:,}. Shorten it (e.g. move long VALUES lists into data).")
    depth = deepest = position = 0
    for inert in [*_INERT.finditer(query), None]:
        end = inert.start() if inert else len(query)
        for bracket in _BRACKET.findall(query, position, end):
            depth = depth + 1 if bracket in _OPENERS else max(depth - 1, 0)
            deepest = max(deepest, depth)
        if inert:
            depth += sum(inert.group(0).count(c) for c in _OPENERS)
            deepest = max(deepest, depth)
            position = inert.end()
    if deepest > max_depth:
        raise QueryError(f"The query nests brackets {deepest} deep; the limit is {max_depth}. "
                         "Flatten its groups and expressions.")
    terms = len(_MARK.findall(query))
    if terms > max_terms:
        raise QueryError(f"The query has {terms:,} operators, brackets and separators; the "
                         f"limit is {max_terms:,}. Split it into smaller queries.")


def where_body_start(query: str) -> int:
    """The index just after the ``{`` that opens the query's WHERE clause (WHERE is optional).

    Found on the text with strings, IRIs and comments blanked; :func:`with_values` checks on
    the parse tree that the place is right before it uses an untrusted result.
    """
    bare = _INERT.sub(lambda m: " " * len(m.group(0)), query)
    match = re.search(r"\bWHERE\s*\{", bare, re.I)
    if match:
        return match.end()
    form = _FORM.search(bare)
    brace = bare.find("{", form.end()) if form else -1
    if brace < 0:
        raise QueryError("Cannot find the WHERE clause of the query.")
    return brace + 1


def with_values(query: str, terms: dict) -> str:
    """The query with ``VALUES (?name ...) { (term ...) }`` opening its WHERE clause.

    For engines without term binding (a remote endpoint, an unprojected variable in
    pyoxigraph). Terms are pyoxigraph terms, serialised by pyoxigraph, so an IRI is validated
    and a literal escaped: user text never becomes query syntax. Placed first in the WHERE
    clause, the values are seen by its FILTERs, unlike a trailing VALUES. In a query that is
    not a trusted catalogue query, the parse tree must show the block there.
    """
    if not terms:
        return query
    names = sorted(terms)
    values = " ".join(str(_as_term(terms[n])) for n in names)
    block = " VALUES (" + " ".join("?" + n for n in names) + ") { (" + values + ") } "
    at = where_body_start(query)
    result = query[:at] + block + query[at:]
    if query in _trusted:
        return trust(result)
    from kg.query.guard import values_lead_where

    if not values_lead_where(result, names):
        raise QueryError("Cannot bind parameters in this query: its WHERE clause was not "
                         "found; bind the values in the query text instead.")
    return result


def _as_term(value):
    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return value
    return ox.Literal(str(value))


def with_limit(query: str, limit: int) -> str:
    """The query with ``LIMIT n`` appended; ``n`` must be a non-negative int, never text."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise QueryError(f"LIMIT must be a whole number of rows, not {limit!r}.")
    return derived(query, f"{query.rstrip()}\nLIMIT {limit}\n")


def check_safe(query: str, allow_from: bool = False, allow_service: bool = False) -> str:
    """Refuse updates, LOAD, SERVICE and dataset clauses; return the query form (SELECT, ...).

    Decided on the parse tree (:mod:`kg.query.guard`), after :func:`check_limits`, unless the
    query's tokens (:func:`kg.query.lexer.plain_form`) hold no word that could begin a refused
    form. Shipped catalogue queries (:func:`trust`) only get their form read, without rdflib.

    >>> check_safe("SELECT * WHERE { ?s ?p ?o }")
    'SELECT'
    >>> check_safe("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: SERVICE is refused: the graph is read-only and queries may not reach the network or files; remove the SERVICE clause.
    """
    if query in _trusted:
        form = _FORM.search(_INERT.sub(" ", query))
        return form.group(1).upper() if form else "SELECT"
    if len(query) > _CACHED_LENGTH:
        return _verdict(query, allow_from, allow_service)
    form, refusal = _cached_verdict(query, allow_from, allow_service)
    if refusal is not None:
        raise QueryError(refusal)
    return form


#: an endpoint sees the same queries again and again; rdflib takes ~50 ms to parse one
_CACHED_LENGTH = 10_000


@functools.lru_cache(maxsize=512)
def _cached_verdict(query: str, allow_from: bool, allow_service: bool):
    try:
        return _verdict(query, allow_from, allow_service), None
    except QueryError as error:
        return None, str(error)


def _verdict(query: str, allow_from: bool, allow_service: bool) -> str:
    check_limits(query)
    # The common case: no token of the query is a word that could begin SERVICE, FROM or an
    # update, so no parse can find one; the full parse (rdflib, 0.3 s to import) decides
    # every other query.
    form = plain_form(query)
    if form is not None:
        return form
    from kg.query.guard import inspect

    return inspect(query, allow_from=allow_from, allow_service=allow_service)


def prefix_lines(query: str) -> str:
    """PREFIX declarations for the predeclared prefixes the query does not declare itself."""
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([\w.-]*):", query, re.I)}
    return "".join(
        f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items() if name not in declared
    )


def check_base(base: str | None) -> str | None:
    """``base`` if it is an absolute IRI (or None); else a one-line :class:`QueryError`.

    >>> check_base("queries/")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: The base IRI 'queries/' is not an absolute IRI; give one with a scheme, e.g. --base http://example.org/ or --base file:///home/me/queries/.
    """
    if base is None:
        return None
    try:
        return ox.NamedNode(base).value  # pyoxigraph takes absolute IRIs only
    except ValueError:
        from kg.terminal import escape

        raise QueryError(f"The base IRI '{escape(base)}' is not an absolute IRI; give one with "
                         "a scheme, e.g. --base http://example.org/ or --base "
                         "file:///home/me/queries/.") from None


def syntax_message(error: SyntaxError, query: str, base: str | None = None,
                   second_opinion: bool = False) -> str:
    """One line: where a query is malformed, as ``line L, column C: what``; a relative IRI
    with no base to resolve it against is named as the cause (pyoxigraph then reports the
    tokens it expected instead).

    ``second_opinion``: when rdflib's parser also fails on the query, its message is given
    instead: pyoxigraph's lists one token it expected ("expected OPTIONAL" for a triple with
    no object), rdflib's names what it found where. It costs rdflib's import (0.3 s), which
    only a malformed query pays.
    """
    relative = [] if base else relative_iris(query)
    if relative:
        from kg.terminal import escape

        return (f"The query uses the relative IRI {escape(relative[0])} and has no base IRI to "
                "resolve it against; add BASE <...> to the query, give --base IRI, or run it "
                "from a file (-f), whose URI is the base.")
    if second_opinion:
        from kg.query.guard import inspect

        try:
            inspect(query, allow_from=True, allow_service=True)
        except QueryError as refusal:
            if str(refusal).startswith("Malformed SPARQL"):
                return str(refusal)
    text = str(error)
    match = re.search(r"error at (\d+):(\d+): (.*)", text, re.S)
    if match:
        line, column, what = match.groups()
        return f"Malformed SPARQL at line {line}, column {column}: {what.splitlines()[0]}"
    return "Malformed SPARQL: " + text.splitlines()[0] if text else "Malformed SPARQL."


def to_python(term):
    """A pyoxigraph term as a plain Python value: IRIs as str, typed literals as numbers."""
    kind = type(term)  # exact types first: this runs once per cell of every result
    if kind is ox.NamedNode:
        return term.value
    if kind is ox.Literal:
        convert = _CONVERTERS.get(term.datatype.value)
        if convert is None:
            return term.value
        try:
            return convert(term.value)
        except (ValueError, ArithmeticError):
            return term.value
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return str(term)


_CONVERTERS = {
    **dict.fromkeys((XSD + name for name in (
        "integer", "int", "long", "nonNegativeInteger", "positiveInteger", "short")), int),
    XSD + "decimal": Decimal,
    XSD + "double": float, XSD + "float": float,
    XSD + "boolean": lambda value: value in ("true", "1"),
}


def expand(curie_or_iri: str, prefixes: dict[str, str] | None = None) -> str | None:
    """Expand ``ail:Python`` or ``<http://...>`` to an IRI; None when it is neither."""
    text = curie_or_iri.strip()
    iri = None
    if text.startswith("<") and text.endswith(">"):
        iri = text[1:-1]
    elif re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I) or text.startswith("urn:"):
        iri = text
    else:
        match = re.fullmatch(r"([A-Za-z][\w.-]*):([\w.-]+)", text)
        prefixes = prefixes or PREFIXES
        if match and match.group(1) in prefixes:
            iri = prefixes[match.group(1)] + match.group(2)
    if iri is None:
        return None
    try:
        ox.NamedNode(iri)  # a label such as '<img src=x>' is not an IRI
    except ValueError:
        return None
    return iri


def to_term(value):
    """A Python value as an RDF term (terms unchanged; bool, int, float, Decimal typed)."""
    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return value
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(XSD + "double"))
    if value.__class__.__name__ == "Decimal":
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "decimal"))
    return ox.Literal(str(value))
