"""The build: deterministic, atomic, and honest about what is wrong with the sources."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg import build
from kg.store import release as store
from kg.errors import CheckFailed, SourceError

ROOT = Path(__file__).resolve().parent.parent


def _build_in_subprocess(target: Path, seed: str) -> None:
    code = ("import sys; from pathlib import Path; from kg import build; "
            "build.build(Path(sys.argv[1]), reason=False)")
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-c", code, str(target)], check=True, env=env, cwd=ROOT)


def test_same_sources_give_byte_identical_release(tmp_path):
    _build_in_subprocess(tmp_path / "a", "1")
    _build_in_subprocess(tmp_path / "b", "2")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_committed_release_is_up_to_date(tmp_path):
    """The release shipped in the wheel is what the current sources build."""
    _build_in_subprocess(tmp_path / "fresh", "0")
    for path in sorted((tmp_path / "fresh").iterdir()):
        shipped = ROOT / "release" / path.name
        assert shipped.exists(), f"release/{path.name} is missing: run 'aikg build'"
        assert shipped.read_bytes() == path.read_bytes(), f"release/{path.name} is stale: run 'aikg build'"


def test_release_has_every_format_and_the_tbox():
    names = {p.name for p in store.release_dir().iterdir()}
    for ext in ("ttl", "nt", "rdf", "jsonld"):
        assert f"ai_leadership.{ext}" in names
    for ext in ("ttl", "nt", "rdf"):
        assert f"ai_leadership-tbox.{ext}" in names


@pytest.fixture()
def sources(tmp_path, monkeypatch):
    """A private copy of ontology/ that the build reads instead of the real one."""
    copy = tmp_path / "ontology"
    shutil.copytree(store.ontology_dir(), copy)
    monkeypatch.setattr(store, "ontology_dir", lambda: copy)
    return copy


@pytest.fixture()
def previous_release(tmp_path, sources):
    target = tmp_path / "release"
    build.build(target, reason=False)
    return target, {p.name: p.read_bytes() for p in target.iterdir()}


def test_syntax_error_names_file_and_line_and_keeps_previous_release(sources, previous_release):
    target, before = previous_release
    roles = sources / "data" / "roles.ttl"
    lines = roles.read_text().splitlines()
    lines.insert(3, "ail:Broken ail:seniorityLevel 3 ;; ;")
    roles.write_text("\n".join(lines) + "\n")
    with pytest.raises(SourceError, match=r"roles\.ttl, line 4: "):
        build.build(target, reason=False)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before


def test_failed_check_keeps_previous_release(sources, previous_release):
    target, before = previous_release
    (sources / "data" / "zz-bad.ttl").write_text(
        "@prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .\n"
        "ail:UnlabelledRole a ail:Role .\n"
    )
    with pytest.raises(CheckFailed, match="nothing was written"):
        build.build(target, reason=False)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before


def test_commands_rebuild_when_sources_change(sources, tmp_path, monkeypatch):
    monkeypatch.setattr(store, "release_dir", lambda: tmp_path / "auto-release")
    (sources / "data" / "roles.ttl").write_text(
        (sources / "data" / "roles.ttl").read_text()
        + '\nail:HeadOfAIEngineering <http://www.w3.org/2004/02/skos/core#altLabel> "AI Supremo"@en .\n'
    )
    assert store.current_release() is None
    import kg

    graph = kg.load()
    assert graph.resolve("AI Supremo", cls="ail:Role").endswith("#HeadOfAIEngineering")
    assert store.current_release() == tmp_path / "auto-release"


def test_build_command(aikg, tmp_path):
    result = aikg("build", "-o", str(tmp_path / "out"), "--no-reason")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"Built {tmp_path / 'out'} (")
    assert (tmp_path / "out" / "ai_leadership.nt").exists()


def test_build_into_unwritable_place(aikg, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = aikg("build", "-o", str(blocker / "release"), "--no-reason")
    assert result.exit_code in (1, 2)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")


def test_a_broken_source_falls_back_to_the_last_good_release(sources, aikg, tmp_path, monkeypatch):
    """A typo in a source names the file and line, and commands keep answering."""
    roles = sources / "data" / "roles.ttl"
    roles.write_text(roles.read_text() + "\nail:Broken ail:seniorityLevel ;; .\n")
    result = aikg("query", "SELECT ?l WHERE { ail:AIEngineer rdfs:label ?l }", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["l", "AI Engineer"]
    announce, warning = result.stderr.splitlines()  # the rebuild is said, then why it failed
    assert announce.startswith("Building the release first")
    assert warning.startswith("Warning: ")
    assert "roles.ttl, line " in warning and "last good release" in warning
