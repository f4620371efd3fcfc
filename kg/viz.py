"""Interactive pages of the graph that open in any browser, offline.

Four pages: the whole graph (:func:`graph_page`), the career ladder (:func:`ladder_page`), the
neighbourhood of one entity (:func:`focus_page`) and a skill path (:func:`path_page`).
Every figure on them comes from the ``graph-*`` and ``ladder-*`` queries in ``kg/queries``.

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

from kg import sparql
from kg.errors import KGError
from kg.io import ensure_folder
from kg.viz_data import Entity, edge, entities, ladder, links
from kg.viz_render import PHYSICS_LIMIT, options, render, write  # noqa: F401 (PHYSICS_LIMIT re-exported)
from kg.viz_style import AIL, class_style, cluster_layout, ladder_layout, radial_layout

#: What ``aikg viz`` writes without ``--focus``.
PAGES = {"graph": "graph.html", "ladder": "career-ladder.html"}


@dataclass(frozen=True)
class Page:
    """What was written: where, and how many nodes and edges the page draws."""

    path: Path
    nodes: int
    edges: int


# -- nodes, edges and the page ------------------------------------------------------------
def _node(entity: Entity, xy: tuple[int, int], tip: dict | None = None, size: int = 14,
          cls: str | None = None) -> dict:
    cls = cls or entity.cls
    colour, shape, _ = class_style(cls)
    return {"id": entity.iri, "label": entity.label, "cls": cls, "shape": shape,
            "color": colour, "size": size, "x": xy[0], "y": xy[1],
            "tip": tip or entity.tip()}


def _legend(nodes: list[dict], known: dict[str, Entity], extra_labels: dict | None = None) -> list[dict]:
    labels = dict(extra_labels or {})
    for entity in known.values():
        for cls, label in zip(entity.classes, entity.class_labels):
            labels.setdefault(cls, label)
    counts: dict[str, int] = defaultdict(int)
    for node in nodes:
        counts[node["cls"]] += 1
    legend = []
    for cls in sorted(counts, key=lambda c: (class_style(c)[2], labels.get(c, c), c)):
        colour, shape, _ = class_style(cls)
        legend.append({"id": cls, "label": labels.get(cls) or sparql.curie(cls),
                       "color": colour, "shape": shape, "count": counts[cls]})
    return legend


# -- the pages -----------------------------------------------------------------------------
def graph_page(g, out_path: Path, title: str = "AI leadership knowledge graph") -> Page:
    """The whole graph: every individual, coloured and shaped by class, with a legend."""
    known = entities(g)
    rows = links(g, known)
    linked = {r["subject"] for r in rows} | {r["object"] for r in rows}
    groups: dict[str, list[str]] = defaultdict(list)
    for iri in sorted(linked):
        groups[known[iri].cls].append(iri)
    order = sorted(groups, key=lambda c: (class_style(c)[2], c))
    xy = cluster_layout([groups[c] for c in order], middle=sorted(set(known) - linked))
    roles = {iri for iri, e in known.items() if e.cls.endswith("#Role")}
    nodes = [_node(known[i], xy[i], size=22 if i in roles else 14) for i in sorted(known)]
    edges = [edge(r, known) for r in rows]
    smooth = False if len(nodes) > 150 else {"enabled": True, "type": "continuous"}
    subtitle = f"{len(nodes)} entities, {len(edges)} links"
    html = render(title, subtitle, nodes, edges, _legend(nodes, known),
                  options(len(nodes), physics=True, smooth=smooth))
    write(out_path, html)
    return Page(Path(out_path), len(nodes), len(edges))


def _ladder_nodes(known, roles, skills, salaries) -> tuple[list[dict], dict[str, tuple[int, int]]]:
    levels = sorted({r["level"] for r in roles.values() if r["level"] is not None})
    columns = [[i for i in sorted(roles, key=lambda i: (roles[i]["tracks"], roles[i]["label"], i))
                if roles[i]["level"] == level] for level in levels]
    unplaced = sorted(i for i in roles if roles[i]["level"] is None)
    if unplaced:
        columns.append(unplaced)
    xy = ladder_layout(columns)
    nodes = []
    for iri in sorted(roles):
        role = roles[iri]
        entity = known.get(iri) or Entity(iri, role["label"], [AIL + "Role"], ["Role"], None, [], [])
        kind = [entity.class_labels[0]]
        kind.append(f"seniority level {role['level']}" if role["level"] is not None else "no seniority level")
        kind += [f"{role['stage']} stage"] if role["stage"] else []
        kind += [f"{t} track" for t in role["tracks"]]
        sections = [["Essential skills", skills[iri]["essential"]],
                    ["Preferred skills", skills[iri]["preferred"]],
                    ["Salary figures", salaries[iri]]]
        nodes.append(_node(entity, xy[iri], tip=entity.tip(sections, kind=" \u00b7 ".join(kind)),
                           size=24))
    return nodes, xy


# Curved edges: a step that skips a level arcs wider than one to the next level, so
# neither hides the other on the straight line between the rungs.
_LADDER_EDGES = {"enabled": True, "type": "curvedCW", "roundness": 0.2}


def ladder_page(g, out_path: Path, title: str = "AI engineering career ladder") -> Page:
    """Roles by seniority level, progression edges; skills and salaries in each role's tooltip."""
    known = entities(g)
    roles, steps, skills, salaries = ladder(g)
    if not roles:
        raise KGError("The graph has no roles (instances of ail:Role); nothing to draw.")
    nodes, _ = _ladder_nodes(known, roles, skills, salaries)
    edges = [{"from": a, "to": b, "title": f"{roles[a]['label']} \u2192 {roles[b]['label']}",
              "width": 2, "color": {"color": "#1f5fa8"}} for a, b in steps]
    subtitle = f"{len(nodes)} roles, {len(edges)} progression steps; hover a role for its skills and pay"
    html = render(title, subtitle, nodes, edges, _legend(nodes, known),
                  options(len(nodes), physics=False, smooth=_LADDER_EDGES))
    write(out_path, html)
    return Page(Path(out_path), len(nodes), len(edges))


def _iri(g, value) -> str:
    """An IRI from a path result's role or skill: ``{"iri": ...}``, an IRI, CURIE or label."""
    if isinstance(value, dict):
        value = value.get("iri") or value.get("id") or value.get("label")
    text = str(value)
    return sparql.expand(text) or g.resolve(text)


def path_page(g, path_result, out_path: Path, title: str | None = None) -> Page:
    """A skill path on the career ladder: its roles and steps highlighted, and the skills
    new at each step attached to the role the step leads to.

    ``path_result`` is what :func:`kg.paths.find_path` returns (or its ``to_dict()``):
    ``{"from", "to", "steps": [{"from", "to", "new_skills": [...]}, ...]}``.
    """
    answer = path_result.to_dict() if hasattr(path_result, "to_dict") else dict(path_result)
    known = entities(g)
    roles, steps, skills, salaries = ladder(g)
    nodes, xy = _ladder_nodes(known, roles, skills, salaries)
    path = [(_iri(g, s["from"]), _iri(g, s["to"]), [_iri(g, k) for k in s.get("new_skills", [])])
            for s in answer.get("steps", [])]
    ends = [_iri(g, answer[k]) for k in ("from", "to") if answer.get(k)]
    on_path = set(ends) | {a for a, _, _ in path} | {b for _, b, _ in path}
    missing = sorted(on_path - set(roles))
    if missing:
        raise KGError(f"The path goes through '{sparql.curie(missing[0])}', which is not a role of "
                      "this graph; draw a path found on the same graph (same --with files).")
    for node in nodes:
        if node["id"] in on_path:
            node.update(size=30, borderWidth=4, font={"size": 18, "color": "#111111"})
        else:
            node.update(color="#c3cfdd", font={"color": "#8a8a8a"})
    numbered = {(a, b): k for k, (a, b, _) in enumerate(path, start=1)}
    edges = []
    for a, b in sorted(set(steps) | set(numbered)):
        text = f"{roles[a]['label']} → {roles[b]['label']}"
        if (a, b) in numbered:
            edges.append({"from": a, "to": b, "title": f"Step {numbered[(a, b)]}: {text}",
                          "label": f"step {numbered[(a, b)]}", "width": 5,
                          "color": {"color": "#e8590c"}, "font": {"size": 16, "color": "#e8590c"}})
        else:
            edges.append({"from": a, "to": b, "title": text, "width": 1,
                          "color": {"color": "#d0d0d0"}})
    nodes += _new_skill_nodes(known, roles, path, xy, edges)
    first, last = roles[ends[0]]["label"], roles[ends[-1]]["label"]
    new = len({k for _, _, ks in path for k in ks})
    title = title or f"Skill path: {first} → {last}"
    subtitle = (f"{len(path)} step{'s' if len(path) != 1 else ''}, {new} new skill"
                f"{'s' if new != 1 else ''}; hover a role or a skill for details")
    html = render(title, subtitle, nodes, edges, _legend(nodes, known),
                  options(len(nodes), physics=False, smooth=_LADDER_EDGES))
    write(out_path, html)
    return Page(Path(out_path), len(nodes), len(edges))


def _new_skill_nodes(known, roles, path, xy, edges) -> list[dict]:
    """Skill nodes in a lane under the ladder, below the role whose step makes them new."""
    lane = max((y for _, y in xy.values()), default=0) + 220
    bottom: dict[int, int] = {}
    placed: dict[str, dict] = {}
    for k, (a, b, new_skills) in enumerate(path, start=1):
        x = xy[b][0]
        y = bottom.get(x, lane)
        for j, skill in enumerate(new_skills):
            if skill not in placed:
                entity = known.get(skill) or Entity(skill, sparql.curie(skill), [AIL + "Skill"],
                                                    ["Skill"], None, [], [])
                spot = (x - 75 + 150 * (j % 2), y + 60 * (j // 2))
                placed[skill] = _node(entity, spot)
                placed[skill]["learned"] = []
            placed[skill]["learned"].append(
                f"step {k}: {roles[a]['label']} → {roles[b]['label']}")
            edges.append({"from": b, "to": skill, "dashes": True, "arrows": {"to": {"enabled": False}}, "smooth": {"enabled": False},
                          "color": {"color": "#2ca02c"},
                          "title": f"New at step {k} ({roles[b]['label']}): {known[skill].label if skill in known else sparql.curie(skill)}"})
        bottom[x] = y + 60 * ((len(new_skills) + 1) // 2) + 40
    nodes = []
    for skill in sorted(placed):
        node = placed[skill]
        learned = node.pop("learned")
        node["tip"]["sections"] = [["New on this path", learned], *node["tip"]["sections"]]
        nodes.append(node)
    return nodes


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
    """The entities at most ``depth`` links from ``entity``, in rings around it."""
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
    xy = radial_layout(rings)
    nodes = [_node(known[i], xy[i], size=28 if i == centre else 14) for i in sorted(members)]
    edges = [edge(r, known) for r in rows if r["subject"] in members and r["object"] in members]
    smooth = False if len(nodes) > 150 else {"enabled": True, "type": "continuous"}
    label = known[centre].label
    title = f"Around {label}"
    subtitle = f"{len(nodes)} entities within {depth} link{'s' if depth > 1 else ''} of {label}"
    html = render(title, subtitle, nodes, edges, _legend(nodes, known),
                  options(len(nodes), physics=False, smooth=smooth))
    write(out_path, html)
    return Page(Path(out_path), len(nodes), len(edges))


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

