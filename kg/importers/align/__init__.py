"""Alignment between vocabularies: ESCO and O*NET occupations, skills across the guide, O*NET
and ESCO, as SKOS mappings with their score and method (see docs/alignment.md).

- :func:`align` computes the automatic mappings of a store's concepts;
- :mod:`kg.importers.align.model`: a mapping and its RDF form (SKOS triple + SSSOM axiom);
- :mod:`kg.importers.align.sssom`: SSSOM tables out and in (a team's hand mappings).
"""

from __future__ import annotations

from kg.importers.align import occupations, skills
from kg.importers.align.model import Mapping, vocabulary
from kg.importers.align.concepts import read


def align(store) -> list[Mapping]:
    """The automatic mappings between the vocabularies of ``store``: ESCO -> O*NET occupations
    and skills across the guide, O*NET and ESCO. Nothing when only one vocabulary is there."""
    occupation_list, skill_list = read(store)
    vocabs = {c.vocab for c in (*occupation_list, *skill_list)}
    if len(vocabs) < 2:
        return []
    return occupations.align(occupation_list) + skills.align(skill_list)


__all__ = ["Mapping", "align", "vocabulary"]
