"""The alignment between vocabularies: the rules on small inputs, the workspace build that runs
it, the SSSOM files in and out, and precision and recall on the hand-checked samples."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.importers.align import apply, occupations, skills, sssom
from kg.importers.align.concepts import Concept
from kg.importers.align.text import key, singular, tokens, unqualified
from tests.alignment_support import (
    AI_ENGINEER, HOLDOUT, HOLDOUT2, SAMPLE, SKILL_SAMPLE, VALIDATION, fixture_turtles, read_sample,
    sssom_file,
)

ONET = "https://www.onetonline.org/link/summary/"
ESCO = "http://data.europa.eu/esco/occupation/"
TECH = "https://w3id.org/ai-leadership-kg/onet/technology/"
GUIDE = "https://w3id.org/ai-leadership-kg/ontology#"


# -- normalising names -----------------------------------------------------------------------
@pytest.mark.parametrize("word, expected", [
    ("scientists", "scientist"), ("fishermen", "fisherman"), ("secretaries", "secretary"),
    ("analysis", "analysis"), ("canvas", "canvas"), ("electronics", "electronics"),
    ("boss", "boss")])
def test_singular(word, expected):
    assert singular(word) == expected


def test_keys_ignore_case_plural_order_and_qualifiers():
    assert key("Data Scientists") == key("data scientist")
    assert key("Engineer, Software") == key("software engineer")
    assert unqualified("Java (computer programming)") == "Java"
    assert "electromechanical" in tokens("Electro-Mechanical Technicians")


# -- occupations -------------------------------------------------------------------------------
def _occ(iri, label, vocab, code, alternatives=(), definition=""):
    return Concept(iri, label, vocab, code, definition, alternatives=list(alternatives))


CROSSWALK = ({"2512": {"15-1132"}, "2632": {"19-3041"}, "3514": {"15-1199"}},
             {"15-1132": "Software Developers, Applications", "19-3041": "Sociologists",
              "15-1199": "Computer Occupations, All Other"})
O = [_occ(ONET + "15-1252.00", "Software Developers", "onet", "15-1252.00", ["Application Developer"]),
     _occ(ONET + "15-1254.00", "Web Developers", "onet", "15-1254.00", ["Webmaster"]),
     _occ(ONET + "19-3041.00", "Sociologists", "onet", "19-3041.00"),
     _occ(ONET + "15-2051.00", "Data Scientists", "onet", "15-2051.00")]


def _align(esco):
    return {m.subject: m for m in occupations.OccupationAligner(esco, O, CROSSWALK).mappings()}


def test_occupation_in_the_crosswalk_and_same_name_is_an_exact_match():
    found = _align([_occ(ESCO + "s", "sociologist", "esco", "2632.6")])
    assert (found[ESCO + "s"].object, found[ESCO + "s"].predicate) == (ONET + "19-3041.00", "exactMatch")
    assert "ISCO-08 2632 -> SOC 19-3041" in found[ESCO + "s"].comment


def test_a_soc_2010_code_gone_from_onet_is_bridged_by_title():
    # 15-1132 (SOC 2010) is 15-1252 in SOC 2018: the title bridges it
    found = _align([_occ(ESCO + "d", "application developer", "esco", "2512.2", ["app developer"])])
    assert found[ESCO + "d"].object == ONET + "15-1252.00"
    assert found[ESCO + "d"].predicate == "closeMatch"  # a name in common


def test_a_shared_name_outside_the_crosswalk_can_win():
    # Data Scientists are new in SOC 2018, so no ISCO group leads to them
    found = _align([_occ(ESCO + "x", "data scientist", "esco", "2512.4")])
    assert found[ESCO + "x"].object == ONET + "15-2051.00"
    assert "outside the SOC codes of ISCO-08 2512" in found[ESCO + "x"].comment


# an ESCO name ending with an O*NET alternate title: O*NET files "Shop Manager" under retail
# supervisors, which the crosswalk of ISCO 1420 (retail managers) does not offer
SHOPS = ({"1420": {"11-1021"}}, {"11-1021": "General and Operations Managers"})
SHOP_ONET = [
    _occ(ONET + "11-1021.00", "General and Operations Managers", "onet", "11-1021.00",
         ["Operations Manager", "General Manager"],
         "Plan, direct, or coordinate the operations of public or private sector organizations."),
    _occ(ONET + "41-1011.00", "First-Line Supervisors of Retail Sales Workers", "onet", "41-1011.00",
         ["Shop Manager", "Store Manager", "Department Manager"],
         "Directly supervise and coordinate activities of retail sales workers in an establishment."),
    _occ(ONET + "27-1012.00", "Craft Artists", "onet", "27-1012.00", ["Craft Manager", "Crafter"]),
    _occ(ONET + "11-9199.00", "Managers, All Other", "onet", "11-9199.00", ["Manager"]),
]


def test_an_onet_name_ending_the_esco_label_brings_its_occupation():
    shop = _occ(ESCO + "c", "craft shop manager", "esco", "1420.4.15")
    found = occupations.OccupationAligner([shop], SHOP_ONET, SHOPS).mappings()
    assert found[0].object == ONET + "41-1011.00"
    assert "outside the SOC codes of ISCO-08 1420" in found[0].comment
    assert "the label ends with one of its names" in found[0].comment


def test_only_endings_of_the_head_phrase_count():
    from kg.importers.align.phrases import Phrases, head
    from kg.importers.align.text import Bags

    bags = Bags(tokens(" ".join(c.names)) for c in SHOP_ONET)
    phrases = Phrases(SHOP_ONET, bags)
    assert head("import export specialist in beverages") == "specialist"
    found = phrases.inside("craft shop manager")
    assert set(found) == {ONET + "41-1011.00"}  # not "craft manager", not "manager" alone
    assert 0 < found[ONET + "41-1011.00"] < 1
    assert set(phrases.inside("shop manager for crafts")) == {ONET + "41-1011.00"}
    # a whole name in common is the exact-name bonus's, not counted twice
    assert phrases.inside("manager") == {} and phrases.inside("shop manager") == {}
    assert head("First-Line Supervisors of Retail Sales Workers") == "supervisor"  # not "firstline"


def test_a_name_a_residual_occupation_shares_with_a_named_one_of_its_group_is_the_named_ones():
    from kg.importers.align.phrases import Phrases
    from kg.importers.align.text import Bags

    onet = [_occ(ONET + "13-1199.00", "Business Operations Specialists, All Other", "onet",
                 "13-1199.00", ["Import Export Specialist"]),
            _occ(ONET + "13-1041.08", "Customs Brokers", "onet", "13-1041.08",
                 ["Import Export Specialist"]),
            _occ(ONET + "11-9199.00", "Managers, All Other", "onet", "11-9199.00", ["House Manager"]),
            _occ(ONET + "39-9011.01", "Nannies", "onet", "39-9011.01", ["House Manager"])]
    phrases = Phrases(onet, Bags(tokens(" ".join(c.names)) for c in onet))
    assert set(phrases.inside("import export specialist in beverages")) == {ONET + "13-1041.08"}
    # another major group: the residual keeps the name (an auction house manager is no nanny)
    assert set(phrases.inside("auction house manager")) == {ONET + "11-9199.00", ONET + "39-9011.01"}


def test_title_heads_name_each_part_of_an_onet_title():
    from kg.importers.align.phrases import title_heads

    assert title_heads("Molders, Shapers, and Casters, Except Metal and Plastic") == {
        "molder", "shaper", "caster"}
    assert title_heads("First-Line Supervisors of Retail Sales Workers") == {"supervisor"}
    assert title_heads("Social Workers, All Other") == {"worker"}
    assert title_heads("Computer Systems Engineers/Architects") == {"engineer", "architect"}
    assert title_heads("Driver/Sales Workers") == {"worker"}  # a slash in a modifier joins no heads


def test_an_onet_title_with_the_esco_head_noun_wins_a_near_tie():
    # both in the crosswalk; "Editors" names the copy editor's head noun, the proofreaders'
    # alternate title "Copy Editor" is the whole label (counted once, by the exact-name bonus)
    walk = ({"2642": {"27-3041", "43-9081"}},
            {"27-3041": "Editors", "43-9081": "Proofreaders and Copy Markers"})
    onet = [_occ(ONET + "27-3041.00", "Editors", "onet", "27-3041.00", ["Copy Desk Chief"]),
            _occ(ONET + "43-9081.00", "Proofreaders and Copy Markers", "onet", "43-9081.00",
                 ["Copy Editor", "Proofreader"])]
    editor = _occ(ESCO + "e", "copy editor", "esco", "2642.1.5", ["language editor"])
    aligner = occupations.OccupationAligner([editor], onet, walk)
    assert aligner.mappings()[0].object == ONET + "27-3041.00"


def test_title_parts_give_each_head_noun_its_modifiers():
    from kg.importers.align.phrases import title_parts

    assert title_parts("Automotive Glass Installers and Repairers") == [
        ("installer", {"automotive", "glass"}), ("repairer", set())]
    assert title_parts("Model Makers, Wood") == [("maker", {"model"}), ("wood", set())]
    assert title_parts("Computer Systems Engineers/Architects") == [
        ("engineer", {"computer", "system"}), ("architect", {"computer", "system"})]


def test_the_head_noun_counts_as_far_as_the_esco_occupation_names_its_modifiers():
    # a window installer is no automotive installer: "Automotive Glass Installers" names the
    # head noun, but with a modifier the ESCO occupation never mentions, so Carpenters (whose
    # title says nothing of installers, but whose names and definition are nearer) keep it
    walk = ({"7115": {"47-2031", "49-3022"}},
            {"47-2031": "Carpenters", "49-3022": "Automotive Glass Installers and Repairers"})
    onet = [_occ(ONET + "47-2031.00", "Carpenters", "onet", "47-2031.00",
                 ["Window Framer", "Door Installer"]),
            _occ(ONET + "49-3022.00", "Automotive Glass Installers and Repairers", "onet",
                 "49-3022.00", ["Auto Glass Technician"])]
    onet[0].definition = "Construct, erect, install, or repair structures such as window frames."
    onet[1].definition = "Replace or repair broken windshields and window glass in vehicles."
    window = _occ(ESCO + "w", "window installer", "esco", "7115.6", ["window fitter"])
    window.definition = "Window installers fit windows into structures, plumb and watertight."
    aligner = occupations.OccupationAligner([window], onet, walk)
    scores, named, _ = aligner.scores(window)
    assert named == {ONET + "49-3022.00": 0.0}  # named, but its one modifier is never said
    assert aligner.mappings()[0].object == ONET + "47-2031.00"
    # say "glass" and "automotive" and it is the installer's again
    window.definition += " They fit automotive glass."
    assert occupations.OccupationAligner([window], onet, walk).mappings()[0].object == (
        ONET + "49-3022.00")


def test_a_residual_all_other_occupation_loses_a_near_tie():
    # both are in the crosswalk and share the word "clerk"; the named one wins
    walk = ({"4312": {"43-3099", "43-4011"}},
            {"43-3099": "Financial Clerks, All Other", "43-4011": "Brokerage Clerks"})
    onet = [_occ(ONET + "43-3099.00", "Financial Clerks, All Other", "onet", "43-3099.00"),
            _occ(ONET + "43-4011.00", "Brokerage Clerks", "onet", "43-4011.00")]
    clerk = _occ(ESCO + "i", "clerk", "esco", "4312.5")
    found = occupations.OccupationAligner([clerk], onet, walk).mappings()
    assert found[0].object == ONET + "43-4011.00"


# -- skills ------------------------------------------------------------------------------------
def _skill(iri, label, vocab, kind="Skill", alternatives=()):
    return Concept(iri, label, vocab, kind=kind, alternatives=list(alternatives))


def _tech(label):
    return _skill(TECH + label.replace(" ", "_"), label, "onet", "Technology")


SKILLS = [
    _skill(GUIDE + "Java", "Java", "guide"), _skill(GUIDE + "SQL", "SQL", "guide"),
    _skill(GUIDE + "ML", "Machine learning", "guide", alternatives=["ML"]),
    _skill(GUIDE + "CT", "Critical thinking and problem-solving", "guide"),
    _skill(GUIDE + "SD", "Software development", "guide", alternatives=["Programming"]),
    _skill(GUIDE + "ST", "Strategic thinking and planning", "guide",
           alternatives=["Strategic planning"]),
    _skill("https://w3id.org/ai-leadership-kg/onet/element/2.B.3.e", "Programming", "onet",
           "TransversalSkill"),
    _skill("http://data.europa.eu/esco/skill/sp", "strategic planning", "esco"),
    _skill("https://w3id.org/ai-leadership-kg/onet/element/2.A.2.a", "Critical Thinking", "onet",
           "TransversalSkill"),
    *(_tech(f"Oracle {p}") for p in ("Java", "Taleo", "Essbase", "Hyperion", "Eloqua")),
    _tech("Structured query language SQL"), _tech("TensorFlow"), _tech("Cisco IOS"),
    *(_tech(f"Cisco {p}") for p in ("Webex", "Jabber", "Meraki", "Umbrella")),
    _skill("http://data.europa.eu/esco/skill/cv", "computer vision", "esco",
           alternatives=["tensorflow", "keras"]),
    _skill("http://data.europa.eu/esco/skill/ml-lang", "ML (computer programming)", "esco"),
    _skill("http://data.europa.eu/esco/skill/ios", "iOS", "esco"),
    _skill("http://data.europa.eu/esco/skill/uml", "utilise machine learning", "esco"),
]


@pytest.fixture(scope="module")
def skill_maps():
    return {(m.subject_label, m.object_label): m.predicate for m in skills.align(SKILLS)}


@pytest.mark.parametrize("pair, predicate", [
    (("Java", "Oracle Java"), "exactMatch"),           # the vendor, read from the data, dropped
    (("SQL", "Structured query language SQL"), "exactMatch"),  # the acronym spelled out
    (("Machine learning", "utilise machine learning"), "closeMatch"),
    (("Critical thinking and problem-solving", "Critical Thinking"), "narrowMatch"),
    # an alternative label that is not made of its label's words is a synonym, not the same name
    (("Software development", "Programming"), "closeMatch"),
    (("Strategic thinking and planning", "strategic planning"), "exactMatch"),  # its own words
])
def test_skill_rules(skill_maps, pair, predicate):
    assert skill_maps.get(pair) == predicate


@pytest.mark.parametrize("pair", [
    ("computer vision", "TensorFlow"),      # ESCO's alternative labels list examples
    ("Machine learning", "ML (computer programming)"),  # a qualified name needs a label
    ("iOS", "Cisco IOS"),                   # a name in capitals matches the same capitals
])
def test_skill_rules_that_must_not_match(skill_maps, pair):
    assert pair not in skill_maps and pair[::-1] not in skill_maps


# -- the workspace build runs it -------------------------------------------------------------------
@pytest.fixture(scope="module")
def turtles(tmp_path_factory):
    return fixture_turtles(tmp_path_factory.mktemp("alignment-fixtures"))


@pytest.fixture()
def workspace(tmp_path, turtles, aikg):
    ws = str(tmp_path / "ws")
    result = aikg("--workspace", ws, "add", *map(str, turtles))
    assert result.exit_code == 0, result.output
    return ws


ASK = ("ASK { <http://data.europa.eu/esco/occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30> "
       "<http://www.w3.org/2004/02/skos/core#exactMatch> "
       "<https://www.onetonline.org/link/summary/15-2051.00> }")


def test_add_aligns_and_sparql_sees_it(workspace, aikg):
    result = aikg("--workspace", workspace, "query", ASK)
    assert result.exit_code == 0 and "true" in result.stdout.lower()


def test_mappings_as_sssom(workspace, aikg):
    result = aikg("--workspace", workspace, "mappings", "--from", "esco", "--to", "onet")
    assert result.exit_code == 0
    assert result.stdout.startswith("# curie_map:")
    assert ("esco:occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30\tdata scientist\t"
            "skos:exactMatch\tonetsoc:15-2051.00\tData Scientists\tsemapv:CompositeMatching"
            in result.stdout)
    table = aikg("--workspace", workspace, "mappings", "--from", "guide", "--format", "table")
    assert "Python (computer programming)" in table.stdout


def test_align_on_demand_writes_sssom_and_turtle(workspace, aikg, tmp_path):
    out = tmp_path / "now.sssom.tsv"
    result = aikg("--workspace", workspace, "align", "-o", str(out))
    assert result.exit_code == 0 and "esco -> onet\texactMatch\t2" in result.stdout
    pairs = {(m.subject, m.predicate, m.object) for _, m in sssom.Table(out).mappings()}
    assert ("http://data.europa.eu/esco/occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30",
            "exactMatch", ONET + "15-2051.00") in pairs
    ttl = aikg("--workspace", workspace, "mappings", "--format", "ttl").stdout_bytes
    parsed = list(ox.parse(ttl, format=ox.RdfFormat.TURTLE))
    assert any(t.predicate.value.endswith("#exactMatch") for t in parsed)


def test_align_with_one_vocabulary_says_there_is_nothing_to_align(aikg, tmp_path):
    result = aikg("--workspace", str(tmp_path / "empty"), "align")
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr.startswith("Nothing to align: the graph holds one vocabulary")


@pytest.mark.slow
def test_sssom_validate_accepts_the_export(workspace, aikg, tmp_path):
    beside = Path(sys.executable).parent / "sssom"  # the venv's, when its bin is not on PATH
    tool = (str(beside) if beside.exists() else shutil.which("sssom")) or pytest.skip(
        "sssom (the test extra) is not installed")
    out = tmp_path / "all.sssom.tsv"
    out.write_text(aikg("--workspace", workspace, "mappings").stdout, encoding="utf-8")
    done = subprocess.run([tool, "validate", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_hand_mapping_wins_and_mappings_says_what_it_overrode(workspace, aikg, tmp_path):
    hand = sssom_file(tmp_path / "ours.sssom.tsv", [
        [AI_ENGINEER, "skos:closeMatch", "onetsoc:15-1252.00", "semapv:ManualMappingCuration", "0.9"]])
    assert aikg("--workspace", workspace, "add", str(hand)).exit_code == 0
    result = aikg("--workspace", workspace, "mappings", "--from", "esco", "--to", "onet",
                  "--format", "csv")
    rows = [line for line in result.stdout.splitlines() if line.startswith(AI_ENGINEER)]
    assert rows == [f"{AI_ENGINEER},artificial intelligence engineer,skos:closeMatch,"
                    "onetsoc:15-1252.00,Software Developers,semapv:ManualMappingCuration,0.900,,"
                    "https://example.org/our-team/mappings,"]
    assert (f"Overridden: {AI_ENGINEER} skos:broadMatch onetsoc:15-1221.00" in result.stderr
            and "by the hand mapping" in result.stderr)


BAD = {
    "subject": ([["esco:occupation/no-such-thing", "skos:closeMatch", "onetsoc:15-1252.00",
                  "semapv:ManualMappingCuration", "0.9"]],
                "row 1: subject_id 'esco:occupation/no-such-thing' is unknown to the graph"),
    "object": ([[AI_ENGINEER, "skos:closeMatch", "onetsoc:99-9999.00",
                 "semapv:ManualMappingCuration", "0.9"]],
               "row 1: object_id 'onetsoc:99-9999.00' is unknown to the graph"),
    "predicate": ([[AI_ENGINEER, "owl:sameAs", "onetsoc:15-1252.00",
                    "semapv:ManualMappingCuration", "0.9"]],
                  "row 1: predicate_id 'owl:sameAs' is not a SKOS mapping relation"),
    "confidence": ([[AI_ENGINEER, "skos:closeMatch", "onetsoc:15-1252.00",
                     "semapv:ManualMappingCuration", "1.7"]],
                   "row 1: confidence '1.7' is not a number from 0 to 1"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_mapping_rows_are_refused_and_nothing_added(workspace, aikg, tmp_path, case):
    rows, message = BAD[case]
    bad = sssom_file(tmp_path / f"bad-{case}.sssom.tsv", rows)
    result = aikg("--workspace", workspace, "add", str(bad))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {bad}, {message}")
    assert len(result.stderr.strip().splitlines()) == 1
    listed = aikg("--workspace", workspace, "sources").stdout
    assert str(bad) not in listed


@pytest.mark.parametrize("header, message", [
    ([], "line 1: no SSSOM header"),
    (["# curie_map: [not, a, map"], "the SSSOM header is not YAML"),
])
def test_a_header_that_is_not_sssom_is_refused(workspace, aikg, tmp_path, header, message):
    bad = sssom_file(tmp_path / "bad-header.sssom.tsv", [
        [AI_ENGINEER, "skos:closeMatch", "onetsoc:15-1252.00", "semapv:ManualMappingCuration",
         "0.9"]], header=header)
    result = aikg("--workspace", workspace, "add", str(bad))
    assert result.exit_code == 1 and message in result.stderr


def test_the_columns_must_be_sssom(tmp_path):
    bad = sssom_file(tmp_path / "cols.sssom.tsv", [["a", "b"]], columns=["from", "to"])
    with pytest.raises(Exception, match="the column header has no subject_id, predicate_id"):
        sssom.Table(bad)


def test_the_curated_matches_are_valid_sssom():
    rows = sssom.Table(apply.CURATED).mappings()
    assert {m.predicate for _, m in rows} == {"closeMatch"}


# -- the real imports: precision and recall on the hand-checked samples -------------------------------
@pytest.fixture(scope="session")
def real_alignment(real_workspace):
    """The automatic mappings a user's workspace holds after ``aikg add onet.ttl esco.ttl``
    (the real O*NET 29.2 and ESCO 1.2.0 imports with the release, aligned by the add path;
    one build for the session, shared with the coach's panel), read back as ``aikg mappings``
    reads them."""
    from kg.importers.align import stored

    asserted, _ = stored.read(real_workspace.store)
    return asserted


@pytest.mark.slow
@pytest.mark.parametrize("sample, same_at_least, major_at_least", [
    (SAMPLE, 0.80, 0.91),       # measured 0.81 and 0.92 (the weights were chosen on it)
    (VALIDATION, 0.83, 0.93),   # measured 0.84 and 0.94 (consulted too since: docs/alignment.md)
    (HOLDOUT, 0.59, 0.87),      # measured 0.60 and 0.88 (its misses were studied since)
    (HOLDOUT2, 0.73, 0.85),     # measured 0.74 and 0.86 (never looked at: the honest figure)
], ids=["sample", "validation", "holdout", "holdout2"])
def test_occupation_sample_precision_and_recall(real_alignment, sample, same_at_least,
                                                major_at_least):
    """Against hand-checked ESCO -> O*NET pairs: the share mapped to the reviewer's occupation
    (precision over the mapped, recall over all) and to its SOC major group."""
    precision, recall, major, unmapped = _sample_scores(real_alignment, sample)
    print(f"{sample.name}: precision {precision:.2f}, recall {recall:.2f}, "
          f"same major group {major:.2f}")
    assert unmapped == 0  # every ESCO occupation gets a mapping
    assert precision >= same_at_least and major >= major_at_least


def test_the_holdout_is_new_to_the_tuned_samples():
    """A holdout is only honest while it shares no occupation with the samples the weights
    were chosen on (the second holdout none with the first either, whose misses were studied),
    and names each ESCO occupation once."""
    tuned = {row["esco_iri"] for path in (SAMPLE, VALIDATION) for row in read_sample(path)}
    held = [row["esco_iri"] for row in read_sample(HOLDOUT)]
    held2 = [row["esco_iri"] for row in read_sample(HOLDOUT2)]
    assert len(held) == len(set(held)) == 50 and len(held2) == len(set(held2)) == 50
    assert not tuned & set(held)
    assert not (tuned | set(held)) & set(held2)


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="issue 20's goal (0.85 same occupation, 0.95 same major "
                   "group) is not met on the holdouts: 0.60 and 0.88, 0.74 and 0.86 "
                   "(docs/alignment.md)")
@pytest.mark.parametrize("holdout", [HOLDOUT, HOLDOUT2], ids=["holdout", "holdout2"])
def test_occupation_alignment_meets_the_goal_on_the_holdout(real_alignment, holdout):
    """Strict: when a change reaches the goal on a sample nobody tuned on, this starts to
    pass, fails as XPASS, and the xfail comes off."""
    precision, _, major, _ = _sample_scores(real_alignment, holdout)
    assert precision >= 0.85 and major >= 0.95


def _sample_scores(alignment, sample) -> tuple[float, float, float, int]:
    """Precision (over the mapped), recall (over all), the share in the reviewer's SOC major
    group and how many went unmapped, of the automatic occupation mappings against one
    hand-checked sample."""
    chosen = {m.subject: m.object.rsplit("/", 1)[-1] for m in alignment
              if m.justification == "CompositeMatching"}
    rows = read_sample(sample)
    mapped = [row for row in rows if row["esco_iri"] in chosen]
    same = sum(chosen[row["esco_iri"]] == row["onet_code"] for row in mapped)
    major = sum(chosen[row["esco_iri"]][:2] == row["onet_code"][:2] for row in mapped)
    return (same / max(1, len(mapped)), same / len(rows), major / len(rows),
            len(rows) - len(mapped))


@pytest.mark.slow
def test_skill_sample_precision(real_alignment):
    judged = {(r["subject_iri"], r["predicate"], r["object_iri"]): r["verdict"]
              for r in read_sample(SKILL_SAMPLE)}
    made = [(m.subject, m.predicate, m.object) for m in real_alignment
            if m.justification == "LexicalMatching"]
    checked = [judged[t] for t in made if t in judged]
    assert len(checked) >= 0.9 * len(made)  # the sample covers what the alignment makes
    precision = checked.count("yes") / len(checked)
    print(f"skills: precision {precision:.2f} over {len(checked)} checked mappings")
    assert precision >= 0.9
