"""Which module of :mod:`kg.cli` defines each ``aikg`` command, so only that one is imported.

A command's module is imported when the command is asked for, as click's lazy loading of
subcommands does: ``aikg query`` does not build the options of the path, page, import and
serving commands. ``aikg --help`` and an unknown name (for click's "Did you mean") load them
all. A test checks that :data:`LAZY_COMMANDS` names every command.
"""

from __future__ import annotations

import importlib

#: command name -> the module (``kg.cli.<module>``) whose ``@main.command()`` defines it
LAZY_COMMANDS = {
    "query": "querying", "queries": "querying", "describe": "querying", "search": "querying",
    "stats": "querying", "prepare": "preparing",
    "path": "paths", "gap": "paths", "next": "paths", "ready": "paths",
    "import": "data", "add": "data", "remove": "data", "sources": "data",
    "align": "mappings", "mappings": "mappings",
    "export": "release", "build": "release", "validate": "release", "jena": "release",
    "docs": "release",
    "viz": "sharing", "charts": "sharing", "push": "sharing", "serve": "sharing",
}


def load(name: str) -> None:
    """Register the command ``name`` (every command when the name is unknown)."""
    module = LAZY_COMMANDS.get(name)
    if module is None:
        load_commands()
    else:
        importlib.import_module(f"kg.cli.{module}")


def load_commands() -> None:
    """Register every command of ``aikg`` (``aikg --help``, tests, embedding)."""
    for module in sorted(set(LAZY_COMMANDS.values())):
        importlib.import_module(f"kg.cli.{module}")
