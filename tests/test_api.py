"""The Python API as docs/embedding.md shows it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import kg
from kg.errors import UnknownEntity

AIL = "https://w3id.org/ai-leadership-kg/ontology#"


def test_query_with_bindings_returns_python_values(graph):
    rows = graph.query(
        "SELECT ?role ?level WHERE { ?role ail:seniorityLevel ?level } ORDER BY ?level",
        role="ail:HeadOfAIEngineering",
    )
    assert rows == [{"role": AIL + "HeadOfAIEngineering", "level": 7}]


def test_named_query_resolves_labels(graph):
    rows = graph.named("skills-for-role", role="Chief AI Officer")
    labels = {r["skillLabel"] for r in rows}
    assert {"Python", "C++", "Java", "R"} <= labels
    assert all(r["role"] == AIL + "HeadOfAIEngineering" for r in rows)


def test_figures_are_typed(graph):
    rows = graph.query("SELECT ?v WHERE { ?f ail:statisticKind ?k ; ail:value ?v ; "
                       "ail:unit ?u . FILTER(?v = 20.17) }")
    assert rows and isinstance(rows[0]["v"], Decimal)


@pytest.mark.parametrize("text", ["Head of AI Engineering", "head of ai", "Chief AI Officer",
                                  "ail:HeadOfAIEngineering", AIL + "HeadOfAIEngineering",
                                  f"<{AIL}HeadOfAIEngineering>"])
def test_resolve_accepts_labels_aliases_curies_and_iris(graph, text):
    assert graph.resolve(text, cls="ail:Role") == AIL + "HeadOfAIEngineering"


def test_director_of_ai_is_its_own_stage(graph):
    assert graph.resolve("Director of AI", cls="ail:Role") == AIL + "DirectorOfAI"


def test_resolve_rejects_a_skill_where_a_role_is_wanted(graph):
    with pytest.raises(UnknownEntity, match="No role matches 'Python'"):
        graph.resolve("Python", cls="ail:Role")


def test_rdflib_and_networkx_views(graph):
    rdf = graph.rdflib_graph()
    assert len(rdf) == len(graph)
    nx_graph = graph.networkx()
    assert nx_graph.has_edge(AIL + "JuniorAIEngineer", AIL + "AIEngineer")
    assert nx_graph.nodes[AIL + "HeadOfAIEngineering"]["ail:seniorityLevel"] == [7]


def test_store_is_pyoxigraph(graph):
    import pyoxigraph

    assert isinstance(graph.store, pyoxigraph.Store)


EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "acme-career-ladder.ttl"
ACME = "https://example.org/acme/careers#"


def test_load_with_user_file_leaves_the_shipped_graph_alone():
    from kg.store import release as store

    before = store.sources_digest()
    g = kg.load(extra=[EXAMPLE])
    assert g.resolve("Principal ML Engineer", cls="ail:Role") == ACME + "PrincipalMLEngineer"
    rows = g.named("salary-figures", role="Principal ML Engineer")
    assert [r["value"] for r in rows] == [205000]
    with pytest.raises(UnknownEntity):
        kg.load().resolve("Principal ML Engineer", cls="ail:Role")
    assert store.sources_digest() == before


def test_user_file_is_held_to_the_shapes(tmp_path):
    from kg.errors import CheckFailed

    bad = tmp_path / "bad.ttl"
    bad.write_text(EXAMPLE.read_text().replace(
        'rdfs:label "Principal ML Engineer"@en ;', ""))
    with pytest.raises(CheckFailed, match=r"bad\.ttl: \S+#PrincipalMLEngineer fails ail:DescribedIndividualShape: "):
        kg.load(extra=[bad])


def test_bindings_work_for_variables_outside_the_projection(graph):
    """pyoxigraph substitutes only projected variables; query() binds the others too."""
    rows = graph.query("SELECT ?label WHERE { ?role ail:progressesTo/rdfs:label ?label } "
                       "ORDER BY ?label", role="ail:AIEngineer")
    assert rows == [{"label": "Lead AI Engineer"}, {"label": "Senior AI Engineer"}]


def test_a_bound_literal_cannot_become_query_syntax(graph):
    rows = graph.query("SELECT ?x WHERE { ?x rdfs:label ?text }",
                       text='x" } ; DROP ALL ; SELECT * { "')
    assert rows == []


def test_user_roles_linked_with_progresses_from_join_the_ladder():
    """A user's file may say `acme:X ail:progressesFrom ail:LeadAIEngineer` instead of the
    forward link; the ladder reads both directions."""
    g = kg.load(extra=[EXAMPLE])
    lead = [r for r in g.named("ladder") if r["roleLabel"] == "Lead AI Engineer"][0]
    assert "Principal ML Engineer" in lead["next"].split(", ")


def test_prefixes_declared_in_a_user_file_work_in_queries_and_output(aikg):
    result = aikg("--with", str(EXAMPLE), "query",
                  "SELECT ?r WHERE { ?r ail:progressesFrom ail:LeadAIEngineer }")
    assert result.exit_code == 0, result.stderr
    assert "acme:PrincipalMLEngineer (Principal ML Engineer)" in result.stdout
    described = aikg("--with", str(EXAMPLE), "describe", "acme:PrincipalMLEngineer")
    assert described.stdout.startswith("Principal ML Engineer  (acme:PrincipalMLEngineer)\n")
