"""The planner's data and ``aikg viz --planner`` (the page itself: tests/test_planner_browser.py)."""

from __future__ import annotations

import json
import re

from tests.test_viz import write_xss

AIL = "https://w3id.org/ai-leadership-kg/ontology#"


def _data(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="planner-data">(.*?)</script>', html,
                      re.S)
    return json.loads(block.group(1))


def test_the_ladder_comes_from_the_graph(graph):
    from kg.paths import answers
    from kg.pages.planner import planner_data

    data = planner_data(graph, offline=True)
    ladder = answers.project(graph)
    assert {r["iri"] for r in data["roles"]} == set(ladder.nodes)
    steps = {(data["roles"][a]["iri"], data["roles"][b]["iri"]) for a, b in data["steps"]}
    assert steps == {(a, b) for a in ladder.nodes for b in ladder.successors(a)}
    for role, skills in zip(data["roles"], data["roleSkills"]):
        assert [data["skills"][s]["iri"] for s, _, _ in skills] == \
            [s.iri for s in ladder.nodes[role["iri"]]["skills"]]
    # the guide's own question: from the lowest rung to the top
    assert (data["start"], data["target"]) == (AIL + "JuniorAIEngineer",
                                               AIL + "HeadOfAIEngineering")


def test_a_users_own_role_flows_into_the_offline_planner(tmp_path, aikg):
    extra = write_xss(tmp_path)
    result = aikg("--with", str(extra), "viz", "--planner", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "planner.html").read_text(encoding="utf-8")
    data = _data(html)
    mine = next(r for r in data["roles"] if r["iri"] == AIL + "XssRole")
    assert mine["label"] == '<img src=x onerror="window.__xss=1">' and mine["level"] == 4
    assert "<img src=x" not in html and "<svg onload" not in html  # JSON-escaped in the page
    index = data["roles"].index(mine)
    assert [index, data["roles"].index(next(r for r in data["roles"] if r["iri"] ==
                                            AIL + "HeadOfAIEngineering"))] in data["steps"]


def test_planner_and_focus_are_one_or_the_other(aikg, tmp_path):
    result = aikg("viz", "--planner", "--focus", "Head of AI Engineering", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "--planner and --focus write different pages; give one of them." in result.output
    assert not list(tmp_path.iterdir())


def test_the_served_page_holds_the_ladder_only(graph):
    from kg.pages.planner import served_page

    html, csp = served_page(graph)
    data = _data(html)
    assert data["mode"] == "server" and "skills" not in data
    assert "connect-src 'self'" in csp and "default-src 'none'" in csp
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+';", csp)
