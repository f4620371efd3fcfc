"""Skill paths on the real graph (golden, checked against the store) and on the fixture ladder."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest

from kg.paths import search as ps
from kg.paths import answers as paths
from kg.errors import PathError, UnknownEntity
from tests.paths_support import AIL, ladder_graph

SKILLS = "ail:requiresEssentialSkill|ail:requiresPreferredSkill"
# pyoxigraph substitutes only projected variables, hence SELECT ... LIMIT 1 rather than ASK.
EDGE = ("SELECT ?a ?b WHERE { { ?a ail:progressesTo ?b } UNION { ?b ail:progressesFrom ?a } } "
        "LIMIT 1")
REQUIRES = f"SELECT ?role ?skill WHERE {{ ?role {SKILLS} ?skill }} LIMIT 1"
ESSENTIAL = "SELECT ?role ?skill WHERE { ?role ail:requiresEssentialSkill ?skill } LIMIT 1"
ROLE_SKILLS = f"SELECT DISTINCT ?role ?skill WHERE {{ ?role {SKILLS} ?skill }}"


def ask(g, query, **bindings) -> bool:
    return bool(g.query(query, **bindings))


def role_skills(g, role: str) -> set[str]:
    return {row["skill"] for row in g.query(ROLE_SKILLS, role=role)}


def union_cost(g, route: list[str], start: set[str]) -> int:
    held = set(start)
    for role in route[1:]:
        held |= role_skills(g, role)
    return len(held - start)


# -- golden: the real graph ----------------------------------------------------------------
@pytest.fixture(scope="module")
def golden(graph):
    return paths.find_path(graph, "Junior AI Engineer", "Head of AI Engineering")


def test_golden_path_ends(golden):
    assert golden.from_.iri == AIL + "JuniorAIEngineer"
    assert golden.to.iri == AIL + "HeadOfAIEngineering"
    assert golden.exact and golden.bound is None
    assert golden.best.roles[0] == golden.from_ and golden.best.roles[-1] == golden.to


def test_golden_path_step_by_step(graph, golden):
    held = role_skills(graph, golden.from_.iri)
    running = 0
    for step, (before, after) in zip(golden.best.steps, itertools.pairwise(golden.best.roles)):
        assert (step.from_, step.to) == (before, after)
        assert ask(graph, EDGE, a=before.iri, b=after.iri), f"no edge {before.label} -> {after.label}"
        required = role_skills(graph, after.iri)
        new = {s.iri for s in step.new_skills}
        assert new == required - held  # exactly what this role adds to what is held
        for skill in step.new_skills:
            assert ask(graph, REQUIRES, role=after.iri, skill=skill.iri)
            assert skill.essential == ask(graph, ESSENTIAL, role=after.iri, skill=skill.iri)
        essentials = [s.essential for s in step.new_skills]
        assert essentials == sorted(essentials, reverse=True)  # essential before preferred
        held |= required
        running += len(new)
        assert step.running_total == running
    assert golden.best.total_new_skills == running


def test_golden_path_is_optimal_by_brute_force(graph, golden):
    ladder = paths.project(graph)
    start = role_skills(graph, golden.from_.iri)
    best = min(
        (union_cost(graph, route, start), len(route) - 1)
        for route in nx.all_simple_paths(ladder.to_networkx(), golden.from_.iri, golden.to.iri)
    )
    assert (golden.best.total_new_skills, golden.best.total_steps) == best


def test_golden_path_rises_in_seniority(graph, golden):
    levels = [paths.project(graph).nodes[r.iri]["level"] for r in golden.best.roles]
    assert levels == sorted(levels) and len(set(levels)) == len(levels)


def test_projection_matches_the_store(graph):
    ladder = paths.project(graph)
    roles = {r["entity"] for r in graph.named_labels("ail:Role")}
    assert set(ladder.nodes) == roles
    for a, b in ladder.edges:
        assert ask(graph, EDGE, a=a, b=b)
    head = ladder.nodes[AIL + "HeadOfAIEngineering"]
    assert {s.iri for s in head["skills"]} == role_skills(graph, AIL + "HeadOfAIEngineering")


def test_alternative_labels_resolve(graph):
    for name in ("Head of AI", "Chief AI Officer", "ail:HeadOfAIEngineering",
                 AIL + "HeadOfAIEngineering"):
        assert paths.resolve_role(graph, name) == AIL + "HeadOfAIEngineering"


# -- the fixture ladder: answers known by hand -----------------------------------------------
def route(result) -> list[str]:
    return [r.iri.removeprefix(AIL) for r in result.best.roles]


HEAD_VIA_DIRECTOR = ["JuniorAIEngineer", "AIEngineer", "SeniorAIEngineer", "LeadAIEngineer",
                     "DirectorOfAI", "HeadOfAIEngineering"]
HEAD_VIA_TEAM_LEAD = ["JuniorAIEngineer", "AIEngineer", "SeniorAIEngineer", "LeadAIEngineer",
                      "AITeamLead", "HeadOfAIEngineering"]


@pytest.mark.parametrize("by, expected, new, years", [
    ("skills", HEAD_VIA_DIRECTOR, 9, 10),
    ("steps", HEAD_VIA_DIRECTOR, 9, 10),
    ("years", HEAD_VIA_TEAM_LEAD, 10, 8),
])
def test_fixture_ranking(by, expected, new, years):
    result = paths.find_path(ladder_graph(), "Junior AI Engineer", "Head of AI", by=by)
    assert route(result) == expected
    assert (result.best.total_new_skills, result.best.years) == (new, years)


def test_have_lowers_the_cost_and_is_reported_used():
    result = paths.find_path(ladder_graph(), "Junior AI Engineer", "Head of AI", have=["LLMs"])
    assert result.best.total_new_skills == 8
    assert [(ref.label, status) for ref, status in result.have] == [("Large language models", "used")]


def test_via_and_avoid():
    g = ladder_graph()
    via = paths.find_path(g, "Junior AI Engineer", "Head of AI", via=["Generative AI Engineer"])
    assert route(via)[1] == "GenerativeAIEngineer" and via.best.total_new_skills == 10
    avoid = paths.find_path(g, "Junior AI Engineer", "Head of AI", avoid=["Director of AI"])
    assert route(avoid) == HEAD_VIA_TEAM_LEAD


def test_alternatives_are_distinct_and_ordered():
    result = paths.find_path(ladder_graph(), "Junior AI Engineer", "Head of AI", alternatives=5)
    every = [result.best, *result.alternatives]
    assert len({tuple(p.roles) for p in every}) == len(every) == 5
    keys = [(p.total_new_skills, p.total_steps) for p in every]
    assert keys == sorted(keys)


def test_to_dict_contract():
    data = paths.find_path(ladder_graph(), "Junior AI Engineer", "Head of AI",
                           alternatives=2).to_dict()
    assert data["from"] == {"iri": AIL + "JuniorAIEngineer", "label": "Junior AI Engineer"}
    assert data["to"] == {"iri": AIL + "HeadOfAIEngineering", "label": "Head of AI Engineering"}
    step = data["steps"][0]
    assert set(step) >= {"from", "to", "new_skills", "running_total"}
    assert set(step["new_skills"][0]) == {"iri", "label", "kind", "essential"}
    assert data["total_new_skills"] == sum(len(s["new_skills"]) for s in data["steps"])
    assert len(data["alternatives"]) == 1 and "alternatives" not in data["alternatives"][0]


def test_skill_kind_is_the_most_specific_class():
    ladder = paths.project(ladder_graph())
    kinds = {s.label: s.kind for s in ladder.nodes[AIL + "HeadOfAIEngineering"]["skills"]}
    assert kinds["Budgeting"] == "Business and leadership skill"  # typed Skill and BusinessSkill


@pytest.mark.parametrize("args, kwargs, error, message", [
    (("AI Engineer", "AI Engineer"), {}, PathError, "is both the start and the goal"),
    (("Head of AI", "Junior AI Engineer"), {}, PathError,
     "the graph has no role that 'Head of AI Engineering' progresses to"),
    (("Junior Generative AI Engineer", "AI Engineer"), {}, PathError,
     "The next steps from 'Junior Generative AI Engineer' are 'Generative AI Engineer'"),
    (("Junior AI Engineer", "Head of AI"), {"via": ["AI Team Lead"], "avoid": ["AI Team Lead"]},
     PathError, "'AI Team Lead' is given to both --via and --avoid"),
    (("Junior AI Engineer", "Head of AI"), {"avoid": ["Junior AI Engineer"]}, PathError,
     "The path starts at 'Junior AI Engineer', so it cannot be avoided"),
    (("Junior AI Engineer", "Head of A1"), {}, UnknownEntity,
     "No role matches 'Head of A1'. Did you mean"),
    (("Junior AI Engineer", "Head of AI"), {"have": ["Pythn"]}, UnknownEntity,
     "No skill matches 'Pythn'. Did you mean 'Python'?"),
    (("Junior AI Engineer", "Head of AI"), {"alternatives": 0}, PathError,
     "--alternatives must be 1 or more (got 0)."),
    (("Junior AI Engineer", "Head of AI"), {"by": "money"}, PathError,
     "Cannot rank paths by 'money'; use skills, steps or years."),
])
def test_errors(args, kwargs, error, message):
    with pytest.raises(error) as caught:
        paths.find_path(ladder_graph(), *args, **kwargs)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_by_years_without_years_in_the_graph():
    graph = paths.build_projection(
        [{"role": "urn:a", "roleLabel": "A", "next": "urn:b"}, {"role": "urn:b", "roleLabel": "B"}],
        [],
    )
    with pytest.raises(PathError, match="no years of experience"):
        paths.shortest_paths(graph, "urn:a", "urn:b", by="years")


def test_by_years_names_roles_without_years():
    graph = paths.build_projection(
        [{"role": "urn:a", "roleLabel": "A", "next": "urn:b"},
         {"role": "urn:b", "roleLabel": "B", "years": 3, "next": "urn:c"},
         {"role": "urn:c", "roleLabel": "C"}],
        [],
    )
    result = paths.shortest_paths(graph, "urn:a", "urn:c", by="years")
    assert result.best.years == 3
    assert result.notes == ["No years of experience given for C; counted as 0."]


def test_budget_fallback_is_reported_not_silent():
    # A ladder of 12 layers of 3 roles, each with its own skills: thousands of incomparable
    # labels, so a budget of 50 labels forces the fallback.
    progression, skills = [], []
    layers = [[f"urn:r{i}-{j}" for j in range(3)] for i in range(12)]
    for i, layer in enumerate(layers):
        for j, role in enumerate(layer):
            nxt = layers[i + 1] if i + 1 < len(layers) else [None]
            for n in nxt:
                progression.append({"role": role, "roleLabel": role, **({"next": n} if n else {})})
            for k in range(1 + (i * 7 + j * 3) % 4):
                skills.append({"role": role, "skill": f"urn:s{(i * 5 + j * 11 + k) % 23}",
                               "essential": True})
    graph = paths.build_projection(progression, skills)
    exact = paths.shortest_paths(graph, "urn:r0-0", "urn:r11-0", max_labels=None)
    bounded = paths.shortest_paths(graph, "urn:r0-0", "urn:r11-0", max_labels=50)
    assert exact.exact and not bounded.exact
    bound = bounded.bound
    assert bound.lower_bound <= exact.best.total_new_skills <= bound.found
    assert bounded.best.total_new_skills == bound.found
    assert any("Not proven optimal" in note for note in bounded.notes)
    assert bounded.to_dict()["bound"]["at_most_worse_by"] == bound.found - bound.lower_bound


def test_gap_next_ready():
    g = ladder_graph()
    gap = paths.gap(g, "Junior AI Engineer", "AI Engineer")
    assert [s.label for s in gap.new_skills] == ["PyTorch", "Deep learning", "Cloud platforms"]
    assert (gap.shared, gap.required) == (2, 5)
    nxt = paths.next_roles(g, "Lead AI Engineer")
    assert [o.to.label for o in nxt.options] == ["AI Team Lead", "Director of AI"]
    ready = paths.ready(g, ["Python", "ML", "PyTorch"])
    assert ready.roles[0].role.label == "AI Engineer" and ready.roles[0].share == 0.6
    shares = [r.share for r in ready.roles]
    assert shares == sorted(shares, reverse=True)


def test_search_module_on_a_cycle():
    # 0 -> 1 -> 2 -> 0 and 1 -> 3: simple paths only, the cycle never pays off.
    ladder = ps.Ladder(succ=[[1], [2, 3], [0], []], mask=[1, 2, 4, 8])
    found = ps.k_best(ladder, ps.Query(source=0, target=3), 3)
    assert [f.path for f in found] == [(0, 1, 3)]


def _fixture_skills() -> list[str]:
    return sorted(paths.project(ladder_graph()).graph["skills"])


@pytest.mark.parametrize("skill", _fixture_skills())
def test_a_have_skill_is_used_exactly_when_it_changes_the_total(skill):
    """'used' means the answer changed: without that skill the path costs one more."""
    g = ladder_graph()
    plain = paths.find_path(g, "Junior AI Engineer", "Head of AI").best.total_new_skills
    result = paths.find_path(g, "Junior AI Engineer", "Head of AI", have=[skill])
    [(_, status)] = result.have
    saved = plain - result.best.total_new_skills
    assert (status == "used") == (saved > 0)
    assert status in ("used", "tie", "from-role", "unused")


def test_ready_counts_the_current_roles_skills_as_held():
    ready = paths.ready(ladder_graph(), role="AI Engineer")
    shares = {r.role.label: r.share for r in ready.roles}
    assert shares["AI Engineer"] == 1.0
    assert ready.role.label == "AI Engineer" and ready.have == ()
    with_python = paths.ready(ladder_graph(), have=["Python"], role="AI Engineer")
    assert [r.share for r in with_python.roles] == [r.share for r in ready.roles]


def _wide_ladder(deep: bool, own: int = 1):
    """FROM -> one of 350 middle roles -> ... -> TO: more roles between than EXACT_ROLE_LIMIT.

    Middle role 0 asks only for skills TO asks for, the others one skill of their own each.
    With ``deep`` the middle roles lead to TO through two more roles, so the skill a middle
    role adds lies beyond what the lower bound looks at (kg.paths.bounds.SUFFIX_ROLES).
    With ``own`` 2, each middle role but the first adds two skills of its own.
    """
    middle = [f"urn:m{i:03d}" for i in range(350)]
    after = ["urn:y", "urn:z"] if deep else []
    chain = ["urn:from", "*", *after, "urn:to"]
    progression = [{"role": m, "roleLabel": m, "next": chain[2]} for m in middle]
    progression += [{"role": "urn:from", "roleLabel": "FROM", "next": m} for m in middle]
    progression += [{"role": a, "roleLabel": a, "next": b} for a, b in zip(chain[2:], chain[3:])]
    progression.append({"role": "urn:to", "roleLabel": "TO"})
    skills = [{"role": "urn:to", "skill": f"urn:t{k}", "essential": True} for k in range(3)]
    skills.append({"role": middle[0], "skill": "urn:t0", "essential": True})
    skills += [{"role": m, "skill": f"urn:own{i}-{k}", "essential": True}
               for i, m in enumerate(middle) if i for k in range(own)]
    if deep:
        skills = [s for s in skills if s["role"] != middle[0]]  # every middle role adds one
        skills.append({"role": middle[0], "skill": "urn:own0-0", "essential": True})
    return paths.build_projection(progression, skills)


@pytest.mark.parametrize("by", ps.MODES[:2])
def test_wide_cone_answer_proven_by_the_lower_bound(by, monkeypatch):
    # The O*NET case (912 roles between Software Developers and Head of AI Engineering): the
    # fallback's path meets the lower bound, so the answer is exact and the one the exact
    # search gives without the role limit.
    graph = _wide_ladder(deep=False)
    result = paths.shortest_paths(graph, "urn:from", "urn:to", by=by)
    assert result.exact and result.bound is None and result.notes == []
    assert [r.iri for r in result.best.roles] == ["urn:from", "urn:m000", "urn:to"]
    assert result.best.total_new_skills == 3
    monkeypatch.setattr(paths, "EXACT_ROLE_LIMIT", 10_000)
    assert paths.shortest_paths(graph, "urn:from", "urn:to", by=by).to_dict() == result.to_dict()


def test_wide_cone_answer_not_proven_keeps_the_fallback_report(monkeypatch):
    # past its budget the pruned exact search leaves the fallback's answer, with the best
    # lower bound known (A*'s, or kg.paths.bounds'), and says so
    monkeypatch.setattr(paths, "PROOF_LABELS", 5)
    graph = _wide_ladder(deep=True)
    result = paths.shortest_paths(graph, "urn:from", "urn:to")
    assert not result.exact
    assert result.bound.roles_between == 354 and result.bound.labels == 6
    assert (result.bound.lower_bound, result.bound.found) == (3, 4)
    assert result.notes == [
        "Not proven optimal: the exact search stopped after 6 labels; this path comes from "
        "Dijkstra on per-step gaps and is at most 1 skills worse than the best."]


def test_wide_cone_answer_proven_by_the_pruned_search():
    # kg.paths.bounds misses the skills the middle roles add (3, beyond its suffix), but the
    # exact search, with every state above the fallback's 4 pruned, meets only the first
    # middle role: exact, well within its budget (before, the answer stayed unproven)
    result = paths.shortest_paths(_wide_ladder(deep=True, own=2), "urn:from", "urn:to")
    assert result.exact and result.bound is None and result.notes == []
    assert [r.iri for r in result.best.roles][:2] == ["urn:from", "urn:m000"]
    assert result.best.total_new_skills == 4


def test_a_tool_neither_hot_nor_in_demand_is_no_requirement():
    """The cost model: a path must not pass through an occupation because its tool list is
    short; a tool (ail:Technology) counts only when skills-for-role says it is current."""
    rows = [{"role": "urn:a", "roleLabel": "A", "next": "urn:b"}, {"role": "urn:b"}]
    skills = [{"role": "urn:b", "skill": "urn:iMovie", "essential": False, "tool": True,
               "current": False},
              {"role": "urn:b", "skill": "urn:k8s", "essential": True, "tool": True,
               "current": True},
              {"role": "urn:b", "skill": "urn:ml", "essential": True}]
    graph = paths.build_projection(rows, skills)
    assert [s.iri for s in graph.nodes["urn:b"]["skills"]] == ["urn:k8s", "urn:ml"]
    assert paths.shortest_paths(graph, "urn:a", "urn:b").best.total_new_skills == 2


def test_a_move_has_a_price_in_skills():
    # A -> B -> D are steps up (B adds 2 skills); A -> C -> D a lateral move and a career
    # change through C, which adds none. Free moves would take C (1 new skill); priced at
    # SKILLS_PER_MOVE_STEP per step of ail:moveCost they cost 1 + 3 x 10, so B's 3 win.
    from kg.paths import render

    rows = [{"role": "urn:a", "roleLabel": "A", "next": "urn:b"},
            {"role": "urn:b", "roleLabel": "B", "next": "urn:d"},
            {"role": "urn:c", "roleLabel": "C"}, {"role": "urn:d", "roleLabel": "D"}]
    skills = [{"role": "urn:b", "skill": f"urn:b{k}", "essential": True} for k in range(2)]
    skills.append({"role": "urn:d", "skill": "urn:d0", "essential": True})
    moves = [{"role": "urn:a", "next": "urn:c", "kind": "lateral move to", "cost": 1},
             {"role": "urn:c", "next": "urn:d", "kind": "career change to", "cost": 2}]
    graph = paths.build_projection(rows, skills, moves=moves)
    best = paths.shortest_paths(graph, "urn:a", "urn:d").best
    assert [r.label for r in best.roles] == ["A", "B", "D"] and best.total_price == 0
    two = paths.shortest_paths(graph, "urn:a", "urn:d", alternatives=2)
    moved = two.alternatives[0]
    assert [r.label for r in moved.roles] == ["A", "C", "D"]
    assert [s.price for s in moved.steps] == [ps.SKILLS_PER_MOVE_STEP, 2 * ps.SKILLS_PER_MOVE_STEP]
    assert moved.to_dict()["total_move_price"] == 3 * ps.SKILLS_PER_MOVE_STEP
    answer = paths.shortest_paths(graph, "urn:a", "urn:c").to_dict()
    assert answer["steps"][0]["move_price"] == answer["total_move_price"] == ps.SKILLS_PER_MOVE_STEP
    text = render.render(paths.shortest_paths(graph, "urn:a", "urn:c"), "table")
    assert "1. A -> C [lateral move to, priced 10]" in text
    assert "0 new skills and 1 move priced 10 skill-equivalents (ranked together) in 1 step" in text


def test_the_ladder_graph_is_networkx_own():
    # kg.paths.problem.Ladder.graph fills networkx's adjacency dicts at once: it must be the
    # graph add_edges_from makes, and behave as one (a view, a copy, an edge added)
    import networkx as nx

    ladder = ps.Ladder(succ=[[1, 2], [3], [3], [], []], mask=[0] * 5)
    plain = nx.DiGraph()
    plain.add_nodes_from(range(5))
    plain.add_edges_from([(0, 1), (0, 2), (1, 3), (2, 3)])
    assert nx.utils.graphs_equal(ladder.graph, plain)
    assert sorted(ladder.graph.predecessors(3)) == [1, 2] and 4 in ladder.graph
    assert nx.utils.graphs_equal(ladder.without({2}), nx.restricted_view(plain, {2}, ()))
    copy = ladder.graph.copy()
    copy.add_edge(3, 4)
    assert nx.has_path(copy, 0, 4) and not nx.has_path(ladder.graph, 0, 4)


def test_positions_are_the_index_numbers():
    # next sorts by the ladder order without building the index: the same numbers, on a
    # ladder read back from its kept bytes and on one built from rows
    from kg.paths import ladder as role_graph

    graph = paths.project(ladder_graph())
    kept = role_graph.from_data(role_graph.load(role_graph.dump(role_graph.to_data(graph))))
    assert kept.saved_order is not None
    for g in (graph, kept):
        g.graph.pop("_index", None)
        expected = dict(paths.Index(g).index)
        assert paths.positions(g) == expected


def test_a_question_avoiding_hundreds_of_roles_gets_a_one_line_answer():
    # every one of FROM's 350 next roles avoided: the message names five, then counts the rest
    graph = _wide_ladder(deep=False)
    middle = sorted(n for n in graph.nodes if n.startswith("urn:m"))
    with pytest.raises(PathError) as refused:
        paths.shortest_paths(graph, "urn:from", "urn:to", avoid=middle)
    message = str(refused.value)
    assert ("avoiding 'urn:m000', 'urn:m001', 'urn:m002', 'urn:m003', 'urn:m004' and 345 more"
            in message)
    assert "'urn:m005'" not in message and "\n" not in message
    assert "next steps from 'FROM' are 'urn:m000', 'urn:m001'" not in message  # a route exists
