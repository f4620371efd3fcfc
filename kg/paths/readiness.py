"""``aikg ready``: occupations ranked by the essential skills a person holds."""

from __future__ import annotations

from collections.abc import Iterable

from kg.errors import PathError, UnknownEntity
from kg.paths import questions as pq
from kg.paths.projection import project, skill_label
from kg.paths.results import Readiness, Ready, Ref, Skills
from kg.paths.table import skill_table


#: the top of the importance scale of skill ratings (O*NET: 1-5); a rated skill weighs
#: importance / IMPORTANCE_SCALE, an unrated one 1
IMPORTANCE_SCALE = 5.0


def ready(g, have: Iterable[str] = (), role: str | None = None,
          limit: int | None = None) -> Ready:
    """Occupations ranked by the essential skills held, weighted by importance where rated.

    The score of an occupation is the sum, over the essential skills it requires that the
    person holds, of ``importance / 5`` when the graph rates the skill for that occupation
    (``ail:SkillRating``, e.g. O*NET's importance) and 1 otherwise. Ties go to the larger
    share of all required skills held, then more skills held, then higher seniority. Unlike
    a plain share, the score does not punish occupations for long lists of tools the person
    need not know, nor reward short lists: 2 essential skills held out of 85 rank above 1 of 12.
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
    if current is not None:
        held_bits.update(table.bit[row] for row in table.rows(table.roles.index(current)))
    held_rows = table.rows_of_bits(held_bits)
    essential, iris, bits = table.essential, table.iris, table.bit
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
            weights = table.weights[n]
            score = sum(weights.get(iris[bits[row]], IMPORTANCE_SCALE) / IMPORTANCE_SCALE
                        for row in held_essential)
        rated.append(Readiness(Ref(iri, data["label"]), data["level"],
                               len(rows) - len(missing), len(rows), Skills(missing, table),
                               score=round(score, 4), essential_held=len(held_essential),
                               essential=table.essentials[n]))
    rated.sort(key=lambda r: (-r.score, -r.share, -r.held, -(r.level or 0),
                              r.role.label.casefold()))
    return rated, unrated
