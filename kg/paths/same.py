"""The same occupation in two vocabularies: what a person holds by being it.

The alignment states that ESCO's data scientist and O*NET's Data Scientists are one job
(``skos:exactMatch`` between occupations); each vocabulary lists what the other does not (ESCO
knowledge and skills, O*NET tools). :func:`kg.paths.projection.same_occupations` keeps the
pairs with the ladder; here a role's namesakes lend their skills as held, and say which.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from kg.paths.projection import skill_label
from kg.paths.results import Ref, as_record
from kg.paths.roles import mask_of


@as_record
class SameOccupation(NamedTuple):
    """FROM is the same occupation as ``same``, in another vocabulary (skos:exactMatch): the
    skills ``same`` lists count as held too; ``skills`` are those of the answer held so."""

    role: Ref
    same: Ref
    skills: tuple[Ref, ...]

    def to_dict(self) -> dict:
        return {"role": self.role.to_dict(), "same": self.same.to_dict(),
                "relation": "skos:exactMatch", "skills_held": [s.to_dict() for s in self.skills]}

    def note(self) -> str:
        count = len(self.skills)
        held = f"{count} skill here comes" if count == 1 else f"{count} skills here come"
        return (f"'{self.role.label}' and '{self.same.label}' are the same occupation in two "
                f"vocabularies (skos:exactMatch), so what either lists counts as held: "
                f"{held} from '{self.same.label}' ({_shown(self.skills)}).")


def _shown(skills) -> str:
    more = len(skills) - SHOWN_LENT
    return ", ".join(s.label for s in skills[:SHOWN_LENT]) + (
        f" and {more} more" if more > 0 else "")


@as_record
class Mentioned(NamedTuple):
    """FROM lists no skills of its own, and its definition names ``skills``: held."""

    role: Ref
    skills: tuple[Ref, ...]

    def to_dict(self) -> dict:
        return {"role": self.role.to_dict(), "skills_held": [s.to_dict() for s in self.skills]}

    def note(self) -> str:
        return (f"'{self.role.label}' lists no skills of its own, and its definition names "
                f"{_shown(self.skills)}: counted as held.")


#: how many skills held through the same occupation a note names
SHOWN_LENT = 6


def namesakes(graph, role: str) -> tuple[str, ...]:
    """The roles that are ``role`` in another vocabulary (skos:exactMatch) and list skills."""
    return graph.graph.get("same_occupation", {}).get(role, ())


def same_mask(graph, role: str) -> int:
    """The skills a person in ``role`` holds beyond those ``role`` lists: what its definition
    names where it lists none (:mod:`kg.paths.mentioned`), and what the same occupation lists
    in another vocabulary (skos:exactMatch; O*NET's Data Scientists lists the tools ESCO's
    data scientist does not, ESCO the knowledge O*NET does not), or its definition names."""
    mask = mentioned_mask(graph, role)
    for match in namesakes(graph, role):
        mask |= graph.nodes[match]["mask"] | mentioned_mask(graph, match)
    return mask


def mentioned_mask(graph, role: str) -> int:
    """The skills ``role``'s definition names (none where it lists skills of its own)."""
    named = graph.graph.get("mentioned", {}).get(role, ())
    if not named:
        return 0
    bits = graph.graph["skill_bits"]
    return mask_of(bits[iri] for iri in named)


def same_occupation(graph, role: str, asked: int) -> list[SameOccupation]:
    """``role``'s namesakes in other vocabularies, each with the skills of ``asked`` (a mask)
    that it alone makes held: neither ``role`` (what it lists or its definition names) nor an
    earlier namesake holds them."""
    matches = namesakes(graph, role)
    if not matches:
        return []
    held, found = graph.nodes[role]["mask"] | mentioned_mask(graph, role), []
    for match in matches:
        lent = (graph.nodes[match]["mask"] | mentioned_mask(graph, match)) & asked & ~held
        held |= lent
        found.append(SameOccupation(Ref(role, graph.nodes[role]["label"]),
                                    Ref(match, graph.nodes[match]["label"]),
                                    _refs(graph, lent)))
    return found


def named_in_definition(graph, role: str, asked: int) -> Mentioned | None:
    """The skills of ``asked`` (a mask) that ``role``'s definition names and it does not
    list, or None."""
    named = mentioned_mask(graph, role) & asked & ~graph.nodes[role]["mask"]
    if not named:
        return None
    return Mentioned(Ref(role, graph.nodes[role]["label"]), _refs(graph, named))


def moves_from(graph, role: str) -> dict[str, str]:
    """The roles one move on from ``role`` or from the same occupation in another vocabulary,
    each with its kind of move ("" for a step up), and whose move it is when not ``role``'s
    ("career change to, as Data Scientists")."""
    starts = (role, *namesakes(graph, role))
    moves: dict[str, str] = {}
    for start in starts:
        for end, edge in graph.moves_from(start):
            if end not in starts and end not in moves:
                kind = edge.get("move") or ""
                moves[end] = kind if start == role else ", ".join(
                    filter(None, (kind, f"as {graph.nodes[start]['label']}")))
    return moves


def _refs(graph, mask: int) -> tuple[Ref, ...]:
    """The skills of ``mask``, by label."""
    if not mask:
        return ()
    by_bit = {bit: iri for iri, bit in graph.graph["skill_bits"].items()}
    return tuple(sorted((Ref(by_bit[bit], skill_label(graph, by_bit[bit]))
                         for bit in _bits(mask)), key=lambda r: r.label.casefold()))


def _bits(mask: int) -> Iterable[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low
