"""SPARQL text handling shared by the local store and remote endpoints.

The graph is read-only and must not reach the network or the file system. pyoxigraph runs
SERVICE and LOAD over HTTP from Rust, where Python's audit hooks cannot see them, so such
queries are refused here, before any engine sees them.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pyoxigraph as ox

from kg.errors import QueryError
from kg.store import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"

# Strings, IRIs, comments, variables and prefixed names cannot hold keywords; blank them first.
_NOT_KEYWORDS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*"
    r"|[?$][A-Za-z0-9_\u00b7-\uffff]+"
    r"|[A-Za-z_][\w.-]*:[\w.:%-]*|:[\w.:%-]*",
)
_UPDATE = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY")
_FORBIDDEN = re.compile(r"\b(" + "|".join(_UPDATE) + r"|SERVICE|FROM|WITH|USING)\b", re.I)
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)


def keywords_text(query: str) -> str:
    """The query with strings, IRIs, comments, variables and prefixed names blanked out.

    Blanks keep their length, so a position in the result is the same position in ``query``.
    """
    return _NOT_KEYWORDS.sub(lambda m: " " * len(m.group(0)), query)


def where_body_start(query: str) -> int:
    """The index just after the ``{`` that opens the query's WHERE clause (WHERE is optional)."""
    bare = keywords_text(query)
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
    clause, the values are seen by its FILTERs, unlike a trailing VALUES.
    """
    if not terms:
        return query
    names = sorted(terms)
    values = " ".join(str(_as_term(terms[n])) for n in names)
    block = " VALUES (" + " ".join("?" + n for n in names) + ") { (" + values + ") } "
    at = where_body_start(query)
    return query[:at] + block + query[at:]


def _as_term(value):
    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return value
    return ox.Literal(str(value))


def with_limit(query: str, limit: int) -> str:
    """The query with ``LIMIT n`` appended; ``n`` must be a non-negative int, never text."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise QueryError(f"LIMIT must be a whole number of rows, not {limit!r}.")
    return f"{query.rstrip()}\nLIMIT {limit}\n"


def check_safe(query: str, allow_from: bool = False) -> str:
    """Refuse updates, SERVICE, LOAD and dataset clauses; return the query form (SELECT, ...).

    >>> check_safe("SELECT * WHERE { ?s ?p ?o }")
    'SELECT'
    >>> check_safe("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    kg.errors.QueryError: SERVICE is refused: the graph is read-only and queries may not reach the network or files; remove the SERVICE clause.
    """
    bare = keywords_text(query)
    for match in _FORBIDDEN.finditer(bare):
        word = match.group(1).upper()
        if word == "FROM" and allow_from:
            continue
        if word in _UPDATE or word in ("WITH", "USING"):
            raise QueryError(
                f"{word} is refused: this is a read-only query command; "
                "use SELECT, ASK, CONSTRUCT or DESCRIBE."
            )
        raise QueryError(
            f"{word} is refused: the graph is read-only and queries may not reach the network "
            f"or files; remove the {word} clause."
        )
    form = _FORM.search(bare)
    if not form:
        raise QueryError("Not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE.")
    return form.group(1).upper()


def prefix_lines(query: str) -> str:
    """PREFIX declarations for the predeclared prefixes the query does not declare itself."""
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([\w.-]*):", query, re.I)}
    return "".join(
        f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items() if name not in declared
    )


def syntax_message(error: SyntaxError, query: str) -> str:
    """One line: where a query is malformed, as ``line L, column C: what``."""
    text = str(error)
    match = re.search(r"error at (\d+):(\d+): (.*)", text, re.S)
    if match:
        line, column, what = match.groups()
        return f"Malformed SPARQL at line {line}, column {column}: {what.splitlines()[0]}"
    return "Malformed SPARQL: " + text.splitlines()[0] if text else "Malformed SPARQL."


def to_python(term):
    """A pyoxigraph term as a plain Python value: IRIs as str, typed literals as numbers."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        value = term.value
        try:
            if datatype in (XSD + "integer", XSD + "int", XSD + "long", XSD + "nonNegativeInteger",
                            XSD + "positiveInteger", XSD + "short"):
                return int(value)
            if datatype == XSD + "decimal":
                return Decimal(value)
            if datatype in (XSD + "double", XSD + "float"):
                return float(value)
            if datatype == XSD + "boolean":
                return value in ("true", "1")
        except ValueError:
            return value
        return value
    return str(term)


def curie(iri: str, prefixes: dict[str, str] | None = None) -> str:
    """Shorten an IRI with the predeclared (or the given) prefixes; unchanged when none applies."""
    for name, base in (prefixes or PREFIXES).items():
        if iri.startswith(base) and re.fullmatch(r"[\w-]+", iri[len(base):] or "-"):
            return f"{name}:{iri[len(base):]}"
    return iri


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
