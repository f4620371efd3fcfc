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
        shown = ", ".join(s.label for s in self.skills[:SHOWN_LENT])
        more = len(self.skills) - SHOWN_LENT
        return (f"'{self.role.label}' and '{self.same.label}' are the same occupation in two "
                f"vocabularies (skos:exactMatch), so what either lists counts as held: "
                f"{len(self.skills)} skill{'s' if len(self.skills) != 1 else ''} here come from "
                f"'{self.same.label}' ({shown}{f' and {more} more' if more > 0 else ''}).")


#: how many skills held through the same occupation a note names
SHOWN_LENT = 6


def same_mask(graph, role: str) -> int:
    """The skills a person in ``role`` holds beyond those ``role`` lists: what the same
    occupation lists in another vocabulary (skos:exactMatch; O*NET's Data Scientists lists
    the tools ESCO's data scientist does not, ESCO the knowledge O*NET does not)."""
    mask = 0
    for match in graph.graph.get("same_occupation", {}).get(role, ()):
        mask |= graph.nodes[match]["mask"]
    return mask


def same_occupation(graph, role: str, asked: int) -> list[SameOccupation]:
    """``role``'s namesakes in other vocabularies, each with the skills of ``asked`` (a mask)
    that it alone makes held: neither ``role`` nor an earlier namesake lists them."""
    matches = graph.graph.get("same_occupation", {}).get(role, ())
    if not matches:
        return []
    by_bit = {bit: iri for iri, bit in graph.graph["skill_bits"].items()}
    held, found = graph.nodes[role]["mask"], []
    for match in matches:
        lent = graph.nodes[match]["mask"] & asked & ~held
        held |= lent
        skills = sorted((Ref(by_bit[bit], skill_label(graph, by_bit[bit]))
                         for bit in _bits(lent)), key=lambda r: r.label.casefold())
        found.append(SameOccupation(Ref(role, graph.nodes[role]["label"]),
                                    Ref(match, graph.nodes[match]["label"]), tuple(skills)))
    return found


def _bits(mask: int) -> Iterable[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low
