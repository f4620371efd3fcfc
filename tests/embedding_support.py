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
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(os.environ.get("VIRTUAL_ENV") or ROOT / ".venv") / "bin"
RELEASE_FILES = ("ai_leadership.ttl", "ai_leadership.nt", "ai_leadership.rdf",
                 "ai_leadership.jsonld", "ai_leadership-tbox.ttl", "ai_leadership-tbox.nt",
                 "ai_leadership-tbox.rdf")


@lru_cache(maxsize=1)
def release_dir() -> Path:
    from kg.store import release as store
    from kg.errors import KGError

    try:
        from kg.build import ensure_release

        return ensure_release()
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


# -- Apache Jena (Debian's libapache-jena-java): the classpath comes from kg/checks/jena.py ---------
@lru_cache(maxsize=1)
def jena_classpath() -> str | None:
    """A classpath for Jena's command-line tools (see kg/checks/jena.py), or None when Java or Jena
    is not installed."""
    from kg.checks import jena as jena_tools
    from kg.errors import ToolMissing

    try:
        return jena_tools.classpath()
    except ToolMissing:
        return None


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
