"""The graph pages: committed pages are current, output is deterministic, graph text is
escaped, nothing is loaded from the network. (Behaviour in a real browser: test_viz_browser.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import kg
from kg.pages import viz

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "visualizations"
AIL = "https://w3id.org/ai-leadership-kg/ontology#"

# The committed pages and the command that writes each (run from the repository root).
FOCUS = ("Head of AI Engineering", 1)
PATH = ("Junior AI Engineer", "Head of AI Engineering")
PATH_PAGE = "path-JuniorAIEngineer-HeadOfAIEngineering.html"

XSS_LABEL = '<img src=x onerror="window.__xss=1">'
XSS_TTL = """\
@prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

ail:XssRole a ail:Role ;
    rdfs:label "<img src=x onerror=\\"window.__xss=1\\">"@en ;
    skos:definition "<script>window.__xss=2</script> A role whose text tries to run script."@en ;
    skos:altLabel "</script><script>window.__xss=3</script>"@en ;
    dcterms:source ail:SectionCareerDevelopment ;
    ail:seniorityLevel 4 ;
    ail:careerStage ail:StageSenior ;
    ail:onTrack ail:TrackEngineering ;
    ail:progressesTo ail:HeadOfAIEngineering ;
    ail:requiresEssentialSkill ail:XssSkill .

ail:XssSkill a ail:ProgrammingLanguage ;
    rdfs:label "<svg onload=\\"window.__xss=4\\"></svg>"@en ;
    skos:definition "A skill whose label tries to run script: </style><b>bold</b>"@en ;
    dcterms:source ail:SectionRequirements .
"""


def write_xss(folder: Path) -> Path:
    path = folder / "xss.ttl"
    path.write_text(XSS_TTL, encoding="utf-8")
    return path


def write_all(aikg, out: Path, extra: tuple[str, ...] = ()) -> None:
    """Write the committed set of pages into ``out`` the way docs/commands.md says to."""
    with_args = [a for e in extra for a in ("--with", e)]
    out.mkdir(parents=True, exist_ok=True)  # 'path --html' writes into an existing folder
    for args in (["path", *PATH, "--html", str(out / PATH_PAGE)],
                 ["viz", "-o", str(out)],
                 ["viz", "-o", str(out), "--focus", FOCUS[0], "--depth", str(FOCUS[1])],
                 ["viz", "-o", str(out), "--planner"],
                 ["charts", "-o", str(out)]):  # the last one writes index.html, linking all
        result = aikg(*with_args, *args)
        assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def fresh_pages(tmp_path_factory):
    from click.testing import CliRunner

    from kg.cli import main

    out = tmp_path_factory.mktemp("pages")
    runner = CliRunner()
    write_all(lambda *a: runner.invoke(main, list(a), catch_exceptions=False), out)
    return out


def test_committed_pages_are_current(fresh_pages):
    written = sorted(p.name for p in fresh_pages.glob("*.html"))
    assert written == sorted(p.name for p in COMMITTED.glob("*.html")), \
        "visualizations/ holds other pages than 'aikg viz' writes"
    for name in written:
        assert (COMMITTED / name).read_bytes() == (fresh_pages / name).read_bytes(), (
            f"visualizations/{name} is stale: run 'make pages' in the repository root")


def test_same_graph_gives_byte_identical_pages(fresh_pages, tmp_path):
    g = kg.load()  # a second, independent load
    viz.write_pages(g, tmp_path)
    viz.write_pages(g, tmp_path, focus=FOCUS[0], depth=FOCUS[1])
    for page in tmp_path.glob("*.html"):
        assert page.read_bytes() == (fresh_pages / page.name).read_bytes(), page.name
    from kg.pages import charts

    charts.charts_page(g, tmp_path / "charts.html")
    assert (tmp_path / "charts.html").read_bytes() == (fresh_pages / "charts.html").read_bytes()


def test_pages_need_no_network(fresh_pages):
    for page in fresh_pages.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<(script|link|img|iframe)[^>]*\s(src|href)=[\"']?(https?:)?//",
                             html, re.I), page.name
        assert not re.search(r"url\(\s*(?![\"']?data:)", html), page.name  # CSS: data: only
        assert "@import" not in html, page.name
        assert ("default-src &#39;none&#39;" in html  # the browser refuses any load the page might try
                or "default-src 'none'" in html)
        if page.name == "planner.html":  # its own script, the only one allowed to run
            assert "connect-src &#39;none&#39;" in html and "vis.Network" not in html
        elif page.name not in ("charts.html", "index.html"):
            assert "vis.Network" in html and "vis-network" in html  # vis is inlined
        else:
            assert "<script" not in html  # the charts and the index run no script at all


def test_no_lib_folder_is_written(tmp_path, monkeypatch, aikg):
    monkeypatch.chdir(tmp_path)
    result = aikg("viz")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["visualizations"]
    assert sorted(p.name for p in (tmp_path / "visualizations").iterdir()) == \
        ["career-ladder.html", "graph.html", "index.html"]
    assert result.stdout.split() == ["visualizations/graph.html", "visualizations/career-ladder.html"]


def test_graph_text_is_escaped(tmp_path, aikg):
    extra = write_xss(tmp_path)
    out = tmp_path / "out"
    write_all(aikg, out, (str(extra),))
    assert aikg("--with", str(extra), "viz", "-o", str(out), "--focus", "ail:XssRole").exit_code == 0
    pages = list(out.glob("*.html"))
    assert len(pages) == 8  # graph, ladder, two focus pages, path, planner, charts, index
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for raw in ("<img src=x", "<svg onload", "<script>window.__xss", "</script><script>",
                    "<b>bold</b>"):
            assert raw not in html, (page.name, raw)
    ladder = (out / "career-ladder.html").read_text(encoding="utf-8")
    assert r"\u003cimg src=x onerror=\"window.__xss=1\"\u003e" in ladder  # as JSON text
    focus = next(out.glob("focus-XssRole.html")).read_text(encoding="utf-8")
    assert "<title>Around &lt;img src=x onerror=&#34;window.__xss=1&#34;&gt;</title>" in focus


def test_node_counts(graph, tmp_path):
    rows = graph.query(
        "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?c . "
        "?c rdfs:isDefinedBy <https://w3id.org/ai-leadership-kg/ontology> FILTER(isIRI(?e)) }")
    assert viz.graph_page(graph, tmp_path / "g.html").nodes == rows[0]["n"]
    roles = graph.query("SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a/rdfs:subClassOf* ail:Role }")
    assert viz.ladder_page(graph, tmp_path / "l.html").nodes == roles[0]["n"]


def test_focus_depth_grows_the_neighbourhood(graph, tmp_path):
    one = viz.focus_page(graph, "Head of AI Engineering", 1, tmp_path / "1.html")
    two = viz.focus_page(graph, "Head of AI Engineering", 2, tmp_path / "2.html")
    assert 1 < one.nodes < two.nodes


def test_path_page_draws_every_role_and_tells_every_new_skill(graph, tmp_path):
    from kg.paths import answers as paths
    from kg.pages import data as viz_data
    from kg.pages import path_page as viz_path

    result = paths.find_path(graph, *PATH)
    page = viz_path.path_page(graph, result, tmp_path / "p.html")
    answer = result.to_dict()
    roles = graph.query("SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a/rdfs:subClassOf* ail:Role }")
    assert page.nodes == roles[0]["n"]
    assert viz_path.path_page(graph, answer, tmp_path / "d.html").nodes == page.nodes  # to_dict() too
    told = viz_path.story(graph, answer, viz_data.entities(graph), viz_data.ladder(graph)[0])
    for step, said in zip(answer["steps"], told["steps"], strict=True):
        essential = [s["label"] for s in step["new_skills"] if s["essential"]]
        preferred = [s["label"] for s in step["new_skills"] if not s["essential"]]
        assert (said["essential"], said["preferred"]) == (essential, preferred)
        assert said["count"].endswith(f"{step['running_total']} in all")
    html = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert html.count('<li data-edge="step-') == len(answer["steps"])


@pytest.mark.parametrize("args, code, message", [
    (["viz", "--depth", "2"], 2, "Error: --depth needs --focus ENTITY."),
    (["viz", "--focus", "Head of A1"], 1, "Error: No entity matches 'Head of A1'. Did you mean"),
    (["viz", "--focus", "Head of AI", "--depth", "0"], 2, "Invalid value for '--depth'"),
    (["viz", "--focus", "ail:Role"], 1, "is a term of the ontology, not an entity of the graph"),
])
def test_errors(aikg, tmp_path, args, code, message):
    result = aikg(*args[:1], "-o", str(tmp_path), *args[1:])
    assert result.exit_code == code
    assert message in result.stderr


def test_output_must_be_a_folder(aikg, tmp_path):
    (tmp_path / "file").write_text("x")
    result = aikg("viz", "-o", str(tmp_path / "file"))
    assert result.exit_code != 0
    assert "file" in result.stderr and "Traceback" not in result.stderr


def test_large_graphs_skip_browser_physics():
    options = viz.options(viz.PHYSICS_LIMIT + 1, physics=True, smooth=False)
    assert options["physics"]["enabled"] is False
    assert viz.options(100, physics=True, smooth=False)["physics"]["enabled"] is True
