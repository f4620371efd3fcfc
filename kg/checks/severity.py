"""How much each check matters: error, warning or info, as SHACL's ``sh:severity`` and ROBOT's
report name them. Severity is data, never a list of names in Python:

* a SHACL shape or property shape says ``sh:severity sh:Warning`` (or ``sh:Info``; none means
  ``sh:Violation``, an error) in ``ontology/shapes.ttl``;
* a ``*-violation.rq`` query says ``# severity: warning`` in its header comment.

A user's data is refused on errors only unless the caller asks for more (``fail_on``); the
shipped sources are built with ``fail_on="warning"``, so the guide's editorial rules (a
promotion adds a skill, every individual has a definition and a source) stay errors there.

>>> rank("warning") > rank("info")
True
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError

__all__ = ["LEVELS", "Rule", "rank", "level", "query_header", "query_severity", "rules",
           "table"]

#: the levels, least severe first
LEVELS = ("info", "warning", "error")
SH = "http://www.w3.org/ns/shacl#"
#: sh:resultSeverity / sh:severity values and the level each one is
SHACL_LEVELS = {SH + "Info": "info", SH + "Warning": "warning", SH + "Violation": "error"}
AIL = "https://w3id.org/ai-leadership-kg/ontology#"


def rank(name: str) -> int:
    return LEVELS.index(name)


def level(name: str) -> str:
    """A level given by a user (``--fail-on``), checked."""
    if name not in LEVELS:
        raise KGError(f"Unknown severity '{name}'; use one of {', '.join(LEVELS)}.")
    return name


@dataclass(frozen=True)
class Rule:
    """One row of the table of checks: a rule (a query, or a shape at one severity)."""

    name: str
    severity: str
    checks: str
    kind: str  # "query" or "shape"


def query_header(path: Path) -> dict[str, str]:
    """The ``# key: value`` lines of a query file's leading comment (``severity``, ``row``)
    and ``summary``: the comment's first sentence up to the first ``key:`` line."""
    fields: dict[str, str] = {}
    summary: list[str] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        text = line[1:].strip()
        key, colon, value = text.partition(":")
        if colon and key in ("severity", "row"):
            fields.setdefault(key, value.strip())
        elif "severity" not in fields:
            summary.append(text)
    fields["summary"] = " ".join(summary)
    return fields


@lru_cache(maxsize=64)
def _query_severity(path: str, mtime: float) -> str:
    declared = query_header(Path(path)).get("severity", "")
    if declared not in LEVELS:
        raise KGError(f"{path}: the header declares no '# severity: error|warning|info' line; "
                      "add one.")
    return declared


def query_severity(path: Path) -> str:
    """The severity a ``*-violation.rq`` declares in its header (``# severity: warning``)."""
    return _query_severity(str(path), Path(path).stat().st_mtime)


def _values(store: ox.Store, node, predicate: str) -> list:
    return [q.object for q in store.quads_for_pattern(node, ox.NamedNode(predicate), None)]


def _text(store: ox.Store, node, predicate: str) -> str:
    found = _values(store, node, predicate)
    return found[0].value if found else ""


def _shape_rules(shapes_path: Path) -> list[Rule]:
    """A row per node shape at its own severity (its rdfs:comment), and one per property shape
    whose severity differs from its node shape's (its sh:message)."""
    shapes = ox.Store()
    shapes.load(path=str(shapes_path), format=ox.RdfFormat.TURTLE)
    out = []
    node_shapes = {q.subject for q in shapes.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode(SH + "NodeShape"))}
    for shape in sorted(node_shapes, key=lambda n: n.value):
        name = "ail:" + shape.value.removeprefix(AIL)
        own = SHACL_LEVELS[(_values(shapes, shape, SH + "severity") or [ox.NamedNode(SH + "Violation")])[0].value]
        out.append(Rule(name, own, _text(shapes, shape, "http://www.w3.org/2000/01/rdf-schema#comment"),
                        "shape"))
        other: dict[str, list[str]] = {}
        for prop in _values(shapes, shape, SH + "property"):
            severity = _values(shapes, prop, SH + "severity")
            if severity and SHACL_LEVELS[severity[0].value] != own:
                path = _values(shapes, prop, SH + "path")[0].value
                message = _text(shapes, prop, SH + "message") or f"constraints on {path}"
                other.setdefault(SHACL_LEVELS[severity[0].value], []).append(message)
        out += [Rule(name, sev, " ".join(sorted(messages)), "shape")
                for sev, messages in sorted(other.items())]
    return out


def rules(queries: list[Path], shapes_path: Path) -> list[Rule]:
    """Every rule with its severity and what it checks: the queries, then the shapes."""
    out = [Rule(Path(q).name.removesuffix(".rq"), query_severity(q), query_header(q)["summary"],
                "query") for q in queries]
    return out + _shape_rules(shapes_path)


def table(rule_list: list[Rule]) -> str:
    """The rules as a Markdown table (docs/checks.md holds it; a test compares)."""
    lines = ["| rule | kind | severity | what it checks |", "|---|---|---|---|"]
    for rule in rule_list:
        checks = rule.checks.replace("|", "\\|")
        lines.append(f"| `{rule.name}` | {rule.kind} | {rule.severity} | {checks} |")
    return "\n".join(lines) + "\n"
