"""Catalogue answers prepared beside a workspace store (``aikg prepare``, ``aikg add``).

Over 1M triples some catalogue queries take from 24 s to minutes: every one orders its rows,
so the engine evaluates and sorts the whole answer before its first row, and the sort reads
each compared term's text from the on-disk store (docs/performance.md). No rewrite removes
that. A merged store never changes under its key, though, so a query without parameters
has one answer per store: prepared once, it is read from the store's ``kept.db``
(:mod:`kg.store.kept`) by every later ``aikg query NAME``: the table and Markdown pages
(with and without labels) at once, the machine formats streamed from the kept answer.

A changed workspace is a new store under a new key, with a ``kept.db`` of its own: nothing
prepared for the former data is ever read for the new. Each query's answer and its pages
are written in one transaction, so an interrupted preparation leaves every query either
prepared whole or not at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pyoxigraph as ox

from kg.errors import KGError
from kg.query import catalogue, formats, killable
from kg.store import kept

#: the pages kept with each prepared answer: (format, labels shown)
PAGES = tuple((fmt, labels) for fmt in formats.TEXT_FORMATS for labels in (True, False))


class NotPreparable(KGError):
    """A query that cannot be prepared: it needs a parameter, or there is no workspace."""


def preparable() -> list[catalogue.NamedQuery]:
    """The catalogue queries that run without any parameter: each has one answer per store."""
    return [q for q in catalogue.catalogue().values() if all(p.optional for p in q.params)]


def check(graph, names: list[str]) -> list[catalogue.NamedQuery]:
    """The named queries to prepare (every preparable one when ``names`` is empty); raises
    :class:`NotPreparable` for a query with a required parameter or a graph with no store
    of its own to keep answers beside."""
    if getattr(graph, "folder", None) is None:
        raise NotPreparable(
            "Answers are prepared beside a workspace store, and there is none: add your "
            "files first (aikg add FILE.ttl); the shipped graph alone answers at once.")
    chosen = [catalogue.get(name) for name in names] or preparable()
    for named in chosen:
        needed = [p.name for p in named.params if not p.optional]
        if needed:
            raise NotPreparable(
                f"Query '{named.name}' needs the parameter '{needed[0]}', so it has an answer "
                "per value and none to prepare; run it with -p "
                f"{needed[0]} VALUE (answers without required parameters can be prepared).")
    return chosen


def is_prepared(graph, named: catalogue.NamedQuery) -> bool:
    """Whether the answer of ``named`` and all its :data:`PAGES` are kept beside the store."""
    folder = getattr(graph, "folder", None)
    return folder is not None and all(kept.has(folder, name) for name in _names(named.text))


def prepare(graph, named: catalogue.NamedQuery, timeout: float | None = None,
            forked: bool = True) -> int:
    """Run ``named`` over ``graph``'s store in a child process Ctrl-C stops at once, and keep
    its answer and pages beside the store in one transaction; the number of rows.
    ``forked`` False: in this process (a store still being written by a thread, at merge).

    Raises :class:`kg.query.killable.QueryTimeout` after ``timeout`` seconds (None: none)
    and ``KeyboardInterrupt`` on Ctrl-C, keeping nothing of this query either way."""
    answered = kept.read_answer(graph.folder, kept.answer_name(named.text))
    if answered is not None:  # kept already ('aikg add' keeps the ladder's): pages only
        try:
            return keep(graph, named.text, answered)
        except (SyntaxError, ValueError, OSError):
            pass  # damaged: answered again
    if not forked:
        return keep(graph, named.text,
                    graph.run(named.text).serialize(format=ox.QueryResultsFormat.JSON))
    chunks: list[bytes] = []

    def work(out) -> None:
        graph.cache_results = False  # in the child: the parent keeps what it receives
        out.write(graph.run(named.text).serialize(format=ox.QueryResultsFormat.JSON))

    killable.run(work, chunks.append, timeout)
    return keep(graph, named.text, b"".join(chunks))


def keep(graph, text: str, data: bytes) -> int:
    """Keep ``data`` (the SPARQL JSON results of the shipped query ``text`` over ``graph``)
    and its :data:`PAGES`, all in one transaction; the number of rows."""
    results = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    entries = {kept.answer_name(text): kept.compress(data)}
    if isinstance(results, ox.QuerySolutions):
        names, rows, more = formats.page_rows(results)
        labels = graph.labels()
        for fmt, labelled in PAGES:
            entries[kept.table_name(text, fmt, labelled)] = formats.show_page(
                names, rows, more, fmt, labels if labelled else None, graph.prefixes)
        count = len(rows) + more
    else:
        count = 1
    if not kept.write_together(graph.folder, entries):
        raise KGError(f"Could not keep the answer in {graph.folder / kept.DB}; check that "
                      "the workspace folder is writable.")
    return count


def prepare_all(graph, queries: list[catalogue.NamedQuery],
                say: Callable[[str], None] | None = None,
                forked: bool = True) -> list[tuple[str, int, float]]:
    """Prepare each of ``queries`` not prepared yet (``forked``: as :func:`prepare`), telling
    ``say`` before and after each; (name, rows, seconds) of those prepared now."""
    done, tell = [], say if forked else None  # at merge: only what each query took
    for at, named in enumerate(queries, 1):
        if is_prepared(graph, named):
            if tell:
                tell(f"[{at}/{len(queries)}] {named.name}: prepared before")
            continue
        if tell:
            tell(f"[{at}/{len(queries)}] {named.name}: running...")
        started = time.monotonic()
        rows = prepare(graph, named, forked=forked)
        seconds = time.monotonic() - started
        done.append((named.name, rows, seconds))
        if say:
            say(f"[{at}/{len(queries)}] {named.name}: {rows:,} rows in {seconds:.1f} s"
                + ("" if forked else " (in memory)"))
    return done


def _names(text: str) -> list[str]:
    return [kept.answer_name(text)] + [kept.table_name(text, f, l) for f, l in PAGES]
