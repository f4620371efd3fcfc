"""``aikg search`` from the full-text index kept beside a workspace store (kg.store.fulltext).

The workspace merges the small O*NET fixture (tests/data/onet); the index must give the
shipped queries' answer, row for row, and be read only when it is complete.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

import kg
from kg import cli
from kg.query import catalogue, sparql, textsearch
from kg.store import fulltext
from tests import importer_fixtures as fx


def invoke(*args):
    return CliRunner().invoke(cli.main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("onet-search") / "onet.ttl"
    result = invoke("import", "onet", str(fx.ONET), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def graph(imported):
    g = kg.load(extra=[imported])
    assert g.folder is not None and fulltext.present(g.folder)  # kept when the store was merged
    return g


def search(imported, *args) -> list[dict]:
    result = invoke("--with", str(imported), "search", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["results"]["bindings"]


def by_query(graph, text, cls=None, limit=None) -> list[dict]:
    named = catalogue.get("search-in-class" if cls else "search")
    values = graph.bind_params(named, {"text": text, **({"class": cls} if cls else {})})
    query = sparql.with_limit(named.text, limit) if limit else named.text
    data = graph.run(query, values).serialize(format=__import__("pyoxigraph").QueryResultsFormat.JSON)
    return json.loads(data)["results"]["bindings"]


def test_finds_a_title_an_alternate_title_and_a_definition_word(imported):
    hits = {r["label"]["value"]: r["matched"]["value"] for r in search(imported, "software developers")}
    assert hits["Software Developers"].startswith("label")
    hits = {r["label"]["value"]: r["matched"]["value"] for r in search(imported, "learning scient")}
    assert hits == {"Data Scientists": "altLabel"}  # O*NET's alternate title
    hits = {r["label"]["value"]: r["matched"]["value"] for r in search(imported, "ALGEBRA")}
    assert hits == {"Mathematics": "definition"}


@pytest.mark.parametrize("text,cls", [("developer", None), ("learning", None), ("ma", None),
                                      ("", None), ("scien", "ail:Occupation"),
                                      ("learning", "ail:Skill"), ("o", "ail:Role")])
def test_the_index_gives_the_query_answer(graph, text, cls):
    indexed = textsearch.answer(graph, text, graph.bind_params(
        catalogue.get("search-in-class" if cls else "search"),
        {"text": text, **({"class": cls} if cls else {})}).get("class"), None)
    rows = json.loads(indexed)["results"]["bindings"]
    assert rows == by_query(graph, text, cls)
    assert rows  # each text finds something: an empty answer would prove nothing


def test_limit_and_text_formats_like_the_query(imported, graph):
    rows = search(imported, "data", "--limit", "3")
    assert rows == by_query(graph, "data", limit=3)
    table = invoke("--with", str(imported), "search", "Software Engineer")
    assert table.exit_code == 0 and "Software Developers" in table.output


def _tamper(folder, apply):
    connection = sqlite3.connect(folder / "kept.db", isolation_level=None)
    try:
        apply(connection)
    finally:
        connection.close()


def test_the_index_is_read_and_a_stale_one_is_not(imported, graph):
    """A row only the index holds is found (the index is read); once the index is not marked
    complete of this layout, the same search runs the query (the row is not found)."""
    fake = "https://example.org/only-in-the-index"

    def plant(connection):
        connection.execute("INSERT INTO search_text VALUES ('qwzx only indexed', ?, 'label')", (fake,))
        connection.execute("INSERT INTO search_entity VALUES (?, 'Qwzx', NULL, NULL, NULL)", (fake,))

    try:
        _tamper(graph.folder, plant)
        assert [r["entity"]["value"] for r in search(imported, "qwzx")] == [fake]
        _tamper(graph.folder, lambda c: c.execute("UPDATE about SET key = 'fulltext 0' "
                                                  "WHERE key = ?", (fulltext.VERSION,)))
        assert search(imported, "qwzx") == []
        assert search(imported, "learning scient")[0]["label"]["value"] == "Data Scientists"
        _tamper(graph.folder, lambda c: c.execute("DELETE FROM about WHERE key = 'fulltext 0'"))
        assert textsearch.answer(graph, "data", None, None) is None  # absent: the query runs
        assert search(imported, "learning scient")[0]["label"]["value"] == "Data Scientists"
    finally:
        assert textsearch.keep_index(graph, graph.folder)  # rebuilt: the fake row is gone
    assert search(imported, "qwzx") == []


# -- describe: an occupation's ratings as a readable card --------------------------------------
def test_describe_lists_ratings_by_label_not_rating_iris(imported):
    result = invoke("--with", str(imported), "describe", "Software Developers")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "/rating/" not in out and "rated occupation" not in out
    assert "requires essential skill" not in out  # every required skill is in the ratings
    skills = out.index("\nTransversal skill (2; importance / level)\n")
    assert out[skills:].split("\n")[2:4] == ["  Mathematics  (3.62 / 4.12, essential)",
                                             "  Repairing  (1.12 / 0.5, preferred)"]
    tools = out.index("\nTool or technology (3; 3 hot or in demand)\n")
    assert skills < tools  # rated groups first
    assert out[tools:].split("\n")[2:5] == ["  Kubernetes  (in demand, hot, essential)",
                                            "  Python  (in demand, hot, essential)",
                                            "  C++  (hot, preferred)"]


def test_describe_json_keeps_every_rating(imported):
    card = json.loads(invoke("--with", str(imported), "describe", "Software Developers",
                             "--format", "json").output)
    assert len(card["ratings"]) == 5 and len(card["linked_from"]["rated occupation"]) == 5
    maths = next(r for r in card["ratings"] if r["skillLabel"] == "Mathematics")
    assert (maths["importance"], maths["level"], maths["kind"]) == (3.62, 4.12, "Transversal skill")


def test_describe_counts_what_it_does_not_show(imported, graph, monkeypatch):
    from kg.query import describe, ratings

    monkeypatch.setattr(describe, "SHOWN", 1)
    monkeypatch.setattr(ratings, "SHOWN", 1)
    out = describe.render(describe.describe(graph, graph.resolve("Software Developers")))
    assert "  also known as: Application Developer, and 1 more\n" in out
    assert "  Kubernetes  (in demand, hot, essential)\n  and 2 more (--format json lists them all)\n" in out
    guide = describe.render(describe.describe(graph, graph.resolve("Head of AI Engineering")))
    assert "\nTransversal skill" not in guide  # no ratings: no query, no section


def test_describe_an_iri_nothing_names_is_refused(imported):
    result = invoke("--with", str(imported), "describe", "https://example.org/nothing")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output == ("Error: No entity has the IRI 'https://example.org/nothing'. "
                             "Run 'aikg search' to find one.\n")
    named = invoke("--with", str(imported), "describe",
                   "https://www.onetonline.org/link/summary/15-1252.00")
    assert named.exit_code == 0 and named.output.startswith("Software Developers  (")
