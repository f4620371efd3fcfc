"""OWL consistency with HermiT (through owlready2, imported only when a check runs)."""
from __future__ import annotations

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


def owl_on(store: ox.Store) -> tuple[bool, str]:
    """:func:`owl_consistency` of everything in ``store``."""
    with tempfile.TemporaryDirectory(prefix="aikg-owl-") as folder:
        target = Path(folder) / "graph.nt"
        target.write_bytes(ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in store), format=ox.RdfFormat.N_TRIPLES))
        return owl_consistency(target)
