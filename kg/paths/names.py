"""Skills held under any name: the groups of skills that ``skos:exactMatch`` and
``skos:closeMatch`` link (:func:`skill_equivalents`), and the other names of each group with
the mapping, the vocabulary and the kind of each (:func:`other_names`), which the answers
print beside a skill held under another name."""

from __future__ import annotations

from collections.abc import Iterable

AIL = "https://w3id.org/ai-leadership-kg/ontology#"


def skill_equivalents(matches: Iterable[dict]) -> dict[str, str]:
    """Each skill IRI that has exact or close matches mapped to one representative of its
    group (``matches``: rows of ``skill-matches``, ``relation`` exactMatch when absent).

    A skill held under one name is held under every name of its group, and counted once
    along a path. ``skos:closeMatch`` is not transitive in SKOS; a group takes it as if it
    were (A close to B close to C: one skill), which the alignment keeps rare by stating
    closeMatch only between near-synonyms. The representative is this graph's own skill when
    the group has one (``ail:`` IRIs), else the smallest IRI, so answers speak the shipped
    vocabulary where they can.
    """
    return skill_groups(matches)[0]


def skill_relations(matches: Iterable[dict]) -> dict[str, str]:
    """How each IRI of :func:`skill_equivalents` other than its representative joins the
    group: ``exactMatch`` when exact matches alone link it to the representative, else
    ``closeMatch``."""
    return skill_groups(matches)[1]


def skill_groups(matches: Iterable[dict]) -> tuple[dict[str, str], dict[str, str]]:
    """:func:`skill_equivalents` and :func:`skill_relations` from one reading of the rows."""
    rows = list(matches)
    every = _union((row["skill"], row["match"]) for row in rows)
    exact = _union((row["skill"], row["match"]) for row in rows
                   if row.get("relation", "exactMatch") == "exactMatch")
    relation = {iri: "exactMatch" if exact.get(iri, iri) == exact.get(rep, rep) else "closeMatch"
                for iri, rep in every.items() if iri != rep}
    return every, relation


def _union(pairs) -> dict[str, str]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def rank(x: str) -> tuple:
        return (not x.startswith(AIL), x)

    for a, b in pairs:
        a, b = find(a), find(b)
        if a != b:
            low, high = sorted((a, b), key=rank)
            parent[high] = low
    return {x: find(x) for x in list(parent)}


def other_names(same: dict, relation: dict, own: dict, vocabularies: Iterable[dict]) -> dict:
    """Each group's representative mapped to its other names a role requires (a name no role
    requires made nothing held): ``[iri, label, relation, vocabulary, kind]``, the vocabulary
    ``[scheme IRI, label]`` (match-vocabularies.rq; the first scheme by IRI) or None, the
    kind the label of the skill's most specific class, from skills-for-role."""
    schemes: dict[str, list] = {}
    for row in vocabularies:
        if row["concept"] in own and row["concept"] not in schemes:  # rows come by IRI
            scheme = row["vocabulary"]
            schemes[row["concept"]] = [scheme, row.get("vocabularyLabel") or _local(scheme)]
    names: dict[str, list] = {}
    for iri, rep in same.items():
        if iri != rep and iri in own:
            label, kind = own[iri].get("skillLabel"), own[iri].get("kind")
            names.setdefault(rep, []).append(
                [iri, label or _local(iri), relation[iri], schemes.get(iri), kind])
    for listed in names.values():  # exact matches first, then by vocabulary and name
        listed.sort(key=lambda n: (n[2] != "exactMatch", n[3][1] if n[3] else "",
                                   n[1].casefold(), n[0]))
    return names


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
