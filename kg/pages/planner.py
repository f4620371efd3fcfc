"""The career planner: pick where you are, tick what you know, see the way to a target role.

One page, two ways to answer (``kg/templates/planner.html`` and ``planner.js``):

- served by ``aikg serve`` at ``/`` (:func:`served_page`): the ladder to draw is in the page;
  every answer comes from ``/api`` (the command line's JSON, see :mod:`kg.serving.api`);
- offline (:func:`write_planner`, ``aikg viz --planner``): the graph's ladder is in the page,
  roles, progression steps and each role's skills, and the page's script finds the path
  itself, as :mod:`kg.paths.search` does (fewest new skills, ties by fewer steps, then by the
  roles' order on the ladder), so its answers equal ``aikg path --format json``'s.

Everything in the page comes from the graph (the same catalogue queries the path projection
reads), so a user's own ``--with`` roles are in it. Text from the graph reaches the page only
as JSON in a ``<script type="application/json">`` block and is put on screen with
``textContent``; a Content-Security-Policy lets only the page's own script run and, offline,
no request leave the page.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from kg.errors import KGError
from kg.pages.render import TEMPLATES, write
from kg.pages.viz import Page
from kg.paths.answers import skill_equivalents, skill_order
from kg.paths.results import Skill
from kg.query import sparql

PAGE = "planner.html"


def vocabulary(prefixes: dict[str, str], iri: str) -> str:
    """Which vocabulary an IRI is from: the prefix whose namespace is the longest start of
    it (``ail``, ``onet``, ``esco``, a ``--with`` file's own), else the IRI's host."""
    spaces = [(ns, name) for name, ns in prefixes.items() if iri.startswith(ns)]
    if spaces:
        return max(spaces, key=lambda pair: len(pair[0]))[1]
    return iri.split("//", 1)[-1].split("/", 1)[0]


def _roles_and_steps(g, only_ladder: bool) -> tuple[list[dict], list[list[int]]]:
    """Roles (label, level, years) in the path search's order, and progression steps as
    pairs of indexes. ``only_ladder``: the roles of the ladder (``ail:Role``), not every
    occupation of an import."""
    rows = g.named("role-progression")
    keep = {r["role"] for r in g.named("ladder-roles")} if only_ladder else None
    roles: dict[str, dict] = {}
    pairs = []
    for row in rows:
        iri = row["role"]
        if keep is not None and iri not in keep:
            continue
        roles.setdefault(iri, {"iri": iri, "label": row.get("roleLabel") or sparql.curie(iri),
                               "level": row.get("level"), "years": row.get("years"),
                               "vocabulary": vocabulary(g.prefixes, iri)})
        if "next" in row:
            pairs.append((iri, row["next"]))
    # the search numbers roles by level, then label, then IRI (kg.paths.ladder.ladder_order);
    # the page breaks ties between equally good paths by the same numbers
    order = sorted(roles.values(), key=lambda r: (r["level"] or 0, r["label"].casefold(),
                                                  r["iri"]))
    index = {r["iri"]: n for n, r in enumerate(order)}
    steps = sorted({(index[a], index[b]) for a, b in pairs if a in index and b in index})
    return order, [list(s) for s in steps]


def planner_data(g, offline: bool) -> dict:
    """What the page needs, plain data: the ladder, and offline each role's skills."""
    roles, steps = _roles_and_steps(g, only_ladder=not offline)
    if not roles:
        raise KGError("The graph has no roles with a label (ail:Occupation); the planner has "
                      "nothing to plan. Build the graph ('aikg build') or add roles with --with.")
    top = max(roles, key=lambda r: (r["level"] or 0, r["label"].casefold()))
    bottom = min(roles, key=lambda r: (r["level"] if r["level"] is not None else 1e9,
                                       r["label"].casefold()))
    data = {"mode": "offline" if offline else "server", "roles": roles, "steps": steps,
            "start": bottom["iri"], "target": top["iri"]}
    if offline:
        data.update(_skills(g, {r["iri"]: n for n, r in enumerate(roles)}))
    return data


def _skills(g, index: dict[str, int]) -> dict:
    """Each role's skills, as the path projection holds them: skills linked by
    ``skos:exactMatch`` count as one, essential before preferred, then by kind and label."""
    same = skill_equivalents(g.named("skill-matches"))
    own, per_role, weights = {}, {}, {}
    rows = g.named("skills-for-role")
    for row in rows:
        own.setdefault(row["skill"], row)
    for row in rows:
        if row["role"] not in index:
            continue
        iri = same.get(row["skill"], row["skill"])
        named = own.get(iri, row)
        skill = Skill(iri, named.get("skillLabel") or sparql.curie(iri),
                      named.get("kind") or "Skill", bool(row.get("essential")))
        per_role.setdefault(row["role"], []).append(skill)
        if row.get("importance") is not None:
            weights.setdefault(row["role"], {})[iri] = float(row["importance"])
    table: dict[str, int] = {}
    skills: list[dict] = []
    role_skills = []
    for iri in index:
        listed = []
        for skill in sorted(per_role.get(iri, ()), key=skill_order):
            if skill.iri not in table:
                table[skill.iri] = len(skills)
                skills.append({"iri": skill.iri, "label": skill.label, "kind": skill.kind})
            listed.append([table[skill.iri], 1 if skill.essential else 0,
                           weights.get(iri, {}).get(skill.iri)])
        role_skills.append(listed)
    return {"skills": skills, "roleSkills": role_skills}


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_planner(data: dict, title: str = "Career planner") -> tuple[str, str]:
    """The page's HTML and its Content-Security-Policy (also in the page as a meta tag)."""
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
    offline = data["mode"] == "offline"
    # offline, the answers are the page's own (planner_offline.js); served, they come from /api
    scripts = [(TEMPLATES / name).read_text(encoding="utf-8")
               for name in (["planner_offline.js"] if offline else []) + ["planner.js"]]
    hashes = " ".join(_csp_hash(script) for script in scripts)
    connect = "'none'" if offline else "'self'"
    csp = (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
           f"img-src data:; connect-src {connect}; base-uri 'none'; form-action 'none'")
    html = env.get_template("planner.html").render(title=title, data=data, csp=csp,
                                                   scripts=[Markup(s) for s in scripts])
    return html, csp


def served_page(g) -> tuple[str, str]:
    """The planner as ``aikg serve`` sends it at ``/`` (answers from ``/api``)."""
    return render_planner(planner_data(g, offline=False))


def write_planner(g, out_path: Path) -> Page:
    """``visualizations/planner.html``: the ladder in the page, the path found by its script."""
    data = planner_data(g, offline=True)
    html, _ = render_planner(data)
    write(Path(out_path), html)
    return Page(Path(out_path), len(data["roles"]), len(data["steps"]))
