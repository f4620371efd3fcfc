"""Crashes and runaways (issue 9, section 4): size limits before any parser, --timeout,
Ctrl-C, and a full disk on stdout. Every case runs the real ``aikg`` in a subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.query import catalogue
from kg.query import sparql
from kg.errors import QueryError

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CARTESIAN_ROWS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _aikg(*args, timeout=120, **kwargs):
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True,
                          timeout=timeout, **kwargs)


def _one_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
    return lines[0]


# -- the limits, as a function the endpoint can call too ----------------------------------
def test_depth_at_the_limit_passes_and_one_more_is_refused():
    sparql.check_limits("SELECT * WHERE " + "{" * 200 + "}" * 200)
    with pytest.raises(QueryError, match="nests brackets 201 deep; the limit is 200"):
        sparql.check_limits("SELECT * WHERE " + "{" * 201 + "}" * 201)


@pytest.mark.parametrize("hide", ['"{}"', "'{}'", '"""{}"""', "<http://x/{}>", "# {}\n"])
def test_closing_brackets_in_strings_iris_and_comments_do_not_lower_the_depth(hide):
    closers = hide.format("}" * 150 if "<" not in hide else ")" * 150)
    query = "SELECT * WHERE " + "{" * 150 + closers + "(" * 100
    with pytest.raises(QueryError, match="nests brackets"):
        sparql.check_limits(query)


def test_too_many_terms_and_too_long_are_refused():
    with pytest.raises(QueryError, match="operators, brackets and separators"):
        sparql.check_limits("SELECT * { BIND(" + "+".join(["1"] * 2001) + " AS ?x) }")
    with pytest.raises(QueryError, match="characters long"):
        sparql.check_limits("SELECT * {} #" + "x" * sparql.MAX_LENGTH)


def test_the_limits_are_far_above_every_shipped_query():
    for named in catalogue.catalogue().values():
        # at least five times under each limit (the largest shipped query: 236 marks, depth 9)
        sparql.check_limits(named.text, max_depth=40, max_terms=sparql.MAX_TERMS // 5)


def test_the_guard_checks_the_limits_first():
    with pytest.raises(QueryError, match="nests brackets"):
        sparql.check_safe("SELECT * WHERE " + "{" * 3000 + "}" * 3000)


@pytest.mark.slow
@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{" * 3000 + "}" * 3000,  # pyoxigraph: exit 139
    "SELECT * WHERE { BIND(" + "+".join(["1"] * 10_000) + " AS ?x) }",  # exit 139
    "SELECT * WHERE { ?s ?p " + "[ ?p " * 4500 + "1" + " ]" * 4500 + " }",  # exit 139
])
def test_queries_that_crashed_the_engine_get_one_line_and_exit_1(query):
    result = _aikg("query", query)
    assert result.returncode == 1
    assert "the limit is" in _one_line(result.stderr)


# -- time limit, Ctrl-C, full disk ------------------------------------------------------------
def test_timeout_stops_a_runaway_count(aikg):
    started = time.monotonic()
    result = aikg("query", "--timeout", "0.5", CARTESIAN)
    assert result.exit_code == 1
    assert _one_line(result.stderr).startswith("Error: The query ran longer than 0.5 s")
    assert time.monotonic() - started < 10


def test_timeout_zero_means_no_limit(aikg):
    result = aikg("query", "--timeout", "0", "ASK { ?s ?p ?o }")
    assert result.exit_code == 0 and result.stdout == "true\n"


def _running_query(args, **kwargs):
    """Start ``aikg query ...`` and return once its query runs (its child process exists)."""
    process = subprocess.Popen([sys.executable, "-m", "kg", "query", *args],
                               stderr=subprocess.PIPE, text=True, **kwargs)
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if children.exists() and children.read_text().strip():
            time.sleep(0.3)  # well inside pyoxigraph now
            return process
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    pytest.fail(f"the query never started: {process.communicate()[1]}")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("args", [
    ["--timeout", "0", CARTESIAN],
    ["--timeout", "0", "--format", "csv", CARTESIAN_ROWS],
])
def test_ctrl_c_stops_a_running_query_at_once_with_exit_130(args):
    process = _running_query(args, stdout=subprocess.DEVNULL)
    child = int(Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()[0])
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    stopped = time.monotonic() - sent
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stopped < 3, f"took {stopped:.1f} s"
    time.sleep(0.2)
    assert not Path(f"/proc/{child}").exists() or "zombie" in Path(
        f"/proc/{child}/status").read_text()  # the engine died with the command


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [
    ["query", "ladder"], ["query", "ladder", "--format", "csv"], ["describe", "Head of AI"],
])
def test_a_full_disk_on_stdout_is_one_error_line(args):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "kg", *args], stdout=full,
                                stderr=subprocess.PIPE, text=True, timeout=120)
    assert result.returncode == 1
    assert _one_line(result.stderr) == "Error: Cannot write the output: No space left on device."
