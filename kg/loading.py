"""Loading the graph: the release, plus a user's files merged once and kept (``kg.load``).

:func:`load` is what ``kg.load()`` and every local command call; :func:`warm_caches` is the
warm-up a workspace runs while it writes a merged store (``aikg add``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.build import ensure_release
from kg.graph import KnowledgeGraph
from kg.store import ahead
from kg.store import release as store
from kg.store.turtle import read_turtle
from kg.store.workspace import Workspace


#: The classes names are resolved in: their label index is kept beside a merged store at build
#: time (on the in-memory graph, several times faster than later on disk), with the path
#: projection, plain and with lateral moves. None: every class ('aikg describe NAME' read all
#: the labels, 1.5 s with O*NET, to resolve one name).
WARM_CLASSES = ("ail:Occupation", "ail:Skill", None)
#: Shipped queries whose answers are kept at build time too: the first commands people run
WARM_ANSWERS = ("class-counts", "ladder")


def warm_and_prepare(graph: ox.Store, folder: Path, say=None) -> None:
    """:func:`warm_caches`, then every catalogue answer 'aikg prepare' keeps ('aikg add
    --prepare'): on the merged store while it is still in memory, 2.2x faster than later on
    disk (1M triples: 429 s against 940 s of 'aikg prepare'; docs/performance.md). In this
    process, not a forked child: the store is being written by a thread meanwhile. ``say``
    is told each query's rows and seconds."""
    from kg.query import prepared  # as in warm_caches: not on every command's start

    warm_caches(graph, folder)
    warm = KnowledgeGraph(graph, folder=folder)
    warm.cache_results = False  # the answer is kept by prepared.keep, with its pages
    prepared.prepare_all(warm, prepared.preparable(), say, forked=False)


def warm_caches(graph: ox.Store, folder: Path) -> None:
    """Keep, beside a merged store being written to ``folder``, what the first commands read:
    the path ladders, the label indexes and the answers of :data:`WARM_ANSWERS`."""
    from kg.paths import answers as paths  # the path code only when a store is merged

    warm = KnowledgeGraph(graph, folder=folder)
    warm.cache_results = False  # the rows are what later commands read
    for lateral in (False, True):
        paths.project(warm, lateral)
    paths.forget(warm)  # kept on disk now: 0.2 GB at 1M triples, not held while the rest runs
    for cls in WARM_CLASSES:
        warm.keep_label_index(cls)
    warm.equivalents()  # a skill named by several vocabularies resolves to one of them
    from kg.query import catalogue, textsearch  # what 'aikg search' reads instead of a scan

    textsearch.keep_index(warm, folder)
    warm.cache_results = True  # the answers 'aikg stats' and 'aikg query ladder' print
    for name in WARM_ANSWERS:
        warm.run(catalogue.get(name).text)


def workspace_mappings():
    """The hook a workspace aligns the vocabularies of its merged files with
    (:class:`kg.importers.align.apply.WorkspaceMappings`), made when files are first merged
    or opened: a workspace without files (the guide alone) never imports the importers."""
    from kg.importers.align.apply import WorkspaceMappings

    return WorkspaceMappings()


def load(extra: Iterable[str | Path] = (), check: bool = True, workspace=None,
         progress=None, fail_on: str = "error") -> KnowledgeGraph:
    """Load the release (rebuilt first if the sources changed) plus the user's Turtle files.

    Without user files the graph is the release's store (in memory when small, else
    read-only on disk: :func:`kg.store.release.open_store`). ``extra`` files (``--with``) and the
    files added to ``workspace`` (a :class:`kg.store.workspace.Workspace`; the CLI passes the
    user's) are merged with the release once, held to the same checks as the shipped graph,
    and kept as a store keyed by their content: later loads open it in milliseconds. They
    never change the shipped sources. ``check=False`` merges in memory without checking
    (and without caching). What the files entail (a sub-property implies its
    superproperty, see :mod:`kg.releasing.inference`) is added like the release's. Files
    with a problem at or above ``fail_on`` (error, warning, info) are refused; problems below
    it are issued as :class:`kg.errors.CheckWarning`, one per rule, when the files are checked.
    """
    ensure_release()  # the library builds a missing or stale release; the CLI says so first
    extra_paths = tuple(Path(p) for p in extra)
    if not check:
        return _unchecked(extra_paths)
    if workspace is not None:
        if workspace.warm is None:
            workspace.warm = warm_caches
        if not workspace.aligns:
            workspace.make_mappings = workspace_mappings
        merged = workspace.open(extra_paths, progress=progress, fail_on=fail_on)
    elif extra_paths:  # a library caller gets exactly the files it names (cached alike)
        merged = Workspace(warm=warm_caches, make_mappings=workspace_mappings).merge(
            extra_paths, progress, fail_on)
    else:
        return KnowledgeGraph(ahead.open_store_later())
    if merged.report is not None:
        import warnings

        from kg.errors import CheckWarning

        for group in merged.report.groups():
            warnings.warn(CheckWarning(group.line()), stacklevel=2)
    return KnowledgeGraph(merged.store, merged.files, merged.prefixes, merged.folder,
                          merged.size)


def _unchecked(extra_paths: tuple[Path, ...]) -> KnowledgeGraph:
    quads, prefixes = [], {}
    for path in extra_paths:  # syntax errors before any other work
        more, declared = read_turtle(path)
        quads += more
        prefixes = {**declared, **prefixes}
    memory = ox.Store()  # the user's triples join a private in-memory copy of the release
    memory.bulk_load(path=str(store.release_file("nt")), format=ox.RdfFormat.N_TRIPLES)
    memory.extend(quads)
    from kg.releasing.inference import entail_store  # the release is entailed; so are the user's triples

    entail_store(memory, quads)
    return KnowledgeGraph(memory, extra_paths, prefixes)
