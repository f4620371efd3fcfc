"""What both importers share: namespaces, term helpers, checked tables, the atomic writer."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from kg.errors import SourceError
from kg.terminal import escape

AIL = "https://w3id.org/ai-leadership-kg/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = {"ail": AIL, "rdfs": RDFS, "skos": SKOS, "dcterms": DCT, "owl": OWL, "xsd": XSD}

#: progress callback: (file name, rows read so far); called every PROGRESS_EVERY rows and at the end
Progress = Callable[[str, int], None]
PROGRESS_EVERY = 5000


def ail(name: str) -> ox.NamedNode:
    return ox.NamedNode(AIL + name)


def iri(text: str) -> ox.NamedNode:
    return ox.NamedNode(text)


def slug(text: str) -> str:
    """A stable IRI segment for a name: spaces as ``_``, everything else percent-encoded."""
    return quote(text.strip().replace(" ", "_"), safe="_-.~")


def en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def string(text: str) -> ox.Literal:
    return ox.Literal(text)


def code(text: str) -> ox.Literal:
    """A classification code for skos:notation, typed ``ail:Code`` (an identifier, not a number)."""
    return ox.Literal(text, datatype=ox.NamedNode(AIL + "Code"))


def integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def boolean(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))


def decimal(text: str, where: str) -> ox.Literal:
    """An xsd:decimal from the text in the file (kept as written, so output is exact)."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise SourceError(f"{where}: '{text}' is not a number; the file looks damaged, "
                          "download it again.") from None
    if not value.is_finite():
        raise SourceError(f"{where}: '{text}' is not a finite number.")
    return ox.Literal(format(value.normalize() if value == value.to_integral() else value, "f"),
                      datatype=ox.NamedNode(XSD + "decimal"))


def triple(s, p, o) -> ox.Triple:
    return ox.Triple(s, p, o)


class Table:
    """Rows of one published file, checked against the columns the importer reads.

    ``rows`` yields ``(row number, values)`` with the header first. Columns are looked up by
    name, so a reordered file still works; a missing or renamed column, or a row shorter than
    the header, raises :class:`SourceError` naming the file (and row).
    """

    def __init__(self, path: Path, rows: Iterator[tuple[int, list[str]]], columns: Iterable[str],
                 progress: Progress | None = None):
        self.path, self.progress = path, progress
        self._rows = rows
        try:
            number, header = next(rows)
        except StopIteration:
            raise SourceError(f"{path}: the file is empty; download it again.") from None
        header = [h.strip() for h in header]
        self.index = {}
        for name in columns:
            if name not in header:
                found = ", ".join(f"'{h}'" for h in header if h) or "none"
                raise SourceError(f"{path}, row {number}: no column '{name}' (found {found}); "
                                  "the file is not the published one or comes from another "
                                  "release.")
            self.index[name] = header.index(name)
        self.width = max(self.index.values()) + 1

    def __iter__(self) -> Iterator[tuple[str, dict[str, str]]]:
        count = 0
        for number, values in self._rows:
            if not any(v.strip() for v in values):
                continue
            where = f"{self.path}, row {number}"
            if len(values) < self.width:
                values = values + [""] * (self.width - len(values))
            yield where, {name: values[i].strip() for name, i in self.index.items()}
            count += 1
            if self.progress and count % PROGRESS_EVERY == 0:
                self.progress(self.path.name, count)
        if self.progress:
            self.progress(self.path.name, count)


def require(value: str, column: str, where: str) -> str:
    if not value:
        raise SourceError(f"{where}: the '{column}' cell is empty; the file looks truncated "
                          "or edited, download it again.")
    return value


def checked_iri(value: str, column: str, where: str) -> ox.NamedNode:
    """The IRI in a cell, or :class:`SourceError` naming the cell when it is empty or not an
    IRI (a control character, a space): the value is shown escaped, never raw."""
    try:
        return ox.NamedNode(require(value, column, where))
    except ValueError:
        shown = escape(value if len(value) <= 80 else value[:80] + "...")
        raise SourceError(f"{where}: the '{column}' cell '{shown}' is not an IRI; the file "
                          "looks damaged or edited, download it again.") from None


def write_turtle(triples: Iterable[ox.Triple], output: Path, prefixes: dict[str, str],
                 header: str = "") -> None:
    """Stream ``triples`` as Turtle into a temporary file beside ``output``, then rename.

    On any error the temporary file is removed and ``output`` is untouched.
    """
    output = Path(output)
    if output.is_dir():
        raise SourceError(f"Cannot write '{output}': it is a folder; give a file path with -o.")
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise SourceError(f"Cannot write '{output}': the folder '{folder}' does not exist.")
    temp = folder / f".{output.name}.{secrets.token_hex(4)}.tmp"
    try:
        with open(temp, "wb") as handle:
            handle.write("".join(f"# {line}\n" for line in header.splitlines()).encode())
            ox.serialize(triples, handle, ox.RdfFormat.TURTLE, prefixes=prefixes)
        os.replace(temp, output)
    except OSError as error:
        raise SourceError(f"Cannot write '{output}': {(error.strerror or str(error)).lower()}; "
                          "choose a writable path with -o.") from None
    finally:
        temp.unlink(missing_ok=True)
