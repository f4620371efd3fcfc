"""A path question over an integer-indexed ladder: the ladder, the question, its measures.

Roles are integers ``0..n-1``, the skills a role requires are the bits of a Python ``int``,
and a path's cost is read off those bits (:func:`evaluate`). The progression graph itself is
a ``networkx.DiGraph`` over those integers (:attr:`Ladder.graph`): reachability, distances
and the cone of roles between FROM and TO are networkx's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import networkx as nx

MODES = ("skills", "steps", "years")
INF = float("inf")


#: The price of a move, the cost model's second sentence: ranked by skills, a lateral move or
#: a career change (any ail:canMoveTo, not a step up the ladder) costs this many
#: skill-equivalents for each step it counts for (its kind's ail:moveCost: a lateral move 1,
#: a career change or a move by skill overlap 2), on top of the skills it adds. Without a
#: price a route could cross any number of occupations for nothing, as long as each added
#: few skills. The figure is the median number of new skills an O*NET related-occupation
#: move asks for (docs/career-paths.md says how it was measured).
SKILLS_PER_MOVE_STEP = 10


def move_price(move_cost: int) -> int:
    """The skill-equivalents a move of ``move_cost`` steps costs (see above)."""
    return SKILLS_PER_MOVE_STEP * move_cost


class BudgetExceeded(Exception):
    """The exact search created more labels than allowed.

    ``lower_bound`` is the primary measure (new skills, steps or years, as ranked) of the last
    label taken off the queue: no path not yet found, the optimum included, does better.
    """

    def __init__(self, lower_bound: tuple, labels: int):
        super().__init__(f"label budget exceeded after {labels} labels")
        self.lower_bound = lower_bound
        self.labels = labels


@dataclass
class Ladder:
    """Roles as integers: successors, required-skill bitmasks, minimum years (0 = unknown)."""

    succ: list[list[int]]
    #: indexable by role; a sequence that makes each mask when first read will do
    mask: Sequence[int]
    years: list[int] = field(default_factory=list)
    #: steps an edge counts for when it is not 1 (lateral moves and career changes)
    cost: dict[tuple[int, int], int] = field(default_factory=dict)
    #: skill-equivalents an edge costs on top of the skills it adds, when not 0 (a move to
    #: another occupation has a price; a step up the ladder has none)
    price: dict[tuple[int, int], int] = field(default_factory=dict)
    #: the most skills any role requires (counted from ``mask`` when not given)
    widest: int | None = None

    def step_cost(self, u: int, v: int) -> int:
        return self.cost.get((u, v), 1) if self.cost else 1

    def move_price(self, u: int, v: int) -> int:
        return self.price.get((u, v), 0) if self.price else 0

    def __post_init__(self):
        if not self.years:
            self.years = [0] * len(self.succ)
        self.pred = [[] for _ in self.succ]
        for u, targets in enumerate(self.succ):
            for v in targets:
                self.pred[v].append(u)
        self._cyclic: bool | None = None
        self._graph: nx.DiGraph | None = None
        self._cost_scale: int | None = None

    @property
    def graph(self) -> nx.DiGraph:
        """The progression graph over the role numbers (made when first asked for)."""
        if self._graph is None:
            # the adjacency dicts filled at once, as networkx's own readers do: add_edges_from
            # checks and updates every edge one by one (O*NET and ESCO, 30,664 edges: 0.15 s
            # against 0.07 s on the 2-core machine, on every path); the same graph
            # (tests/test_paths.py compares it with networkx's build)
            graph, n = nx.DiGraph(), len(self.succ)
            succ = {u: {v: {} for v in targets} for u, targets in enumerate(self.succ)}
            pred: dict[int, dict] = {v: {} for v in range(n)}
            for u, after in succ.items():
                for v, data in after.items():
                    pred[v][u] = data
            graph._node.update((u, {}) for u in range(n))
            graph._succ.update(succ)
            graph._pred.update(pred)
            self._graph = graph
        return self._graph

    def without(self, avoid) -> nx.DiGraph:
        """:attr:`graph` with the ``avoid`` roles hidden (a view, nothing copied)."""
        return nx.restricted_view(self.graph, avoid, ()) if avoid else self.graph

    @property
    def cyclic(self) -> bool:
        """True when the progression graph has a cycle."""
        if self._cyclic is None:
            self._cyclic = not nx.is_directed_acyclic_graph(self.graph)
        return self._cyclic

    @property
    def cost_scale(self) -> int:
        """A power of two above any sum of per-step gaps or steps along a simple path."""
        if self._cost_scale is None:
            widest = self.widest
            if widest is None:
                widest = max((m.bit_count() for m in self.mask), default=0)
            step = max(self.cost.values(), default=1) if self.cost else 1
            self._cost_scale = 1 << (len(self.succ) * (widest + max(step, 1)) + 1).bit_length()
        return self._cost_scale


@dataclass
class Query:
    """One path question over a ladder."""

    source: int
    target: int
    have: int = 0  # extra skills the person holds, as bits
    by: str = "skills"
    via: tuple[int, ...] = ()
    avoid: frozenset[int] = frozenset()

    def start_mask(self, ladder: Ladder) -> int:
        return ladder.mask[self.source] | self.have


@dataclass(frozen=True)
class Found:
    """A path with its exact measures: new skills, steps, most years any entered role asks,
    and the price of its moves in skill-equivalents (ranked with the new skills)."""

    path: tuple[int, ...]
    new_skills: int
    steps: int
    years: int
    key: tuple
    price: int = 0


def evaluate(ladder: Ladder, query: Query, path: tuple[int, ...]) -> Found:
    """The exact measures of a path (``path[0]`` is the start role)."""
    start = query.start_mask(ladder)
    held = start
    years = 0
    for v in path[1:]:
        held |= ladder.mask[v]
        years = max(years, ladder.years[v])
    new = held.bit_count() - start.bit_count()
    steps = sum(ladder.step_cost(u, v) for u, v in zip(path, path[1:]))
    price = sum(ladder.move_price(u, v) for u, v in zip(path, path[1:]))
    return Found(path, new, steps, years,
                 _final_key(query.by, new, steps, years, price) + (path,), price)


def _final_key(by: str, new: int, steps: int, years: int, price: int = 0) -> tuple:
    if by == "skills":  # the moves' price is in skill-equivalents: ranked with the skills
        return (new + price, steps)
    if by == "steps":
        return (steps, new)
    return (years, new, steps)


def distances_to(ladder: Ladder, target: int, avoid: frozenset[int]) -> list[float]:
    """Fewest steps from each role to ``target`` (breadth-first, backwards), ``inf`` where
    unreachable or avoided."""
    dist: list[float] = [INF] * len(ladder.succ)
    if target in avoid:
        return dist
    for role, steps in dict(nx.single_target_shortest_path_length(
            ladder.without(avoid), target)).items():
        dist[role] = steps
    return dist


def cone(ladder: Ladder, source: int, dist: list[float], avoid: frozenset[int]) -> bytearray:
    """1 for each role on some path from ``source`` to the goal ``dist`` was computed for:
    the descendants of ``source`` that reach the goal (``dist`` finite), ``avoid`` hidden."""
    inside = bytearray(len(ladder.succ))
    if dist[source] == INF:
        return inside
    inside[source] = 1
    for role in nx.descendants(ladder.without(avoid), source):
        if dist[role] != INF:
            inside[role] = 1
    return inside


def cone_size(ladder: Ladder, source: int, dist: list[float], avoid: frozenset[int]) -> int:
    """How many roles lie on some path from ``source`` to the goal ``dist`` was computed for."""
    return sum(cone(ladder, source, dist, avoid))


def primary(found: Found, by: str) -> int:
    """The measure paths are ranked by first (by skills: new skills plus the moves' price)."""
    if by == "skills":
        return found.new_skills + found.price
    return found.steps if by == "steps" else found.years


def lower_bound(ladder: Ladder, query: Query, dist: list[float]) -> int:
    """A primary measure no path can beat: the goal's own new skills, its BFS distance, or
    the years the goal asks for."""
    if query.by == "skills":
        return (ladder.mask[query.target] & ~query.start_mask(ladder)).bit_count()
    if query.by == "steps":
        return int(dist[query.source]) if dist[query.source] != INF else 0
    return ladder.years[query.target]
