"""A career coach's panel: real questions on the real imports (tests/data/coach_panel.json).

Every question is asked of the graph a user gets from ``aikg add onet.ttl esco.ttl``: the
release, O*NET 29.2 and ESCO 1.2.0 merged through the workspace's add path, so checked and
aligned (tests/conftest.py: ``real_workspace``, one build per session from the Turtle files
``aikg import onet|esco`` writes, or AIKG_REAL_DATA's). Without them the panel is skipped; a
case marked ``known_gap`` runs as a strict xfail, so it shows the day the graph starts to meet
it. Each property is decided on the answer's structure (roles, steps, skills, the roles whose
skills are unknown or estimated), never on its text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import KGError
from kg.paths import answers as paths

PANEL = json.loads((Path(__file__).parent / "data" / "coach_panel.json").read_text("utf-8"))
SOC = "https://www.onetonline.org/link/summary/"
AIL = "https://w3id.org/ai-leadership-kg/ontology#"


def _case(case):
    marks = []
    if "known_gap" in case:
        marks.append(pytest.mark.xfail(reason=case["known_gap"], strict=True))
    return pytest.param(case, id=case["id"], marks=marks)


def ask(g, case):
    kind = case["ask"]
    if kind == "path":
        return paths.find_path(g, case["from"], case["to"], lateral=case.get("lateral", False),
                               by=case.get("by", "skills"), have=case.get("have", ()))
    if kind == "gap":
        return paths.gap(g, case["from"], case["to"], case.get("have", ()))
    if kind == "next":
        return paths.next_roles(g, case["role"], case.get("have", ()), case.get("lateral", False))
    return paths.ready(g, case.get("have", ()), case.get("role"))


def _labels(skills) -> set[str]:
    return {s.label.casefold() for s in skills}


def check(answer, expect: dict) -> list[str]:
    """The properties of ``expect`` the answer breaks, in words."""
    broken = []
    groups = PANEL["soc_groups"]
    best = getattr(answer, "best", None)
    for name, want in expect.items():
        if name == "stones_in":
            allowed = tuple(groups[g] for g in want)
            for role in best.roles[1:-1]:
                code = role.iri[len(SOC):] if role.iri.startswith(SOC) else None
                if not role.iri.startswith(AIL) and not (code and code.startswith(allowed)):
                    broken.append(f"stepping stone {role.label} ({code}) outside {want}")
        elif name == "max_steps" and best.total_steps > want:
            broken.append(f"{best.total_steps} steps, more than {want}")
        elif name == "max_tools_per_step":
            for step in best.steps:
                tools = [s for s in step.new_skills if s.kind == "Tool or technology"]
                if len(tools) > want:
                    broken.append(f"{step.to.label} asks for {len(tools)} tools")
        elif name == "first_step_excludes":
            asked = _labels(best.steps[0].new_skills) & {w.casefold() for w in want}
            if asked:
                broken.append(f"step 1 asks for {sorted(asked)}")
        elif name == "no_new_skill":
            asked = set().union(*(_labels(s.new_skills) for s in best.steps)) & {
                w.casefold() for w in want}
            if asked:
                broken.append(f"the path asks for {sorted(asked)}")
        elif name == "says_where_skills_come_from":  # missing is unknown, not absent
            said = {r.label for r in getattr(answer, "no_skill_data", ())}
            said |= {e.role.label for e in answer.estimated}
            if not set(want) <= said:
                broken.append(f"does not say the skills of {want} are unknown or estimated")
        elif name == "gap_excludes":
            asked = _labels(answer.new_skills) & {w.casefold() for w in want}
            if asked:
                broken.append(f"the gap asks for {sorted(asked)}")
        elif name == "shared_at_least" and answer.shared < want:
            broken.append(f"{answer.shared} skills shared, fewer than {want}")
        elif name in ("next_includes", "next_excludes"):
            names = {o.to.label for o in answer.options}
            if name == "next_includes" and not set(want) <= names:
                broken.append(f"next lacks {sorted(set(want) - names)}")
            if name == "next_excludes" and set(want) & names:
                broken.append(f"next offers {sorted(set(want) & names)}")
        elif name == "ready_top":
            top = [r.role.label for r in answer.roles[:want["within"]]]
            if not set(top) & set(want["any_of"]):
                broken.append(f"top {want['within']} are {top}")
        elif name == "no_data_summarised" and not answer.unrated:
            broken.append("no occupation without skill data is listed apart")
    return broken


@pytest.mark.parametrize("case", [_case(c) for c in PANEL["cases"]])
def test_coach_panel(case, real_workspace):
    try:
        answer = ask(real_workspace, case)
    except KGError as error:  # a question with no answer must say why, in one line
        assert "\n" not in str(error)
        pytest.fail(f"no answer: {error}")
    assert check(answer, case["expect"]) == []


def test_the_panel_has_twenty_real_questions():
    assert len(PANEL["cases"]) >= 20
    assert len({c["id"] for c in PANEL["cases"]}) == len(PANEL["cases"])
