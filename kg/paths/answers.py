"""Skill paths: how to get from one role to another, and what to learn on the way.

The ladder is a ``networkx.DiGraph`` projected from the store (:mod:`kg.paths.projection`);
networkx computes the paths over its numbering (:mod:`kg.paths.search`). This module asks the
questions (``path``, ``gap``, ``next``) and turns the answers back into labels;
:mod:`kg.paths.readiness` answers ``ready``.

>>> import kg
>>> from kg.paths import answers as paths
>>> result = paths.find_path(kg.load(), "Junior AI Engineer", "Head of AI")
>>> result.best.roles[0].label, result.best.roles[-1].label
('Junior AI Engineer', 'Head of AI Engineering')
>>> result.to_dict()["total_new_skills"] == result.best.total_new_skills
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from kg.errors import PathError, UnknownEntity
from kg.paths import questions as pq
from kg.paths import search as ps
from kg.paths.projection import (  # noqa: F401  (re-exported: the ladder these answers use)
    AIL, Index, add_moves, build_projection, forget, index_of, positions, project,
    skill_equivalents, skill_label, skill_order,
)
from kg.paths.readiness import IMPORTANCE_SCALE, rank_readiness, ready  # noqa: F401
from kg.paths.results import (  # noqa: F401  (re-exported: the answers of this module)
    Bound, Estimate, Experience, Gap, HeldAs, NextRoles, OtherName, Path, PathResult,
    Qualification, Readiness, Ready, Ref, Responsibility, Skill, Skills, Step,
)
from kg.paths.same import (  # noqa: F401  (re-exported)
    SameOccupation, moves_from, named_in_definition, namesakes, same_mask, same_occupation,
)

ROLE, SKILL = pq.ROLE, pq.SKILL
resolve_role, resolve_skill = pq.resolve_role, pq.resolve_skill  # re-exported
MODES = ps.MODES
#: Labels the exact search may create per search before it falls back (see path_search).
DEFAULT_MAX_LABELS = 20_000
#: Above this many roles between FROM and TO the exact search does not run unbounded: on
#: such ladders the labels (incomparable skill sets) can outgrow any budget.
EXACT_ROLE_LIMIT = 300
#: Above that limit the exact search runs with labels above the fallback's primary measure
#: pruned and at most this many labels (see _proven); past them the fallback answers, and
#: says so.
PROOF_LABELS = 500


def find_path(g, source: str, target: str, *, by: str = "skills", have: Iterable[str] = (),
              via: Iterable[str] = (), avoid: Iterable[str] = (), alternatives: int = 1,
              max_labels: int | None = DEFAULT_MAX_LABELS, lateral: bool = False) -> PathResult:
    """The best path from ``source`` to ``target`` on a loaded graph; names are resolved.

    Roles and skills may be given as labels, alternative labels, CURIEs or IRIs. With
    ``lateral``, lateral moves and career changes (``ail:canMoveTo``) are steps too: ranked
    by skills, each also costs :data:`kg.paths.problem.SKILLS_PER_MOVE_STEP` skill-equivalents
    per step of its kind's ``ail:moveCost``; ranked by steps, it counts those steps (a step
    up counts 1 and has no price).
    """
    source, target = resolve_role(g, source), resolve_role(g, target)  # a typo answers first
    have = [resolve_skill(g, s) for s in have]
    via, avoid = [resolve_role(g, v) for v in via], [resolve_role(g, a) for a in avoid]
    result = shortest_paths(project(g, lateral), source, target, by=by, have=have, via=via,
                            avoid=avoid, alternatives=alternatives, max_labels=max_labels)
    result.have = [(Ref(ref.iri, g.label(ref.iri)), status) for ref, status in result.have]
    return result


def shortest_paths(graph, source: str, target: str, *, by: str = "skills",
                   have: Iterable[str] = (), via: Iterable[str] = (), avoid: Iterable[str] = (),
                   alternatives: int = 1,
                   max_labels: int | None = DEFAULT_MAX_LABELS) -> PathResult:
    """The ``alternatives`` best paths over a projection; every argument is an IRI.

    Ranked by ``by``: ``skills`` (fewest new skills, ties by fewer steps), ``steps`` (fewest
    steps, ties by fewer new skills) or ``years`` (the lowest "most years of experience any
    role on the path asks for", ties by skills then steps; roles without
    ``ail:requiresExperience/ail:minimumYears`` count as 0 and are named in ``notes``).
    Exact unless the search needs more than ``max_labels`` labels; then the result says
    ``exact=False`` and carries a :class:`Bound`.
    """
    same = graph.graph.get("same_skill", {})
    have = list(dict.fromkeys(same.get(h, h) for h in have))
    via, avoid = list(dict.fromkeys(via)), set(avoid)
    for iri in (source, target, *via, *avoid):
        if iri not in graph:
            raise UnknownEntity(f"'{iri}' is not a role on the ladder; run 'aikg ready' "
                                "or 'aikg next' to see the roles.")
    pq.check_question(graph, source, target, by, via, avoid, alternatives)
    index = index_of(graph)
    label = lambda iri: graph.nodes[iri]["label"]  # noqa: E731
    if by == "years" and not index.has_years:
        raise PathError("The graph gives no years of experience (ail:requiresExperience/"
                        "ail:minimumYears) for any role; use --by skills or --by steps.")
    ladder = index.ladder
    have_mask = _have_mask(graph, have)
    held = have_mask | same_mask(graph, source) | graph.nodes[source]["mask"]
    dist = ps.distances_to(ladder, index.index[target], frozenset(
        index.index[a] for a in avoid))
    # the same occupation in another vocabulary is no move away: the search starts from
    # whichever of them gets there best (the source on a tie)
    starts = [source] + [m for m in namesakes(graph, source)
                         if m not in avoid and m != target and m not in via]
    searched = [_search_from(index, start, target, held, by, via, avoid, dist, max_labels)
                for start in starts]
    query, best, exact, bound, max_labels = min(
        searched, key=lambda s: (s[1] is None, s[1].key[:-1] if s[1] is not None else ()))
    if best is None:
        raise PathError(pq.no_path_message(graph, index, source, target, via, avoid))
    found, alternatives_exact = [best], exact
    if alternatives > 1:
        search = ps.best_path if exact else ps.gap_dijkstra
        try:
            found = ps.k_best(ladder, query, alternatives, search=search, first=best,
                              max_labels=max_labels)
        except ps.BudgetExceeded:
            alternatives_exact = False
            found = ps.k_best(ladder, query, alternatives, search=ps.gap_dijkstra, first=best)
    paths = [_describe(graph, index, query, f, graph.nodes[source]["mask"]) for f in found]
    notes = []
    if by == "years":
        unknown = [label(index.order[i]) for i in best.path[1:]
                   if graph.nodes[index.order[i]]["years"] is None]
        if unknown:
            notes.append("No years of experience given for " + ", ".join(unknown)
                         + "; counted as 0.")
    on_path = list(dict.fromkeys(index.order[i] for i in best.path))
    notes += skill_data_notes(graph, on_path, unknown=False)  # unknown ones: no_skill_data
    required = 0
    for i in best.path[1:]:
        required |= ladder.mask[i]
    asked = required & ~have_mask
    named, same = named_in_definition(graph, source, asked), same_occupation(graph, source, asked)
    notes += [o.note() for o in (named, *same) if o and o.skills]
    start = index.order[query.source]
    if start != source:
        notes.append(f"The path starts as '{label(start)}': '{label(source)}' is the same "
                     "occupation in another vocabulary (skos:exactMatch), so no move is needed.")
    if not exact:
        why = (f"the exact search stopped after {bound.labels} labels" if bound.labels else
               f"{bound.roles_between} roles lie between the two, more than the exact "
               f"search's limit of {EXACT_ROLE_LIMIT}")
        unit = "skill-equivalents" if by == "skills" and ladder.price else by
        notes.append(
            f"Not proven optimal: {why}; this path comes from Dijkstra on per-step gaps and "
            f"is at most {bound.found - bound.lower_bound} {unit} worse than the best.")
    if not alternatives_exact and exact:
        notes.append("Alternatives come from Dijkstra on per-step gaps (the exact search "
                     "outgrew its label budget): they are valid but not proven the next best.")
    return PathResult(
        from_=Ref(source, label(source)), to=Ref(target, label(target)), by=by,
        best=paths[0], alternatives=paths[1:],
        have=[(Ref(iri, skill_label(graph, iri)),
               _have_status(graph, query, best, iri, dist, max_labels if exact else 0,
                            held & ~have_mask))
              for iri in have],
        via=[Ref(v, label(v)) for v in via], avoid=[Ref(a, label(a)) for a in sorted(avoid)],
        exact=exact, alternatives_exact=alternatives_exact, bound=bound, notes=notes,
        no_skill_data=unknown_skills(graph, on_path), estimated=estimates(graph, on_path),
        same_occupation=same, named_in_definition=named,
    )


def _search_from(index: Index, start: str, target: str, held: int, by: str, via, avoid, dist,
                 max_labels: int | None) -> tuple:
    """The best path from ``start`` holding ``held``: ``(query, found or None, exact, bound,
    the label budget used)``."""
    ladder = index.ladder
    query = ps.Query(
        source=index.index[start], target=index.index[target], have=held, by=by,
        via=tuple(index.index[v] for v in via if v not in (start, target)),
        avoid=frozenset(index.index[a] for a in avoid),
    )
    exact, bound = True, None
    cone = ps.cone_size(ladder, query.source, dist, query.avoid)
    wide = max_labels is not None and cone > EXACT_ROLE_LIMIT
    if wide:  # the exact search runs only where a lower bound can cut it down
        max_labels = min(max_labels, PROOF_LABELS)
    try:
        if wide:
            best = _proven(ladder, query, dist, max_labels)
        else:
            best = ps.best_path(ladder, query, dist=dist, max_labels=max_labels)
    except ps.BudgetExceeded as error:
        exact = False
        best = getattr(error, "fallback", None) or ps.gap_dijkstra(ladder, query, dist=dist)
        if best is not None:
            lower = max(error.lower_bound, ps.lower_bound(ladder, query, dist))
            bound = Bound("dijkstra on per-step gaps", error.labels, lower, ps.primary(best, by),
                          cone)
    return query, best, exact, bound, max_labels


def _proven(ladder: ps.Ladder, query: ps.Query, dist, max_labels: int):
    """The exact answer on a wide cone, or :class:`ps.BudgetExceeded` carrying the fallback.

    The fallback's path gives a ceiling, and the exact search runs with labels above it
    pruned and at most ``max_labels`` of them: A*'s heuristic (the goal's skills, and by
    skills the least price of moves still to pay) cuts most wide cones down to a few dozen
    labels (Software Developers to Head of AI Engineering, 912 roles between: 26). Past the
    budget the answer is the fallback's, with the better of A*'s and
    :func:`kg.paths.bounds.primary_bound`'s lower bounds; when that bound meets the ceiling,
    the fallback's primary measure is proven all the same.
    """
    from kg.paths import bounds as path_bounds

    fallback = ps.gap_dijkstra(ladder, query, dist=dist)
    if fallback is None:
        return None
    ceiling = ps.primary(fallback, query.by)
    try:
        return ps.best_path(ladder, query, dist=dist, max_labels=max_labels, ceiling=ceiling)
    except ps.BudgetExceeded as error:
        lower = max(error.lower_bound, path_bounds.primary_bound(ladder, query, dist))
        raise _Unproven(fallback, lower, error.labels) from None


class _Unproven(ps.BudgetExceeded):
    """The fallback's answer on a wide cone, when the pruned exact search outgrew its budget."""

    def __init__(self, fallback: ps.Found, lower_bound: int, labels: int):
        super().__init__(lower_bound, labels)
        self.fallback = fallback


def _have_status(graph, query: ps.Query, best: ps.Found, iri: str, dist, max_labels,
                 from_role: int = 0) -> str:
    """What a --have skill did: "used" only when the best answer is worse without it.

    "from-role": FROM requires it anyway; "unused": no role on the best path requires it (so
    the answer cannot depend on it); "tie": the path counts it as held, but another path
    ranks the same without it. The search is rerun without the skill only in the last case
    to tell "used" from "tie" (``max_labels`` 0: the fallback search, as for the answer).
    """
    ladder = index_of(graph).ladder
    bit = 1 << graph.graph["skill_bits"][iri] if iri in graph.graph["skill_bits"] else 0
    if (ladder.mask[query.source] | from_role) & bit:  # FROM (or its namesake) holds it
        return "from-role"
    required = 0
    for node in best.path[1:]:
        required |= ladder.mask[node]
    if not required & bit:
        return "unused"
    without = replace(query, have=query.have & ~bit)
    try:
        if not max_labels:
            raise ps.BudgetExceeded((), 0)
        other = ps.best_path(ladder, without, dist=dist, max_labels=max_labels)
    except ps.BudgetExceeded:
        other = ps.gap_dijkstra(ladder, without, dist=dist)
    return "used" if other is None or other.key[:-1] > best.key[:-1] else "tie"


def _describe(graph, index: Index, query: ps.Query, found: ps.Found, own: int) -> Path:
    """A found path in words: per step the new skills, responsibilities gained, and so on."""
    nodes = [index.order[i] for i in found.path]
    data = [graph.nodes[n] for n in nodes]
    bits = graph.graph["skill_bits"]
    start = query.start_mask(index.ladder)
    held, total, steps = start, 0, []
    duties = {r.iri for r in data[0]["responsibilities"]}
    used = 0
    for i, (before, after, info) in enumerate(zip(nodes, nodes[1:], data[1:])):
        new = tuple(s for s in info["skills"] if not held & (1 << bits[s.iri]))
        held |= info["mask"]
        used |= info["mask"]
        total += len(new)
        gained = tuple(r for r in info["responsibilities"] if r.iri not in duties)
        duties.update(r.iri for r in gained)
        steps.append(Step(
            from_=Ref(before, graph.nodes[before]["label"]), to=Ref(after, info["label"]),
            new_skills=new, responsibilities=gained, qualifications=info["qualifications"],
            experience=info["experience"], minimum_years=info["years"], running_total=total,
            move=index.move.get((found.path[i], found.path[i + 1]), ""),
            price=index.ladder.move_price(found.path[i], found.path[i + 1]),
        ))
    known = [d["years"] for d in data[1:] if d["years"] is not None]
    return Path(
        roles=tuple(Ref(n, d["label"]) for n, d in zip(nodes, data)), steps=tuple(steps),
        total_new_skills=total, years=max(known) if known else None,
        skills_held_at_start=start.bit_count(), skills_used=(start & used).bit_count(),
        skills_from_role=own.bit_count(),  # FROM's own, where the path starts as its namesake
        held_as=held_as(graph, start & used),
    )


def held_as(graph, held: int) -> tuple[HeldAs, ...]:
    """The skills of ``held`` (a mask) that have other names, each with those names, the
    mapping that links them, their vocabulary and kind (``graph.graph["skill_names"]``, from
    ``skill-matches`` and ``match-vocabularies``: :func:`kg.paths.names.other_names`)."""
    bits, found = graph.graph["skill_bits"], []
    for rep, names in graph.graph.get("skill_names", {}).items():
        bit = bits.get(rep)
        if bit is not None and held >> bit & 1:
            found.append(HeldAs(Ref(rep, skill_label(graph, rep)), tuple(
                OtherName(Ref(iri, label), relation, Ref(*vocabulary) if vocabulary else None,
                          kind)
                for iri, label, relation, vocabulary, kind in names)))
    return tuple(sorted(found, key=lambda h: h.skill.label.casefold()))


def skills_unknown(graph, role: str) -> bool:
    """Whether the graph has no skill data for ``role``: no skill of its own (tools aside)
    and none estimated from an aligned occupation."""
    data = graph.nodes[role]
    return not data.get("known", data["width"] > 0) and not data.get("estimated")


def _estimate(graph, role: str) -> Estimate | None:
    """Where the skills of ``role`` are estimated from, or None when they are not."""
    data = graph.nodes[role]
    if not data.get("estimated"):
        return None
    source, label, relation = data["estimated"]
    return Estimate(Ref(role, data["label"]), Ref(source, label), relation)


def estimates(graph, roles: Iterable[str]) -> list[Estimate]:
    """The roles of ``roles`` whose skills are estimated, each with its source."""
    return [e for role in dict.fromkeys(roles) if (e := _estimate(graph, role))]


def unknown_skills(graph, roles: Iterable[str]) -> list[Ref]:
    """The roles of ``roles`` whose skills are unknown: none listed, none estimated."""
    return [Ref(role, graph.nodes[role]["label"]) for role in dict.fromkeys(roles)
            if skills_unknown(graph, role)]


def skill_data_notes(graph, roles: Iterable[str], unknown: bool = True) -> list[str]:
    """Per role whose skills are estimated (or, with ``unknown``, unknown), a note that says
    so."""
    notes = []
    for role in dict.fromkeys(roles):
        if estimate := _estimate(graph, role):
            notes.append(f"The skills of '{estimate.role.label}' are estimated from "
                         f"'{estimate.source.label}' (skos:{estimate.relation}): the graph "
                         "lists none of its own.")
        elif unknown and skills_unknown(graph, role):
            notes.append(f"No skill data for '{graph.nodes[role]['label']}': what it requires "
                         "is unknown here, not nothing to learn.")
    return notes


def role_gap(graph, source: str, target: str, have_mask: int = 0) -> Gap:
    data = graph.nodes[target]
    bits = graph.graph["skill_bits"]
    held = graph.nodes[source]["mask"] | have_mask | same_mask(graph, source)
    new = tuple(s for s in data["skills"] if not held & (1 << bits[s.iri]))
    asked = data["mask"] & ~have_mask
    named, same = named_in_definition(graph, source, asked), same_occupation(graph, source, asked)
    return Gap(Ref(source, graph.nodes[source]["label"]), Ref(target, data["label"]), new,
               shared=len(data["skills"]) - len(new), required=len(data["skills"]),
               held_as=held_as(graph, held & data["mask"]),
               notes=tuple(skill_data_notes(graph, (source, target))
                           + [o.note() for o in (named, *same) if o and o.skills]),
               estimated=tuple(estimates(graph, (source, target))),
               no_skill_data=tuple(unknown_skills(graph, (source, target))),
               same_occupation=tuple(same), named_in_definition=named)


def _have_mask(graph, have: Iterable[str]) -> int:
    bits, mask = graph.graph["skill_bits"], 0
    same = graph.graph.get("same_skill", {})
    for iri in have:
        iri = same.get(iri, iri)
        if iri in bits:
            mask |= 1 << bits[iri]
    return mask


def gap(g, source: str, target: str, have: Iterable[str] = ()) -> Gap:
    """The skills ``target`` requires that ``source`` (plus ``have``) does not."""
    source, target = resolve_role(g, source), resolve_role(g, target)
    have = [resolve_skill(g, s) for s in have]
    graph = project(g)
    return role_gap(graph, source, target, _have_mask(graph, have))


def next_roles(g, role: str, have: Iterable[str] = (), lateral: bool = False) -> NextRoles:
    """The roles one step on from ``role``, each with its gap, fewest new skills first; with
    ``lateral`` lateral moves and career changes too (each named by its kind). The moves of
    the same occupation in another vocabulary are ``role``'s too, and say whose they are."""
    iri, have = resolve_role(g, role), [resolve_skill(g, s) for s in have]
    graph = project(g, lateral)
    mask = _have_mask(graph, have)
    place = positions(graph)
    options = sorted((role_gap(graph, iri, n, mask)._replace(move=move)
                      for n, move in moves_from(graph, iri).items()),
                     key=lambda gp: (len(gp.new_skills), place[gp.to.iri]))
    return NextRoles(Ref(iri, graph.nodes[iri]["label"]), tuple(options), lateral)


