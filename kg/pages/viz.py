"""Interactive pages of the graph that open in any browser, offline.

Four pages: the whole graph (:func:`graph_page`), the career ladder (:func:`ladder_page`), the
neighbourhood of one entity (:func:`focus_page`) and a skill path (:func:`kg.pages.path_page.path_page`).
Every figure on them comes from the ``graph-*`` and ``ladder-*`` queries in ``kg/queries``.

Readable at first sight: whatever a page draws at first has labels of at least 10 px once it
is fitted to the window, or it is aggregated: the whole graph above
:data:`GRAPH_AGGREGATE_LIMIT` nodes, and a ladder or neighbourhood whose labels would be drawn
below :data:`READABLE_PX`, open on one box per group (class, or seniority level on the ladder)
with its count; a click on a group shows its members. Ladders, paths and neighbourhoods are laid out in layers from
left to right, and every page re-fits when the window changes size.

pyvis builds the network data; the page is our own template (``kg/templates/network.html``)
with vis-network's script and style read from the installed pyvis package and inlined, because
pyvis' own templates load Bootstrap and more from CDNs. Graph text reaches the page only as
JSON inside a ``<script type="application/json">`` block and is put on screen with
``textContent`` or drawn on the canvas, so a label such as ``<img src=x onerror=...>`` shows as
text. The same graph gives a byte-identical page: data are sorted and positions precomputed.

>>> import kg, tempfile, pathlib
>>> g = kg.load()
>>> out = pathlib.Path(tempfile.mkdtemp()) / "ladder.html"
>>> page = ladder_page(g, out)
>>> page.nodes > 0 and out.read_text().startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from kg.query import sparql
from kg.errors import KGError
from kg.store.io import ensure_folder
from kg.pages.data import Entity, edge, entities, ladder, links
from kg.pages.render import PHYSICS_LIMIT, options, render, write  # noqa: F401 (PHYSICS_LIMIT re-exported)
from kg.pages.style import (AIL, BOX_FONT, class_style, cluster_layout, first_paint_px,
                          grid_layout, layered_layout)

#: What ``aikg viz`` writes without ``--focus``.
PAGES = {"graph": "graph.html", "ladder": "career-ladder.html"}
#: Smallest label (px on screen) a page may draw at first; below it the ladder and focus pages
#: open on groups (one box per level or class) instead of their nodes.
READABLE_PX = 10
#: The whole-graph page's free layout stays legible only up to about this many nodes.
GRAPH_AGGREGATE_LIMIT = 150
#: Drawn labels longer than this are cut (the full label is in the tooltip and the search).
LABEL_CHARS = 24


@dataclass(frozen=True)
class Page:
    """What was written: where, and how many nodes and edges the page draws."""

    path: Path
    nodes: int
    edges: int


# -- nodes, edges and the page ------------------------------------------------------------
def _short_label(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "\u2026"


def _node(entity: Entity, xy: tuple[int, int], tip: dict | None = None, size: int = 14,
          cls: str | None = None, box: bool = False) -> dict:
    """One node. ``box``: the label inside a box outlined in the class colour, one line,
    so that boxes can stand in tight columns (the layered layouts)."""
    cls = cls or entity.cls
    colour, shape, _ = class_style(cls)
    node = {"id": entity.iri, "label": entity.label, "name": entity.label, "cls": cls,
            "shape": shape, "color": colour, "size": size, "x": xy[0], "y": xy[1],
            "tip": tip or entity.tip()}
    if box:  # the page adds the box's fill, highlight and hover colours (network.js)
        node.update(shape="box", label=_short_label(entity.label), borderWidth=2,
                    font={"size": BOX_FONT, "color": "#1a1a1a"}, margin=6,
                    widthConstraint=False)
    return node


def _legend(nodes: list[dict], known: dict[str, Entity], extra_labels: dict | None = None) -> list[dict]:
    labels = dict(extra_labels or {})
    for entity in known.values():
        for cls, label in zip(entity.classes, entity.class_labels):
            labels.setdefault(cls, label)
    counts: dict[str, int] = defaultdict(int)
    shapes: dict[str, str] = {}
    for node in nodes:
        counts[node["cls"]] += 1
        shapes[node["cls"]] = node["shape"]
    legend = []
    for cls in sorted(counts, key=lambda c: (class_style(c)[2], labels.get(c, c), c)):
        colour, shape, _ = class_style(cls)
        legend.append({"id": cls, "label": labels.get(cls) or sparql.curie(cls),
                       "color": colour, "shape": shapes.get(cls, shape), "count": counts[cls]})
    return legend


def _group_order(key) -> tuple:
    """Classes in legend order, then levels by number, then no level."""
    if isinstance(key, str):
        return (0, class_style(key)[2], key)
    return (1, key) if key is not None else (2,)


def aggregate(nodes: list[dict], key, label, xy=None, keep=(), in_place=False) -> list[dict]:
    """Group ``nodes`` (those not in ``keep``) by ``key(node)``: each node gets ``grp`` and
    the page opens on one box per group, labelled ``label(key, count)``, placed at
    ``xy(keys)`` (a grid by default). An opened group shows its members where the layout put
    them (``in_place``) or round the group's box. Returns the groups for the page data."""
    members: dict[str, list[dict]] = defaultdict(list)
    for node in nodes:
        if node["id"] not in keep:
            members[key(node)].append(node)
    keys = sorted(members, key=_group_order)
    places = xy(keys) if xy else dict(zip(keys, grid_layout(len(keys))))
    groups = []
    for k in keys:
        gid = f"group:{k}"
        for node in members[k]:
            node["grp"] = gid
        border = members[k][0]["color"]
        text = label(k, len(members[k]))
        groups.append({"id": gid, "label": text, "count": len(members[k]), "color": border,
                       "keep": in_place,
                       "x": places[k][0], "y": places[k][1],
                       "tip": {"heading": text, "kind": "group",
                               "text": f"Click to show its {len(members[k])} members.",
                               "sections": [], "source": None, "iri": None}})
    return groups


def _page(out_path: Path, title: str, subtitle: str, nodes: list[dict], edges: list[dict],
          legend: list[dict], opts: dict, groups: list[dict] | None = None,
          story: dict | None = None) -> Page:
    html = render(title, subtitle, nodes, edges, legend, opts, groups=groups or [], story=story)
    write(out_path, html)
    return Page(Path(out_path), len(nodes), len(edges))


# -- the pages -----------------------------------------------------------------------------
def graph_page(g, out_path: Path, title: str | None = None) -> Page:
    """The whole graph: every individual, coloured and shaped by class, with a legend.
    Above :data:`GRAPH_AGGREGATE_LIMIT` individuals it opens on one box per class."""
    known = entities(g)
    rows = links(g, known)
    edges = [edge(r, known) for r in rows]
    legend_classes = {e.cls for e in known.values()}
    title = title or f"Knowledge graph: {len(known)} entities in {len(legend_classes)} classes"
    if len(known) > GRAPH_AGGREGATE_LIMIT:
        nodes = [_node(known[i], (0, 0), box=True) for i in sorted(known)]
        legend = _legend(nodes, known)
        names = {c["id"]: c["label"] for c in legend}
        groups = aggregate(nodes, lambda n: n["cls"], lambda k, n: f"{names[k]} \u00b7 {n}")
        subtitle = (f"{len(nodes)} entities, {len(edges)} links, in {len(groups)} groups by "
                    "class; click a group to show its members")
        return _page(out_path, title, subtitle, nodes, edges, legend,
                     options(len(nodes), physics=False, smooth=False), groups)
    linked = {r["subject"] for r in rows} | {r["object"] for r in rows}
    by_class: dict[str, list[str]] = defaultdict(list)
    for iri in sorted(linked):
        by_class[known[iri].cls].append(iri)
    order = sorted(by_class, key=lambda c: (class_style(c)[2], c))
    xy = cluster_layout([by_class[c] for c in order], middle=sorted(set(known) - linked))
    roles = {iri for iri, e in known.items() if e.cls.endswith("#Role")}
    nodes = [_node(known[i], xy[i], size=22 if i in roles else 14) for i in sorted(known)]
    smooth = False if len(nodes) > 150 else {"enabled": True, "type": "continuous"}
    return _page(out_path, title, f"{len(nodes)} entities, {len(edges)} links", nodes, edges,
                 _legend(nodes, known), options(len(nodes), physics=True, smooth=smooth))


def ladder_columns(roles: dict) -> list[list[str]]:
    """Role IRIs by seniority level, lowest first; roles with no level in a last column."""
    levels = sorted({r["level"] for r in roles.values() if r["level"] is not None})
    columns = [[i for i in sorted(roles, key=lambda i: (roles[i]["tracks"], roles[i]["label"], i))
                if roles[i]["level"] == level] for level in levels]
    unplaced = sorted(i for i in roles if roles[i]["level"] is None)
    return columns + ([unplaced] if unplaced else [])


def ladder_nodes(known, roles, skills, salaries, only=None) -> list[dict]:
    """Role boxes in layers by seniority level, left to right (``only``: these roles)."""
    columns = [[i for i in c if only is None or i in only] for c in ladder_columns(roles)]
    xy = layered_layout([c for c in columns if c], row_pitch=80, column_pitch=190)
    nodes = []
    for iri in sorted(xy):
        role = roles[iri]
        entity = known.get(iri) or Entity(iri, role["label"], [AIL + "Role"], ["Role"], None, [], [])
        kind = [entity.class_labels[0]]
        kind.append(f"seniority level {role['level']}" if role["level"] is not None else "no seniority level")
        kind += [f"{role['stage']} stage"] if role["stage"] else []
        kind += [f"{t} track" for t in role["tracks"]]
        sections = [["Essential skills", skills[iri]["essential"]],
                    ["Preferred skills", skills[iri]["preferred"]],
                    ["Salary figures", salaries[iri]]]
        node = _node(entity, xy[iri], tip=entity.tip(sections, kind=" \u00b7 ".join(kind)), box=True)
        # up to two lines in a narrow box: seven levels side by side stay legible
        node.update(label=entity.label, widthConstraint={"maximum": 150},
                    font={"size": 18, "color": "#1a1a1a"})
        node["level"] = role["level"]
        nodes.append(node)
    return nodes


# Curved edges: a step that skips a level arcs wider than one to the next level, so
# neither hides the other on the straight line between the rungs.
LADDER_EDGES = {"enabled": True, "type": "curvedCW", "roundness": 0.2}


def _level_title(roles: dict) -> str:
    levels = sorted({r["level"] for r in roles.values() if r["level"] is not None})
    tracks = sorted({t for r in roles.values() for t in r["tracks"]})
    span = f", levels {levels[0]} to {levels[-1]}" if len(levels) > 1 else ""
    on = f" ({' and '.join(tracks)})" if 0 < len(tracks) <= 3 else ""
    return f"Career ladder: {len(roles)} role{'s' if len(roles) != 1 else ''}{span}{on}"


def ladder_page(g, out_path: Path, title: str | None = None) -> Page:
    """Roles by seniority level, progression edges; skills and salaries in each role's tooltip.
    When the roles would be drawn below :data:`READABLE_PX` it opens on one box per level."""
    known = entities(g)
    roles, steps, skills, salaries = ladder(g)
    if not roles:
        raise KGError("The graph has no roles (instances of ail:Role); nothing to draw.")
    nodes = ladder_nodes(known, roles, skills, salaries)
    edges = [{"from": a, "to": b, "title": f"{roles[a]['label']} \u2192 {roles[b]['label']}",
              "width": 2, "color": {"color": "#1f5fa8"}} for a, b in steps]
    subtitle = f"{len(nodes)} roles, {len(edges)} progression steps; hover a role for its skills and pay"
    groups = None
    if first_paint_px({n["id"]: (n["x"], n["y"]) for n in nodes}, 18, (170, 60)) < READABLE_PX:
        levels = sorted({n["level"] for n in nodes}, key=lambda v: (v is None, v))
        place = {k: (210 * levels.index(k), 0) for k in levels}  # boxes side by side
        groups = aggregate(nodes, lambda n: n["level"],
                           lambda k, n: (f"Level {k} \u00b7 {n} roles" if k is not None
                                         else f"No level \u00b7 {n} roles"),
                           xy=lambda keys: {k: place[k] for k in keys}, in_place=True)
        subtitle += "; click a level to show its roles"
    return _page(out_path, title or _level_title(roles), subtitle, nodes, edges,
                 _legend(nodes, known),
                 options(len(nodes), physics=False, smooth=LADDER_EDGES if not groups else False),
                 groups)


def neighbourhood(known: dict[str, Entity], rows: list[dict], centre: str, depth: int) -> list[list[str]]:
    """Rings of entities around ``centre``: ring d holds those d links away (either direction)."""
    adjacent: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        adjacent[row["subject"]].add(row["object"])
        adjacent[row["object"]].add(row["subject"])
    seen = {centre}
    rings = [[centre]]
    while len(rings) <= depth:
        ring = sorted({n for node in rings[-1] for n in adjacent[node]} - seen,
                      key=lambda i: (class_style(known[i].cls)[2], known[i].label, i))
        if not ring:
            break
        seen.update(ring)
        rings.append(ring)
    return rings


def focus_page(g, entity: str, depth: int, out_path: Path) -> Page:
    """The entities at most ``depth`` links from ``entity``: the entity on the left, then a
    layer of columns per link distance, grouped by class."""
    if depth < 1:
        raise KGError(f"Depth {depth} shows nothing around the entity; use --depth 1 or more.")
    centre = g.resolve(entity)
    known = entities(g)
    if centre not in known:
        raise KGError(f"'{entity}' is a term of the ontology, not an entity of the graph; "
                      "focus on an individual such as 'Head of AI Engineering'.")
    rows = links(g, known)
    rings = neighbourhood(known, rows, centre, depth)
    members = {i for ring in rings for i in ring}
    xy = layered_layout(rings)
    nodes = [_node(known[i], xy[i], box=True) for i in sorted(members)]
    for node in nodes:
        if node["id"] == centre:
            node.update(label=known[centre].label, font={"size": 22, "color": "#111111"},
                        borderWidth=4)
    edges = [edge(r, known) for r in rows if r["subject"] in members and r["object"] in members]
    for e in edges:
        e["color"] = {"color": "#c8c8c8", "highlight": "#222222", "hover": "#444444"}
    label = known[centre].label
    subtitle = f"{len(nodes)} entities within {depth} link{'s' if depth > 1 else ''} of {label}"
    legend = _legend(nodes, known)
    groups = None
    if first_paint_px(xy, BOX_FONT) < READABLE_PX:
        names = {c["id"]: c["label"] for c in legend}
        groups = aggregate(nodes, lambda n: n["cls"], lambda k, n: f"{names[k]} \u00b7 {n}",
                           keep={centre}, in_place=True)
        subtitle += "; click a group to show its members"
    return _page(out_path, f"Around {label}", subtitle, nodes, edges, legend,
                 options(len(nodes), physics=False, smooth=False), groups)


def focus_file_name(g, entity: str) -> str:
    """``focus-<local name>.html`` for the entity, e.g. ``focus-HeadOfAIEngineering.html``."""
    iri = g.resolve(entity)
    local = re.sub(r"[^A-Za-z0-9_-]+", "-", re.split(r"[#/]", iri)[-1]).strip("-")
    return f"focus-{local or hashlib.sha256(iri.encode()).hexdigest()[:12]}.html"


def write_pages(g, out_dir: Path, focus: str | None = None, depth: int = 1) -> list[Page]:
    """What ``aikg viz`` writes: the graph and ladder pages, or only the ``focus`` page."""
    out_dir = ensure_folder(out_dir)  # the output folder asked for with -o
    if focus is not None:
        return [focus_page(g, focus, depth, out_dir / focus_file_name(g, focus))]
    return [graph_page(g, out_dir / PAGES["graph"]), ladder_page(g, out_dir / PAGES["ladder"])]
