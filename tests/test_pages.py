"""Charts, the pages' index and the served entity pages (no browser; see test_pages_browser)."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest

import kg
from kg.pages import charts
from kg.serving import linked_data
from kg.pages import path_page, viz
from tests.test_viz import XSS_LABEL, write_xss

AIL = "https://w3id.org/ai-leadership-kg/ontology#"
HEAD = AIL + "HeadOfAIEngineering"
FIGURES = ("SELECT DISTINCT ?f WHERE { ?f a/rdfs:subClassOf* ail:MarketStatistic ; ail:value ?v }")


class Marks(HTMLParser):
    """The SVG marks of a charts page, read with a real HTML parser."""

    def __init__(self):
        super().__init__()
        self.figures, self.scripts, self.links = [], 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "g" and "figure" in (attrs.get("class") or "").split():
            self.figures.append(attrs["data-figure"])
        self.scripts += tag == "script"
        if tag == "a":
            self.links.append(attrs.get("href"))


def parsed(html: str) -> Marks:
    marks = Marks()
    marks.feed(html)
    return marks


def test_charts_draw_every_figure_once_and_no_script(graph, tmp_path):
    page = charts.charts_page(graph, tmp_path / "charts.html")
    marks = parsed(page.read_text(encoding="utf-8"))
    assert sorted(marks.figures) == sorted(r["f"] for r in graph.query(FIGURES))
    assert marks.scripts == 0


def test_a_range_is_drawn_between_its_two_bounds(graph):
    found = {f.iri: f for f in charts.figures(graph)}
    low, high = found[AIL + "StatTypicalRangeLow"], found[AIL + "StatTypicalRangeHigh"]
    assert (low.range, high.range) == (AIL + "RangeTypicalSalary",) * 2
    rows = charts._pay_rows([low, high, found[AIL + "StatMedianSalaryExecutive"]])
    assert rows[0] == ("Typical salary range", [low, high])
    svg = str(charts.dot_chart("t", rows, "USD", "#000"))
    assert svg.count('class="range"') == 1 and svg.count('class="figure"') == 3


def test_currencies_and_units_are_never_on_one_axis(graph):
    titles = [str(svg) for s in charts.sections(graph) for svg in s["charts"]]
    assert any("Investment amount (INR)" in t for t in titles)
    assert any("Investment amount (USD)" in t for t in titles)
    for figure in charts.figures(graph):
        owning = [t for t in titles if f'data-figure="{figure.iri}"' in t]
        assert len(owning) == 1 and f"({figure.measure})" in owning[0], figure.iri


def test_market_size_is_charted_over_the_years(graph):
    (market,) = [s for s in charts.sections(graph) if s["heading"].startswith("Market")]
    years = [str(c) for c in market["charts"] if "over the years" in str(c)]
    assert len(years) == 1 and ">2024<" in years[0] and ">2029<" in years[0]


def test_hot_technologies_are_charted_from_any_hot_technology_query(graph, monkeypatch):
    """The importers add such queries; any ``hot-technolog*`` query with a text and a number
    column is charted. Stand one in, built from the guide's own skills."""
    import dataclasses

    from kg.query import catalogue

    assert charts.hot_technologies(graph) == []  # the guide alone has none
    real = catalogue.catalogue()
    fake = dataclasses.replace(
        real["skills"], name="hot-technologies", summary="Hot tech", params=(),
        text="PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
             "PREFIX ail: <https://w3id.org/ai-leadership-kg/ontology#>\n"
             "SELECT ?label (COUNT(?r) AS ?roles) WHERE { ?r ail:requiresEssentialSkill ?s . "
             "?s rdfs:label ?label } GROUP BY ?label ORDER BY DESC(?roles) ?label")
    monkeypatch.setattr(catalogue, "catalogue", lambda: {**real, "hot-technologies": fake})
    monkeypatch.setattr(catalogue, "get", lambda name: fake if name == "hot-technologies" else real[name])
    (svg,) = charts.hot_technologies(graph)
    assert "Hot tech" in str(svg) and str(svg).count('class="figure"') > 5


def test_charts_text_is_escaped(tmp_path):
    g = kg.load(extra=[write_xss(tmp_path)])
    fig = charts.Figure(AIL + "X", XSS_LABEL, "Salary figure", 1.0, currency="USD")
    svg = str(charts.dot_chart(XSS_LABEL, [(XSS_LABEL, [fig])], "USD", "#000"))
    assert "<img" not in svg and "&lt;img src=x" in svg
    page = charts.charts_page(g, tmp_path / "c.html").read_text(encoding="utf-8")
    assert "<script" not in page


def test_index_links_every_page(tmp_path, aikg):
    assert aikg("viz", "-o", str(tmp_path)).exit_code == 0
    result = aikg("charts", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [str(tmp_path / "charts.html")]
    marks = parsed((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert sorted(marks.links) == ["career-ladder.html", "charts.html", "graph.html"]
    assert marks.scripts == 0


def test_charts_output_must_be_a_folder(tmp_path, aikg):
    (tmp_path / "file").write_text("x")
    result = aikg("charts", "-o", str(tmp_path / "file"))
    assert result.exit_code == 2  # click refuses a file where a folder is wanted
    assert "Error: " in result.stderr and "file" in result.stderr and "Traceback" not in result.stderr


def test_a_graph_without_figures_is_refused(tmp_path):
    from kg.graph import KnowledgeGraph

    empty = KnowledgeGraph(ox.Store())
    with pytest.raises(kg.errors.KGError, match="no figures"):
        charts.charts_page(empty, tmp_path / "c.html")
    assert not (tmp_path / "c.html").exists()


def test_groups_when_labels_would_be_too_small(graph, tmp_path, monkeypatch):
    html = viz.ladder_page(graph, tmp_path / "l.html").path.read_text(encoding="utf-8")
    assert '"groups":[]' in html  # nine roles are legible as they are
    monkeypatch.setattr(viz, "READABLE_PX", 30)  # as if the window were three times smaller
    page = viz.ladder_page(graph, tmp_path / "l.html")
    html = (tmp_path / "l.html").read_text(encoding="utf-8")
    data = json.loads(html.split('id="kg-data">', 1)[1].split("</script>", 1)[0])
    levels = {n["level"] for n in data["nodes"]}
    assert len(data["groups"]) == len(levels) and page.nodes == len(data["nodes"])
    assert all(n["grp"].startswith("group:") for n in data["nodes"])
    assert sum(g["count"] for g in data["groups"]) == page.nodes


# -- served entity pages ------------------------------------------------------------------------
@pytest.mark.parametrize("accept, media", [
    (None, "text/html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
])
def test_entity_pages_are_negotiated(graph, accept, media):
    status, got, body = linked_data.respond(graph, "/browse/entity/HeadOfAIEngineering", "", accept)
    assert (status, got.split(";")[0]) == (200, media)
    if media == "text/turtle":
        triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
        assert ox.Triple(ox.NamedNode(HEAD), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                         ox.Literal("Head of AI Engineering", language="en")) in [q.triple for q in triples]
        assert any(q.object == ox.NamedNode(HEAD) for q in triples)  # links both ways
    elif media == "application/ld+json":
        assert json.loads(body)["@graph"]
    else:
        html = body.decode("utf-8")
        assert "<h1>Head of AI Engineering</h1>" in html and "<script" not in html
        assert 'href="/browse/entity/AITeamLead"' in html or "/browse/entity/" in html


@pytest.mark.parametrize("path, query, accept, status, message", [
    ("/browse/entity/NoSuchThing", "", None, 404, "No entity"),
    ("/browse/entity", "iri=not%20an%20iri", None, 400, "is not an IRI"),
    ("/browse/entity", "", None, 400, "Name the entity"),
    ("/browse/entity/HeadOfAIEngineering", "", "image/png", 406, "text/turtle"),
    ("/browse/nothing", "", None, 404, "No page"),
])
def test_entity_page_refusals(graph, path, query, accept, status, message):
    got, media, body = linked_data.respond(graph, path, query, accept)
    assert got == status and media.startswith("text/plain") and message in body.decode()


def test_entity_pages_escape_graph_text(tmp_path):
    g = kg.load(extra=[write_xss(tmp_path)])
    status, _, body = linked_data.respond(g, "/browse/entity/XssRole")
    html = body.decode("utf-8")
    assert status == 200
    for raw in ("<img src=x", "<script>window", "</script><script>"):
        assert raw not in html
    assert "&lt;img src=x onerror=" in html


def test_index_lists_pages_roles_and_a_query_form(graph):
    status, media, body = linked_data.respond(graph, "/browse")
    marks = parsed(body.decode("utf-8"))
    assert status == 200 and marks.scripts == 0
    assert {"/browse/charts.html", "/browse/graph.html", "/browse/career-ladder.html",
            "/browse/entity/HeadOfAIEngineering"} <= set(marks.links)
    assert '<form id="query-form" method="get" action="/sparql">' in body.decode()


@pytest.mark.slow
def test_served_over_http():
    httpx = pytest.importorskip("httpx")
    from kg.serving.server import running_server

    with running_server() as url:
        html = httpx.get(url + "/browse/entity/HeadOfAIEngineering", headers={"Accept": "text/html"})
        ttl = httpx.get(url + "/browse/entity/HeadOfAIEngineering", headers={"Accept": "text/turtle"})
        charts_page = httpx.get(url + "/browse/charts.html")
        form = httpx.get(url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                                                  "format": "json"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in html.text
    assert ttl.headers["content-type"].startswith("text/turtle") and ttl.headers["vary"] == "Accept"
    assert list(ox.parse(ttl.content, format=ox.RdfFormat.TURTLE))
    assert charts_page.status_code == 200 and 'class="figure"' in charts_page.text
    assert form.status_code == 200 and form.json()["results"]["bindings"]


def _data(path):
    html = path.read_text(encoding="utf-8")
    return json.loads(html.split('id="kg-data">', 1)[1].split("</script>", 1)[0])


def test_focus_groups_by_class_but_keeps_the_focus_when_labels_would_be_too_small(
        graph, tmp_path, monkeypatch):
    assert _data(viz.focus_page(graph, "Head of AI Engineering", 1, tmp_path / "f.html").path)["groups"] == []
    monkeypatch.setattr(viz, "READABLE_PX", 30)
    data = _data(viz.focus_page(graph, "Head of AI Engineering", 1, tmp_path / "g.html").path)
    centre = [n for n in data["nodes"] if n["id"] == HEAD]
    assert centre and "grp" not in centre[0]
    classes = {n["cls"] for n in data["nodes"] if n["id"] != HEAD}
    assert len(data["groups"]) == len(classes)
    assert sum(g["count"] for g in data["groups"]) == len(data["nodes"]) - 1


def test_a_path_on_an_illegible_ladder_draws_its_roles_and_their_neighbours(graph, tmp_path, monkeypatch):
    from kg.paths import answers as paths
    from kg.pages import path_page as viz_path

    result = paths.find_path(graph, "Junior AI Engineer", "Head of AI Engineering")
    whole = path_page.path_page(graph, result, tmp_path / "p.html")
    monkeypatch.setattr(viz_path, "READABLE_PX", 30)
    part = path_page.path_page(graph, result, tmp_path / "q.html")
    on_path = {r.iri for r in result.best.roles}
    drawn = {n["id"] for n in _data(part.path)["nodes"]}
    assert on_path <= drawn and part.nodes < whole.nodes
    assert "of 9 roles drawn" in part.path.read_text(encoding="utf-8")
