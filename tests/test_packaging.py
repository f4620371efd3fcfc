"""The wheel works outside the repository: build it, install it with its dependencies into a
fresh virtual environment, run the commands there (about 25 s, marked slow)."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.embedding_support import ROOT, release_dir

# one worker runs them all: the wheel is built once, and setuptools builds it in the checkout's
# build/ folder, where two builds at once (one per test worker) break each other
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel")]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(bin folder, environment) of a fresh venv with the wheel installed, outside the repo."""
    release_dir()  # the wheel ships the release: make sure it is current first
    work = tmp_path_factory.mktemp("packaging")
    dist = work / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    wheels = sorted(dist.glob("ai_leadership_kg-*.whl"))
    assert len(wheels) == 1
    _check_wheel_contents(wheels[0])
    venv.EnvBuilder(with_pip=True).create(work / "venv")
    bin_dir = work / "venv" / "bin"
    pip = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheels[0])],
                         capture_output=True, text=True, timeout=900)
    assert pip.returncode == 0, pip.stderr[-3000:]
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(HOME=str(work), XDG_CACHE_HOME=str(work / "cache"),
               PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}")
    home = work / "elsewhere"
    home.mkdir()
    return bin_dir, env, home


def _check_wheel_contents(wheel: Path) -> None:
    """Only the kg package at the top (no stray 'cli' module); licence expression and files."""
    import zipfile

    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        tops = {name.split("/")[0] for name in names}
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        headers = archive.read(metadata).decode()
    assert {t for t in tops if not t.endswith(".dist-info")} == {"kg"}, sorted(tops)
    assert "License-Expression: MIT AND CC-BY-4.0" in headers.splitlines()
    licences = {n.rsplit(".dist-info/licenses/", 1)[-1] for n in names if ".dist-info/licenses/" in n}
    assert licences == {"LICENSE", "LICENSES/MIT.txt", "LICENSES/CC-BY-4.0.txt"}


def run(installed, *args: str) -> subprocess.CompletedProcess:
    bin_dir, env, cwd = installed
    return subprocess.run([*args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600)


def test_the_installed_package_is_not_the_checkout(installed):
    bin_dir, _, _ = installed
    result = run(installed, str(bin_dir / "python"), "-c", "import kg; print(kg.__file__)")
    assert result.returncode == 0, result.stderr
    assert not Path(result.stdout.strip()).is_relative_to(ROOT)


def test_release_files_are_reachable_with_importlib_resources(installed):
    bin_dir, _, _ = installed
    code = ("import importlib.resources as r, json\n"
            "release = r.files('kg') / 'release'\n"
            "print(json.dumps(sorted(p.name for p in release.iterdir())))\n"
            "print((r.files('kg') / 'ontology' / 'context.jsonld').is_file())\n")
    result = run(installed, str(bin_dir / "python"), "-c", code)
    assert result.returncode == 0, result.stderr
    names, context = result.stdout.splitlines()
    for name in ("ai_leadership.ttl", "ai_leadership.nt", "ai_leadership.rdf",
                 "ai_leadership.jsonld", "ai_leadership-tbox.ttl", "ai_leadership-tbox.nt",
                 "ai_leadership-tbox.rdf"):
        assert name in names
    assert context == "True"


def test_path_command_runs_from_the_wheel(installed):
    bin_dir, _, _ = installed
    result = run(installed, str(bin_dir / "aikg"), "path", "Junior AI Engineer", "Head of AI")
    assert result.returncode == 0, result.stderr
    assert "Junior AI Engineer" in result.stdout and "Head of AI Engineering" in result.stdout


def test_named_query_runs_from_the_wheel(installed):
    bin_dir, _, _ = installed
    result = run(installed, str(bin_dir / "aikg"), "query", "skills-for-role",
                 "-p", "role", "Head of AI", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "Python" in result.stdout


def test_docs_and_serve_help_run_from_the_wheel(installed, tmp_path):
    bin_dir, _, _ = installed
    docs = run(installed, str(bin_dir / "aikg"), "docs", "-o", str(tmp_path / "site"))
    assert docs.returncode == 0, docs.stderr
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8").count('class="term"') > 80
    assert run(installed, str(bin_dir / "aikg"), "serve", "--help").returncode == 0


def test_no_top_level_cli_module_and_python_m_kg(installed):
    bin_dir, _, _ = installed
    python = str(bin_dir / "python")
    spec = run(installed, python, "-c", "import importlib.util as u; print(u.find_spec('cli'))")
    assert spec.returncode == 0 and spec.stdout.strip() == "None", spec.stdout + spec.stderr
    version = run(installed, python, "-m", "kg", "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("aikg, version ")


def test_build_in_an_installed_package_writes_to_the_cache(installed):
    """'aikg build' never rewrites the installation: it builds into the user cache."""
    import hashlib

    bin_dir, env, _ = installed
    where = run(installed, str(bin_dir / "python"), "-c",
                "from kg.store import release as store; print(store.release_dir()); print(store.build_dir())")
    shipped, target = (Path(line) for line in where.stdout.split())
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in shipped.iterdir()}
    stamps = {p.name: p.stat().st_mtime_ns for p in shipped.iterdir()}
    result = run(installed, str(bin_dir / "aikg"), "build", "--no-reason")
    assert result.returncode == 0, result.stderr
    assert target.is_relative_to(Path(env["XDG_CACHE_HOME"])), target
    assert f"Built {target} (" in result.stderr
    assert (target / "manifest.json").is_file() and (target / "ai_leadership-asserted.nt").is_file()
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in shipped.iterdir()} == before
    assert {p.name: p.stat().st_mtime_ns for p in shipped.iterdir()} == stamps
    again = run(installed, str(bin_dir / "aikg"), "query", "ladder", "--format", "csv")
    assert again.returncode == 0 and "Head of AI Engineering" in again.stdout, again.stderr
