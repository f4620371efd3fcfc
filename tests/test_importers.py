"""``aikg import onet``: the published O*NET format in, this graph's vocabulary out.

Fixtures are small .xlsx files in the published layout (tests/data/onet/, written by
tests/importer_fixtures.py); bad variants are made from copies of them.
"""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg import cli
from kg.errors import SourceError
from kg.importers import onet, xlsx
from tests import importer_fixtures as fx

AIL = "https://w3id.org/ai-leadership-kg/ontology#"
OCC = onet.OCCUPATION
DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def invoke(*args):
    return CliRunner().invoke(cli.main, list(args), catch_exceptions=False)


def error_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line]
    assert len(lines) == 1, result.output
    return lines[0]


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("onet") / "onet.ttl"
    result = invoke("import", "onet", str(fx.ONET), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def store(imported) -> ox.Store:
    s = ox.Store()
    s.load(path=str(imported), format=ox.RdfFormat.TURTLE)
    return s


def objects(store, s, p) -> set:
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None)}


def test_fixtures_are_current():
    """tests/data/onet/ is what tests/importer_fixtures.py writes (so the rows above are true)."""
    for name, rows in fx.SHEETS.items():
        assert [v for _, v in xlsx.rows(fx.ONET / name)] == [_trim(r) for r in rows], name


def _trim(row):
    # empty trailing cells are not written, so the reader returns a shorter row
    while row and row[-1] == "":
        row = row[:-1]
    return row


def test_occupations_zones_and_alt_labels(store):
    sd = OCC + fx.SD
    assert objects(store, sd, "http://www.w3.org/2000/01/rdf-schema#label") == {"Software Developers"}
    assert objects(store, sd, "http://www.w3.org/2004/02/skos/core#altLabel") == {
        "Application Developer", "Software Engineer"}
    assert objects(store, sd, AIL + "jobZone") == {"4"} == objects(store, sd, AIL + "seniorityLevel")
    assert objects(store, sd, AIL + "careerStage") == {onet.BASE + "jobzone/4"}
    assert objects(store, OCC + fx.OTHER, AIL + "jobZone") == set()  # no zone in the file


def test_typical_education_and_experience(store):
    """The category with the largest share wins; on a tie (40% and 40%) the lower one."""
    assert objects(store, OCC + fx.DS, AIL + "typicalEducation") == {"Master's Degree"}
    assert objects(store, OCC + fx.DS, AIL + "typicalExperience") == {
        "Over 2 years, up to and including 4 years"}
    assert objects(store, OCC + fx.SD, AIL + "typicalEducation") == set()  # not given


def test_related_occupations_rule(store):
    """Higher zone: progression; same zone: lateral; lower zone: career change;
    Supplemental: a relation node only."""
    assert objects(store, OCC + fx.SD, AIL + "progressesTo") == {OCC + fx.DS}      # 4 -> 5
    assert objects(store, OCC + fx.SD, AIL + "lateralMoveTo") == {OCC + fx.CISM}   # 4 -> 4
    assert objects(store, OCC + fx.DS, AIL + "lateralMoveTo") == {OCC + fx.CIRS}   # 5 -> 5
    assert objects(store, OCC + fx.CIRS, AIL + "careerChangeTo") == {OCC + fx.SD}  # 5 -> 4
    assert not any(objects(store, OCC + fx.SEMI, AIL + p)
                   for p in ("progressesTo", "lateralMoveTo", "careerChangeTo"))
    relation = onet.BASE + f"relation/{fx.SEMI}/{fx.SD}"
    assert objects(store, relation, AIL + "relatednessTier") == {"Supplemental"}
    assert objects(store, relation, AIL + "relatednessIndex") == {"3"}


def test_technology_flags_and_requirements(store):
    kubernetes = onet.BASE + "technology/Kubernetes"
    assert objects(store, kubernetes, AIL + "hotTechnology") == {"true"}  # Y on some rows
    assert objects(store, onet.BASE + "technology/C%2B%2B",
                   "http://www.w3.org/2000/01/rdf-schema#label") == {"C++"}
    assert kubernetes in objects(store, OCC + fx.SD, AIL + "requiresEssentialSkill")  # in demand
    assert kubernetes in objects(store, OCC + fx.DS, AIL + "requiresPreferredSkill")  # not
    rating = onet.BASE + f"rating/{fx.DS}/technology/Kubernetes"
    assert objects(store, rating, AIL + "inDemand") == {"false"}


def test_rated_skills_keep_values_and_threshold(store):
    maths = onet.BASE + "element/2.A.1.e"
    repairing = onet.BASE + "element/2.B.3.l"
    rating = onet.BASE + f"rating/{fx.SD}/element/2.A.1.e"
    assert objects(store, rating, AIL + "importance") == {"3.62"}
    assert objects(store, rating, AIL + "level") == {"4.12"}
    required = objects(store, OCC + fx.SD, AIL + "requiresEssentialSkill")
    assert maths in required and repairing not in required  # 3.62 >= 3.5 > 1.12
    assert AIL + "TransversalSkill" in objects(store, maths, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert AIL + "KnowledgeArea" in objects(store, onet.BASE + "element/2.C.4.a",
                                            "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def test_provenance_and_attribution(imported, store):
    text = imported.read_text(encoding="utf-8")
    assert text.startswith("# O*NET 29.2 Database converted by 'aikg import onet'")
    assert "USDOL/ETA), used under the CC BY 4.0 license." in text.splitlines()[1]
    sections = objects(store, OCC + fx.SD, "http://purl.org/dc/terms/source")
    assert onet.BASE + "source/Occupation_Data" in sections
    subjects = {q.subject for q in store.quads_for_pattern(None, None, None)}
    cited = {q.subject for q in store.quads_for_pattern(
        None, ox.NamedNode("http://purl.org/dc/terms/source"), None)}
    sections_only = {q.subject for q in store.quads_for_pattern(
        None, ox.NamedNode("http://purl.org/dc/terms/isPartOf"), None)}
    assert subjects - cited == sections_only  # everything else cites a file


def test_same_files_same_bytes(imported, tmp_path):
    again = tmp_path / "again.ttl"
    onet.import_onet(fx.ONET, again)
    assert again.read_bytes() == imported.read_bytes()


def test_import_passes_the_shapes_and_describe_attributes(imported):
    import kg

    g = kg.load(extra=[imported])  # check=True: SHACL on the merged graph
    from kg.query import describe

    card = describe.describe(g, g.resolve("Software Developers"))
    assert any("O*NET 29.2 Database" in text for text in card["attribution"])


def test_lateral_path_into_the_ladder(imported):
    base = ("--with", str(imported), "path", "Software Developers", "Head of AI Engineering")
    assert error_line(invoke(*base)).startswith(
        "Error: No progression from 'Software Developers' to 'Head of AI Engineering'")
    result = invoke(*base, "--lateral", "--have", "Kubernetes", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    roles = [r["label"] for r in data["roles"]]
    assert roles[0] == "Software Developers" and roles[-1] == "Head of AI Engineering"
    assert any(step["move"] for step in data["steps"])
    assert data["have"][0]["label"] == "Kubernetes"


def test_tools_count_only_when_hot_or_in_demand(imported):
    """The cost model: an O*NET technology example is a requirement on the ladder only when it
    is a hot technology or in demand for the occupation (the rest are examples, not skills)."""
    import kg
    from kg.paths import answers as paths

    g = kg.load(extra=[imported], check=False)
    tools = [r for r in g.named("skills-for-role") if r.get("tool")]
    assert tools  # (every tool of the fixture is hot or in demand: test_paths covers the rest)
    ladder = paths.project(g)
    same = ladder.graph["same_skill"]
    for row in tools:
        required = {s.iri for s in ladder.nodes[row["role"]]["skills"]}
        assert (same.get(row["skill"], row["skill"]) in required) == row["current"], row


def test_role_queries_answer_for_occupations(imported):
    # with O*NET loaded, roles-needing-skill saw only the nine ladder roles (O*NET names
    # Python by its own IRI, an exact match) and skills-for-role said "No role matches"
    import kg

    g = kg.load(extra=[imported], check=False)
    needing = {r["roleLabel"] for r in g.named("roles-needing-skill", skill=g.resolve("Python"))}
    assert {"Junior AI Engineer", "Software Developers"} <= needing
    skills = g.named("skills-for-role", role=g.resolve("Software Developers", cls="ail:Occupation"))
    assert skills and {r["role"] for r in skills} == {OCC + fx.SD}
    gap = g.named("skill-gap", **{"from": g.resolve("Data Scientists"),
                                  "to": g.resolve("Junior AI Engineer")})
    assert "Python" not in {r["skillLabel"] for r in gap}  # held as O*NET's Python


def test_next_lateral_lists_moves_with_their_kind(imported):
    # 'path --lateral' found a route where 'next' said there was no next role
    plain = invoke("--with", str(imported), "next", "Software Developers", "--format", "json")
    assert plain.exit_code == 0, plain.output
    assert all(n["move"] is None for n in json.loads(plain.output)["next"])
    result = invoke("--with", str(imported), "next", "Software Developers", "--lateral",
                    "--format", "json")
    assert result.exit_code == 0, result.output
    moves = {n["to"]["label"]: n["move"] for n in json.loads(result.output)["next"]}
    assert moves.get("Computer and Information Systems Managers") == "lateral move to"
    text = invoke("--with", str(imported), "next", "Software Developers", "--lateral")
    assert "Computer and Information Systems Managers [lateral move to]:" in text.output


def test_lateral_path_as_a_page(imported, tmp_path):
    # a lateral path goes through occupations that are not ladder roles: the page drew only
    # roles and refused such a path ("... which is not a role of this graph")
    page = tmp_path / "p.html"
    result = invoke("--with", str(imported), "path", "Software Developers",
                    "Head of AI Engineering", "--lateral", "--html", str(page))
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    for name in ("Software Developers", "Computer and Information Systems Managers"):
        assert f'"label":"{name}"' in html
    assert html.count('<li data-edge="step-') == 3
    assert "(lateral move to)" in html  # the step's kind is in its tooltip
    other = invoke("path", "Junior AI Engineer", "Head of AI", "--html", str(page))
    assert other.exit_code == 0, other.output  # the ladder's own pages are unchanged (test_viz)


def test_lateral_moves_cost_more_steps(imported):
    result = invoke("--with", str(imported), "path", "Data Scientists", "Junior AI Engineer",
                    "--lateral", "--by", "steps", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [s["move"] for s in data["steps"]] == ["career change to"]
    assert data["total_steps"] == 1  # one move, counted below as its cost
    from kg.paths import answers as paths
    import kg

    g = kg.load(extra=[imported], check=False)
    found = paths.find_path(g, "Data Scientists", "Junior AI Engineer", by="steps", lateral=True)
    index = paths.index_of(paths.project(g, True))
    ds, junior = (index.index[r.iri] for r in found.best.roles)
    assert index.ladder.step_cost(ds, junior) == 2  # ail:careerChangeTo ail:moveCost 2


def test_exact_matches_count_as_one_skill(imported):
    import kg

    g = kg.load(extra=[imported], check=False)
    assert g.resolve("Python", cls="ail:Skill") == AIL + "SkillPython"  # two labels, one skill


def test_ready_survives_long_tool_lists(imported):
    """Semiconductor Processors hold 1 of 2 listed skills (share 50%), Data Scientists 2 of 5
    (40%): a share ranking puts the former first; essential skills held put Data Scientists
    (Python, in demand) first."""
    result = invoke("--with", str(imported), "ready", "--have", "Kubernetes", "--have", "Python",
                    "--format", "json", "--limit", "20")
    assert result.exit_code == 0, result.output
    order = [r["role"]["label"] for r in json.loads(result.output)["roles"]]
    assert order.index("Data Scientists") < order.index("Semiconductor Processors")


def test_unknown_skill_says_where_it_looked(imported):
    line = error_line(invoke("--with", str(imported), "ready", "--have", "Kubernetez"))
    assert line.startswith("Error: No skill matches 'Kubernetez'. Did you mean 'Kubernetes'?")
    assert "(vocabularies: ail, onet)" in line and "aikg search" in line


# -- bad input: one Error line naming the file (and row), nothing written --------------------
def _copy(tmp_path) -> Path:
    folder = tmp_path / "onet"
    shutil.copytree(fx.ONET, folder)
    return folder


def _renamed_column(folder):
    rows = [list(r) for r in fx.SHEETS["Occupation Data.xlsx"]]
    rows[0][1] = "Occupation Title"
    fx.write_xlsx(folder / "Occupation Data.xlsx", rows)
    return "Occupation Data.xlsx, row 1: no column 'Title'"


def _truncated(folder):
    path = folder / "Skills.xlsx"
    path.write_bytes(path.read_bytes()[:-200])
    return "Skills.xlsx: not a readable .xlsx file"


def _truncated_sheet(folder):
    rows = fx.SHEETS["Technology Skills.xlsx"]
    fx.write_xlsx(folder / "Technology Skills.xlsx", rows)
    with zipfile.ZipFile(folder / "Technology Skills.xlsx") as book:
        parts = {n: book.read(n) for n in book.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:-300]
    with zipfile.ZipFile(folder / "Technology Skills.xlsx", "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return "Technology Skills.xlsx, row "


def _unknown_release(folder):
    (folder / "Read Me.txt").write_text("O*NET 30.1 Database\n")
    return "Read Me.txt, row 1: O*NET release 30.1 is not one this importer knows"


def _unknown_code(folder):
    rows = [list(r) for r in fx.SHEETS["Job Zones.xlsx"]] + [["99-9999.00", "Wizards", "3", "", ""]]
    fx.write_xlsx(folder / "Job Zones.xlsx", rows)
    return "Job Zones.xlsx, row 7: O*NET-SOC code '99-9999.00' is not in 'Occupation Data.xlsx'"


def _missing_file(folder):
    (folder / "Related Occupations.xlsx").unlink()
    return "no 'Related Occupations.xlsx'"


def _bad_number(folder):
    rows = [list(r) for r in fx.SHEETS["Skills.xlsx"]]
    rows[3][6] = "high"
    fx.write_xlsx(folder / "Skills.xlsx", rows)
    return "Skills.xlsx, row 4: 'high' is not a number"


@pytest.mark.parametrize("damage", [_renamed_column, _truncated, _truncated_sheet,
                                    _unknown_release, _unknown_code, _missing_file, _bad_number])
def test_bad_input_one_error_line_nothing_written(tmp_path, damage):
    folder = _copy(tmp_path)
    expected = damage(folder)
    out = tmp_path / "out.ttl"
    line = error_line(invoke("import", "onet", str(folder), "-o", str(out)))
    assert line.startswith("Error: ") and expected in line, line
    assert not out.exists() and not list(tmp_path.glob(".out.ttl*"))
    out.write_text("# an earlier import\n")  # an existing output is left as it was
    error_line(invoke("import", "onet", str(folder), "-o", str(out)))
    assert out.read_text() == "# an earlier import\n"


def test_wrong_folder(tmp_path):
    line = error_line(invoke("import", "onet", str(tmp_path), "-o", str(tmp_path / "x.ttl")))
    assert line == (f"Error: {tmp_path}: no 'Read Me.txt', so this is not an O*NET database "
                    "folder (give the unzipped db_29_2_excel folder).")


def test_reader_aligns_sparse_rows(tmp_path):
    path = tmp_path / "sparse.xlsx"
    fx.write_xlsx(path, [["a", "b", "c"], ["1", "", "3"], ["", "x", ""]])
    assert list(xlsx.rows(path)) == [(1, ["a", "b", "c"]), (2, ["1", "", "3"]), (3, ["", "x"])]


def test_library_raises_source_error(tmp_path):
    with pytest.raises(SourceError, match="no such folder"):
        onet.import_onet(tmp_path / "missing", tmp_path / "x.ttl")


@pytest.mark.slow
def test_real_onet_counts_match_its_readme(real_import_summaries):
    """O*NET 29.2 as published: the counts the datasets README gives (the session's import)."""
    c = real_import_summaries["onet"].counts
    assert c["occupations"] == 1016
    assert c["related occupations"] == 18460  # "~18,460 links"
    assert 32_000 <= c["technology links"] <= 33_000  # "~32,600"
    assert (c["skills"], c["knowledge"]) == (35, 33)


# -- ESCO ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def esco_store(tmp_path_factory):
    out = tmp_path_factory.mktemp("esco") / "esco.ttl"
    result = invoke("import", "esco", str(fx.ESCO), "-o", str(out))
    assert result.exit_code == 0, result.output
    s = ox.Store()
    s.load(path=str(out), format=ox.RdfFormat.TURTLE)
    return out, s


def test_esco_occupations_groups_and_skills(esco_store):
    from kg.importers import esco

    _, s = esco_store
    skos = "http://www.w3.org/2004/02/skos/core#"
    assert objects(s, fx.AI_ENGINEER, skos + "altLabel") == {"machine learning engineer", "AI engineer"}
    assert objects(s, fx.AI_ENGINEER, skos + "broader") == {fx.ISCO_2511}
    assert objects(s, fx.ISCO_2511, skos + "broader") == {fx.ISCO_251}
    essential = objects(s, fx.AI_ENGINEER, AIL + "requiresEssentialSkill")
    # a label a collection names gets the collection's ESCO URI; any other label a minted IRI
    assert essential == {fx.PYTHON_SKILL, esco.SKILL_BASE + "deep_learning"}
    kind = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    assert AIL + "KnowledgeArea" in objects(s, esco.SKILL_BASE + "deep_learning", kind)
    assert AIL + "TransversalSkill" in objects(s, fx.INITIATIVE, kind)
    assert AIL + "OccupationalSkill" in objects(s, esco.SKILL_BASE + "R", kind)
    assert objects(s, fx.AI_ENGINEER, AIL + "requiresPreferredSkill") == {
        fx.INITIATIVE, esco.SKILL_BASE + "R"}
    # the relation to a skill these files do not describe is not kept
    assert objects(s, fx.PYTHON_SKILL, skos + "related") == {fx.INITIATIVE}


def test_esco_and_onet_together_pass_the_shapes(esco_store, imported):
    import kg

    kg.load(extra=[esco_store[0], imported])  # raises CheckFailed if not


def test_esco_same_bytes(esco_store, tmp_path):
    from kg.importers import esco

    esco.import_esco(fx.ESCO, tmp_path / "again.ttl")
    assert (tmp_path / "again.ttl").read_bytes() == esco_store[0].read_bytes()


def _esco_copy(tmp_path) -> Path:
    folder = tmp_path / "esco"
    shutil.copytree(fx.ESCO, folder)
    return folder


@pytest.mark.parametrize("damage,expected", [
    (lambda f: (f / "occupations_en.csv").write_text(
        (f / "occupations_en.csv").read_text().replace("preferredLabel", "prefLabel", 1)),
     "occupations_en.csv, row 1: no column 'preferredLabel'"),
    (lambda f: (f / "esco_occupation_profiles.parquet").write_bytes(
        (f / "esco_occupation_profiles.parquet").read_bytes()[:300]),
     "esco_occupation_profiles.parquet: not a readable parquet file"),
    (lambda f: (f / "ISCOGroups_en.csv").unlink(), "no 'ISCOGroups_en.csv'"),
    (lambda f: (f / "broaderRelationsOccPillar_en.csv").write_text(
        "conceptType,conceptUri,broaderType,broaderUri\nOccupation,http://x/o,ISCOGroup,http://x/g\n"),
     "broaderRelationsOccPillar_en.csv, row 2: 'http://x/o' is neither an occupation"),
])
def test_esco_bad_input(tmp_path, damage, expected):
    folder = _esco_copy(tmp_path)
    damage(folder)
    out = tmp_path / "out.ttl"
    line = error_line(invoke("import", "esco", str(folder), "-o", str(out)))
    assert line.startswith("Error: ") and expected in line, line
    assert not out.exists()


@pytest.mark.slow
def test_real_esco_counts_match_its_readme(real_import_summaries):
    summary = real_import_summaries["esco"]
    assert summary.counts["occupations"] == 3039  # "3,039 occupations"
    assert summary.counts["ISCO groups"] == 619
    assert summary.counts["essential links"] > 60_000
    # "skillSkillRelations_en: 5,818 records" (SCHEMA-from-source.md); the ends of 5,376 of
    # them are known only by URI, with no label in any file of the snapshot (see esco.py)
    assert summary.counts["skill relations read"] == 5818
    assert summary.counts["skill relations kept"] == 442
    assert summary.counts["skill relations to unlabelled skills"] == 5818 - 442


# -- catalogue queries that need an import -----------------------------------------------------
def test_queries_that_need_an_import_answer_on_the_fixture(imported):
    import kg
    from kg.query import catalogue
    from tests.test_catalogue import NEEDS_IMPORT

    assert {"hot-technologies", "in-demand-technologies"} <= set(NEEDS_IMPORT)
    g = kg.load(extra=[imported], check=False)
    for name in NEEDS_IMPORT:
        assert g.named(name), f"{name} returned no rows on the O*NET fixture"
    hot = {r["label"]: r for r in g.named("hot-technologies")}
    assert (hot["Kubernetes"]["occupations"], hot["Kubernetes"]["inDemand"]) == (3, 1)
    assert hot["Kubernetes"]["aiOccupations"] == 2  # Software Developers, Data Scientists
    rows = g.named("in-demand-technologies", occupation="Software Developers")
    assert {r["technologyLabel"] for r in rows} == {"Kubernetes", "Python"}
    assert "occupation" in {p.name for p in catalogue.get("in-demand-technologies").params}


# -- emerging tasks and the trends in the data ---------------------------------------------------
def test_emerging_tasks(store):
    task = onet.BASE + f"emerging-task/{fx.DS}/1"
    assert objects(store, OCC + fx.DS, AIL + "hasEmergingTask") == {task}
    assert objects(store, task, AIL + "taskCategory") == {"Revision"}
    month = store.quads_for_pattern(ox.NamedNode(task), ox.NamedNode(AIL + "reportedIn"), None)
    assert [(q.object.value, q.object.datatype.value) for q in month] == [
        ("2023-07", "http://www.w3.org/2001/XMLSchema#gYearMonth")]
    assert objects(store, task, "http://www.w3.org/2004/02/skos/core#note") == {
        "Revises O*NET task 21211: Monitor deployed models.",
        "Reported by O*NET's Occupational Expert source."}
    assert objects(store, task, "http://purl.org/dc/terms/source") == {
        onet.BASE + "source/Emerging_Tasks"}
    label = objects(store, task, "http://www.w3.org/2000/01/rdf-schema#label")
    assert label == {"Data Scientists: Monitor deployed machine learning models for drift."}


@pytest.mark.parametrize("row, expected", [
    ([fx.SD, "x", "A task.", "Old", "", "", "08/2024", "Incumbent"],
     "Emerging Tasks.xlsx, row 2: unknown task category 'Old' (O*NET uses New and Revision)."),
    ([fx.SD, "x", "A task.", "New", "", "", "2024-08", "Incumbent"],
     "Emerging Tasks.xlsx, row 2: date '2024-08' is not a month as O*NET writes it (MM/YYYY)."),
    (["99-9999.00", "x", "A task.", "New", "", "", "08/2024", "Incumbent"],
     "Emerging Tasks.xlsx, row 2: O*NET-SOC code '99-9999.00' is not in 'Occupation Data.xlsx'"),
])
def test_emerging_tasks_bad_input(tmp_path, row, expected):
    folder = tmp_path / "onet"
    shutil.copytree(fx.ONET, folder)
    fx.write_xlsx(folder / "Emerging Tasks.xlsx",
                  [fx.SHEETS["Emerging Tasks.xlsx"][0], row])
    out = tmp_path / "out.ttl"
    assert expected in error_line(invoke("import", "onet", str(folder), "-o", str(out)))
    assert not out.exists()


def test_emerging_tasks_of_ai_related_occupations(imported):
    import kg

    g = kg.load(extra=[imported], check=False)
    rows = g.named("emerging-tasks")
    # Semiconductor Processors lead nowhere near the ladder: their task is left out
    assert [(r["occupationLabel"], r["category"], r["reported"]) for r in rows] == [
        ("Data Scientists", "Revision", "2023-07"), ("Software Developers", "New", "2024-08")]
    assert rows[1]["taskText"] == "Evaluate large language models for use in software products."
    assert rows[1]["ladderRole"] == AIL + "JuniorAIEngineer"
    assert [r["occupationLabel"] for r in g.named(
        "emerging-tasks", occupation="Data Scientists")] == ["Data Scientists"]
    assert kg.load().named("emerging-tasks") == []  # the guide alone has no O*NET tasks


LABEL_ONLY = """@prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/ai-leadership-kg/onet/technology/Statistics> a ail:Technology ;
    rdfs:label "statistics"@en ; ail:hotTechnology false .
<urn:rating> a ail:SkillRating ; ail:inDemand true ;
    ail:ratedOccupation <https://www.onetonline.org/link/summary/15-2051.00> ;
    ail:ratedSkill <https://w3id.org/ai-leadership-kg/onet/technology/Statistics> .
"""


def test_trends_in_the_data(imported, tmp_path):
    import kg

    extra = tmp_path / "label-only.ttl"
    extra.write_text(LABEL_ONLY)
    g = kg.load(extra=[imported, extra], check=False)
    rows = g.named("trends-in-the-data")
    python = [r for r in rows if r["trendLabel"] == "Talent demand" and r["skillLabel"] == "Python"]
    assert len(python) == 1  # one row per trend, skill and technology, its roles listed
    assert python[0]["technologyLabel"] == "Python" and python[0]["named"] == 0
    assert python[0]["roles"] == "AI Engineer"  # Talent demand drives demand for AI Engineer
    # Software Developers and Data Scientists list Python; both postings ask for it
    assert (python[0]["aiOccupations"], python[0]["aiInDemand"], python[0]["hot"]) == (2, 2, True)
    # no crosswalk match for Statistics: its label ties it to the guide's skill
    statistics = {r["technology"] for r in rows if r["skillLabel"] == "Statistics"}
    assert statistics == {onet.BASE + "technology/Statistics"}
    assert kg.load().named("trends-in-the-data") == []  # the guide alone: nothing to compare


def test_esco_relations_to_unlabelled_skills_are_counted(tmp_path):
    from kg.importers import esco

    summary = esco.import_esco(fx.ESCO, tmp_path / "esco.ttl")
    # the fixture relates Python to 'show initiative' (both described) and to a URI no
    # file labels
    assert (summary.counts["skill relations kept"],
            summary.counts["skill relations to unlabelled skills"]) == (1, 1)


def test_esco_one_name_one_thing(tmp_path):
    # ESCO gives some occupations another's preferred label as an alternative label, names
    # some ISCO groups like the group above them, and lists some skills as essential and
    # optional for one occupation: the real import failed the duplicate-label and
    # skill-requirement checks (308 and 17 rows)
    import csv

    from kg.importers import esco

    profiles = [dict(p) for p in fx.ESCO_PROFILES]
    profiles[0]["optional_skills"] = profiles[0]["optional_skills"] + ["deep learning"]
    folder = fx.write_esco(tmp_path / "esco", profiles)

    def edit(name, change):
        with open(folder / name, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        change(rows)
        with open(folder / name, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)

    edit("occupations_en.csv", lambda rows: rows[1].__setitem__(4, rows[1][4] + "\ndata scientist"))
    edit("ISCOGroups_en.csv", lambda rows: rows[2].__setitem__(3, rows[1][3]))
    out = tmp_path / "esco.ttl"
    summary = esco.import_esco(folder, out)
    s = ox.Store()
    s.load(path=str(out), format=ox.RdfFormat.TURTLE)
    alt = "http://www.w3.org/2004/02/skos/core#altLabel"
    assert "data scientist" not in objects(s, fx.AI_ENGINEER, alt)
    assert "AI engineer" in objects(s, fx.AI_ENGINEER, alt)
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    assert objects(s, fx.ISCO_2511, label) == {
        "Software and applications developers and analysts (ISCO 2511)"}
    assert objects(s, fx.ISCO_251, label) == {
        "Software and applications developers and analysts (ISCO 251)"}
    optional = objects(s, fx.AI_ENGINEER, AIL + "requiresPreferredSkill")
    assert esco.SKILL_BASE + "deep_learning" not in optional
    assert esco.SKILL_BASE + "deep_learning" in objects(s, fx.AI_ENGINEER,
                                                        AIL + "requiresEssentialSkill")
    assert summary.counts["alternative labels left out (another's preferred label)"] == 1
    for check in ("duplicate-label-violation", "skill-requirement-violation"):
        text = (Path(__file__).resolve().parents[1] / "ontology" / "checks" / f"{check}.rq")
        assert list(s.query(text.read_text())) == [], check
