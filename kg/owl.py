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
    """Start HermiT on an N-Triples file as owlready2 runs it (its jar, memory and flags),
    without owlready2 first parsing the file into its own store and writing it out again
    (4 s of a 14 s ``validate`` at 200k triples); a function that waits for the verdict.
    ``owl:imports`` statements must not be in the file (HermiT would fetch them; owlready2
    leaves them out too). ``cleanup`` runs once HermiT is done."""
    import importlib.util
    import subprocess

    java = find_java()
    if java is None:
        raise ToolMissing(NO_JAVA)
    jars = Path(importlib.util.find_spec("owlready2").origin).parent / "hermit"
    command = [java, "-Xmx2000M", "-cp", os.pathsep.join([str(jars), str(jars / "HermiT.jar")]),
               "org.semanticweb.HermiT.cli.CommandLine", "-c", "-O", "-D", "-I",
               path.resolve().as_uri()]
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
    """Start HermiT on everything in ``store``; a function that waits for its verdict (the
    checks run meanwhile: HermiT works in its own process)."""
    imports = ox.NamedNode("http://www.w3.org/2002/07/owl#imports")
    folder = Path(tempfile.mkdtemp(prefix="aikg-owl-"))
    try:
        target = folder / "graph.nt"
        if not list(store.named_graphs()) and \
                next(iter(store.quads_for_pattern(None, imports, None)), None) is None:
            # the common case, written in Rust (1-2 s less at 200k triples)
            store.dump(str(target), ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        else:
            target.write_bytes(ox.serialize(
                (ox.Triple(q.subject, q.predicate, q.object) for q in store
                 if q.predicate != imports), format=ox.RdfFormat.N_TRIPLES))
        return _start_hermit(target, lambda: shutil.rmtree(folder, ignore_errors=True))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
