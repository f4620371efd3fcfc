"""The role ladder projected from the store, its cache, and its numbering for the search.

The ladder is projected with the named queries ``role-progression``, ``skills-for-role``,
``responsibilities-by-area``, ``qualifications``, ``experience-requirements``,
``skill-matches``, ``occupation-matches`` and ``match-vocabularies`` into a
:class:`kg.paths.roles.RoleGraph` (a ``networkx.DiGraph``: roles as nodes,
``ail:progressesTo`` as edges, skills and the rest as node data).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence

from kg.paths import ladder as role_graph
from kg.paths import search as ps
from kg.paths.names import (  # noqa: F401  (skill_equivalents, skill_relations: re-exported)
    other_names, skill_equivalents, skill_groups, skill_relations,
)
from kg.paths.mentioned import mentioned_skills
from kg.paths.overlap import overlap_moves
from kg.paths.results import Experience, Qualification, Responsibility, Skill
from kg.paths.roles import RoleGraph, mask_of
from kg.store import kept as kept_files

AIL = "https://w3id.org/ai-leadership-kg/ontology#"
_PROJECTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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
        add_moves(graph, g.named("occupation-moves"))
        add_moves(graph, overlap_moves(graph))  # ESCO lists no moves (kg.paths.overlap)
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
    # a remote graph's mirror (kg/remote/ladder.py) holds no occupation mappings: estimates
    # are made only where the whole graph is at hand
    remote_graph = getattr(g, "kept_ladder", None) is not None
    # nor the sources and schemes that say which vocabulary a skill is from: its other names
    # are then given without one
    for query in ("occupation-matches", "match-vocabularies", "occupation-definitions"):
        rows[query] = [] if remote_graph else read(query)
    graph = build_projection(
        rows["role-progression"], rows["skills-for-role"], rows["responsibilities-by-area"],
        rows["qualifications"], rows["experience-requirements"], matches=rows["skill-matches"],
        occupations=rows["occupation-matches"], vocabularies=rows["match-vocabularies"],
        definitions=rows["occupation-definitions"])
    del rows
    if folder is not None:
        cached["data"] = role_graph.to_data(graph)  # the lateral ladder shares all but edges
        kept_files.write_bytes(folder, kept, role_graph.dump(cached["data"]))
        _drop_other_formats(folder)
    elif remote is not None:
        try:
            # private, like the workspace it is in (a group-writable one is refused)
            where.mkdir(mode=0o700, parents=True, exist_ok=True)
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


def build_projection(progression: Iterable[dict], skills: Iterable[dict],
                     responsibilities: Iterable[dict] = (), qualifications: Iterable[dict] = (),
                     experience: Iterable[dict] = (), moves: Iterable[dict] = (),
                     matches: Iterable[dict] = (), occupations: Iterable[dict] = (),
                     vocabularies: Iterable[dict] = (), definitions: Iterable[dict] = ()):
    """Build the ladder from rows shaped like the named queries' (see kg/queries/role-*.rq;
    ``matches`` of skill-matches.rq, ``occupations`` of occupation-matches.rq,
    ``vocabularies`` of match-vocabularies.rq, ``definitions`` of
    occupation-definitions.rq)."""
    same, relation = skill_groups(matches)
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
    add_moves(graph, moves)
    bits: dict[str, int] = {}
    interned: dict[tuple[str, bool], Skill] = {}
    per_role: dict[str, list[Skill]] = {}
    # the cost model: a named tool (an O*NET technology example) is a requirement only when
    # hot or in demand; O*NET lists up to 425 per occupation, most of them examples
    skill_rows = [row for row in skills if not (row.get("tool") and row.get("current") is False)]
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
    known = {row["role"] for row in skill_rows if not row.get("tool")}
    estimates = estimate_skills(graph, per_role, known, occupations,
                                {same.get(r["skill"], r["skill"]) for r in skill_rows
                                 if r.get("tool")})
    for role, data in graph.nodes(data=True):
        data.pop("stub", None)
        data["known"] = role in known
        data["estimated"] = estimates.get(role)
        if data["estimated"] is not None:
            per_role[role] = per_role.get(role, []) + data["estimated"].pop()
        # once per skill: two requirements can be one skill under two names (O*NET's
        # Mathematics skill and knowledge are both ESCO's mathematics); essential first wins
        held, seen = [], set()
        for skill in sorted(per_role.get(role, ()), key=skill_order):
            if skill.iri not in seen:
                seen.add(skill.iri)
                held.append(skill)
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
    graph.graph["same_occupation"] = same_occupations(graph, occupations)
    graph.graph["skill_names"] = other_names(same, relation, own, vocabularies)
    graph.graph["mentioned"] = mentioned_skills(graph, definitions)
    return graph


#: which aligned occupation lends its skills first: the same, then a close, then a broader one
RELATION_ORDER = ("exactMatch", "closeMatch", "broadMatch", "broader", "narrowMatch")


def estimate_skills(graph, per_role: dict, known: set, occupations: Iterable[dict],
                    tools: set) -> dict[str, list]:
    """For each role with no skill data of its own (tools aside: O*NET lists technology
    examples where it has no Skills or Knowledge rows), the skills of the first aligned
    occupation that has some (:data:`RELATION_ORDER`, then IRI), tools left out:
    ``[source IRI, source label, relation, skills]`` (the caller takes the skills)."""
    found: dict[str, tuple] = {}
    for row in occupations:
        role, match, relation = row["occupation"], row["match"], row["relation"]
        if role in known or role not in graph or match not in known or match not in graph:
            continue
        rank = (RELATION_ORDER.index(relation) if relation in RELATION_ORDER else 9, match)
        if role not in found or rank < found[role][0]:
            found[role] = (rank, match, relation)
    return {role: [match, graph.nodes[match]["label"], relation,
                   [s for s in per_role.get(match, ()) if s.iri not in tools]]
            for role, (_, match, relation) in found.items()}


def same_occupations(graph, occupations: Iterable[dict]) -> dict[str, tuple[str, ...]]:
    """Per role, the roles it is the same occupation as (skos:exactMatch, either direction;
    occupation-matches.rq) that have skills: a person who holds one holds what either
    vocabulary lists for it (:func:`kg.paths.same.same_mask`)."""
    found: dict[str, set[str]] = {}
    for row in occupations:
        role, match = row["occupation"], row["match"]
        if (row["relation"] == "exactMatch" and role in graph and match in graph
                and graph.nodes[match]["width"]):
            found.setdefault(role, set()).add(match)
    return {role: tuple(sorted(matches)) for role, matches in sorted(found.items())}


def add_moves(graph, moves: Iterable[dict]) -> None:
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


class Index:
    """The projection as integers for :mod:`kg.paths.search` (built once per projection).

    A ladder read back from beside a workspace store keeps the numbers it was saved with
    (:func:`kg.paths.ladder.from_data`): the index is made from them without walking 56,334
    edges as dicts (0.17 s of a 1M-triple path).
    """

    def __init__(self, graph):
        saved = getattr(graph, "saved_order", None)
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
        cost, price, self.move = {}, {}, {}
        for u, v, move, weight in edges:
            succ[u].append(v)
            if weight != 1:
                cost[u, v] = weight
            if move:
                self.move[u, v] = move
                price[u, v] = ps.move_price(weight)
        data = [graph.nodes[n] for n in self.order]
        self.ladder = ps.Ladder(
            succ=[sorted(after) for after in succ], mask=_Masks(graph, self.order),
            years=[d["years"] or 0 for d in data], cost=cost, price=price,
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


def positions(graph) -> dict[str, int]:
    """Each role's place in the ladder order (the index's numbers), without building the
    index: ``next`` only sorts by it (the index walks every edge: 0.17 s on O*NET+ESCO)."""
    if "_index" in graph.graph:
        return graph.graph["_index"].index
    saved = getattr(graph, "saved_order", None)
    if saved is not None:
        names = list(graph)
        return {names[n]: i for i, n in enumerate(saved)}
    return {iri: i for i, iri in enumerate(role_graph.ladder_order(graph))}


def index_of(graph) -> Index:
    if "_index" not in graph.graph:
        graph.graph["_index"] = Index(graph)
    return graph.graph["_index"]




def skill_label(graph, iri: str) -> str:
    skill = graph.graph["skills"].get(iri)
    return skill.label if skill else _local(iri)
