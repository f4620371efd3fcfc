"""``aikg path``, ``gap``, ``next`` and ``ready`` through CliRunner, on the fixture ladder.

The graph is the constant ladder of tests/data/paths-ladder.ttl (known answers), put in
place of the release by patching ``cli.Context.kg``; one test runs on the real graph.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg import cli
from tests.paths_support import AIL, ladder_graph
SEARCHED = (" Searched the labels and alternative labels of {} {}s (vocabularies: ail); "
            "run 'aikg search \"{}\"' to look in definitions too.")
LADDER = " 'aikg query ladder' lists the roles."
SKILLS = " 'aikg query skills' lists the skills."


@pytest.fixture()
def run(monkeypatch):
    monkeypatch.setattr(cli.Context, "kg", lambda self: ladder_graph())
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli.main, list(args), prog_name="aikg")

    return invoke


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.output


def error_line(result, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line]
    assert len(lines) == 1, result.output
    return lines[0]


def test_path_table_default(run):
    out = ok(run("path", "Junior AI Engineer", "Head of AI"))
    lines = out.splitlines()
    assert lines[0] == "Junior AI Engineer -> Head of AI Engineering  (by skills, exact)"
    assert lines[2] == "1. Junior AI Engineer -> AI Engineer   +3 (total 3)"
    assert lines[3] == "   essential  Machine learning framework: PyTorch"
    assert lines[4] == "   preferred  AI technique: Deep learning"
    assert "5. Director of AI -> Head of AI Engineering   +1 (total 9)" in lines
    assert ("   qualifications: Master's degree in computer science (mandatory); MBA (preferred)"
            in lines)
    assert "Total: 9 new skills in 5 steps, up to 10 years of experience asked for." in lines
    assert ("Skills held at the start: 4 (4 that Junior AI Engineer requires); roles on the path "
            "require 3 of them again, and those are not counted as new.") in lines


def test_path_json_contract(run):
    data = json.loads(ok(run("path", "ail:JuniorAIEngineer", "Chief AI Officer",
                             "--format", "json")))
    assert data["from"] == {"iri": AIL + "JuniorAIEngineer", "label": "Junior AI Engineer"}
    assert data["to"] == {"iri": AIL + "HeadOfAIEngineering", "label": "Head of AI Engineering"}
    assert data["total_new_skills"] == 9 and data["alternatives"] == []
    first = data["steps"][0]
    assert first["from"]["label"] == "Junior AI Engineer" and first["to"]["label"] == "AI Engineer"
    assert first["new_skills"][0] == {"iri": AIL + "PyTorch", "label": "PyTorch",
                                      "kind": "Machine learning framework", "essential": True}


def test_path_md(run):
    out = ok(run("path", "Junior AI Engineer", "Head of AI", "--format", "md"))
    assert out.startswith("# Junior AI Engineer -> Head of AI Engineering\n")
    assert "## 1. Junior AI Engineer -> AI Engineer (+3, total 3)" in out
    assert "- essential · Machine learning framework: PyTorch" in out


@pytest.mark.parametrize("by, last_step", [
    ("skills", "5. Director of AI -> Head of AI Engineering   +1 (total 9)"),
    ("steps", "5. Director of AI -> Head of AI Engineering   +1 (total 9)"),
    ("years", "5. AI Team Lead -> Head of AI Engineering   +2 (total 10)"),
])
def test_path_by(run, by, last_step):
    out = ok(run("path", "Junior AI Engineer", "Head of AI", "--by", by))
    assert f"(by {by}, exact)" in out.splitlines()[0]
    assert last_step in out.splitlines()


def test_path_have(run):
    out = ok(run("path", "Junior AI Engineer", "Head of AI", "--have", "LLMs", "--have", "SQL"))
    assert "Total: 8 new skills in 5 steps" in out
    assert ("Your --have skills: Large language models (used: the path costs more without it), "
            "SQL (Junior AI Engineer requires it already).") in out.splitlines()
    assert ("Skills held at the start: 5 (4 that Junior AI Engineer requires, 1 more from --have); "
            "roles on the path require 4 of them again, and those are not counted as new."
            in out.splitlines())


def test_path_via_and_avoid(run):
    via = ok(run("path", "Junior AI Engineer", "Head of AI", "--via", "Generative AI Engineer"))
    assert "1. Junior AI Engineer -> Generative AI Engineer   +3 (total 3)" in via.splitlines()
    avoid = ok(run("path", "Junior AI Engineer", "Head of AI", "--avoid", "Director of AI"))
    assert "4. Lead AI Engineer -> AI Team Lead   +2 (total 8)" in avoid.splitlines()


def test_path_alternatives(run):
    out = ok(run("path", "Junior AI Engineer", "Head of AI", "--alternatives", "3"))
    tail = out.split("Alternatives:\n")[1].splitlines()
    assert tail == [
        "  2. 10 new skills in 5 steps, up to 8 years of experience asked for: Junior AI "
        "Engineer -> AI Engineer -> Senior AI Engineer -> Lead AI Engineer -> AI Team Lead -> "
        "Head of AI Engineering",
        "  3. 10 new skills in 5 steps, up to 10 years of experience asked for: Junior AI "
        "Engineer -> Generative AI Engineer -> Senior AI Engineer -> Lead AI Engineer -> "
        "Director of AI -> Head of AI Engineering",
    ]
    data = json.loads(ok(run("path", "Junior AI Engineer", "Head of AI", "-k", "3",
                             "--format", "json")))
    assert [a["total_new_skills"] for a in data["alternatives"]] == [10, 10]


def test_gap(run):
    out = ok(run("gap", "Junior AI Engineer", "AI Engineer"))
    assert out.splitlines() == [
        "Junior AI Engineer -> AI Engineer: 3 new skills (2 of 5 already held)",
        "",
        "  essential  Machine learning framework: PyTorch",
        "  preferred  AI technique: Deep learning",
        "             Infrastructure skill: Cloud platforms",
    ]
    data = json.loads(ok(run("gap", "Junior AI Engineer", "AI Engineer", "--have", "PyTorch",
                             "--format", "json")))
    assert data["total_new_skills"] == 2
    assert ok(run("gap", "Junior AI Engineer", "AI Engineer", "--format", "md")).startswith(
        "# Junior AI Engineer -> AI Engineer\n")


def test_next(run):
    out = ok(run("next", "Lead AI Engineer"))
    assert out.splitlines()[:3] == ["After Lead AI Engineer:", "",
                                    "AI Team Lead: 2 new skills (3 of 5 already held)"]
    data = json.loads(ok(run("next", "Lead AI Engineer", "--format", "json")))
    assert [n["to"]["label"] for n in data["next"]] == ["AI Team Lead", "Director of AI"]
    top = ok(run("next", "Head of AI", "--format", "md"))
    assert ("The graph has no role that 'Head of AI Engineering' progresses to; try 'aikg next "
            "\"Head of AI Engineering\" --lateral' for lateral moves and career changes." in top)


def test_ready(run):
    out = ok(run("ready", "--have", "Python", "--have", "ML", "--have", "PyTorch"))
    lines = out.splitlines()
    assert lines[0] == "Roles ranked for: Python, Machine learning, PyTorch"
    # 3 of its 3 essential skills, out of 3 + one unlisted: 75%
    assert lines[4].split() == ["AI", "Engineer", "75%", "3/3", "3/5", "60%", "-"]
    data = json.loads(ok(run("ready", "--have", "Python", "--format", "json")))
    assert data["roles"][0]["score"] >= data["roles"][-1]["score"]
    md = ok(run("ready", "--have", "Python", "--format", "md"))
    assert "| role | score | essential | held | share | missing essential skills |" in md
    limited = json.loads(ok(run("ready", "--have", "Python", "--limit", "2", "--format", "json")))
    assert limited["roles"] == data["roles"][:2]


@pytest.mark.parametrize("args, line", [
    (["path", "Junior AI Engineer", "Head of A1"],
     "Error: No role matches 'Head of A1'. Did you mean 'Head of AI'?"
     + SEARCHED.format(10, 'role', 'Head of A1') + LADDER),
    (["path", "Junior AI Engineer", "Head of AI", "--have", "Pythn"],
     "Error: No skill matches 'Pythn'. Did you mean 'Python'?"
     + SEARCHED.format(15, 'skill', 'Pythn') + SKILLS),
    (["path", "AI Engineer", "AI Engineer"],
     "Error: 'AI Engineer' is both the start and the goal; pick another goal, or run "
     "'aikg next \"AI Engineer\"' to see where it leads."),
    (["path", "Head of AI", "Junior AI Engineer"],
     "Error: No progression from 'Head of AI Engineering' to 'Junior AI Engineer': the graph "
     "has no role that 'Head of AI Engineering' progresses to. The ladder runs the other way: "
     "'Junior AI Engineer' leads to 'Head of AI Engineering'."),
    (["path", "Junior Generative AI Engineer", "AI Engineer"],
     "Error: No progression from 'Junior Generative AI Engineer' to 'AI Engineer'. The next "
     "steps from 'Junior Generative AI Engineer' are 'Generative AI Engineer', 'Prompt "
     "Engineer'; run 'aikg next \"Junior Generative AI Engineer\"' to compare them."),
    (["path", "Junior AI Engineer", "Head of AI", "--via", "Prompt Engineer"],
     "Error: No progression from 'Junior AI Engineer' to 'Head of AI Engineering' through "
     "'Prompt Engineer', though there is one without --via/--avoid; drop or change them "
     "(run 'aikg path \"Junior AI Engineer\" \"Head of AI Engineering\"' to see it)."),
    (["path", "Junior AI Engineer", "Head of AI", "--via", "AI Engineer", "--avoid",
      "AI Engineer"],
     "Error: 'AI Engineer' is given to both --via and --avoid; drop one of them."),
    (["path", "Junior AI Engineer", "Head of AI", "--avoid", "Chief AI Officer"],
     "Error: The path ends at 'Head of AI Engineering', so it cannot be avoided; drop it "
     "from --avoid."),
    (["path", "Junior AI Engineer", "Head of AI", "--avoid", "Senior AI Engineer"],
     "Error: No progression from 'Junior AI Engineer' to 'Head of AI Engineering' avoiding "
     "'Senior AI Engineer', though there is one without --via/--avoid; drop or change them "
     "(run 'aikg path \"Junior AI Engineer\" \"Head of AI Engineering\"' to see it)."),
    (["gap", "AI Enginer", "Head of AI"],
     "Error: No role matches 'AI Enginer'. Did you mean 'AI Engineer'?"
     + SEARCHED.format(10, 'role', 'AI Enginer') + LADDER),
    (["next", "Chief Wizard"],
     "Error: No role matches 'Chief Wizard'." + SEARCHED.format(10, 'role', 'Chief Wizard') + LADDER),
    (["ready", "--have", "Quantum knitting"],
     "Error: No skill matches 'Quantum knitting'."
     + SEARCHED.format(15, 'skill', 'Quantum knitting') + SKILLS),
    (["path", "Python", "Head of AI"],
     "Error: 'Python' is a skill, not a role: give roles as FROM, TO, --via, --avoid or --role, "
     "and the skills you hold with --have SKILL."),
    (["path", "Junior AI Engineer", "Head of AI", "--have", "ail:AIEngineer"],
     "Error: 'ail:AIEngineer' is a role (AI Engineer), not a skill: --have takes skills you "
     "hold; to count a role's skills as held, start the path there (FROM) or give it to "
     "'aikg ready --role'."),
    (["ready", "--role", "PyTorch"],
     "Error: 'PyTorch' is a skill, not a role: give roles as FROM, TO, --via, --avoid or "
     "--role, and the skills you hold with --have SKILL."),
    (["ready"], "Error: Give at least one skill you hold with --have SKILL, or your current "
     "role with --role ROLE."),
])
def test_errors_are_one_line(run, args, line):
    assert error_line(run(*args)) == line


@pytest.mark.parametrize("args, line", [
    (["path", "AI Engineer", "Head of AI", "--alternatives", "0"],
     "Error: Invalid value for '--alternatives' / '-k': 0 is not in the range x>=1. "
     "See 'aikg path --help'."),
    (["path", "AI Engineer", "Head of AI", "--by", "money"],
     "Error: Invalid value for '--by': 'money' is not one of 'skills', 'steps', 'years'. "
     "See 'aikg path --help'."),
    (["path", "AI Engineer", "Head of AI", "--format", "csv"],
     "Error: Invalid value for '--format': 'csv' is not one of 'table', 'json', 'md'. "
     "See 'aikg path --help'."),
    (["path", "AI Engineer"], "Error: Missing argument 'TO'. See 'aikg path --help'."),
])
def test_usage_errors_exit_2(run, args, line):
    assert error_line(run(*args), code=2) == line


def test_by_years_without_years(run, monkeypatch):
    from kg.paths import answers as paths

    real = paths.project

    def no_years(g, lateral=False):
        graph = real(g, lateral).copy()
        for _, data in graph.nodes(data=True):
            data["years"] = None
        graph.graph.pop("_index", None)
        return graph

    monkeypatch.setattr(paths, "project", no_years)
    line = error_line(run("path", "Junior AI Engineer", "Head of AI", "--by", "years"))
    assert line == ("Error: The graph gives no years of experience (ail:requiresExperience/"
                    "ail:minimumYears) for any role; use --by skills or --by steps.")


@pytest.mark.parametrize("command", ["path", "gap", "next", "ready"])
def test_every_path_command_has_help(run, command):
    out = ok(run(command, "--help"))
    assert out.startswith(f"Usage: aikg {command}")
    assert cli.main.get_command(None, command).get_short_help_str()


def test_path_on_the_real_graph():
    runner = CliRunner()
    result = runner.invoke(cli.main, ["path", "Junior AI Engineer", "Head of AI", "--format",
                                      "json"], prog_name="aikg")
    data = json.loads(ok(result))
    assert data["from"]["iri"] == AIL + "JuniorAIEngineer"
    assert data["to"]["iri"] == AIL + "HeadOfAIEngineering"
    assert data["exact"] is True and data["steps"]


def test_ready_with_a_role(run):
    out = ok(run("ready", "--role", "AI Engineer"))
    lines = out.splitlines()
    assert lines[0] == "Roles ranked for: the skills of AI Engineer"
    # role, score, essential held, held, share: the role's own skills are all held
    assert lines[4].split()[:2] == ["AI", "Engineer"]
    assert lines[4].split()[4:6] == ["5/5", "100%"]
    plus = ok(run("ready", "--role", "AI Engineer", "--have", "SQL")).splitlines()[0]
    assert plus == "Roles ranked for: the skills of AI Engineer, plus SQL"
    data = json.loads(ok(run("ready", "--role", "AI Engineer", "--format", "json")))
    assert data["role"] == {"iri": AIL + "AIEngineer", "label": "AI Engineer"}


def test_many_responsibilities_are_summarised_unless_verbose():
    """On the real graph the last step to Head of AI Engineering gains dozens of duties."""
    runner = CliRunner()
    args = ["path", "Senior AI Engineer", "Head of AI Engineering"]
    short = runner.invoke(cli.main, args)
    assert short.exit_code == 0, short.output
    last = short.output.split("\n2. ")[1]
    assert last.index("essential") < last.index("responsibilities gained:")  # skills first
    summary = " ".join(line.strip() for line in last.splitlines()
                       if "responsibilities" in line or line.startswith("     "))
    assert "--verbose lists them" in summary and "Ensure ethical AI development" not in summary
    for more in (["--verbose"], ["--format", "md"]):
        full = runner.invoke(cli.main, args + more)
        assert full.exit_code == 0, full.output
        assert "Ensure ethical AI development" in full.output
        assert "--verbose lists them" not in full.output
    data = json.loads(runner.invoke(cli.main, args + ["--format", "json"]).output)
    assert len(data["steps"][-1]["responsibilities"]) > 3


@pytest.mark.parametrize("command", [
    ("path", "Junior AI Engineer", "AI Engineer"), ("ready", "--have", "Python"),
    ("path", "Junior AI Engineer", "Nobody"),  # an error on the way out too
    ("query", "ladder"),
])
def test_the_collector_is_back_after_a_command_run_in_process(run, command):
    """The ladder commands and 'query' switch the garbage collector off while they run; only
    the 'aikg' process itself (kg.cli.run) leaves it off: a library user or test keeps
    collecting."""
    import gc

    assert gc.isenabled()
    run(*command)
    assert gc.isenabled()


def test_the_aikg_process_answers_with_the_collector_off(tmp_path):
    """'python -m kg' is the command line (kg.cli.run, collector off): it answers as the
    same command run in-process does."""
    import os
    import subprocess
    import sys

    args = ["--workspace", str(tmp_path / "ws"), "path", "Junior AI Engineer",
            "Head of AI Engineering", "--format", "json"]
    done = subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path, env={**os.environ, "COLUMNS": "100"})
    assert done.returncode == 0, done.stderr
    in_process = CliRunner().invoke(cli.main, args, prog_name="aikg")
    assert json.loads(done.stdout) == json.loads(ok(in_process))
    assert json.loads(done.stdout)["steps"][-1]["to"]["label"] == "Head of AI Engineering"


def test_ready_lists_the_first_three_missing_essential_skills_of_each_role(run):
    """The table's last column is drawn from the skill table, not from the answer's skills:
    it must say what the JSON answer says."""
    text = ok(run("ready", "--have", "Python", "--format", "md")).splitlines()[4:]
    data = json.loads(ok(run("ready", "--have", "Python", "--format", "json")))
    assert len(text) >= len(data["roles"]) > 3
    for line, role in zip(text, data["roles"]):
        essential = [s["label"] for s in role["missing"] if s["essential"]]
        more = f" (+{len(essential) - 3} more)" if len(essential) > 3 else ""
        expected = f"{len(essential)}: " + ", ".join(essential[:3]) + more if essential else "-"
        assert line.split(" | ")[-1].rstrip(" |") == expected, role["role"]["label"]


def test_path_help_states_the_price_of_a_move(run):
    # the cost model's second sentence gives the number the search uses (kg.paths.problem)
    from kg.paths import search as ps

    help_text = " ".join(ok(run("path", "--help")).split())
    assert (f"a lateral move or career change also costs {ps.SKILLS_PER_MOVE_STEP} "
            "skill-equivalents per step of its ail:moveCost") in help_text


def test_the_labels_read_ahead_are_the_ones_a_role_is_resolved_in():
    """'aikg path' reads the roles' labels in a thread while networkx is imported
    (kg.cli.paths._graph_first): of the class the questions resolve roles in."""
    from kg.cli import paths as commands
    from kg.paths import questions

    assert commands.ROLE == questions.ROLE
