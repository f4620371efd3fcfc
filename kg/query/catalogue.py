"""The named-query catalogue: one SPARQL query per ``kg/queries/*.rq`` file.

Each file starts with a header comment::

    # summary: one line saying what the query returns
    # param: role - a role (a ail:Role): label, alternative label, CURIE or IRI
    # param: text - a plain string, bound as a literal
    # param: entity - anything in the graph (any entity)
    # row: what one result row means
    # index: fulltext - optional; an index kept beside a workspace store gives the answer
    # bind: values - optional; why pyoxigraph gets the parameters as a VALUES block

Parameters are SPARQL variables bound as RDF terms at run time, never pasted into the text.
An ``index`` line declares that the answer can be read from an index instead of running
the query (:mod:`kg.query.textsearch`), the same rows in the same order; the query stays the
definition, and what the release alone and endpoints run. A ``bind: values`` line has
pyoxigraph get the parameters as a ``VALUES`` block opening the WHERE clause (as remote
endpoints always do) instead of substitutions, which its planner does not see as bound;
only for a query whose parameters are not used inside a subquery, where a ``VALUES`` block
does not reach.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.query import sparql
from kg.errors import KGError, UnknownQuery, did_you_mean
from kg.store.release import queries_dir


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    optional: bool = False
    #: the class a label given for this parameter is looked up in, e.g. ``ail:Role``
    cls: str | None = None
    #: whether the value names an entity (``(a ail:Role)`` or ``(any entity)`` in the header)
    entity: bool = False


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    text: str
    summary: str
    row: str
    params: tuple[Param, ...] = field(default_factory=tuple)
    #: the index that can answer it (``fulltext``), declared by an ``# index:`` line
    index: str | None = None
    #: how pyoxigraph gets its parameters: ``values`` (a ``VALUES`` block opening the WHERE
    #: clause) when a ``# bind: values`` line says so, else substitutions
    bind: str | None = None


_HEADER = re.compile(r"^#\s*(summary|param|row|index|bind):\s*(.*)$", re.M)
_CLASS = re.compile(r"\((?:class|a|an)\s+([\w-]+:[\w-]+)\)")


def parse(path: Path) -> NamedQuery:
    """A query file and its header; a file that is not UTF-8 text is a ``KGError``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise KGError(f"{path}: cannot read this named query ({reason.lower()}); "
                      "fix or remove the file.") from None
    summary, row, params, index, bind = "", "", [], None, None
    for key, value in _HEADER.findall(text):
        value = value.strip()
        if key == "summary":
            summary = value
        elif key == "row":
            row = value
        elif key == "index":
            index = value.partition(" - ")[0].strip() or None
        elif key == "bind":
            bind = value.partition(" - ")[0].strip()
            if bind != "values":
                raise KGError(f"{path}: '# bind: {bind}' is not a way to bind parameters; "
                              "write '# bind: values - why' or remove the line.")
        else:
            name, _, description = value.partition(" - ")
            cls = _CLASS.search(description)
            params.append(Param(
                name=name.strip(),
                description=description.strip(),
                optional=description.strip().startswith("optional"),
                cls=cls.group(1) if cls else None,
                entity=bool(cls) or "(any entity)" in description,
            ))
    return NamedQuery(path.stem, path, text, summary or "(no '# summary:' line in the file)",
                      row, tuple(params), index, bind)


@lru_cache(maxsize=1)
def catalogue() -> dict[str, NamedQuery]:
    """Every named query, by name, in name order.

    They ship with the program, so the query guard trusts them (:func:`kg.query.sparql.trust`):
    a command that runs only these never pays for rdflib's parser.
    """
    queries = {p.stem: parse(p) for p in sorted(queries_dir().glob("*.rq"), key=lambda p: p.stem)}
    for named in queries.values():
        sparql.trust(named.text)
        if named.bind == "values":
            sparql.bind_by_values(named.text)
    return queries


def get(name: str) -> NamedQuery:
    """The named query ``name``; raises :class:`UnknownQuery` with the closest names."""
    queries = catalogue()
    if name.endswith(".rq"):
        name = name[:-3]
    if name not in queries:
        raise UnknownQuery(
            f"No named query '{name}'.{did_you_mean(name, queries)} "
            "Run 'aikg queries' to list them."
        )
    return queries[name]
