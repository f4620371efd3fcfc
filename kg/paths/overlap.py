"""Moves derived from skill overlap, for occupations the graph lists no move out of (ESCO).

ESCO states no career moves, so every ESCO occupation was a dead end for ``path --lateral``.
The Mapping Career Causeways project (Nesta, 2020) judges a transition from A to B *viable*
when the similarity of the two occupations reaches 0.30 (and *highly viable* from 0.40); its
similarity compares B's essential skills with A's, B's optional skills with A's, work
activities and work context. This graph has the first two, so here

    similarity(A -> B) = mean of the weighted shares of B's essential and of B's optional
                         skills that A requires (each part only when B lists such skills)

where each skill weighs its specificity, its inverse document frequency over the
occupations that list skills: ``log(N / n)`` for a skill n of the N occupations require.
"Communicate with customers" (required by hundreds) says little about whether A can do B's
work, "apply statistical analysis techniques" much; a skill every occupation requires weighs
nothing. Skills are counted as the ladder counts them (aligned names are one skill). A move
A -> B is added when the similarity reaches :data:`THRESHOLD`, at most :data:`LIMIT` per
occupation (the most similar first), never to a lower seniority level where both levels are
known. Only occupations on no ladder at all get such moves: the top of a ladder has no move
out by design. Nesta matched skills by sentence embeddings; exact matches after alignment are
stricter, so fewer moves reach the threshold than there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

#: Nesta's cut-off for a viable transition (Mapping Career Causeways, 2020)
THRESHOLD = 0.30
#: the most moves added out of one occupation
LIMIT = 10
#: what such a move is called in answers, and the steps it counts for with --by steps
KIND, COST = "move by skill overlap", 2


def overlap_moves(graph, threshold: float = THRESHOLD, limit: int = LIMIT) -> list[dict]:
    """Rows shaped like ``occupation-moves``' for each occupation of ``graph`` with skills
    and no edge in or out, to the occupations most similar to it (see the module's text)."""
    listed = [node for node, data in graph.nodes(data=True) if data["width"]]
    parts = [_parts(graph.nodes[node]["skills"]) for node in listed]
    holders: dict[str, list[tuple[int, bool]]] = {}  # skill -> (occupation, essential there)
    for n, part in enumerate(parts):
        for iri, essential in part.items():
            holders.setdefault(iri, []).append((n, essential))
    weight = specificity({iri: len(h) for iri, h in holders.items()}, len(listed))
    totals = [_totals(part, weight) for part in parts]
    rows = []
    for start, node in enumerate(listed):
        if graph.degree(node):  # on a ladder (the top of one has no move out, by design)
            continue
        level = graph.nodes[node]["level"]
        scored = []
        for end, shared in _shared(parts[start], holders, weight).items():
            other = graph.nodes[listed[end]]["level"]
            if end == start or (level is not None and other is not None and other < level):
                continue  # a step down in seniority is no move to recommend
            score = _mean_share(shared, totals[end])
            if score >= threshold:
                scored.append((-score, graph.nodes[listed[end]]["label"].casefold(), listed[end]))
        for _, _, end in sorted(scored)[:limit]:
            rows.append({"role": node, "next": end, "kind": KIND, "cost": COST})
    return rows


def specificity(required_by: Mapping[str, int], occupations: int) -> dict[str, float]:
    """Each skill's weight, ``log(occupations / n)`` for a skill ``n`` occupations require."""
    return {iri: math.log(occupations / n) for iri, n in required_by.items()}


def similarity(held: set[str], essential: set[str], optional: set[str],
               weight: Mapping[str, float]) -> float:
    """The mean weighted share of ``essential`` and of ``optional`` (sets of skill IRIs) that
    ``held`` covers; a part whose skills all weigh nothing is left out, like an empty one."""
    shared = [sum(weight[s] for s in held & essential), sum(weight[s] for s in held & optional)]
    return _mean_share(shared, [sum(weight[s] for s in essential),
                                sum(weight[s] for s in optional)])


def _parts(skills) -> dict[str, bool]:
    """An occupation's skills, each with whether it is essential (required as both: it is)."""
    part: dict[str, bool] = {}
    for skill in skills:
        part[skill.iri] = part.get(skill.iri, False) or skill.essential
    return part


def _totals(part: dict[str, bool], weight: Mapping[str, float]) -> list[float]:
    totals = [0.0, 0.0]
    for iri, essential in part.items():
        totals[0 if essential else 1] += weight[iri]
    return totals


def _shared(held: dict[str, bool], holders: dict, weight: Mapping[str, float]) -> dict:
    """Per occupation requiring any of ``held``, the weight of the held skills it requires
    as essential and as optional: one pass over the holders of each held skill."""
    shared: dict[int, list[float]] = {}
    for iri in held:
        w = weight[iri]
        if not w:
            continue
        for end, essential in holders[iri]:
            found = shared.get(end)
            if found is None:
                found = shared[end] = [0.0, 0.0]
            found[0 if essential else 1] += w
    return shared


def _mean_share(shared, totals) -> float:
    shares = [got / total for got, total in zip(shared, totals) if total > 0]
    return sum(shares) / len(shares) if shares else 0.0
