"""The fallback when the exact search outgrows its budget, and the k best paths.

:func:`gap_dijkstra` is networkx's Dijkstra on per-step gaps: a step u -> v weighs the skills
v requires beyond u's and the person's starting set. That is an upper bound on what the step
really costs (the skills held only grow), so the sum of weights bounds the found path's true
cost from above; the path is then evaluated exactly and reported with a proven lower bound,
never as if it were optimal. :func:`k_best` is Yen's algorithm over either search.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

import networkx as nx

from kg.paths.exact import best_path
from kg.paths.problem import INF, Found, Ladder, Query, distances_to, evaluate


def step_weight(ladder: Ladder, query: Query) -> Callable[[int, int], int]:
    """The weight of a step ``u -> v`` as one int, compared in the ranked order: the new
    skills ``v`` asks beyond ``u`` and the start (by skills, plus the step's price in
    skill-equivalents, which is exact and additive), the step's cost, the rise in years (each
    lower part stays below ``ladder.cost_scale``)."""
    start, mask, years, by = query.start_mask(ladder), ladder.mask, ladder.years, query.by
    scale = ladder.cost_scale
    gap_unit = scale if by != "steps" else 1
    step_unit = scale if by == "steps" else 1
    year_unit = scale * scale if by == "years" else 0
    priced = by == "skills" and bool(ladder.price)

    def weight(u: int, v: int) -> int:
        cost = (((mask[v] & ~(mask[u] | start)).bit_count()
                 + (ladder.move_price(u, v) if priced else 0)) * gap_unit
                + step_unit * ladder.step_cost(u, v))
        if year_unit and years[v] > years[u]:
            cost += (years[v] - years[u]) * year_unit
        return cost

    return weight


def gap_dijkstra(
    ladder: Ladder,
    query: Query,
    *,
    root: tuple[int, ...] = (),
    banned_edges: frozenset = frozenset(),
    dist: list[float] | None = None,
    max_labels: int | None = None,
) -> Found | None:
    """Dijkstra on per-step gaps (networkx's), not exact; the same signature as
    :func:`kg.paths.exact.best_path` so :func:`k_best` can use either.

    Roles that cannot reach the goal (``dist`` is ``inf``), avoided roles and the roles of
    ``root`` before its end are hidden. With ``via`` roles the graph searched is that of
    (role, ``via`` roles visited); a walk that comes back to a role on a ladder with cycles
    is replaced by networkx's shortest simple paths, the first that visits every ``via``.
    """
    del max_labels
    root = root or (query.source,)
    if dist is None:
        dist = distances_to(ladder, query.target, query.avoid)
    if dist[root[-1]] == INF:
        return None
    hidden = set(query.avoid) | set(root[:-1]) | {v for v, d in enumerate(dist) if d == INF}
    view = nx.restricted_view(ladder.graph, hidden, banned_edges)
    weight = step_weight(ladder, query)
    try:
        if not query.via:
            roles = nx.dijkstra_path(view, root[-1], query.target,
                                     weight=lambda u, v, d: weight(u, v))
        else:
            roles = _through_via(view, ladder, query, root, weight)
    except nx.NetworkXNoPath:
        return None
    if roles is None:
        return None
    return evaluate(ladder, query, tuple(root[:-1]) + tuple(roles))


def _through_via(view, ladder: Ladder, query: Query, root, weight) -> list[int] | None:
    via_bit = {v: 1 << i for i, v in enumerate(query.via)}
    visited = 0
    for v in root:
        visited |= via_bit.get(v, 0)
    states = nx.DiGraph()
    every = range(1 << len(query.via))
    states.add_edges_from(((u, bits), (v, bits | via_bit.get(v, 0)))
                          for u, v in view.edges() for bits in every)
    first, goal = (root[-1], visited), (query.target, (1 << len(query.via)) - 1)
    if first not in states or goal not in states:
        return None
    walk = nx.dijkstra_path(states, first, goal, weight=lambda s, t, d: weight(s[0], t[0]))
    roles = [state[0] for state in walk]
    if len(set(roles)) == len(roles):
        return roles
    wanted = set(query.via) - set(root)  # the walk came back to a role: simple paths only
    for roles in nx.shortest_simple_paths(view, root[-1], query.target,
                                          weight=lambda u, v, d: weight(u, v)):
        if wanted <= set(roles):
            return roles
    return None


def k_best(ladder: Ladder, query: Query, k: int, search=best_path, first: Found | None = None,
           **options) -> list[Found]:
    """The ``k`` best distinct simple paths, best first (Yen's algorithm over ``search``).

    With the exact :func:`best_path` as the spur search this is exact: the cost of a path is
    a function of its root and the skills the spur adds given the root, which is what the
    spur search minimises.
    """
    dist = distances_to(ladder, query.target, query.avoid)
    best = first if first is not None else search(ladder, query, dist=dist, **options)
    if best is None:
        return []
    found = [best]
    candidates: list[tuple] = []
    seen = {best.path}
    while len(found) < k:
        previous = found[-1].path
        for i in range(len(previous) - 1):
            root = previous[: i + 1]
            banned = frozenset(
                (f.path[i], f.path[i + 1]) for f in found if f.path[: i + 1] == root
            )
            spur = search(ladder, query, root=root, banned_edges=banned, dist=dist, **options)
            if spur is not None and spur.path not in seen:
                seen.add(spur.path)
                heapq.heappush(candidates, (spur.key, spur))
        if not candidates:
            break
        found.append(heapq.heappop(candidates)[1])
    return found


