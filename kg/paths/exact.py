"""The exact skill path: networkx's A* over the graph of search states.

Why not plain Dijkstra on the ladder: the skills a step costs depend on what was learnt
earlier on the path (the cost of a path is the size of the union of its roles' skills, minus
what the person holds at the start), so per-step gaps are not additive. Minimising a union of
labels along a path is NP-hard in general. On the graph of *states* (role, skills held,
steps, years, the price paid for moves, ``via`` roles visited, and on a ladder with cycles
the roles visited) the cost of a state is a function of the state, so a step's weight is the difference of two states'
costs, and ``networkx.astar_path`` finds the cheapest state at the goal. The heuristic is the
consistent lower bound the search always used (the goal's own skills must be learnt, at
least ``dist`` more steps, the goal's years), so the first goal state taken is optimal.

The state graph is never built: :class:`StateGraph` is a ``networkx.DiGraph`` whose
adjacency makes a state's successors when A* first asks for them, and keeps only states no
other state at the same role dominates (a subset of the skills held, no more steps, no more
years, no higher price paid, the same ``via`` roles; a dominated state waiting in A*'s queue
is expanded to nothing). The number of states can grow exponentially; past ``max_labels`` it raises
:class:`~kg.paths.problem.BudgetExceeded` carrying a proven lower bound (the primary measure
of the state A* was expanding: A* takes states in order of that bound).
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx

from kg.paths.problem import INF, BudgetExceeded, Found, Ladder, Query, cone, evaluate

#: the goal of A*: every state at the target with every ``via`` role visited leads to it
GOAL = ("goal",)


class _Successors(Mapping):
    """``StateGraph._adj``: each state's successors, made when A* asks for them."""

    def __init__(self, states: StateGraph) -> None:
        self._states = states

    def __getitem__(self, state):
        return self._states.successors_of(state)

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0


class StateGraph(nx.DiGraph):
    """The implicit graph of search states of one question, for ``networkx.astar_path``.

    A state is ``(role, held, steps, years, paid, via, roles)`` (``paid`` the price of the
    moves taken, in skill-equivalents, counted only by skills; ``roles`` a frozenset on a
    ladder with cycles, else None); its cost :meth:`cost` packs the measures in the ranked
    order into one int (each lower part stays below ``ladder.cost_scale``), and
    :meth:`heuristic` packs the lower bound the same way.

    Why the heuristic stays admissible and consistent with moves priced (so A*'s first goal
    state is optimal). By skills it is ``(|goal's skills not held| + left(role)) * scale +
    dist(role)``, ``left`` the least price of any route from the role to the goal. Admissible:
    every route still has to learn the goal's unheld skills and pay at least ``left``.
    Consistent: a step s -> t between roles u -> v, of price p >= 0, whose role adds the set D
    to the skills held, raises the cost by ``(|D| + p) * scale + step`` (step >= 1); the
    heuristic falls by at most ``(|D| + p) * scale + 1``, because only skills of D can leave
    the goal's unheld ones, ``left(u) <= p + left(v)`` (a shortest-path distance), and
    ``dist``, the fewest hops, drops by at most 1 per step. Each lower part stays below
    ``scale``, so ``h(s) <= w(s, t) + h(t)``.
    """

    def __init__(self, ladder: Ladder, query: Query, dist: list[float], *, root=(),
                 banned_edges=frozenset(), max_labels=None, ceiling=None) -> None:
        super().__init__()
        self.ladder, self.query, self.dist = ladder, query, dist
        self.root = root or (query.source,)
        self.banned, self.max_labels = banned_edges, max_labels
        self.start = query.start_mask(ladder)
        self.start_count = self.start.bit_count()
        self.via_bit = {v: 1 << i for i, v in enumerate(query.via)}
        self.via_all = (1 << len(query.via)) - 1
        self.target_mask = ladder.mask[query.target]
        self.target_years = ladder.years[query.target]
        self.blocked = set(query.avoid) | set(self.root[:-1])
        #: by skills, the least price still to pay from each role to the target
        self.price_left = price_to_target(ladder, query, dist) if query.by == "skills" else {}
        self.cyclic = ladder.cyclic
        self.scale = ladder.cost_scale
        # in the units of primary(): the skills count includes those held at the start
        self.top = INF if ceiling is None else (
            ceiling + self.start_count if query.by == "skills" else ceiling)
        self.labels: dict[int, list] = {}  # per role: the states not dominated, as lists
        self.dead: set = set()
        self.created = 0
        self.last_primary = None
        self.__dict__["_adj"] = self.__dict__["_succ"] = _Successors(self)

    def __contains__(self, state) -> bool:
        return True  # every state exists; A* only ever asks about ones it was given

    def first(self):
        """The state at the end of ``root``."""
        held, years, via, ladder = self.start, 0, 0, self.ladder
        for v in self.root[1:]:
            held |= ladder.mask[v]
            years = max(years, ladder.years[v])
        for v in self.root:
            via |= self.via_bit.get(v, 0)
        steps = sum(ladder.step_cost(u, v) for u, v in zip(self.root, self.root[1:]))
        paid = sum(self._price(u, v) for u, v in zip(self.root, self.root[1:]))
        if self.query.by != "years":
            years = 0
        state = (self.root[-1], held, steps, years, paid, via,
                 frozenset(self.root) if self.cyclic else None)
        self.labels[state[0]] = [state]
        return state

    def _price(self, u: int, v: int) -> int:
        """What a step costs in skill-equivalents: only ranking by skills counts it."""
        return self.ladder.move_price(u, v) if self.query.by == "skills" else 0

    def primary(self, state) -> int:
        """The lower bound on the ranked measure at ``state`` (the first part of f)."""
        node, held, steps, years, paid = state[:5]
        by = self.query.by
        if by == "skills":
            return (held | self.target_mask).bit_count() + paid
        if by == "steps":
            return steps + self.dist[node]
        return max(years, self.target_years)

    def cost(self, state) -> int:
        if state is GOAL:
            return 0
        node, held, steps, years, paid = state[:5]
        return self._pack(held.bit_count() + paid, steps, years)

    def heuristic(self, state, goal=None) -> int:
        if state is GOAL:
            return 0
        node, held, steps, years = state[:4]
        return self._pack((self.target_mask & ~held).bit_count() + self.price_left.get(node, 0),
                          self.dist[node], max(self.target_years - years, 0))

    def _pack(self, skills: int, steps, years: int) -> int:
        scale, by = self.scale, self.query.by
        if by == "skills":
            return skills * scale + steps
        if by == "steps":
            return steps * scale + skills
        return (years * scale + skills) * scale + steps

    def weight(self, u, v, data) -> int:
        return self.cost(v) - self.cost(u) if v is not GOAL else 0

    def successors_of(self, state) -> dict:
        if state is GOAL or id(state) in self.dead:
            return {}
        self.last_primary = self.primary(state)
        node, held, steps, years, paid, via, roles = state
        ladder, query, dist = self.ladder, self.query, self.dist
        if node == query.target:
            return {GOAL: {}} if via == self.via_all else {}
        found = {}
        for nxt in ladder.succ[node]:
            if dist[nxt] == INF or nxt in self.blocked or (node, nxt) in self.banned:
                continue
            if roles is not None and nxt in roles:
                continue
            n_state = (nxt, held | ladder.mask[nxt], steps + ladder.step_cost(node, nxt),
                       max(years, ladder.years[nxt]) if query.by == "years" else 0,
                       paid + self._price(node, nxt), via | self.via_bit.get(nxt, 0),
                       roles | {nxt} if roles is not None else None)
            if self.top != INF and self.primary(n_state) > self.top:
                continue
            if self._dominated(n_state):
                continue
            self.created += 1
            if self.max_labels is not None and self.created + 1 > self.max_labels:
                bound = self.last_primary - (self.start_count if query.by == "skills" else 0)
                raise BudgetExceeded(int(bound), self.created + 1)
            found[n_state] = {}
        return found

    def _dominated(self, new) -> bool:
        """True when a state at the same role is at least as good; retires those the new one
        beats (A* still holds them, and expands them to nothing)."""
        _, held, steps, years, paid, via, roles = new
        existing = self.labels.setdefault(new[0], [])
        keep = []
        for other in existing:
            _, o_held, o_steps, o_years, o_paid, o_via, o_roles = other
            if o_via != via:
                keep.append(other)
                continue
            if (o_held & ~held == 0 and o_steps <= steps and o_years <= years
                    and o_paid <= paid and (roles is None or o_roles <= roles)):
                return True
            if (held & ~o_held == 0 and steps <= o_steps and years <= o_years
                    and paid <= o_paid and (roles is None or roles <= o_roles)):
                self.dead.add(id(other))
                continue
            keep.append(other)
        keep.append(new)
        existing[:] = keep
        return False


def price_to_target(ladder: Ladder, query: Query, dist: list[float]) -> dict[int, int]:
    """The least price in skill-equivalents from each role between the source and the target
    to the target (empty when no move has a price): networkx's Dijkstra on the reversed
    ladder, kept to the cone.

    The cone (the source's descendants that reach the target, avoided roles hidden) holds
    every role A* can reach and every route from one of them to the target, so the values
    are exact there; the weight hides every edge from outside it (networkx skips an edge
    whose weight is None), which keeps the search to 912 of 4,064 roles on O*NET and ESCO
    (27 ms instead of 70). Kept on the ladder per question: the k best paths ask again for
    each spur.
    """
    if not ladder.price:
        return {}
    key = (query.source, query.target, query.avoid)
    cache = ladder.__dict__.setdefault("_price_left", {})
    if key not in cache:
        cache.clear()  # one question at a time
        inside, price = cone(ladder, query.source, dist, query.avoid), ladder.price.get
        cache[key] = nx.single_source_dijkstra_path_length(
            ladder.without(query.avoid).reverse(copy=False), query.target,
            weight=lambda v, u, d: price((u, v), 0) if inside[u] else None)
    return cache[key]


def best_path(
    ladder: Ladder,
    query: Query,
    *,
    root: tuple[int, ...] = (),
    banned_edges: frozenset = frozenset(),
    dist: list[float] | None = None,
    max_labels: int | None = None,
    ceiling: int | None = None,
) -> Found | None:
    """The optimal path for ``query`` (exact), or None when there is none.

    ``root`` fixes the first roles of the path (``root[0] == query.source``; the search goes
    on from ``root[-1]``) and ``banned_edges`` removes edges: both serve
    :func:`kg.paths.fallback.k_best`. ``ceiling`` is a primary measure some path is known to
    reach (see :mod:`kg.paths.bounds`): states whose lower bound is already above it are not
    made. The answer is the same (A* would take them only after the goal, and every state
    they would dominate or be dominated by is above the ceiling too); fewer count to the
    budget.
    """
    from kg.paths.problem import distances_to

    root = root or (query.source,)
    dist = dist if dist is not None else distances_to(ladder, query.target, query.avoid)
    if dist[root[-1]] == INF:
        return None
    states = StateGraph(ladder, query, dist, root=root, banned_edges=banned_edges,
                        max_labels=max_labels, ceiling=ceiling)
    first = states.first()
    try:
        walk = nx.astar_path(states, first, GOAL, heuristic=states.heuristic,
                             weight=states.weight)
    except nx.NetworkXNoPath:
        return None
    return evaluate(ladder, query, tuple(root[:-1]) + tuple(s[0] for s in walk[:-1]))
