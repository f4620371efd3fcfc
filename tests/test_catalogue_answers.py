"""Every catalogued query returns what the source says (or what the graph is built to hold).

Each query in kg/queries/ needs an entry here: a new query without expected answers fails
``test_every_query_has_expected_answers``.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.query import catalogue

AIL = "https://w3id.org/ai-leadership-kg/ontology#"
ESCO = "http://data.europa.eu/esco/occupation/"
HEAD = AIL + "HeadOfAIEngineering"


def labels(rows, key):
    return {r[key] for r in rows if key in r}


def by(rows, key, value):
    return [r for r in rows if r.get(key) == value]


def _ladder(rows):
    assert [r["roleLabel"] for r in rows][0:2] == ["Junior AI Engineer", "Junior Generative AI Engineer"]
    assert rows[-1]["roleLabel"] == "Head of AI Engineering" and rows[-1]["level"] == 7
    assert [r["level"] for r in rows] == sorted(r["level"] for r in rows)
    assert len(rows) == 9
    return True


def _skills_for_head(rows):
    essential = labels(by(rows, "requirement", "essential"), "skillLabel")
    preferred = labels(by(rows, "requirement", "preferred"), "skillLabel")
    assert {"Python", "R", "C++", "Java", "Machine learning", "Deep learning",
            "Natural language processing", "Time series analysis", "Linux"} <= essential
    assert {"TensorFlow", "PyTorch", "Keras", "SQL"} <= preferred
    assert not essential & preferred
    return True


def _salaries(rows):
    values = {r["figureLabel"]: r["value"] for r in rows}
    assert set(values.values()) >= {187550, 150000, 218860, 244342, 210024, 269708, 178779,
                                    292803, 250000, 120000, 223000, 179000, 375000, 600000, 15, 25}
    median = [r for r in rows if r.get("kindLabel") == "median"]
    assert [(r["value"], r["currency"], r["periodStart"]) for r in median] == [(187550, "USD", "2024")]
    return True


def _chart_figures(rows):
    figures = {r["figure"]: r for r in rows}
    assert len(figures) == 29  # every MarketStatistic of the guide with a value, once
    assert figures[AIL + "StatMedianSalaryExecutive"]["subject"] == HEAD
    low = figures[AIL + "StatTypicalRangeLow"]
    assert (low["range"], low["side"], low["value"]) == (AIL + "RangeTypicalSalary", "lower", 210024)
    assert figures[AIL + "StatAIEngineeringMarketSize2029"]["classLabel"] == "Market size"
    return True


def _market(rows):
    cagr = [r for r in rows if r["value"] == Decimal("20.17")]
    assert cagr and cagr[0]["unit"] == "percent"
    assert (cagr[0]["periodStart"], cagr[0]["periodEnd"]) == ("2024", "2029")
    values = {r["value"] for r in rows}
    assert {23, 2700, 5517500000, 65000000000} <= values
    sizes = [r for r in rows if r["classLabel"] == "Market size"]
    assert {r["value"] for r in sizes} == {3775000, 9460000} and all("issue" in r for r in sizes)
    return True


EXPECTED = {
    "alignments": ({}, lambda rows: (
        {(r["match"], r["target"]) for r in by(rows, "role", HEAD)} == {
            ("broadMatch", ESCO + "7b1b5da8-573a-49bb-a38e-68725a949f4f"),
            ("broadMatch", ESCO + "9db7d74c-b46d-45c0-b611-6bcb7456ecc6"),
            ("broadMatch", "https://www.onetonline.org/link/summary/11-3021.00")}
        and ("closeMatch", ESCO + "35553663-deab-4d9a-bf22-15c1625d28e8")
        in {(r["match"], r["target"]) for r in by(rows, "role", AIL + "AIEngineer")})),
    "challenges": ({}, lambda rows: len(rows) == 15 and all(r["practices"] for r in rows)
                   and len(labels(rows, "areaLabel")) == 7),
    "class-counts": ({}, lambda rows: {r["classLabel"]: r["individuals"] for r in rows}.items() >= {
        ("Role", 9), ("Skill", 54), ("Challenge", 15), ("Best practice", 12),
        ("Responsibility", 42), ("Region", 9)}),
    "class-members": ({}, lambda rows: len(by(rows, "class", AIL + "Role")) == 9),
    "editorial-judgements": ({}, lambda rows: len(rows) >= 300 and all("note" in r for r in rows)),
    "entity-facts": ({"entity": "Head of AI"}, lambda rows: any(
        r["property"] == AIL + "seniorityLevel" and r["value"] == 7 for r in rows)),
    "entity-classes": ({"entity": "Python"}, lambda rows: {
        (r.get("classLabel"), r["asserted"]) for r in rows} == {
        (None, True), ("Programming language", True), ("Skill", False)}),
    "experience-requirements": ({"role": "Head of AI"}, lambda rows: sorted(
        r["years"] for r in rows) == [5, 5, 5, 10]),
    "figures-in-region": ({"region": "North America"}, lambda rows: 187550 in labels(rows, "value")
                          and labels(rows, "placeLabel") >= {"United States", "San Francisco"}),
    "government-programmes": ({}, lambda rows: {
        (r["programmeLabel"], r["value"], r["currency"]) for r in rows} == {
        ("IndiaAI mission", 5517500000, "INR"),
        ("Japan's AI and chipmaking investment plan", 65000000000, "USD")}),
    "graph-entities": ({}, lambda rows: by(rows, "entity", HEAD)[0]["classLabel"] == "Role"),
    "graph-facts": ({}, lambda rows: any(r["entity"] == HEAD and r["value"] == "Chief AI Officer"
                                         for r in rows)),
    "graph-links": ({}, lambda rows: any(r["subject"] == AIL + "DirectorOfAI"
                                         and r["object"] == HEAD for r in rows)),
    "industries": ({}, lambda rows: {(r["industryLabel"], r["applicationLabel"]) for r in rows} == {
        ("Automotive", "Autonomous vehicles"), ("Automotive", "Driver assistance systems"),
        ("Healthcare", "Diagnostics"), ("Healthcare", "Drug research"),
        ("Manufacturing", "Process optimisation")}),
    "labels": ({"class": "ail:Role"}, lambda rows: ("Chief AI Officer", "altLabel", HEAD) in {
        (r["label"], r["kind"], r["entity"]) for r in rows}),
    "ladder": ({}, _ladder),
    "ladder-roles": ({}, lambda rows: len(labels(rows, "role")) == 9),
    "ladder-salaries": ({}, lambda rows: 187550 in labels(rows, "value")),
    "ladder-steps": ({}, lambda rows: len(rows) == 14 and {"from": AIL + "DirectorOfAI", "to": HEAD}
                     in rows),
    "chart-figures": ({}, _chart_figures),
    "market-figures": ({}, _market),
    "ontology-classes": ({}, lambda rows: len(rows) >= 45 and AIL + "Role" in labels(rows, "class")),
    "ontology-metadata": ({}, lambda rows: "https://creativecommons.org/licenses/by/4.0/"
                          in labels(rows, "value")),
    "ontology-properties": ({}, lambda rows: any(r["property"] == AIL + "progressesTo"
                                                 and r.get("inverse") == AIL + "progressesFrom"
                                                 for r in rows)),
    "organisations": ({}, lambda rows: labels(by(rows, "kindLabel", "Company"), "organisationLabel")
                      == {"Apple", "NVIDIA", "Microsoft", "Alphabet"}
                      and labels(by(rows, "kindLabel", "Research organisation"),
                                 "organisationLabel") == {"FAR.AI"}),
    "practices-for-challenge": ({"challenge": "Ensuring high-quality, relevant data"},
                                lambda rows: "Data management" in labels(rows, "practiceLabel")),
    "provenance": ({"entity": "Head of AI"}, lambda rows: {"Overview", "Requirements",
                   "Career Development"} <= labels(rows, "sectionLabel")),
    "qualifications": ({"role": "Head of AI"}, lambda rows: sorted(
        (r["requirement"], r["qualificationLabel"].split()[0]) for r in rows)
        == [("mandatory", "Master's"), ("preferred", "PhD")]),
    "regions": ({}, lambda rows: labels(by(rows, "position", "leading"), "regionLabel")
                == {"North America", "United States"}
                and labels(by(rows, "position", "growing"), "regionLabel")
                == {"Europe", "Asia Pacific", "South America"}),
    "responsibilities-by-area": ({"role": "Head of AI"}, lambda rows: len(rows) >= 30 and {
        "Governance and compliance", "Team leadership and management"} <= labels(rows, "areaLabel")),
    "role-aliases": ({}, lambda rows: labels(by(rows, "role", HEAD), "altLabel") >= {
        "Head of AI", "Chief AI Officer", "AI Engineering Director"}
        and "Director of AI" not in labels(by(rows, "role", HEAD), "altLabel")),
    "role-progression": ({"role": "Junior AI Engineer"}, lambda rows: labels(rows, "next")
                         == {AIL + "AIEngineer"}),
    "roles-needing-skill": ({"skill": "Python"}, lambda rows: {"Junior AI Engineer",
                            "Head of AI Engineering"} <= labels(rows, "roleLabel")),
    "salary-figures": ({}, _salaries),
    "search": ({"text": "time series"}, lambda rows: labels(rows, "label") == {"Time series analysis"}),
    "search-in-class": ({"text": "learning", "class": "ail:Skill"}, lambda rows: {
        "Machine learning", "Deep learning", "Reinforcement learning"} <= labels(rows, "label")
        and all(r["type"] != "Responsibility" for r in rows)),
    "skill-gap": ({"from": "AI Engineer", "to": "Head of AI"}, lambda rows:
                  "AI governance and regulatory compliance" in labels(rows, "skillLabel")
                  and "Python" not in labels(rows, "skillLabel")),
    "skills-for-role": ({"role": "Chief AI Officer"}, _skills_for_head),
    "skills": ({}, lambda rows: len(rows) == 54),
    "attributions": ({}, lambda rows: any(
        r["entity"] == "https://www.onetonline.org/link/summary/15-1252.00"
        and "USDOL/ETA" in r["rights"] for r in rows)),
    # the crosswalk's O*NET and ESCO concepts, each in its scheme (the guide's own skills are in
    # none: their sources are parts of the role profile, no skos:ConceptScheme)
    "match-vocabularies": ({}, lambda rows: len(rows) == 10 and {
        ("https://w3id.org/ai-leadership-kg/onet/technology/Python", "O*NET 29.2"),
        ("http://data.europa.eu/esco/occupation/35553663-deab-4d9a-bf22-15c1625d28e8",
         "ESCO v1.2")} <= {(r["concept"], r["vocabularyLabel"]) for r in rows}
        and not any(r["concept"].startswith(AIL) for r in rows)),
    "occupation-matches": ({}, lambda rows: (
        "http://data.europa.eu/esco/occupation/35553663-deab-4d9a-bf22-15c1625d28e8",
        AIL + "AIEngineer", "closeMatch") in {(r["occupation"], r["match"], r["relation"])
                                              for r in rows}),
    # every role of the ladder is defined, once, in English
    "occupation-definitions": ({}, lambda rows: len(rows) == 9 and len(
        labels(rows, "occupation")) == 9 and AIL + "HeadOfAIEngineering" in labels(
        rows, "occupation") and all(len(r["definition"]) > 40 for r in rows)),
    "occupation-moves": ({}, lambda rows: {
        ("https://www.onetonline.org/link/summary/15-1252.00", AIL + "JuniorAIEngineer", 2),
        ("https://www.onetonline.org/link/summary/15-1221.00", AIL + "SeniorAIEngineer", 1),
    } <= {(r["role"], r["next"], r.get("cost")) for r in rows}),
    "skill-matches": ({}, lambda rows: (AIL + "SkillPython",
                                        "https://w3id.org/ai-leadership-kg/onet/technology/Python")
                      in {(r["skill"], r["match"]) for r in rows} and len(rows) == 18),
    # these two need an O*NET import: the shipped graph alone has no ratings (test_importers
    # checks their answers on the fixture import)
    "hot-technologies": ({}, lambda rows: rows == []),
    "in-demand-technologies": ({}, lambda rows: rows == []),
    "occupation-ratings": ({}, lambda rows: rows == []),
    # need an O*NET import too: the fixture's answers are in test_importers.py
    "emerging-tasks": ({}, lambda rows: rows == []),
    "trends-in-the-data": ({}, lambda rows: rows == []),
    "soft-skills": ({}, lambda rows: len(by(rows, "kind", "soft skill")) == 10
                    and len(by(rows, "kind", "business or leadership skill")) >= 8),
    "source-issues": ({}, lambda rows: len(labels(rows, "entity")) >= 25
                      and AIL + "StatAIEngineeringMarketSize2029" in labels(rows, "entity")),
    "trends": ({}, lambda rows: len(labels(by(rows, "classLabel", "Industry trend"), "trend")) == 7
               and len(labels(by(rows, "classLabel", "Demand driver"), "trend")) == 5),
}


def test_every_query_has_expected_answers():
    assert sorted(EXPECTED) == sorted(catalogue.catalogue())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_query_answers_what_the_source_says(graph, name):
    params, check = EXPECTED[name]
    rows = graph.named(name, **params)
    assert check(rows), f"{name} returned unexpected rows: {rows[:5]}"
