"""Properties of the path search on random ladders, checked against brute force."""

from __future__ import annotations

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.paths import search as ps
from kg.paths import answers as paths

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def questions(draw, cyclic: bool = False):
    """A random ladder (a DAG unless ``cyclic``) and a question over it."""
    n = draw(st.integers(2, 7))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(
        lambda e: e[0] < e[1] or (cyclic and e[0] != e[1]))
    edges = draw(st.sets(pairs, max_size=14))
    masks = draw(st.lists(st.integers(0, 2 ** 10 - 1), min_size=n, max_size=n))
    years = draw(st.lists(st.integers(0, 12), min_size=n, max_size=n))
    succ = [sorted(b for a, b in edges if a == u) for u in range(n)]
    source, target = draw(st.sampled_from([(a, b) for a in range(n) for b in range(n) if a != b]))
    others = [v for v in range(n) if v not in (source, target)]
    via = tuple(draw(st.lists(st.sampled_from(others), max_size=1, unique=True))) if others else ()
    rest = [v for v in others if v not in via]
    avoid = frozenset(draw(st.lists(st.sampled_from(rest), max_size=2, unique=True))) if rest else frozenset()
    query = ps.Query(source=source, target=target, have=draw(st.integers(0, 2 ** 10 - 1)),
                     by=draw(st.sampled_from(ps.MODES)), via=via, avoid=avoid)
    # some edges are moves with a price in skill-equivalents (ranked with the skills)
    price = {e: draw(st.integers(1, 6)) for e in sorted(edges) if draw(st.booleans())}
    return ps.Ladder(succ=succ, mask=masks, years=years, price=price), query


def brute_force(ladder: ps.Ladder, query: ps.Query) -> list[ps.Found]:
    """Every admissible simple path, evaluated exactly, best first."""
    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(ladder.succ)))
    graph.add_edges_from((u, v) for u, vs in enumerate(ladder.succ) for v in vs)
    found = []
    for path in nx.all_simple_paths(graph, query.source, query.target):
        if set(path) & query.avoid or not set(query.via) <= set(path):
            continue
        found.append(ps.evaluate(ladder, query, tuple(path)))
    return sorted(found, key=lambda f: f.key)


def measures(found: ps.Found) -> tuple:
    return found.key[:-1]  # without the deterministic tie-break on the route itself


def is_valid(ladder: ps.Ladder, query: ps.Query, path: tuple[int, ...]) -> bool:
    return (path[0] == query.source and path[-1] == query.target
            and all(b in ladder.succ[a] for a, b in zip(path, path[1:]))
            and len(set(path)) == len(path)
            and not set(path) & query.avoid and set(query.via) <= set(path))


@SETTINGS
@given(questions())
def test_best_path_is_valid_and_no_simple_path_is_cheaper(question):
    ladder, query = question
    best = ps.best_path(ladder, query)
    every = brute_force(ladder, query)
    if not every:
        assert best is None
        return
    assert best is not None and is_valid(ladder, query, best.path)
    assert measures(best) == measures(every[0])


@SETTINGS
@given(questions(cyclic=True))
def test_exact_on_ladders_with_cycles(question):
    ladder, query = question
    best = ps.best_path(ladder, query)
    every = brute_force(ladder, query)
    assert (best is None) == (not every)
    if every:
        assert is_valid(ladder, query, best.path) and measures(best) == measures(every[0])


@SETTINGS
@given(questions(), st.integers(1, 5))
def test_alternatives_are_distinct_ordered_and_the_k_best(question, k):
    ladder, query = question
    found = ps.k_best(ladder, query, k)
    every = brute_force(ladder, query)
    assert len(found) == min(k, len(every))
    assert len({f.path for f in found}) == len(found)
    assert all(is_valid(ladder, query, f.path) for f in found)
    keys = [measures(f) for f in found]
    assert keys == sorted(keys)
    assert keys == [measures(f) for f in every[: len(found)]]


@SETTINGS
@given(questions(), st.integers(0, 2 ** 10 - 1))
def test_more_skills_held_never_raise_the_cost(question, extra):
    ladder, query = question
    query = ps.Query(query.source, query.target, have=query.have, by="skills",
                     via=query.via, avoid=query.avoid)
    richer = ps.Query(query.source, query.target, have=query.have | extra, by="skills",
                      via=query.via, avoid=query.avoid)
    before, after = ps.best_path(ladder, query), ps.best_path(ladder, richer)
    assert (before is None) == (after is None)
    if before is not None:
        # the cost ranked (new skills plus the moves' price), not the new skills alone: with
        # more held, a dearer move may pay off through a role that now adds fewer skills
        assert ps.primary(after, "skills") <= ps.primary(before, "skills")


@SETTINGS
@given(st.booleans().flatmap(lambda cyclic: questions(cyclic=cyclic)))
def test_fallback_is_valid_and_within_its_bound(question):
    # cycles too: on a DAG the fallback skips its checks against revisiting a role
    ladder, query = question
    every = brute_force(ladder, query)
    found = ps.gap_dijkstra(ladder, query)
    assert (found is None) == (not every)
    if every:
        assert is_valid(ladder, query, found.path)
        dist = ps.distances_to(ladder, query.target, query.avoid)
        optimum = ps.primary(every[0], query.by)
        assert ps.lower_bound(ladder, query, dist) <= optimum <= ps.primary(found, query.by)


@settings(max_examples=60, deadline=None)
@given(questions())
def test_cost_is_the_sum_of_the_steps(question):
    ladder, query = question
    rows = [{"role": f"urn:r{u}", "roleLabel": f"R{u}", **({"next": f"urn:r{v}"} if v is not None else {})}
            for u in range(len(ladder.succ)) for v in (ladder.succ[u] or [None])]
    skills = [{"role": f"urn:r{u}", "skill": f"urn:s{b}", "essential": b % 2 == 0}
              for u, m in enumerate(ladder.mask) for b in range(10) if m >> b & 1]
    graph = paths.build_projection(rows, skills)
    try:
        result = paths.shortest_paths(
            graph, f"urn:r{query.source}", f"urn:r{query.target}", by="skills",
            have=[f"urn:s{b}" for b in range(10) if query.have >> b & 1],
            alternatives=3)
    except paths.PathError:
        return
    for path in [result.best, *result.alternatives]:
        assert path.total_new_skills == sum(len(s.new_skills) for s in path.steps)
        assert [s.running_total for s in path.steps][-1:] == [path.total_new_skills]
        new = [s.iri for step in path.steps for s in step.new_skills]
        assert len(new) == len(set(new))  # a skill is learnt once


@st.composite
def costed_questions(draw):
    """A question over a ladder that may have cycles and steps costing more than 1."""
    ladder, query = draw(st.booleans().flatmap(lambda cyclic: questions(cyclic=cyclic)))
    edges = [(u, v) for u, vs in enumerate(ladder.succ) for v in vs]
    cost = {e: draw(st.integers(1, 3)) for e in edges if draw(st.booleans())}
    return ps.Ladder(succ=ladder.succ, mask=ladder.mask, years=ladder.years, cost=cost,
                     price=ladder.price), query


@SETTINGS
@given(costed_questions())
def test_primary_bound_is_never_above_the_optimum(question):
    # kg.paths.bounds proves wide-cone answers exact: a bound above some path would make a
    # suboptimal answer "proven"
    from kg.paths import bounds as path_bounds

    ladder, query = question
    every = brute_force(ladder, query)
    if every:
        dist = ps.distances_to(ladder, query.target, query.avoid)
        assert path_bounds.primary_bound(ladder, query, dist) <= ps.primary(every[0], query.by)


@SETTINGS
@given(costed_questions())
def test_a_ceiling_changes_no_answer(question):
    # the wide-cone proof prunes labels above the fallback's measure: same path, tie-break
    # included, as the unpruned search
    ladder, query = question
    found = ps.gap_dijkstra(ladder, query)
    if found is not None:
        ceiling = ps.primary(found, query.by)
        assert ps.best_path(ladder, query, ceiling=ceiling) == ps.best_path(ladder, query)


@st.composite
def priced_questions(draw):
    """A ladder from role 0 to role n-1 with several routes, every edge priced (0 for a step
    up): :func:`questions` draws source and target at random, so few of its questions have
    two routes to choose between (1 in 300), and an unpriced search passed them all."""
    n = draw(st.integers(3, 7))
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
    edges = sorted(set(draw(st.lists(st.sampled_from(pairs), min_size=n, max_size=14)))
                   | {(0, 1), (n - 2, n - 1)})
    succ = [[b for a, b in edges if a == u] for u in range(n)]
    masks = draw(st.lists(st.integers(0, 2 ** 10 - 1), min_size=n, max_size=n))
    price = {e: draw(st.integers(0, 6)) for e in edges}
    cost = {e: draw(st.integers(1, 3)) for e in edges if draw(st.booleans())}
    ladder = ps.Ladder(succ=succ, mask=masks, cost=cost, price=price)
    return ladder, ps.Query(source=0, target=n - 1, have=draw(st.integers(0, 2 ** 10 - 1)))


@SETTINGS
@given(priced_questions())
def test_moves_are_priced_with_the_skills(question):
    # ranked by skills, a route through priced moves pays for them: the exact search, the
    # fallback's bound and the proof of kg.paths.bounds all count the price
    from kg.paths import bounds as path_bounds

    ladder, query = question
    best, every = ps.best_path(ladder, query), brute_force(ladder, query)
    assert (best is None) == (not every)
    if every:
        assert measures(best) == measures(every[0])
        assert best.key[0] == best.new_skills + best.price
        dist = ps.distances_to(ladder, query.target, query.avoid)
        found = ps.gap_dijkstra(ladder, query)
        optimum = ps.primary(every[0], "skills")
        assert path_bounds.primary_bound(ladder, query, dist) <= optimum <= ps.primary(found, "skills")


def test_a_priced_move_is_not_free():
    # 0 -> 1 -> 3 are steps up (role 1 adds 3 skills); 0 -> 2 -> 3 are moves priced 4 each
    # through a role that adds none: 4 new skills beat 1 new skill and 8 of price
    ladder = ps.Ladder(succ=[[1, 2], [3], [3], []], mask=[0b1, 0b1110, 0b1, 0b10000],
                       price={(0, 2): 4, (2, 3): 4})
    query = ps.Query(source=0, target=3)
    for found in (ps.best_path(ladder, query), ps.gap_dijkstra(ladder, query)):
        assert (found.path, found.new_skills, found.price) == ((0, 1, 3), 4, 0)
    assert ps.k_best(ladder, query, 2)[1].path == (0, 2, 3)
