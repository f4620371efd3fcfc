"""Regenerate every command output in README.md and docs/*.md from real runs; --check says where
they differ, or where an example tells the wrong story.

What counts as a command output (found with a Markdown parser, markdown-it-py):

- a *session*: a fenced block without an info string whose first line starts with ``$ ``. Each
  ``$ command`` (continued on the next line after a trailing backslash) runs with bash in a
  scratch folder holding copies of ``examples/`` and ``tests/data/onet/`` (the O*NET fixture)
  and an empty ``visualizations/``, with this environment's ``aikg`` first on PATH; what it
  writes to stdout, then what it writes to stderr, replaces the lines up to the next ``$ ``
  line. Trim long outputs in the command itself (``| head -20``), never by hand;
- a ``python`` block followed by a paragraph reading ``prints`` and a plain block: the code
  runs with this environment's Python and its output replaces that block.

The checkout's absolute path is written as ``/path/to/ai-leadership-kg``. Each file gets a
scratch folder of its own; its commands run one at a time, from the last block to the first,
so each block creates the files it reads.

**The right story, not only the same text.** A regenerated output can match the file and still
show the wrong thing (a file the example needs is missing, so it prints "no such file" where it
meant to show a limit). So every command is also held to what it must show:

- by default: it exits 0, or it exits non-zero and its last line is the project's one-line
  ``Error: ...``; and its output says none of ``no such file``, ``command not found``,
  ``Traceback (most recent call last)``;
- or as the file declares, in an HTML comment right before the block (invisible on GitHub), one
  line per command it is about, numbered from 1 in the block::

      <!-- expect:
      2. exit=1 "over the 1,000-byte limit"
      -->

  ``exit=N`` is the status the command must exit with, each quoted text must appear in its
  output; a declared text that itself says "no such file" (say) lets the output say it.

    python scripts/readme_outputs.py                # rewrite README.md and docs/*.md in place
    python scripts/readme_outputs.py --check        # exit 1 with a diff when one is stale
    python scripts/readme_outputs.py docs/model.md  # just these files
"""

from __future__ import annotations

import argparse
import concurrent.futures
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SHOWN_ROOT = "/path/to/ai-leadership-kg"
PROMPT = "$ "
#: A command that runs longer than this fails the run instead of hanging it (a server started
#: by mistake, say); long-running transcripts belong in ```text blocks.
COMMAND_TIMEOUT = 180
#: Output that means the example did not run as its text says, unless the block declares it.
WRONG_STORY = ("no such file", "command not found", "traceback (most recent call last)")


def default_files() -> list[Path]:
    """README.md and every page of docs/."""
    return [README, *sorted((ROOT / "docs").glob("*.md"))]


@dataclass
class Expect:
    """What one command must show: its exit status (None: the default rule) and texts."""

    exit: int | None = None
    texts: list[str] = field(default_factory=list)


@dataclass
class Block:
    """A fenced block's inner lines [start, end) in the file, and how to regenerate them."""

    start: int
    end: int
    kind: str  # "session" or "python-output"
    code: str = ""  # the Python code whose output the block is
    expect: dict[int, Expect] = field(default_factory=dict)  # by command number, from 1


_PARSING = threading.Lock()


def blocks(text: str) -> list[Block]:
    """The blocks of ``text`` holding command output, in order."""
    from markdown_it import MarkdownIt

    # mdurl fills its module-wide encoding cache after publishing it: a second thread parsing
    # at the same moment reads a half-filled cache (IndexError). One parse at a time.
    with _PARSING:
        tokens = MarkdownIt("commonmark").parse(text)
    found = []
    for i, token in enumerate(tokens):
        if token.type != "fence" or token.map is None:
            continue
        start, end = token.map[0] + 1, token.map[1] - 1  # inside the fence lines
        declared = _declared(tokens[i - 1], token.map[0]) if i else {}
        if not token.info.strip() and token.content.startswith(PROMPT):
            found.append(Block(start, end, "session", expect=declared))
        elif token.info.strip() == "python" and _prints_follows(tokens, i):
            out = tokens[i + 4]
            found.append(Block(out.map[0] + 1, out.map[1] - 1, "python-output", token.content,
                               expect=declared))
    return found


def _declared(before, fence_line: int) -> dict[int, Expect]:
    """The ``<!-- expect: ... -->`` comment right before a fence, parsed (or nothing)."""
    if before.type != "html_block" or before.map[1] != fence_line:
        return {}
    body = before.content.strip()
    if not (body.startswith("<!--") and body.endswith("-->")):
        return {}
    body = body[4:-3].strip()
    if not body.startswith("expect:"):
        return {}
    declared = {}
    for line in body[len("expect:"):].strip().splitlines():
        number, _, rest = line.strip().partition(".")
        if not number.isdigit():
            raise ValueError(f"line {before.map[0] + 1}: an expect line starts with the "
                             f"command's number in its block ('1. exit=1 \"text\"'): {line!r}")
        status = re.match(r"\s*exit=(\d+)", rest)
        texts = shlex.split(rest[status.end():] if status else rest)
        declared[int(number)] = Expect(int(status.group(1)) if status else None, texts)
    return declared


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


def story_problems(output: list[str], status: int, want: Expect | None) -> list[str]:
    """What is wrong with one command's real run, judged by ``want`` (None: the defaults)."""
    want = want or Expect()
    problems = []
    if want.exit is not None:
        if status != want.exit:
            problems.append(f"exited {status}, the file declares exit={want.exit}")
    elif status != 0 and not (output and output[-1].startswith("Error: ")):
        problems.append(f"exited {status} without a closing 'Error: ...' line "
                        "(declare it with <!-- expect: N. exit=STATUS -->)")
    text = "\n".join(output)
    for needed in want.texts:
        if needed not in text:
            problems.append(f"does not show {needed!r}, which the file declares")
    declared = " ".join(want.texts).casefold()
    for marker in WRONG_STORY:
        if marker in text.casefold() and marker not in declared:
            problems.append(f"says {marker!r}: the example did not run as its text says "
                            f"(declare it with <!-- expect: N. \"...{marker}...\" --> if meant)")
    return problems


class Runner:
    """Runs a file's commands in a scratch folder, outputs as the file shows them."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        shutil.copytree(ROOT / "examples", scratch / "examples")
        shutil.copytree(ROOT / "tests" / "data" / "onet", scratch / "tests" / "data" / "onet")
        (scratch / "visualizations").mkdir()
        bin_dir = str(Path(sys.executable).parent)
        self.env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
                    "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", "PYTHONUNBUFFERED": "1",
                    # 'aikg add' in the docs must not touch the user's own workspace
                    "AIKG_WORKSPACE": str(scratch / "workspace")}
        self.env.pop("VIRTUAL_ENV", None)

    def run(self, argv: list[str]) -> tuple[list[str], int]:
        """The output (stdout, then stderr) and exit status of one command."""
        # stdout, then stderr: a terminal may interleave them differently from run to run
        # (``aikg stats | head`` prints its triple count on stderr), a file must not.
        done = subprocess.run(argv, cwd=self.scratch, env=self.env, capture_output=True,
                              text=True, timeout=COMMAND_TIMEOUT)
        text = done.stdout + done.stderr
        text = text.replace(str(ROOT), SHOWN_ROOT).replace(str(self.scratch), ".")
        return (text.rstrip("\n").split("\n") if text.strip() else []), done.returncode

    def session(self, lines: list[str], expect=None, problems=None) -> list[str]:
        new: list[str] = []
        at = 0
        for number, (command, shown, blank_after) in enumerate(commands(lines), 1):
            at = lines.index(shown[0], at)  # where the command stands, for the messages
            output, status = self.run(["bash", "-c", command])
            for problem in story_problems(output, status, (expect or {}).get(number)):
                if problems is not None:
                    problems.append((at, f"'{command.splitlines()[0]}' {problem}"))
            new += shown + output
            if blank_after:
                new.append("")
        return new

    def python(self, code: str, expect=None, problems=None) -> list[str]:
        output, status = self.run([sys.executable, "-c", code])
        for problem in story_problems(output, status, (expect or {}).get(1)):
            if problems is not None:
                problems.append((0, f"the Python example {problem}"))
        return output


def regenerate(text: str, runner: Runner, log=None, problems: list[str] | None = None) -> str:
    """``text`` with every command output replaced by what the command prints now; what tells
    the wrong story is added to ``problems`` (``line N: ...``)."""
    lines = text.split("\n")
    found = blocks(text)
    for block in reversed(found):  # from the end, so earlier line numbers stay valid
        if log:
            log(f"line {block.start}: {lines[block.start][:70]}")
        inner = lines[block.start:block.end]
        here: list[tuple[int, str]] = []
        fresh = (runner.session(inner, block.expect, here) if block.kind == "session"
                 else runner.python(block.code, block.expect, here))
        if problems is not None:
            problems[:0] = [f"line {block.start + 1 + at}: {p}" for at, p in here]
        lines[block.start:block.end] = fresh
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path,
                        help="the Markdown files (default: README.md and docs/*.md)")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 and print a diff when a file is stale")
    parser.add_argument("--readme", type=Path, action="append", default=[],
                        help="a file to regenerate (same as naming it; repeatable)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    parser.add_argument("--jobs", "-j", type=int, default=2,
                        help="files regenerated at once, each in its own scratch folder (2)")
    args = parser.parse_args(argv)
    files = [*args.files, *args.readme] or default_files()
    # the commands are separate processes: two files at once keep both cores of the test
    # machine busy (the suite's slow test regenerates every file)
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        done = list(pool.map(lambda path: _one(path, args.check, args.quiet), files))
    for _, report, diff in done:  # in the files' order, whatever order they finished in
        sys.stdout.writelines(diff)
        for line in report:
            print(line, file=sys.stderr)
    return max((status for status, _, _ in done), default=0)


def _one(path: Path, check: bool, quiet: bool) -> tuple[int, list[str], list[str]]:
    """Regenerate (or check) one file: its status (1 when it is stale or tells a wrong story),
    the lines to report and the diff to show."""
    path = path.resolve()
    name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name
    text = path.read_text(encoding="utf-8")
    log = None if quiet else (lambda line: print(f"{name}: {line}", file=sys.stderr))
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="aikg-readme-") as scratch:
        fresh = regenerate(text, Runner(Path(scratch)), log, problems)
    report = [f"{name}, {problem}" for problem in problems]
    if problems:
        report.append(f"{name}: {len(problems)} example(s) tell the wrong story; fix the "
                      "commands (or declare what they must show) and run "
                      "'python scripts/readme_outputs.py'.")
    if fresh == text:
        if not problems:
            report.append(f"{name}: every command output matches a real run.")
        return (1 if problems else 0), report, []
    if check or problems:
        diff = list(difflib.unified_diff(
            text.splitlines(keepends=True), fresh.splitlines(keepends=True),
            f"{name} (as written)", f"{name} (real output)"))
        if check:
            report.append(f"{name} differs from real runs; run 'python scripts/readme_outputs.py' "
                          "to regenerate it.")
        return 1, report, diff
    staging = path.with_name(f".{path.name}.tmp")
    staging.write_text(fresh, encoding="utf-8")
    staging.replace(path)
    return 0, report + [f"Rewrote {name} from real runs."], []


if __name__ == "__main__":
    sys.exit(main())
