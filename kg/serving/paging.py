"""The statements pointing at an entity, a page at a time, for ``/browse``.

A class's page listed every member, each checked against the entailments (``entity-facts``):
about 20 s for 2,000 members at 50k triples, and minutes for a large class of a real import.
An entity with more than :data:`PAGE` incoming statements gets its outgoing statements whole
(``browse-outgoing.rq``) and its incoming ones a page at a time, in the order of their
subjects' IRIs, each page after the last subject of the one before (``?after=<IRI>``), so a
page costs the same wherever it is in the list. Queries are the ``.rq`` files beside this
module; values are bound as terms.
"""

from __future__ import annotations

import bisect
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg.query import sparql

#: incoming statements on one page
PAGE = 200


@lru_cache(maxsize=None)
def query(name: str) -> str:
    """A query shipped beside this module, trusted like the catalogue's."""
    return sparql.trust((Path(__file__).parent / "queries" / f"{name}.rq").read_text("utf-8"))


def paged(graph, iri: str) -> bool:
    """Whether ``iri`` has more incoming statements than one page holds."""
    rows = graph.query(query("browse-incoming-count"), entity=ox.NamedNode(iri))
    return bool(rows) and int(rows[0]["n"]) > PAGE


def page(graph, iri: str, after: str = "") -> tuple[list[dict], list, str | None]:
    """Rows for :func:`kg.query.describe.describe` (outgoing statements, then one page of the
    incoming ones), the same statements as raw ``(direction, property, value)`` terms, and the
    ``after`` key of the next page (None on the last)."""
    node = ox.NamedNode(iri)
    # unpacked by position: by name, two look-ups a row cost 3.4 s over O*NET's 92k ratings
    pairs = sorted((value.value, prop.value, value, prop)
                   for prop, value in graph.run(query("browse-incoming-page"), {"entity": node}))
    start = bisect.bisect_right(pairs, (after, "\U0010ffff"))  # past every row of ``after``
    shown = pairs[start:start + PAGE + 1]
    following = None
    if len(shown) > PAGE:
        # the last subject's statements may go on past the page: it starts the next one
        last = shown[-1][0]
        kept = [pair for pair in shown if pair[0] != last]
        if kept:  # (one subject with more statements than a page: shown cut)
            shown, following = kept, kept[-1][0]
        else:
            shown = shown[:PAGE]
    labels = graph.labels()
    incoming = [{"direction": "in", "property": prop, "value": value}
                for value, prop, _, _ in shown]
    for row in incoming:
        if row["property"] in labels:
            row["propertyLabel"] = labels[row["property"]]
    outgoing = graph.query(query("browse-outgoing"), entity=node)
    raw_out = graph.run(query("browse-outgoing"), {"entity": node})
    raw = [(row["direction"].value, row["property"], row["value"]) for row in raw_out]
    raw += [("in", prop_term, value_term) for _, _, value_term, prop_term in shown]
    return outgoing + incoming, raw, following
