"""An occupation's ratings on the describe card, by label and summarised for a reader.

O*NET rates an occupation on dozens of skills and knowledge areas and lists hundreds of
technologies (425 for Software Developers): ``aikg describe`` printed each as a rating IRI.
The card now reads them with the shipped query ``occupation-ratings`` (labels, importance,
level, hot, in demand), groups them by the kind of skill (the class's label, so an import's
own kinds flow through), and shows the first few of each group: the most important first;
for technologies, those in demand, then hot ones. The JSON card keeps every rating.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import groupby

from kg.query import catalogue

RATED_OCCUPATION = "https://w3id.org/ai-leadership-kg/ontology#ratedOccupation"
REQUIRES = ("https://w3id.org/ai-leadership-kg/ontology#requiresEssentialSkill",
            "https://w3id.org/ai-leadership-kg/ontology#requiresPreferredSkill")
#: how many of a group the text card shows (the rest are counted; JSON lists them all)
SHOWN = 10


def ratings(graph, iri: str) -> list[dict]:
    """The occupation's ratings, in the query's order (kind, then the most important)."""
    rows = graph.query(catalogue.get("occupation-ratings").text, occupation=iri)
    # figures as numbers (JSON has no decimal; O*NET's have two places)
    return [{k: float(v) if isinstance(v, Decimal) else v for k, v in row.items()
             if k != "occupation"} for row in rows]


def _rank(row: dict):
    """Within a kind: rated ones by importance then level; unrated ones in demand, then
    hot, then essential; then by label."""
    importance, level = row.get("importance"), row.get("level")
    return (importance is None, -(importance or 0), -(level or 0), not row.get("inDemand"),
            not row.get("hot"), not row.get("essential"), str(row.get("skillLabel", row["skill"])))


def lines(rows: list[dict], item: str, heading: str) -> list[str]:
    """The ratings as text lines: per kind a heading with its count, the first
    :data:`SHOWN`, and how many more there are."""
    out = []
    ordered = sorted(rows, key=lambda r: (str(r.get("kind", "")), _rank(r)))
    groups = [(kind, list(group)) for kind, group in
              groupby(ordered, key=lambda r: str(r.get("kind") or "skill"))]
    # the groups rated on importance and level first: what the occupation needs most
    groups.sort(key=lambda g: not any("importance" in r or "level" in r for r in g[1]))
    for kind, group in groups:
        rated = any("importance" in r or "level" in r for r in group)
        flagged = sum(1 for r in group if r.get("inDemand") or r.get("hot"))
        about = ("importance / level" if rated else
                 f"{flagged} hot or in demand" if flagged else "unrated")
        out += ["", f"{heading}{kind} ({len(group)}; {about})"]
        for row in group[:SHOWN]:
            out.append(f"{item}{row.get('skillLabel', row['skill'])}{_detail(row)}")
        if len(group) > SHOWN:
            out.append(f"{item}and {len(group) - SHOWN} more (--format json lists them all)")
    return out


def _detail(row: dict) -> str:
    parts = []
    if "importance" in row or "level" in row:
        parts.append(f"{_number(row.get('importance'))} / {_number(row.get('level'))}")
    parts += [word for key, word in (("inDemand", "in demand"), ("hot", "hot"))
              if row.get(key)]
    parts.append("essential" if row.get("essential") else "preferred")
    return "  (" + ", ".join(parts) + ")"


def _number(value) -> str:
    return "-" if value is None else f"{float(value):g}"
