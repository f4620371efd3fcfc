"""Everything about one entity, grouped for a reader: ``aikg describe``."""

from __future__ import annotations

from collections import defaultdict

from kg.query import catalogue, ratings as rating_rows
from kg.terminal import escape

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SOURCE = "http://purl.org/dc/terms/source"
OWL_NAMED_INDIVIDUAL = "http://www.w3.org/2002/07/owl#NamedIndividual"
#: how many values of one property the text card shows (JSON lists them all)
SHOWN = rating_rows.SHOWN


def describe(graph, iri: str, rows: list[dict] | None = None) -> dict:
    """A card: label, alternative labels, classes, definition, facts, links, provenance
    (with the attribution the cited sources' licences ask for, ``dcterms:rights``).

    ``rows``: the statements in ``entity-facts``' shape, when the caller chose them (the
    server's pages of a large class); by default all of them, from ``entity-facts``.
    """
    if rows is None:
        rows = graph.query(catalogue.get("entity-facts").text, entity=iri)
    card = {"iri": iri, "curie": graph.curie(iri), "label": graph.label(iri),
            "altLabels": [], "classes": [], "definition": None, "facts": {},
            "links": {}, "linked_from": {}, "sources": [], "editorial": []}
    facts, links, linked_from = defaultdict(list), defaultdict(list), defaultdict(list)
    for row in rows:
        prop, value = row["property"], row["value"]
        name = row.get("propertyLabel") or graph.curie(prop)
        if row["direction"] == "in":
            linked_from[name].append(_ref(graph, value, row))
            continue
        if prop == SKOS + "altLabel":
            card["altLabels"].append(value)
        elif prop == SKOS + "definition":
            card["definition"] = value
        elif prop == RDF_TYPE:
            if value != OWL_NAMED_INDIVIDUAL:
                card["classes"].append(_ref(graph, value, row))
        elif prop == SOURCE:
            card["sources"].append(_ref(graph, value, row))
        elif prop == RDFS + "label":
            continue
        elif isinstance(value, str) and value.startswith(("http://", "https://", "urn:")):
            ref = _ref(graph, value, row)
            links[name].append(ref)
            if row.get("basis"):
                card["editorial"].append({"property": name, **ref})
        else:
            facts[name].append(value)
    card["facts"], card["links"], card["linked_from"] = dict(facts), dict(links), dict(linked_from)
    # an occupation's ratings by label (the statements name only the rating nodes): asked
    # for only when the statements show some, the query would cost the rest for nothing
    rated = any(r["property"] == rating_rows.RATED_OCCUPATION and r["direction"] == "in"
                for r in rows)
    card["ratings"] = rating_rows.ratings(graph, iri) if rated else []
    rights = graph.query(catalogue.get("attributions").text, entity=iri)
    card["attribution"] = sorted({row["rights"] for row in rights})
    return card


def _ref(graph, iri, row) -> dict:
    ref = {"iri": iri, "label": graph.label(iri) if isinstance(iri, str) else str(iri)}
    if row.get("basis"):
        ref["basis"] = graph.label(row["basis"])
        if row.get("note"):
            ref["note"] = row["note"]
    return ref


def render(card: dict, markdown: bool = False) -> str:
    """The card as text for a terminal, or as Markdown; control characters in the data show
    as escapes (:mod:`kg.terminal`)."""
    head = "## " if markdown else ""
    item = "- " if markdown else "  "
    out = [f"{head}{card['label']}  ({card['curie']})"]
    if card["altLabels"]:
        names = sorted(card["altLabels"])
        more = f", and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
        out.append(f"{item}also known as: " + ", ".join(names[:SHOWN]) + more)
    if card["classes"]:
        out.append(f"{item}a: " + ", ".join(c["label"] for c in card["classes"]))
    if card["definition"]:
        out.append(f"{item}definition: {card['definition']}")
    ratings = card.get("ratings") or []
    for title, group in (("Facts", card["facts"]), ("Links", card["links"]),
                         ("Linked from", card["linked_from"])):
        if ratings:  # the ratings below say these by label, with their figures
            group = {name: values for name, values in group.items()
                     if not _rating_link(name, values, ratings)}
        if not group:
            continue
        out.append("")
        out.append(f"{'### ' if markdown else ''}{title}")
        for name in sorted(group):
            values = [(_show(v)) for v in group[name]]
            shown = "; ".join(values[:SHOWN])
            if len(values) > SHOWN:
                shown += f"; and {len(values) - SHOWN} more (--format json lists them all)"
            out.append(f"{item}{name}: {shown}")
    if ratings:
        out += rating_rows.lines(ratings, item, "### " if markdown else "")
    out.append("")
    out.append(f"{'### ' if markdown else ''}Provenance")
    sources = ", ".join(s["label"] for s in card["sources"]) or "none recorded"
    out.append(f"{item}source: {sources}")
    for text in card.get("attribution", ()):
        out.append(f"{item}attribution: {text}")
    for link in card["editorial"]:
        note = f" -- {link['note']}" if link.get("note") else ""
        out.append(f"{item}{link['basis']}: {link['property']} {link['label']}{note}")
    # each line is ours; a control character (a line feed included) can only come from data
    return "\n".join(escape(line) for line in out) + "\n"


def _rating_link(name: str, values: list, ratings: list[dict]) -> bool:
    """Whether a group of links is one the ratings show: the rating nodes themselves, or
    the required skills when every one of them is rated."""
    iris = {v["iri"] for v in values if isinstance(v, dict)}
    if iris and iris <= {r["rating"] for r in ratings}:
        return True
    return bool(iris) and iris <= {r["skill"] for r in ratings}


def _show(value) -> str:
    if isinstance(value, dict):
        return value["label"] + (" [editorial]" if value.get("basis") else "")
    return str(value)
