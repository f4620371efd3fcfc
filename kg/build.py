"""Sources -> checked, merged release files.

``build()`` parses every source, runs the checks, and only then writes the release:
one self-contained graph as Turtle, N-Triples, RDF/XML and JSON-LD, plus the TBox alone.
The same sources give byte-identical files (blank nodes get canonical labels, triples and
subjects are written in sorted order), and a failed parse or check leaves the previous
release as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from kg.store import release as store
from kg.errors import CheckFailed, KGError, StaleReleaseWarning
from kg.store.turtle import parse_turtle, read_turtle

FORMATS = ("ttl", "nt", "rdf", "jsonld")
ASSERTED_FORMATS = ("ttl", "nt")  # the graph without entailments, for diffing and reasoners
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class BuildResult(NamedTuple):
    """What a build wrote (a named tuple: a dataclass took 1-2 ms to create, at the start of
    every command, which imports this module to know whether the release is current)."""

    directory: Path
    triples: int
    files: dict[str, str]  # name -> sha256
    report: object | None = None


def canonical_triples(quads) -> list[ox.Triple]:
    """Sorted triples whose blank nodes are named by a hash of what they say and where.

    The blank nodes here (axiom annotations, OWL lists and class expressions) form trees. A
    node's content hash covers its own statements, nested nodes hashed first; its label then
    adds where it hangs (the parent's label and the property), so two nodes that say the same
    thing in different places stay apart, as OWL requires. The labels are the same on every
    run and take milliseconds, where rdflib's general canonicaliser takes seconds.
    """
    import hashlib  # OpenSSL's libcrypto: 2-4 ms a start, paid only when hashing

    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    outgoing: dict[ox.BlankNode, list[tuple[str, object]]] = {}
    parents: dict[ox.BlankNode, list[tuple[object, str]]] = {}
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            outgoing.setdefault(t.subject, []).append((t.predicate.value, t.object))
        if isinstance(t.object, ox.BlankNode):
            parents.setdefault(t.object, []).append((t.subject, t.predicate.value))

    def digest(parts) -> str:
        return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:32]

    content: dict[ox.BlankNode, str] = {}
    labels: dict[ox.BlankNode, str] = {}

    def content_of(node, path=frozenset()) -> str:
        if node not in content:
            if node in path:
                raise KGError("A cycle of blank nodes in the sources; name one of them with an IRI.")
            content[node] = digest(
                p + " " + (content_of(o, path | {node}) if isinstance(o, ox.BlankNode) else str(o))
                for p, o in outgoing.get(node, [])
            )
        return content[node]

    def label(node) -> str:
        if node not in labels:
            where = [(label(s) if isinstance(s, ox.BlankNode) else str(s)) + " " + p
                     for s, p in parents.get(node, [])]
            labels[node] = "b" + digest([content_of(node), *where])
        return labels[node]

    def rename(term):
        return ox.BlankNode(label(term)) if isinstance(term, ox.BlankNode) else term

    renamed = {ox.Triple(rename(t.subject), t.predicate, rename(t.object)) for t in triples}
    return sorted(renamed, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _rdflib(triples: list[ox.Triple]) -> "rdflib.Graph":  # noqa: F821
    """The canonical triples as an rdflib graph (for its Turtle writer), labels kept."""
    import rdflib

    def term(t):
        if isinstance(t, ox.NamedNode):
            return rdflib.URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return rdflib.BNode(t.value)
        if t.language:
            return rdflib.Literal(t.value, lang=t.language)
        if t.datatype.value == XSD_STRING:  # RDF 1.1: a plain literal is an xsd:string
            return rdflib.Literal(t.value)
        return rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value))

    graph = rdflib.Graph()
    for name, iri in store.PREFIXES.items():
        graph.bind(name, iri, override=True)
    for t in triples:
        graph.add((term(t.subject), term(t.predicate), term(t.object)))
    return graph


def _serialize(triples: list[ox.Triple], ext: str) -> bytes:
    """One release file from canonical, sorted triples.

    N-Triples, RDF/XML and JSON-LD are written from the triples in that order (rdflib's
    RDF/XML and JSON-LD writers order subjects by hash and change from run to run); JSON-LD
    is compacted with ``ontology/context.jsonld``; Turtle is rdflib's diff-friendly
    ``longturtle``.
    """
    if ext == "ttl":
        return _rdflib(triples).serialize(format="longturtle", encoding="utf-8")
    ntriples = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    if ext == "nt":
        return ntriples
    if ext == "jsonld":
        from kg.releasing.jsonld import compact_jsonld  # plain JSON for web developers, via context.jsonld

        return compact_jsonld(ntriples)
    return ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=dict(store.PREFIXES))


def parse_sources(files: list[Path] | None = None) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """(TBox quads, all quads) of the sources; syntax errors name file and line."""
    files = files if files is not None else store.source_files()
    tbox: list[ox.Quad] = []
    everything: list[ox.Quad] = []
    for path in files:
        quads = parse_turtle(path)
        if path.name == "ai_leadership.ttl":
            tbox.extend(quads)
        everything.extend(quads)
    return tbox, everything


def with_entailments(asserted: list[ox.Triple]) -> list[ox.Triple]:
    """The asserted triples plus what :mod:`kg.releasing.inference` derives from them, sorted.

    The release and the store answer natural queries (``?s a ail:Skill``, either direction of
    an inverse); ``ai_leadership-asserted.*`` keeps the sources' own statements.
    """
    from kg.releasing.inference import entail

    both = asserted + entail(asserted)
    return sorted(both, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


#: The shipped sources are held to warnings too: the guide's editorial rules (definitions,
#: sources, a promotion adds a skill) are warnings for a user's data and errors here.
SOURCES_FAIL_ON = "warning"


def run_checks(quads: list[ox.Quad], reason: bool = True, fail_on: str = SOURCES_FAIL_ON):
    """The full check report (SHACL, violation queries, OWL consistency) of a set of quads."""
    from kg.checks import validate

    return validate.check_all(quads, reason=reason, fail_on=fail_on)


def run_checks_with(paths: tuple[Path, ...], reason: bool = True, fail_on: str = "error"):
    """The check report of the release plus the user's Turtle ``paths``, focused on what the
    files add (:func:`kg.checks.validate.check_focused`): the release itself was checked when built."""
    from kg.checks import validate

    added: list[ox.Quad] = []
    for path in paths:  # syntax errors before any other work
        added += read_turtle(Path(path))[0]
    memory = ox.Store()
    memory.bulk_load(path=str(store.release_file("nt")), format=ox.RdfFormat.N_TRIPLES)
    memory.extend(added)
    return validate.check_focused(memory, added, reason=reason, fail_on=fail_on)


def build(target: Path | None = None, check: bool = True, reason: bool = True) -> BuildResult:
    """Build the release into ``target`` (default :func:`kg.store.release.build_dir`: the checkout's
    release folder, or the user cache for an installed package); returns what it wrote."""
    target = Path(target) if target is not None else store.build_dir()
    digest = store.sources_digest()
    tbox_quads, quads = parse_sources()
    report = None
    if check:
        report = run_checks(quads, reason=reason)
        if not report.conforms:
            raise CheckFailed(
                f"The sources fail {report.summary()}; nothing was written. "
                "Run 'aikg validate' for the full report.", report
            )
    asserted, tbox = canonical_triples(quads), canonical_triples(tbox_quads)
    graph = with_entailments(asserted)
    outputs: dict[str, bytes] = {}
    for ext in FORMATS:
        outputs[f"{store.RELEASE_NAME}.{ext}"] = _serialize(graph, ext)
    for ext in ASSERTED_FORMATS:
        outputs[f"{store.RELEASE_NAME}-asserted.{ext}"] = _serialize(asserted, ext)
    for ext in ("ttl", "nt", "rdf"):
        outputs[f"{store.RELEASE_NAME}-tbox.{ext}"] = _serialize(tbox, ext)
    import hashlib  # OpenSSL's libcrypto: 2-4 ms a start, paid only when hashing

    hashes = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(outputs.items())}
    manifest = {"sources_sha256": digest, "triples": len(graph), "asserted_triples": len(asserted),
                "files": hashes}
    outputs[store.MANIFEST] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    _write_all(target, outputs)
    if len(graph) > store.IN_MEMORY_LIMIT:
        try:
            store.ensure_store(target)  # the on-disk store the commands open
        except OSError:
            pass  # no writable cache: commands load the N-Triples into memory instead
    return BuildResult(target, len(graph), hashes, report)


def _write_all(target: Path, outputs: dict[str, bytes]) -> None:
    """Write every file to a staging folder, then publish them together, the manifest last.

    The release is always whole, old or new: SIGINT waits for the moves to end, and a run
    killed during them (SIGKILL) is finished by the next one (:func:`kg.store.io.recover_staged`,
    also run by every command opening the release), which removes abandoned staging folders.
    """
    from kg.store import io

    try:
        io.ensure_folder(target)
        io.recover_staged(target, last=store.MANIFEST)
        for name in outputs:
            io.refuse_read_only(target / name)
        staging, lock = io.staging_folder(target)
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise KGError(f"Cannot write the release to '{target}': {reason}; "
                      "choose a writable folder with -o.") from None
    try:
        for name, data in outputs.items():
            (staging / name).write_bytes(data)
        io.publish(staging, target, last=store.MANIFEST)
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise KGError(f"Cannot write the release to '{target}': {reason}; "
                      "choose a writable folder with -o.") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        os.close(lock)


def check_extra(memory: ox.Store, paths: tuple[Path, ...],
                added: list[ox.Quad] | None = None, fail_on: str = "error",
                part: str = "all"):
    """Hold a user's files to the shipped violation queries and shapes; return the report.

    ``memory`` is the merged store (release + the user's quads), ``added`` the user's quads:
    only what they can have changed is checked (:func:`kg.checks.validate.check_focused`). With
    ``added`` None all of ``memory`` is checked. ``part`` is ``"queries"`` (the cheap part,
    seconds at a million triples; the shapes too when they refuse), ``"shapes"`` or ``"all"``.
    Raises :class:`kg.errors.CheckFailed` when a problem is at or above ``fail_on``
    (:func:`refuse`).
    """
    from kg.checks import validate

    if added is None:
        report = validate.check_all(memory, reason=False, fail_on=fail_on)
    elif part == "queries":
        report = validate.query_report(memory)
        report.fail_on = fail_on
        if not report.conforms:  # refused: the shapes too, so that every problem is named
            report.absorb(validate.shape_report(memory, added))
    elif part == "shapes":
        report = validate.shape_report(memory, added)
    else:
        report = validate.check_focused(memory, added, fail_on=fail_on)
    report.fail_on = fail_on
    refuse(report, paths)
    return report


def refuse(report, paths: tuple[Path, ...]) -> None:
    """Raise :class:`kg.errors.CheckFailed` for ``report`` unless it passes at its
    ``fail_on``: the first problem on the first line, then one line per failing rule."""
    failures = report.failures()
    if not failures:
        return
    first = failures[0]
    where = _file_of(first.focus, paths)
    groups = report.groups(failures)
    more = len(failures) - 1
    lines = [f"{where}: {first.focus or 'the graph'} fails {first.check}: {first.message}"
             + (f" ({more:,} more problem{'s' if more > 1 else ''} in {len(groups)} "
                f"rule{'s' if len(groups) > 1 else ''}, below)" if more else "")
             + f". Fix the file, or run 'aikg --with {where} validate' for the full report."]
    if more:
        lines += ["  " + group.line() for group in groups]
    raise CheckFailed("\n".join(" ".join(line.splitlines()) for line in lines), report)


def shapes_json(report) -> bytes:
    """The shapes' results below the refusal level, for the parent (:func:`take_shapes`)."""
    return json.dumps([vars(p) for p in report.shacl_warnings]).encode()


def take_shapes(report, data: bytes) -> None:
    """Put the forked shape check's results (:func:`shapes_json`) into ``report``."""
    from kg.checks.report import Problem

    report.shacl_conforms = True
    report.shacl_warnings = [Problem(**p) for p in json.loads(data or b"[]")]
    report.ran.append("shacl")


def refuse_recorded(meta: dict, files: list[Path], fail_on: str) -> None:
    """A store checked before holds problems below the level it was refused at; asked to be
    stricter now (``--fail-on warning``), refuse it on what its check recorded."""
    from kg.checks.severity import rank

    lines = [line for severity, line in meta.get("problems", ()) if rank(severity) >= rank(fail_on)]
    if lines:
        names = ", ".join(str(p) for p in files)
        raise CheckFailed("\n".join([
            f"{names}: {len(lines)} rule(s) found problems at {fail_on} or above when the files "
            "were checked. Fix the files, or run 'aikg --with FILE validate' for the full report."]
            + ["  " + line for line in lines]))


def _file_of(entity: str, paths: tuple[Path, ...]) -> str:
    """The user file that describes ``entity`` (as reports write it), else all of them."""
    if len(paths) == 1:
        return str(paths[0])

    full = entity if ":" in entity else store.PREFIXES.get("ail", "") + entity
    for path in paths:
        quads, _ = read_turtle(path)
        if any(q.subject.value == full for q in quads if not isinstance(q.subject, ox.Triple)):
            return str(path)
    return ", ".join(str(p) for p in paths)


def ensure_release(announce: Callable[[str], None] | None = None) -> Path:
    """Return the folder of an up-to-date release, building it first when the sources changed
    (``announce`` is told so first: a build takes seconds)."""
    found = store.current_release() or store._fallback
    if found is not None:
        return found
    if announce is not None:
        announce("Building the release first (the sources changed since it was built)")
    target = store.build_dir()
    if not os.access(target if target.exists() else target.parent, os.W_OK):
        target = store.cache_dir() / store.sources_digest()[:16]
    try:
        # HermiT needs Java; without it an automatic rebuild still runs the SHACL shapes and
        # the violation queries ('aikg build' and 'aikg validate' insist on the reasoner).
        build(target, reason=shutil.which("java") is not None)
    except KGError as error:
        previous = store.release_dir()
        if store._manifest(previous) is None:
            raise
        # A typo in a source should not stop every command: answer from the last release
        # that passed, and say so.
        warnings.warn(StaleReleaseWarning(
            f"{error} Answering from the last good release; fix the sources and run "
            "'aikg build'."), stacklevel=2)
        store.fall_back_to(previous)
        return previous
    return target
