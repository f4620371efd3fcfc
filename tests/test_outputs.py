"""One rule for every output path (-o FILE, --html FILE, -o DIR): missing folders are created,
a read-only file is refused as the shell refuses it, and the refusal is one error line."""

from __future__ import annotations

import pytest

HEAD = "Head of AI Engineering"

#: command -> (arguments writing into folder OUT, the file that lands in OUT)
COMMANDS = {
    "query -o": (lambda out: ["query", "ladder", "--format", "csv", "-o", str(out / "rows.csv")],
                 "rows.csv"),
    "export -o": (lambda out: ["export", "--format", "nt", "-o", str(out / "graph.nt")], "graph.nt"),
    "path --html": (lambda out: ["path", "Junior AI Engineer", HEAD, "--html", str(out / "p.html")],
                    "p.html"),
    "viz -o": (lambda out: ["viz", "--focus", HEAD, "-o", str(out)], "focus-HeadOfAIEngineering.html"),
    "docs -o": (lambda out: ["docs", "-o", str(out)], "index.html"),
    "build -o": (lambda out: ["build", "--no-reason", "-o", str(out)], "manifest.json"),
}
PARAMS = [pytest.param(name, marks=pytest.mark.slow) if name == "build -o" else name
          for name in COMMANDS]


@pytest.mark.parametrize("command", PARAMS)
def test_missing_folders_are_created(aikg, tmp_path, command):
    args, written = COMMANDS[command]
    out = tmp_path / "missing" / "deeper"
    result = aikg(*args(out))
    assert result.exit_code == 0, result.stderr
    assert (out / written).is_file() and (out / written).stat().st_size > 0


@pytest.mark.parametrize("command", PARAMS)
def test_a_read_only_output_file_is_refused_and_kept(aikg, tmp_path, command):
    args, written = COMMANDS[command]
    target = tmp_path / written
    target.write_text("old")
    target.chmod(0o444)
    result = aikg(*args(tmp_path))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {target} is read-only; make it writable "
                             f"(chmod u+w '{target}') or choose another path.\n")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
