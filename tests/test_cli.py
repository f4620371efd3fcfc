"""The command line as a whole: help for every command, version, lean imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg.cli import load_commands, main
from kg.cli.commands import LAZY_COMMANDS

load_commands()
COMMANDS = sorted(main.commands)
ROOT = Path(__file__).resolve().parent.parent


def test_every_command_is_listed_with_its_summary(aikg):
    result = aikg("--help")
    assert result.exit_code == 0
    listing = " ".join(result.stdout.split())
    for name in COMMANDS:
        summary = main.commands[name].help.strip().splitlines()[0]
        assert f"{name} {' '.join(summary.split())}" in listing, name


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(aikg, name):
    result = aikg(name, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: main {name}") or "Usage:" in result.stdout
    assert main.commands[name].help.strip().splitlines()[0] in " ".join(result.stdout.split()) \
        or main.commands[name].help.strip().splitlines()[0][:40] in result.stdout


def test_version(aikg):
    import kg

    result = aikg("--version")
    assert result.exit_code == 0
    assert result.stdout == f"aikg, version {kg.__version__}\n"


def test_unknown_command_is_one_line(aikg):
    result = aikg("qurey")
    assert result.exit_code == 2
    assert result.stderr == ("Error: No such command 'qurey'. (Did you mean one of: 'query', 'ready'?) "
                             "See 'main --help'.\n")


def test_the_lazy_map_names_every_command_and_its_module():
    """A command missing from LAZY_COMMANDS would answer 'No such command' unless another
    command of its module had been asked for first."""
    assert {name: command.callback.__module__ for name, command in main.commands.items()} == {
        name: f"kg.cli.{module}" for name, module in LAZY_COMMANDS.items()}


def test_a_command_loads_only_its_own_module_of_commands():
    code = ("import sys\nfrom kg.cli import main\n"
            "try:\n    main(['queries'], standalone_mode=False)\n"
            "finally:\n    print(sorted(m for m in sys.modules if m.startswith('kg.cli.')))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.splitlines()[-1] == "['kg.cli.commands', 'kg.cli.core', 'kg.cli.querying']", done.stdout


@pytest.mark.parametrize("args", [["query", "ladder"], ["queries"], ["describe", "Head of AI"],
                                  ["search", "python"], ["stats"]])
def test_query_commands_import_only_what_they_use(args):
    """`aikg query` and friends must not pay for rdflib, networkx, pyvis, pyshacl or owlready2."""
    code = ("import sys, cli\n"
            "try:\n    cli.main(sys.argv[1:], standalone_mode=False)\n"
            "finally:\n    heavy = ['rdflib', 'networkx', 'pyvis', 'pyshacl', 'owlready2']\n"
            "    print('HEAVY', sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert "HEAVY []" in done.stderr, done.stderr


def test_an_ad_hoc_query_reads_neither_the_catalogue_nor_the_importers(tmp_path):
    """The first query people run needs neither the named queries' files nor the alignment
    code a workspace with files uses: importing them cost 20-25 ms of a 0.1 s goal."""
    code = ("import sys\nfrom kg.cli import main\n"
            "try:\n    main(sys.argv[1:], standalone_mode=False)\n"
            "finally:\n    print('LOADED', sorted(m for m in sys.modules if m in (\n"
            "        'kg.query.catalogue', 'kg.importers', 'kg.paths', 'rdflib')))\n")
    query = "SELECT ?s WHERE { ?s a <http://www.w3.org/2002/07/owl#Class> } LIMIT 1"
    env = {**__import__("os").environ, "AIKG_WORKSPACE": str(tmp_path / "ws")}
    done = subprocess.run([sys.executable, "-c", code, "query", query, "--format", "csv"],
                          cwd=ROOT, capture_output=True, text=True, env=env, check=True)
    assert done.stdout.splitlines()[-1] == "LOADED []", done.stdout
    named = subprocess.run([sys.executable, "-c", code, "query", "ladder", "--format", "csv"],
                           cwd=ROOT, capture_output=True, text=True, env=env, check=True)
    assert named.stdout.splitlines()[-1] == "LOADED ['kg.query.catalogue']", named.stdout
