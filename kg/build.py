"""Sources -> checked, merged release files.

``build()`` parses every source, runs the checks, and only then writes the release:
one self-contained graph as Turtle, N-Triples, RDF/XML and JSON-LD, plus the TBox alone.
The same sources give byte-identical files (blank nodes get canonical labels, triples and
subjects are written in sorted order), and a failed parse or check leaves the previous
release as it was.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg import store
from kg.errors import CheckFailed, KGError
from kg.graph import parse_turtle

FORMATS = ("ttl", "nt", "rdf", "jsonld")


@dataclass
class BuildResult:
    directory: Path
    triples: int
    files: dict[str, str] = field(default_factory=dict)  # name -> sha256
    report: object | None = None


def _rdflib(quads) -> "rdflib.Graph":  # noqa: F821
    """An rdflib graph with canonical blank-node labels, filled in sorted triple order."""
    import rdflib
    from rdflib.compare import to_canonical_graph

    data = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads),
                        format=ox.RdfFormat.N_TRIPLES)
    raw = rdflib.Graph()
    raw.parse(data=data.decode("utf-8"), format="nt")
    canonical = to_canonical_graph(raw)
    graph = rdflib.Graph()
    for name, iri in store.PREFIXES.items():
        graph.bind(name, iri, override=True)
    for triple in sorted(canonical, key=lambda t: tuple(x.n3() for x in t)):
        graph.add(triple)
    return graph


def _ntriples(graph) -> bytes:
    lines = sorted(line for line in graph.serialize(format="nt").splitlines() if line.strip())
    return ("\n".join(lines) + "\n").encode("utf-8")


def _serialize(graph, ext: str) -> bytes:
    """One release file. N-Triples are sorted lines; RDF/XML is streamed by pyoxigraph from
    those sorted triples (rdflib's writers order subjects by hash, so their output changes
    from run to run); JSON-LD is compacted with ``ontology/context.jsonld``; Turtle is
    rdflib's diff-friendly ``longturtle``."""
    if ext == "ttl":
        return graph.serialize(format="longturtle", encoding="utf-8")
    ntriples = _ntriples(graph)
    if ext == "nt":
        return ntriples
    if ext == "jsonld":
        from kg.jsonld import compact_jsonld  # plain JSON for web developers, via context.jsonld

        return compact_jsonld(ntriples)
    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
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


def run_checks(quads: list[ox.Quad], reason: bool = True):
    """The full check report (SHACL, violation queries, OWL consistency) of a set of quads."""
    from kg import validate

    return validate.check_all(quads, reason=reason)


def build(target: Path | None = None, check: bool = True, reason: bool = True) -> BuildResult:
    """Build the release into ``target`` (default: the release folder); returns what it wrote."""
    target = Path(target) if target is not None else store.release_dir()
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
    graph, tbox = _rdflib(quads), _rdflib(tbox_quads)
    outputs: dict[str, bytes] = {}
    for ext in FORMATS:
        outputs[f"{store.RELEASE_NAME}.{ext}"] = _serialize(graph, ext)
    for ext in ("ttl", "nt", "rdf"):
        outputs[f"{store.RELEASE_NAME}-tbox.{ext}"] = _serialize(tbox, ext)
    hashes = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(outputs.items())}
    manifest = {"sources_sha256": digest, "triples": len(graph), "files": hashes}
    outputs[store.MANIFEST] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    _write_all(target, outputs)
    return BuildResult(target, len(graph), hashes, report)


def _write_all(target: Path, outputs: dict[str, bytes]) -> None:
    """Write every file to a staging folder first, then move them in; the manifest last."""
    try:
        target.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=target))
    except OSError as error:
        raise KGError(f"Cannot write the release to '{target}': {error.strerror.lower()}; "
                      "choose a writable folder with -o.") from None
    try:
        for name, data in outputs.items():
            (staging / name).write_bytes(data)
        (target / store.MANIFEST).unlink(missing_ok=True)  # a half-swapped release is stale
        for name in sorted(outputs, key=lambda n: n == store.MANIFEST):
            (staging / name).replace(target / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def check_extra(memory: ox.Store, paths: tuple[Path, ...]) -> None:
    """Hold a user's Turtle to the shipped shapes; one-line error naming the first problem."""
    from kg import validate

    report = validate.check_all(list(memory.quads_for_pattern(None, None, None)), reason=False,
                                queries=False)
    if not report.conforms:
        names = ", ".join(str(p) for p in paths)
        raise CheckFailed(
            f"{names} does not conform to the shapes: {report.first_problem()} "
            f"({report.summary()}). Run 'aikg --with {paths[0]} validate' for the full report.",
            report,
        )
