"""The README's command outputs are real: scripts/readme_outputs.py reruns every ``$ command``
block (and the Python API example) and the README must match what they print now.

The full comparison reruns about 35 commands (~2.5 min on 2 cores): marked slow. The parsing
tests are fast and show the script finds what it must, and that a stale output fails.
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
def test_every_command_output_in_the_readme_is_real():
    result = subprocess.run([sys.executable, str(SCRIPT), "--check", "-q"], capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
