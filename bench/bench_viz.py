"""Time to a readable first paint of the whole-graph and ladder pages in headless Chromium, at
500, 5,000 and O*NET size (10,000 entities, ~65,000 links, ~930 roles), on synthetic graphs
with the shipped TBox; plus the cost of making the page and of using it (class filter, search).

    .venv/bin/python bench/bench_viz.py [--sizes 500 5000 10000] [--repeat 3]

"Readable first paint" is what the page reports as ready (``window.kgReadyAt``, ms since
navigation started: the first frame after the fit) *and* every node drawn then is inside the
canvas with a label of at least 10 px (``min label px``; the row says so). Target: <= 3 s.
Needs Debian's chromium at /usr/bin/chromium (never ``playwright install``).
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from kg.store import release as store
from kg.pages import viz
from kg.graph import KnowledgeGraph
from kg.store.turtle import parse_turtle

AIL = "https://w3id.org/ai-leadership-kg/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DEFINITION = ox.NamedNode("http://www.w3.org/2004/02/skos/core#definition")
SOURCE = ox.NamedNode("http://purl.org/dc/terms/source")
SKILL_KINDS = ["ProgrammingLanguage", "MLFramework", "AITechnique", "InfrastructureSkill",
               "SoftSkill", "BusinessSkill", "SoftwareEngineeringSkill"]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update"]


def synthetic(nodes: int, seed: int = 42, links: int = 0, roles: float = 0.05) -> KnowledgeGraph:
    """The TBox plus ``nodes`` individuals: roles, skills, responsibilities, challenges,
    salary figures and source sections, about three links per individual, plus ``links``
    more role-to-skill links (O*NET has about 6.5 links per entity)."""
    rng = random.Random(seed)
    quads = list(parse_turtle(store.ontology_dir() / "ai_leadership.ttl"))

    def n(name):
        return ox.NamedNode(AIL + name)

    def add(iri, cls, label):
        quads.extend([ox.Quad(iri, RDF_TYPE, n(cls)), ox.Quad(iri, LABEL, ox.Literal(label, language="en")),
                      ox.Quad(iri, DEFINITION, ox.Literal(f"Synthetic {cls} {label}.", language="en"))])

    plan = [("Role", roles), ("SourceSection", 0.01), ("Responsibility", 0.25),
            ("Challenge", 0.09), ("SalaryFigure", 0.10)]
    counts = {cls: max(1, int(nodes * share)) for cls, share in plan}
    counts["Skill"] = nodes - sum(counts.values())
    made: dict[str, list] = {}
    for cls, count in counts.items():
        made[cls] = []
        for i in range(count):
            iri = n(f"Syn{cls}{i}")
            add(iri, SKILL_KINDS[i % len(SKILL_KINDS)] if cls == "Skill" else cls, f"{cls} {i}")
            made[cls].append(iri)
    roles = made["Role"]
    for i, role in enumerate(roles):
        quads.append(ox.Quad(role, n("seniorityLevel"), ox.Literal(str(1 + i % 7), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))))
        if i + 1 < len(roles):
            quads.append(ox.Quad(role, n("progressesTo"), roles[i + 1]))
    for skill in made["Skill"]:
        quads.append(ox.Quad(rng.choice(roles), n("requiresEssentialSkill"), skill))
        quads.append(ox.Quad(rng.choice(roles), n("requiresPreferredSkill"), skill))
    for _ in range(links):
        quads.append(ox.Quad(rng.choice(roles), n("requiresPreferredSkill"), rng.choice(made["Skill"])))
    for resp in made["Responsibility"]:
        quads.append(ox.Quad(rng.choice(roles), n("hasResponsibility"), resp))
    for challenge in made["Challenge"]:
        quads.append(ox.Quad(rng.choice(roles), n("facesChallenge"), challenge))
    for figure in made["SalaryFigure"]:
        quads.append(ox.Quad(figure, n("measures"), rng.choice(roles)))
        quads.append(ox.Quad(figure, n("value"), ox.Literal(str(rng.randrange(50, 400) * 1000), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))))
        quads.append(ox.Quad(figure, n("currency"), ox.Literal("USD")))
    sections = made["SourceSection"]
    for cls, members in made.items():
        if cls != "SourceSection":
            for iri in members:
                quads.append(ox.Quad(iri, SOURCE, rng.choice(sections)))
    memory = ox.Store()
    memory.extend(quads)
    return KnowledgeGraph(memory)


def measure_page(browser, path: Path) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready]", state="attached", timeout=600_000)
    ready = page.evaluate("window.kgReadyAt")
    drawn = page.evaluate("kgData.nodes.length")
    # what the first paint shows: every drawn node inside the canvas, its label's size on screen
    sight = page.evaluate("""() => {
        const w = document.getElementById('kg-network').clientWidth;
        const h = document.getElementById('kg-network').clientHeight;
        const scale = network.getScale();
        let min = Infinity, outside = 0;
        for (const id of network.body.nodeIndices) {
            const node = network.body.nodes[id];
            min = Math.min(min, node.labelModule.fontOptions.size * scale);
            const b = network.getBoundingBox(id);
            const a = network.canvasToDOM({x: b.left, y: b.top}), z = network.canvasToDOM({x: b.right, y: b.bottom});
            if (a.x < 0 || a.y < 0 || z.x > w || z.y > h) { outside += 1; }
        }
        return {min, outside, shown: network.body.nodeIndices.length};
    }""")
    # Using the page once it is up: hide the largest class, then find a node by label.
    filter_ms = page.evaluate("""() => new Promise(done => {
        const boxes = Array.from(document.querySelectorAll('#kg-legend input'));
        const counts = Array.from(document.querySelectorAll('#kg-legend .count')).map(c => +c.textContent);
        const box = boxes[counts.indexOf(Math.max(...counts))];
        const t0 = performance.now();
        network.once('afterDrawing', () => done(performance.now() - t0));
        box.click();
    })""")
    search_ms = page.evaluate("""() => new Promise(done => {
        const input = document.getElementById('kg-search');
        input.value = 'Role 3';
        const t0 = performance.now();
        network.once('afterDrawing', () => done(performance.now() - t0));
        document.getElementById('kg-search-form').requestSubmit();
    })""")
    context.close()
    return {"ready_ms": ready, "drawn": drawn, "filter_ms": filter_ms, "search_ms": search_ms,
            "min_px": sight["min"], "outside": sight["outside"], "shown": sight["shown"]}


SIZES = {500: (0, 0.05), 5000: (0, 0.05), 10000: (35000, 0.093)}  # extra links, share of roles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=sorted(SIZES))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    out = Path(tempfile.mkdtemp(prefix="bench-viz-"))
    print(f"# {platform.processor() or platform.machine()}, Python {platform.python_version()}; "
          f"median of {args.repeat} page loads at 1280x800; groups above "
          f"{viz.GRAPH_AGGREGATE_LIMIT} nodes (graph) or below {viz.READABLE_PX} px labels (ladder)")
    print("| page | nodes | edges | make page (s) | page size (MB) | readable first paint (s) "
          "| drawn at first paint | min label px | outside view | hide largest class (ms) | search + focus (ms) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for size in args.sizes:
            extra, roles = SIZES.get(size, (0, 0.05))
            g = synthetic(size, links=extra, roles=roles)
            for kind, draw in (("graph", viz.graph_page), ("ladder", viz.ladder_page)):
                start = time.perf_counter()
                page = draw(g, out / f"{kind}-{size}.html")
                made = time.perf_counter() - start
                runs = [measure_page(browser, page.path) for _ in range(args.repeat)]
                assert all(r["drawn"] == page.nodes for r in runs), (size, runs)
                med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                print(f"| {kind} | {page.nodes:,} | {page.edges:,} | {made:.2f} | "
                      f"{page.path.stat().st_size / 1e6:.1f} | {med['ready_ms'] / 1000:.2f} | "
                      f"{med['shown']:.0f} | {med['min_px']:.1f} | {med['outside']:.0f} | "
                      f"{med['filter_ms']:.0f} | {med['search_ms']:.0f} |", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
