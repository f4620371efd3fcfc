"""Skill paths: how to get from one role to another, and what to learn on the way.

The role ladder is projected from the store with the named queries ``role-progression``,
``skills-for-role``, ``responsibilities-by-area``, ``qualifications`` and ``experience-requirements``
into a :class:`kg.paths.ladder.RoleGraph` (roles as nodes, ``ail:progressesTo`` as edges, skills and
the rest as node data). The search itself lives in :mod:`kg.paths.search`.

>>> import kg
>>> from kg import paths
>>> result = paths.find_path(kg.load(), "Junior AI Engineer", "Head of AI")
>>> result.best.roles[0].label, result.best.roles[-1].label
('Junior AI Engineer', 'Head of AI Engineering')
>>> result.to_dict()["total_new_skills"] == result.best.total_new_skills
True
"""

from __future__ import annotations

import weakref
from dataclasses import replace
from collections.abc import Iterable, Sequence

from kg.paths import questions as pq
from kg.paths import search as ps
from kg.paths import ladder as role_graph
from kg.errors import PathError, UnknownEntity
from kg.paths.ladder import RoleGraph, mask_of
from kg.store import kept as kept_files
from kg.paths.results import (  # noqa: F401  (re-exported: the answers of this module)
    Bound, Experience, Gap, NextRoles, Path, PathResult, Qualification, Readiness, Ready, Ref,
    Responsibility, Skill, Skills, Step,
)

ROLE, SKILL = pq.ROLE, pq.SKILL
resolve_role, resolve_skill = pq.resolve_role, pq.resolve_skill  # re-exported
AIL = "https://w3id.org/ai-leadership-kg/ontology#"
MODES = ps.MODES
#: Labels the exact search may create per search before it falls back (see path_search).
DEFAULT_MAX_LABELS = 20_000
#: Above this many roles between FROM and TO the exact search is not tried at all: on such
#: ladders the labels (incomparable skill sets) outgrow any budget, so the fallback answers
#: at once, and says so.
EXACT_ROLE_LIMIT = 300
#: Above that limit the exact search runs only when a lower bound proves the fallback's
#: primary measure (kg.paths.bounds), with labels above it pruned and at most this many labels.
PROOF_LABELS = 500
_PROJECTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


# -- projection ------------------------------------------------------------------------------
def project(g, lateral: bool = False):
    """The role ladder of a loaded graph as a :class:`~kg.paths.ladder.RoleGraph` (cached per
    graph, and beside a workspace store).

    Nodes are role and labelled occupation IRIs with data ``label``, ``level``, ``years``,
    ``skills`` (a tuple of :class:`Skill`, essential first), ``mask`` (the skills as bits of an
    int, see ``graph.graph["skill_bits"]``), ``responsibilities``, ``qualifications``,
    ``experience``. Edges are ``ail:progressesTo`` (or ``ail:progressesFrom`` read backwards);
    with ``lateral`` also ``ail:canMoveTo`` and its subproperties, whose edges carry ``move``
    (the kind's label) and ``cost`` (its ``ail:moveCost``, default 1). Skills linked by
    ``skos:exactMatch`` count as one skill (see :func:`skill_equivalents`).
    """
    cached = _PROJECTIONS.setdefault(g, {})
    if lateral not in cached:
        cached[lateral] = _kept(g, lateral, cached)
    return cached[lateral]


def forget(g) -> None:
    """Let go of the projections of ``g`` (cached per graph by :func:`project`)."""
    _PROJECTIONS.pop(g, None)


def _kept(g, lateral: bool, cached: dict) -> RoleGraph:
    """The projection kept beside a workspace store (it never changes under its key), or for
    a remote graph the plain one kept in the workspace under the SHA-256 of the store's
    tables; else built from the named queries, and kept where there is a folder for it."""

    folder = getattr(g, "folder", None)
    kept = f"projection-{role_graph.FORMAT}{'-lateral' if lateral else ''}.ladder"
    if folder is not None:
        data = role_graph.load(kept_files.read_bytes(folder, kept))
        graph = role_graph.from_data(data, checked=True) if data is not None else None
        if graph is not None:
            return graph
    remote = None if lateral or folder is not None else _remote_kept(g)
    if remote is not None:  # a store's ladder, kept under the SHA-256 of its tables
        where, name, key = remote
        data = role_graph.load(kept_files.read_bytes(where, name))
        if data is not None and data.get("key") == key:
            graph = role_graph.from_data(data, checked=True)
            if graph is not None:
                return graph
    if lateral:  # the plain ladder and the moves: the rows are not read twice
        graph = project(g, False).copy()
        graph.graph.pop("_index", None)
        _add_moves(graph, g.named("occupation-moves"))
        if folder is not None:
            edges = role_graph.to_data(graph, edges_only=True)
            kept_files.write_bytes(folder, kept, role_graph.dump(
                {**cached["data"], **edges} if "data" in cached else role_graph.to_data(graph)))
        return graph
    # named_cached: a remote graph answers these from per-predicate tables (kg/remote/ladder.py:
    # 13 s -> 2 s at 111k triples); beside a workspace store only the projection is kept, not
    # its rows (337,901 dicts at 1M triples: not held past the build)
    read = g.named if folder is not None else g.named_cached
    rows = {name: read(name) for name in (
        "role-progression", "skills-for-role", "responsibilities-by-area", "qualifications",
        "experience-requirements", "skill-matches")}
    graph = build_projection(
        rows["role-progression"], rows["skills-for-role"], rows["responsibilities-by-area"],
        rows["qualifications"], rows["experience-requirements"], matches=rows["skill-matches"])
    del rows
    if folder is not None:
        cached["data"] = role_graph.to_data(graph)  # the lateral ladder shares all but edges
        kept_files.write_bytes(folder, kept, role_graph.dump(cached["data"]))
        _drop_other_formats(folder)
    elif remote is not None:
        try:
            where.mkdir(parents=True, exist_ok=True)
        except OSError:
            return graph  # a ladder that cannot be kept is only slower next time
        kept_files.write_bytes(where, name, role_graph.dump({**role_graph.to_data(graph),
                                                            "key": key}))
    return graph


def _drop_other_formats(folder) -> None:
    """Delete ladders kept beside a store by another version (22 MB each at 1M triples):
    no version reads them again."""
    current = {f"projection-{role_graph.FORMAT}{end}.ladder" for end in ("", "-lateral")}
    kept_files.drop(folder, "projection-", current)


def _remote_kept(g) -> tuple | None:
    """For a remote graph with a folder to keep its ladder in: the folder, the file's name
    (one per endpoint and graph: a store whose data changed replaces it) and the key."""
    kept = getattr(g, "kept_ladder", None)
    found = kept() if kept is not None else None
    if found is None:
        return None
    where, store, key = found
    return where, f"projection-{role_graph.FORMAT}-{store}.ladder", key


def skill_equivalents(matches: Iterable[dict]) -> dict[str, str]:
    """Each skill IRI that has exact matches mapped to one representative of its group.

    The representative is this graph's own skill when the group has one (``ail:`` IRIs),
    else the smallest IRI, so answers speak the shipped vocabulary where they can.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def rank(x: str) -> tuple:
        return (not x.startswith(AIL), x)

    for row in matches:
        a, b = find(row["skill"]), find(row["match"])
        if a != b:
            low, high = sorted((a, b), key=rank)
            parent[high] = low
    return {x: find(x) for x in list(parent)}


def build_projection(progression: Iterable[dict], skills: Iterable[dict],
                     responsibilities: Iterable[dict] = (), qualifications: Iterable[dict] = (),
                     experience: Iterable[dict] = (), moves: Iterable[dict] = (),
                     matches: Iterable[dict] = ()):
    """Build the ladder from rows shaped like the named queries' (see kg/queries/role-*.rq)."""
    same = skill_equivalents(matches)
    graph = RoleGraph()
    for row in progression:
        role = row["role"]
        if role not in graph or graph.nodes[role].get("stub"):
            graph.add_node(role, label=row.get("roleLabel") or _local(role),
                           level=row.get("level"), years=row.get("years"), stub=False)
        if "next" in row:
            if row["next"] not in graph:
                # a stub until the role's own row fills it in (or stays so if not a Role)
                graph.add_node(row["next"], label=row.get("nextLabel") or _local(row["next"]),
                               level=None, years=None, stub=True)
            graph.add_edge(role, row["next"], move=None, cost=1)
    _add_moves(graph, moves)
    bits: dict[str, int] = {}
    interned: dict[tuple[str, bool], Skill] = {}
    per_role: dict[str, list[Skill]] = {}
    skill_rows = list(skills)
    own = {row["skill"]: row for row in skill_rows}  # a representative's own label and kind
    for row in skill_rows:
        iri, essential = same.get(row["skill"], row["skill"]), bool(row.get("essential"))
        skill = interned.get((iri, essential))
        if skill is None:
            named = own.get(iri, row)
            skill = Skill(iri, named.get("skillLabel") or _local(iri),
                          named.get("kind") or "Skill", essential)
            interned[(iri, essential)] = skill
            bits.setdefault(iri, len(bits))
        per_role.setdefault(row["role"], []).append(skill)
    for role, data in graph.nodes(data=True):
        data.pop("stub", None)
        held = sorted(per_role.get(role, ()), key=skill_order)
        data["skills"] = tuple(held)
        data["mask"] = mask_of(bits[skill.iri] for skill in held)
        data["width"] = data["mask"].bit_count()
        data.setdefault("responsibilities", ())
        data.setdefault("qualifications", ())
        data.setdefault("experience", ())
        data.setdefault("importance", {})
    _attach(graph, "responsibilities", responsibilities, lambda r: Responsibility(
        r["responsibility"], r.get("responsibilityLabel") or _local(r["responsibility"]),
        r.get("areaLabel")))
    _attach(graph, "qualifications", qualifications, lambda r: Qualification(
        r["qualification"], r.get("qualificationLabel") or _local(r["qualification"]),
        r.get("requirement") == "mandatory"))
    _attach(graph, "experience", experience, lambda r: Experience(
        r["requirement"], r.get("requirementLabel") or _local(r["requirement"]), r.get("years")))
    for row in skill_rows:
        if row.get("importance") is not None and row["role"] in graph:
            skill = same.get(row["skill"], row["skill"])
            graph.nodes[row["role"]]["importance"][skill] = float(row["importance"])
    graph.graph["skill_bits"] = bits
    graph.graph["skills"] = {s.iri: s for s in interned.values()}
    graph.graph["same_skill"] = same
    return graph


def _add_moves(graph, moves: Iterable[dict]) -> None:
    """Lateral and career-change edges between nodes already on the ladder.

    A move stated with several kinds (a subproperty and, once inferences are materialised,
    ail:canMoveTo itself) keeps the kind with an explicit cost, the highest one; a progression
    between the same two occupations wins over any move.
    """
    found: dict[tuple[str, str], tuple[int, str]] = {}
    for row in moves:
        edge = (row["role"], row["next"])
        if edge[0] not in graph or edge[1] not in graph or edge[0] == edge[1]:
            continue
        cost = int(row["cost"]) if row.get("cost") is not None else None
        kind = row.get("kind") or "can move to"
        known = found.get(edge)
        if known is None or (cost is not None and (known[0] is None or cost > known[0])):
            found[edge] = (cost, kind)
    for (start, end), (cost, kind) in sorted(found.items()):
        if not graph.has_edge(start, end):
            graph.add_edge(start, end, move=kind, cost=max(cost or 1, 1))


def _attach(graph, name: str, rows: Iterable[dict], make) -> None:
    for row in rows:
        if row["role"] in graph:
            graph.nodes[row["role"]][name] += (make(row),)


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def skill_order(skill: Skill) -> tuple:
    """Essential before preferred, then by kind, then by label."""
    return (not skill.essential, skill.kind.casefold(), skill.label.casefold(), skill.iri)


class _Index:
    """The projection as integers for :mod:`kg.paths.search` (built once per projection).

    A ladder read back from beside a workspace store keeps the numbers it was saved with
    (:func:`kg.paths.ladder.from_data`): the index is made from them without walking 56,334
    edges as dicts (0.17 s of a 1M-triple path).
    """

    def __init__(self, graph):
        saved = getattr(graph, "order", None)
        if saved is not None:
            names = list(graph)
            self.order = [names[n] for n in saved]
            place = [0] * len(names)
            for i, n in enumerate(saved):
                place[n] = i
            edges = ((place[u], place[v], move, cost)
                     for u, v, move, cost in graph.numbered_edges())
        else:
            self.order = role_graph.ladder_order(graph)
            place = {iri: i for i, iri in enumerate(self.order)}
            edges = ((place[u], place[v], d.get("move"), d.get("cost", 1))
                     for u, v, d in graph.edges(data=True))
        self.index = {iri: i for i, iri in enumerate(self.order)}
        succ = [[] for _ in self.order]
        cost, self.move = {}, {}
        for u, v, move, weight in edges:
            succ[u].append(v)
            if weight != 1:
                cost[u, v] = weight
            if move:
                self.move[u, v] = move
        data = [graph.nodes[n] for n in self.order]
        self.ladder = ps.Ladder(
            succ=[sorted(after) for after in succ], mask=_Masks(graph, self.order),
            years=[d["years"] or 0 for d in data], cost=cost,
            widest=max((d["width"] for d in data), default=0),
        )
        self.has_years = any(d["years"] is not None for d in data)


class _Masks(Sequence):
    """Each role's skill mask, made when the search first reads it: a search reaches a few
    of the roles, and with 86,596 skills a mask is 11 kB (kg.paths.ladder.from_data)."""

    def __init__(self, graph, order: list[str]) -> None:
        self._graph, self._order, self._made = graph, order, [None] * len(order)

    def __getitem__(self, i: int) -> int:
        mask = self._made[i]
        if mask is None:
            mask = self._made[i] = self._graph.nodes[self._order[i]]["mask"]
        return mask

    def __len__(self) -> int:
        return len(self._order)


def _index(graph) -> _Index:
    if "_index" not in graph.graph:
        graph.graph["_index"] = _Index(graph)
    return graph.graph["_index"]


# -- the questions ------------------------------------------------------------------------------
def find_path(g, source: str, target: str, *, by: str = "skills", have: Iterable[str] = (),
              via: Iterable[str] = (), avoid: Iterable[str] = (), alternatives: int = 1,
              max_labels: int | None = DEFAULT_MAX_LABELS, lateral: bool = False) -> PathResult:
    """The best path from ``source`` to ``target`` on a loaded graph; names are resolved.

    Roles and skills may be given as labels, alternative labels, CURIEs or IRIs. With
    ``lateral``, lateral moves and career changes (``ail:canMoveTo``) are steps too; ranked
    by steps, each counts its kind's ``ail:moveCost`` (a step up counts 1).
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
    index = _index(graph)
    label = lambda iri: graph.nodes[iri]["label"]  # noqa: E731
    if by == "years" and not index.has_years:
        raise PathError("The graph gives no years of experience (ail:requiresExperience/"
                        "ail:minimumYears) for any role; use --by skills or --by steps.")
    query = ps.Query(
        source=index.index[source], target=index.index[target], have=_have_mask(graph, have),
        by=by,
        via=tuple(index.index[v] for v in via if v not in (source, target)),
        avoid=frozenset(index.index[a] for a in avoid),
    )
    ladder = index.ladder
    dist = ps.distances_to(ladder, query.target, query.avoid)
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
    paths = [_describe(graph, index, query, f) for f in found]
    notes = []
    if by == "years":
        unknown = [label(index.order[i]) for i in best.path[1:]
                   if graph.nodes[index.order[i]]["years"] is None]
        if unknown:
            notes.append("No years of experience given for " + ", ".join(unknown)
                         + "; counted as 0.")
    if not exact:
        why = (f"the exact search stopped after {bound.labels} labels" if bound.labels else
               f"{bound.roles_between} roles lie between the two, more than the exact "
               f"search's limit of {EXACT_ROLE_LIMIT}")
        notes.append(
            f"Not proven optimal: {why}; this path comes from Dijkstra on per-step gaps and "
            f"is at most {bound.found - bound.lower_bound} {by} worse than the best.")
    if not alternatives_exact and exact:
        notes.append("Alternatives come from Dijkstra on per-step gaps (the exact search "
                     "outgrew its label budget): they are valid but not proven the next best.")
    return PathResult(
        from_=Ref(source, label(source)), to=Ref(target, label(target)), by=by,
        best=paths[0], alternatives=paths[1:],
        have=[(Ref(iri, _skill_label(graph, iri)),
               _have_status(graph, query, best, iri, dist, max_labels if exact else 0))
              for iri in have],
        via=[Ref(v, label(v)) for v in via], avoid=[Ref(a, label(a)) for a in sorted(avoid)],
        exact=exact, alternatives_exact=alternatives_exact, bound=bound, notes=notes,
    )


def _proven(ladder: ps.Ladder, query: ps.Query, dist, max_labels: int):
    """The exact answer on a wide cone, or :class:`ps.BudgetExceeded` (0 labels) as before.

    The fallback's path gives a ceiling; :func:`kg.paths.bounds.primary_bound` a floor. Only
    when they meet is the primary measure proven, and the exact search then settles the
    ties with labels above the ceiling pruned. Otherwise the answer is the fallback's,
    reported as it always was (the search is not tried, so it costs nothing).
    """
    from kg.paths import bounds as path_bounds

    fallback = ps.gap_dijkstra(ladder, query, dist=dist)
    if fallback is None:
        return None
    ceiling = ps.primary(fallback, query.by)
    if path_bounds.primary_bound(ladder, query, dist) < ceiling:
        raise _Unproven(fallback)
    try:
        return ps.best_path(ladder, query, dist=dist, max_labels=max_labels, ceiling=ceiling)
    except ps.BudgetExceeded:
        raise _Unproven(fallback) from None


class _Unproven(ps.BudgetExceeded):
    """The fallback's answer on a wide cone, reported as "too many roles between"."""

    def __init__(self, fallback: ps.Found):
        super().__init__(0, 0)
        self.fallback = fallback


def _have_status(graph, query: ps.Query, best: ps.Found, iri: str, dist, max_labels) -> str:
    """What a --have skill did: "used" only when the best answer is worse without it.

    "from-role": FROM requires it anyway; "unused": no role on the best path requires it (so
    the answer cannot depend on it); "tie": the path counts it as held, but another path
    ranks the same without it. The search is rerun without the skill only in the last case
    to tell "used" from "tie" (``max_labels`` 0: the fallback search, as for the answer).
    """
    ladder = _index(graph).ladder
    bit = 1 << graph.graph["skill_bits"][iri] if iri in graph.graph["skill_bits"] else 0
    if ladder.mask[query.source] & bit:
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


def _skill_label(graph, iri: str) -> str:
    skill = graph.graph["skills"].get(iri)
    return skill.label if skill else _local(iri)


def _describe(graph, index: _Index, query: ps.Query, found: ps.Found) -> Path:
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
        ))
    known = [d["years"] for d in data[1:] if d["years"] is not None]
    return Path(
        roles=tuple(Ref(n, d["label"]) for n, d in zip(nodes, data)), steps=tuple(steps),
        total_new_skills=total, years=max(known) if known else None,
        skills_held_at_start=start.bit_count(), skills_used=(start & used).bit_count(),
        skills_from_role=index.ladder.mask[found.path[0]].bit_count(),
    )


def role_gap(graph, source: str, target: str, have_mask: int = 0) -> Gap:
    data = graph.nodes[target]
    bits = graph.graph["skill_bits"]
    held = graph.nodes[source]["mask"] | have_mask
    new = tuple(s for s in data["skills"] if not held & (1 << bits[s.iri]))
    return Gap(Ref(source, graph.nodes[source]["label"]), Ref(target, data["label"]), new,
               shared=len(data["skills"]) - len(new), required=len(data["skills"]))


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


def next_roles(g, role: str, have: Iterable[str] = ()) -> NextRoles:
    """The roles one step on from ``role``, each with its gap, fewest new skills first."""
    iri, have = resolve_role(g, role), [resolve_skill(g, s) for s in have]
    graph = project(g)
    mask = _have_mask(graph, have)
    index = _index(graph)
    options = sorted((role_gap(graph, iri, n, mask) for n in graph.successors(iri)),
                     key=lambda gp: (len(gp.new_skills), index.index[gp.to.iri]))
    return NextRoles(Ref(iri, graph.nodes[iri]["label"]), tuple(options))


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
    have_iris = list(dict.fromkeys(resolve_skill(g, s) for s in have))
    current = resolve_role(g, role) if role is not None else None
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
    return Ready(tuple(Ref(i, _skill_label(graph, i)) for i in have_iris), tuple(rated),
                 tuple(sorted(unrated, key=lambda r: r.label.casefold())),
                 Ref(current, graph.nodes[current]["label"]) if current else None)


def rank_readiness(graph, have: Iterable[str] = (), current: str | None = None
                   ) -> tuple[list[Readiness], list[Ref]]:
    """The roles of a projection ranked as :func:`ready` ranks them (every argument an IRI),
    and the roles that list no skills."""
    # the skills held as row numbers of the ladder's skill table: with 1M triples of user
    # data, making each role's 'Skill's to compare them took 1 s of one 'ready'
    same, table = graph.graph.get("same_skill", {}), role_graph.skill_table(graph)
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
