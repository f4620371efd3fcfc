"""The W3C result formats written so that the data comes back exact.

pyoxigraph writes JSON and TSV exactly; two of its writers lose data, so the answers go
through these instead:

- **CSV** (W3C SPARQL 1.1 CSV, RFC 4180): pyoxigraph leaves a field unquoted when it is an
  IRI holding a comma, so ``http://e.org/a,b`` reads back as two cells. Here every field
  holding a comma, a double quote, a CR or a LF is quoted (quotes doubled), whatever its kind;
  rows end with CR LF, as both documents say.
- **XML**: pyoxigraph writes a carriage return inside a literal as it is, and an XML reader
  turns it into a line feed; here it is written ``&#13;``, which reads back as CR. Characters
  XML 1.0 cannot carry at all (controls other than tab, LF and CR; U+FFFE, U+FFFF) make the
  answer refused with the formats that can carry them, rather than written as a document
  no XML reader accepts.

Both stream: rows are written as they come, so a large answer is never held whole.
"""

from __future__ import annotations

import csv
import io
import re

import pyoxigraph as ox

from kg.errors import QueryError

_BATCH = 2048  #: rows per write (one write per row costs 3x more)
#: bytes of characters XML 1.0 excludes (none is part of a longer UTF-8 sequence), and the
#: UTF-8 of U+FFFE and U+FFFF
_NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


def csv_cell(term) -> str:
    """A term as the W3C CSV format writes it: IRIs and literals bare, blank nodes ``_:b``."""
    if term is None:
        return ""
    kind = type(term)
    if kind is ox.NamedNode or kind is ox.Literal:
        return term.value
    if kind is ox.BlankNode:
        return "_:" + term.value
    return str(term)  # an RDF-star triple: in N-Triples syntax


def write_csv(solutions: ox.QuerySolutions, out) -> None:
    """Write SELECT solutions as W3C CSV to the binary file ``out``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # QUOTE_MINIMAL: , " CR LF
    writer.writerow([v.value for v in solutions.variables])
    cell = csv_cell
    rows = 0
    for row in solutions:
        writer.writerow([cell(term) for term in row])
        rows += 1
        if rows % _BATCH == 0:
            out.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
    out.write(buffer.getvalue().encode("utf-8"))


class XmlOut:
    """A binary file wrapper for pyoxigraph's XML results writer: CR as ``&#13;``; a
    character XML cannot carry raises :class:`QueryError`."""

    def __init__(self, out):
        self.out = out
        self._tail = b""  # U+FFFE's three bytes may arrive in two writes

    def write(self, data) -> int:
        data = bytes(data)
        bad = _NOT_XML.search(self._tail + data)
        self._tail = data[-2:]
        if bad:
            char = bad.group().decode("utf-8")
            raise QueryError(f"The answer holds the character U+{ord(char):04X}, which XML 1.0 "
                             "cannot carry; ask for json, tsv or csv instead.")
        self.out.write(data.replace(b"\r", b"&#13;"))
        return len(data)

    def flush(self) -> None:
        if hasattr(self.out, "flush"):
            self.out.flush()


def write_xml(results, out) -> None:
    """Write SELECT solutions or an ASK boolean as SPARQL XML results to ``out``."""
    results.serialize(XmlOut(out), format=ox.QueryResultsFormat.XML)
