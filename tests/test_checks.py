"""Every ``*-violation.rq`` can fire and can pass, on pyoxigraph and rdflib alike, and the focused
check of a user's additions gives the full check's verdict.

Fixtures live in ``tests/data/checks/<check>/``: ``pass.ttl`` must leave the check silent and
each ``fail-*.ttl`` must make it return rows, one of which contains the text of its
``# expect:`` line. Each fixture is read on top of the TBox (``ontology/ai_leadership.ttl``),
which passes every check on its own. A check without fixtures fails the suite.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.checks import validate
from kg.build import check_extra
from kg.errors import CheckFailed

CHECKS = Path(__file__).parent / "data" / "checks"
SHAPES = Path(__file__).parent / "data" / "shapes"
TBOX = validate.ontology_dir() / "ai_leadership.ttl"


def _check_names() -> list[str]:
    return [p.name.removesuffix(".rq") for p in validate.check_queries()]


def _fixtures(kind: str) -> list[tuple[str, Path]]:
    return [(check, path) for check in _check_names()
            for path in sorted((CHECKS / check).glob(f"{kind}*.ttl"))]


def _expectation(path: Path) -> str:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line.startswith("# expect:")]
    return lines[0].split(":", 1)[1].strip() if lines else ""


@lru_cache(maxsize=1)
def _tbox_quads() -> tuple:
    return tuple(ox.parse(path=str(TBOX), format=ox.RdfFormat.TURTLE))


def _quads(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


def _store(path: Path) -> tuple[ox.Store, list[ox.Quad]]:
    """The TBox plus the fixture's quads (returned too: they are the user's additions)."""
    store = ox.Store()
    store.extend(_tbox_quads())
    added = _quads(path)
    store.extend(added)
    return store, added


def _oxigraph_rows(store: ox.Store, check: str) -> set[tuple]:
    query = (validate.ontology_dir() / "checks" / f"{check}.rq").read_text(encoding="utf-8")
    solutions = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return {tuple(_plain(s[n]) for n in names) for s in solutions}


def _rdflib_rows(path: Path, check: str) -> set[tuple]:
    graph = rdflib.Graph()
    graph.parse(TBOX, format="turtle")
    graph.parse(path, format="turtle")
    query = (validate.ontology_dir() / "checks" / f"{check}.rq").read_text(encoding="utf-8")
    result = graph.query(query)
    return {tuple(_plain(row[v]) for v in result.vars) for row in result}


def _plain(term) -> str | None:
    """A term's lexical value: engines differ on blank node labels and on some tags."""
    if term is None:
        return None
    if isinstance(term, (ox.BlankNode, rdflib.BNode)):
        return "_:b"
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else str(term)


# ---------------------------------------------------------------------------- coverage

@pytest.mark.parametrize("check", _check_names())
def test_every_check_has_a_passing_and_a_failing_fixture(check):
    folder = CHECKS / check
    assert (folder / "pass.ttl").is_file(), f"add {folder}/pass.ttl"
    fails = sorted(folder.glob("fail-*.ttl"))
    assert fails, f"add at least one {folder}/fail-*.ttl"
    assert all(_expectation(f) for f in fails), "each fail fixture names what it expects"


def test_the_tbox_alone_passes_every_check():
    store = ox.Store()
    store.extend(_tbox_quads())
    assert [(name, rows) for name, rows in validate.violations(store) if rows] == []


# ---------------------------------------------------------------------------- both engines

@pytest.mark.parametrize("check, path", _fixtures("fail-"), ids=lambda v: getattr(v, "stem", v))
def test_check_fires_on_both_engines(check, path):
    store, _ = _store(path)
    rows = _oxigraph_rows(store, check)
    assert rows, f"{check} is silent on {path.name}"
    expected = _expectation(path).lower()
    assert any(expected in " ".join(v for v in row if v).lower() for row in rows), rows
    assert _rdflib_rows(path, check) == rows


@pytest.mark.parametrize("check, path", _fixtures("pass"), ids=lambda v: getattr(v, "stem", v))
def test_check_passes_on_both_engines(check, path):
    store, _ = _store(path)
    assert _oxigraph_rows(store, check) == set()
    assert _rdflib_rows(path, check) == set()


# ---------------------------------------------------------------------------- focused = full

def _all_fixtures() -> list[Path]:
    return sorted(CHECKS.glob("*/*.ttl")) + sorted(SHAPES.glob("*.ttl"))


def _verdict(report) -> tuple:
    return report.conforms, sorted({(p.check, p.focus) for p in report.problems})


@pytest.mark.parametrize("path", _all_fixtures(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_focused_check_agrees_with_the_full_check(path):
    store, added = _store(path)
    full = validate.check_all(store, reason=False)
    focused = validate.check_focused(store, added)
    assert _verdict(focused) == _verdict(full)
    assert sorted(p.line() for p in focused.shacl_warnings) == \
        sorted(p.line() for p in full.shacl_warnings)


def test_focus_leaves_out_what_the_additions_cannot_change():
    from kg.checks.focus import focus_nodes, subgraph

    store, added = _store(CHECKS / "progression-violation" / "pass.ttl")
    nodes = focus_nodes(store, added)
    assert ox.NamedNode("https://example.org/fixture#Head") in nodes
    assert ox.NamedNode(validate.AIL + "Role") not in nodes  # the TBox's terms are not re-checked
    assert len(subgraph(store, nodes)) < len(store)


def test_additions_to_the_vocabulary_check_everything():
    from kg.checks.focus import focus_nodes

    store, added = _store(CHECKS / "progression-violation" / "pass.ttl")
    axiom = ox.Quad(ox.NamedNode("https://example.org/fixture#Kind"),
                    ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
                    ox.NamedNode(validate.AIL + "Skill"))
    assert focus_nodes(store, [*added, axiom]) is None


def test_a_vocabulary_change_is_checked_in_full():
    """Making a class two levels above a node a kind of ail:Skill turns that node into a skill
    target without touching it or anything it points to: only the full fallback sees it."""
    ex = "https://example.org/fixture#"
    subclass = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    store, _ = _store(CHECKS / "progression-violation" / "pass.ttl")
    store.extend([ox.Quad(ox.NamedNode(ex + "Card"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                          ox.NamedNode(ex + "Trick")),
                  ox.Quad(ox.NamedNode(ex + "Trick"), subclass, ox.NamedNode(ex + "Magic"))])
    added = [ox.Quad(ox.NamedNode(ex + "Magic"), subclass, ox.NamedNode(validate.AIL + "Skill"))]
    store.extend(added)
    focused = validate.check_focused(store, added)
    assert _verdict(focused) == _verdict(validate.check_all(store, reason=False))
    assert ("ail:SkillShape", ex + "Card") in {(p.check, p.focus) for p in focused.problems}


# ---------------------------------------------------------------------------- the contract

def test_check_extra_names_file_entity_and_rule():
    path = CHECKS / "progression-violation" / "fail-dead-end.ttl"
    store, added = _store(path)
    with pytest.raises(CheckFailed) as caught:
        check_extra(store, (path,), added)
    message = str(caught.value)
    assert message.startswith(f"{path}: https://example.org/fixture#Stuck fails progression-violation")
    assert "dead end" in message
    with pytest.raises(CheckFailed):  # added=None: all of the store is the focus
        check_extra(store, (path,))


def test_check_extra_names_the_file_among_several(tmp_path):
    good = CHECKS / "progression-violation" / "pass.ttl"
    bad = tmp_path / "bad.ttl"  # a role going nowhere, below the track's top
    bad.write_text((CHECKS / "progression-violation" / "fail-dead-end.ttl").read_text()
                   .split("ex:Engineer a ")[0] + "ex:Stuck a ail:Role ; ail:seniorityLevel 4 ; "
                   "ail:onTrack ex:Track ; rdfs:label \"Stuck\"@en .\n")
    store, added = _store(good)
    more = _quads(bad)
    store.extend(more)
    with pytest.raises(CheckFailed) as caught:
        check_extra(store, (good, bad), added + more)
    assert str(caught.value).startswith(f"{bad}: https://example.org/fixture#Stuck fails ")


def test_check_extra_passes_a_clean_file():
    path = CHECKS / "progression-violation" / "pass.ttl"
    store, added = _store(path)
    check_extra(store, (path,), added)  # no exception


def test_a_user_role_may_not_take_a_shipped_label(aikg, tmp_path):
    """Issue 9: "Chief AI Officer" is an alternative label of the shipped Head of AI
    Engineering; a user's role named so would make the name ambiguous."""
    mine = tmp_path / "mine.ttl"
    mine.write_text((CHECKS / "progression-violation" / "pass.ttl").read_text().replace(
        'rdfs:label "Head"@en', 'rdfs:label "Chief AI Officer"@en'))
    result = aikg("--with", str(mine), "stats")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {mine}: https://example.org/fixture#Head fails "
                                    "duplicate-label-violation: ")
    lines = result.stderr.splitlines()  # the first problem, then one line per failing rule
    assert "chief ai officer" in lines[0]
    assert lines[1:] == [line for line in lines[1:] if line.startswith("  duplicate-label-violation (error): ")]
    report = aikg("--with", str(mine), "validate", "--no-reason")
    assert report.exit_code == 1 and "label=chief ai officer" in report.stdout


def test_the_screen_decides_sh_in_and_months_itself():
    """O*NET's 18,460 related-occupation links each have a tier from an sh:in list: the screen
    clears the good ones itself (pySHACL took 217 s over them) and leaves a wrong tier or month
    to pySHACL."""
    from kg.checks import screen

    ex = "https://example.org/fixture#"
    text = (SHAPES / "OccupationRelationShape-valid.ttl").read_text() + f"""
        <{ex}Odd> a ail:OccupationRelation ; ail:relationFrom <{ex}A> ; ail:relationTo <{ex}A> ;
            ail:relatednessTier "Primary-Medium" ; dcterms:source <{ex}Doc> .
        <{ex}A> a ail:Occupation .
        <{ex}Task> a ail:EmergingTask ; ail:reportedIn "2024-08"^^xsd:gYearMonth ; dcterms:source <{ex}Doc> .
        <{ex}Late> a ail:EmergingTask ; ail:reportedIn "2024-13"^^xsd:gYearMonth ; dcterms:source <{ex}Doc> .
    """
    store = ox.Store()
    store.extend(_tbox_quads())
    store.load(text.encode(), format=ox.RdfFormat.TURTLE)
    relations = {q.subject for q in store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode(validate.AIL + "OccupationRelation"))}
    tasks = {ox.NamedNode(ex + "Task"), ox.NamedNode(ex + "Late")}
    found = screen.suspects(store, relations | tasks, validate.shapes_path())
    assert found == {ox.NamedNode(ex + "Odd"), ox.NamedNode(ex + "Late")}
