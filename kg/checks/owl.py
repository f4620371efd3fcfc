"""OWL consistency with HermiT (through owlready2, imported only when a check runs)."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox

from kg.errors import ToolMissing

__all__ = ["NO_JAVA", "find_java", "owl_consistency", "owl_on"]


NO_JAVA = ("HermiT needs Java: install a Java runtime (apt-get install default-jre-headless) "
           "or pass --no-reason.")


def find_java() -> str | None:
    """The Java executable HermiT would run (owlready2's setting, else ``java`` on PATH)."""
    import owlready2

    return shutil.which(owlready2.JAVA_EXE) or shutil.which("java")


def owl_consistency(path) -> tuple[bool, str]:
    """Check an RDF/XML (``.rdf``/``.owl``/``.xml``) or N-Triples (``.nt``) file with HermiT.

    Returns ``(True, message)`` when consistent and ``(False, message)`` when inconsistent.
    Raises :class:`kg.errors.ToolMissing` when there is no Java: a check that cannot run is
    an error, not a verdict. Never hand owlready2 Turtle: it silently drops triples. A fresh
    ``World`` per call keeps inferences from leaking between checks.
    """
    import owlready2

    java = find_java()
    if java is None:
        raise ToolMissing(NO_JAVA)
    owlready2.JAVA_EXE = java
    path = Path(path)
    fmt = "ntriples" if path.suffix == ".nt" else "rdfxml"
    world = owlready2.World()
    try:
        with path.open("rb") as handle:
            world.get_ontology(path.resolve().as_uri()).load(fileobj=handle, format=fmt)
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return False, "HermiT found the ontology inconsistent."
    except owlready2.OwlReadyJavaError as error:
        return False, "HermiT failed: " + " ".join(str(error).split())[:400]
    finally:
        world.close()
    return True, "HermiT found the ontology consistent."


def _start_hermit(path: Path, cleanup=None):
    """Start HermiT on an N-Triples file (owlready2's jar and memory), without owlready2
    first parsing the file into its own store and writing it out again (4 s of a 14 s
    ``validate`` at 200k triples); a function that waits for the verdict.

    HermiT is asked for consistency alone (``-k``: is owl:Thing satisfiable; an inconsistent
    ontology fails that as it fails everything), not for owlready2's classification and
    realisation (``-c -O -D -I``), which answer questions nobody asked: 9.4 s -> 6.7 s on
    the 112k triples of the release and a 106k-triple user file. The JVM compiles with C1
    only (``TieredStopAtLevel=1``): a run this short never repays the optimising compiler,
    which took a second core (5.7 s wall and 10 s CPU -> 4.7 s and 5 s), and the checks that
    run beside HermiT want that core.
    ``owl:imports`` statements must not be in the file (HermiT would fetch them; owlready2
    leaves them out too). ``cleanup`` runs once HermiT is done."""
    import importlib.util
    import subprocess

    java = find_java()
    if java is None:
        raise ToolMissing(NO_JAVA)
    jars = Path(importlib.util.find_spec("owlready2").origin).parent / "hermit"
    command = [java, "-Xmx2000M", "-XX:TieredStopAtLevel=1",
               "-cp", os.pathsep.join([str(jars), str(jars / "HermiT.jar")]),
               "org.semanticweb.HermiT.cli.CommandLine", "-k", path.resolve().as_uri()]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def verdict(stop: bool = False) -> tuple[bool, str]:
        """HermiT's verdict once it is done; ``stop=True`` kills it instead (the checks
        around it failed or were interrupted)."""
        try:
            if stop:
                process.kill()
            said, _ = process.communicate()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            if cleanup is not None:
                cleanup()
        if process.returncode == 0:
            return True, "HermiT found the ontology consistent."
        if process.returncode == 1 and b"Inconsistent ontology" in said:
            return False, "HermiT found the ontology inconsistent."
        return False, "HermiT failed: " + " ".join(said.decode("utf-8", "replace").split())[:400]

    return verdict


def owl_on(store: ox.Store) -> tuple[bool, str]:
    """The OWL consistency of everything in ``store`` (see :func:`owl_start`)."""
    return owl_start(store)()


def owl_start(store: ox.Store):
    """Start HermiT on everything in ``store`` that bears on consistency (see
    :func:`reasoned_triples`); a function that waits for its verdict (the checks run
    meanwhile: HermiT works in its own process)."""
    folder = Path(tempfile.mkdtemp(prefix="aikg-owl-"))
    try:
        target = folder / "graph.nt"
        target.write_bytes(reasoned_triples(store))
        return _start_hermit(target, lambda: shutil.rmtree(folder, ignore_errors=True))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


OWL, RDFS = "http://www.w3.org/2002/07/owl#", "http://www.w3.org/2000/01/rdf-schema#"
#: the annotation properties OWL 2 builds in (Structural Specification, section 10.1)
BUILT_IN_ANNOTATIONS = tuple(RDFS + n for n in ("label", "comment", "seeAlso", "isDefinedBy")) \
    + tuple(OWL + n for n in ("deprecated", "versionInfo", "priorVersion",
                              "backwardCompatibleWith", "incompatibleWith"))
_DECLARED_ANNOTATIONS = f"""
SELECT DISTINCT ?p WHERE {{
  ?p a <{OWL}AnnotationProperty>
  FILTER NOT EXISTS {{ ?p a <{OWL}ObjectProperty> }}
  FILTER NOT EXISTS {{ ?p a <{OWL}DatatypeProperty> }}
}}"""


def reasoned_triples(store: ox.Store) -> bytes:
    """The N-Triples HermiT reads: every triple of ``store`` (all graphs) but
    ``owl:imports`` (HermiT would fetch them) and annotation assertions on named entities.

    Annotations have no meaning under OWL 2's direct semantics, so they cannot make the
    graph inconsistent; they are a third or more of a user's file (labels, definitions,
    sources: 44k of 112k triples with the 106k-triple generated file), and parsing is most
    of HermiT's time. An annotation property also declared an object or datatype property
    is kept (that graph is not OWL 2 DL, and HermiT should see it whole), and so are
    annotations of blank nodes (axiom annotations: without them their owl:Axiom nodes would
    read differently)."""
    declared = [row["p"] for row in store.query(_DECLARED_ANNOTATIONS,
                                                use_default_graph_as_union=True)]
    skipped = [*(f"<{iri}>" for iri in BUILT_IN_ANNOTATIONS), *(str(p) for p in declared)]
    query = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o "
             f"FILTER(?p != <{OWL}imports> && (isBlank(?s) || ?p NOT IN ({', '.join(skipped)}))) }}")
    return store.query(query, use_default_graph_as_union=True).serialize(
        format=ox.RdfFormat.N_TRIPLES)
