"""Skill-path answers as text: ``table`` (a terminal), ``md`` (Markdown) and ``json``.

The JSON is each result's ``to_dict()``; the two text forms are for people and carry the
same facts (new skills grouped by kind, essential before preferred, running totals).
Labels in them are escaped for the terminal (:mod:`kg.terminal`); the JSON keeps them exact.
"""

from __future__ import annotations

import json
import textwrap
from itertools import groupby

from kg.query import formats
from kg.errors import KGError
from kg.terminal import escape

FORMATS = ("table", "json", "md")


#: In a table, a step gaining more responsibilities than this shows them per area instead.
RESPONSIBILITIES_SHOWN = 3


def render(result, fmt: str, verbose: bool = False) -> str:
    """Render a PathResult, Gap, NextRoles or Ready in ``table``, ``json`` or ``md``.

    A table summarises long lists of responsibilities per area unless ``verbose``; Markdown
    and JSON always carry all of them.
    """
    if fmt == "json":
        return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt not in FORMATS:
        raise KGError(f"Format '{fmt}' does not fit a path answer; use table, json or md.")
    md = fmt == "md"
    kind = type(result).__name__
    if kind == "PathResult":
        lines = _path(result, md, verbose=md or verbose)
    else:
        lines = {"Gap": _gap, "NextRoles": _next, "Ready": _ready}[kind](result, md)
    # each line is ours; a control character (a line feed included) can only come from data
    return "\n".join(line if line.isprintable() else escape(line)
                     for line in lines).rstrip("\n") + "\n"


def skill_groups(skills) -> list[tuple[str, str, list[str]]]:
    """(essential|preferred, kind, [labels]) groups, essential first (skills come sorted)."""
    groups = []
    for (essential, kind), members in groupby(skills, key=lambda s: (s.essential, s.kind)):
        groups.append(("essential" if essential else "preferred", kind,
                       [s.label for s in members]))
    return groups


def _skills_lines(skills, md: bool, indent: str) -> list[str]:
    if not skills:
        return [f"{indent}- no new skills" if md else f"{indent}no new skills"]
    lines, last = [], None
    for need, kind, labels in skill_groups(skills):
        if md:
            lines.append(f"{indent}- {need} · {kind}: {', '.join(labels)}")
        else:
            head = f"{need:<10}" if need != last else " " * 10
            lines.append(f"{indent}{head} {kind}: {', '.join(labels)}")
        last = need
    return lines


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _summary(path, by: str) -> str:
    years = f", up to {path.years} years of experience asked for" if path.years is not None else ""
    price = ""
    if path.total_price:
        moves = sum(1 for step in path.steps if step.price)
        price = (f" and {_plural(moves, 'move')} priced {path.total_price} skill-equivalents"
                 + (" (ranked together)" if by == "skills" else ""))
    return (f"{_plural(path.total_new_skills, 'new skill')}{price} in "
            f"{_plural(path.total_steps, 'step')}{years}")


def _duties(responsibilities, verbose: bool) -> str:
    """All responsibilities, or (when many and not verbose) their count per area."""
    if verbose or len(responsibilities) <= RESPONSIBILITIES_SHOWN:
        return "responsibilities gained: " + "; ".join(
            r.label + (f" ({r.area})" if r.area else "") for r in responsibilities)
    areas: dict[str, int] = {}
    for r in responsibilities:
        areas[r.area or "no area"] = areas.get(r.area or "no area", 0) + 1
    per_area = ", ".join(f"{area} {n}" for area, n in
                         sorted(areas.items(), key=lambda item: (-item[1], item[0].casefold())))
    return (f"responsibilities gained: {len(responsibilities)} in {_plural(len(areas), 'area')} "
            f"({per_area}); --verbose lists them")


def _held(best, result) -> str:
    """Where the skills held at the start come from, and what became of them."""
    extra = best.skills_held_at_start - best.skills_from_role
    origin = f"{best.skills_from_role} that {result.from_.label} requires"
    if result.have:
        origin += f", {extra} more from --have" if extra else ", none more from --have"
    return (f"Skills held at the start: {best.skills_held_at_start} ({origin}); roles on the "
            f"path require {best.skills_used} of them again, and those are not counted as new.")


HAVE_WORDS = {"used": "used: the path costs more without it",
              "tie": "counted as held here, but another path costs the same without it",
              "unused": "not needed on this path"}


def _path(result, md: bool, verbose: bool = False) -> list[str]:
    best = result.best
    how = "exact" if result.exact else "bounded, not proven optimal"
    title = f"{result.from_.label} -> {result.to.label}"
    lines = ([f"# {title}", "", f"Ranked by {result.by} ({how}): {_summary(best, result.by)}.", ""]
             if md else [f"{title}  (by {result.by}, {how})", ""])
    for number, step in enumerate(best.steps, 1):
        move = f"{step.move}, priced {step.price}" if step.price else step.move
        head = f"{step.from_.label} -> {step.to.label}" + (f" [{move}]" if move else "")
        count = f"+{len(step.new_skills)} (total {step.running_total})"
        lines.append(f"## {number}. {head} (+{len(step.new_skills)}, total {step.running_total})"
                     if md else f"{number}. {head}   {count}")
        indent = "" if md else "   "
        lines += _skills_lines(step.new_skills, md, indent)
        extra = []
        if step.responsibilities:
            extra.append(_duties(step.responsibilities, verbose))
        if step.qualifications:
            extra.append("qualifications: " + "; ".join(
                q.label + (" (mandatory)" if q.mandatory else " (preferred)")
                for q in step.qualifications))
        if step.experience:
            extra.append("experience: " + "; ".join(
                e.label + (f" ({e.minimum_years}+ years)" if e.minimum_years is not None else "")
                for e in step.experience))
        for item in extra:
            lines += ([f"- {item}"] if md else textwrap.wrap(
                item, 100, initial_indent=indent, subsequent_indent=indent + "  ",
                break_on_hyphens=False))
        lines.append("")
    lines.append(("**Total:** " if md else "Total: ") + _summary(best, result.by) + ".")
    lines.append(_held(best, result))
    if best.held_as:
        lines.append(_held_as(best.held_as, verbose))
    if result.have:
        words = dict(HAVE_WORDS, **{"from-role": f"{result.from_.label} requires it already"})
        lines.append("Your --have skills: " + ", ".join(
            f"{ref.label} ({words[status]})" for ref, status in result.have) + ".")
    if result.bound:
        b = result.bound
        lines.append(f"Bound: {b.method}; found {b.found}, no path does better than "
                     f"{b.lower_bound} ({b.labels} labels explored).")
    for note in result.notes:
        lines.append(f"Note: {note}")
    if result.no_skill_data:
        lines.append("No skill data for: " + "; ".join(r.label for r in result.no_skill_data)
                     + " (the graph lists no skills for them: unknown, not nothing to learn).")
    if result.alternatives:
        lines += ["", "## Alternatives" if md else "Alternatives:"]
        for number, alt in enumerate(result.alternatives, 2):
            route = " -> ".join(r.label for r in alt.roles)
            lines.append(f"{number}. {_summary(alt, result.by)}: {route}"
                         if md else f"  {number}. {_summary(alt, result.by)}: {route}")
    return lines


def _held_as(held_as, verbose: bool) -> str:
    """Which skills count as held under another name (the SKOS mapping that made them)."""
    if not verbose:
        verb = "is" if len(held_as) == 1 else "are"
        return (f"{len(held_as)} of them {verb} held under another name (skos:exactMatch or "
                "closeMatch); --verbose names them.")
    return "Held under another name: " + "; ".join(h.text() for h in held_as) + "."


def _gap(gap, md: bool) -> list[str]:
    title = f"{gap.from_.label} -> {gap.to.label}"
    summary = (f"{_plural(len(gap.new_skills), 'new skill')} "
               f"({gap.shared} of {gap.required} already held)")
    lines = [f"# {title}", "", summary + ".", ""] if md else [f"{title}: {summary}", ""]
    lines += _skills_lines(gap.new_skills, md, "" if md else "  ")
    if gap.held_as:
        lines.append(_held_as(gap.held_as, True))
    return lines + [f"Note: {note}" for note in gap.notes]


def _next(result, md: bool) -> list[str]:
    lines = [f"# After {result.role.label}", ""] if md else [f"After {result.role.label}:", ""]
    if not result.options:
        lines.append(f"The graph has no role that '{result.role.label}' progresses to"
                     + (" or moves to." if result.lateral else
                        f"; try 'aikg next \"{result.role.label}\" --lateral' for lateral "
                        "moves and career changes."))
    for gap in result.options:
        summary = (f"{_plural(len(gap.new_skills), 'new skill')} "
                   f"({gap.shared} of {gap.required} already held)")
        name = gap.to.label + (f" [{gap.move}]" if gap.move else "")
        lines.append(f"## {name}: {summary}" if md else f"{name}: {summary}")
        lines += _skills_lines(gap.new_skills, md, "" if md else "  ")
        lines.append("")
    return lines


def _ready(result, md: bool) -> list[str]:
    have = ", ".join(h.label for h in result.have)
    if result.role is not None:
        have = f"the skills of {result.role.label}" + (f", plus {have}" if have else "")
    rows = [(r.role.label, f"{r.score:.0%}", f"{r.essential_held}/{r.essential}",
             f"{r.held}/{r.required}", f"{r.share:.0%}", _missing(r))
            for r in result.roles]
    head = ("role", "score", "essential", "held", "share", "missing essential skills")
    if md:
        lines = [f"# Roles ranked for: {have}", "", *formats.markdown(head, rows).splitlines()]
    else:
        lines = [f"Roles ranked for: {have}", "",
                 *formats.table(head, rows, max_width=None, count=False).splitlines()]
    if result.unrated:
        lines += ["", _unrated(result.unrated)]
    return lines


#: how many roles without skill data 'ready' names before it only counts them
UNRATED_SHOWN = 5


def _unrated(unrated) -> str:
    """The roles without skill data, summarised: O*NET alone has dozens, and their titles
    contain commas, so a joined list was a 3.8 kB line nobody could read."""
    shown = "; ".join(r.label for r in unrated[:UNRATED_SHOWN])
    if len(unrated) <= UNRATED_SHOWN:
        return f"No skill data (not ranked) for: {shown}."
    return (f"No skill data (not ranked) for {len(unrated)} roles, e.g. {shown}; "
            "--format json lists them all.")


def _missing(readiness, shown: int = 3) -> str:
    """The count of essential skills a role misses, and the first ``shown`` of them."""
    count = readiness.essential - readiness.essential_held
    if not count:
        return "-"
    labels = readiness.missing.essential_labels(min(count, shown))
    more = f" (+{count - shown} more)" if count > shown else ""
    return f"{count}: " + ", ".join(labels) + more
