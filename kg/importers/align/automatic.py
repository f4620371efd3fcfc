"""The automatic alignment of a store's vocabularies (:func:`align`)."""

from __future__ import annotations

from kg.importers.align import occupations, skills
from kg.importers.align.concepts import read
from kg.importers.align.model import Mapping


def align(store) -> list[Mapping]:
    """The automatic mappings between the vocabularies of ``store``: ESCO -> O*NET occupations
    and skills across the guide, O*NET and ESCO. Nothing when only one vocabulary is there."""
    occupation_list, skill_list = read(store)
    vocabs = {c.vocab for c in (*occupation_list, *skill_list)}
    if len(vocabs) < 2:
        return []
    return occupations.align(occupation_list) + skills.align(skill_list)
