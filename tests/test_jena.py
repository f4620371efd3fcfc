"""`aikg jena`: Debian's Apache Jena tools run as docs/embedding.md says (kg/checks/jena.py supplies the
classpath and the Xerces fix). Java starts in about a second per call: marked slow."""

from __future__ import annotations

import subprocess

import pytest

from kg.checks import jena as jena_tools
from kg.errors import ToolMissing
from tests.embedding_support import aikg_command, jena_classpath, release_dir

NATURAL = ("PREFIX ail: <https://w3id.org/ai-leadership-kg/ontology#> "
           "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?role ail:requiresSkill ?s }")


def aikg(*args, cwd=None):
    return subprocess.run([*aikg_command(), *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


@pytest.fixture(scope="module")
def java():
    if jena_classpath() is None:
        pytest.skip("Java or Apache Jena missing: apt-get install default-jre-headless "
                    "libapache-jena-java (make system)")


@pytest.mark.slow
def test_riot_validates_the_release_and_rejects_a_broken_file(java, tmp_path):
    good = aikg("jena", "riot", "--validate", str(release_dir() / "ai_leadership.nt"))
    assert good.returncode == 0 and good.stderr == "", good.stderr
    broken = tmp_path / "broken.nt"
    broken.write_text('<https://example.org/a> <https://example.org/b> "no end .\n')
    bad = aikg("jena", "riot", "--validate", str(broken))
    assert bad.returncode != 0
    assert "ERROR org.apache.jena.riot" in bad.stderr and "Broken token" in bad.stderr, bad.stderr


@pytest.mark.slow
def test_sparql_answers_the_natural_query_like_pyoxigraph(java, graph):
    result = aikg("jena", "sparql", f"--data={release_dir() / 'ai_leadership.nt'}",
                  "--results=csv", NATURAL)
    assert result.returncode == 0, result.stderr
    expected = graph.query(NATURAL)[0]["n"]
    assert result.stdout.splitlines() == ["n", str(expected)]
    assert expected > 50  # the skills roles require, only there through the entailments


def test_missing_jena_or_java_names_the_package(tmp_path, monkeypatch):
    with pytest.raises(ToolMissing, match="apt-get install libapache-jena-java"):
        jena_tools.classpath(java_dir=tmp_path)
    monkeypatch.setattr(jena_tools.shutil, "which", lambda name: None)
    with pytest.raises(ToolMissing, match="apt-get install default-jre-headless"):
        jena_tools.classpath()


def test_an_unknown_tool_is_a_usage_error():
    result = aikg("jena", "tdbloader")
    assert result.returncode == 2
    assert result.stderr.startswith("Error: Invalid value for 'TOOL': 'tdbloader' is not one of")


def test_the_xerces_fix_jar_holds_the_moved_bundles(java):
    import zipfile

    with zipfile.ZipFile(jena_tools.xerces_fix_jar()) as jar:
        names = jar.namelist()
    assert "xerces/impl/msg/XMLSchemaMessages.properties" in names
    assert not any(n.startswith("org/") for n in names)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["emerging-tasks", "trends-in-the-data"])
def test_queries_that_need_an_import_agree_with_pyoxigraph_and_rdflib(java, tmp_path, name):
    # these answer nothing on the release, so the engine comparisons over the release prove
    # little: run them over the release and the O*NET fixture on Jena, rdflib and pyoxigraph
    import csv
    import io

    import rdflib

    import kg
    from kg.query import catalogue
    from kg.importers import onet
    from tests import importer_fixtures as fx
    from tests.test_catalogue import _normalise

    imported = tmp_path / "onet.ttl"
    onet.import_onet(fx.ONET, imported)
    ours = kg.load(extra=[imported], check=False).named(name)
    assert ours, f"{name} answers no rows on the fixture"
    text = catalogue.get(name).text
    query = tmp_path / "q.rq"
    query.write_text(text)
    result = aikg("jena", "sparql", f"--data={release_dir() / 'ai_leadership.nt'}",
                  f"--data={imported}", f"--query={query}", "--results=csv")
    assert result.returncode == 0, result.stderr

    def rows(dicts):
        return sorted(tuple(sorted((k, _normalise(v)) for k, v in r.items() if v != ""))
                      for r in dicts)

    def plain(row):  # Python values as Jena's CSV writes them
        return {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in row.items()}

    expected = rows(plain(r) for r in ours)
    assert rows(csv.DictReader(io.StringIO(result.stdout))) == expected
    graph = rdflib.Graph()
    graph.parse(release_dir() / "ai_leadership.nt")
    graph.parse(imported)
    theirs = [{str(v): str(r[v]) for v in r.labels if r[v] is not None}
              for r in graph.query(text)]
    assert rows(theirs) == expected


@pytest.mark.slow
@pytest.mark.parametrize("allowed", [False, True])
def test_jena_runs_cut_off_the_network_unless_allowed(java, tmp_path, allowed):
    """Jena's ARQ evaluates SERVICE over HTTP: `aikg jena` runs it under the same cut as every
    local query, and `--allow-network` (the control) lets the same query call out."""
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    accepted, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except (socket.timeout, OSError):
                continue
            accepted.append(1)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    data = tmp_path / "g.nt"
    data.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    query = (f"SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{listener.getsockname()[1]}"
             "/sparql> { ?s ?p ?o } }")
    try:
        flags = ["--allow-network"] if allowed else []
        aikg(*flags, "jena", "sparql", f"--data={data}", query)
    finally:
        stop.set()
        thread.join(2)
        listener.close()
    assert (len(accepted) >= 1) if allowed else (accepted == []), accepted
