"""Exact and bounded search for skill paths over an integer-indexed role ladder.

This module knows nothing about RDF: roles are integers ``0..n-1``, the skills a role
requires are the bits of a Python ``int``, and a path's cost is read off those bits.
:mod:`kg.paths.answers` builds the ladder from the store and turns answers back into labels.

Why not plain Dijkstra: the skills a step costs depend on what was learnt earlier on the
path (the cost of a path is the size of the union of its roles' skills, minus what the
person holds at the start), so per-step gaps are not additive. Minimising a union of labels
along a path is NP-hard in general. :func:`best_path` is exact: a label-setting search over
states (role, skills held) that keeps only labels no other label at the same role dominates
(a subset of the skills held, no more steps, no more years, the same ``via`` roles visited),
ordered by a consistent lower bound (A*), so the first label that reaches the goal is optimal.
The number of labels can grow exponentially; past ``max_labels`` it raises
:class:`BudgetExceeded` carrying a proven lower bound, and the caller may fall back to
:func:`gap_dijkstra` (Dijkstra on per-step gaps), whose path is evaluated exactly and
reported together with that bound, never as if it were optimal. On ladders too wide for
the exact search, :mod:`kg.paths.bounds` proves the fallback's measure where it can, and
:func:`best_path` with a ``ceiling`` settles the ties.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

MODES = ("skills", "steps", "years")
INF = float("inf")


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
    #: the most skills any role requires (counted from ``mask`` when not given)
    widest: int | None = None

    def step_cost(self, u: int, v: int) -> int:
        return self.cost.get((u, v), 1) if self.cost else 1

    def __post_init__(self):
        if not self.years:
            self.years = [0] * len(self.succ)
        self.pred = [[] for _ in self.succ]
        for u, targets in enumerate(self.succ):
            for v in targets:
                self.pred[v].append(u)
        self._cyclic: bool | None = None
        self._cost_scale: int | None = None

    @property
    def cyclic(self) -> bool:
        """True when the progression graph has a cycle (Kahn's algorithm)."""
        if self._cyclic is None:
            indegree = [len(p) for p in self.pred]
            queue = deque(i for i, d in enumerate(indegree) if d == 0)
            seen = 0
            while queue:
                u = queue.popleft()
                seen += 1
                for v in self.succ[u]:
                    indegree[v] -= 1
                    if indegree[v] == 0:
                        queue.append(v)
            self._cyclic = seen != len(self.succ)
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
    """A path with its exact measures: new skills, steps, most years any entered role asks."""

    path: tuple[int, ...]
    new_skills: int
    steps: int
    years: int
    key: tuple


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
    return Found(path, new, steps, years, _final_key(query.by, new, steps, years) + (path,))


def _final_key(by: str, new: int, steps: int, years: int) -> tuple:
    if by == "skills":
        return (new, steps)
    if by == "steps":
        return (steps, new)
    return (years, new, steps)


def distances_to(ladder: Ladder, target: int, avoid: frozenset[int]) -> list[float]:
    """Fewest steps from each role to ``target`` (reverse BFS), ``inf`` where unreachable."""
    dist: list[float] = [INF] * len(ladder.succ)
    if target in avoid:
        return dist
    dist[target] = 0
    pred, frontier, depth = ladder.pred, [target], 0
    while frontier:  # one BFS layer at a time: no deque, no per-role distance lookups
        depth += 1
        layer = []
        for v in frontier:
            for u in pred[v]:
                if dist[u] == INF and u not in avoid:
                    dist[u] = depth
                    layer.append(u)
        frontier = layer
    return dist


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
    on from ``root[-1]``) and ``banned_edges`` removes edges: both serve :func:`k_best`.
    ``ceiling`` is a primary measure some path is known to reach (see :mod:`kg.paths.bounds`):
    labels whose lower bound is already above it are not created. The answer is the same
    (such labels are never taken off the queue before the goal, and every label they would
    dominate or be dominated by is above the ceiling too); fewer labels count to the budget.
    """
    root = root or (query.source,)
    by, target, mask, years_of = query.by, query.target, ladder.mask, ladder.years
    dist = dist if dist is not None else distances_to(ladder, target, query.avoid)
    via_bit = {v: 1 << i for i, v in enumerate(query.via)}
    via_all = (1 << len(query.via)) - 1
    target_mask, target_years = mask[target], years_of[target]
    cyclic = ladder.cyclic
    if ceiling is None:
        top = INF
    else:  # in the units of key()[0]: the skills count includes those held at the start
        top = ceiling + query.start_mask(ladder).bit_count() if by == "skills" else ceiling

    held, years, via = query.start_mask(ladder), 0, 0
    for v in root[1:]:
        held |= mask[v]
        years = max(years, years_of[v])
    for v in root:
        via |= via_bit.get(v, 0)
    blocked = set(query.avoid) | set(root[:-1])

    def key(held: int, steps: int, years: int, node: int) -> tuple:
        # Consistent lower bounds: the goal's own skills must be learnt, at least dist more
        # steps are needed, and the goal's years must be met.
        skills = (held | target_mask).bit_count()
        ahead = steps + dist[node]
        if by == "skills":
            return (skills, ahead)
        if by == "steps":
            return (ahead, skills)
        return (max(years, target_years), skills, ahead)

    labels: list[list] = [[] for _ in ladder.succ]  # per role: [held, steps, years, via, nodes, alive]
    first = root[-1]
    if dist[first] == INF:
        return None
    steps0 = sum(ladder.step_cost(u, v) for u, v in zip(root, root[1:]))
    entry = [held, steps0, years, via, frozenset(root) if cyclic else None, True]
    labels[first].append(entry)
    heap = [(key(held, steps0, years, first), root, entry)]
    created = 1
    last_key: tuple = heap[0][0]
    while heap:
        k, path, label = heapq.heappop(heap)
        if not label[5]:
            continue
        last_key = k
        node = path[-1]
        held, steps, years, via = label[0], label[1], label[2], label[3]
        if node == target:
            if via == via_all:
                return evaluate(ladder, query, path)
            continue
        for nxt in ladder.succ[node]:
            if dist[nxt] == INF or nxt in blocked or (node, nxt) in banned_edges:
                continue
            if cyclic and nxt in path:
                continue
            n_held = held | mask[nxt]
            n_steps = steps + ladder.step_cost(node, nxt)
            n_years = max(years, years_of[nxt]) if by == "years" else 0
            n_via = via | via_bit.get(nxt, 0)
            n_nodes = label[4] | {nxt} if cyclic else None
            if top != INF and key(n_held, n_steps, n_years, nxt)[0] > top:
                continue
            if _dominated(labels[nxt], n_held, n_steps, n_years, n_via, n_nodes):
                continue
            new_label = [n_held, n_steps, n_years, n_via, n_nodes, True]
            labels[nxt].append(new_label)
            created += 1
            if max_labels is not None and created > max_labels:
                start_count = query.start_mask(ladder).bit_count()
                bound = last_key[0] - start_count if by == "skills" else last_key[0]
                raise BudgetExceeded(int(bound), created)
            heapq.heappush(heap, (key(n_held, n_steps, n_years, nxt), path + (nxt,), new_label))
    return None


def _dominated(existing: list, held: int, steps: int, years: int, via: int, nodes) -> bool:
    """True when an existing label is at least as good; drops labels the new one beats."""
    keep = []
    for other in existing:
        o_held, o_steps, o_years, o_via, o_nodes, alive = other
        if not alive:
            continue
        if o_via != via:
            keep.append(other)
            continue
        if (o_held & ~held == 0 and o_steps <= steps and o_years <= years
                and (nodes is None or o_nodes <= nodes)):
            return True
        if (held & ~o_held == 0 and steps <= o_steps and years <= o_years
                and (nodes is None or nodes <= o_nodes)):
            other[5] = False  # the new label is at least as good: retire the old one
            continue
        keep.append(other)
    existing[:] = keep
    return False


def gap_dijkstra(
    ladder: Ladder,
    query: Query,
    *,
    root: tuple[int, ...] = (),
    banned_edges: frozenset = frozenset(),
    dist: list[float] | None = None,
    max_labels: int | None = None,
) -> Found | None:
    """Dijkstra over (role, via roles visited) with per-step weights; not exact.

    A step u -> v weighs the skills v requires beyond u's and the person's starting set (an
    upper bound on what the step really costs, since the skills held only grow), so the sum
    of weights bounds the found path's true cost from above. The path is then evaluated
    exactly. Same signature as :func:`best_path` so :func:`k_best` can use either.

    Roles that cannot reach the goal (``dist`` is ``inf``) are never entered: they lead
    nowhere, so skipping them changes no answer, only the time.
    """
    del max_labels
    root = root or (query.source,)
    if dist is None:
        dist = distances_to(ladder, query.target, query.avoid)
    if dist[root[-1]] == INF:
        return None
    start = query.start_mask(ladder)
    mask, years_of, by, succ = ladder.mask, ladder.years, query.by, ladder.succ
    via_bit = {v: 1 << i for i, v in enumerate(query.via)}
    via_all = (1 << len(query.via)) - 1
    # On a DAG no walk repeats a role, so the check against the path is needed only when
    # the ladder has a cycle (avoided roles are checked anyway: ``dist`` may come from the
    # caller).
    cyclic = ladder.cyclic
    blocked = set(query.avoid) | set(root[:-1])
    banned: dict[int, set[int]] = {}
    for u, v in banned_edges:
        banned.setdefault(u, set()).add(v)
    via0 = 0
    for v in root:
        via0 |= via_bit.get(v, 0)
    # A cost (years, gap, steps) packed into one int, compared in the same order as the
    # tuple: each lower part stays below ``scale``.
    scale = ladder.cost_scale
    gap_unit = scale if by == "skills" else 1 if by == "steps" else scale
    step_unit = 1 if by != "steps" else scale
    year_unit = scale * scale if by == "years" else 0
    target, n = query.target, len(succ)
    # best cost per state; a state is role + n * (via roles visited)
    best: dict[int, int] = {root[-1] + n * via0: 0}
    heap = [(0, root, via0)]
    pop, push = heapq.heappop, heapq.heappush
    while heap:
        cost, path, via = pop(heap)
        node = path[-1]
        if best[node + n * via] != cost:
            continue
        if node == target:
            if via == via_all:
                return evaluate(ladder, query, path)
            continue
        missing = ~(mask[node] | start)
        node_years = years_of[node]
        ban = banned.get(node)
        for nxt in succ[node]:
            if dist[nxt] == INF:
                continue
            if nxt in blocked or (cyclic and nxt in path):
                continue
            if ban is not None and nxt in ban:
                continue
            n_cost = (cost + (mask[nxt] & missing).bit_count() * gap_unit
                      + step_unit * ladder.step_cost(node, nxt))
            if year_unit and years_of[nxt] > node_years:
                n_cost += (years_of[nxt] - node_years) * year_unit
            n_via = via | via_bit[nxt] if nxt in via_bit else via
            state = nxt + n * n_via
            old = best.get(state)
            if old is None or n_cost < old:
                best[state] = n_cost
                push(heap, (n_cost, path + (nxt,), n_via))
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


def cone_size(ladder: Ladder, source: int, dist: list[float], avoid: frozenset[int]) -> int:
    """How many roles lie on some path from ``source`` to the goal ``dist`` was computed for."""
    succ = ladder.succ
    seen = bytearray(len(succ))
    seen[source] = 1
    frontier, count = [source], 1
    while frontier:
        layer = []
        for u in frontier:
            for v in succ[u]:
                if not seen[v] and dist[v] != INF and v not in avoid:
                    seen[v] = 1
                    layer.append(v)
        count += len(layer)
        frontier = layer
    return count


def primary(found: Found, by: str) -> int:
    """The measure paths are ranked by first."""
    return {"skills": found.new_skills, "steps": found.steps, "years": found.years}[by]


def lower_bound(ladder: Ladder, query: Query, dist: list[float]) -> int:
    """A primary measure no path can beat: the goal's own new skills, its BFS distance, or
    the years the goal asks for."""
    if query.by == "skills":
        return (ladder.mask[query.target] & ~query.start_mask(ladder)).bit_count()
    if query.by == "steps":
        return int(dist[query.source]) if dist[query.source] != INF else 0
    return ladder.years[query.target]
