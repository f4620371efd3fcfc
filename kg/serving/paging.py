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

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg.query import sparql

#: incoming statements on one page (browse-incoming-page.rq asks for one more)
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
    bound = {"entity": node, "after": ox.Literal(after)}
    incoming = graph.query(query("browse-incoming-page"), **bound)
    raw_in = list(graph.run(query("browse-incoming-page"), bound))
    following = None
    if len(incoming) > PAGE:
        # the last subject's statements may go on past the limit: it starts the next page
        last = incoming[-1]["value"]
        keep = [k for k, row in enumerate(incoming) if row["value"] != last]
        if keep:  # (one subject with more statements than a page: shown cut)
            following = incoming[keep[-1]]["value"]
            incoming = [incoming[k] for k in keep]
            raw_in = [raw_in[k] for k in keep]
        else:
            incoming, raw_in = incoming[:PAGE], raw_in[:PAGE]
    outgoing = graph.query(query("browse-outgoing"), entity=node)
    raw_out = graph.run(query("browse-outgoing"), {"entity": node})
    raw = [(row["direction"].value, row["property"], row["value"])
           for row in [*raw_out, *raw_in]]
    return outgoing + incoming, raw, following
