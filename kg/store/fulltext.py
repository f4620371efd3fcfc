"""The full-text index kept beside a workspace store (``aikg search`` without a scan).

Searching labels, alternative labels and definitions with a SPARQL ``CONTAINS`` reads every
text of the graph on every call: 5-37 s with O*NET in a workspace. A merged store never
changes under its key, so the texts are indexed once, when the store is written (``aikg
add``), in its ``kept.db`` (:mod:`kg.store.kept`): an SQLite FTS5 table with the trigram
tokenizer, which finds any substring of three characters or more, case-insensitively, like
``CONTAINS(LCASE(...))``. Shorter texts scan the indexed texts instead (still no SPARQL).

The index only narrows the candidates: the caller keeps those whose text really contains
the words (the same test the query makes), so a tokenizer's idea of case cannot add a hit.
It is complete only when its ``about`` row says :data:`VERSION`; anything else (absent, an
older layout, a write that failed half-way) reads as no index, and the query runs instead.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kg.store.kept import _connect, _transaction

#: The layout of the index; a kept index of another layout is not read (the query runs).
VERSION = "fulltext 1"
_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS search_text USING fts5(
    text, entity UNINDEXED, kind UNINDEXED, tokenize = 'trigram');
CREATE TABLE IF NOT EXISTS search_entity (entity TEXT NOT NULL, label TEXT NOT NULL,
                                          lang TEXT, type TEXT, type_lang TEXT);
CREATE INDEX IF NOT EXISTS search_entity_by_iri ON search_entity (entity);
CREATE TABLE IF NOT EXISTS search_class (entity TEXT NOT NULL, class TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS search_class_by_class ON search_class (class, entity);
"""
#: the trigram tokenizer indexes runs of three characters: shorter words are scanned
TRIGRAM = 3


def write(folder: Path, texts, entities, classes) -> bool:
    """Keep the index in one transaction: ``texts`` (text, entity, kind) with kind one of
    label, altLabel, definition; ``entities`` (entity, label, lang, type, type_lang), the
    label rows search answers with; ``classes`` (entity, class), every class of an entity,
    superclasses included. Best effort: False when it could not be written."""
    connection = _connect(folder, write=True)
    if connection is None:
        return False
    try:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                connection.execute(statement)
        with _transaction(connection):
            connection.execute("DELETE FROM about WHERE key = ?", (VERSION,))
            for table in ("search_text", "search_entity", "search_class"):
                connection.execute(f"DELETE FROM {table}")
            connection.executemany("INSERT INTO search_text VALUES (?, ?, ?)", texts)
            connection.executemany("INSERT INTO search_entity VALUES (?, ?, ?, ?, ?)", entities)
            connection.executemany("INSERT INTO search_class VALUES (?, ?)", classes)
            connection.execute("INSERT OR REPLACE INTO about VALUES (?, '')", (VERSION,))
    except sqlite3.Error:
        return False
    return True


def present(folder: Path | None) -> bool:
    """Whether a complete index of this layout is kept in ``folder``."""
    connection = _connect(folder, write=False) if folder is not None else None
    if connection is None:
        return False
    try:
        return connection.execute("SELECT 1 FROM about WHERE key = ?",
                                  (VERSION,)).fetchone() is not None
    except sqlite3.Error:
        return False


def candidates(folder: Path, folded: str, cls: str | None = None) -> list[tuple] | None:
    """(entity, kind, text) rows whose text may contain ``folded`` (lower case), within the
    entities of ``cls`` when given; None when no complete index is kept."""
    if not present(folder):
        return None
    connection = _connect(folder, write=False)
    where, params = [], []
    if len(folded) >= TRIGRAM:
        where.append("search_text MATCH ?")
        params.append('"' + folded.replace('"', '""') + '"')  # one phrase: no FTS syntax
    elif folded:  # shorter than a trigram: scanned, but only the hits leave SQLite (0.1 s)
        connection.create_function("contains_folded", 2, _contains, deterministic=True)
        where.append("contains_folded(text, ?)")
        params.append(folded)
    if cls is not None:
        where.append("entity IN (SELECT entity FROM search_class WHERE class = ?)")
        params.append(cls)
    sql = "SELECT entity, kind, text FROM search_text" + (
        " WHERE " + " AND ".join(where) if where else "")
    try:
        return connection.execute(sql, params).fetchall()
    except sqlite3.Error:
        return None


def _contains(text, folded) -> bool:
    return isinstance(text, str) and folded in text.lower()


def entities(folder: Path, iris: list[str]) -> list[tuple] | None:
    """(entity, label, lang, type, type_lang) rows of ``iris``; None when unreadable."""
    connection = _connect(folder, write=False)
    if connection is None:
        return None
    rows = []
    try:
        for start in range(0, len(iris), 500):  # SQLite's bound-parameter limit
            chunk = iris[start:start + 500]
            rows += connection.execute(
                "SELECT entity, label, lang, type, type_lang FROM search_entity WHERE entity IN ("
                + ",".join("?" * len(chunk)) + ")", chunk).fetchall()
    except sqlite3.Error:
        return None
    return rows
