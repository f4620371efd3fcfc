"""Moves derived from skill overlap (kg.paths.overlap) for occupations with no listed move."""

from __future__ import annotations

from kg.paths import answers as paths
from kg.paths import overlap


def _ladder():
    # e:a requires s1..s4; e:b asks essential s1, s2 (both held) and optional s5 (not held):
    # similarity (1 + 0) / 2 = 0.5. e:c asks essential s1, s6, s7, s8: 1/4 = 0.25, below 0.30.
    # e:d already has a move out, and e:top one in (the top of a ladder): none derived for them.
    # e:low is as similar to e:a as e:b, but a lower seniority level.
    rows = [{"role": f"e:{r}", "roleLabel": r.upper(), "level": 2} for r in "abc"]
    rows.append({"role": "e:d", "roleLabel": "D", "next": "e:top"})
    rows.append({"role": "e:top", "roleLabel": "TOP"})
    rows.append({"role": "e:low", "roleLabel": "LOW", "level": 1})
    need = {"a": ["s1", "s2", "s3", "s4"], "b": ["s1", "s2"], "c": ["s1", "s6", "s7", "s8"],
            "d": ["s1", "s2", "s3"], "top": ["s1", "s2", "s3"], "low": ["s1", "s2"]}
    skills = [{"role": f"e:{r}", "skill": f"e:{s}", "essential": True}
              for r, ss in need.items() for s in ss]
    skills.append({"role": "e:b", "skill": "e:s5", "essential": False})
    return paths.build_projection(rows, skills)


def test_similarity_is_nestas_mean_of_essential_and_optional_shares():
    assert overlap.similarity(0b11, 0b11, 0b100) == 0.5
    assert overlap.similarity(0b1, 0b1111, 0) == 0.25
    assert overlap.similarity(0b1, 0, 0) == 0.0  # nothing listed: no evidence of a move


def test_moves_reach_the_threshold_and_only_where_none_is_listed():
    moves = {(m["role"], m["next"]) for m in overlap.overlap_moves(_ladder())}
    assert ("e:a", "e:b") in moves and ("e:a", "e:c") not in moves
    assert not any(start in ("e:d", "e:top") for start, _ in moves)
    assert ("e:a", "e:low") not in moves and ("e:low", "e:a") in moves
    assert ("e:a", "e:c") in {(m["role"], m["next"])
                              for m in overlap.overlap_moves(_ladder(), threshold=0.25)}


def test_a_lateral_path_uses_them_and_names_their_kind():
    graph = _ladder()
    paths.add_moves(graph, overlap.overlap_moves(graph))
    result = paths.shortest_paths(graph, "e:a", "e:b")
    assert [s.move for s in result.best.steps] == [overlap.KIND]
