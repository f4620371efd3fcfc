"""The command outputs of README.md and docs/*.md are real: scripts/readme_outputs.py reruns
every ``$ command`` block (and the Python examples) and each file must match what they print
now, and tell the story it means to (no "no such file" where it meant to show a limit).

The full comparison reruns about 50 commands (~3 min on 2 cores): marked slow. The parsing
tests are fast and show the script finds what it must, that a stale output fails, and that an
example telling the wrong story fails even when its text matches.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from tests.embedding_support import ROOT

SCRIPT = ROOT / "scripts" / "readme_outputs.py"


def _module():
    spec = importlib.util.spec_from_file_location("readme_outputs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


readme_outputs = _module()

SAMPLE = """# Title

```
$ echo one
stale
$ printf 'a\\nb\\n' | head -1
a

$ echo three \\
    four
```

Not a session:

```sh
$ echo untouched
```

```python
print(6 * 7)
```

prints

```
41
```
"""


class FakeRunner(readme_outputs.Runner):
    """Runs the sample's commands for real, in a scratch folder, without copying examples/."""

    def __init__(self, scratch):
        self.scratch = scratch
        self.env = {"PATH": "/usr/bin:/bin"}


def test_every_docs_page_is_regenerated():
    files = readme_outputs.default_files()
    assert files[0] == readme_outputs.README
    assert ROOT / "docs" / "commands.md" in files and ROOT / "docs" / "security.md" in files


def test_blocks_are_found_by_the_markdown_parser():
    found = readme_outputs.blocks(SAMPLE)
    assert [b.kind for b in found] == ["session", "python-output"]
    lines = SAMPLE.split("\n")
    assert lines[found[0].start] == "$ echo one"
    assert lines[found[1].start:found[1].end] == ["41"]
    assert found[1].code == "print(6 * 7)\n"


def test_commands_keep_continuations_and_blank_separators():
    lines = SAMPLE.split("\n")
    block = readme_outputs.blocks(SAMPLE)[0]
    got = readme_outputs.commands(lines[block.start:block.end])
    assert [(c, blank) for c, _, blank in got] == [
        ("echo one", False), ("printf 'a\\nb\\n' | head -1", True), ("echo three \\\n    four", False)]


def test_regenerating_replaces_stale_outputs_with_real_ones(tmp_path):
    fresh = readme_outputs.regenerate(SAMPLE, FakeRunner(tmp_path))
    assert "stale" not in fresh and "$ echo one\none\n$ printf" in fresh
    assert "$ echo three \\\n    four\nthree four\n```" in fresh
    assert "```sh\n$ echo untouched\n```" in fresh  # an info string: not a session
    assert "prints\n\n```\n42\n```" in fresh
    assert readme_outputs.regenerate(fresh, FakeRunner(tmp_path)) == fresh  # a fixed point


def test_output_before_any_command_is_refused():
    with pytest.raises(ValueError, match="output before any"):
        readme_outputs.commands(["stray", "$ echo x"])


def test_check_mode_fails_on_a_stale_readme(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("```\n$ aikg --version\naikg, version 0.0.0\n```\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(SCRIPT), "--check", "-q", "--readme", str(readme)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "-aikg, version 0.0.0" in result.stdout and "+aikg, version " in result.stdout
    assert "differs from real runs" in result.stderr


@pytest.mark.slow
def test_every_command_output_in_the_readme_and_docs_is_real():
    result = subprocess.run([sys.executable, str(SCRIPT), "--check", "-q"], capture_output=True,
                            text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


WRONG_STORY = """Limits:

```
$ cat big.ttl
$ echo fine
```

<!-- expect:
1. exit=1 "No such file"
2. "over the limit"
-->
```
$ cat big.ttl
$ echo fine
```

```
$ sh -c 'echo done; exit 3'
$ sh -c 'echo "Error: one line naming the value."; exit 1'
```
"""


def test_an_example_that_tells_the_wrong_story_is_caught(tmp_path):
    problems = []
    readme_outputs.regenerate(WRONG_STORY, FakeRunner(tmp_path), problems=problems)
    assert problems == [
        "line 4: 'cat big.ttl' exited 1 without a closing 'Error: ...' line "
        "(declare it with <!-- expect: N. exit=STATUS -->)",
        "line 4: 'cat big.ttl' says 'no such file': the example did not run as its text says "
        "(declare it with <!-- expect: N. \"...no such file...\" --> if meant)",
        "line 14: 'echo fine' does not show 'over the limit', which the file declares",
        "line 18: 'sh -c 'echo done; exit 3'' exited 3 without a closing 'Error: ...' line "
        "(declare it with <!-- expect: N. exit=STATUS -->)",
    ]  # the declared 'cat big.ttl' (line 13) and the closing Error: line (line 19) pass


def test_declarations_are_parsed_from_the_comment_before_the_block():
    declared = readme_outputs.blocks(WRONG_STORY)[1].expect
    assert declared[1] == readme_outputs.Expect(1, ["No such file"])
    assert declared[2] == readme_outputs.Expect(None, ["over the limit"])
    with pytest.raises(ValueError, match="starts with the command's number"):
        readme_outputs.blocks("<!-- expect:\nexit=1\n-->\n```\n$ true\n```\n")


def test_a_declared_exit_status_is_held(tmp_path):
    problems = []
    text = "<!-- expect:\n1. exit=2\n-->\n```\n$ sh -c 'exit 1'\n```\n"
    readme_outputs.regenerate(text, FakeRunner(tmp_path), problems=problems)
    assert problems == ["line 5: 'sh -c 'exit 1'' exited 1, the file declares exit=2"]


def test_check_mode_fails_on_the_missing_big_file_of_issue_23(tmp_path):
    """The 'Files' limits example once showed 'no such file' twice where it meant the limits."""
    page = tmp_path / "limits.md"
    page.write_text("```\n$ aikg --with big.ttl stats\nError: ./big.ttl: no such file; check the "
                    "path.\n```\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(SCRIPT), "--check", "-q", str(page)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "limits.md, line 2: 'aikg --with big.ttl stats' says 'no such file'" in result.stderr
    assert "1 example(s) tell the wrong story" in result.stderr
