"""Moves derived from skill overlap (kg.paths.overlap) for occupations with no listed move."""

from __future__ import annotations

from kg.paths import answers as paths
from kg.paths import overlap


def _ladder():
    # Seven occupations with skills; s1 is required by all (weight log(7/7) = 0), s2 by four,
    # the rest by one or two. e:b asks essential s1, s2 (both held by e:a) and optional s5 (not
    # held): similarity (1 + 0) / 2 = 0.5. e:c asks essential s1, s2, s6, s7: e:a holds 2 of 4,
    # but the two weigh 0 and log(7/4), against log(7) each for s6 and s7: 0.125, below 0.30
    # (0.5 if every skill weighed alike). e:d already has a move out, and e:top one in (the top
    # of a ladder): none derived for them. e:low is as similar to e:a as e:b, but a lower
    # seniority level. e:x only asks for s1, which says nothing: no move to it.
    rows = [{"role": f"e:{r}", "roleLabel": r.upper(), "level": 2} for r in "abc"]
    rows.append({"role": "e:d", "roleLabel": "D", "next": "e:top"})
    rows.append({"role": "e:top", "roleLabel": "TOP"})
    rows.append({"role": "e:low", "roleLabel": "LOW", "level": 1})
    rows.append({"role": "e:x", "roleLabel": "X", "level": 2})
    need = {"a": ["s1", "s2", "s3", "s4"], "b": ["s1", "s2"], "c": ["s1", "s2", "s6", "s7"],
            "d": ["s1", "s3"], "top": ["s1", "s3"], "low": ["s1", "s2"], "x": ["s1"]}
    skills = [{"role": f"e:{r}", "skill": f"e:{s}", "essential": True}
              for r, ss in need.items() for s in ss]
    skills.append({"role": "e:b", "skill": "e:s5", "essential": False})
    return paths.build_projection(rows, skills)


def test_similarity_is_nestas_mean_of_essential_and_optional_shares_weighted():
    alike = {s: 1.0 for s in "abc"}
    assert overlap.similarity({"a", "b"}, {"a", "b"}, {"c"}, alike) == 0.5
    assert overlap.similarity({"a"}, {"a", "b", "c"}, set(), alike) == 1 / 3
    assert overlap.similarity({"a"}, set(), set(), alike) == 0.0  # nothing listed: no evidence
    specific = {"a": 0.0, "b": 3.0, "c": 1.0}  # 'a' is required everywhere: it weighs nothing
    assert overlap.similarity({"a", "c"}, {"a", "b", "c"}, set(), specific) == 0.25
    assert overlap.similarity({"a"}, {"a"}, {"b"}, specific) == 0.0  # a part weighing 0 is left out


def test_specificity_is_the_inverse_document_frequency_over_occupations():
    weight = overlap.specificity({"rare": 1, "common": 10}, 10)
    assert weight["common"] == 0.0 and weight["rare"] > 2.3


def test_moves_reach_the_threshold_and_only_where_none_is_listed():
    moves = {(m["role"], m["next"]) for m in overlap.overlap_moves(_ladder())}
    assert ("e:a", "e:b") in moves and ("e:a", "e:c") not in moves and ("e:a", "e:x") not in moves
    assert not any(start in ("e:d", "e:top") for start, _ in moves)
    assert ("e:a", "e:low") not in moves and ("e:low", "e:b") in moves
    assert ("e:a", "e:c") in {(m["role"], m["next"])
                              for m in overlap.overlap_moves(_ladder(), threshold=0.12)}


def test_a_lateral_path_uses_them_and_names_their_kind():
    graph = _ladder()
    paths.add_moves(graph, overlap.overlap_moves(graph))
    result = paths.shortest_paths(graph, "e:a", "e:b")
    assert [s.move for s in result.best.steps] == [overlap.KIND]
