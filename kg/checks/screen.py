"""Which nodes pySHACL needs to see: a conservative screen of the shapes over pyoxigraph.

pySHACL takes about as long per node as it takes to build its report, so checking ten thousand
clean nodes costs minutes. :func:`suspects` reads ``shapes.ttl`` and evaluates the constraint
components it understands (counts, datatypes, language tags, ranges, classes, node kinds,
patterns, ``sh:or`` of classes, ``sh:xone`` of counts) directly on the pyoxigraph store. A node
that passes every constraint of every shape targeting it cannot get a result from pySHACL; every
other node is a suspect, and so is every target of a shape using anything the screen does not
understand (``sh:sparql`` here). Only suspects go to pySHACL, which writes the real report: the
screen never decides a failure, it only skips nodes that certainly pass.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

__all__ = ["suspects"]

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
XSD = "http://www.w3.org/2001/XMLSchema#"
# Lexical forms the screen accepts as well-typed; any other datatype makes the node a suspect.
LEXICAL = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"),
    XSD + "gYear": re.compile(r"-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?"),
    XSD + "gYearMonth": re.compile(r"-?[0-9]{4,}-(0[1-9]|1[0-2])(Z|[+-][0-9]{2}:[0-9]{2})?"),
    XSD + "boolean": re.compile(r"true|false|1|0"),
}
# Statements on a shape that constrain nothing.
INERT = {SH + "message", SH + "name", SH + "description", SH + "order", SH + "group",
         SH + "severity", "http://www.w3.org/2000/01/rdf-schema#label",
         "http://www.w3.org/2000/01/rdf-schema#comment",
         "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"}


class Unsupported(Exception):
    """A shape uses something the screen does not evaluate: its targets go to pySHACL."""


@lru_cache(maxsize=4)
def _shapes(path: str, mtime: float) -> ox.Store:
    shapes = ox.Store()
    shapes.load(path=path, format=ox.RdfFormat.TURTLE)
    return shapes


def suspects(store: ox.Store, nodes, shapes_path: Path) -> set:
    """The nodes among ``nodes`` that might fail a shape of ``shapes_path`` in ``store``."""
    shapes = _shapes(str(shapes_path), Path(shapes_path).stat().st_mtime)
    nodes = set(nodes)
    graph = _Graph(store)
    types = {n: graph.types(n) for n in nodes}
    closure = _Subclasses(store)
    out = set()
    for shape in {q.subject for q in shapes.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(SH + "NodeShape"))}:
        targets = _targets(shapes, shape, nodes, types, closure, store)
        if not targets:
            continue
        try:
            check = _node_check(shapes, shape, closure)
        except Unsupported:
            out |= targets
            continue
        out |= {n for n in targets if not check(graph, n, types[n])}
    return out


class _Graph:
    """The store, with each node's types looked up once (sh:class asks for them again and again)."""

    def __init__(self, store: ox.Store):
        self.store, self._types = store, {}

    def types(self, node) -> set:
        found = self._types.get(node)
        if found is None:
            found = {q.object for q in self.store.quads_for_pattern(node, RDF_TYPE, None)}
            self._types[node] = found
        return found

    def values(self, node, predicate: ox.NamedNode) -> list:
        return [q.object for q in self.store.quads_for_pattern(node, predicate, None)]


class _Subclasses:
    """A class and everything below it, from the store's rdfs:subClassOf statements."""

    def __init__(self, store: ox.Store):
        self.store, self.cache = store, {}

    def __call__(self, cls) -> set:
        if cls not in self.cache:
            found, todo = {cls}, [cls]
            while todo:
                for q in self.store.quads_for_pattern(None, SUBCLASS, todo.pop()):
                    if q.subject not in found:
                        found.add(q.subject)
                        todo.append(q.subject)
            self.cache[cls] = found
        return self.cache[cls]


def _values(graph: ox.Store, node, predicate: str) -> list:
    return [q.object for q in graph.quads_for_pattern(node, ox.NamedNode(predicate), None)]


def _list(graph: ox.Store, head) -> list:
    items = []
    while head != ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"):
        items += _values(graph, head, "http://www.w3.org/1999/02/22-rdf-syntax-ns#first")
        rest = _values(graph, head, "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest")
        if len(rest) != 1:
            raise Unsupported(head)
        head = rest[0]
    return items


def _targets(shapes, shape, nodes, types, closure, store) -> set:
    known = {SH + "targetClass", SH + "targetSubjectsOf", SH + "property", SH + "or", SH + "xone",
             SH + "sparql", SH + "class", SH + "nodeKind"} | INERT
    implicit = {ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#Class"),
                ox.NamedNode("http://www.w3.org/2002/07/owl#Class")}
    for q in shapes.quads_for_pattern(shape, None, None):
        if (q.predicate.value.startswith(SH + "target") and q.predicate.value not in known) \
                or (q.predicate == RDF_TYPE and q.object in implicit):
            return set(nodes)  # a kind of target the screen does not know: everyone is a suspect
    classes = set()
    for cls in _values(shapes, shape, SH + "targetClass"):
        classes |= closure(cls)
    targets = {n for n in nodes if types[n] & classes}
    for prop in _values(shapes, shape, SH + "targetSubjectsOf"):
        targets |= {n for n in nodes if next(store.quads_for_pattern(n, prop, None), None)}
    return targets


def _node_check(shapes, shape, closure):
    """A function (graph, node, types) -> bool: True when ``node`` surely passes ``shape``."""
    checks = []
    for q in shapes.quads_for_pattern(shape, None, None):
        p = q.predicate.value
        if p in INERT or p in (SH + "targetClass", SH + "targetSubjectsOf"):
            continue
        if p == SH + "property":
            checks.append(_property_check(shapes, q.object, closure))
        elif p == SH + "or":
            allowed = set()
            for member in _list(shapes, q.object):
                if {x.predicate.value for x in shapes.quads_for_pattern(member, None, None)} != {SH + "class"}:
                    raise Unsupported(member)
                for cls in _values(shapes, member, SH + "class"):
                    allowed |= closure(cls)
            checks.append(lambda graph, n, types, allowed=allowed: bool(types & allowed))
        elif p == SH + "xone":
            members = [_count_member(shapes, m) for m in _list(shapes, q.object)]
            checks.append(lambda graph, n, types, members=members: sum(
                len(graph.values(n, path)) >= least for path, least in members) == 1)
        else:
            raise Unsupported(p)
    return lambda graph, n, types: all(check(graph, n, types) for check in checks)


def _count_member(shapes, member) -> tuple[ox.NamedNode, int]:
    """An ``sh:xone`` member of the form [ sh:path P ; sh:minCount N ]."""
    path, least = _values(shapes, member, SH + "path"), _values(shapes, member, SH + "minCount")
    rest = {x.predicate.value for x in shapes.quads_for_pattern(member, None, None)}
    if rest != {SH + "path", SH + "minCount"} or not isinstance(path[0], ox.NamedNode):
        raise Unsupported(member)
    return path[0], int(least[0].value)


def _property_check(shapes, prop, closure):
    paths = _values(shapes, prop, SH + "path")
    if len(paths) != 1 or not isinstance(paths[0], ox.NamedNode):
        raise Unsupported(prop)  # a path expression: leave it to pySHACL
    path = paths[0]
    tests = []
    for q in shapes.quads_for_pattern(prop, None, None):
        p, o = q.predicate.value, q.object
        if p in INERT or p == SH + "path":
            continue
        if p == SH + "minCount":
            tests.append(lambda vs, graph, least=int(o.value): len(vs) >= least)
        elif p == SH + "maxCount":
            tests.append(lambda vs, graph, most=int(o.value): len(vs) <= most)
        elif p == SH + "languageIn":
            tags = {t.value.lower() for t in _list(shapes, o)}
            tests.append(lambda vs, graph, tags=tags: all(
                isinstance(v, ox.Literal) and (v.language or "").lower() in tags for v in vs))
        elif p == SH + "or":  # ( [ sh:datatype A ] [ sh:datatype B ] ): each value one of them
            kinds = []
            for member in _list(shapes, o):
                if {x.predicate.value for x in shapes.quads_for_pattern(member, None, None)} != {SH + "datatype"}:
                    raise Unsupported(member)
                kinds += [d.value for d in _values(shapes, member, SH + "datatype")]
            tests.append(lambda vs, graph, kinds=kinds: all(
                any(_well_typed(v, k) for k in kinds) for v in vs))
        elif p == SH + "datatype":
            tests.append(lambda vs, graph, dt=o.value: all(_well_typed(v, dt) for v in vs))
        elif p in (SH + "minInclusive", SH + "maxInclusive"):
            bound, low = float(o.value), p.endswith("minInclusive")
            tests.append(lambda vs, graph, bound=bound, low=low: all(
                _number(v) is not None and (_number(v) >= bound if low else _number(v) <= bound)
                for v in vs))
        elif p == SH + "class":
            allowed = closure(o)
            tests.append(lambda vs, graph, allowed=allowed: all(
                not isinstance(v, ox.Literal) and graph.types(v) & allowed for v in vs))
        elif p == SH + "in":  # each value one of the listed terms (RDF term equality)
            members = frozenset(_list(shapes, o))
            tests.append(lambda vs, graph, members=members: all(v in members for v in vs))
        elif p == SH + "nodeKind" and o.value == SH + "IRI":
            tests.append(lambda vs, graph: all(isinstance(v, ox.NamedNode) for v in vs))
        elif p == SH + "pattern" and not _values(shapes, prop, SH + "flags"):
            rx = re.compile(o.value)
            tests.append(lambda vs, graph, rx=rx: all(
                not isinstance(v, ox.BlankNode) and rx.search(v.value) for v in vs))
        else:
            raise Unsupported(p)
    return lambda graph, n, types: (lambda vs: all(t(vs, graph) for t in tests))(
        graph.values(n, path))


def _well_typed(value, datatype: str) -> bool:
    if not isinstance(value, ox.Literal) or value.datatype.value != datatype or value.language:
        return False
    if datatype == XSD + "string":
        return True
    lexical = LEXICAL.get(datatype)
    return bool(lexical and lexical.fullmatch(value.value))


def _number(value) -> float | None:
    if not isinstance(value, ox.Literal):
        return None
    if value.datatype.value not in (XSD + "integer", XSD + "decimal") or \
            not LEXICAL[value.datatype.value].fullmatch(value.value):
        return None
    return float(value.value)
