"""The W3C SPARQL 1.1 test suite, read from its manifests (so it grows with the standard).

The suite is w3c/rdf-tests as published, at ``../shared/w3c-rdf-tests`` beside the checkout
(CI lays it there). Each manifest is Turtle; its ``mf:entries`` list names tests by type
(syntax, evaluation, result format, protocol, service description); ``mf:include`` lists
further manifests. Results are compared as the standard says: solutions as a bag, blank
nodes up to renaming, numbers and booleans by value (pyoxigraph stores literals in their
canonical form: ``"01"^^xsd:integer`` is read back as ``1``), language tags in any case.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox



def _root() -> Path:
    """``shared/w3c-rdf-tests`` in the nearest folder above the checkout that has one (CI
    lays shared/ beside the checkout; a git worktree sits one level deeper), or the folder
    named by ``AIKG_W3C_TESTS``."""
    if os.environ.get("AIKG_W3C_TESTS"):
        return Path(os.environ["AIKG_W3C_TESTS"])
    for folder in Path(__file__).resolve().parents[1:]:
        if (folder / "shared" / "w3c-rdf-tests").is_dir():
            return folder / "shared" / "w3c-rdf-tests"
    return Path(__file__).resolve().parents[2] / "shared" / "w3c-rdf-tests"


ROOT = _root()
SUITE = ROOT / "sparql" / "sparql11"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
QT = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
UT = "http://www.w3.org/2009/sparql/tests/test-update#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"


@dataclass
class Case:
    """One test of a manifest: its IRI's fragment as id, its type's local name, its files."""

    id: str
    kind: str  #: PositiveSyntaxTest11, QueryEvaluationTest, ProtocolTest, ...
    name: str
    manifest: Path
    query: Path | None = None
    data: list[Path] = field(default_factory=list)
    graph_data: list[Path] = field(default_factory=list)
    service_data: bool = False
    result: Path | None = None
    node: object = None  #: the test's node in the manifest graph (protocol tests read it)
    graph: object = None  #: the manifest graph


def _path(term) -> Path | None:
    if isinstance(term, ox.NamedNode) and term.value.startswith("file://"):
        from urllib.parse import unquote, urlparse

        return Path(unquote(urlparse(term.value).path))
    return None


class Manifest:
    """A manifest file parsed into a pyoxigraph store."""

    def __init__(self, path: Path):
        self.path = path
        self.store = ox.Store()
        self.store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())

    def objects(self, subject, predicate: str) -> list:
        return [q.object for q in self.store.quads_for_pattern(subject, ox.NamedNode(predicate),
                                                               None)]

    def one(self, subject, predicate: str):
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def collection(self, head) -> list:
        items = []
        while head is not None and head != ox.NamedNode(RDF + "nil"):
            items.append(self.one(head, RDF + "first"))
            head = self.one(head, RDF + "rest")
        return items

    def cases(self) -> list[Case]:
        me = ox.NamedNode(self.path.as_uri())
        out = []
        for entries in self.objects(me, MF + "entries"):
            for node in self.collection(entries):
                out.append(self._case(node))
        return out

    def includes(self) -> list[Path]:
        me = ox.NamedNode(self.path.as_uri())
        return [_path(item) for head in self.objects(me, MF + "include")
                for item in self.collection(head)]

    def _case(self, node) -> Case:
        kind = next((t.value.rsplit("#", 1)[-1] for t in self.objects(node, RDF + "type")), "")
        name = self.one(node, MF + "name")
        case = Case(id=node.value.rsplit("#", 1)[-1], kind=kind,
                    name=name.value if name else "", manifest=self.path, node=node,
                    graph=self)
        action = self.one(node, MF + "action")
        if isinstance(action, ox.NamedNode):
            case.query = _path(action)
        elif action is not None:
            case.query = _path(self.one(action, QT + "query"))
            case.data = [_path(d) for d in self.objects(action, QT + "data")]
            case.graph_data = [_path(d) for d in self.objects(action, QT + "graphData")]
            case.service_data = bool(self.objects(action, QT + "serviceData"))
        case.result = _path(self.one(node, MF + "result"))
        return case


def all_cases(top: Path) -> list[Case]:
    """Every test reachable from the manifest ``top`` through ``mf:include``."""
    seen, out = set(), []
    todo = [top]
    while todo:
        path = todo.pop(0)
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        manifest = Manifest(path)
        todo.extend(manifest.includes())
        out.extend(manifest.cases())
    return out


def available() -> bool:
    return (SUITE / "manifest-sparql11-query.ttl").is_file()


# -- comparing answers ----------------------------------------------------------------------
_NUMERIC = {XSD + t for t in (
    "integer", "decimal", "float", "double", "nonPositiveInteger", "negativeInteger", "long",
    "int", "short", "byte", "nonNegativeInteger", "unsignedLong", "unsignedInt",
    "unsignedShort", "unsignedByte", "positiveInteger")}


def normal(term):
    """A term as compared: numbers and booleans by value, language tags in lower case."""
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype in _NUMERIC:
            try:
                value = Decimal(term.value.strip())
            except InvalidOperation:
                return ("literal", term.value, datatype, None)
            if value.is_nan():
                return ("number", "NaN")
            return ("number", value.normalize() if value.is_finite() else value)
        if datatype == XSD + "boolean":
            return ("boolean", term.value.strip() in ("true", "1"))
        return ("literal", term.value, datatype, (term.language or "").lower() or None)
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value)
    if term is None:
        return None
    return ("other", str(term))


def solutions(results) -> tuple[list[str], list[dict]]:
    names = [v.value for v in results.variables]
    rows = [{n: normal(row[n]) for n in names if row[n] is not None} for row in results]
    return names, rows


def same_bags(got: list[dict], want: list[dict]) -> bool:
    """Whether two bags of solutions are equal up to a renaming of blank nodes."""
    if len(got) != len(want):
        return False
    key = lambda row: sorted((k, repr(v)) for k, v in row.items())  # noqa: E731
    if not any(v and v[0] == "bnode" for row in got + want for v in row.values()):
        return sorted(map(repr, map(key, got))) == sorted(map(repr, map(key, want)))
    return _match(list(got), list(want), {}, {})


def _match(got, want, forward, backward) -> bool:
    """Backtracking bijection of blank nodes (result sets in the suite are small)."""
    if not got:
        return True
    row = got[0]
    for index, candidate in enumerate(want):
        if candidate.keys() != row.keys():
            continue
        fwd, bwd = dict(forward), dict(backward)
        if all(_same(row[k], candidate[k], fwd, bwd) for k in row):
            if _match(got[1:], want[:index] + want[index + 1:], fwd, bwd):
                return True
    return False


def _same(a, b, fwd, bwd) -> bool:
    if a and b and a[0] == "bnode" and b[0] == "bnode":
        if fwd.get(a[1], b[1]) != b[1] or bwd.get(b[1], a[1]) != a[1]:
            return False
        fwd[a[1]], bwd[b[1]] = b[1], a[1]
        return True
    return a == b


def expected(case: Case):
    """The expected answer: ('boolean', bool), ('solutions', names, rows) or ('graph', triples)."""
    path = case.result
    suffix = path.suffix
    formats = {".srx": ox.QueryResultsFormat.XML, ".srj": ox.QueryResultsFormat.JSON,
               ".tsv": ox.QueryResultsFormat.TSV}
    if suffix in formats:
        parsed = ox.parse_query_results(path=str(path), format=formats[suffix])
        if isinstance(parsed, ox.QueryBoolean):
            return ("boolean", bool(parsed))
        names, rows = solutions(parsed)
        return ("solutions", names, rows)
    if suffix == ".csv":
        return ("csv", path.read_bytes())
    rdf = ox.RdfFormat.from_extension(suffix[1:]) or ox.RdfFormat.TURTLE
    triples = [q.triple for q in ox.parse(path=str(path), format=rdf, base_iri=path.as_uri())]
    if any(t.predicate.value == RDF + "type" and t.object.value == RS + "ResultSet"
           for t in triples):
        return _result_set(triples)
    return ("graph", triples)


def _result_set(triples):
    """A result set written in the RDF result-set vocabulary (some .ttl results)."""
    store = ox.Store()
    for t in triples:
        store.add(ox.Quad(t.subject, t.predicate, t.object))
    q = (f"PREFIX rs: <{RS}> SELECT ?b ?v ?x WHERE {{ ?r a rs:ResultSet . "
         "OPTIONAL { ?r rs:solution ?b . OPTIONAL { ?b rs:binding [ rs:variable ?v ; rs:value ?x ] } } }")
    rows: dict = {}
    for row in store.query(q):
        if row["b"] is None:
            continue
        rows.setdefault(row["b"], {})
        if row["v"] is not None:
            rows[row["b"]][row["v"].value] = normal(row["x"])
    names = [t.object.value for t in triples if t.predicate.value == RS + "resultVariable"]
    boolean = [t.object for t in triples if t.predicate.value == RS + "boolean"]
    if boolean:
        return ("boolean", boolean[0].value == "true")
    return ("solutions", names, list(rows.values()))


def same_graphs(got: list, want: list) -> bool:
    """Graph isomorphism by pyoxigraph's canonical form, literals compared by value."""
    return _canonical(got) == _canonical(want)


def _canonical(triples) -> set:
    dataset = ox.Dataset(ox.Quad(_lit(t.subject), t.predicate, _lit(t.object)) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(q) for q in dataset}


def _lit(term):
    value = normal(term)
    if value and value[0] == "number":
        return ox.Literal(str(value[1]), datatype=ox.NamedNode("urn:x-number"))
    if value and value[0] == "boolean":
        return ox.Literal(str(value[1]).lower(), datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(term, ox.Literal) and term.language:
        return ox.Literal(term.value, language=term.language.lower())
    return term


# -- collecting -----------------------------------------------------------------------------
MISSING = (f"the W3C SPARQL test suite is not at {SUITE} (CI lays ../shared/w3c-rdf-tests "
           "beside the checkout; AIKG_W3C_TESTS names another folder)")
EXPECTED_FAILURES = Path(__file__).parent / "data" / "w3c-expected-failures.tsv"
_CASES: list[Case] | None = None


def cases() -> list[Case]:
    """Every test of the query, result-format, protocol and service-description manifests."""
    global _CASES
    if _CASES is None:
        _CASES = []
        if available():
            for top in ("manifest-sparql11-query.ttl", "manifest-sparql11-results.ttl",
                        "protocol/manifest.ttl", "service-description/manifest.ttl"):
                _CASES += all_cases(SUITE / top)
    return _CASES


def key(case: Case) -> str:
    """``folder/id``, as the expected-failures list names a test."""
    return f"{case.manifest.parent.name}/{case.id}"


def expected_failures() -> dict[str, tuple[str, str]]:
    """``folder/id`` -> (why: design or engine, the reason) from the list."""
    out = {}
    for line in EXPECTED_FAILURES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, why, reason = line.split("\t")
            out[name] = (why, reason)
    return out


def params(selected: list[Case]) -> list:
    """pytest params, one per test, strictly expected to fail when listed."""
    import pytest

    listed = expected_failures()
    out = []
    for case in selected:
        marks = ()
        if key(case) in listed:
            why, reason = listed[key(case)]
            marks = pytest.mark.xfail(strict=True, reason=f"{why}: {reason}")
        out.append(pytest.param(case, id=key(case), marks=marks))
    return out


def rdf_format(path: Path):
    return ox.RdfFormat.from_extension(path.suffix[1:]) or ox.RdfFormat.TURTLE


def form(results) -> str:
    if isinstance(results, ox.QueryBoolean):
        return "boolean"
    if isinstance(results, ox.QuerySolutions):
        return "solutions"
    return "graph"


def same_csv(got: list[list[str]], want: list[list[str]]) -> bool:
    """CSV answers: the same columns (by name: ``SELECT *`` fixes no order), then the rows
    as a bag, cells equal as text or as numbers, blank node labels up to renaming (CSV keeps
    no types: ``1.0E6`` and ``1000000`` agree)."""
    if not got or not want or sorted(got[0]) != sorted(want[0]):
        return False

    def cell(text: str):
        if text.startswith("_:"):
            return ("bnode", text[2:])
        try:
            return ("number", Decimal(text).normalize())
        except InvalidOperation:
            return ("text", text)

    rows = [[{n: cell(v) for n, v in zip(table[0], row) if v} for row in table[1:]]
            for table in (got, want)]
    return same_bags(rows[0], rows[1])
