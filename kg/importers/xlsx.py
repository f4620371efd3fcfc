"""A streaming reader for the one-sheet .xlsx files O*NET publishes.

An .xlsx file is a zip of XML parts; the sheet is parsed incrementally with expat and each
``<row>`` is handed out once parsed, so memory stays flat however long the sheet. Only
what O*NET's files use is supported: shared strings, inline strings and numbers in the first
worksheet. A file that is not a zip, lacks its parts or ends early raises :class:`ImportError_`
naming the file (and the row reached).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from xml.etree.ElementTree import ParseError, iterparse
from xml.parsers import expat
from xml.parsers.expat import ExpatError

from kg.errors import SourceError

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@lru_cache(maxsize=4096)
def _column_of(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _column(ref: str) -> int:
    """``'C12'`` -> 2 (zero-based column index)."""
    return _column_of(ref.rstrip("0123456789"))


def _shared_strings(book: zipfile.ZipFile, path: Path) -> list[str]:
    try:
        part = book.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings = []
    with part:
        for _, elem in iterparse(part, events=("end",)):
            if elem.tag == NS + "si":
                strings.append("".join(t.text or "" for t in elem.iter(NS + "t")))
                elem.clear()
    return strings


def _sheet_name(book: zipfile.ZipFile) -> str:
    names = sorted(n for n in book.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
    if not names:
        raise KeyError("xl/worksheets/sheet1.xml")
    return names[0]


def rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """``(row number, [cell text, ...])`` for every row of the first sheet, header included.

    Numbers are returned as their text in the file (``'4.12'``), empty cells as ``''``.
    The sheet is parsed with expat in 64 KiB chunks; rows are handed out as soon as their
    chunk is parsed.
    """
    row_number = 0
    try:
        with zipfile.ZipFile(path) as book:
            strings = _shared_strings(book, path)
            with book.open(_sheet_name(book)) as sheet:
                reader = _SheetReader(strings)
                while chunk := sheet.read(1 << 16):
                    reader.parser.Parse(chunk, False)
                    for row in reader.take():
                        row_number = row[0]
                        yield row
                reader.parser.Parse(b"", True)
                for row in reader.take():
                    row_number = row[0]
                    yield row
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile) as error:
        raise SourceError(f"{path}: not a readable .xlsx file ({error}); "
                          "download the file again.") from None
    except KeyError as error:
        raise SourceError(f"{path}: not an O*NET spreadsheet (missing part {error}).") from None
    except (ExpatError, ParseError, IndexError, ValueError, OSError, zlib.error) as error:
        raise SourceError(f"{path}, row {row_number + 1}: the spreadsheet is damaged or "
                          f"truncated ({error}); download the file again.") from None


class _SheetReader:
    """expat handlers collecting ``<row>``s of a worksheet into a list of finished rows."""

    def __init__(self, strings: list[str]):
        self.strings = strings
        self.done: list[tuple[int, list[str]]] = []
        self.values: list[str] = []
        self.number = 0
        self.kind: str | None = None
        self.column = 0
        self.text: list[str] | None = None
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.chars

    def take(self) -> list[tuple[int, list[str]]]:
        done, self.done = self.done, []
        return done

    def start(self, name: str, attrs: dict) -> None:
        name = name.rpartition(":")[2]
        if name == "c":
            ref = attrs.get("r")
            self.column = _column(ref) if ref else len(self.values)
            self.kind = attrs.get("t")
            self.text = []
        elif name == "row":
            self.number = int(attrs.get("r") or self.number + 1)
            self.values = []
        elif name in ("v", "t") and self.text is not None:
            self.capture = True

    def chars(self, data: str) -> None:
        if self.text is not None and getattr(self, "capture", False):
            self.text.append(data)

    def end(self, name: str) -> None:
        name = name.rpartition(":")[2]
        if name in ("v", "t"):
            self.capture = False
        elif name == "c":
            text = "".join(self.text or ())
            if self.kind == "s" and text:
                text = self.strings[int(text)]
            if self.column > len(self.values):
                self.values.extend([""] * (self.column - len(self.values)))
            self.values.append(text)
            self.text = None
        elif name == "row":
            self.done.append((self.number, self.values))
