"""Competency questions: SPARQL over the merged sources with the answers the source text gives.

Runs on pyoxigraph over ontology/ai_leadership.ttl + ontology/data/*.ttl (not the release), plus
the shape, violation-query and HermiT checks of the same graph.
"""
import shutil
from decimal import Decimal

import pyoxigraph as ox
import pytest

from kg.checks import validate

PREFIXES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX ail: <https://w3id.org/ai-leadership-kg/ontology#>
"""


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return validate.merged_store()


def _py(term):
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt.endswith("#integer"):
            return int(term.value)
        if dt.endswith("#decimal"):
            return Decimal(term.value)
        if dt.endswith("#boolean"):
            return term.value == "true"
        return term.value
    return term.value if term is not None else None


def ask(store, query) -> list[tuple]:
    return [tuple(_py(term) for term in solution) for solution in store.query(PREFIXES + query)]


def col(store, query) -> list:
    return [row[0] for row in ask(store, query)]


# ----------------------------------------------------------------------------- the ladder

def test_cq01_ladder_in_order(store):
    rows = ask(store, """SELECT ?label ?level WHERE { ?r a ail:Role ; rdfs:label ?label ; ail:seniorityLevel ?level }
                         ORDER BY ?level ?label""")
    assert rows == [("Junior AI Engineer", 1), ("Junior Generative AI Engineer", 1), ("AI Engineer", 2),
                    ("Generative AI Engineer", 2), ("Senior AI Engineer", 3), ("Lead AI Engineer", 4),
                    ("AI Team Lead", 5), ("Director of AI", 6), ("Head of AI Engineering", 7)]


def test_cq02_paths_from_both_juniors_reach_the_head(store):
    reach = col(store, """SELECT ?label WHERE { ?j ail:progressesTo+ ail:HeadOfAIEngineering ; rdfs:label ?label ;
                                              ail:seniorityLevel 1 } ORDER BY ?label""")
    assert reach == ["Junior AI Engineer", "Junior Generative AI Engineer"]


def test_cq03_stages_in_order(store):
    assert col(store, "SELECT ?l WHERE { ?s a ail:CareerStage ; rdfs:label ?l ; ail:stageOrder ?o } ORDER BY ?o") == \
        ["Entry level", "Mid level", "Senior level", "Leadership", "Executive"]


def test_cq04_what_comes_after_the_leadership_transition(store):
    assert col(store, """SELECT DISTINCT ?l WHERE { ?r ail:careerStage ail:StageLeadership ; ail:progressesTo ?n .
                         ?n ail:careerStage ?st . FILTER (?st != ail:StageLeadership) ?n rdfs:label ?l }""") == \
        ["Head of AI Engineering"]


def test_cq05_head_aliases_exclude_director_of_ai(store):
    alts = set(col(store, "SELECT ?a WHERE { ail:HeadOfAIEngineering skos:altLabel ?a }"))
    assert {"Head of AI", "Chief AI Officer", "AI Engineering Director"} <= alts
    assert "Director of AI" not in alts
    assert col(store, "SELECT ?l WHERE { ail:DirectorOfAI rdfs:label ?l }") == ["Director of AI"]


def test_cq06_generative_track_roles(store):
    assert col(store, """SELECT ?l WHERE { ?r ail:onTrack ail:TrackGenerativeAI ; ail:seniorityLevel ?lv ; rdfs:label ?l .
                         FILTER (?lv <= 2) } ORDER BY ?lv""") == ["Junior Generative AI Engineer", "Generative AI Engineer"]


# ----------------------------------------------------------------------------- skills

def test_cq07_head_programming_languages(store):
    rows = ask(store, """SELECT ?l ?kind WHERE { ail:HeadOfAIEngineering ?p ?s . ?s a ail:ProgrammingLanguage ; rdfs:label ?l .
                         VALUES (?p ?kind) { (ail:requiresEssentialSkill "essential") (ail:requiresPreferredSkill "preferred") } }
                         ORDER BY ?l""")
    assert rows == [("C++", "essential"), ("Java", "essential"), ("Python", "essential"), ("R", "essential"),
                    ("SQL", "preferred"), ("Shell scripting", "essential")]


def test_cq08_example_frameworks_are_preferred(store):
    assert col(store, """SELECT ?l WHERE { ail:HeadOfAIEngineering ail:requiresPreferredSkill ?s . ?s a ail:MLFramework ; rdfs:label ?l }
                         ORDER BY ?l""") == ["Keras", "PyTorch", "TensorFlow"]
    assert col(store, "SELECT ?l WHERE { ail:HeadOfAIEngineering ail:requiresEssentialSkill ?s . ?s a ail:MLFramework ; rdfs:label ?l }") == \
        ["Deep learning frameworks"]


def test_cq09_head_needs_the_nine_soft_skills(store):
    soft = set(col(store, """SELECT ?l WHERE { ail:HeadOfAIEngineering ail:requiresEssentialSkill ?s .
                              ?s a ail:SoftSkill ; dcterms:source ail:SectionEssentialSoftSkills ; rdfs:label ?l }"""))
    assert len(soft) == 9 and "Empathy and emotional intelligence" in soft


def test_cq10_generative_roles_need_generative_ai(store):
    assert col(store, """SELECT ?l WHERE { ?r ail:requiresEssentialSkill ail:SkillGenerativeAI ; ail:seniorityLevel ?lv ; rdfs:label ?l .
                         FILTER (?lv <= 2) } ORDER BY ?lv""") == ["Junior Generative AI Engineer", "Generative AI Engineer"]
    assert not store.query(PREFIXES + "ASK { ail:AIEngineer ail:requiresEssentialSkill|ail:requiresPreferredSkill ail:SkillGenerativeAI }")


def test_cq11_skill_sets_grow_along_the_engineering_track(store):
    counts = ask(store, """SELECT ?r (COUNT(?s) AS ?n) WHERE { ?r ail:requiresEssentialSkill|ail:requiresPreferredSkill ?s }
                           GROUP BY ?r""")
    n = {iri.rsplit("#", 1)[1]: c for iri, c in counts}
    ladder = ["JuniorAIEngineer", "AIEngineer", "SeniorAIEngineer", "LeadAIEngineer", "AITeamLead", "DirectorOfAI"]
    assert [n[r] for r in ladder] == sorted(n[r] for r in ladder)
    assert n["HeadOfAIEngineering"] >= 50


def test_cq12_derived_requirements_are_annotated_as_editorial(store):
    unannotated = col(store, """SELECT ?r WHERE { ?r ail:requiresEssentialSkill|ail:requiresPreferredSkill ?s ;
                                   ail:seniorityLevel ?lv . FILTER (?lv < 7)
                                 FILTER NOT EXISTS { ?ax owl:annotatedSource ?r ; owl:annotatedTarget ?s ; ail:basis ail:EditorialJudgement } }""")
    assert unannotated == []


# ----------------------------------------------------------------------------- qualifications, experience

def test_cq13_mandatory_and_preferred_degrees(store):
    rows = ask(store, """SELECT ?kind ?level WHERE { ail:HeadOfAIEngineering ?p ?d . ?d ail:degreeLevel ?lvl . ?lvl rdfs:label ?level .
                         VALUES (?p ?kind) { (ail:requiresMandatoryQualification "mandatory") (ail:prefersQualification "preferred") } }
                         ORDER BY ?kind""")
    assert rows == [("mandatory", "Master's degree level"), ("preferred", "Doctoral degree level")]


def test_cq14_masters_fields(store):
    assert set(col(store, "SELECT ?l WHERE { ail:DegreeMasters ail:fieldOfStudy ?f . ?f rdfs:label ?l }")) >= \
        {"Computer science", "Computer engineering", "Data science (field of study)"}


def test_cq15_years_of_experience(store):
    rows = ask(store, """SELECT ?skill ?years WHERE { ail:HeadOfAIEngineering ail:requiresExperience ?e .
                         ?e ail:minimumYears ?years ; ail:experienceIn ?s . ?s rdfs:label ?skill } ORDER BY ?skill""")
    assert ("Software development", 10) in rows
    assert ("Leadership and management", 5) in rows
    assert ("Large-scale AI/ML system architecture", 5) in rows
    assert ("Machine learning", 5) in rows
    assert all(isinstance(y, int) for _, y in rows)


# ----------------------------------------------------------------------------- salaries and market

def test_cq16_median_salary(store):
    assert ask(store, """SELECT ?v ?c ?y WHERE { ?s ail:statisticKind ail:KindMedian ; ail:value ?v ; ail:currency ?c ;
                         ail:periodStart ?y ; ail:inRegion ail:RegionUnitedStates }""") == [(187550, "USD", "2024")]


def test_cq17_salary_ranges_as_linked_bounds(store):
    rows = ask(store, """SELECT ?label ?lo ?hi WHERE { ?r a ail:ValueRange ; rdfs:label ?label ;
                         ail:hasLowerBound/ail:value ?lo ; ail:hasUpperBound/ail:value ?hi } ORDER BY ?lo""")
    assert ("Typical salary range", 210024, 269708) in rows
    assert ("Broader salary range", 178779, 292803) in rows
    assert ("Average salary range", 150000, 218860) in rows
    assert ("Head of AI Engineering total cash compensation range", 375000, 600000) in rows
    assert ("Bonus share range", 15, 25) in rows


def test_cq18_percentiles(store):
    assert ask(store, """SELECT ?p ?v WHERE { ?s ail:percentile ?p ; ail:value ?v } ORDER BY ?p""") == [(10, 120000), (90, 250000)]


def test_cq19_market_cagr(store):
    rows = ask(store, """SELECT ?v ?u ?from ?to WHERE { ?s ail:statisticKind ail:KindCAGR ; ail:value ?v ; ail:unit ?u ;
                         ail:periodStart ?from ; ail:periodEnd ?to ; ail:measures ail:MarketAIEngineering }""")
    assert rows == [(Decimal("20.17"), "percent", "2024", "2029")]


def test_cq20_market_size_kept_as_stated_and_flagged(store):
    rows = ask(store, """SELECT ?y ?v WHERE { ?s a ail:MarketSize ; ail:value ?v ; ail:periodStart ?y ; ail:sourceIssue ?i } ORDER BY ?y""")
    assert rows == [("2024", Decimal("3775000.0")), ("2029", Decimal("9460000.0"))]


def test_cq21_leading_and_growing_regions(store):
    assert col(store, "SELECT ?l WHERE { ail:MarketAIEngineering ail:leadingRegion ?r . ?r rdfs:label ?l } ORDER BY ?l") == \
        ["North America", "United States"]
    assert col(store, "SELECT ?l WHERE { ail:MarketAIEngineering ail:growthRegion ?r . ?r rdfs:label ?l } ORDER BY ?l") == \
        ["Asia Pacific", "Europe", "South America"]


def test_cq22_job_growth_figures(store):
    rows = ask(store, "SELECT ?v ?u WHERE { ?s a ail:JobGrowthFigure ; ail:value ?v ; ail:unit ?u } ORDER BY ?v")
    assert rows == [(3, "multiple"), (23, "percent"), (300, "percent"), (428, "percent"), (2700, "percent")]


# ----------------------------------------------------------------------------- challenges, practices

def test_cq23_practices_for_data_quality(store):
    assert col(store, """SELECT ?l WHERE { ?c rdfs:label "Ensuring high-quality, relevant data"@en ; ail:addressedBy ?p .
                         ?p rdfs:label ?l }""") == ["Data management"]


def test_cq24_challenges_by_area(store):
    rows = ask(store, "SELECT ?a (COUNT(?c) AS ?n) WHERE { ?c ail:inChallengeArea/rdfs:label ?a } GROUP BY ?a ORDER BY ?a")
    assert len(rows) == 7 and sum(n for _, n in rows) == 15
    assert ("Ethical and social considerations", 3) in rows


def test_cq25_every_practice_addresses_something(store):
    assert col(store, "SELECT ?p WHERE { ?p a ail:BestPractice FILTER NOT EXISTS { ?c ail:addressedBy ?p } }") == []
    assert len(col(store, "SELECT ?p WHERE { ?p a ail:BestPractice }")) == 12


# ----------------------------------------------------------------------------- industries, organisations

def test_cq26_industries_and_applications(store):
    rows = ask(store, """SELECT ?i ?a WHERE { ?ind ail:hasApplication ?app . ?ind rdfs:label ?i . ?app rdfs:label ?a }
                         ORDER BY ?i ?a""")
    assert rows == [("Automotive", "Autonomous vehicles"), ("Automotive", "Driver assistance systems"),
                    ("Healthcare", "Diagnostics"), ("Healthcare", "Drug research"),
                    ("Manufacturing", "Process optimisation")]


def test_cq27_market_leaders(store):
    assert col(store, """SELECT ?l WHERE { ail:TrendMarketLeaders ail:involvesOrganisation ?c . ?c a ail:Company ; rdfs:label ?l }
                         ORDER BY ?l""") == ["Alphabet", "Apple", "Microsoft", "NVIDIA"]


def test_cq28_government_programmes_with_amounts(store):
    rows = ask(store, """SELECT ?region ?amount ?currency WHERE { ?s a ail:InvestmentAmount ; ail:fundedBy ?p ;
                         ail:value ?amount ; ail:currency ?currency . ?p a ail:GovernmentProgramme ; ail:inRegion/rdfs:label ?region }
                         ORDER BY ?region""")
    assert rows == [("India", 5517500000, "INR"), ("Japan", 65000000000, "USD")]


def test_cq29_research_organisation_for_ai_safety(store):
    assert col(store, "SELECT ?l WHERE { ?o a ail:ResearchOrganisation ; rdfs:label ?l }") == ["FAR.AI"]


def test_cq30_flagged_inconsistencies(store):
    flagged = set(col(store, "SELECT ?s WHERE { ?s ail:sourceIssue ?i }"))
    A = "https://w3id.org/ai-leadership-kg/ontology#"
    for name in ["StatTop10Percent", "StatMedianSalaryExecutive", "StatHeadBaseMax", "StatHeadTotalCashLow",
                 "StatAIEngineeringMarketSize2029", "StatAILeadershipIncrease", "HeadOfAIEngineering", "DirectorOfAI"]:
        assert A + name in flagged


# ----------------------------------------------------------------------------- the graph passes its checks

def test_graph_conforms_to_shapes(store):
    report = validate.shacl(store)
    assert report.shacl_conforms, report.text()


def test_no_violation_query_returns_rows(store):
    results = validate.violations(store)
    assert len(results) >= 5
    assert {name: rows for name, rows in results if rows} == {}


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs a Java runtime; none on PATH")
def test_hermit_finds_the_graph_consistent(store, tmp_path):
    target = tmp_path / "graph.nt"
    target.write_bytes(ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in store),
                                    format=ox.RdfFormat.N_TRIPLES))
    ok, message = validate.owl_consistency(target)
    assert ok, message


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs a Java runtime; none on PATH")
def test_hermit_catches_an_inconsistency(store, tmp_path):
    broken = validate.merged_store(list(store))
    broken.add(ox.Quad(ox.NamedNode("https://w3id.org/ai-leadership-kg/ontology#JuniorAIEngineer"),
                       ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                       ox.NamedNode("https://w3id.org/ai-leadership-kg/ontology#Skill")))
    report = validate.check_all(broken, reason=True, shapes=False, queries=False)
    assert report.owl_ok is False and not report.conforms
