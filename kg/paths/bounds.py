"""Lower bounds that prove a path optimal when too many roles lie between FROM and TO.

Above :data:`kg.paths.answers.EXACT_ROLE_LIMIT` roles in the cone (the roles on some path from FROM
to TO) the label-setting search of :mod:`kg.paths.search` usually outgrows any label budget,
so the answer comes from Dijkstra on per-step gaps (an upper bound). This module gives the
other side: a lower bound on the primary measure that **every** path from FROM to TO must
pay. When the fallback's path meets it, the primary measure is proven optimal, and the exact
search only has to settle ties on the secondary measures among paths that meet it, which
it does with labels pruned by that ceiling (:func:`kg.paths.search.best_path`'s ``ceiling``).

The bounds (all sound for every simple path, hence for the optimum):

- ``skills``: every path ends with a suffix of at most :data:`SUFFIX_ROLES` roles entering
  TO (or starting at FROM), and learns at least the skills of that suffix beyond those held
  at the start; the bound is the least such count over all suffixes inside the cone. With one
  role this is "the goal's skills plus those of the role it is entered from". Moves have a
  price in skill-equivalents, ranked with the skills: a path through a suffix also pays the
  suffix's own prices and at least the cheapest price from FROM to the suffix's first role
  (networkx's Dijkstra over the cone), and that sum only grows as the suffix grows backwards
  (the cheapest price to a role is at most that to the role before it plus the step's), so
  the pruning below stays sound.
- ``steps``: the least sum of step costs to TO (networkx's Dijkstra over the cone).
- ``years``: the least "most years asked for by a role entered" over paths to TO (the same
  search with ``max`` in place of ``+``).

Roles that are avoided or cannot reach TO are left out; ``via`` roles and the ban on
revisiting a role only remove paths, so the bounds stay sound with them.
"""

from __future__ import annotations

import heapq

import networkx as nx

from kg.paths.problem import INF, Ladder, Query, cone

#: how many roles before TO the skills bound looks at (the enumeration grows with in-degree
#: to this power; 2 keeps it to a few thousand suffixes on O*NET)
SUFFIX_ROLES = 2


def skills_bound(ladder: Ladder, query: Query, inside: bytearray) -> int:
    """New skills every path from the source to the target learns at least (see above)."""
    start, mask, pred = query.start_mask(ladder), ladder.mask, ladder.pred
    source, target = query.source, query.target
    cheapest = price_to(ladder, query, inside)
    best = INF

    def walk(role: int, learnt: int, suffix: tuple[int, ...], paid: int) -> None:
        nonlocal best
        count = (learnt & ~start).bit_count() + paid + cheapest.get(role, 0)
        if count >= best:
            return  # learning and paying only grow along the suffix: no lower count here
        if role == source or len(suffix) > SUFFIX_ROLES:
            best = count
            return
        for before in pred[role]:
            if inside[before] and before not in suffix:
                walk(before, learnt | (mask[before] if before != source else 0),
                     suffix + (before,), paid + ladder.move_price(before, role))

    walk(target, mask[target], (target,), 0)
    return 0 if best == INF else int(best)


def price_to(ladder: Ladder, query: Query, inside: bytearray) -> dict[int, int]:
    """The cheapest price in skill-equivalents from the source to each role of the cone
    (networkx's Dijkstra; empty when no move has a price)."""
    if not ladder.price:
        return {}
    cone_graph = ladder.graph.subgraph(n for n, i in enumerate(inside) if i)
    return nx.single_source_dijkstra_path_length(
        cone_graph, query.source, weight=lambda u, v, d: ladder.move_price(u, v))


def steps_bound(ladder: Ladder, query: Query, inside: bytearray) -> int:
    """The least sum of step costs from the source to the target (0 when unreachable):
    networkx's Dijkstra over the cone."""
    cone_graph = ladder.graph.subgraph(n for n, i in enumerate(inside) if i)
    try:
        return nx.dijkstra_path_length(cone_graph, query.source, query.target,
                                       weight=lambda u, v, d: ladder.step_cost(u, v))
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return 0


def years_bound(ladder: Ladder, query: Query, inside: bytearray) -> int:
    """The least, over paths to the target, of the most years a role entered asks for."""
    years, source = ladder.years, query.source
    return _backward(ladder, query, inside, years[query.target],
                     lambda worst, u, v: worst if u == source else max(worst, years[u]))


def _backward(ladder: Ladder, query: Query, inside: bytearray, at_target: int, extend) -> int:
    """Dijkstra from the target along reversed steps; ``extend(value, u, v)`` is the value
    at ``u`` through the step ``u -> v`` (never below the value at ``v``)."""
    best = {query.target: at_target}
    heap = [(at_target, query.target)]
    while heap:
        value, v = heapq.heappop(heap)
        if v == query.source:
            return value
        if value > best[v]:
            continue
        for u in ladder.pred[v]:
            if inside[u]:
                n_value = extend(value, u, v)
                if n_value < best.get(u, INF):
                    best[u] = n_value
                    heapq.heappush(heap, (n_value, u))
    return 0


def primary_bound(ladder: Ladder, query: Query, dist: list[float]) -> int:
    """A primary measure (as ranked by ``query.by``) that no path from FROM to TO beats."""
    inside = cone(ladder, query.source, dist, query.avoid)
    if query.by == "skills":
        return skills_bound(ladder, query, inside)
    if query.by == "steps":
        return steps_bound(ladder, query, inside)
    return years_bound(ladder, query, inside)
