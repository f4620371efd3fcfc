"""How messages name entities: a plural, and the candidates of an ambiguous name."""

from __future__ import annotations

#: the vocabularies of some concepts: the skos:ConceptScheme each is stated in, or that its
#: source is part of (as match-vocabularies.rq reads it)
VOCABULARY_OF = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?concept ?label WHERE {
  VALUES ?concept { ?VALUES }
  ?concept skos:inScheme|(dcterms:source/dcterms:isPartOf*) ?vocabulary .
  ?vocabulary rdf:type skos:ConceptScheme ; rdfs:label ?label .
} ORDER BY ?concept ?label
"""


def candidates(graph, iris: list[str]) -> str:
    """``IRI (label, vocabulary)`` for each of ``iris`` (IRIs the store holds): which one is
    which, and how to name it."""
    values = " ".join(f"<{iri}>" for iri in iris)
    schemes: dict[str, list[str]] = {}
    for row in graph.query(VOCABULARY_OF.replace("?VALUES", values)):
        schemes.setdefault(row["concept"], []).append(row["label"])
    return "; ".join(
        f"{graph.curie(iri)} ({', '.join([graph.label(iri), *schemes.get(iri, [])])})"
        for iri in iris)


def plural(noun: str) -> str:
    """'role' -> 'roles', 'entity' -> 'entities'."""
    return noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"
