""""Did you mean": the suggestions for a mistyped name stay right among O*NET's ~50,000 titles.

The real titles come from ``../shared/datasets/onet-29.2`` (read with the importer's own sheet
reader) when it is there; a generated pool of 60,000 near-miss titles runs everywhere. How fast
it answers is measured in ``bench/bench_suggest.py``, not here.
"""

from __future__ import annotations

import itertools

import pytest

from kg.errors import did_you_mean
from kg.importers import xlsx
from tests.test_importers import DATASETS

TYPOS = [
    ("Head of A1", "Head of AI"),
    ("Head of A1 Engineering", "Head of AI Engineering"),
    ("Sofware Developers", "Software Developers"),
    ("Data Scientsts", "Data Scientists"),
    ("Machine Learning Enginer", "Machine Learning Engineer"),
    ("Chief AI Oficer", "Chief AI Officer"),
]


def first_suggestion(typo: str, titles: list[str]) -> str:
    answer = did_you_mean(typo, titles)
    assert answer.startswith(" Did you mean '"), (typo, answer)
    return answer.split("'")[1]


@pytest.fixture(scope="module")
def ladder_labels(graph) -> list[str]:
    return [r["label"] for r in graph.named_labels("ail:Occupation")]


@pytest.fixture(scope="module")
def onet_titles(ladder_labels) -> list[str]:
    """O*NET 29.2's occupation titles, alternate and short titles, and the ladder's names."""
    folder = DATASETS / "onet-29.2"
    if not folder.is_dir():
        pytest.skip("../shared/datasets absent")
    rows = xlsx.rows(folder / "Alternate Titles.xlsx")
    _, header = next(rows)
    columns = [header.index(name) for name in ("Title", "Alternate Title", "Short Title")]
    titles = {cells[i] for _, cells in rows for i in columns if i < len(cells) and cells[i]}
    return sorted(titles) + ladder_labels


@pytest.fixture(scope="module")
def generated_titles(ladder_labels) -> list[str]:
    """60,000 titles built like O*NET's, many a letter or a word away from the right ones."""
    heads = ["Software", "Data", "Machine Learning", "Head of", "Chief", "Senior", "Lead",
             "Hardware", "Database", "Network", "Safety", "Sales", "Solar", "Soft Drink"]
    middles = ["Developer", "Developers", "Scientist", "Engineer", "Officer", "Analyst",
               "Manager", "Architect", "Designer", "Technician", "Operator", "Inspector"]
    tails = [f" {n}" for n in range(420)] + ["", " II", " III", " Lead", " Assistant"]
    pool = [f"{h} {m}{t}" for h, m, t in itertools.product(heads, middles, tails)][:60_000]
    return pool + ["Software Developers", "Data Scientists", "Machine Learning Engineer",
                   "Chief Executives", "Head of AI Engineering"] + ladder_labels


@pytest.mark.parametrize("typo, meant", TYPOS)
def test_a_typo_suggests_the_title_meant_among_60k_generated(generated_titles, typo, meant):
    assert len(generated_titles) > 60_000
    assert first_suggestion(typo, generated_titles) == meant


@pytest.mark.slow
@pytest.mark.parametrize("typo, meant", TYPOS)
def test_a_typo_suggests_the_title_meant_among_onet(onet_titles, typo, meant):
    assert len(onet_titles) > 45_000
    assert first_suggestion(typo, onet_titles) == meant


def test_a_near_miss_gets_one_suggestion_and_ties_go_alphabetically():
    assert did_you_mean("Head of A1", ["Head of AI", "AI Engineer"]) == " Did you mean 'Head of AI'?"
    assert did_you_mean("abcd", ["abdd", "abce", "zzzz"]) == " Did you mean 'abce', 'abdd'?"


def test_case_is_ignored_and_one_form_of_a_name_is_shown():
    assert did_you_mean("PYTHN", ["python", "Python", "Pascal"]) == " Did you mean 'python'?"


def test_a_name_containing_the_text_is_the_last_resort():
    titles = ["Soft Skills Trainer", "Software Quality Assurance Analysts and Testers"]
    assert did_you_mean("Software", titles) == (
        " Did you mean 'Software Quality Assurance Analysts and Testers'?")
    assert did_you_mean("xyzzy", titles) == ""
    assert did_you_mean("", titles) == ""
