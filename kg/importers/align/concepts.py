"""The concepts to align, read from a store: occupations and skills with their names."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.importers.align.model import vocabulary

QUERIES = Path(__file__).parent


@dataclass
class Concept:
    """An occupation or skill of one vocabulary, with every name it goes by."""

    iri: str
    label: str
    vocab: str
    notation: str = ""
    definition: str = ""
    kind: str = ""
    hot: bool = False
    alternatives: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [self.label, *self.alternatives]


def _rows(store: ox.Store, name: str):
    """The rows of one of this package's queries, every value as text ('' when unbound)."""
    results = store.query((QUERIES / f"{name}.rq").read_text(encoding="utf-8"))
    names = [v.value for v in results.variables]
    for solution in results:
        yield {n: (solution[n].value if solution[n] is not None else "") for n in names}


def read(store: ox.Store) -> tuple[list[Concept], list[Concept]]:
    """The occupations and skills of the known vocabularies (O*NET, ESCO, the guide), each
    with its alternative labels, in a stable order."""
    occupations, skills = {}, {}
    for row in _rows(store, "align-occupations"):
        vocab = vocabulary(row["concept"])
        if vocab:
            occupations[row["concept"]] = Concept(row["concept"], row["label"], vocab,
                                                  row.get("notation", ""), row.get("definition", ""))
    for row in _rows(store, "align-skills"):
        vocab = vocabulary(row["concept"])
        if vocab and row["concept"] not in occupations:
            skills[row["concept"]] = Concept(row["concept"], row["label"], vocab,
                                             kind=row.get("kind", "").rsplit("#", 1)[-1],
                                             hot=row.get("hot") == "true")
    for row in _rows(store, "align-names"):
        concept = occupations.get(row["concept"]) or skills.get(row["concept"])
        if concept is not None:
            concept.alternatives.append(row["name"])
    for concept in (*occupations.values(), *skills.values()):
        concept.alternatives.sort()
    return sorted(occupations.values(), key=_order), sorted(skills.values(), key=_order)


def _order(concept: Concept) -> str:
    return concept.iri
