"""The report of a check run: every problem with its rule and severity, and the verdict.

A report fails when it holds a problem at or above ``fail_on`` (``"error"`` by default; the
build of the shipped sources uses ``"warning"``). :meth:`Report.groups` puts the problems by
rule, with counts and the first few examples: what ``aikg add`` says when it refuses a file and
how warnings are printed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from kg.checks.severity import rank

__all__ = ["Problem", "Group", "Report"]


@dataclass
class Problem:
    """One failed check: which check, on what, why, and how much it matters."""

    check: str          # "owl", a shape's name (ail:RoleShape), or a violation query's name
    focus: str          # the offending resource (or "" when not applicable)
    message: str
    severity: str = "error"

    def line(self) -> str:
        return f"[{self.check}] {self.focus + ': ' if self.focus else ''}{self.message}"

    def example(self) -> str:
        return f"{self.focus}: {self.message}" if self.focus else self.message


@dataclass
class Group:
    """The problems of one rule at one severity."""

    check: str
    severity: str
    problems: list[Problem]

    def line(self, examples: int = 3) -> str:
        """``progression-skill-violation (warning): 2 problems, e.g. ex:A: ...; ex:B: ...``"""
        count = len(self.problems)
        shown = "; ".join(p.example() for p in self.problems[:examples])
        more = f"; and {count - examples:,} more" if count > examples else ""
        return (f"{self.check} ({self.severity}): {count:,} problem{'s' if count != 1 else ''}, "
                f"e.g. {shown}{more}")


@dataclass
class Report:
    """The combined outcome of every check that ran."""

    shacl_conforms: bool | None = None  # no SHACL result of severity error
    shacl_problems: list[Problem] = field(default_factory=list)   # severity error
    shacl_warnings: list[Problem] = field(default_factory=list)   # warning and info
    violation_rows: list[tuple[str, list[dict]]] = field(default_factory=list)
    #: each violation query's declared severity
    severities: dict[str, str] = field(default_factory=dict)
    owl_ok: bool | None = None
    owl_message: str = ""
    ran: list[str] = field(default_factory=list)
    #: the least severity that fails the report
    fail_on: str = "error"

    @property
    def problems(self) -> list[Problem]:
        """Every problem, errors first, then warnings and notes."""
        out = list(self.shacl_problems)
        for name, rows in self.violation_rows:
            for row in rows:
                focus = next(iter(row.values()), "")
                rest = ", ".join(f"{k}={v}" for k, v in list(row.items())[1:])
                out.append(Problem(name, str(focus), rest or "returned a row",
                                   self.severities.get(name, "error")))
        if self.owl_ok is False:
            out.append(Problem("owl", "", self.owl_message))
        out += self.shacl_warnings
        return sorted(out, key=lambda p: -rank(p.severity))

    def failures(self, fail_on: str | None = None) -> list[Problem]:
        """The problems at or above ``fail_on`` (the report's own level when None)."""
        least = rank(fail_on or self.fail_on)
        return [p for p in self.problems if rank(p.severity) >= least]

    @property
    def conforms(self) -> bool:
        return not self.failures()

    def groups(self, problems: list[Problem] | None = None) -> list[Group]:
        """``problems`` (default: all) by rule and severity, most severe first, then by name."""
        found: dict[tuple[str, str], list[Problem]] = {}
        for p in self.problems if problems is None else problems:
            found.setdefault((p.severity, p.check), []).append(p)
        return [Group(check, severity, found[severity, check])
                for severity, check in sorted(found, key=lambda k: (-rank(k[0]), k[1]))]

    def absorb(self, other: "Report") -> None:
        """Take in the results of another part of the checks (shapes, queries, OWL)."""
        if other.shacl_conforms is not None:
            self.shacl_conforms = other.shacl_conforms
            self.shacl_problems, self.shacl_warnings = other.shacl_problems, other.shacl_warnings
        if other.violation_rows:
            self.violation_rows, self.severities = other.violation_rows, other.severities
        if other.owl_ok is not None:
            self.owl_ok, self.owl_message = other.owl_ok, other.owl_message
        self.ran += [name for name in other.ran if name not in self.ran]

    def summary(self) -> str:
        counts = {}
        for p in self.problems:
            counts[p.severity] = counts.get(p.severity, 0) + 1
        parts = []
        if self.shacl_conforms is not None:
            parts.append("SHACL ok" if not self.shacl_problems
                         else f"SHACL: {len(self.shacl_problems)} result(s)")
        if self.violation_rows:
            failing = [name for name, rows in self.violation_rows if rows]
            parts.append(f"{len(self.violation_rows) - len(failing)}/{len(self.violation_rows)} "
                         "violation queries clean")
        if self.owl_ok is not None:
            parts.append("OWL consistent" if self.owl_ok else "OWL inconsistent or unchecked")
        if counts:
            parts.append(", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}"
                                   for s in ("error", "warning", "info") if s in counts))
        return "; ".join(parts) or "no checks ran"

    def first_problem(self) -> str:
        problems = self.failures() or self.problems
        return problems[0].line() if problems else "no problem"

    def text(self) -> str:
        verdict = "CONFORMS" if self.conforms else "DOES NOT CONFORM"
        lines = [f"{verdict} (fails on {self.fail_on}): {self.summary()}"]
        if self.shacl_conforms is not None:
            lines.append(f"SHACL shapes: {'ok' if not self.shacl_problems else 'FAILED'}")
            lines += [f"  {p.severity} {p.check} {p.focus}: {p.message}"
                      for p in self.shacl_problems + self.shacl_warnings]
        for name, rows in self.violation_rows:
            severity = self.severities.get(name, "error")
            lines.append(f"{name} ({severity}): {'ok' if not rows else f'{len(rows)} row(s)'}")
            for row in rows[:20]:
                lines.append("  " + ", ".join(f"{k}={v}" for k, v in row.items()))
            if len(rows) > 20:
                lines.append(f"  ... {len(rows) - 20} more")
        if self.owl_ok is not None:
            lines.append(f"OWL consistency (HermiT): {'ok' if self.owl_ok else 'FAILED'}"
                         + (f" - {self.owl_message}" if self.owl_message else ""))
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        return json.dumps({
            "conforms": self.conforms,
            "fail_on": self.fail_on,
            "summary": self.summary(),
            "shacl": {"conforms": self.shacl_conforms,
                      "results": [vars(p) for p in self.shacl_problems],
                      "warnings": [vars(p) for p in self.shacl_warnings]},
            "violations": {name: rows for name, rows in self.violation_rows},
            "severities": self.severities,
            "owl": {"consistent": self.owl_ok, "message": self.owl_message},
        }, indent=2, sort_keys=True) + "\n"
