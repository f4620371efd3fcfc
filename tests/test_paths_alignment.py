"""Held under any name: skills linked by skos:exactMatch or skos:closeMatch count as one, and
the answers say which mapping made a skill held (tests/data/paths-aligned.ttl)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import AmbiguousName, PathError
from kg.graph import KnowledgeGraph
from kg.paths import answers as paths
from kg.paths import render
from kg.store.release import ontology_dir
from kg.store.turtle import parse_turtle

ALIGNED = Path(__file__).parent / "data" / "paths-aligned.ttl"
AIL = "https://w3id.org/ai-leadership-kg/ontology#"
X = "https://example.org/x/"


@lru_cache(maxsize=1)
def aligned() -> KnowledgeGraph:
    store = ox.Store()
    store.extend(parse_turtle(ontology_dir() / "ai_leadership.ttl"))
    store.extend(parse_turtle(ALIGNED))
    return KnowledgeGraph(store)


def test_skill_matches_gives_the_mapping_and_only_pairs_of_skills():
    rows = {(r["skill"], r["match"], r["relation"]) for r in aligned().named("skill-matches")}
    assert (X + "PythonLang", AIL + "Python", "exactMatch") in rows
    assert (X + "Programming", AIL + "SoftwareDevelopment", "closeMatch") in rows
    assert not any(X + "StatisticianJob" in row for row in rows)  # an occupation, not a skill


def test_a_close_match_counts_as_held_and_says_so():
    result = paths.find_path(aligned(), "Data Analyst (X)", "AI Engineer")
    assert [s.label for s in result.best.steps[0].new_skills] == ["Deep learning"]
    held = {h.skill.label: [(n.skill.iri, n.relation) for n in h.names]
            for h in result.best.held_as}
    assert held == {"Python": [(X + "PythonLang", "exactMatch")],
                    "Software development": [(X + "Programming", "closeMatch")]}
    data = result.to_dict()["held_under_other_names"]
    assert {"iri": X + "Programming", "label": "Programming", "mapping": "skos:closeMatch",
            "vocabulary": {"iri": X + "Vocabulary", "label": "Vocabulary X"}, "kind": "Skill"} in [
        name for h in data for name in h["held_under"]]
    text = render.render(result, "table", verbose=True)
    assert ("Held under another name: Python (Vocabulary X skill 'Python (X)', exact match); "
            "Software development (Vocabulary X skill 'Programming', close match).") in text
    assert "2 of them are held under another name" in render.render(result, "table")


def test_match_vocabularies_reads_the_scheme_stated_or_reached_through_the_source():
    rows = {(r["concept"], r["vocabulary"], r["vocabularyLabel"])
            for r in aligned().named("match-vocabularies")}
    assert (X + "PythonLang", X + "Vocabulary", "Vocabulary X") in rows  # skos:inScheme
    assert (X + "Programming", X + "Vocabulary", "Vocabulary X") in rows  # source, isPartOf
    assert not {row for row in rows if row[0] in (AIL + "Python", X + "DeepLearning")}


def _same_label_ladder(vocabularies):
    """C++ of the ladder, and 'C++' in two vocabularies (as O*NET and ESCO both name it)."""
    rows = [{"role": X + "A", "roleLabel": "A", "next": AIL + "B"}, {"role": AIL + "B"}]
    skills = [{"role": X + "A", "skill": "urn:o:cpp", "skillLabel": "C++", "essential": True,
               "kind": "Tool or technology"},
              {"role": X + "A", "skill": "urn:e:cpp", "skillLabel": "C++", "essential": True,
               "kind": "Knowledge area"},
              {"role": X + "A", "skill": "urn:e:cpp-close", "skillLabel": "C plus plus",
               "essential": True},
              {"role": X + "A", "skill": "urn:e:pm", "skillLabel": "plan projects",
               "essential": True, "kind": "Occupational skill"},
              {"role": AIL + "B", "skill": AIL + "Cpp", "skillLabel": "C++", "essential": True},
              {"role": AIL + "B", "skill": AIL + "PM", "skillLabel": "Project management",
               "essential": True}]
    matches = [{"skill": AIL + "Cpp", "match": "urn:o:cpp", "relation": "exactMatch"},
               {"skill": AIL + "Cpp", "match": "urn:e:cpp", "relation": "exactMatch"},
               {"skill": AIL + "Cpp", "match": "urn:e:cpp-close", "relation": "closeMatch"},
               {"skill": AIL + "Cpp", "match": "urn:e:unused", "relation": "closeMatch"},
               {"skill": AIL + "PM", "match": "urn:e:pm", "relation": "closeMatch"}]
    return paths.build_projection(rows, skills, matches=matches, vocabularies=vocabularies)


def test_each_other_name_says_its_vocabulary_from_the_graph():
    vocabularies = [{"concept": "urn:o:cpp", "vocabulary": "urn:onet", "vocabularyLabel": "O*NET"},
                    {"concept": "urn:e:cpp", "vocabulary": "urn:esco", "vocabularyLabel": "ESCO"},
                    {"concept": "urn:e:cpp", "vocabulary": "urn:zz", "vocabularyLabel": "Later"}]
    graph = _same_label_ladder(vocabularies)
    best = paths.shortest_paths(graph, X + "A", AIL + "B").best
    assert best.total_new_skills == 0
    assert [h.text() for h in best.held_as] == [
        # exact matches first, the first scheme by IRI; a name no role requires (urn:e:unused)
        # is not listed, nor a scheme or a kind the graph does not give
        "C++ (ESCO knowledge area 'C++' and O*NET tool or technology 'C++', exact matches; "
        "'C plus plus', close match)",
        "Project management (occupational skill 'plan projects', close match)"]  # no scheme
    cpp = best.held_as[0].to_dict()["held_under"]
    assert [(n["vocabulary"], n["kind"]) for n in cpp] == [
        ({"iri": "urn:esco", "label": "ESCO"}, "Knowledge area"),
        ({"iri": "urn:onet", "label": "O*NET"}, "Tool or technology"), (None, None)]
    assert best.held_as[1].to_dict()["held_under"][0]["vocabulary"] is None
    # the kept ladder carries them (since format 8); a ladder of format 7 is not read
    from kg.paths import ladder as role_graph

    data = role_graph.load(role_graph.dump(role_graph.to_data(graph)))
    kept = role_graph.from_data(data, checked=True)
    assert paths.shortest_paths(kept, X + "A", AIL + "B").best.held_as == best.held_as
    older = {**data, "format": 7, "names": {rep: [name[:3] for name in names]
                                            for rep, names in data["names"].items()}}
    assert role_graph.FORMAT >= 8 and role_graph.from_data(older, checked=True) is None


def test_without_the_mapping_the_skill_is_new():
    rows = [{"role": X + "A", "roleLabel": "A", "next": AIL + "B"}, {"role": AIL + "B"}]
    skills = [{"role": X + "A", "skill": X + "Programming", "essential": True},
              {"role": AIL + "B", "skill": AIL + "SoftwareDevelopment", "essential": True}]
    plain = paths.build_projection(rows, skills)
    assert paths.shortest_paths(plain, X + "A", AIL + "B").best.total_new_skills == 1
    close = [{"skill": AIL + "SoftwareDevelopment", "match": X + "Programming",
              "relation": "closeMatch"}]
    merged = paths.build_projection(rows, skills, matches=close)
    result = paths.shortest_paths(merged, X + "A", AIL + "B")
    assert result.best.total_new_skills == 0 and len(result.best.held_as) == 1


def test_gap_names_the_mapping_and_a_role_without_skill_data():
    gap = paths.gap(aligned(), "Data Analyst (X)", "AI Engineer")
    assert (gap.shared, gap.required) == (2, 3) and len(gap.held_as) == 2
    unknown = paths.gap(aligned(), "Hermit (X)", "AI Engineer")
    assert unknown.notes and "No skill data for 'Hermit (X)'" in unknown.notes[0]
    assert [r.label for r in unknown.no_skill_data] == ["Hermit (X)"] and not unknown.estimated
    assert unknown.to_dict()["no_skill_data"][0]["label"] == "Hermit (X)"
    assert "No skill data for 'Hermit (X)'" in render.render(unknown, "table")


def test_a_path_from_a_role_without_skill_data_says_so():
    result = paths.find_path(aligned(), "Hermit (X)", "AI Engineer")
    assert [r.label for r in result.no_skill_data] == ["Hermit (X)"]
    assert result.to_dict()["no_skill_data"][0]["label"] == "Hermit (X)"
    assert "No skill data for: Hermit (X)" in render.render(result, "table")


def test_ready_summarises_the_roles_without_skill_data():
    from kg.paths.results import Ready, Ref

    many = tuple(Ref(f"urn:{n}", f"Role, number {n}") for n in range(8))
    text = render.render(Ready((Ref("urn:s", "S"),), (), many, None), "table")
    assert ("No skill data (not ranked) for 8 roles, e.g. Role, number 0; Role, number 1; "
            "Role, number 2; Role, number 3; Role, number 4; --format json lists them all."
            in text)
    few = render.render(Ready((Ref("urn:s", "S"),), (), many[:2], None), "table")
    assert "No skill data (not ranked) for: Role, number 0; Role, number 1." in few


def test_no_skill_data_falls_back_to_the_aligned_occupation_and_says_so():
    result = paths.find_path(aligned(), "Data Scientist (X)", "AI Engineer")
    assert [s.label for s in result.best.steps[0].new_skills] == ["Deep learning"]
    assert result.no_skill_data == []
    assert result.notes == ["The skills of 'Data Scientist (X)' are estimated from 'Data Analyst "
                            "(X)' (skos:broadMatch): the graph lists none of its own."]
    estimate = {"role": {"iri": X + "DataScientist", "label": "Data Scientist (X)"},
                "from": {"iri": X + "DataAnalyst", "label": "Data Analyst (X)"},
                "relation": "skos:broadMatch"}
    assert result.to_dict()["estimated_skills"] == [estimate]
    gap = paths.gap(aligned(), "Data Scientist (X)", "AI Engineer")
    assert gap.shared == 2 and "estimated from 'Data Analyst (X)'" in gap.notes[0]
    assert gap.to_dict()["estimated_skills"] == [estimate] and gap.no_skill_data == ()
    # Hermit (X) has no mapping: nothing to estimate from, so it stays unknown
    assert "No skill data for 'Hermit (X)'" in paths.gap(aligned(), "Hermit (X)",
                                                          "AI Engineer").notes[0]


# The same occupation in two vocabularies (skos:exactMatch), as ESCO's data scientist and
# O*NET's Data Scientists: each lists skills the other does not, and only one has a move.
SAME = """
@prefix ail:  <https://w3id.org/ai-leadership-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix y:    <https://example.org/y/> .
@prefix z:    <https://example.org/z/> .
ail:Python a ail:ProgrammingLanguage ; rdfs:label "Python"@en .
ail:SoftwareDevelopment a ail:SoftwareEngineeringSkill ; rdfs:label "Software development"@en .
ail:DeepLearning a ail:AITechnique ; rdfs:label "Deep learning"@en .
ail:AIEngineer a ail:Role ; rdfs:label "AI Engineer"@en ; ail:seniorityLevel 2 ;
    ail:requiresEssentialSkill ail:Python , ail:SoftwareDevelopment , ail:DeepLearning .
y:DataScientist a ail:Occupation ; rdfs:label "data scientist (Y)"@en ;
    ail:requiresEssentialSkill ail:SoftwareDevelopment .
z:DataScientists a ail:Occupation ; rdfs:label "Data Scientists (Z)"@en ;
    ail:requiresEssentialSkill ail:Python , ail:DeepLearning ; ail:progressesTo ail:AIEngineer .
"""
EXACT = "y:DataScientist skos:exactMatch z:DataScientists .\n"


def same_occupation(aligned: bool) -> KnowledgeGraph:
    store = ox.Store()
    store.extend(parse_turtle(ontology_dir() / "ai_leadership.ttl"))
    store.load((SAME + (EXACT if aligned else "")).encode(), ox.RdfFormat.TURTLE)
    return KnowledgeGraph(store)


def test_the_same_occupation_in_another_vocabulary_holds_what_either_lists():
    gap = paths.gap(same_occupation(True), "data scientist (Y)", "AI Engineer")
    assert (gap.shared, gap.required, gap.new_skills) == (3, 3, ())
    lent = gap.to_dict()["same_occupation"]
    assert [(o["same"]["label"], [s["label"] for s in o["skills_held"]]) for o in lent] == [
        ("Data Scientists (Z)", ["Deep learning", "Python"])]
    assert "2 skills here come from 'Data Scientists (Z)' (Deep learning, Python)" in (
        render.render(gap, "table"))
    one = gap.same_occupation[0]._replace(skills=gap.same_occupation[0].skills[:1])
    assert "1 skill here comes from 'Data Scientists (Z)' (Deep learning)." in one.note()
    # without the mapping they are two occupations: the skills are new, nothing is said
    apart = paths.gap(same_occupation(False), "data scientist (Y)", "AI Engineer")
    assert [s.label for s in apart.new_skills] == ["Deep learning", "Python"]
    assert apart.same_occupation == () and "same occupation" not in render.render(apart, "table")


def test_a_path_starts_as_the_same_occupation_when_only_it_has_a_move():
    result = paths.find_path(same_occupation(True), "data scientist (Y)", "AI Engineer")
    assert [r.label for r in result.best.roles] == ["Data Scientists (Z)", "AI Engineer"]
    assert result.best.total_new_skills == 0 and result.from_.label == "data scientist (Y)"
    assert result.best.skills_from_role == 1  # data scientist (Y)'s own: Software development
    assert any("The path starts as 'Data Scientists (Z)'" in n for n in result.notes)
    with pytest.raises(PathError, match="No progression from 'data scientist \\(Y\\)'"):
        paths.find_path(same_occupation(False), "data scientist (Y)", "AI Engineer")


def test_ready_for_a_role_counts_what_the_same_occupation_lists():
    ranked = paths.ready(same_occupation(True), role="data scientist (Y)")
    engineer = next(r for r in ranked.roles if r.role.label == "AI Engineer")
    assert (engineer.held, engineer.required) == (3, 3)
    apart = paths.ready(same_occupation(False), role="data scientist (Y)")
    assert next(r for r in apart.roles if r.role.label == "AI Engineer").held == 1


# An occupation with no skill data whose definition says what its holders do (as O*NET 29.2's
# Data Scientists: "Apply data mining, ... and machine learning"), and one with skills whose
# definition names a skill it does not list: only the first is read.
DEFINED = """
@prefix ail:  <https://w3id.org/ai-leadership-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix y:    <https://example.org/y/> .
ail:Python a ail:ProgrammingLanguage ; rdfs:label "Python"@en .
ail:DeepLearning a ail:AITechnique ; rdfs:label "Deep learning"@en .
ail:ResearchDesign a ail:AITechnique ; rdfs:label "Research design"@en .
ail:Design a ail:AITechnique ; rdfs:label "Design"@en .
ail:AIEngineer a ail:Role ; rdfs:label "AI Engineer"@en ; ail:seniorityLevel 2 ;
    ail:requiresEssentialSkill ail:Python , ail:DeepLearning , ail:ResearchDesign , ail:Design .
y:Modeller a ail:Occupation ; rdfs:label "Modeller (Y)"@en ; ail:progressesTo ail:AIEngineer ;
    skos:definition "Research, design and test models; apply DEEP   LEARNING to data."@en .
y:Coder a ail:Occupation ; rdfs:label "Coder (Y)"@en ; ail:progressesTo ail:AIEngineer ;
    ail:requiresEssentialSkill ail:Python ; skos:definition "Writes code using deep learning."@en .
"""


def defined() -> KnowledgeGraph:
    store = ox.Store()
    store.extend(parse_turtle(ontology_dir() / "ai_leadership.ttl"))
    store.load(DEFINED.encode(), ox.RdfFormat.TURTLE)
    return KnowledgeGraph(store)


def test_what_a_definition_names_is_held_where_an_occupation_lists_no_skills():
    g = defined()
    gap = paths.gap(g, "Modeller (Y)", "AI Engineer")
    # "Deep learning" is named (case and spacing aside); "Research, design" crosses a comma,
    # and the one-word "Design" names too much to count
    assert sorted(s.label for s in gap.new_skills) == ["Design", "Python", "Research design"]
    assert gap.to_dict()["named_in_definition"] == {
        "role": {"iri": "https://example.org/y/Modeller", "label": "Modeller (Y)"},
        "skills_held": [{"iri": AIL + "DeepLearning", "label": "Deep learning"}]}
    assert ("'Modeller (Y)' lists no skills of its own, and its definition names Deep "
            "learning: counted as held.") in render.render(gap, "table")
    path = paths.find_path(g, "Modeller (Y)", "AI Engineer")
    assert path.best.total_new_skills == 3 and path.named_in_definition is not None
    # an occupation with skills of its own is held to them: its definition adds nothing
    coder = paths.gap(g, "Coder (Y)", "AI Engineer")
    assert "Deep learning" in [s.label for s in coder.new_skills]
    assert coder.named_in_definition is None
    # held, never required: entering the occupation asks for nothing its definition names
    assert paths.gap(g, "Coder (Y)", "Modeller (Y)").required == 0


def test_next_offers_the_moves_of_the_same_occupation_and_says_whose():
    options = paths.next_roles(same_occupation(True), "data scientist (Y)").options
    assert [(o.to.label, o.move, len(o.new_skills)) for o in options] == [
        ("AI Engineer", "as Data Scientists (Z)", 0)]
    assert "AI Engineer [as Data Scientists (Z)]: 0 new skills" in render.render(
        paths.next_roles(same_occupation(True), "data scientist (Y)"), "table")
    assert paths.next_roles(same_occupation(False), "data scientist (Y)").options == ()


TWINS = """
@prefix ail:  <https://w3id.org/ai-leadership-kg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix y:    <https://example.org/y/> .
@prefix z:    <https://example.org/z/> .
y:Analyst a ail:Occupation ; rdfs:label "Analyst"@en ; skos:inScheme y:Scheme .
z:Analyst a ail:Occupation ; rdfs:label "analyst"@en ; dcterms:source z:File .
y:Scheme a skos:ConceptScheme ; rdfs:label "Vocabulary Y"@en .
z:File dcterms:isPartOf z:Scheme . z:Scheme a skos:ConceptScheme ; rdfs:label "Vocabulary Z"@en .
"""


def test_an_ambiguous_name_lists_each_candidate_with_its_vocabulary():
    store = ox.Store()
    store.extend(parse_turtle(ontology_dir() / "ai_leadership.ttl"))
    store.load(TWINS.encode(), ox.RdfFormat.TURTLE)
    with pytest.raises(AmbiguousName) as error:
        paths.gap(KnowledgeGraph(store), "Analyst", "AI Engineer")
    assert str(error.value) == (
        "'Analyst' names several roles: https://example.org/y/Analyst (Analyst, Vocabulary Y); "
        "https://example.org/z/Analyst (analyst, Vocabulary Z). Give one by its IRI or CURIE "
        "instead of the name.")
    # the same occupation under two names is one: no question to ask
    store.load(b"<https://example.org/y/Analyst> <http://www.w3.org/2004/02/skos/core#exactMatch>"
               b" <https://example.org/z/Analyst> .", ox.RdfFormat.N_TRIPLES)
    assert paths.resolve_role(KnowledgeGraph(store), "analyst") in (
        "https://example.org/y/Analyst", "https://example.org/z/Analyst")


def test_two_requirements_that_are_one_skill_count_once():
    """O*NET's Mathematics skill and Mathematics knowledge are both ESCO's mathematics: a role
    that requires both requires one skill, once, essential if either is."""
    rows = [{"role": "r:a", "roleLabel": "A", "level": 1, "next": "r:b"},
            {"role": "r:b", "roleLabel": "B", "level": 2}]
    skills = [{"role": "r:b", "skill": "o:skill", "skillLabel": "Mathematics", "essential": False},
              {"role": "r:b", "skill": "o:knowledge", "skillLabel": "Mathematics",
               "essential": True},
              {"role": "r:b", "skill": "e:maths", "skillLabel": "mathematics", "essential": True}]
    matches = [{"skill": "o:skill", "match": "e:maths"}, {"skill": "o:knowledge", "match": "e:maths"}]
    graph = paths.build_projection(rows, skills, matches=matches)
    assert [(s.label, s.essential) for s in graph.nodes["r:b"]["skills"]] == [("mathematics", True)]
    gap = paths.role_gap(graph, "r:a", "r:b")
    assert (len(gap.new_skills), gap.required) == (1, 1)
    assert paths.shortest_paths(graph, "r:a", "r:b").best.total_new_skills == 1
