"""Apache Jena's command-line tools from Debian's ``libapache-jena-java``, made to run.

Debian ships Jena's jars in ``/usr/share/java`` but not its ``riot``/``sparql`` scripts, and
its relocated Xerces misses its message bundles, so ARQ dies at start-up with "internal error"
in ``SchemaDVFactoryImpl``. :func:`command` builds the ``java`` command line that works: a
small jar holding those bundles (copied from the Xerces jar owlready2 ships, once, into the
user cache) first on the classpath, then only the jars the tools need (two slf4j bindings on
the classpath would stop them). ``aikg jena TOOL ARGS...`` runs it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from kg.errors import ToolMissing

JAVA_DIR = Path("/usr/share/java")

#: The tools, as Jena's own scripts name them, and the class each one runs.
TOOLS = {
    "riot": "riotcmd.riot",
    "sparql": "arq.sparql",
    "shacl": "shacl.shacl",
}

# Versionless names of the jars the tools need. slf4j-simple, not -nop: riot reports problems
# through the logger.
JARS = (
    "jena-arq", "jena-base", "jena-cmds", "jena-core", "jena-dboe-base", "jena-dboe-index",
    "jena-dboe-storage", "jena-dboe-trans-data", "jena-dboe-transaction", "jena-iri",
    "jena-rdfconnection", "jena-shacl", "jena-tdb", "jena-tdb2", "commons-cli", "commons-codec",
    "commons-compress", "commons-csv", "commons-io", "commons-lang3", "dexx.collection", "gson",
    "guava", "httpclient", "httpclient-cache", "httpcore", "jackson-annotations",
    "jackson-core", "jackson-databind", "jakarta.json-api", "jsonld-java", "protobuf",
    "slf4j-api", "slf4j-simple", "jcl-over-slf4j", "thrift", "titanium-json-ld",
)

# Where Xerces keeps its messages, and where Debian's relocated Xerces looks for them.
_MOVES = (("org/apache/xerces/impl/msg/", "xerces/impl/msg/"),
          ("org/apache/xerces/impl/xpath/regex/message", "xerces/impl/xpath/regex/message"))


def classpath(java_dir: Path = JAVA_DIR) -> str:
    """The classpath for Jena's tools; :class:`ToolMissing` says what to install."""
    if shutil.which("java") is None:
        raise ToolMissing("Java is not installed; install it with 'apt-get install "
                          "default-jre-headless' (or 'make system').")
    if not (java_dir / "jena-arq.jar").is_file():
        raise ToolMissing(f"Apache Jena is not installed (no jena-arq.jar in {java_dir}); "
                          "install it with 'apt-get install libapache-jena-java' "
                          "(or 'make system').")
    jars = [java_dir / f"{name}.jar" for name in JARS]
    return os.pathsep.join([str(xerces_fix_jar()), *(str(j) for j in jars if j.is_file())])


def command(tool: str, args: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The ``java`` command line that runs Jena's ``tool`` (riot, sparql, shacl) with ``args``."""
    if tool not in TOOLS:
        raise ToolMissing(f"'{tool}' is not one of the Jena tools offered here; use "
                          + ", ".join(TOOLS) + ".")
    return ["java", "-cp", classpath(), TOOLS[tool], *args]


def xerces_fix_jar() -> Path:
    """The jar of Xerces' message bundles at the paths Debian's Jena reads (built once)."""
    from kg.store.release import cache_dir

    target = cache_dir() / "jena" / "xerces-messages.jar"
    if target.is_file():
        return target
    try:
        import owlready2
    except ImportError:  # a dependency, but say what to do if it went missing
        raise ToolMissing("owlready2 is needed for its Xerces jar; pip install owlready2.") from None
    source = Path(owlready2.__file__).parent / "pellet" / "xercesImpl-2.12.2.jar"
    if not source.is_file():
        raise ToolMissing(f"owlready2 ships no {source.name} here; reinstall owlready2.")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(prefix=".xerces-", suffix=".jar", dir=target.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(source) as src, zipfile.ZipFile(staging, "w") as out:
            for name in src.namelist():
                for prefix, moved in _MOVES:
                    if name.startswith(prefix) and name.endswith(".properties"):
                        out.writestr(moved + name[len(prefix):], src.read(name))
        os.replace(staging, target)  # two processes at once: both write whole files
    finally:
        Path(staging).unlink(missing_ok=True)
    return target
