"""SPARQL text split into the grammar's terminals, as pyoxigraph reads them.

The SPARQL 1.1 grammar (section 19.8) defines its tokens (IRIs, prefixed names, strings,
variables, numbers, comments) as regular terminals; this module matches them exactly as
written there, with the two readings pyoxigraph adds: a comment ends at a carriage return as
well as a line feed, and ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes are decoded inside strings and
IRIs (and nowhere else, so an escape elsewhere is no token at all).

It serves the query guard (:mod:`kg.query.guard`) three ways: a query whose tokens hold no
word that could begin a refused form is granted without the full parse (the common case,
0.3 s sooner); the escapes inside strings and IRIs are decoded for rdflib's parser, which
does not read them; and relative IRIs are found to say why a query without a base fails.
Whatever this lexer does not recognise is not decided here: :func:`tokens` returns None and
the full parse decides.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

_HEX = "[0-9A-Fa-f]"
_UCHAR = rf"\\u{_HEX}{{4}}|\\U{_HEX}{{8}}"
_ECHAR = r"""\\[tbnrf\\"']"""
# PN_CHARS_BASE, PN_CHARS_U and PN_CHARS widened to every character past U+00BF, and written
# as what they exclude: the grammar's ranges cost 50 ms to compile. Reading more characters
# as part of a name than pyoxigraph does only makes :func:`plain_form` find a refusable word
# where there is none (the full parse then decides), never miss one.
_BASE = r"[^\x00-\x40\x5b-\x60\x7b-\xbf]"  # A-Z a-z and U+00C0 on
_U = r"[^\x00-\x40\x5b-\x5e\x60\x7b-\xbf]"  # and _
_CHARS = r"[^\x00-\x2c\x2e\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\xb6\xb8-\xbf]"  # and - 0-9 U+00B7
_NAME = r"[^\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\xb6\xb8-\xbf]"  # VARNAME: and 0-9 U+00B7
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = rf"{_BASE}(?:(?:{_CHARS}|\.)*{_CHARS})?"
_LOCAL = rf"(?:{_U}|[:0-9]|{_PLX})(?:(?:{_CHARS}|[.:]|{_PLX})*(?:{_CHARS}|:|{_PLX}))?"

#: (kind, pattern), tried in this order at each position
_TERMINALS = [
    ("space", r"[ \t\r\n]+"),
    ("comment", r"#[^\r\n]*"),
    ("string", rf'"""(?:(?:"|"")?(?:[^"\\]|{_ECHAR}|{_UCHAR}))*"""'),
    ("string", rf"'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}|{_UCHAR}))*'''"),
    ("string", rf'"(?:[^"\\\n\r]|{_ECHAR}|{_UCHAR})*"'),
    ("string", rf"'(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*'"),
    ("iri", rf'<(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>'),
    ("pname", rf"(?:{_PREFIX})?:(?:{_LOCAL})?"),
    ("bnode", rf"_:(?:{_U}|[0-9])(?:(?:{_CHARS}|\.)*{_CHARS})?"),
    ("var", rf"[?$]{_NAME}+"),
    ("langtag", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    ("number", r"[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.?[0-9]+[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+"),
    ("word", r"[A-Za-z][A-Za-z0-9_]*"),
    ("punct", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.*/+\-!=<>^|?]"),
]
_KINDS = {f"{kind}{i}": kind for i, (kind, _) in enumerate(_TERMINALS)}


@functools.cache
def _token():
    """The terminals as one pattern, compiled on first use (commands that run only shipped
    queries never need it)."""
    return re.compile("|".join(f"(?P<{kind}{i}>{pattern})"
                               for i, (kind, pattern) in enumerate(_TERMINALS)))


class Token(NamedTuple):
    kind: str  #: string, iri, pname, bnode, var, langtag, number, word, punct
    text: str
    start: int


def tokens(query: str) -> list[Token] | None:
    """The tokens of ``query`` without spaces and comments; None where no terminal matches.

    >>> [t.text for t in tokens('SELECT ?x { ?x a "#}" } # done')]
    ['SELECT', '?x', '{', '?x', 'a', '"#}"', '}']
    >>> tokens("SELECT * { \\\\u0053ERVICE }") is None
    True
    """
    out = []
    position = 0
    match_at = _token().match
    while position < len(query):
        match = match_at(query, position)
        if match is None:
            return None
        kind = _KINDS[match.lastgroup]
        if kind not in ("space", "comment"):
            out.append(Token(kind, match.group(), position))
        position = match.end()
    return out


#: words that can begin a form the guard refuses (SERVICE, a dataset clause, an update);
#: a query holding one anywhere outside strings and IRIs gets the full parse
REFUSABLE = frozenset({
    "service", "from", "named", "load", "clear", "drop", "create", "add", "move", "copy",
    "insert", "delete", "with", "using",
})
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def plain_form(query: str) -> str | None:
    """The form (SELECT, ...) of a query whose tokens hold no refusable word; else None.

    None means "not decided here": the query holds such a word somewhere (as a keyword, a
    variable, a prefixed name's part or a blank node label), or text this lexer does not
    recognise, or a prologue or form it does not expect.
    """
    found = tokens(query)
    if not found:
        return None
    for token in found:
        if token.kind not in ("string", "iri"):
            words = re.split(r"[^A-Za-z]+", token.text)
            if any(word.lower() in REFUSABLE for word in words):
                return None
    at = 0
    while at < len(found) and found[at].text.upper() in ("BASE", "PREFIX"):
        at += 2 if found[at].text.upper() == "BASE" else 3
    if at < len(found) and found[at].kind == "word" and found[at].text.upper() in FORMS:
        return found[at].text.upper()
    return None


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: characters a string of rdflib's grammar must write as ECHAR (a long string may hold
#: line breaks, but the escape reads the same there)
_AS_ECHAR = {'"': '\\"', "'": "\\'", "\\": "\\\\", "\n": "\\n", "\r": "\\r"}


class EscapeError(ValueError):
    """A ``\\u`` escape that decodes to no character, or to one an IRI may not hold."""


def decode_escapes(query: str) -> str:
    """The query with the ``\\u`` escapes of its strings and IRIs written as characters.

    pyoxigraph decodes these escapes inside strings and IRIs and nowhere else; rdflib's
    grammar does not read them at all. Written out, a character that would end or break its
    string is written as the string escape that means it (``\\u0022`` as ``\\"``), so the
    tokens stay what pyoxigraph reads. Text this lexer does not recognise is returned as it
    is (the parser then refuses it, failing closed).

    >>> decode_escapes(r'SELECT * { BIND("caf\\u00e9 \\u0022" AS ?x) }')
    'SELECT * { BIND("café \\\\"" AS ?x) }'
    """
    found = tokens(query)
    if found is None or "\\" not in query:
        return query
    pieces, position = [], 0
    for token in found:
        if token.kind in ("string", "iri") and _ESCAPE.search(token.text):
            pieces.append(query[position:token.start])
            pieces.append(_decoded(token))
            position = token.start + len(token.text)
    pieces.append(query[position:])
    return "".join(pieces)


def _decoded(token: Token) -> str:
    def one(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise EscapeError(f"{match.group(0)} is not a character (a surrogate or past "
                              "U+10FFFF); write the character itself")
        char = chr(code)
        if token.kind == "iri":
            if char in '<>"{}|^`\\' or code <= 0x20:
                raise EscapeError(f"{match.group(0)} in the IRI {token.text} stands for a "
                                  "character IRIs may not hold; percent-encode it")
            return char
        return _AS_ECHAR.get(char, char)

    return _ESCAPE.sub(one, token.text)


def relative_iris(query: str) -> list[str]:
    """The IRIs written in ``<...>`` that need a base to resolve (no scheme), when the query
    declares no BASE of its own."""
    found = tokens(query) or []
    if any(t.kind == "word" and t.text.upper() == "BASE" for t in found):
        return []
    return [t.text for t in found
            if t.kind == "iri" and not re.match(r"<[A-Za-z][A-Za-z0-9+.\-]*:", t.text)]
