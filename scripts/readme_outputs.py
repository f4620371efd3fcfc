"""Regenerate every command output in README.md from real runs; --check says where they differ.

What counts as a command output (found with a Markdown parser, markdown-it-py):

- a *session*: a fenced block without an info string whose first line starts with ``$ ``. Each
  ``$ command`` (continued on the next line after a trailing backslash) runs with bash in a
  scratch folder holding copies of ``examples/`` and ``tests/data/onet/`` (the O*NET fixture)
  and an empty ``visualizations/``, with this
  environment's ``aikg`` first on PATH; what it writes to stdout, then what it writes to
  stderr, replaces the lines up to the next ``$ `` line. Trim long outputs in the command itself
  (``| head -20``), never by hand;
- a ``python`` block followed by a paragraph reading ``prints`` and a plain block: the code
  runs with this environment's Python and its output replaces that block.

The checkout's absolute path is written as ``/path/to/ai-leadership-kg``. Commands run one at a
time, from the last block to the first, in one scratch folder, so each block creates the
files it reads (about a minute in all; `aikg validate` runs the reasoner).

    python scripts/readme_outputs.py           # rewrite README.md in place
    python scripts/readme_outputs.py --check   # exit 1 with a diff when README.md is stale
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SHOWN_ROOT = "/path/to/ai-leadership-kg"
PROMPT = "$ "
#: A README command that runs longer than this fails the run instead of hanging it (a server
#: started by mistake, say); long-running transcripts belong in ```text blocks.
COMMAND_TIMEOUT = 180


@dataclass
class Block:
    """A fenced block's inner lines [start, end) in the README, and how to regenerate them."""

    start: int
    end: int
    kind: str  # "session" or "python-output"
    code: str = ""  # the Python code whose output the block is


def blocks(text: str) -> list[Block]:
    """The blocks of ``text`` holding command output, in order."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text)
    found = []
    for i, token in enumerate(tokens):
        if token.type != "fence" or token.map is None:
            continue
        start, end = token.map[0] + 1, token.map[1] - 1  # inside the fence lines
        if not token.info.strip() and token.content.startswith(PROMPT):
            found.append(Block(start, end, "session"))
        elif token.info.strip() == "python" and _prints_follows(tokens, i):
            out = tokens[i + 4]
            found.append(Block(out.map[0] + 1, out.map[1] - 1, "python-output", token.content))
    return found


def _prints_follows(tokens, i: int) -> bool:
    """A paragraph that says only "prints", then a plain fence."""
    rest = tokens[i + 1:i + 5]
    return (len(rest) == 4 and rest[0].type == "paragraph_open" and rest[1].type == "inline"
            and rest[1].content.strip() == "prints" and rest[3].type == "fence"
            and not rest[3].info.strip())


def commands(lines: list[str]) -> list[tuple[str, list[str], bool]]:
    """(command, its shown lines, blank line after) for each ``$ `` command of a session."""
    result, i = [], 0
    while i < len(lines):
        if not lines[i].startswith(PROMPT):
            raise ValueError(f"output before any '$ ' command: {lines[i]!r}")
        shown = [lines[i]]
        while shown[-1].endswith("\\") and i + 1 < len(lines):
            i += 1
            shown.append(lines[i])
        i += 1
        output_start = i
        while i < len(lines) and not lines[i].startswith(PROMPT):
            i += 1
        output = lines[output_start:i]
        blank_after = bool(output) and output[-1] == "" and i < len(lines)
        command = "\n".join(shown)[len(PROMPT):]
        result.append((command, shown, blank_after))
    return result


class Runner:
    """Runs README commands in a scratch folder, outputs as the README shows them."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        shutil.copytree(ROOT / "examples", scratch / "examples")
        shutil.copytree(ROOT / "tests" / "data" / "onet", scratch / "tests" / "data" / "onet")
        (scratch / "visualizations").mkdir()
        bin_dir = str(Path(sys.executable).parent)
        self.env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
                    "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", "PYTHONUNBUFFERED": "1",
                    # 'aikg add' in the README must not touch the user's own workspace
                    "AIKG_WORKSPACE": str(scratch / "workspace")}
        self.env.pop("VIRTUAL_ENV", None)

    def run(self, argv: list[str]) -> list[str]:
        # stdout, then stderr: a terminal may interleave them differently from run to run
        # (``aikg stats | head`` prints its triple count on stderr), a README must not.
        done = subprocess.run(argv, cwd=self.scratch, env=self.env, capture_output=True,
                              text=True, timeout=COMMAND_TIMEOUT)
        text = done.stdout + done.stderr
        text = text.replace(str(ROOT), SHOWN_ROOT).replace(str(self.scratch), ".")
        return text.rstrip("\n").split("\n") if text.strip() else []

    def session(self, lines: list[str]) -> list[str]:
        new: list[str] = []
        for command, shown, blank_after in commands(lines):
            new += shown + self.run(["bash", "-c", command])
            if blank_after:
                new.append("")
        return new

    def python(self, code: str) -> list[str]:
        return self.run([sys.executable, "-c", code])


def regenerate(text: str, runner: Runner, log=None) -> str:
    """``text`` with every command output replaced by what the command prints now."""
    lines = text.split("\n")
    found = blocks(text)
    for block in reversed(found):  # from the end, so earlier line numbers stay valid
        if log:
            log(f"line {block.start}: {lines[block.start][:70]}")
        inner = lines[block.start:block.end]
        fresh = (runner.session(inner) if block.kind == "session"
                 else runner.python(block.code))
        lines[block.start:block.end] = fresh
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 and print a diff when README.md is stale")
    parser.add_argument("--readme", type=Path, default=README, help="the file (README.md)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    text = args.readme.read_text(encoding="utf-8")
    log = None if args.quiet else (lambda line: print(line, file=sys.stderr))
    with tempfile.TemporaryDirectory(prefix="aikg-readme-") as scratch:
        fresh = regenerate(text, Runner(Path(scratch)), log)
    if fresh == text:
        print(f"{args.readme.name}: every command output matches a real run.", file=sys.stderr)
        return 0
    if args.check:
        sys.stdout.writelines(difflib.unified_diff(
            text.splitlines(keepends=True), fresh.splitlines(keepends=True),
            f"{args.readme.name} (as written)", f"{args.readme.name} (real output)"))
        print(f"{args.readme.name} differs from real runs; run 'python scripts/readme_outputs.py' "
              "to regenerate it.", file=sys.stderr)
        return 1
    staging = args.readme.with_name(f".{args.readme.name}.tmp")
    staging.write_text(fresh, encoding="utf-8")
    staging.replace(args.readme)
    print(f"Rewrote {args.readme.name} from real runs.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
