"""The career planner in Debian's chromium: served at ``/`` by a real server, and offline.

The served planner runs over the shipped graph plus a ``--with`` file whose labels are XSS
canaries (tests/test_viz.py), so every check runs on a page that carries hostile text. The
offline planner (``aikg viz --planner``) finds paths in its own script: its answers are
compared with the command line's for every pair of ladder roles and 22 sets of held skills.
"""

from __future__ import annotations

import itertools
import json
import random
from urllib.parse import urlencode

import pytest

from tests.embedding_support import release_dir
from tests.test_viz import XSS_LABEL, write_xss
from tests.test_viz_browser import ARGS, CHROMIUM

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium: apt-get install chromium")
AIL = "https://w3id.org/ai-leadership-kg/ontology#"


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(url, graph) of a real server over the shipped graph plus the XSS canaries."""
    release_dir()
    import kg
    from kg.serving.server import running_server

    extra = write_xss(tmp_path_factory.mktemp("xss"))
    graph = kg.load(extra=[extra])
    with running_server(graph=graph, timeout=10) as url:
        yield url, graph


class Opened:
    def __init__(self, page, requests, errors):
        self.page, self.requests, self.errors = page, requests, errors

    def js(self, script, arg=None):
        return self.page.evaluate(script, arg)

    def answered(self, after: int = 0):
        """Wait for an answer newer than round ``after``; return the answer's round."""
        self.page.wait_for_function(
            f"() => Number(document.body.getAttribute('data-answered') || 0) > {after}",
            timeout=30_000)
        return int(self.page.get_attribute("body", "data-answered"))


def open_planner(browser, url: str, width=1280, height=900, bypass_csp=False) -> Opened:
    """Open the planner; requests anywhere but ``url`` are blocked and recorded."""
    context = browser.new_context(viewport={"width": width, "height": height},
                                  bypass_csp=bypass_csp)
    requests, errors = [], []
    own = url.split("#")[0].rsplit("/", 1)[0] if url.startswith("file:") else url.split("/#")[0]

    def route(r):
        if r.request.url.startswith(own):
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.on("console", lambda msg: errors.append(f"console {msg.type}: {msg.text}")
            if msg.type in ("error", "warning") else None)
    page.goto(url)
    page.wait_for_selector("body[data-ready]", state="attached", timeout=60_000)
    return Opened(page, requests, errors)


def api(url, name, **params) -> dict:
    import httpx

    return httpx.get(f"{url}/api/{name}", params=params, timeout=30).json()


# -- served -----------------------------------------------------------------------------------
def test_opens_on_the_ladders_own_question_and_draws_the_apis_answer(browser, served):
    url, _ = served
    opened = open_planner(browser, url + "/")
    try:
        opened.answered()
        answer = opened.js("window.plannerAnswer")
        expected = api(url, "path", **{"from": AIL + "JuniorAIEngineer",
                                       "to": AIL + "HeadOfAIEngineering"})
        assert answer == expected
        drawn = opened.js("Array.from(document.querySelectorAll('#ladder .role.on'))"
                          ".map(g => g.getAttribute('data-iri'))")
        assert sorted(drawn) == sorted(r["iri"] for r in expected["roles"])
        steps = opened.js("Array.from(document.querySelectorAll('#kg-story > li .step-head'))"
                          ".map(e => e.textContent)")
        assert steps[0] == "1. Junior AI Engineer \u2192 AI Engineer"
        assert len(steps) == expected["total_steps"]
        assert "from=" in opened.page.url and "to=" in opened.page.url
        assert opened.errors == [] and opened.requests == []
    finally:
        opened.page.context.close()


def test_the_url_holds_the_question(browser, served):
    url, _ = served
    question = [("from", AIL + "AIEngineer"), ("to", AIL + "DirectorOfAI"), ("by", "steps"),
                ("lateral", "true"), ("have", AIL + "SkillMentoring")]
    opened = open_planner(browser, url + "/#" + urlencode(question))
    try:
        opened.answered()
        expected = api(url, "path", **{"from": AIL + "AIEngineer", "to": AIL + "DirectorOfAI",
                                       "by": "steps", "lateral": "true",
                                       "have": AIL + "SkillMentoring"})
        assert opened.js("window.plannerAnswer") == expected
        assert opened.page.is_checked(f'#skill-groups input[value="{AIL}SkillMentoring"]')
        assert opened.page.is_checked("#lateral")
    finally:
        opened.page.context.close()


def test_keyboard_only_finds_a_role_with_a_typo_and_ticks_a_skill(browser, served):
    url, _ = served
    opened = open_planner(browser, url + "/")
    try:
        first = opened.answered()
        opened.page.focus("#from-input")
        opened.page.keyboard.type("Senor AI Enginer")
        opened.page.wait_for_selector("#from-candidates button", timeout=10_000)
        label = opened.page.text_content("#from-candidates button")
        assert "Senior AI Engineer" in label and "ail" in label
        opened.page.keyboard.press("ArrowDown")
        opened.page.keyboard.press("Enter")
        now = opened.answered(first)
        assert opened.js("window.plannerAnswer.from.label") == "Senior AI Engineer"
        # Tab to the first skill that can be ticked, tick it with the space bar
        box = opened.page.locator("#skill-groups input:not([disabled])").first
        iri = box.get_attribute("value")
        box.focus()
        opened.page.keyboard.press("Space")
        opened.answered(now)
        assert iri in [h["iri"] for h in opened.js("window.plannerAnswer.have")]
        assert "have=" in opened.page.url
    finally:
        opened.page.context.close()


def test_a_question_without_an_answer_shows_the_command_lines_message(browser, served):
    from kg.errors import PathError
    from kg.paths import answers

    url, graph = served
    with pytest.raises(PathError) as raised:
        answers.find_path(graph, AIL + "HeadOfAIEngineering", AIL + "AIEngineer")
    question = urlencode([("from", AIL + "HeadOfAIEngineering"), ("to", AIL + "AIEngineer")])
    opened = open_planner(browser, url + "/#" + question)
    try:
        opened.answered()
        assert opened.page.text_content("#status") == str(raised.value)
        assert "error" in opened.page.get_attribute("#status", "class")
    finally:
        opened.page.context.close()


def test_a_busy_server_is_said_and_asked_again(browser, served):
    url, _ = served
    opened = open_planner(browser, url + "/")
    try:
        first = opened.answered()
        refused = []

        def busy_once(route):  # the server's own 503, as a full queue sends it
            if not refused:
                refused.append(route.request.url)
                route.fulfill(status=503, headers={"Retry-After": "1"},
                              content_type="application/json",
                              body=json.dumps({"error": "The endpoint is busy", "status": 503,
                                               "retry_after": 1}))
            else:
                route.continue_()

        opened.page.route("**/api/path*", busy_once)
        opened.page.select_option("#by", "steps")
        opened.page.wait_for_function(
            "() => document.getElementById('status').textContent.includes('busy')")
        opened.answered(first)
        assert refused and opened.js("window.plannerAnswer.by") == "steps"
    finally:
        opened.page.context.close()


@pytest.mark.parametrize("width", [360, 1920])
def test_fits_narrow_and_wide_screens(browser, served, width):
    url, _ = served
    opened = open_planner(browser, url + "/", width=width)
    try:
        opened.answered()
        assert opened.js("document.documentElement.scrollWidth") <= width
        for selector in ("#from-input", "#to-input", "#kg-story", "#ready"):
            box = opened.page.locator(selector).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)
    finally:
        opened.page.context.close()


def test_hostile_labels_stay_text(browser, served):
    """Escaping alone must stop them: the page's Content-Security-Policy is off here."""
    url, _ = served
    opened = open_planner(browser, url + "/", bypass_csp=True)
    try:
        first = opened.answered()
        opened.page.fill("#from-input", "img src")
        opened.page.wait_for_selector("#from-candidates button", timeout=10_000)
        assert XSS_LABEL in opened.page.text_content("#from-candidates button")
        opened.page.click("#from-candidates button")
        opened.answered(first)
        assert opened.js("window.plannerAnswer.from.label") == XSS_LABEL
        assert XSS_LABEL in opened.page.text_content("#from-chosen")
        skills = opened.page.text_content("#skill-groups")
        assert '<svg onload="window.__xss=4"></svg>' in skills
        drawn = opened.js("Array.from(document.querySelectorAll('#ladder .role title'))"
                          ".map(t => t.textContent)")
        assert XSS_LABEL in drawn
        assert opened.js("window.__xss") is None
        assert opened.js("document.querySelectorAll('img, b, svg:not(#ladder)').length") == 0
        assert opened.errors == [] and opened.requests == []
    finally:
        opened.page.context.close()


def _axe(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", [360, 1280])
def test_axe_finds_nothing_serious(browser, served, width):
    pytest.importorskip("axe_playwright_python")
    url, _ = served
    opened = open_planner(browser, url + "/", width=width, bypass_csp=True)  # axe injects
    try:
        opened.answered()
        assert _axe(opened.page) == []
    finally:
        opened.page.context.close()


# -- offline ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    from click.testing import CliRunner

    import kg.cli.core
    from kg.cli import main

    folder = tmp_path_factory.mktemp("planner")
    # set up before the per-test stand-in for the network cut (conftest.network_cuts): the
    # command run here would cut the whole test session off the network, loopback included
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kg.cli.core, "_cut_network", lambda: "recorded")
        result = CliRunner().invoke(main, ["viz", "--planner", "-o", str(folder)],
                                    catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return folder / "planner.html"


#: what the offline page computes of a path answer (it carries no responsibilities,
#: qualifications or experience, and finds no alternatives)
KEYS = ("from", "to", "by", "total_new_skills", "total_steps", "years", "skills_held_at_start",
        "skills_from_role", "skills_used", "roles")
STEP_KEYS = ("from", "to", "move", "new_skills", "new_skill_count", "running_total",
             "minimum_years")


def _shape(answer: dict) -> dict:
    out = {k: answer[k] for k in KEYS}
    out["steps"] = [{k: s[k] for k in STEP_KEYS} for s in answer["steps"]]
    return out


def test_offline_opens_on_junior_to_head_without_a_request(browser, offline):
    opened = open_planner(browser, offline.as_uri())
    try:
        opened.answered()
        answer = opened.js("window.plannerAnswer")
        assert (answer["from"]["label"], answer["to"]["label"]) == ("Junior AI Engineer",
                                                                     "Head of AI Engineering")
        assert opened.errors == [] and opened.requests == []
        assert _axe_ok(opened)
    finally:
        opened.page.context.close()


def _axe_ok(opened) -> bool:
    if pytest.importorskip("axe_playwright_python"):
        return _axe(opened.page) == []
    return True


def test_offline_answers_equal_the_command_line(browser, offline, graph, aikg):
    """Every ordered pair of ladder roles, with 22 sets of held skills (none, then 1 to 21
    drawn at random): the page's path equals ``aikg path --format json``'s. The command
    prints ``render(find_path(...), "json")``, and find_path is shortest_paths on resolved
    names; a few are run through the command itself."""
    from kg.paths import answers, render

    opened = open_planner(browser, offline.as_uri())
    try:
        opened.answered()
        data = opened.js("JSON.parse(document.getElementById('planner-data').textContent)")
        roles = [r["iri"] for r in data["roles"]]
        skills = [s["iri"] for s in data["skills"]]
        assert len(roles) >= 9 and len(skills) >= 30
        ladder = answers.project(graph)
        pick = random.Random(24)
        haves = [[]] + [pick.sample(skills, k) for k in range(1, 22)]
        compared = 0
        for n, have in enumerate(haves):
            questions = [(a, z) for a, z in itertools.permutations(roles, 2)]
            mine = opened.js("qs => qs.map(q => plannerPath(q[0], q[1], q[2], 'skills'))",
                             [[a, z, have] for a, z in questions])
            for (a, z), got in zip(questions, mine):
                try:  # find_path resolves names, then asks shortest_paths (IRIs, 20x faster)
                    found = (answers.find_path(graph, a, z) if n == 0 else
                             answers.shortest_paths(ladder, a, z, have=have))
                    text = render.render(found, "json")
                except Exception as error:  # noqa: BLE001  (no path: the page must say so too)
                    assert "error" in got, (a, z, have, str(error))
                    continue
                if n == 0 and compared < 3:  # the command prints exactly this
                    printed = aikg("path", a, z, "--format", "json")
                    assert printed.stdout == text
                assert got == _shape(json.loads(text)), (a, z, have)
                compared += 1
        assert compared >= 20 * 22
    finally:
        opened.page.context.close()


def _dense_ladder(folder, levels=7, width=12):
    """A --with ladder where every role of a level leads to every role of the next: width **
    (levels - 2) paths from the bottom to the top (12 ** 5 = 248,832)."""
    lines = ["@prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
             "@prefix dcterms: <http://purl.org/dc/terms/> .", ""]
    for level in range(levels):
        for k in range(width if 0 < level < levels - 1 else 1):
            after = ([f"ail:Dense{level + 1}x{j}" for j in range(width if level + 2 < levels else 1)]
                     if level + 1 < levels else [])
            lines += [f"ail:Dense{level}x{k} a ail:Role ;",
                      f'    rdfs:label "Dense role {level}.{k}"@en ;',
                      '    skos:definition "A role of a generated ladder with many paths."@en ;',
                      "    dcterms:source ail:SectionCareerDevelopment ;",
                      f"    ail:seniorityLevel {level + 1} ;",
                      "    ail:careerStage ail:StageSenior ;",
                      "    ail:onTrack ail:TrackEngineering ;",
                      *([f"    ail:progressesTo {', '.join(after)} ;"] if after else []),
                      f"    ail:requiresEssentialSkill ail:DenseSkill{level}x{k} .", "",
                      f"ail:DenseSkill{level}x{k} a ail:ProgrammingLanguage ;",
                      f'    rdfs:label "Dense skill {level}.{k}"@en ;',
                      '    skos:definition "A skill of a generated ladder."@en ;',
                      "    dcterms:source ail:SectionRequirements .", ""]
    path = folder / "dense.ttl"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_offline_refuses_a_ladder_with_too_many_paths(browser, tmp_path, aikg):
    """Past 200,000 paths the page says to use the command line instead of freezing."""
    extra = _dense_ladder(tmp_path)
    result = aikg("--with", str(extra), "viz", "--planner", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    opened = open_planner(browser, (tmp_path / "out" / "planner.html").as_uri())
    try:
        answer = opened.js("plannerPath(arguments[0], arguments[1], [], 'skills')"
                           .replace("arguments[0]", repr(AIL + "Dense0x0"))
                           .replace("arguments[1]", repr(AIL + "Dense6x0")))
        assert answer == {"error": "The ladder has too many paths for this page; run "
                                   "'aikg path' instead."}
        short = opened.js(f"plannerPath('{AIL}Dense4x0', '{AIL}Dense6x0', [], 'skills')")
        assert short["total_steps"] == 2
    finally:
        opened.page.context.close()


READY_KEYS = ("role", "level", "score", "essential_held", "essential", "held", "required",
              "share")


def test_offline_next_and_ready_equal_the_command_line(browser, offline, graph):
    """``next`` and ``ready --role`` from every role, with no skills and with 5 more held:
    the page's answers equal the command line's JSON (``ready``'s missing skills aside)."""
    from kg.paths import answers

    opened = open_planner(browser, offline.as_uri())
    try:
        opened.answered()
        data = opened.js("JSON.parse(document.getElementById('planner-data').textContent)")
        pick = random.Random(7)
        for have in ([], pick.sample([s["iri"] for s in data["skills"]], 5)):
            for role in (r["iri"] for r in data["roles"]):
                mine = opened.js("([r, h]) => plannerNext(r, h)", [role, have])
                assert mine == answers.next_roles(graph, role, have).to_dict(), (role, have)
                mine = opened.js("([r, h]) => plannerReady(r, h)", [role, have])
                theirs = answers.ready(graph, have, role).to_dict()
                assert [{k: r[k] for k in READY_KEYS} for r in mine["roles"]] == \
                    [{k: r[k] for k in READY_KEYS} for r in theirs["roles"]], (role, have)
    finally:
        opened.page.context.close()
