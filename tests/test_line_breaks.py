"""Every Unicode line break in literals and IRIs (issue 25, finding 4).

Entailment split N-Triples with ``str.splitlines()``: U+2028, U+2029 or U+0085 in a literal
crashed ``stats``, ``add`` and ``serve``, and a crafted label smuggled an axiom past the
checks. The rules now work on parsed terms; these inputs must entail exactly what the same
file without the breaks entails.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg import cli
from kg.releasing.inference import entail_store
from kg.store import release as store

AIL = "https://w3id.org/ai-leadership-kg/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
#: what str.splitlines() splits on
BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
#: the ones an IRI may hold (the others are not IRI code points)
IRI_BREAKS = ["\u2028", "\u2029"]
INJECTION = Path(__file__).parent / "data" / "injection-line-separator.ttl"


def _entailed(quads: list[ox.Quad]) -> set[ox.Triple]:
    memory = ox.Store()
    memory.bulk_load(path=str(store.release_file("nt")), format=ox.RdfFormat.N_TRIPLES)
    memory.extend(quads)
    before = {ox.Triple(q.subject, q.predicate, q.object) for q in memory}
    entail_store(memory, quads)
    return {ox.Triple(q.subject, q.predicate, q.object) for q in memory} - before


def _skill(iri: str, label: str) -> list[ox.Quad]:
    node = ox.NamedNode(iri)
    return [ox.Quad(node, RDF_TYPE, ox.NamedNode(AIL + "ProgrammingLanguage")),
            ox.Quad(node, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                    ox.Literal(label, language="en")),
            ox.Quad(ox.NamedNode(AIL + "AIEngineer"), ox.NamedNode(AIL + "requiresEssentialSkill"),
                    node)]


def _expected(iri: str) -> set[ox.Triple]:
    """What the same skill entails with a plain label and IRI, renamed to ``iri``."""
    plain = "https://example.org/plain"
    found = _entailed(_skill(plain, "plain"))
    rename = {ox.NamedNode(plain): ox.NamedNode(iri)}
    return {ox.Triple(rename.get(t.subject, t.subject), t.predicate, rename.get(t.object, t.object))
            for t in found}


@pytest.mark.parametrize("char", BREAKS, ids=[f"U+{ord(c[0]):04X}{'+' * (len(c) > 1)}" for c in BREAKS])
def test_a_line_break_in_a_literal(char):
    iri = "https://example.org/skill"
    found = _entailed(_skill(iri, f"before{char}<{AIL}X> <{AIL}y> <{AIL}Role> .{char}after"))
    assert found == _expected(iri)
    assert ox.Triple(ox.NamedNode(iri), RDF_TYPE, ox.NamedNode(AIL + "Skill")) in found


@pytest.mark.parametrize("char", IRI_BREAKS, ids=["U+2028", "U+2029"])
def test_a_line_break_in_an_iri(char):
    iri = f"https://example.org/sk{char}ill"
    assert _entailed(_skill(iri, "a skill")) == _expected(iri)


def test_a_line_break_in_an_axiom():
    """A user's subclass axiom whose classes' IRIs hold U+2028 reasons in full, as any other."""
    sub, sup = ox.NamedNode("https://example.org/A\u2028B"), ox.NamedNode("https://example.org/C\u2029D")
    x = ox.NamedNode("https://example.org/x")
    found = _entailed([ox.Quad(sub, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf"), sup),
                       ox.Quad(x, RDF_TYPE, sub)])
    assert ox.Triple(x, RDF_TYPE, sup) in found


def test_the_smuggled_axiom_is_refused_by_entailment():
    quads = list(ox.parse(path=str(INJECTION), format=ox.RdfFormat.TURTLE))
    found = _entailed(quads)
    role = ox.NamedNode(AIL + "Role")
    made_roles = {t.subject for t in found if t.predicate == RDF_TYPE and t.object == role}
    assert made_roles == set(), sorted(str(s) for s in made_roles)[:5]


def test_the_smuggled_axiom_is_refused_by_add(tmp_path):
    """'aikg add' of the crafted file: the label is kept whole and no individual becomes a
    Role (on the old entailment, stats counted 299 roles)."""
    runner = CliRunner()
    ws = ["--workspace", str(tmp_path / "ws")]
    added = runner.invoke(cli.main, [*ws, "add", str(INJECTION)], catch_exceptions=False)
    assert added.exit_code == 0, added.output
    query = "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a ail:Role }"
    asked = runner.invoke(cli.main, [*ws, "query", query, "--format", "csv"],
                          catch_exceptions=False)
    assert asked.exit_code == 0, asked.output
    plain = runner.invoke(cli.main, ["--workspace", str(tmp_path / "empty"), "query", query,
                                     "--format", "csv"], catch_exceptions=False)
    assert int(asked.output.split()[-1]) == int(plain.output.split()[-1]) + 1  # the file's own role
