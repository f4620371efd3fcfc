"""``aikg ready``: occupations ranked by the essential skills a person holds."""

from __future__ import annotations

import math
from collections.abc import Iterable

from kg.errors import PathError, UnknownEntity
from kg.paths import questions as pq
from kg.paths.projection import project, skill_label
from kg.paths.results import Readiness, Ready, Ref, Skills
from kg.paths.same import namesakes
from kg.paths.table import skill_table


#: the top of the importance scale of skill ratings (O*NET: 1-5); a rated skill weighs
#: importance / IMPORTANCE_SCALE, an unrated one 1
IMPORTANCE_SCALE = 5.0
#: the weight of one skill a role's list may have left out: the share's denominator gets it,
#: so a short list held entirely is weaker evidence than a long one (1 of 1 essential skill
#: scores 50%, 24 of 24 scores 96%), as additive smoothing treats a small sample
UNLISTED = 1.0


def ready(g, have: Iterable[str] = (), role: str | None = None,
          limit: int | None = None) -> Ready:
    """Occupations ranked by the share of their essential skills held, weighted by importance.

    The score of an occupation is the share of its essential skills the person holds, each
    skill weighing ``importance / 5`` where the graph rates it for that occupation
    (``ail:SkillRating``, e.g. O*NET's importance) and 1 otherwise: the importance-weighted
    sum over the essential skills held divided by the same sum over all its essential skills
    (over all its skills when it lists none as essential), one unlisted skill
    (:data:`UNLISTED`) added to the whole, so a short list held entirely does not tie with a
    long one: a barista's five generic skills are weaker evidence than a manager's 24
    essential ones. Ties go to fewer skills missing,
    then the larger share of all listed skills held, more skills held, higher seniority. A
    coach asks how much of what a job needs you have: a sum of skills held put occupations
    that ask more of the same skills above the person's own role. Named tools count only
    when current (see :mod:`kg.paths.projection`), so long tool lists do not dilute it.
    ``role`` is the person's current role: the skills it requires count as held.
    ``limit`` keeps the best ``limit`` occupations.
    """
    have_iris = list(dict.fromkeys(pq.resolve_skill(g, s) for s in have))
    current = pq.resolve_role(g, role) if role is not None else None
    graph = project(g)
    if not have_iris and current is None:
        raise PathError("Give at least one skill you hold with --have SKILL, or your current "
                        "role with --role ROLE.")
    if current is not None and current not in graph:
        raise UnknownEntity(f"'{role}' is not a role on the ladder; run 'aikg query ladder' "
                            "to see the roles.")
    if limit is not None and limit < 1:
        raise PathError(f"--limit must be 1 or more (got {limit}).")
    rated, unrated = rank_readiness(graph, have_iris, current)
    if limit is not None:
        rated = rated[:limit]
    return Ready(tuple(Ref(i, skill_label(graph, i)) for i in have_iris), tuple(rated),
                 tuple(sorted(unrated, key=lambda r: r.label.casefold())),
                 Ref(current, graph.nodes[current]["label"]) if current else None)


def rank_readiness(graph, have: Iterable[str] = (), current: str | None = None
                   ) -> tuple[list[Readiness], list[Ref]]:
    """The roles of a projection ranked as :func:`ready` ranks them (every argument an IRI),
    and the roles that list no skills."""
    # the skills held as row numbers of the ladder's skill table: with 1M triples of user
    # data, making each role's 'Skill's to compare them took 1 s of one 'ready'
    same, table = graph.graph.get("same_skill", {}), skill_table(graph)
    held_bits = table.bits_of(same.get(h, h) for h in have)
    if current is not None:  # and what the same occupation lists in another vocabulary,
        # or (where one lists none) its definition names
        named = graph.graph.get("mentioned", {})
        for role in (current, *namesakes(graph, current)):
            held_bits.update(table.bit[row] for row in table.rows(table.roles.index(role)))
            held_bits.update(table.bits_of(named.get(role, ())))
    held_rows = table.rows_of_bits(held_bits)
    essential = table.essential
    rated, unrated = [], []
    for n, iri in enumerate(table.roles):
        rows, data = table.rows(n), graph.nodes[iri]
        if not rows:
            unrated.append(Ref(iri, data["label"]))
            continue
        if held_rows.isdisjoint(rows):  # most roles, when a few skills are held
            held_essential, missing, score = (), rows, 0
        else:
            held_essential = [row for row in rows if row in held_rows and essential[row]]
            missing = [row for row in rows if row not in held_rows]
            score = _weighted_share(rows, held_rows, table, n)
        rated.append(Readiness(Ref(iri, data["label"]), data["level"],
                               len(rows) - len(missing), len(rows), Skills(missing, table),
                               score=_four_places(score), essential_held=len(held_essential),
                               essential=table.essentials[n]))
    rated.sort(key=lambda r: (-r.score, r.required - r.held, -r.share, -r.held,
                              -(r.level or 0), r.role.label.casefold()))
    return rated, unrated


def _four_places(x: float) -> float:
    """``x`` to 4 decimal places, halves up: the offline planner (kg/templates/
    planner_offline.js) rounds with ``Math.round`` and must rank alike (``round`` goes to
    even: 29/32 gave 0.9062 here, 0.9063 there)."""
    return math.floor(x * 10000 + 0.5) / 10000


def _weighted_share(rows, held_rows: set, table, n: int) -> float:
    """The importance-weighted share of role ``n``'s essential skill rows (all its rows when
    none is essential) that ``held_rows`` holds, out of their weight plus :data:`UNLISTED`."""
    essential, iris, bits, weights = table.essential, table.iris, table.bit, table.weights[n]
    counted = [row for row in rows if essential[row]] or list(rows)
    weight = [weights.get(iris[bits[row]], IMPORTANCE_SCALE) / IMPORTANCE_SCALE
              for row in counted]
    held = sum(w for row, w in zip(counted, weight) if row in held_rows)
    return held / (sum(weight) + UNLISTED)
