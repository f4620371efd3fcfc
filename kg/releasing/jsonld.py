"""JSON-LD that reads as plain JSON: the context and a deterministic compaction.

``ontology/context.jsonld`` maps short names (``label``, ``progressesTo``, ``Role``) to the
ontology's IRIs and says how values are typed (object properties hold IRIs, ``seniorityLevel``
is an integer, labels are English). It is generated from the TBox by :func:`build_context`
and committed; a test checks that it covers every term.

:func:`compact_jsonld` writes a graph as one JSON document with that context inline:
``{"@context": {...}, "@graph": [node, ...]}``, nodes sorted by (compact) ``@id``, blank nodes that are
used once nested where they are used (axiom annotations stay top-level), RDF lists as
``@list``, integers and booleans as JSON numbers and booleans. Expanding the output gives back
exactly the input triples (tested with rdflib and pyoxigraph).

>>> import json
>>> doc = json.loads(compact_jsonld(
...     '<https://w3id.org/ai-leadership-kg/ontology#AIEngineer> '
...     '<http://www.w3.org/2000/01/rdf-schema#label> "AI Engineer"@en .'))
>>> doc["@graph"]
[{'@id': 'ail:AIEngineer', 'label': 'AI Engineer'}]
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox

from kg.store.release import NS, PREFIXES, ontology_dir

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
OWL = PREFIXES["owl"]
XSD = PREFIXES["xsd"]
SKOS = PREFIXES["skos"]
DCTERMS = PREFIXES["dcterms"]

CONTEXT_FILE = "context.jsonld"

# Terms from other vocabularies that a web developer meets in the release.
# name -> (IRI, value type or None, language, multi-valued)
STANDARD_TERMS = {
    "label": (RDFS + "label", None, "en", False),
    "comment": (RDFS + "comment", None, "en", False),
    "altLabel": (SKOS + "altLabel", None, "en", True),
    "definition": (SKOS + "definition", None, "en", False),
    "note": (SKOS + "note", None, "en", True),
    "example": (SKOS + "example", None, "en", True),
    "closeMatch": (SKOS + "closeMatch", "@id", None, True),
    "broadMatch": (SKOS + "broadMatch", "@id", None, True),
    "exactMatch": (SKOS + "exactMatch", "@id", None, True),
    "title": (DCTERMS + "title", None, "en", False),
    "description": (DCTERMS + "description", None, "en", False),
    "source": (DCTERMS + "source", "@id", None, True),
    "isPartOf": (DCTERMS + "isPartOf", "@id", None, False),
    "license": (DCTERMS + "license", "@id", None, False),
    "isDefinedBy": (RDFS + "isDefinedBy", "@id", None, False),
    "subClassOf": (RDFS + "subClassOf", "@id", None, True),
    "subPropertyOf": (RDFS + "subPropertyOf", "@id", None, True),
    "domain": (RDFS + "domain", "@id", None, False),
    "range": (RDFS + "range", "@id", None, False),
    "inverseOf": (OWL + "inverseOf", "@id", None, False),
    "versionIRI": (OWL + "versionIRI", "@id", None, False),
    "versionInfo": (OWL + "versionInfo", None, None, False),
    "annotatedSource": (OWL + "annotatedSource", "@id", None, False),
    "annotatedProperty": (OWL + "annotatedProperty", "@id", None, False),
    "annotatedTarget": (OWL + "annotatedTarget", "@id", None, False),
}


# -- the context ---------------------------------------------------------------------------
def _objects(triples: list[ox.Triple], s: str, p: str) -> list:
    return [t.object for t in triples if t.subject.value == s and t.predicate.value == p]


def build_context(tbox) -> dict:
    """The JSON-LD context for a TBox (N-Triples/Turtle path, bytes or an iterable of triples).

    Every class and property in the ``ail:`` namespace gets a term named by its local name;
    object properties hold IRIs, datatype properties their range's datatype, functional ones a
    single value and the others an array.
    """
    triples = _triples(tbox)
    kinds: dict[str, set[str]] = {}
    for t in triples:
        if t.predicate.value == RDF + "type" and isinstance(t.subject, ox.NamedNode):
            kinds.setdefault(t.subject.value, set()).add(t.object.value)
    # JSON-LD 1.0 on purpose (no "@version": 1.1): Jena's 1.1 reader cannot run on Debian (no
    # Jakarta JSON provider is packaged), its 1.0 reader refuses 1.1 contexts, and nothing
    # here needs 1.1. ``type`` is always written as an array all the same.
    context: dict = {}
    for name, iri in sorted(PREFIXES.items()):
        if name != "sh":
            context[name] = iri
    context["id"] = "@id"
    context["type"] = "@type"
    for name, (iri, vtype, lang, multi) in STANDARD_TERMS.items():
        context[name] = _term(iri, vtype, lang, multi)
    for iri in sorted(k for k in kinds if k.startswith(NS) and re.fullmatch(r"\w+", k[len(NS):])):
        local, types = iri[len(NS):], kinds[iri]
        if OWL + "Class" in types:
            context[local] = "ail:" + local
            continue
        multi = OWL + "FunctionalProperty" not in types
        ranges = [o.value for o in _objects(triples, iri, RDFS + "range")
                  if isinstance(o, ox.NamedNode)]
        if OWL + "ObjectProperty" in types:
            context[local] = _term(iri, "@id", None, multi)
        elif types & {OWL + "DatatypeProperty", OWL + "AnnotationProperty"}:
            datatype = ranges[0] if len(ranges) == 1 and ranges[0].startswith(XSD) else None
            if datatype == XSD + "string":
                datatype = None
            if ranges and not datatype and not ranges[0].startswith(XSD) and ranges[0] != RDFS + "Literal":
                context[local] = _term(iri, "@id", None, multi)  # annotation pointing at things
            else:
                language = "en" if OWL + "AnnotationProperty" in types and not datatype and not ranges else None
                context[local] = _term(iri, _curie(datatype) if datatype else None, language, multi)
    return {"@context": context}


def _term(iri: str, vtype: str | None, language: str | None, multi: bool) -> dict:
    term: dict = {"@id": _curie(iri)}
    if vtype:
        term["@type"] = vtype
    if language:
        term["@language"] = language
    if multi:
        term["@container"] = "@set"
    return term


def context_path() -> Path:
    return ontology_dir() / CONTEXT_FILE


def load_context() -> dict:
    """The committed context (``ontology/context.jsonld``), as a dict with ``@context``."""
    return json.loads(context_path().read_text(encoding="utf-8"))


def context_text(tbox) -> str:
    """``build_context`` as the text committed in ``ontology/context.jsonld``."""
    return json.dumps(build_context(tbox), indent=2, ensure_ascii=False) + "\n"


def write_context(tbox=None, path: Path | None = None) -> Path:
    """Regenerate ``ontology/context.jsonld`` from the TBox (default ``ontology/ai_leadership.ttl``)."""
    from kg.store.io import atomic_write

    target = path or context_path()
    source = tbox if tbox is not None else ontology_dir() / "ai_leadership.ttl"
    atomic_write(target, context_text(source).encode("utf-8"))
    return target


# -- compaction ----------------------------------------------------------------------------
def _triples(source) -> list[ox.Triple]:
    """Triples from N-Triples/Turtle bytes or text, a file path, a pyoxigraph Store, an
    rdflib Graph, a :class:`kg.graph.KnowledgeGraph` or an iterable of triples/quads."""
    if hasattr(source, "store") and hasattr(source, "triples"):  # KnowledgeGraph
        source = source.triples()
    if isinstance(source, ox.Store):
        source = source.quads_for_pattern(None, None, None, ox.DefaultGraph())
    if hasattr(source, "serialize") and hasattr(source, "triples") and not isinstance(source, ox.Store):
        source = source.serialize(format="nt", encoding="utf-8")  # rdflib.Graph
    if isinstance(source, Path):
        fmt = ox.RdfFormat.TURTLE if source.suffix == ".ttl" else ox.RdfFormat.N_TRIPLES
        return [q.triple for q in ox.parse(path=str(source), format=fmt)]
    if isinstance(source, str):
        source = source.encode("utf-8")
    if isinstance(source, bytes):
        fmt = ox.RdfFormat.TURTLE if b"@prefix" in source or b"PREFIX" in source else ox.RdfFormat.N_TRIPLES
        return [q.triple for q in ox.parse(source, format=fmt)]
    return [q.triple if isinstance(q, ox.Quad) else q for q in source]


def _canonical(triples: list[ox.Triple]) -> list[ox.Triple]:
    """Triples with blank nodes renamed canonically (RDFC-1.0), so output is deterministic."""
    if not any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
               for t in triples):
        return triples
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return [q.triple for q in dataset]


def _curie(iri: str) -> str:
    for name, base in PREFIXES.items():
        if iri.startswith(base) and re.fullmatch(r"[A-Za-z_][\w.-]*", iri[len(base):]) \
                and not iri[len(base):].endswith("."):
            return f"{name}:{iri[len(base):]}"
    return iri


class _Compactor:
    def __init__(self, context: dict, triples: list[ox.Triple]):
        ctx = context["@context"]
        self.by_iri: dict[str, tuple[str, dict]] = {}
        self.class_terms: dict[str, str] = {}
        for name, term in ctx.items():
            if name.startswith("@") or name in PREFIXES or name in ("id", "type"):
                continue
            if isinstance(term, str):
                self.class_terms[self._expand(term)] = name
            else:
                self.by_iri.setdefault(self._expand(term["@id"]), (name, term))
        self.props: dict[ox.NamedNode | ox.BlankNode, dict[str, list]] = {}
        self.refs: dict[ox.BlankNode, int] = {}
        for t in triples:
            self.props.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)
            if isinstance(t.object, ox.BlankNode):
                self.refs[t.object] = self.refs.get(t.object, 0) + 1
        self.emitted: set = set()

    @staticmethod
    def _expand(curie: str) -> str:
        prefix, _, local = curie.partition(":")
        return PREFIXES[prefix] + local if prefix in PREFIXES and not local.startswith("//") else curie

    def _list_items(self, node: ox.BlankNode) -> list | None:
        items, seen = [], set()
        while isinstance(node, ox.BlankNode):
            props = self.props.get(node, {})
            if node in seen or set(props) != {RDF + "first", RDF + "rest"} \
                    or self.refs.get(node, 0) != 1 or len(props[RDF + "first"]) != 1 \
                    or len(props[RDF + "rest"]) != 1:
                return None
            seen.add(node)
            items.append(props[RDF + "first"][0])
            node = props[RDF + "rest"][0]
        if not (isinstance(node, ox.NamedNode) and node.value == RDF + "nil"):
            return None
        for item in seen:
            self.emitted.add(item)
        return items

    def value(self, obj, term: dict | None):
        vtype = term.get("@type") if term else None
        language = term.get("@language") if term else None
        if isinstance(obj, ox.NamedNode):
            return _curie(obj.value) if vtype == "@id" else {"@id": _curie(obj.value)}
        if isinstance(obj, ox.BlankNode):
            if obj not in self.emitted and self.refs.get(obj, 0) == 1:
                items = self._list_items(obj)
                if items is not None:
                    return {"@list": [self.value(i, None) for i in items]}
                return self.node(obj, with_id=False)
            return {"@id": "_:" + obj.value}
        datatype = obj.datatype.value
        if obj.language:
            if language == obj.language:
                return obj.value
            return {"@value": obj.value, "@language": obj.language}
        if datatype == XSD + "string":
            return obj.value if not (vtype or language) else {"@value": obj.value}
        native = _native(obj.value, datatype)
        if vtype and self._expand(vtype) == datatype:
            return obj.value if native is None else native
        if native is not None and not vtype:
            return native
        return {"@value": obj.value, "@type": _curie(datatype)}

    def node(self, subject, with_id: bool = True) -> dict:
        self.emitted.add(subject)
        out: dict = {}
        if with_id:
            out["@id"] = _curie(subject.value) if isinstance(subject, ox.NamedNode) else "_:" + subject.value
        props = self.props.get(subject, {})
        if RDF + "type" in props:
            out["type"] = sorted(
                self.class_terms.get(o.value, _curie(o.value)) if isinstance(o, ox.NamedNode)
                else "_:" + o.value for o in props[RDF + "type"])
        entries = []
        for predicate, objects in props.items():
            if predicate == RDF + "type":
                continue
            name, term = self.by_iri.get(predicate, (_curie(predicate), None))
            values = sorted((self.value(o, term) for o in objects), key=_sort_key)
            single = len(values) == 1 and not (term and term.get("@container") == "@set")
            entries.append((name, values[0] if single else values))
        for name, value in sorted(entries, key=lambda e: e[0]):
            out[name] = value
        return out


def _native(lexical: str, datatype: str):
    if datatype == XSD + "integer" and re.fullmatch(r"-?(0|[1-9][0-9]*)", lexical) \
            and abs(int(lexical)) < 2 ** 53:
        return int(lexical)
    if datatype == XSD + "boolean" and lexical in ("true", "false"):
        return lexical == "true"
    return None


def _sort_key(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def compact_jsonld(source, context: dict | None = None) -> bytes:
    """The graph as compact, deterministic JSON-LD with the context inline (UTF-8 bytes).

    ``source``: N-Triples or Turtle (bytes, text or a path), a pyoxigraph Store, an rdflib
    Graph or a :class:`kg.graph.KnowledgeGraph`. ``context`` defaults to the committed
    ``ontology/context.jsonld``.
    """
    context = context or load_context()
    triples = _canonical(_triples(source))
    compactor = _Compactor(context, triples)
    named = sorted((s for s in compactor.props if isinstance(s, ox.NamedNode)),
                   key=lambda s: _curie(s.value))
    graph = [compactor.node(s) for s in named]
    blank = sorted((s for s in compactor.props if isinstance(s, ox.BlankNode)), key=lambda s: s.value)
    roots = [compactor.node(s, with_id=False) for s in blank if compactor.refs.get(s, 0) == 0]
    graph += sorted(roots, key=_sort_key)
    # Blank nodes used more than once (or in cycles) stay top-level with their canonical label.
    graph += [compactor.node(s) for s in blank if s not in compactor.emitted]
    document = {"@context": context["@context"], "@graph": graph}
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
