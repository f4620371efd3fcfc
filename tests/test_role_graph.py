"""The ladder's own small graph: the networkx behaviour the path commands rely on."""

import math

import pytest

import kg
from kg.paths import answers as paths
from kg.paths.ladder import RoleGraph


def test_edges_nodes_and_reachability():
    g = RoleGraph()
    g.add_edge("a", "b", cost=1)
    g.add_edge("b", "c", cost=3)
    g.add_node("d", label="D")
    assert list(g) == ["a", "b", "c", "d"] and len(g) == 4 and "d" in g and "e" not in g
    assert list(g.successors("b")) == ["c"] and list(g.predecessors("b")) == ["a"]
    assert g.edges["b", "c"] == {"cost": 3} and len(g.edges) == 2
    assert g.has_path("a", "c") and not g.has_path("c", "a") and not g.has_path("a", "d")
    assert g.has_edge("a", "b") and not g.has_edge("a", "c")


def test_copy_is_independent():
    g = RoleGraph()
    g.add_edge("a", "b", cost=1)
    g.nodes["a"]["label"] = "A"
    other = g.copy()
    other.nodes["a"]["label"] = "changed"
    other.edges["a", "b"]["cost"] = 9
    assert g.nodes["a"]["label"] == "A" and g.edges["a", "b"]["cost"] == 1


def test_to_networkx_is_the_same_ladder():
    ladder = paths.project(kg.load(), lateral=True)
    graph = ladder.to_networkx()
    assert set(graph.nodes) == set(ladder)
    assert set(graph.edges) == set(ladder.edges())
    assert all(graph.nodes[n] == ladder.nodes[n] for n in ladder)


def _kept_ladder(occupations=()):
    """A small projection with what the cache must carry: a skill required both as essential
    and as preferred, two skills that are one (skos:exactMatch), a move with a cost, ratings,
    duties, qualifications and experience."""
    ail = "https://w3id.org/ai-leadership#"
    rows = [{"role": "r:a", "roleLabel": "A", "level": 1, "next": "r:b"},
            {"role": "r:b", "roleLabel": "B", "level": 2, "years": 3, "next": "r:c"},
            {"role": "r:c", "roleLabel": "C", "level": 3}]
    skills = [{"role": "r:a", "skill": "s:x", "skillLabel": "X", "essential": True},
              {"role": "r:b", "skill": "s:x", "skillLabel": "X", "essential": False},
              {"role": "r:b", "skill": f"{ail}Y", "skillLabel": "Y", "essential": True,
               "importance": 4.5},
              {"role": "r:c", "skill": "s:y2", "skillLabel": "Y too", "essential": True}]
    return paths.build_projection(
        rows, skills,
        responsibilities=[{"role": "r:b", "responsibility": "d:1", "areaLabel": "Team"}],
        qualifications=[{"role": "r:c", "qualification": "q:1", "requirement": "mandatory"}],
        experience=[{"role": "r:c", "requirement": "e:1", "years": 5}],
        moves=[{"role": "r:a", "next": "r:c", "kind": "career change", "cost": 3}],
        matches=[{"skill": "s:y2", "match": f"{ail}Y"}], occupations=occupations)


def test_kept_projection_reads_back_whole():

    from kg.paths import ladder as role_graph

    built = _kept_ladder()
    data = role_graph.load(role_graph.dump(role_graph.to_data(built)))  # as kept on disk
    read = role_graph.from_data(data, checked=True)
    assert role_graph.to_data(read) == role_graph.to_data(built)
    for node in built:  # the parts made on first read are the built ones
        for key in ("mask", "skills", "responsibilities", "qualifications", "experience",
                    "importance", "label", "level", "years", "width"):
            assert read.nodes[node][key] == built.nodes[node][key], (node, key)
    assert read.edges["r:a", "r:c"] == {"move": "career change", "cost": 3}
    assert dict(read.graph["skills"]) == built.graph["skills"]
    assert dict(read.graph["skill_bits"]) == built.graph["skill_bits"]
    unread = role_graph.from_data(data)  # each skill found before the IRI dict is built
    for iri, skill in built.graph["skills"].items():
        assert unread.graph["skills"][iri] == skill
    assert unread.graph["skills"].get("s:none") is None
    # a copy and a networkx graph carry every part, though none was read before
    fresh = role_graph.from_data(data)
    assert role_graph.to_data(fresh.copy()) == role_graph.to_data(built)
    assert fresh.copy().nodes["r:b"]["mask"] == built.nodes["r:b"]["mask"]
    nxg = role_graph.from_data(data).to_networkx()
    assert nxg.nodes["r:c"]["qualifications"] == built.nodes["r:c"]["qualifications"]
    for start, end in (("r:a", "r:c"), ("r:b", "r:c")):
        assert (paths.shortest_paths(read, start, end).to_dict()
                == paths.shortest_paths(built, start, end).to_dict())


def test_the_moves_from_a_kept_ladder_are_its_edges_before_and_after_a_walk():
    # 'aikg next' reads one role's moves without making every edge of a kept ladder
    from kg.paths import ladder as role_graph

    built = _kept_ladder()
    data = role_graph.load(role_graph.dump(role_graph.to_data(built)))
    unwalked = role_graph.from_data(data)
    walked = role_graph.from_data(data)
    for node in built:
        expected = [(n, built.edges[node, n]) for n in built.successors(node)]
        assert unwalked.moves_from(node) == expected, node
        assert "_succ" not in unwalked.__dict__  # nothing walked
        assert [(n, walked.edges[node, n]) for n in walked.successors(node)] == expected
        assert walked.moves_from(node) == expected
    assert unwalked.moves_from("r:a") == [("r:b", {"move": None, "cost": 1}),
                                          ("r:c", {"move": "career change", "cost": 3})]


def _ranked_by_skills(graph, held, current=None):
    """``aikg ready``'s ranking spelled out on each role's :class:`Skill` tuple, as the
    docstring of :func:`kg.paths.answers.ready` defines it (the slow, plain way)."""
    same = graph.graph["same_skill"]
    held = {same.get(h, h) for h in held}
    if current is not None:
        held |= {s.iri for s in graph.nodes[current]["skills"]}
    rows = []
    for iri, data in graph.nodes(data=True):
        skills = data["skills"]
        if not skills:
            continue
        held_essential = [s for s in skills if s.essential and s.iri in held]
        counted = [s for s in skills if s.essential] or list(skills)
        weight = {s: data["importance"].get(s.iri, 5.0) / 5.0 for s in counted}
        # one unlisted skill's weight added to the whole: a short list is weaker evidence
        share = sum(w for s, w in weight.items() if s.iri in held) / (sum(weight.values()) + 1)
        score = math.floor(share * 10000 + 0.5) / 10000  # halves up, as the offline planner
        missing = tuple(s for s in skills if s.iri not in held)
        rows.append((iri, score, len(held_essential), sum(s.essential for s in skills),
                     len(skills) - len(missing), len(skills), missing))
    return sorted(rows, key=lambda r: (-r[1], len(r[6]), -r[4] / r[5], -r[4],
                                       -(graph.nodes[r[0]]["level"] or 0),
                                       graph.nodes[r[0]]["label"].casefold()))


def _ranked(graph, held, current=None):
    rated, _ = paths.rank_readiness(graph, held, current)
    return [(r.role.iri, r.score, r.essential_held, r.essential, r.held, r.required,
             tuple(r.missing)) for r in rated]


@pytest.mark.parametrize("held, current", [
    ([], "r:b"), (["s:x"], None), (["https://w3id.org/ai-leadership#Y"], None),
    (["s:y2"], None), (["s:x", "s:y2"], "r:a"), (["s:unknown"], None)])
def test_ready_ranks_a_kept_ladder_as_the_plain_definition_does(held, current):
    """``aikg ready`` ranks on skill numbers, on the built ladder and on one read back from
    beside a store; both must agree with the definition on Skill objects, with a skill
    required as essential and as preferred, two skills that are one, and ratings."""

    from kg.paths import ladder as role_graph

    built = _kept_ladder()
    read = role_graph.from_data(role_graph.load(role_graph.dump(role_graph.to_data(built))),
                                checked=True)
    expected = _ranked_by_skills(built, held, current)
    assert _ranked(built, held, current) == expected
    assert _ranked(read, held, current) == expected


def test_ready_ranks_the_release_as_the_plain_definition_does():
    g = kg.load()
    ladder = paths.project(g)
    for held in (["Python"], ["Python", "PyTorch", "Leadership"], ["SQL", "ML"]):
        iris = [paths.resolve_skill(g, s) for s in held]
        assert _ranked(ladder, iris) == _ranked_by_skills(ladder, iris)
    assert _ranked(ladder, [], paths.resolve_role(g, "AI Engineer")) == _ranked_by_skills(
        ladder, [], paths.resolve_role(g, "AI Engineer"))


def test_numbers_that_point_past_their_tables_are_refused():
    """Data that did not come through a kept file's CRC-32 has each number checked."""
    from kg.paths import ladder as role_graph

    good = role_graph.to_data(_kept_ladder())
    assert role_graph.from_data(good) is not None
    past = 10 ** 6
    for part in ("role_skills", "skill_bit", "skill_kind", "by_iri", "edges"):
        numbers = list(good[part])
        numbers[-1] = past
        assert role_graph.from_data({**good, part: role_graph._packed(numbers)}) is None, part
    repeated = role_graph._packed([0] * len(good["order"]))  # not each role once
    assert role_graph.from_data({**good, "order": repeated}) is None
    assert role_graph.from_data({**good, "edges": [0, 1]}) is None  # not packed
    moves = list(good["moves"])
    assert moves, "the kept ladder has a move with a kind"
    moves[1] = past  # a move to a role past the table
    assert role_graph.from_data({**good, "moves": role_graph._packed(moves)}) is None
    moves = list(good["moves"])
    moves[2] = len(good["move_kinds"])  # a move of a kind past the table
    assert role_graph.from_data({**good, "moves": role_graph._packed(moves)}) is None
    assert role_graph.from_data({**good, "moves": list(good["moves"])}) is None  # not packed
    for kind in (["lateral", "1"], ["lateral"], [3, 1]):  # a cost that is not a number, ...
        assert role_graph.from_data({**good, "move_kinds": [kind]}) is None, kind


def test_the_same_occupation_is_kept_and_its_numbers_checked():
    """A and C named as one occupation (skos:exactMatch) stay so in a kept ladder."""
    from kg.paths import ladder as role_graph

    same = [{"occupation": "r:a", "match": "r:c", "relation": "exactMatch"},
            {"occupation": "r:c", "match": "r:a", "relation": "exactMatch"},
            {"occupation": "r:a", "match": "r:b", "relation": "broadMatch"}]  # not the same
    built = _kept_ladder(same)
    assert dict(built.graph["same_occupation"]) == {"r:a": ("r:c",), "r:c": ("r:a",)}
    good = role_graph.to_data(built)
    read = role_graph.from_data(role_graph.load(role_graph.dump(good)), checked=True)
    assert dict(read.graph["same_occupation"]) == {"r:a": ("r:c",), "r:c": ("r:a",)}
    assert (paths.role_gap(read, "r:a", "r:c").to_dict()
            == paths.role_gap(built, "r:a", "r:c").to_dict())
    assert paths.role_gap(read, "r:a", "r:c").shared == 1  # C's own skill, held as C
    numbers = list(good["same_occupation"])
    numbers[-1] = 10 ** 6  # a role past the table
    assert role_graph.from_data({**good, "same_occupation": role_graph._packed(numbers)}) is None
    odd = role_graph._packed(numbers[:-1])  # half a pair
    assert role_graph.from_data({**good, "same_occupation": odd}) is None


def test_the_skills_a_definition_names_are_kept_and_their_numbers_checked():
    from kg.paths import ladder as role_graph

    built = paths.build_projection(
        [{"role": "r:a", "roleLabel": "A", "level": 1, "next": "r:b"},
         {"role": "r:b", "roleLabel": "B", "level": 2}],
        [{"role": "r:b", "skill": "s:ml", "skillLabel": "Machine learning", "essential": True},
         {"role": "r:b", "skill": "s:dl", "skillLabel": "Deep learning", "essential": True}],
        definitions=[{"occupation": "r:a", "definition": "Applies machine or deep learning."}])
    assert dict(built.graph["mentioned"]) == {"r:a": ("s:dl",)}  # "machine or deep" is not ML
    good = role_graph.to_data(built)
    read = role_graph.from_data(role_graph.load(role_graph.dump(good)), checked=True)
    assert dict(read.graph["mentioned"]) == {"r:a": ("s:dl",)}
    assert paths.role_gap(read, "r:a", "r:b").shared == 1
    assert paths.role_gap(read, "r:a", "r:b") == paths.role_gap(built, "r:a", "r:b")
    for place, number in ((0, 10 ** 6), (1, 10 ** 6)):  # a role, then a skill, past its table
        numbers = list(good["mentioned"])
        numbers[place] = number
        assert role_graph.from_data({**good, "mentioned": role_graph._packed(numbers)}) is None
    half = role_graph._packed(list(good["mentioned"]) * 2 + [0])  # a pair and a half
    assert role_graph.from_data({**good, "mentioned": half}) is None
