"""What skill-path answers are made of: immutable records with ``to_dict()`` for JSON.

:mod:`kg.paths.answers` builds them; :mod:`kg.paths.render` and :mod:`kg.pages.viz` read them.

They are named tuples, not frozen dataclasses: Python 3.11 compiles six methods for each
frozen dataclass as it is created, and the fifteen records here took 18-20 ms of every
path command's start (a tenth of a 0.2 s budget). Equality is kept as a frozen dataclass's:
a record equals only a record of its own kind with the same fields (:func:`_same`), never a
plain tuple or another kind's record holding the same values. Change one with ``_replace``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple


def _same(self, other) -> bool:
    return type(self) is type(other) and tuple.__eq__(self, other)


def _not_same(self, other) -> bool:
    return not _same(self, other)


# -- what answers are made of ---------------------------------------------------------------
class Ref(NamedTuple):
    iri: str
    label: str

    def to_dict(self) -> dict:
        return {"iri": self.iri, "label": self.label}


class Estimate(NamedTuple):
    """A role whose skills the graph does not list, estimated from an aligned occupation's."""

    role: Ref
    source: Ref
    relation: str  # the SKOS mapping from role to source: exactMatch, closeMatch, ...

    def to_dict(self) -> dict:
        return {"role": self.role.to_dict(), "from": self.source.to_dict(),
                "relation": f"skos:{self.relation}"}


class Skill(NamedTuple):
    iri: str
    label: str
    kind: str  # label of the most specific subclass of ail:Skill
    essential: bool

    def to_dict(self) -> dict:
        return {"iri": self.iri, "label": self.label, "kind": self.kind,
                "essential": self.essential}


class Responsibility(NamedTuple):
    iri: str
    label: str
    area: str | None

    def to_dict(self) -> dict:
        return {"iri": self.iri, "label": self.label, "area": self.area}


class Qualification(NamedTuple):
    iri: str
    label: str
    mandatory: bool

    def to_dict(self) -> dict:
        return {"iri": self.iri, "label": self.label, "mandatory": self.mandatory}


class Experience(NamedTuple):
    iri: str
    label: str
    minimum_years: int | None

    def to_dict(self) -> dict:
        return {"iri": self.iri, "label": self.label, "minimum_years": self.minimum_years}


class Step(NamedTuple):
    from_: Ref
    to: Ref
    new_skills: tuple[Skill, ...]
    responsibilities: tuple[Responsibility, ...]  # gained: not held on any earlier role
    qualifications: tuple[Qualification, ...]
    experience: tuple[Experience, ...]
    minimum_years: int | None
    running_total: int
    move: str = ""  # the kind of lateral move or career change; "" for a step up the ladder
    price: int = 0  # what the move costs in skill-equivalents, on top of its new skills

    def to_dict(self) -> dict:
        return {
            "from": self.from_.to_dict(), "to": self.to.to_dict(), "move": self.move or None,
            "move_price": self.price,
            "new_skills": [s.to_dict() for s in self.new_skills],
            "new_skill_count": len(self.new_skills),
            "responsibilities": [r.to_dict() for r in self.responsibilities],
            "qualifications": [q.to_dict() for q in self.qualifications],
            "experience": [e.to_dict() for e in self.experience],
            "minimum_years": self.minimum_years,
            "running_total": self.running_total,
        }


class OtherName(NamedTuple):
    """Another name of a skill: the skill under that name, the SKOS mapping (``exactMatch`` or
    ``closeMatch``) that links it to the group, the vocabulary it is from (its
    ``skos:ConceptScheme``: ``skos:inScheme``, or the scheme its ``dcterms:source`` is part of;
    None when the graph names none) and its kind (the label of its most specific skill class)."""

    skill: Ref
    relation: str
    vocabulary: Ref | None = None
    kind: str | None = None

    def to_dict(self) -> dict:
        return dict(self.skill.to_dict(), mapping=f"skos:{self.relation}",
                    vocabulary=self.vocabulary.to_dict() if self.vocabulary else None,
                    kind=self.kind)

    def text(self) -> str:
        """e.g. ``O*NET 29.2 tool or technology 'C++'``: whose name it is, then the name."""
        kind = self.kind or ""
        if kind[:1].isupper() and not kind[1:2].isupper():  # "Tool or ...", not "AI technique"
            kind = kind[0].lower() + kind[1:]
        said = [self.vocabulary.label if self.vocabulary else "", kind, f"'{self.skill.label}'"]
        return " ".join(part for part in said if part)


_MAPPINGS = {"exactMatch": ("exact match", "exact matches"),
             "closeMatch": ("close match", "close matches")}


class HeldAs(NamedTuple):
    """A skill counted as held because the person holds it under another name: ``names``
    are the other skills of its group (kg.paths.names.skill_equivalents)."""

    skill: Ref
    names: tuple[OtherName, ...]

    def to_dict(self) -> dict:
        return {"skill": self.skill.to_dict(),
                "held_under": [name.to_dict() for name in self.names]}

    def text(self) -> str:
        """e.g. ``C++ (O*NET 29.2 tool or technology 'C++' and ESCO v1.2 knowledge area
        'C++', exact matches)``: the names grouped by their mapping, exact ones first."""
        parts = []
        for relation in sorted({n.relation for n in self.names},
                               key=lambda r: (r != "exactMatch", r)):
            named = [n.text() for n in self.names if n.relation == relation]
            one, many = _MAPPINGS.get(relation, (f"skos:{relation}", f"skos:{relation}"))
            listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
            parts.append(f"{listed}, {one if len(named) == 1 else many}")
        return f"{self.skill.label} ({'; '.join(parts)})"


class Path(NamedTuple):
    roles: tuple[Ref, ...]
    steps: tuple[Step, ...]
    total_new_skills: int
    years: int | None  # most years any role entered asks for; None when none says
    skills_held_at_start: int
    skills_used: int  # of those, how many a later role on the path requires
    skills_from_role: int = 0  # of those held at the start, how many FROM requires
    #: of the skills held at the start that the path requires, those held under another name
    held_as: tuple[HeldAs, ...] = ()

    @property
    def total_steps(self) -> int:
        return len(self.steps)

    @property
    def total_price(self) -> int:
        """What the path's moves cost in skill-equivalents (ranked with its new skills)."""
        return sum(step.price for step in self.steps)

    def to_dict(self) -> dict:
        return {
            "roles": [r.to_dict() for r in self.roles],
            "steps": [s.to_dict() for s in self.steps],
            "total_new_skills": self.total_new_skills,
            "total_steps": self.total_steps,
            "total_move_price": self.total_price,
            "years": self.years,
            "skills_held_at_start": self.skills_held_at_start,
            "skills_from_role": self.skills_from_role,
            "skills_used": self.skills_used,
            "held_under_other_names": [h.to_dict() for h in self.held_as],
        }


class Bound(NamedTuple):
    """How far a path found by the fallback can be from the best (in the ranked measure)."""

    method: str
    labels: int  # labels the exact search created before it gave up (0: not tried)
    lower_bound: int  # no path does better than this
    found: int  # what the reported path achieves
    roles_between: int = 0  # roles on some path from FROM to TO

    def to_dict(self) -> dict:
        return {"method": self.method, "labels_explored": self.labels,
                "roles_between": self.roles_between,
                "lower_bound": self.lower_bound, "found": self.found,
                "at_most_worse_by": self.found - self.lower_bound}


@dataclass
class PathResult:
    """The answer to ``aikg path``: the best path, the alternatives, and how it was found."""

    from_: Ref
    to: Ref
    by: str
    best: Path
    alternatives: list[Path] = field(default_factory=list)
    #: (skill, what it did): "used" (the best answer is worse without it), "tie" (the path
    #: counts it as held, but another path ranks the same without it), "from-role" (FROM
    #: requires it already) or "unused" (no role on the path requires it)
    have: list[tuple[Ref, str]] = field(default_factory=list)
    via: list[Ref] = field(default_factory=list)
    avoid: list[Ref] = field(default_factory=list)
    exact: bool = True
    alternatives_exact: bool = True
    bound: Bound | None = None
    notes: list[str] = field(default_factory=list)
    #: roles on the best path that list no skills: what they require is unknown, not none
    no_skill_data: list[Ref] = field(default_factory=list)
    #: roles on the best path whose skills are estimated from an aligned occupation's
    estimated: list[Estimate] = field(default_factory=list)
    #: FROM's namesakes in other vocabularies whose skills count as held (skos:exactMatch):
    #: kg.paths.same.SameOccupation records, as named_in_definition is its Mentioned or None
    same_occupation: list = field(default_factory=list)
    named_in_definition: tuple | None = None

    def to_dict(self) -> dict:
        best = self.best.to_dict()
        return {
            "from": self.from_.to_dict(), "to": self.to.to_dict(), "by": self.by,
            **{key: best[key] for key in (
                "steps", "total_new_skills", "total_steps", "total_move_price", "years",
                "skills_held_at_start", "skills_from_role", "skills_used",
                "held_under_other_names", "roles")},
            "have": [dict(ref.to_dict(), used=status == "used", status=status)
                     for ref, status in self.have],
            "via": [r.to_dict() for r in self.via],
            "avoid": [r.to_dict() for r in self.avoid],
            "exact": self.exact,
            "alternatives_exact": self.alternatives_exact,
            "bound": self.bound.to_dict() if self.bound else None,
            "notes": list(self.notes),
            "no_skill_data": [r.to_dict() for r in self.no_skill_data],
            "estimated_skills": [e.to_dict() for e in self.estimated],
            "same_occupation": [o.to_dict() for o in self.same_occupation],
            "named_in_definition": self.named_in_definition and self.named_in_definition.to_dict(),
            "alternatives": [a.to_dict() for a in self.alternatives],
        }


class Gap(NamedTuple):
    from_: Ref
    to: Ref
    new_skills: tuple[Skill, ...]
    shared: int  # skills of TO already held
    required: int  # skills TO requires
    #: of the shared skills, those held under another name (see :class:`HeldAs`)
    held_as: tuple[HeldAs, ...] = ()
    #: why the gap may be wrong: TO or FROM lists no skills ("no skill data for X")
    notes: tuple[str, ...] = ()
    move: str = ""  # for 'next --lateral': the kind of move; "" for a step up the ladder
    #: FROM or TO when its skills are estimated from an aligned occupation's
    estimated: tuple[Estimate, ...] = ()
    #: FROM or TO when the graph lists no skills for it, and none are estimated
    no_skill_data: tuple[Ref, ...] = ()
    #: FROM's namesakes in other vocabularies whose skills count as held (skos:exactMatch):
    #: kg.paths.same.SameOccupation records, as named_in_definition is its Mentioned or None
    same_occupation: tuple = ()
    named_in_definition: tuple | None = None

    def to_dict(self) -> dict:
        return {"from": self.from_.to_dict(), "to": self.to.to_dict(),
                "new_skills": [s.to_dict() for s in self.new_skills],
                "total_new_skills": len(self.new_skills),
                "shared_skills": self.shared, "required_skills": self.required,
                "held_under_other_names": [h.to_dict() for h in self.held_as],
                "notes": list(self.notes), "move": self.move or None,
                "estimated_skills": [e.to_dict() for e in self.estimated],
                "no_skill_data": [r.to_dict() for r in self.no_skill_data],
                "same_occupation": [o.to_dict() for o in self.same_occupation],
                "named_in_definition": self.named_in_definition and
                self.named_in_definition.to_dict()}


class NextRoles(NamedTuple):
    role: Ref
    options: tuple[Gap, ...]
    lateral: bool = False  # lateral moves and career changes were asked for

    def to_dict(self) -> dict:
        return {"from": self.role.to_dict(), "next": [g.to_dict() for g in self.options]}


class Skills(Sequence):
    """Skills made from their rows in a ladder's skill table when read
    (:class:`kg.paths.ladder.SkillTable`: ``skill(row)``, and ``label``, ``essential`` by row).

    ``aikg ready`` lists what each of 9,355 roles misses but prints three of each: making
    them all took 0.5 s with 1M triples of user data.
    """

    def __init__(self, rows, table) -> None:
        self._rows, self._table = rows, table

    def __getitem__(self, i):
        if isinstance(i, slice):
            return tuple(map(self._table.skill, self._rows[i]))
        return self._table.skill(self._rows[i])

    def essential_labels(self, limit: int) -> list[str]:
        """The labels of the first ``limit`` essential skills, no :class:`Skill` made."""
        essential, label = self._table.essential, self._table.label
        first = self._rows[:limit]
        if all(map(essential.__getitem__, first)):  # essential first: the usual case
            return list(map(label.__getitem__, first))
        return [label[row] for row in self._rows if essential[row]][:limit]

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[Skill]:
        return map(self._table.skill, self._rows)

    def __eq__(self, other) -> bool:
        return isinstance(other, (Skills, tuple)) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))


class Readiness(NamedTuple):
    role: Ref
    level: int | None
    held: int
    required: int
    missing: Sequence[Skill]  # essential first
    #: the share of the essential skills held, each weighted by importance/5 where rated
    score: float = 0.0
    essential_held: int = 0
    essential: int = 0

    @property
    def share(self) -> float:
        return self.held / self.required

    def to_dict(self) -> dict:
        return {"role": self.role.to_dict(), "level": self.level, "score": self.score,
                "essential_held": self.essential_held, "essential": self.essential,
                "held": self.held, "required": self.required, "share": round(self.share, 4),
                "missing": [s.to_dict() for s in self.missing]}


class Ready(NamedTuple):
    have: tuple[Ref, ...]
    roles: tuple[Readiness, ...]
    unrated: tuple[Ref, ...]  # roles the graph lists no skills for
    role: Ref | None = None  # the person's current role: its skills count as held

    def to_dict(self) -> dict:
        return {"role": self.role.to_dict() if self.role else None,
                "have": [h.to_dict() for h in self.have],
                "roles": [r.to_dict() for r in self.roles],
                "unrated": [r.to_dict() for r in self.unrated]}


def as_record(cls):
    """A named tuple made equal only to its own kind, as a frozen dataclass (see above)."""
    cls.__eq__, cls.__ne__, cls.__hash__ = _same, _not_same, tuple.__hash__
    return cls


for _record in (Ref, Estimate, Skill, Responsibility, Qualification, Experience, Step, OtherName,
                HeldAs, Path, Bound, Gap, NextRoles, Readiness, Ready):
    as_record(_record)
del _record
