"""Skills an occupation's own definition names, where it lists no skills of its own.

O*NET 29.2 has no Skills or Knowledge rows for Data Scientists, yet defines them as applying
"data mining, data modeling, natural language processing, and machine learning". A person in
such an occupation holds what its definition says they do (``occupation-definitions``), and
that is all it is used for: it is never what the occupation asks of someone entering it.

A skill is named when one of its labels (or one of its other names, :mod:`kg.paths.names`)
of two words or more appears in the definition as whole words, case aside, within one clause
(between punctuation marks: "Research, design, and develop" names no "research design"). A
one-word label names too much: "design", "science", or "Less", a style-sheet language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: a clause: the text between two punctuation marks
CLAUSE = re.compile(r"[^,;:.()!?\"]+")
#: a word, as labels and definitions are split alike ("AI/ML", "C++", "large-scale" whole)
WORD = re.compile(r"[\w+#/'-]+")


def mentioned_skills(graph, definitions: Iterable[dict]) -> dict[str, tuple[str, ...]]:
    """Per role of ``graph`` with no skill data of its own (``known`` false), the skills of
    the ladder (representatives) that its definition names, by IRI."""
    labels: dict[tuple[str, ...], str] = {}
    for iri, skill in graph.graph["skills"].items():
        _add(labels, skill.label, iri)
    for rep, names in graph.graph.get("skill_names", {}).items():
        for name in names:
            _add(labels, name[1], rep)
    longest = max(map(len, labels), default=0)
    found: dict[str, tuple[str, ...]] = {}
    for row in definitions:
        role = row["occupation"]
        if role not in graph or graph.nodes[role].get("known", True):
            continue
        named = set(found.get(role, ()))
        for clause in CLAUSE.findall(row["definition"].casefold()):
            words = WORD.findall(clause)
            for size in range(2, longest + 1):  # two words or more
                for start in range(len(words) - size + 1):
                    iri = labels.get(tuple(words[start:start + size]))
                    if iri is not None:
                        named.add(iri)
        if named:
            found[role] = tuple(sorted(named))
    return found


def _add(labels: dict, label: str, iri: str) -> None:
    labels.setdefault(tuple(WORD.findall(label.casefold())), iri)
