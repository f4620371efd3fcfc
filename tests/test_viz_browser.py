"""The graph pages in a real browser: Debian's chromium, headless, driven by Playwright.

Never ``playwright install`` (it downloads a browser); the set-up installs the ``chromium``
package, which puts the browser at /usr/bin/chromium. One browser serves the whole module.
Every page is written from the shipped graph plus a ``--with`` file whose labels are XSS
canaries, so each check below runs on a page that carries hostile text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_viz import PATH_PAGE, XSS_LABEL, write_xss

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update"]
ONT = "https://w3id.org/ai-leadership-kg/ontology"
AIL = ONT + "#"
XSS = AIL + "XssRole"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium: apt-get install chromium")


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The pages (graph, ladder, focus, path) and the graph they were written from."""
    from click.testing import CliRunner

    import kg
    from kg.cli import main

    folder = tmp_path_factory.mktemp("site")
    extra = str(write_xss(folder))
    runner = CliRunner()
    for args in (["viz", "-o", str(folder)],
                 ["viz", "-o", str(folder), "--focus", "ail:XssRole", "--depth", "1"],
                 ["path", "ail:XssRole", "Head of AI Engineering", "--html",
                  str(folder / PATH_PAGE)]):
        result = runner.invoke(main, ["--with", extra, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return folder, kg.load(extra=[extra])


def expected_nodes(g, kind: str) -> int:
    """How many nodes each page must draw, counted straight from the graph."""
    individuals = f"?e a ?c . ?c rdfs:isDefinedBy <{ONT}> . FILTER(isIRI(?e))"
    roles = "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a/rdfs:subClassOf* ail:Role }"
    if kind == "graph":
        return g.query(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {individuals} }}")[0]["n"]
    if kind == "ladder":
        return g.query(roles)[0]["n"]
    if kind == "focus":
        return g.query(
            f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {individuals} "
            f"{{ BIND(<{XSS}> AS ?e) }} UNION {{ <{XSS}> ?p ?e }} UNION {{ ?e ?p <{XSS}> }} }}"
        )[0]["n"]
    return g.query(roles)[0]["n"]  # the path's skills are told in the panel beside it


PAGES = {"graph": "graph.html", "ladder": "career-ladder.html",
         "focus": "focus-XssRole.html", "path": PATH_PAGE}
# A node to search for on each page: (text typed, IRI expected to be focused)
SEARCH = {"graph": ("head of ai engineering", AIL + "HeadOfAIEngineering"),
          "ladder": ("Senior AI", AIL + "SeniorAIEngineer"),
          "focus": ("Head of AI Engineering", AIL + "HeadOfAIEngineering"),
          "path": ("head of AI eng", AIL + "HeadOfAIEngineering")}


class Opened:
    def __init__(self, page, requests, errors):
        self.page, self.requests, self.errors = page, requests, errors

    def js(self, script, arg=None):
        return self.page.evaluate(script, arg)


def open_page(browser, path: Path, bypass_csp: bool = False) -> Opened:
    """Open a page with every non-file request blocked and recorded; wait for a still picture."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=bypass_csp)
    requests, errors = [], []

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda req: None if req.url.startswith(("file:", "data:"))
            else requests.append(req.url))
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.on("console", lambda msg: errors.append(f"console {msg.type}: {msg.text}")
            if msg.type in ("error", "warning") else None)
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready]", state="attached", timeout=60_000)
    return Opened(page, requests, errors)


@pytest.fixture(params=sorted(PAGES))
def opened(request, browser, site):
    folder, g = site
    result = open_page(browser, folder / PAGES[request.param])
    result.kind, result.graph = request.param, g
    yield result
    result.page.context.close()


def test_loads_offline_without_errors(opened):
    assert opened.requests == []
    assert opened.errors == []
    assert opened.js("window.__xss") is None


def test_draws_every_node(opened):
    """Every entity is on the page: drawn, or counted in the group box that stands for it."""
    assert opened.js("kgData.nodes.length") == expected_nodes(opened.graph, opened.kind)
    alone = opened.js("kgData.nodes.filter(n => !n.grp).map(n => n.id)")
    groups = opened.js("kgData.groups.map(g => [g.id, g.count])")
    drawn = opened.js("network.body.nodeIndices.slice()")
    assert sorted(drawn) == sorted(alone + [g for g, _ in groups])
    assert len(alone) + sum(n for _, n in groups) == expected_nodes(opened.graph, opened.kind)


def test_search_focuses_the_node(opened):
    text, iri = SEARCH[opened.kind]
    opened.page.fill("#kg-search", text)
    opened.page.press("#kg-search", "Enter")
    assert opened.js("network.getSelectedNodes()") == [iri]
    assert opened.js("window.kgFocused") == iri
    centre = opened.js("network.getViewPosition()")
    where = opened.js("id => network.getPositions([id])[id]", iri)
    assert abs(centre["x"] - where["x"]) < 1 and abs(centre["y"] - where["y"]) < 1
    assert opened.page.text_content("#kg-details .kg-tip-heading") == \
        opened.js("id => network.body.data.nodes.get(id).label", iri)
    opened.page.fill("#kg-search", "no such node at all")
    opened.page.press("#kg-search", "Enter")
    assert "Nothing matches" in opened.page.text_content("#kg-status")


def test_class_filter_hides_a_class(opened):
    if not opened.js("document.querySelector('details.kg-legend-box').open"):
        opened.page.click("details.kg-legend-box summary")  # long legends start folded
    classes = opened.js("Array.from(document.querySelectorAll('#kg-legend input'))"
                        ".map(b => b.dataset.class)")
    cls = AIL + "Role" if AIL + "Role" in classes else classes[0]
    # what stands for the class on screen: its drawn nodes, and groups made only of it
    members = opened.js("""c => network.body.data.nodes.get({filter: n => n.cls === c}).map(n => n.id)
        .concat(kgData.groups.filter(g => kgData.nodes.every(n => n.grp !== g.id || n.cls === c))
        .map(g => g.id))""", cls)
    assert members
    opened.page.uncheck(f'#kg-legend input[data-class="{cls}"]')
    hidden = opened.js("network.body.data.nodes.get({filter: n => n.hidden}).map(n => n.id)")
    assert sorted(hidden) == sorted(members)
    assert opened.js("id => network.body.nodes[id].options.hidden", members[0]) is True
    opened.page.check(f'#kg-legend input[data-class="{cls}"]')
    assert opened.js("network.body.data.nodes.get({filter: n => n.hidden}).length") == 0


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_xss_canary_does_not_run(browser, site, kind):
    """Escaping alone must stop it: the page's Content-Security-Policy is switched off here."""
    folder, _ = site
    opened = open_page(browser, folder / PAGES[kind], bypass_csp=True)
    try:
        opened.page.fill("#kg-search", XSS_LABEL)
        opened.page.press("#kg-search", "Enter")
        assert opened.js("window.kgFocused") == XSS
        # show the canvas tooltip too: hover the node where it is drawn
        spot = opened.js("id => network.canvasToDOM(network.getPositions([id])[id])", XSS)
        box = opened.page.locator("#kg-network").bounding_box()
        opened.page.mouse.move(box["x"] + spot["x"], box["y"] + spot["y"])
        opened.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)
        assert XSS_LABEL in opened.page.text_content("div.vis-tooltip")
        assert opened.page.text_content("#kg-details .kg-tip-heading") == XSS_LABEL
        assert opened.js("window.__xss") is None
        assert opened.js("document.querySelectorAll('img, svg:not(#kg-legend svg), b').length") == 0
        assert opened.errors == [] and opened.requests == []
    finally:
        opened.page.context.close()
