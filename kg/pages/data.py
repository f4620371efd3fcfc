"""The graph pages' data, from the catalogue queries ``graph-*`` and ``ladder-*`` only.

Values come back as plain Python (labels, lines of tooltip text); nothing here is HTML.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kg.query import sparql
from kg.pages.style import class_style

_FACT_NAMES = {"skos:altLabel": "also known as", "skos:note": "note",
               "skos:notation": "notation", "skos:example": "example",
               "rdfs:comment": "comment"}
_MAX_TEXT = 400


@dataclass
class Entity:
    iri: str
    label: str
    classes: list[str]
    class_labels: list[str]
    definition: str | None
    sources: list[str]
    facts: list[tuple[str, str]]

    @property
    def cls(self) -> str:
        return self.classes[0]

    def tip(self, sections: list | None = None, kind: str | None = None) -> dict:
        """The tooltip: label, class, definition, key facts, provenance (plain text only)."""
        facts = [f"{name}: {_short(value)}" for name, value in self.facts]
        return {
            "heading": self.label,
            "kind": kind or " / ".join(self.class_labels),
            "text": _short(self.definition) if self.definition else None,
            "sections": [s for s in (sections or []) if s[1]] + ([["Facts", facts]] if facts else []),
            "source": "; ".join(self.sources) or None,
            "iri": self.iri,
        }


def _short(value) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "\u2026"


def entities(g, only: Iterable[str] | None = None) -> dict[str, Entity]:
    """Every individual of the graph (or those in ``only``), with tooltip material, by IRI.

    ``only`` asks one IRI at a time: a page that draws a few dozen roles of a graph holding
    an O*NET import need not read its hundred thousand individuals."""
    found: dict[str, Entity] = {}
    for row in _each(g, "graph-entities", only):
        iri = row["entity"]
        entity = found.get(iri)
        if entity is None:
            entity = found[iri] = Entity(iri, row.get("label") or sparql.curie(iri), [], [],
                                         row.get("definition"), [], [])
        if row["class"] not in entity.classes:
            entity.classes.append(row["class"])
            entity.class_labels.append(row.get("classLabel") or sparql.curie(row["class"]))
        source = row.get("sourceLabel") or (sparql.curie(row["source"]) if "source" in row else None)
        if source and source not in entity.sources:
            entity.sources.append(source)
    for row in _each(g, "graph-facts", only):
        entity = found.get(row["entity"])
        if entity is not None:
            name = row.get("propertyLabel") or sparql.curie(row["property"])
            entity.facts.append((_FACT_NAMES.get(name, name), _fact_value(row["value"])))
    for entity in found.values():
        pairs = sorted(zip(entity.classes, entity.class_labels), key=lambda p: (class_style(p[0])[2], p[0]))
        entity.classes = [p[0] for p in pairs]
        entity.class_labels = [p[1] for p in pairs]
    return found


def _each(g, name: str, only: Iterable[str] | None) -> Iterator[dict]:
    if only is None:
        yield from g.named(name)
        return
    import pyoxigraph as ox

    for iri in sorted(set(only)):
        for row in g.named(name, entity=ox.NamedNode(iri)):
            yield {"entity": iri, **row}


def _fact_value(value) -> str:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def links(g, known: dict[str, Entity]) -> list[dict]:
    """Every link between two individuals, one per (subject, property, object)."""
    seen = {}
    for row in g.named("graph-links"):
        if row["subject"] not in known or row["object"] not in known:
            continue
        key = (row["subject"], row["property"], row["object"])
        if key not in seen:
            seen[key] = row
    return [seen[k] for k in sorted(seen)]


def edge(row: dict, known: dict[str, Entity]) -> dict:
    """A link; the page makes its tooltip (``from → property → to``, then the basis of an
    editorial judgement) from ``prop`` and ``note``, so big pages do not repeat every label."""
    prop = row.get("propertyLabel") or sparql.curie(row["property"])
    spec = {"from": row["subject"], "to": row["object"], "prop": prop}
    if "basisLabel" in row:
        spec["note"] = row["basisLabel"] + (f": {_short(row['note'])}" if "note" in row else "")
    return spec



def ladder(g):
    """Roles with level, stage and track; steps; skills; salary figures (all from queries)."""
    roles: dict[str, dict] = {}
    for row in g.named("ladder-roles"):
        role = roles.setdefault(row["role"], {"label": row.get("label") or sparql.curie(row["role"]),
                                              "level": row.get("level"), "stage": row.get("stageLabel"),
                                              "tracks": []})
        if row.get("trackLabel") and row["trackLabel"] not in role["tracks"]:
            role["tracks"].append(row["trackLabel"])
    steps = [(r["from"], r["to"]) for r in g.named("ladder-steps")
             if r["from"] in roles and r["to"] in roles]
    skills: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in g.named("skills-for-role"):
        skills[row["role"]][row["requirement"]].append(
            row.get("skillLabel") or sparql.curie(row["skill"]))
    salaries: dict[str, list[str]] = defaultdict(list)
    for row in g.named("ladder-salaries"):
        salaries[row["role"]].append(_salary_line(row))
    return roles, steps, skills, salaries


def _salary_line(row: dict) -> str:
    amount = " ".join(str(row[k]) for k in ("value", "currency") if k in row)
    if row.get("unit") and row.get("unit") != row.get("currency"):
        amount += f" {row['unit']}"
    details = [str(row[k]) for k in ("kindLabel", "regionLabel", "periodStart") if k in row]
    if "percentile" in row:
        details.append(f"percentile {row['percentile']}")
    name = row.get("figureLabel") or sparql.curie(row["figure"])
    return f"{amount} \u2014 {name}" + (f" ({', '.join(details)})" if details else "")



