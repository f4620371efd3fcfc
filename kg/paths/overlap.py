"""Moves derived from skill overlap, for occupations the graph lists no move out of (ESCO).

ESCO states no career moves, so every ESCO occupation was a dead end for ``path --lateral``.
The Mapping Career Causeways project (Nesta, 2020) judges a transition from A to B *viable*
when the similarity of the two occupations reaches 0.30 (and *highly viable* from 0.40); its
similarity compares B's essential skills with A's, B's optional skills with A's, work
activities and work context. This graph has the first two, so here

    similarity(A -> B) = mean of the shares of B's essential and of B's optional skills
                         that A requires (each part only when B lists such skills)

counted on skills as the ladder counts them (aligned names are one skill), and a move
A -> B is added when it reaches :data:`THRESHOLD`, at most :data:`LIMIT` per occupation (the
most similar first), never to a lower seniority level where both levels are known. Only
occupations on no ladder at all get such moves: the top of a ladder has no move out by
design. Nesta matched skills by sentence embeddings; exact matches after
alignment are stricter, so fewer moves reach the threshold than there.
"""

from __future__ import annotations

from kg.paths.roles import mask_of

#: Nesta's cut-off for a viable transition (Mapping Career Causeways, 2020)
THRESHOLD = 0.30
#: the most moves added out of one occupation
LIMIT = 10
#: what such a move is called in answers, and the steps it counts for with --by steps
KIND, COST = "move by skill overlap", 2


def overlap_moves(graph, threshold: float = THRESHOLD, limit: int = LIMIT) -> list[dict]:
    """Rows shaped like ``occupation-moves``' for each occupation of ``graph`` with skills
    and no edge in or out, to the occupations most similar to it (see the module's text)."""
    bits = graph.graph["skill_bits"]
    parts = {}
    for node, data in graph.nodes(data=True):
        if not data["width"]:
            continue
        essential = mask_of(bits[s.iri] for s in data["skills"] if s.essential)
        parts[node] = (essential, data["mask"] & ~essential, data["mask"])
    holders: dict[int, list[str]] = {}  # bit -> the occupations that require the skill
    for node, (_, _, mask) in parts.items():
        for bit in _bits(mask):
            holders.setdefault(bit, []).append(node)
    rows = []
    for start, (_, _, held) in parts.items():
        if graph.degree(start):  # on a ladder (the top of one has no move out, by design)
            continue
        level = graph.nodes[start]["level"]
        near = {node for bit in _bits(held) for node in holders[bit]} - {start}
        scored = []
        for end in near:
            other = graph.nodes[end]["level"]
            if level is not None and other is not None and other < level:
                continue  # a step down in seniority is no move to recommend
            score = similarity(held, *parts[end][:2])
            if score >= threshold:
                scored.append((-score, graph.nodes[end]["label"].casefold(), end))
        for _, _, end in sorted(scored)[:limit]:
            rows.append({"role": start, "next": end, "kind": KIND, "cost": COST})
    return rows


def similarity(held: int, essential: int, optional: int) -> float:
    """The mean share of ``essential`` and of ``optional`` (masks) that ``held`` covers."""
    shares = [(held & part).bit_count() / part.bit_count() for part in (essential, optional)
              if part]
    return sum(shares) / len(shares) if shares else 0.0


def _bits(mask: int):
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low
