"""Checks of the knowledge graph: SHACL shapes, ``*-violation.rq`` queries, OWL consistency.

Library code only: nothing here prints or exits. pyshacl and owlready2 are imported inside the
functions that need them, so importing this module stays cheap.

>>> from kg import validate
>>> report = validate.check_all(reason=False)      # the shipped sources
>>> report.conforms
True
"""
from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from kg.checks.owl import NO_JAVA, find_java, owl_consistency  # noqa: F401  (part of this API)
from kg.checks.owl import owl_on as _owl_on
from kg.checks.owl import owl_start as _owl_start
from kg.checks.report import Problem, Report
from kg.checks.severity import SHACL_LEVELS, query_severity
from kg.store.release import ontology_dir, source_files

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
AIL = "https://w3id.org/ai-leadership-kg/ontology#"

__all__ = [
    "Problem", "Report", "ontology_dir", "shapes_path", "check_queries", "merged_store",
    "to_rdflib", "rdflib_graph", "shacl", "violations", "owl_consistency", "check_all",
    "check_focused", "query_report", "shape_report",
]


# ---------------------------------------------------------------------------- locating files

def shapes_path() -> Path:
    return ontology_dir() / "shapes.ttl"


def check_queries() -> list[Path]:
    """The ``*-violation.rq`` files, sorted by name."""
    return sorted((ontology_dir() / "checks").glob("*-violation.rq"))


# ---------------------------------------------------------------------------- graph inputs

def merged_store(data=None) -> ox.Store:
    """An in-memory pyoxigraph store from ``data``.

    ``data`` may be None (the shipped sources), a pyoxigraph Store, an iterable of pyoxigraph
    Quads or Triples, an ``rdflib.Graph``, or an iterable of Turtle file paths.
    """
    store = ox.Store()
    if data is None:
        data = source_files()
    if isinstance(data, ox.Store):
        return data
    if _is_rdflib_graph(data):
        store.load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        return store
    items = list(data)
    if items and isinstance(items[0], (str, os.PathLike)):
        for path in items:
            store.load(path=str(path), format=ox.RdfFormat.TURTLE)
        return store
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in items)
    return store


def _is_rdflib_graph(data) -> bool:
    return type(data).__module__.startswith("rdflib") and hasattr(data, "serialize")


@contextlib.contextmanager
def _quiet_literals():
    """Silence rdflib's "Failed to convert Literal" warning and traceback.

    An ill-typed literal in a user's file (``"three"^^xsd:integer``) is reported by the
    shapes as one clean line; rdflib would print a traceback on stderr before it.
    """
    logger = logging.getLogger("rdflib.term")
    previous = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(previous)


def to_rdflib(data):
    """``data`` (see :func:`merged_store`) as an ``rdflib.Graph``; a Graph is returned as is."""
    if _is_rdflib_graph(data):
        return data
    store = merged_store(data)
    return rdflib_graph(ox.Triple(q.subject, q.predicate, q.object) for q in store)


def rdflib_graph(triples) -> "rdflib.Graph":  # noqa: F821
    """pyoxigraph triples as an ``rdflib.Graph``, term by term.

    Building the terms directly (blank nodes keep their labels) avoids writing and re-parsing
    N-Triples, whose parser slows down with the square of a literal's length.
    """
    import rdflib

    graph = rdflib.Graph()
    nodes: dict = {}

    def term(t):
        found = nodes.get(t)
        if found is None:
            if isinstance(t, ox.NamedNode):
                found = rdflib.URIRef(t.value)
            elif isinstance(t, ox.BlankNode):
                found = rdflib.BNode(t.value)
            elif t.language:
                found = rdflib.Literal(t.value, lang=t.language)
            elif t.datatype.value == XSD_STRING:  # as rdflib's parsers give a plain literal
                found = rdflib.Literal(t.value)
            else:
                found = rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value))
            nodes[t] = found
        return found

    add = graph.add
    with _quiet_literals():
        for t in triples:
            add((term(t.subject), term(t.predicate), term(t.object)))
    return graph



# ---------------------------------------------------------------------------- SHACL

def shacl(data_graph, shapes=None, focus=None) -> Report:
    """Validate ``data_graph`` (an rdflib.Graph, or anything :func:`merged_store` takes)
    against ``ontology/shapes.ttl`` (or ``shapes``, a path or rdflib.Graph); no inference,
    so pass the TBox along with the data for subclass targets to work.

    ``focus`` (pyoxigraph nodes), when given, keeps only the results about those nodes: the
    other nodes of a focus subgraph (:mod:`kg.checks.focus`) are there as context.
    """
    import rdflib
    from pyshacl import validate as _validate

    graph = to_rdflib(data_graph)
    if shapes is None or isinstance(shapes, (str, os.PathLike)):
        shapes_graph = rdflib.Graph().parse(str(shapes or shapes_path()), format="turtle")
    else:
        shapes_graph = shapes
    with _quiet_literals():
        _, results, _ = _validate(graph, shacl_graph=shapes_graph, inference="none",
                                  advanced=True, allow_warnings=True)
    keep = None if focus is None else {n.value for n in focus}
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    rows, warnings = [], []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus_node = results.value(result, SH.focusNode)
        if keep is not None and str(focus_node) not in keep:
            continue
        path = results.value(result, SH.resultPath)
        shape = results.value(result, SH.sourceShape)
        message = results.value(result, SH.resultMessage)
        shape_name = _shape_name(results, shapes_graph, shape)
        severity = SHACL_LEVELS.get(str(results.value(result, SH.resultSeverity)), "error")
        text = f"{message or 'constraint violated'}" + (f" (path {_short(path)})" if path else "")
        problem = Problem(shape_name, _short(focus_node), text, severity)
        (warnings if severity != "error" else rows).append(problem)
    report = Report(shacl_conforms=not rows, ran=["shacl"])
    report.shacl_problems = sorted(rows, key=lambda p: (p.check, p.focus, p.message))
    report.shacl_warnings = sorted(warnings, key=lambda p: (p.check, p.focus, p.message))
    return report


def _shape_name(results, shapes_graph, shape) -> str:
    """The CURIE of the named node shape a result comes from (property shapes are blank
    nodes), e.g. ``ail:DescribedIndividualShape``: the name the shapes file gives it."""
    import rdflib

    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    if isinstance(shape, rdflib.BNode):
        parent = shapes_graph.value(None, SH.property, shape) or shapes_graph.value(None, SH.sparql, shape)
        if parent is not None:
            shape = parent
    return _shape_curie(shape)


def _short(term) -> str:
    text = str(term) if term is not None else ""
    return text.split("#", 1)[1] if text.startswith(AIL) else text


def _shape_curie(term) -> str:
    """A shape's name as written in shapes.ttl (``ail:RoleShape``)."""
    text = str(term) if term is not None else ""
    return "ail:" + text[len(AIL):] if text.startswith(AIL) else text


# ---------------------------------------------------------------------------- SPARQL checks

def violations(store_or_graph=None, queries: Iterable[Path] | None = None) -> list[tuple[str, list[dict]]]:
    """Run every ``*-violation.rq``; returns ``[(check name, rows)]`` where each row maps
    variable names to plain strings. A clean graph gives empty row lists."""
    store = merged_store(store_or_graph)
    out = []
    for path in (queries if queries is not None else check_queries()):
        solutions = store.query(Path(path).read_text(encoding="utf-8"), use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        rows = []
        for solution in solutions:
            row = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    row[name] = _short(term.value)
            rows.append(row)
        out.append((Path(path).name.removesuffix(".rq"), rows))
    return out


# ---------------------------------------------------------------------------- everything

def check_all(data=None, reason: bool = True, queries: bool = True, shapes: bool = True,
              fail_on: str = "error") -> Report:
    """SHACL + violation queries + (if ``reason``) HermiT over ``data`` (see :func:`merged_store`;
    None means the shipped sources). Returns one :class:`Report` failing at ``fail_on``."""
    store = merged_store(data)
    report = Report(fail_on=fail_on)
    if queries:  # the cheap part first
        report.absorb(query_report(store))
    if shapes:
        report.absorb(shacl(to_rdflib(store)))
    if reason:
        report.owl_ok, report.owl_message = _owl_on(store)
        report.ran.append("owl")
    return report


def query_report(store: ox.Store) -> Report:
    """Every ``*-violation.rq`` over ``store``, with the severity each declares: seconds at
    a million triples on pyoxigraph, so they run before anything slow."""
    paths = check_queries()
    return Report(violation_rows=violations(store, paths),
                  severities={p.name.removesuffix(".rq"): query_severity(p) for p in paths},
                  ran=["queries"])


def check_focused(store: ox.Store, added, reason: bool = False, fail_on: str = "error") -> Report:
    """Violation queries and shapes over ``store`` (a conforming release plus the user's quads
    ``added``), judging only what ``added`` can have changed; the same verdict as
    ``check_all(store, reason=False)``. The violation queries run on the whole store: on
    pyoxigraph they take seconds at most, and as the release conforms every row they return
    comes from the additions. The shapes: :func:`shape_report`.
    """
    report = Report(fail_on=fail_on)
    # OWL consistency is global: HermiT sees the whole merged graph, in its own process,
    # while the shapes and queries run here
    owl = _owl_start(store) if reason else None
    try:
        report.absorb(query_report(store))
        report.absorb(shape_report(store, added))
    except BaseException:
        if owl is not None:
            owl(stop=True)
        raise
    if owl is not None:
        report.owl_ok, report.owl_message = owl()
        report.ran.append("owl")
    return report


def shape_report(store: ox.Store, added) -> Report:
    """The shapes, judged on what ``added`` can have changed in ``store``.

    The focus is :func:`kg.checks.focus.focus_nodes` (everything when the additions change the
    vocabulary); :func:`kg.checks.screen.suspects` evaluates the shapes on pyoxigraph and
    pySHACL sees only the nodes that might fail, with their :func:`kg.checks.focus.subgraph`.
    """
    from kg.checks import focus as focusing
    from kg.checks import screen

    nodes = focusing.focus_nodes(store, list(added))
    if nodes is None:
        return shacl(to_rdflib(store))
    suspects = screen.suspects(store, nodes, shapes_path())
    if not suspects:
        return Report(shacl_conforms=True, ran=["shacl"])
    return shacl(rdflib_graph(focusing.subgraph(store, suspects)), focus=suspects)
