"""A mapping between two concepts of different vocabularies, and how it is stored in RDF.

Each mapping is the SKOS triple itself (``<s> skos:closeMatch <o>``, what queries and the path
commands read) plus an ``owl:Axiom`` that annotates it with the SSSOM fields, as SSSOM's own
RDF serialisation does::

    _:m a owl:Axiom ; owl:annotatedSource <s> ; owl:annotatedProperty skos:closeMatch ;
        owl:annotatedTarget <o> ;
        sssom:mapping_justification semapv:LexicalMatching ; sssom:confidence 0.82 ;
        sssom:mapping_tool "aikg align" ; sssom:mapping_set_id <...> ; sssom:comment "why" .

A hand mapping (a user's SSSOM file) that contradicts an automatic one replaces it: the
automatic axiom stays, its SKOS triple is not asserted, and it is ``dcterms:isReplacedBy`` the
hand mapping's axiom, so ``aikg mappings`` can say what was overridden.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pyoxigraph as ox

SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SSSOM = "https://w3id.org/sssom/"
SEMAPV = "https://w3id.org/semapv/vocab/"
AIL = "https://w3id.org/ai-leadership-kg/ontology#"
#: the mapping set the automatic alignment belongs to
AUTOMATIC_SET = "https://w3id.org/ai-leadership-kg/mappings/aikg-align"
TOOL = "aikg align"
#: the SKOS mapping relations a mapping may use (SSSOM predicate_id)
RELATIONS = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
#: the inverse of each relation, for reading a mapping from the other side
INVERSE = {"exactMatch": "exactMatch", "closeMatch": "closeMatch", "broadMatch": "narrowMatch",
           "narrowMatch": "broadMatch", "relatedMatch": "relatedMatch"}

#: vocabularies by the start of their IRIs (the importers' and the guide's namespaces)
VOCABULARIES = (
    ("onet", ("https://www.onetonline.org/link/summary/", "https://w3id.org/ai-leadership-kg/onet/")),
    ("esco", ("http://data.europa.eu/esco/", "https://w3id.org/ai-leadership-kg/esco/")),
    ("guide", (AIL,)),
)


def vocabulary(iri: str) -> str | None:
    """``onet``, ``esco`` or ``guide`` for a concept of one of them, else None."""
    for name, starts in VOCABULARIES:
        if iri.startswith(starts):
            return name
    return None


@dataclass(frozen=True)
class Mapping:
    """One SSSOM row: subject, SKOS relation (local name), object, and why."""

    subject: str
    predicate: str
    object: str
    justification: str  # a semapv term, local name: LexicalMatching, ManualMappingCuration...
    confidence: float | None = None
    comment: str = ""
    subject_label: str = ""
    object_label: str = ""
    mapping_set: str = AUTOMATIC_SET
    tool: str = TOOL
    replaced_by: "Mapping | None" = None

    @property
    def pair(self) -> tuple[str, str]:
        return self.subject, self.object

    def node(self) -> ox.BlankNode:
        """The axiom's blank node: the same mapping gets the same node id in every build."""
        text = "\0".join((self.subject, self.predicate, self.object, self.mapping_set))
        return ox.BlankNode("m" + hashlib.sha1(text.encode()).hexdigest()[:20])

    def quads(self) -> list[ox.Quad]:
        s, o = ox.NamedNode(self.subject), ox.NamedNode(self.object)
        p = ox.NamedNode(SKOS + self.predicate)
        a = self.node()
        out = [] if self.replaced_by else [ox.Quad(s, p, o)]
        facts = [(ox.NamedNode(OWL + "annotatedSource"), s),
                 (ox.NamedNode(OWL + "annotatedProperty"), p),
                 (ox.NamedNode(OWL + "annotatedTarget"), o),
                 (ox.NamedNode(SSSOM + "mapping_justification"),
                  ox.NamedNode(SEMAPV + self.justification)),
                 (ox.NamedNode(SSSOM + "mapping_set_id"), ox.NamedNode(self.mapping_set))]
        if self.confidence is not None:
            facts.append((ox.NamedNode(SSSOM + "confidence"),
                          ox.Literal(f"{self.confidence:.3f}", datatype=ox.NamedNode(XSD + "decimal"))))
        if self.tool:
            facts.append((ox.NamedNode(SSSOM + "mapping_tool"), ox.Literal(self.tool)))
        if self.comment:
            facts.append((ox.NamedNode(SSSOM + "comment"), ox.Literal(self.comment)))
        if self.replaced_by:
            facts.append((ox.NamedNode(DCT + "isReplacedBy"), self.replaced_by.node()))
        out.append(ox.Quad(a, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                           ox.NamedNode(OWL + "Axiom")))
        out.extend(ox.Quad(a, p_, o_) for p_, o_ in facts)
        return out
