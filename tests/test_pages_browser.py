"""The committed pages looked at as a person would, in Debian's chromium: geometry, not counts.

The pages are the committed ones (``tests/test_viz.py`` checks they are current), so what is
measured here is what a reader of ``visualizations/`` gets. One browser for the module.
"""

from __future__ import annotations

import pytest

from tests.test_viz import COMMITTED, PATH_PAGE
from tests.test_viz_browser import ARGS, CHROMIUM, open_page

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium: apt-get install chromium")
AIL = "https://w3id.org/ai-leadership-kg/ontology#"
READABLE_PX = 10


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def opened(browser, name, width=1280, height=800):
    page = open_page(browser, COMMITTED / name)
    if (width, height) != (1280, 800):
        page.page.set_viewport_size({"width": width, "height": height})
    return page


# Where each node is drawn on screen (DOM pixels, viewport coordinates), its label's effective
# font size, and whether vis draws it at all (not hidden, not inside a closed group).
GEOMETRY = """ids => {
  const box = document.getElementById('kg-network').getBoundingClientRect();
  const scale = network.getScale();
  const drawn = new Set(network.body.nodeIndices);
  return ids.map(id => {
    const node = network.body.nodes[id];
    const b = network.getBoundingBox(id);
    const a = network.canvasToDOM({x: b.left, y: b.top});
    const z = network.canvasToDOM({x: b.right, y: b.bottom});
    return {id, drawn: drawn.has(id), px: node.labelModule.fontOptions.size * scale,
            left: box.left + a.x, top: box.top + a.y, right: box.left + z.x, bottom: box.top + z.y};
  });
}"""


def inside(g, width, height):
    return g["left"] >= 0 and g["top"] >= 0 and g["right"] <= width and g["bottom"] <= height


def test_every_ladder_role_stays_in_view_after_a_resize(browser):
    page = opened(browser, "career-ladder.html", 1400, 900)
    try:
        page.page.set_viewport_size({"width": 900, "height": 700})
        page.page.wait_for_function("() => { const s = network.getScale(); "
                                    "return new Promise(r => setTimeout(() => r(s === network.getScale()), 250)); }")
        page.page.wait_for_timeout(200)
        roles = page.js("network.body.data.nodes.getIds()")
        assert len(roles) >= 9
        aside = page.page.locator("aside").bounding_box()
        for g in page.js(GEOMETRY, roles):
            assert g["drawn"] and inside(g, aside["x"], 700), g
        assert page.errors == [] and page.requests == []
    finally:
        page.page.context.close()


def test_every_neighbour_of_the_focus_is_labelled_legibly_at_first_paint(browser):
    page = opened(browser, "focus-HeadOfAIEngineering.html")
    try:
        centre = AIL + "HeadOfAIEngineering"
        neighbours = page.js("id => network.getConnectedNodes(id)", centre)
        assert len(neighbours) > 100
        canvas = page.page.locator("#kg-network").bounding_box()
        for g in page.js(GEOMETRY, [centre, *neighbours]):
            assert g["drawn"] and g["px"] >= READABLE_PX, g
            assert inside(g, canvas["x"] + canvas["width"], canvas["y"] + canvas["height"]), g
    finally:
        page.page.context.close()


def _overlap(a, b):
    return not (a["left"] + a["width"] <= b["left"] or b["left"] + b["width"] <= a["left"]
                or a["top"] + a["height"] <= b["top"] or b["top"] + b["height"] <= a["top"])


def test_path_step_labels_do_not_overlap_and_the_story_highlights_each_step(browser):
    page = opened(browser, PATH_PAGE)
    try:
        steps = page.js("network.body.data.edges.getIds().filter(id => id.startsWith('step-')).sort()")
        assert len(steps) == 4
        boxes = page.js("ids => ids.map(id => { const s = network.body.edges[id].labelModule.size;"
                        " return {id, left: s.left, top: s.top, width: s.width, height: s.height,"
                        " px: network.body.edges[id].labelModule.fontOptions.size * network.getScale()}; })",
                        steps)
        for k, a in enumerate(boxes):
            assert a["width"] > 0 and a["px"] >= READABLE_PX, a
            for b in boxes[k + 1:]:
                assert not _overlap(a, b), (a, b)
        # the roles' boxes are drawn legibly too
        roles = page.js("network.body.data.nodes.getIds()")
        assert all(g["px"] >= READABLE_PX for g in page.js(GEOMETRY, roles))
        for k, step in enumerate(steps, start=1):
            page.page.hover(f'#kg-story > li[data-edge="{step}"]')
            assert page.js("network.getSelectedEdges()") == [step]
            assert page.js("window.kgHighlighted") == step
        assert page.errors == [] and page.requests == []
    finally:
        page.page.context.close()


def test_the_whole_graph_opens_on_legible_groups_that_open_on_click(browser):
    page = opened(browser, "graph.html")
    try:
        drawn = page.js("network.body.nodeIndices.slice()")
        assert all(i.startswith("group:") for i in drawn) and len(drawn) > 10
        canvas = page.page.locator("#kg-network").bounding_box()
        for g in page.js(GEOMETRY, drawn):
            assert g["px"] >= READABLE_PX, g
            assert inside(g, canvas["x"] + canvas["width"], canvas["y"] + canvas["height"]), g
        # the legend (41 classes) starts folded; its filter keeps only matching classes
        assert not page.js("document.querySelector('details.kg-legend-box').open")
        page.page.click("details.kg-legend-box summary")
        page.page.fill("#kg-legend-filter", "skill")
        shown = page.js("Array.from(document.querySelectorAll('#kg-legend li')).filter(li => !li.hidden)"
                        ".map(li => li.textContent.toLowerCase())")
        assert 2 <= len(shown) < 41 and all("skill" in text for text in shown)
        role = "group:" + AIL + "Role"
        where = page.js(GEOMETRY, [role])[0]
        page.page.mouse.click((where["left"] + where["right"]) / 2, (where["top"] + where["bottom"]) / 2)
        members = page.js("c => network.body.data.nodes.get({filter: n => n.cls === c}).map(n => n.id)",
                          AIL + "Role")
        now = set(page.js("network.body.nodeIndices.slice()"))
        assert role not in now and set(members) <= now
        assert page.errors == []
    finally:
        page.page.context.close()


def test_the_charts_draw_every_figure_of_the_graph_once(browser, graph):
    page = open_page(browser, COMMITTED / "charts.html")
    try:
        marks = page.js("Array.from(document.querySelectorAll('svg g.figure')).map(g => "
                        "{ const b = g.getBoundingClientRect(); return [g.dataset.figure, b.width, b.height]; })")
        figures = graph.query("SELECT DISTINCT ?f WHERE { ?f a/rdfs:subClassOf* ail:MarketStatistic ; "
                              "ail:value ?v }")
        assert sorted(m[0] for m in marks) == sorted(r["f"] for r in figures)
        assert all(w > 0 and h > 0 for _, w, h in marks)  # each one is drawn, not just present
        tip = page.js("document.querySelector('svg g.figure title').textContent")
        assert "period:" in tip and "region:" in tip
        assert page.errors == [] and page.requests == []
    finally:
        page.page.context.close()


@pytest.mark.slow
def test_served_entity_pages_and_query_form_in_a_browser(browser, tmp_path):
    """``aikg serve``: a browser gets the entity page (hostile text shown as text, nothing
    loaded from elsewhere), follows a link, and runs the index's query form against /sparql."""
    from kg.serving.server import running_server
    from tests.test_viz import XSS_LABEL, write_xss

    with running_server(extra=[write_xss(tmp_path)]) as url:
        context = browser.new_context()
        elsewhere = []
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url)
                      else (elsewhere.append(r.request.url), r.abort()))
        page = context.new_page()
        try:
            response = page.goto(url + "/browse/entity/XssRole")
            assert response.status == 200 and response.headers["content-type"].startswith("text/html")
            assert page.text_content("h1") == XSS_LABEL
            assert page.evaluate("window.__xss") is None
            page.click("#links a >> text=Head of AI Engineering")
            assert page.url == url + "/browse/entity/HeadOfAIEngineering"
            assert page.locator("#picture svg a").count() > 10
            page.goto(url + "/browse")
            page.fill("textarea[name=query]", "SELECT (COUNT(*) AS ?n) WHERE { ?r a ail:Role }")
            page.click("#query-form button")
            page.wait_for_url(url + "/sparql?*")
            assert '"n"' in page.text_content("body") and elsewhere == []
        finally:
            context.close()
