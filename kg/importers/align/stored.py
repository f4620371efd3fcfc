"""The mappings a graph holds, read back for ``aikg mappings``: the alignment's, the hand ones
and the guide's own SKOS matches (which carry no SSSOM annotations: they are editorial)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kg.importers.align.model import AIL, INVERSE, SEMAPV, SKOS, SSSOM, Mapping, vocabulary

QUERY = Path(__file__).parent / "mappings.rq"
GUIDE_SET = "https://w3id.org/ai-leadership-kg/mappings/guide"
VOCABULARIES = ("guide", "esco", "onet", "other")


def read(store) -> tuple[list[Mapping], list[Mapping]]:
    """(mappings asserted, automatic mappings replaced by a hand one) in ``store``."""
    results = store.query(QUERY.read_text(encoding="utf-8"))
    names = [v.value for v in results.variables]
    asserted, replaced = [], []
    for solution in results:
        row = {n: (solution[n].value if solution[n] is not None else "") for n in names}
        editorial = not row["justification"] and row["subject"].startswith(AIL)
        mapping = Mapping(
            row["subject"], row["predicate"][len(SKOS):], row["object"],
            row["justification"][len(SEMAPV):] or (
                "ManualMappingCuration" if editorial else "UnspecifiedMatching"),
            float(row["confidence"]) if row["confidence"] else None, row["comment"],
            row["subjectLabel"], row["objectLabel"],
            row["mappingSet"] or (GUIDE_SET if editorial else ""), row["tool"])
        if row["replacedBy"]:
            s, p, o = row["replacedBy"].split(" ")
            replaced.append(replace(mapping, replaced_by=Mapping(s, p[len(SKOS):], o, "")))
        else:
            asserted.append(mapping)
    return asserted, replaced


def vocab(iri: str) -> str:
    return vocabulary(iri) or "other"


def between(mappings: list[Mapping], source: str | None, target: str | None) -> list[Mapping]:
    """The mappings from vocabulary ``source`` to ``target`` (either may be None: any),
    turned around (broadMatch read as narrowMatch) when stored the other way."""
    out = []
    for m in mappings:
        if _fits(m.subject, m.object, source, target):
            out.append(m)
        elif _fits(m.object, m.subject, source, target):
            out.append(replace(m, subject=m.object, object=m.subject,
                               predicate=INVERSE[m.predicate], subject_label=m.object_label,
                               object_label=m.subject_label))
    return out


def _fits(subject: str, object_: str, source: str | None, target: str | None) -> bool:
    return ((source is None or vocab(subject) == source)
            and (target is None or vocab(object_) == target))


__all__ = ["GUIDE_SET", "SSSOM", "VOCABULARIES", "between", "read", "vocab"]
