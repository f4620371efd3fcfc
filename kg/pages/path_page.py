"""The skill-path page: the career ladder with the path's roles and steps highlighted, and
beside it the path as a story (each step, the skills to learn with the essential ones first,
running totals, the years asked for). Hovering a step in the story highlights it on the graph.
"""

from __future__ import annotations

from pathlib import Path

from kg.query import sparql
from kg.errors import KGError
from kg.pages.viz import AIL, LADDER_EDGES, READABLE_PX, Page, _legend, _page, ladder_nodes
from kg.pages.style import first_paint_px
from kg.pages.data import entities, ladder
from kg.pages.render import options


def _iri(g, value) -> str:
    """An IRI from a path result's role or skill: ``{"iri": ...}``, an IRI, CURIE or label."""
    if isinstance(value, dict):
        value = value.get("iri") or value.get("id") or value.get("label")
    text = str(value)
    return sparql.expand(text) or g.resolve(text)


def _label(g, known, roles, value) -> str:
    if isinstance(value, dict) and value.get("label"):
        return str(value["label"])
    iri = _iri(g, value)
    if iri in roles:
        return roles[iri]["label"]
    return known[iri].label if iri in known else sparql.curie(iri)


def occupations(g, known: dict, iris) -> dict[str, dict]:
    """Occupations a lateral path goes through (``aikg path --lateral``, e.g. O*NET's) that
    are not roles of the ladder, shaped like :func:`kg.pages.data.ladder`'s roles: placed by
    their seniority level (O*NET's job zone) among the ladder's roles."""
    found = {}
    for iri in sorted(iris):
        entity = known.get(iri)
        if entity is None or AIL + "Occupation" not in entity.classes:
            continue  # not in this graph: the caller says so
        levels = [r["level"] for r in g.named("role-progression", role=iri) if "level" in r]
        found[iri] = {"label": entity.label, "level": min(levels, default=None), "stage": None,
                      "tracks": []}
    return found


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def story(g, answer: dict, known: dict, roles: dict) -> dict:
    """The side panel's content, plain data: one entry per step, essential skills first."""
    steps = []
    total = 0
    for n, step in enumerate(answer.get("steps", []), start=1):
        new = [s if isinstance(s, dict) else {"iri": _iri(g, s)} for s in step.get("new_skills", [])]
        named = [(bool(s.get("essential", True)), _label(g, known, roles, s)) for s in new]
        total = step.get("running_total", total + len(new))
        years = step.get("minimum_years")
        steps.append({
            "n": n, "edge": f"step-{n}", "from": _iri(g, step["from"]), "to": _iri(g, step["to"]),
            "heading": f"{_label(g, known, roles, step['from'])} \u2192 {_label(g, known, roles, step['to'])}",
            "essential": [text for essential, text in named if essential],
            "preferred": [text for essential, text in named if not essential],
            "count": f"+{_plural(len(new), 'new skill')}, {total} in all",
            "years": f"{_plural(years, 'year')} of experience asked for" if years is not None else None,
            "extra": [r["label"] for r in step.get("responsibilities", []) if isinstance(r, dict)],
        })
    return {"heading": "The path, step by step", "steps": steps}


def path_page(g, path_result, out_path: Path, title: str | None = None) -> Page:
    """A skill path on the career ladder, with the story beside it.

    ``path_result`` is what :func:`kg.paths.answers.find_path` returns (or its ``to_dict()``):
    ``{"from", "to", "steps": [{"from", "to", "new_skills": [...]}, ...]}``. Only the path's
    roles and their direct
    neighbours on the ladder are drawn when the whole ladder would be drawn below
    :data:`kg.pages.viz.READABLE_PX`.
    """
    answer = path_result.to_dict() if hasattr(path_result, "to_dict") else dict(path_result)
    roles, steps, skills, salaries = ladder(g)
    path = [(_iri(g, s["from"]), _iri(g, s["to"])) for s in answer.get("steps", [])]
    ends = [_iri(g, answer[k]) for k in ("from", "to") if answer.get(k)]
    on_path = set(ends) | {a for a, _ in path} | {b for _, b in path}
    learnt = {_iri(g, s) for step in answer.get("steps", []) for s in step.get("new_skills", [])}
    known = entities(g, only=set(roles) | on_path | learnt)
    roles.update(occupations(g, known, on_path - set(roles)))
    missing = sorted(on_path - set(roles))
    if missing:
        raise KGError(f"The path goes through '{sparql.curie(missing[0])}', which is not a role of "
                      "this graph; draw a path found on the same graph (same --with files).")
    only = None
    nodes = ladder_nodes(known, roles, skills, salaries)
    if first_paint_px({n["id"]: (n["x"], n["y"]) for n in nodes}, 18, (170, 60)) < READABLE_PX:
        only = on_path | {b for a, b in steps if a in on_path} | {a for a, b in steps if b in on_path}
        nodes = ladder_nodes(known, roles, skills, salaries, only=only)
    drawn = {n["id"] for n in nodes}
    for node in nodes:
        if node["id"] in on_path:
            node.update(borderWidth=4, font={"size": 19, "color": "#111111"}, color="#e8590c")
        else:
            node.update(font={"size": 18, "color": "#8a8a8a"}, color="#c3cfdd")
    numbered = {(a, b): k for k, (a, b) in enumerate(path, start=1)}
    moves = {k: step.get("move") for k, step in enumerate(answer.get("steps", []), start=1)}
    edges = []
    for a, b in sorted((set(steps) | set(numbered)) & {(a, b) for a in drawn for b in drawn}):
        text = f"{roles[a]['label']} \u2192 {roles[b]['label']}"
        if (a, b) in numbered:
            k = numbered[(a, b)]
            kind = f" ({moves[k]})" if moves.get(k) else ""
            edges.append({"id": f"step-{k}", "from": a, "to": b,
                          "title": f"Step {k}: {text}{kind}", "label": f"step {k}", "width": 5, "color": {"color": "#e8590c"},
                          "font": {"size": 18, "color": "#b8440a", "background": "#ffffff",
                                   "strokeWidth": 0, "bold": True}})
        else:
            edges.append({"from": a, "to": b, "title": text, "width": 1,
                          "color": {"color": "#d0d0d0"}})
    first, last = roles[ends[0]]["label"], roles[ends[-1]]["label"]
    told = story(g, answer, known, roles)
    new = sum(len(s["essential"]) + len(s["preferred"]) for s in told["steps"])
    title = title or f"Skill path: {first} \u2192 {last}"
    subtitle = (f"{_plural(len(path), 'step')}, {_plural(new, 'new skill')}; hover a step in the "
                "panel to see it on the ladder")
    if only is not None:
        subtitle += f"; {len(nodes)} of {len(roles)} roles drawn (the path and its neighbours)"
    return _page(out_path, title, subtitle, nodes, edges, _legend(nodes, known),
                 options(len(nodes), physics=False, smooth=LADDER_EDGES), story=told)
