"""Shared by the embedding tests (endpoint, docs, release files, packaging, snippets).

``release_dir()`` returns a release built from the current sources. Normally that is the
project's own (``aikg build``); when the sources are mid-edit and the checks cannot run yet,
the release is built without checks into a private cache folder, so these tests still test
the embedding and not the state of the data.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(os.environ.get("VIRTUAL_ENV") or ROOT / ".venv") / "bin"
RELEASE_FILES = ("ai_leadership.ttl", "ai_leadership.nt", "ai_leadership.rdf",
                 "ai_leadership.jsonld", "ai_leadership-tbox.ttl", "ai_leadership-tbox.nt",
                 "ai_leadership-tbox.rdf")


@lru_cache(maxsize=1)
def release_dir() -> Path:
    from kg import store
    from kg.errors import KGError

    try:
        return store.ensure_release()
    except (ImportError, KGError):
        from kg import build

        cache = Path(tempfile.mkdtemp(prefix="aikg-embedding-cache-"))
        os.environ["XDG_CACHE_HOME"] = str(cache)  # kg.load() and subprocesses look here
        target = store.cache_dir() / store.sources_digest()[:16]
        build.build(target, check=False)
        return target


def aikg_command() -> list[str]:
    exe = VENV_BIN / "aikg"
    return [str(exe)] if exe.exists() else [shutil.which("aikg") or "aikg"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- Apache Jena (Debian's libapache-jena-java) ----------------------------------------------
JAVA_DIR = Path("/usr/share/java")
# Versionless names of the jars Jena's command-line tools need (not every jar in the folder:
# two slf4j bindings on the classpath stop it). slf4j-simple, not -nop: riot reports
# problems through the logger.
JENA_JARS = (
    "jena-arq", "jena-base", "jena-cmds", "jena-core", "jena-dboe-base", "jena-dboe-index",
    "jena-dboe-storage", "jena-dboe-trans-data", "jena-dboe-transaction", "jena-iri",
    "jena-rdfconnection", "jena-shacl", "jena-tdb", "jena-tdb2", "commons-cli", "commons-codec",
    "commons-compress", "commons-csv", "commons-io", "commons-lang3", "dexx.collection", "gson",
    "guava", "httpclient", "httpclient-cache", "httpcore", "jackson-annotations",
    "jackson-core", "jackson-databind", "jakarta.json-api", "jsonld-java", "protobuf",
    "slf4j-api", "slf4j-simple", "jcl-over-slf4j", "thrift", "titanium-json-ld",
)


@lru_cache(maxsize=1)
def jena_classpath() -> str | None:
    """A classpath for Jena's command-line tools, or None when Jena is not installed.

    Debian's Jena misses Xerces' message bundles (ARQ then dies with "internal error" in
    SchemaDVFactoryImpl); a jar holding them, built here from owlready2's bundled Xerces,
    goes first. Nothing is written outside a temporary folder.
    """
    if shutil.which("java") is None or not (JAVA_DIR / "jena-arq.jar").exists():
        return None
    jars = [JAVA_DIR / f"{name}.jar" for name in JENA_JARS]
    return ":".join([str(_xerces_fix_jar()), *(str(j) for j in jars if j.exists())])


def _xerces_fix_jar() -> Path:
    import owlready2

    source = Path(owlready2.__file__).parent / "pellet" / "xercesImpl-2.12.2.jar"
    target = Path(tempfile.mkdtemp(prefix="aikg-xerces-fix-")) / "xerces-messages.jar"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as out:
        for name in src.namelist():
            for prefix, moved in (("org/apache/xerces/impl/msg/", "xerces/impl/msg/"),
                                  ("org/apache/xerces/impl/xpath/regex/message",
                                   "xerces/impl/xpath/regex/message")):
                if name.startswith(prefix) and name.endswith(".properties"):
                    out.writestr(moved + name[len(prefix):], src.read(name))
    return target


def jena(main_class: str, *args: str, timeout: float = 120, cwd=None) -> subprocess.CompletedProcess:
    classpath = jena_classpath()
    return subprocess.run(["java", "-cp", classpath, main_class, *args],
                          capture_output=True, text=True, timeout=timeout, cwd=cwd)


def canonical(triples) -> set:
    """A graph as a set of canonical N-Triples lines (RDFC-1.0 blank node labels).

    Much faster than ``rdflib.compare.isomorphic`` on graphs with many blank nodes. Takes
    pyoxigraph triples/quads or an ``rdflib.Graph``.
    """
    import pyoxigraph as ox

    if hasattr(triples, "serialize") and hasattr(triples, "triples"):  # rdflib.Graph
        triples = ox.parse(triples.serialize(format="nt", encoding="utf-8"),
                           format=ox.RdfFormat.N_TRIPLES)
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q.triple) for q in dataset}
