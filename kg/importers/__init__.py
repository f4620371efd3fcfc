"""Importers: the public O*NET and ESCO files as Turtle in this graph's vocabulary.

``kg.importers.onet.import_onet(DIR, FILE)`` and ``kg.importers.esco.import_esco(DIR, FILE)``
read the files as published (O*NET's Excel sheets, ESCO's CSV and profiles parquet), stream
them row by row and write one deterministic Turtle file atomically (nothing is left behind
on an error). Every resource cites the file it comes from (an ``ail:SourceSection`` that is
part of ``ail:SourceDocument_ONET`` / ``ail:SourceDocument_ESCO``, which carry the licence's
attribution in ``dcterms:rights``). Bad input raises :class:`kg.errors.SourceError` naming
the file and row. :mod:`kg.importers.xlsx` is the streaming spreadsheet reader and
:mod:`kg.importers.profiles` checks ESCO's parquet file before decoding it; both refuse a
file past what the published ones hold (docs/security.md).

:mod:`kg.importers.align` aligns the vocabularies once they are in one graph (ESCO and O*NET
occupations, skills across the guide, O*NET and ESCO) and reads and writes SSSOM mapping
tables (docs/alignment.md).
"""
