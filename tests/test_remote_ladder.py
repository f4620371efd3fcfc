"""The remote path projection (:mod:`kg.remote.ladder`) gives the catalogue queries' rows.

The remote side builds the ladder from plain per-predicate tables instead of running the six
projection queries on the store: five run on a mirror of the tables, ``skills-for-role`` is
joined in Python. Here the tables come from local graphs and every row must equal the
catalogue query's own answer, order included (no server needed; the remote tests compare
whole commands against real stores).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg
from kg.graph import KnowledgeGraph
from kg.remote import ladder

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "acme-career-ladder.ttl"


@pytest.fixture(scope="module")
def onet_graph(tmp_path_factory):
    """The release plus the small O*NET import (skill ratings with importance, O*NET skills
    matched to ours, occupations without a ladder level)."""
    out = tmp_path_factory.mktemp("onet") / "onet.ttl"
    done = subprocess.run([str(Path(sys.executable).with_name("aikg")), "import", "onet",
                           str(ROOT / "tests" / "data" / "onet"), "-o", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return kg.load(extra=[out], check=False)


@pytest.fixture(scope="module")
def generated_graph():
    """A 20k-triple generated ladder (bench/gen_graph.py): many roles, shared skills."""
    sys.path.insert(0, str(ROOT))
    try:
        from bench.gen_graph import generate
    finally:
        sys.path.remove(str(ROOT))
    store = ox.Store()
    store.load("\n".join(generate(20_000)).encode(), format=ox.RdfFormat.N_TRIPLES)
    return KnowledgeGraph(store)


#: the corners of skills-for-role: two most specific kinds (the least label wins), a kind
#: and its superclass (the narrower wins), two labels, a pair both essential and preferred,
#: two ratings of one pair (the highest wins), a skill with no label or kind
EDGES = """
@prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix x: <https://example.org/x#> .
x:Zeta rdfs:subClassOf ail:Skill ; rdfs:label "Zeta kind"@en .
x:Alpha rdfs:subClassOf ail:Skill ; rdfs:label "Alpha kind"@en .
x:Narrow rdfs:subClassOf x:Zeta ; rdfs:label "Narrow kind"@en .
x:s1 a x:Zeta, x:Alpha ; rdfs:label "One"@en, "Uno"@es .
x:s2 a x:Zeta, x:Narrow ; rdfs:label "Two"@en .
x:s3 a ail:Skill .
x:r1 a ail:Role ; rdfs:label "R1"@en ; ail:requiresEssentialSkill x:s1, x:s2 ;
  ail:requiresPreferredSkill x:s1, x:s3 .
x:r2 a ail:Role ; rdfs:label "R2"@en ; ail:requiresPreferredSkill x:s2 ; ail:progressesTo x:r1 .
[] ail:ratedOccupation x:r1 ; ail:ratedSkill x:s1 ; ail:importance 3.5 .
[] ail:ratedOccupation x:r1 ; ail:ratedSkill x:s1 ; ail:importance 4.25 .
"""


def _edges_graph():
    store = ox.Store()
    store.load(EDGES.encode(), format=ox.RdfFormat.TURTLE)
    return KnowledgeGraph(store)


GRAPHS = ["release", "with-example", "onet", "generated", "edges"]


@pytest.fixture(params=GRAPHS)
def any_graph(request, graph, onet_graph, generated_graph):
    return {"release": lambda: graph,
            "with-example": lambda: kg.load(extra=[EXAMPLE], check=False),
            "onet": lambda: onet_graph, "generated": lambda: generated_graph,
            "edges": _edges_graph}[request.param]()


def test_the_ladder_rows_are_the_catalogue_queries_rows(any_graph):
    tables = ladder.tables(any_graph.store)
    store = ladder.mirror(tables)
    for name in ladder.ON_MIRROR:
        assert ladder.on_mirror(store, name, {}) == any_graph.named(name), name
    skills = ladder.skill_rows(tables)
    assert skills == any_graph.named("skills-for-role")
    assert skills  # every graph here has a ladder


def test_the_corner_cases_are_answered_as_the_query_does():
    rows = [(r["role"][-2:], r["skill"][-2:], r["requirement"], r.get("kind"),
             r.get("skillLabel"), r.get("importance")) for r in
            ladder.skill_rows(ladder.tables(_edges_graph().store))]
    assert rows == [
        ("r1", "s1", "essential", "Alpha kind", "One", 4.25),
        ("r1", "s1", "essential", "Alpha kind", "Uno", 4.25),
        ("r1", "s2", "essential", "Narrow kind", "Two", None),
        ("r1", "s3", "preferred", None, None, None),  # ail:Skill has no label here
        ("r2", "s2", "preferred", "Narrow kind", "Two", None),
    ]


def test_the_onet_import_rates_skills(onet_graph):
    """The fixture exercises importance (MAX over ratings) and skill kinds."""
    rows = ladder.skill_rows(ladder.tables(onet_graph.store))
    assert any("importance" in row for row in rows)
    assert any("kind" in row for row in rows)


def test_labels_are_each_iris_least_label():
    table = ("?s\t?o\n<https://x/a>\t\"b\"@en\n<https://x/a>\t\"a\"\n_:n\t\"c\"\n"
             "<https://x/b>\t<https://x/c>\n").encode()
    assert ladder.labels(table) == {"https://x/a": "a"}


@pytest.mark.parametrize("reply", [b"<html><body>Hi</body></html>", b"", b"?x\t?y\n"])
def test_a_reply_that_is_not_the_table_is_refused(reply):
    from kg.remote.http import RemoteError

    with pytest.raises(RemoteError, match="not tab-separated"):
        ladder.labels(reply, "http://store/sparql")
