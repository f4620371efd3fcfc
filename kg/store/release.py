"""Where the sources and the release live, and loading the release into pyoxigraph.

The sources are the Turtle files under ``ontology/`` (the repository) or ``kg/ontology``
(an installed wheel). The release is what ``aikg build`` writes from them; commands read it
and the command layer rebuilds it first when the sources changed since
(:func:`kg.build.ensure_release`); nothing here builds.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

NS = "https://w3id.org/ai-leadership-kg/ontology#"
ONTOLOGY_IRI = "https://w3id.org/ai-leadership-kg/ontology"

#: Prefixes predeclared for ad hoc queries and used to shorten IRIs in output.
PREFIXES = {
    "ail": NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "vann": "http://purl.org/vocab/vann/",
    "sh": "http://www.w3.org/ns/shacl#",
}

def curie(iri: str, prefixes: dict[str, str] | None = None) -> str:
    """Shorten an IRI with the predeclared (or the given) prefixes; unchanged when none applies."""
    for name, base in (prefixes or PREFIXES).items():
        if iri.startswith(base) and _LOCAL_NAME.fullmatch(iri[len(base):] or "-"):
            return f"{name}:{iri[len(base):]}"
    return iri


_LOCAL_NAME = re.compile(r"[\w-]+")


RELEASE_NAME = "ai_leadership"
MANIFEST = "manifest.json"

_HERE = Path(__file__).resolve().parent.parent  # kg/


def _first_dir(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[0]


def ontology_dir() -> Path:
    """The folder of the hand-edited sources (repository checkout or installed wheel)."""
    return _first_dir(_HERE.parent / "ontology", _HERE / "ontology")


def release_dir() -> Path:
    """The folder of the shipped release files."""
    return _first_dir(_HERE.parent / "release", _HERE / "release")


def is_installed() -> bool:
    """True when running from an installed package (the release ships inside ``kg/``)."""
    return release_dir().parent == _HERE


def build_dir() -> Path:
    """Where a build writes by default: the checkout's ``release/`` folder, or, for an
    installed package (whose files are never rewritten), the per-user cache, keyed by the
    sources' digest so :func:`current_release` finds it."""
    if is_installed():
        return cache_dir() / sources_digest()[:16]
    return release_dir()


def queries_dir() -> Path:
    """The folder of the named-query catalogue."""
    return _HERE / "queries"


def source_files() -> list[Path]:
    """The Turtle files whose union is the graph: the TBox first, then the knowledge."""
    root = ontology_dir()
    return [root / "ai_leadership.ttl", *sorted((root / "data").glob("*.ttl"))]


def check_files() -> list[Path]:
    """Files that shape or judge the release without adding triples to it."""
    root = ontology_dir()
    return [root / "shapes.ttl", root / "context.jsonld", *sorted((root / "checks").glob("*.rq"))]


def writer_files() -> list[Path]:
    """The code that turns sources into release bytes: a change there changes the release."""
    return [_HERE / "build.py", _HERE / "releasing" / "jsonld.py",
            _HERE / "releasing" / "inference.py"]


def sources_digest() -> str:
    """SHA-256 over the names and bytes of every source, check and writer file.

    Every command asks whether the release is current, and reading and hashing the 460 kB
    of sources took a fifth of a first query's time: while no file changed (the same size,
    modification and change times and inode, as git's index decides), the digest comes from
    this process's memory or from the stamp kept in the user cache (:data:`STAMP`).
    """
    paths = [*source_files(), *check_files(), *writer_files()]
    signature, newest = _signature(paths)
    known = _digests.get(signature) or _stamped(signature)
    if known is None:
        import hashlib  # OpenSSL's libcrypto: 2-4 ms a start, paid only when hashing

        digest = hashlib.sha256()
        for path in paths:
            if path.is_file():
                digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        known = digest.hexdigest()
        _stamp(signature, known, newest)
    _digests[signature] = known
    return known


#: The last digests of the sources, by the signature of their files (a few entries: one
#: per checkout or copy of ontology/ in use), kept in the user cache between processes.
STAMP = "sources-stamp.json"
_STAMPS_KEPT = 8
#: A file changed this recently (nanoseconds) might change again within the same tick of the
#: file system's clock, unseen by its times: its digest is not stamped until it has settled.
_SETTLED_NS = 2_000_000_000
_digests: dict[str, str] = {}


def _signature(paths: list[Path]) -> tuple[str, int]:
    """What the file system says of each file (no byte read): its device, inode, size,
    modification and change times (as :meth:`kg.store.workspace.Workspace.digests`); and the
    newest change time among them (0 when none is there)."""
    parts, newest = [str(ontology_dir())], 0
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            parts.append(f"{path}:-")
            continue
        parts.append(f"{path}:{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:"
                     f"{info.st_ctime_ns}")
        newest = max(newest, info.st_ctime_ns)
    return "\n".join(parts), newest


def _stamps() -> dict:
    try:
        stamps = json.loads((cache_dir() / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamps if isinstance(stamps, dict) else {}


def _stamped(signature: str) -> str | None:
    digest = _stamps().get(signature)
    return digest if isinstance(digest, str) and len(digest) == 64 else None


def _stamp(signature: str, digest: str, newest: int) -> None:
    """Keep ``digest`` for ``signature`` in the user cache, unless a file changed too
    recently (``newest``, nanoseconds) to be sure of (or the cache cannot be written: the
    next process hashes again)."""
    if newest > time.time_ns() - _SETTLED_NS:
        return
    stamps = _stamps()
    stamps.pop(signature, None)
    stamps[signature] = digest  # the newest last; the oldest go first
    kept = dict(list(stamps.items())[-_STAMPS_KEPT:])
    target = cache_dir() / STAMP
    partial = target.with_name(f".{STAMP}.{os.getpid()}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps(kept), encoding="utf-8")
        os.replace(partial, target)  # whole or not at all: readers never see half a file
    except OSError:
        partial.unlink(missing_ok=True)


def cache_dir() -> Path:
    """Per-user cache for releases rebuilt outside a writable checkout."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ai-leadership-kg"


def _manifest(directory: Path) -> dict | None:
    try:
        return json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def current_release() -> Path | None:
    """The folder of a release built from the current sources, or None when there is none."""
    from kg.store import io

    digest = sources_digest()
    for directory in (release_dir(), cache_dir() / digest[:16]):
        try:  # a build killed while it published its files: finish it first
            io.recover_staged(directory, last=MANIFEST)
        except OSError:
            pass  # not ours to write (an installed wheel): nothing was being published there
        manifest = _manifest(directory)
        if manifest and manifest.get("sources_sha256") == digest:
            return directory
    return None


#: The last good release this process answers from when the sources do not build (set by
#: :func:`kg.build.ensure_release`, which warns once).
_fallback: Path | None = None


def fall_back_to(release: Path) -> None:
    """Answer from ``release`` for the rest of this process: the sources fail to build."""
    global _fallback
    _fallback = release


def require_release() -> Path:
    """The folder of a release built from the current sources (or the fallback this process
    was told to use); :class:`ReleaseMissing` when there is none. Opening a store never
    builds: the caller asks for a build first (:func:`kg.build.ensure_release`), so a build is
    never a side effect of reading."""
    found = current_release() or _fallback
    if found is None:
        from kg.errors import ReleaseMissing

        raise ReleaseMissing("No release built from the current sources (ontology/); "
                             "run 'aikg build'.")
    return found


def release_file(ext: str, tbox: bool = False) -> Path:
    """Path of one release file, e.g. ``release_file("nt")`` (:func:`require_release`)."""
    name = RELEASE_NAME + ("-tbox" if tbox else "")
    return require_release() / f"{name}.{ext}"


#: Up to this many triples the release is parsed into memory at start-up; above it, commands
#: open the on-disk store. Parsing costs ~2 ms per 1,000 triples while opening the store costs
#: ~14 ms at any size, but the on-disk store answers queries ~2.5x slower (all 41 catalogue
#: queries: 235 ms in memory, 590 ms on disk, at 5,551 triples). See bench/bench_store.py.
IN_MEMORY_LIMIT = 50_000


def in_memory(release: Path) -> bool:
    """Whether commands parse ``release`` into memory (at most :data:`IN_MEMORY_LIMIT`
    triples) rather than open its on-disk store."""
    return (_manifest(release) or {}).get("triples", 0) <= IN_MEMORY_LIMIT


def open_store(release: Path | None = None):
    """The release as a pyoxigraph store: in memory when small, else read-only on disk.

    The on-disk store lives in the user cache, keyed by the SHA-256 of the release's
    N-Triples, so a new release gets a new store and an old one is never opened by mistake.
    It is built in a private folder and renamed into place, so two processes starting at once
    cannot see a half-built store. Where the cache is not writable, the release is loaded
    into memory whatever its size.
    """
    import pyoxigraph as ox

    release = release or require_release()
    if not in_memory(release):
        try:
            return ox.Store.read_only(str(ensure_store(release)))
        except OSError:
            pass
    memory = ox.Store()
    memory.load(**load_arguments(release))
    return memory


def load_arguments(release: Path) -> dict:
    import pyoxigraph as ox

    # load, not bulk_load: no loader threads for a few thousand triples; lenient: the release
    # was written by the build from checked sources, so checking every IRI again (a third of
    # the load, 5-10 ms of every command) finds nothing
    return {"path": str(release / f"{RELEASE_NAME}.nt"), "format": ox.RdfFormat.N_TRIPLES,
            "lenient": True}


def ensure_store(release: Path) -> Path:
    """The folder of the on-disk store of ``release``, built first if missing (OSError when
    the cache cannot be written)."""
    import hashlib  # OpenSSL's libcrypto: 2-4 ms a start, paid only when hashing

    ntriples = release / f"{RELEASE_NAME}.nt"
    digest = (_manifest(release) or {}).get("files", {}).get(ntriples.name) or hashlib.sha256(
        ntriples.read_bytes()).hexdigest()
    path = cache_dir() / "stores" / digest[:32]
    if not path.is_dir():
        _build_store(ntriples, path)
    return path


def _build_store(ntriples: Path, path: Path) -> None:
    import pyoxigraph as ox

    from kg.store import io

    path.parent.mkdir(parents=True, exist_ok=True)
    io.remove_abandoned(path.parent, ".building-*")  # left by a run killed while building
    staging, lock = io.staging_folder(path.parent, prefix=".building-")  # locked while we live
    try:
        built = ox.Store(str(staging / "store"))
        built.bulk_load(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES)
        built.flush()
        del built  # closes the database before it moves
        try:
            os.rename(staging / "store", path)
        except OSError:
            if not path.is_dir():  # another process may have won the race: fine
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        os.close(lock)
