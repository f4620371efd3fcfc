"""Offline HTML reference documentation of the ontology (``aikg docs``).

One self-contained page (no scripts, no fonts, no network): the ontology's metadata, then
every class (label, IRI, definition, superclasses, subclasses, the properties whose domain or
range it is, its individuals) and every property (kind, label, definition, domain, range,
superproperty, inverse). Everything comes from three catalogue queries
(``ontology-classes``, ``ontology-properties``, ``class-members``) plus ``ontology-metadata``;
all text is HTML-escaped by Jinja2's autoescaping. Same graph, same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.query.sparql import curie
from kg.store.release import NS, ONTOLOGY_IRI

OWL = "http://www.w3.org/2002/07/owl#"
KIND_NAMES = {
    OWL + "ObjectProperty": "Object property",
    OWL + "DatatypeProperty": "Datatype property",
    OWL + "AnnotationProperty": "Annotation property",
}
PAGE = "index.html"


@dataclass
class Term:
    iri: str
    label: str = ""
    definition: str = ""
    comment: str = ""
    kind: str = ""
    functional: bool = False
    parents: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    inverses: list[str] = field(default_factory=list)
    as_domain: list[str] = field(default_factory=list)
    as_range: list[str] = field(default_factory=list)
    members: list[dict] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return anchor(self.iri)

    @property
    def curie(self) -> str:
        return curie(self.iri)


def anchor(iri: str) -> str:
    """The HTML id of a term: its local name for ``ail:`` terms, else a slug of its CURIE."""
    if iri.startswith(NS):
        return iri[len(NS):]
    return re.sub(r"[^A-Za-z0-9_-]+", "-", curie(iri)).strip("-")


def _add(values: list[str], value: str | None) -> None:
    if value is not None and value not in values:
        values.append(value)


def collect(graph) -> dict:
    """What the page shows, as plain data (terms sorted by label, then IRI)."""
    classes: dict[str, Term] = {}
    for row in graph.named("ontology-classes"):
        term = classes.setdefault(row["class"], Term(row["class"]))
        term.label = row.get("label", term.label)
        term.definition = row.get("definition", term.definition)
        term.comment = row.get("comment", term.comment)
        _add(term.parents, row.get("parent"))
    properties: dict[str, Term] = {}
    for row in graph.named("ontology-properties"):
        term = properties.setdefault(row["property"], Term(row["property"]))
        term.kind = KIND_NAMES[row["kind"]]
        term.label = row.get("label", term.label)
        term.definition = row.get("definition", term.definition)
        term.functional = bool(row.get("functional"))
        for key, values in (("domain", term.domains), ("range", term.ranges),
                            ("parent", term.parents), ("inverse", term.inverses)):
            value = row.get(key)
            if value is not None and not value.startswith("_:"):
                _add(values, value)
    for row in graph.named("class-members"):
        if row["class"] in classes and row["individual"] not in classes \
                and row["individual"] not in properties:
            classes[row["class"]].members.append(row)
    for term in classes.values():
        for parent in term.parents:
            if parent in classes:
                _add(classes[parent].children, term.iri)
    for prop in properties.values():
        for domain in prop.domains:
            if domain in classes:
                _add(classes[domain].as_domain, prop.iri)
        for range_ in prop.ranges:
            if range_ in classes:
                _add(classes[range_].as_range, prop.iri)
    metadata = {}
    for row in graph.named("ontology-metadata"):
        metadata.setdefault(curie(row["property"]), []).append(row["value"])

    def order(terms):
        return sorted(terms, key=lambda t: (not t.iri.startswith(NS), t.label.casefold(), t.iri))

    labels = {iri: t.label for iri, t in {**classes, **properties}.items() if t.label}
    return {
        "metadata": metadata,
        "classes": order(classes.values()),
        "property_groups": [
            (kind, order(p for p in properties.values() if p.kind == kind))
            for kind in KIND_NAMES.values()
        ],
        "known": {**{i: t.anchor for i, t in classes.items()},
                  **{i: t.anchor for i, t in properties.items()}},
        "labels": labels,
        "individuals": sum(len(t.members) for t in classes.values()),
    }


def render_html(graph) -> str:
    """The reference page for ``graph`` (a :class:`kg.graph.KnowledgeGraph`)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kg", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    data = collect(graph)

    def ref(iri: str) -> dict:
        return {"iri": iri, "curie": curie(iri), "anchor": data["known"].get(iri),
                "label": data["labels"].get(iri, ""),
                "external": iri.startswith(("http://", "https://"))}

    env.globals["ref"] = ref
    return env.get_template("docs.html").render(ontology_iri=ONTOLOGY_IRI, **data)


def write_docs(graph, directory: Path | str = "docs") -> Path:
    """Write ``index.html`` into ``directory`` (created if missing); returns the page's path."""
    from kg.store.io import atomic_write, ensure_folder

    page = ensure_folder(directory) / PAGE
    atomic_write(page, render_html(graph).encode("utf-8"))
    return page
