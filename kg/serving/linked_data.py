"""A browsable graph for ``aikg serve``: entity pages with content negotiation, and an index.

Everything answers under ``/browse`` as ``(status, media type, body bytes)``, so the server
only routes to :func:`respond`:

- ``/browse``: the index, linking the pages, the charts, the reference documentation, the
  named queries, and a query form that sends its query to ``/sparql`` (a plain HTML form: the
  page runs no script);
- ``/browse/entity/<local name>`` (an entity of the ontology's namespace) or
  ``/browse/entity?iri=<IRI>`` (any entity): HTML to a browser (label, definition, classes,
  figures, links both ways, provenance and a small neighbourhood picture), Turtle or JSON-LD
  to a client that asks for them in ``Accept`` (or with ``?format=ttl|jsonld``), as Linked
  Data publishers such as Skosmos or LodView do;
- ``/browse/charts.html``, ``/browse/graph.html``, ``/browse/career-ladder.html``: the pages of
  ``aikg charts`` and ``aikg viz``, made from the served graph on first request.

Graph text is escaped by the templates (autoescape) and every page carries the same strict
Content-Security-Policy as the written pages; the HTML here runs no script.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, quote

from markupsafe import Markup

from kg.query import catalogue
from kg.query import sparql
from kg.pages.charts import el
from kg.serving import paging
from kg.terminal import clip

AIL = "https://w3id.org/ai-leadership-kg/ontology#"
PREFIX = "/browse"
HTML, TURTLE, JSONLD = "text/html; charset=utf-8", "text/turtle; charset=utf-8", "application/ld+json"
OFFERED = {"text/html": "html", "application/xhtml+xml": "html", "text/turtle": "ttl",
           "application/x-turtle": "ttl", "application/ld+json": "jsonld",
           "application/json": "jsonld"}
FORMATS = {"ttl": "ttl", "turtle": "ttl", "jsonld": "jsonld", "json-ld": "jsonld", "html": "html"}
PAGES = ("charts.html", "graph.html", "career-ladder.html")
NEIGHBOURS = 24  # at most this many neighbours in an entity's picture


def accepted(header: str | None) -> str | None:
    """``html``, ``ttl`` or ``jsonld`` for an Accept header (q-values honoured); None if none
    of them is acceptable. No header, or ``*/*`` alone, means HTML."""
    if not header:
        return "html"
    ranked = []
    for k, part in enumerate(header.split(",")):
        bits = [b.strip() for b in part.split(";")]
        q = 1.0
        for bit in bits[1:]:
            if bit.startswith("q="):
                try:
                    q = float(bit[2:])
                except ValueError:
                    q = 0.0
        ranked.append((-q, k, bits[0].lower()))
    for minus_q, _, media in sorted(ranked):
        if minus_q >= 0:
            continue
        if media in OFFERED:
            return OFFERED[media]
        if media in ("*/*", "text/*"):
            return "html"
    return None


def entity_href(iri: str) -> str:
    if iri.startswith(AIL) and iri[len(AIL):].replace("_", "").replace("-", "").isalnum():
        return f"{PREFIX}/entity/{iri[len(AIL):]}"
    return f"{PREFIX}/entity?iri={quote(iri, safe='')}"


def _env():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).parent.parent / "templates")),
                              autoescape=True, keep_trailing_newline=True, trim_blocks=True,
                              lstrip_blocks=True)


def _text(status: int, message: str) -> tuple[int, str, bytes]:
    return status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8")


def respond(graph, path: str, query_string: str = "", accept: str | None = None,
            cache: dict | None = None) -> tuple[int, str, bytes]:
    """The answer to ``GET <path>?<query_string>`` under ``/browse``."""
    params = {k: v[0] for k, v in parse_qs(query_string, keep_blank_values=True).items()}
    rest = path[len(PREFIX):] if path.startswith(PREFIX) else path
    rest = rest.strip("/")
    if rest == "":
        return 200, HTML, index_html(graph).encode("utf-8")
    if rest in PAGES:
        return 200, HTML, _page(graph, rest, cache if cache is not None else {})
    if rest == "entity" or rest.startswith("entity/"):
        iri = params.get("iri") if rest == "entity" else AIL + rest[len("entity/"):]
        if not iri:
            return _text(400, "Name the entity: /browse/entity/<local name> or /browse/entity?iri=<IRI>.")
        fmt = FORMATS.get(params.get("format", "").lower()) if params.get("format") else accepted(accept)
        if fmt is None:
            return _text(406, f"Cannot answer in '{clip(accept or '', 100)}'; ask for text/html, text/turtle or "
                              "application/ld+json (or add ?format=ttl or ?format=jsonld).")
        return entity(graph, iri, fmt, params.get("after"))
    return _text(404, f"No page '{path}'; the index is at {PREFIX}.")


# -- an entity --------------------------------------------------------------------------------
def entity(graph, iri: str, fmt: str, after: str | None = None) -> tuple[int, str, bytes]:
    """One entity's page (``html``) or its statements, both directions (``ttl``, ``jsonld``).

    An entity with more incoming statements than a page holds (a large class) shows them a
    page at a time (:mod:`kg.serving.paging`), from the first subject after ``after``.
    """
    import pyoxigraph as ox

    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return _text(400, f"'{iri}' is not an IRI; give one such as {AIL}HeadOfAIEngineering.")
    pages = None
    if after is not None or paging.paged(graph, iri):
        rows, statements, following = paging.page(graph, iri, after or "")
        pages = {"rows": rows, "after": after, "next": following}
    else:
        rows = graph.run(catalogue.get("entity-facts").text, {"entity": node})
        statements = [(row["direction"].value, row["property"], row["value"]) for row in rows]
    if not statements:
        return _text(404, f"No entity '{iri}' in the graph; find one from the index at {PREFIX}.")
    me = ox.NamedNode(iri)
    triples = [ox.Triple(me, p, v) if d == "out" else ox.Triple(v, p, me) for d, p, v in statements]
    if fmt == "ttl":
        body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(graph.prefixes))
        return 200, TURTLE, body
    if fmt == "jsonld":
        from kg.releasing.jsonld import compact_jsonld

        return 200, JSONLD, compact_jsonld(triples)
    return 200, HTML, entity_html(graph, iri, pages).encode("utf-8")


def entity_html(graph, iri: str, pages: dict | None = None) -> str:
    from kg.query.describe import describe

    card = describe(graph, iri, pages["rows"] if pages else None)
    links = [(name, [dict(ref, href=entity_href(ref["iri"])) for ref in refs])
             for name, refs in sorted(card["links"].items())]
    linked_from = [(name, [dict(ref, href=entity_href(ref["iri"])) for ref in refs])
                   for name, refs in sorted(card["linked_from"].items())]
    facts = [(name, [str(v) for v in values]) for name, values in sorted(card["facts"].items())]
    for ref in card["classes"] + card["sources"]:
        ref["href"] = entity_href(ref["iri"])
    here = entity_href(iri)
    sep = "&" if "?" in here else "?"
    return _env().get_template("entity.html").render(
        card=card, links=links, linked_from=linked_from, facts=facts, prefix=PREFIX,
        picture=neighbourhood_svg(card, iri), turtle=f"{here}{sep}format=ttl",
        jsonld=f"{here}{sep}format=jsonld", paging=_paging_links(here, sep, pages))


def _paging_links(here: str, sep: str, pages: dict | None) -> dict | None:
    """The links of a paged entity's list of incoming statements: first and next page."""
    if pages is None:
        return None
    following = pages["next"]
    return {"size": paging.PAGE, "first": here if pages["after"] else None,
            "next": f"{here}{sep}after={quote(following, safe='')}" if following else None}


def neighbourhood_svg(card: dict, iri: str) -> Markup:
    """The entity in the middle, up to :data:`NEIGHBOURS` linked entities round it, each a link
    to its own page; a line per link (dashed when the link points at the entity)."""
    seen, queues = set(), []
    for direction, group in (("out", card["links"]), ("in", card["linked_from"])):
        for name in sorted(group):
            queue = []
            for ref in group[name]:
                if ref["iri"] not in seen and ref["iri"] != iri:
                    seen.add(ref["iri"])
                    queue.append((direction, name, ref))
            queues.append(queue)
    # one of each kind of link first, then the second of each ...: the picture shows variety
    around = [q[k] for k in range(max((len(q) for q in queues), default=0)) for q in queues if k < len(q)]
    shown = around[:NEIGHBOURS]
    size, radius = 560, 210
    cx = cy = size / 2
    parts = []
    for k, (direction, name, ref) in enumerate(shown):
        angle = 2 * math.pi * k / max(1, len(shown)) - math.pi / 2
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        parts.append(el("line", {"x1": cx, "y1": cy, "x2": f"{x:.1f}", "y2": f"{y:.1f}",
                                 "stroke": "#bbb", "stroke_dasharray": "4 3" if direction == "in" else None}))
        anchor = "start" if math.cos(angle) > 0.2 else "end" if math.cos(angle) < -0.2 else "middle"
        dx = 9 if anchor == "start" else -9 if anchor == "end" else 0
        parts.append(el("a", {"href": entity_href(ref["iri"])},
                        el("title", None, f"{name}: {ref['label']}"),
                        el("circle", {"cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": 6, "fill": "#1f5fa8"}),
                        el("text", {"x": f"{x + dx:.1f}", "y": f"{y + (18 if anchor == 'middle' and y > cy else -10 if anchor == 'middle' else 4):.1f}",
                                    "text_anchor": anchor, "font_size": 12, "class": "neighbour"},
                           _cut(ref["label"], 26))))
    parts.append(el("circle", {"cx": cx, "cy": cy, "r": 11, "fill": "#e8590c"}))
    parts.append(el("text", {"x": cx, "y": cy + 28, "text_anchor": "middle", "font_size": 14,
                             "font_weight": 600}, _cut(card["label"], 40)))
    note = f"{len(shown)} of {len(around)} linked entities" if len(around) > len(shown) else ""
    if note:
        parts.append(el("text", {"x": 4, "y": size - 6, "font_size": 11, "fill": "#666"}, note))
    return el("svg", {"xmlns": "http://www.w3.org/2000/svg", "viewBox": f"-140 0 {size + 280} {size}",
                      "width": size + 280, "height": size, "role": "img",
                      "aria_label": f"Entities linked to {card['label']}"}, *parts)


def _cut(text: str, chars: int) -> str:
    text = str(text)
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "\u2026"


# -- the index and the pages -------------------------------------------------------------------
def index_html(graph) -> str:
    rows = graph.named("class-counts")
    classes = [{"label": r.get("classLabel") or sparql.curie(r["class"]), "count": r["individuals"],
                "href": entity_href(r["class"])} for r in rows]
    roles = sorted(({"label": r.get("label") or sparql.curie(r["role"]), "href": entity_href(r["role"])}
                    for r in graph.named("ladder-roles")), key=lambda r: r["label"])
    unique_roles = list({r["href"]: r for r in roles}.values())[:60]
    queries = []
    for name, named in sorted(catalogue.catalogue().items()):
        href = None if named.params else "/sparql?" + "query=" + quote(named.text, safe="")
        queries.append({"name": name, "summary": named.summary, "href": href})
    from kg.store.release import ONTOLOGY_IRI

    return _env().get_template("browse.html").render(
        prefix=PREFIX, pages=PAGES, classes=classes, roles=unique_roles, queries=queries,
        docs="/" + ONTOLOGY_IRI.split("://", 1)[1].split("/", 1)[1], triples=len(graph),
        example="SELECT ?role ?label WHERE {\n  ?role a ail:Role ; rdfs:label ?label .\n}\nORDER BY ?label")


def _page(graph, name: str, cache: dict) -> bytes:
    """A written page, made once per served graph into a temporary folder and kept."""
    if name not in cache:
        with tempfile.TemporaryDirectory(prefix="aikg-pages-") as folder:
            target = Path(folder) / name
            if name == "charts.html":
                from kg.pages.charts import charts_page

                charts_page(graph, target)
            else:
                from kg.pages import viz

                (viz.graph_page if name == "graph.html" else viz.ladder_page)(graph, target)
            cache[name] = target.read_bytes()
    return cache[name]
