"""A ladder's skills by number, for ``aikg ready`` and the kept ladder.

A table of numbers rather than :class:`~kg.paths.results.Skill` objects: ``aikg ready`` ranks
9,355 roles on them and makes a :class:`Skill` only for what it prints.
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.paths.roles import mask_of
from kg.paths.results import Skill


class SkillTable:
    """A ladder's skills by number: each row a :class:`Skill` (``bit``, ``label``, ``kind``,
    ``essential``), each role's rows a slice of ``flat`` ending at ``ends[n]``, its ratings
    (skill IRI -> importance) ``weights[n]``, its count of essential rows ``essentials[n]``;
    ``iris`` by bit, ``roles`` by number.

    ``aikg ready`` ranks 9,355 roles on these numbers and makes a :class:`Skill` only for
    what it prints: making all 98,651 of a 1M-triple ladder took 0.5 s.
    """

    def __init__(self, flat, ends, bit, label, kind, essential, iris, roles, weights,
                 essentials) -> None:
        self.flat, self.ends, self.bit, self.label = flat, ends, bit, label
        self.kind, self.essential, self.iris, self.roles = kind, essential, iris, roles
        self.weights, self.essentials = weights, essentials
        self._made: list[Skill | None] = [None] * len(bit)

    @classmethod
    def of(cls, graph) -> SkillTable:
        """The table of a projection built in memory (the skills of its nodes numbered)."""
        bits = graph.graph["skill_bits"]
        row: dict[Skill, int] = {}
        flat, ends = [], []
        for data in graph._node.values():
            flat += (row.setdefault(s, len(row)) for s in data["skills"])
            ends.append(len(flat))
        for skill in graph.graph["skills"].values():  # required only by roles off the ladder
            row.setdefault(skill, len(row))
        skills = list(row)
        table = cls(flat, ends, [bits[s.iri] for s in skills], [s.label for s in skills],
                    [s.kind for s in skills], [int(s.essential) for s in skills],
                    sorted(bits, key=bits.get), list(graph._node),
                    [data["importance"] for data in graph._node.values()],
                    [sum(s.essential for s in data["skills"]) for data in graph._node.values()])
        table._made = skills
        return table

    def valid(self, checked: bool = False) -> bool:
        """Whether the parts fit together and (unless ``checked``) the numbers point inside
        the table: a damaged file's may not."""
        rows, width = len(self.bit), len(self.iris)
        return (len(self.label) == len(self.kind) == len(self.essential) == rows
                and len(self.ends) == len(self.roles) == len(self.weights) == len(self.essentials)
                and all(e <= len(self.flat) for e in self.ends[-1:])
                and (checked or (list(self.ends) == sorted(self.ends)
                                 and (not self.flat or max(self.flat) < rows)
                                 and (not rows or max(self.bit) < width))))

    def rows(self, n: int):
        """Role ``n``'s skill rows, in the role's order (essential first)."""
        return self.flat[self.ends[n - 1] if n else 0:self.ends[n]]

    def bits_of(self, iris: Iterable[str]) -> set[int]:
        """The bits of these skills (a skill no role requires has none)."""
        found = set()
        for iri in iris:  # a scan in C: 1 ms, not the 23 ms of a dict of 86,596 IRIs
            try:
                found.add(self.iris.index(iri))
            except ValueError:
                pass
        return found

    def rows_of_bits(self, bits: set[int]) -> set[int]:
        """The rows of these bits (a skill required as essential and as preferred is two)."""
        if len(bits) > 8:
            return {row for row, bit in enumerate(self.bit) if bit in bits}
        found = set()
        for bit in bits:  # a scan in C per bit: 1 ms, not 26 for the comprehension
            row = -1
            while True:
                try:
                    row = self.bit.index(bit, row + 1)
                except ValueError:
                    break
                found.add(row)
        return found

    def skill(self, row: int) -> Skill:
        skill = self._made[row]
        if skill is None:
            skill = self._made[row] = Skill(self.iris[self.bit[row]], self.label[row],
                                            self.kind[row], bool(self.essential[row]))
        return skill

    def skills(self, n: int) -> tuple[Skill, ...]:
        return tuple(map(self.skill, self.rows(n)))

    def mask(self, n: int) -> int:
        bit = self.bit
        return mask_of([bit[row] for row in self.rows(n)])


def skill_table(graph) -> SkillTable:
    """``graph``'s skills by number: as read back for a kept ladder, else numbered now."""
    table = getattr(graph, "table", None)
    if table is None:
        table = graph.__dict__["table"] = SkillTable.of(graph)
    return table
