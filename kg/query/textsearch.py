"""``aikg search`` from the full-text index kept beside a workspace store.

The shipped queries ``search`` and ``search-in-class`` stay the definition of the answer (and
what the release alone and remote endpoints run). :func:`keep_index` stores, once per merged
store, what they read: every text (label, alternative label, definition) of a labelled
entity, the entity's label rows with the type the query gives them, and its classes.
:func:`answer` then gives the query's answer from the index, as W3C SPARQL JSON results: the
same columns, the same rows (the exact ``CONTAINS(LCASE(...))`` test on each candidate), the
same order (label hits first, then by label and entity), so every output format is written
by the same code as a query's.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from kg.query import catalogue, sparql
from kg.store import fulltext

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")
SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
#: where a text is found, in the order the query's UNION lists them
KINDS = {"label": ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
         "altLabel": ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
         "definition": ox.NamedNode("http://www.w3.org/2004/02/skos/core#definition")}


def keep_index(graph, folder: Path) -> bool:
    """Index the texts of ``graph`` (a KnowledgeGraph over a merged store being written to
    ``folder``); best effort, False when it could not be kept."""
    store = graph.store
    # the label rows and their type: the query itself, with a text every text contains
    results = graph.run(catalogue.get("search").text, {"text": ox.Literal("")})
    names = [v.value for v in results.variables]
    entities = []
    for solution in results:
        row = dict(zip(names, solution))
        label, type_ = row["label"], row.get("type")
        entities.append((_key(row["entity"]), _text(label), _lang(label),
                         type_ and _text(type_), _lang(type_)))
    labelled = {e[0] for e in entities}
    texts = [(_text(q.object), _key(q.subject), kind) for kind, prop in KINDS.items()
             for q in store.quads_for_pattern(None, prop, None, graph.graph_name and
                                              ox.NamedNode(graph.graph_name))
             if _key(q.subject) in labelled]
    return fulltext.write(folder, texts, entities, _classes(store, labelled))


def _classes(store, labelled: set[str]):
    """(entity, class) for ``?entity a/rdfs:subClassOf* ?class``."""
    broader = defaultdict(set)
    for q in store.quads_for_pattern(None, SUBCLASS, None):
        broader[_key(q.subject)].add(_key(q.object))
    closure: dict[str, set[str]] = {}

    def above(cls: str) -> set[str]:
        if cls not in closure:
            closure[cls] = {cls}  # a cycle of subclasses ends here
            seen, todo = {cls}, [cls]
            while todo:
                for parent in broader.get(todo.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            closure[cls] = seen
        return closure[cls]

    pairs = set()
    for q in store.quads_for_pattern(None, RDF_TYPE, None):
        entity = _key(q.subject)
        if entity in labelled:
            pairs.update((entity, c) for c in above(_key(q.object)))
    return sorted(pairs)


def search(graph, text: str, cls: str | None, limit: int):
    """What ``aikg search`` and the server's ``/api/search`` answer: pyoxigraph results, from
    the index when one is kept beside the store, else from the query (the release alone, an
    endpoint). ``cls``: the class as the user named it (a CURIE or label)."""
    named = catalogue.get("search-in-class" if cls else "search")
    values = graph.bind_params(named, {"text": text, **({"class": cls} if cls else {})})
    indexed = answer(graph, text, values.get("class"), limit)
    if indexed is not None:
        return ox.parse_query_results(indexed, format=ox.QueryResultsFormat.JSON)
    return graph.run(sparql.with_limit(named.text, limit), values)


def indexed(graph, named, values: dict):
    """The answer of the catalogue query ``named`` with ``values`` (bound terms) from the
    index, as pyoxigraph results; None when ``named`` declares no full-text index (its
    ``# index: fulltext`` line), a value is not what the query's test reads (a literal text,
    a class IRI), or no complete index is kept (the query runs instead)."""
    declared = {p.name for p in named.params}
    if named.index != "fulltext" or not declared <= {"text", "class"} or set(values) - declared:
        return None
    text, cls = values.get("text"), values.get("class")
    # the index answers for a plain string (the ?text column echoes it as one) and a class IRI
    if not isinstance(text, ox.Literal) or text.datatype != XSD_STRING \
            or not isinstance(cls, (ox.NamedNode, type(None))):
        return None
    data = answer(graph, text.value, cls, None)
    return None if data is None else ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)


def answer(graph, text: str, cls, limit: int | None) -> bytes | None:
    """The answer of ``search`` (``cls`` None) or ``search-in-class`` as SPARQL JSON results,
    from the index beside ``graph``'s store; None when there is no complete index.
    ``cls``: the class IRI (a string or a NamedNode)."""
    folder = getattr(graph, "folder", None)
    if folder is None:
        return None
    cls = getattr(cls, "value", cls)
    folded = text.lower()  # LCASE: Unicode lower case, like Python's
    found = fulltext.candidates(folder, folded, cls)
    if found is None:
        return None
    kinds = defaultdict(set)
    for entity, kind, content in found:
        if isinstance(content, str) and folded in content.lower():
            kinds[entity].add(kind)
    rows = fulltext.entities(folder, sorted(kinds))
    if rows is None:
        return None
    rows.sort(key=lambda r: ("label" not in kinds[r[0]], r[1], _order(r[0])))
    if limit is not None:
        rows = rows[:limit]
    names = ["text"] + (["class"] if cls else []) + ["entity", "label", "type", "matched"]
    bindings = []
    for entity, label, lang, type_, type_lang in rows:
        row = {"text": {"type": "literal", "value": text}, "entity": _term(entity),
               "label": _literal(label, lang),
               "matched": {"type": "literal",
                           "value": ", ".join(k for k in KINDS if k in kinds[entity])}}
        if cls:
            row["class"] = {"type": "uri", "value": cls}
        if type_ is not None:
            row["type"] = _literal(type_, type_lang)
        bindings.append(row)
    return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}).encode()


def _key(term) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term if isinstance(term, str) else term.value


def _order(key: str):
    return (not key.startswith("_:"), key)  # SPARQL orders blank nodes before IRIs


def _term(key: str) -> dict:
    if key.startswith("_:"):
        return {"type": "bnode", "value": key[2:]}
    return {"type": "uri", "value": key}


def _text(term) -> str:
    return term.value


def _lang(term) -> str | None:
    return getattr(term, "language", None) if isinstance(term, ox.Literal) else None


def _literal(value: str, lang: str | None) -> dict:
    return {"type": "literal", "value": value, **({"xml:lang": lang} if lang else {})}
