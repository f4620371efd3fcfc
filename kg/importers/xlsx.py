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
from xml.etree.ElementTree import ParseError
from xml.parsers import expat
from xml.parsers.expat import ExpatError

from kg.errors import SourceError

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


#: The sheet's limits, as Excel's own: columns A to XFD, 32,767 characters a cell (a cell of
#: more is not from a spreadsheet program); O*NET 29.2's largest shared-string table holds
#: 36,000 strings in 2 MB. Past these a file is refused rather than read into memory: a
#: 2.1 MB zip once unpacked into 50M shared strings (4.7 GB), and a cell reference
#: ``ZZZZZZZ1`` asked for a row of 8 billion cells.
MAX_COLUMNS = 16_384
MAX_CELL_CHARS = 32_767
MAX_SHARED_STRINGS = 1_000_000
MAX_SHARED_CHARS = 64 << 20
#: bytes of sheet XML read at most (O*NET's largest sheet, Skills, is 35 MB unpacked)
MAX_SHEET_BYTES = 1 << 30


class _Limit(ValueError):
    """A part of the file past one of the limits above (the message says which)."""


@lru_cache(maxsize=4096)
def _column_of(letters: str) -> int:
    if not (1 <= len(letters) <= 3 and letters.isascii() and letters.isupper()):
        raise _Limit(f"the cell reference column '{letters[:12]}' is not one of A to XFD")
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    if index > MAX_COLUMNS:
        raise _Limit(f"the cell reference column '{letters}' is past XFD, the last column")
    return index - 1


def _column(ref: str) -> int:
    """``'C12'`` -> 2 (zero-based column index)."""
    return _column_of(ref.rstrip("0123456789"))


def _shared_strings(book: zipfile.ZipFile, path: Path) -> list[str]:
    """The shared-string table, streamed with expat (ElementTree's iterparse keeps every
    element it has seen under the root), within :data:`MAX_SHARED_STRINGS` and
    :data:`MAX_SHARED_CHARS`."""
    try:
        part = book.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings: list[str] = []
    current: list[str] | None = None
    capture = False
    total = 0

    def start(name, attrs):
        nonlocal current, capture
        name = name.rpartition(":")[2]
        if name == "si":
            if len(strings) >= MAX_SHARED_STRINGS:
                raise _Limit(f"over {MAX_SHARED_STRINGS:,} shared strings")
            current = []
        elif name == "t" and current is not None:
            capture = True

    def end(name):
        nonlocal current, capture
        name = name.rpartition(":")[2]
        if name == "si" and current is not None:
            strings.append("".join(current))
            current = None
        elif name == "t":
            capture = False

    def chars(data):
        nonlocal total
        if capture and current is not None:
            total += len(data)
            if total > MAX_SHARED_CHARS:
                raise _Limit(f"over {MAX_SHARED_CHARS:,} characters of shared strings")
            current.append(data)

    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = chars
    with part:
        while chunk := part.read(1 << 16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
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
                read = 0
                while chunk := sheet.read(1 << 16):
                    read += len(chunk)
                    if read > MAX_SHEET_BYTES:
                        raise _Limit(f"a sheet of over {MAX_SHEET_BYTES:,} bytes unpacked")
                    reader.parser.Parse(chunk, False)
                    for row in reader.take():
                        row_number = row[0]
                        yield row
                reader.parser.Parse(b"", True)
                for row in reader.take():
                    row_number = row[0]
                    yield row
    except _Limit as error:
        raise SourceError(f"{path}, row {row_number + 1}: {error}, past what an O*NET "
                          "spreadsheet holds; the file is damaged or not from O*NET.") from None
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
            if self.column >= MAX_COLUMNS:
                raise _Limit(f"over {MAX_COLUMNS:,} cells in a row")
            self.kind = attrs.get("t")
            self.text = []
            self.chars_in_cell = 0
        elif name == "row":
            self.number = int(attrs.get("r") or self.number + 1)
            self.values = []
        elif name in ("v", "t") and self.text is not None:
            self.capture = True

    def chars(self, data: str) -> None:
        if self.text is not None and getattr(self, "capture", False):
            self.chars_in_cell += len(data)
            if self.chars_in_cell > MAX_CELL_CHARS:
                raise _Limit(f"a cell of over {MAX_CELL_CHARS:,} characters")
            self.text.append(data)

    def end(self, name: str) -> None:
        name = name.rpartition(":")[2]
        if name in ("v", "t"):
            self.capture = False
        elif name == "c":
            text = "".join(self.text or ())
            if self.kind == "s" and text:
                index = int(text)
                if not 0 <= index < len(self.strings):
                    raise _Limit(f"shared string {index} of {len(self.strings):,}")
                text = self.strings[index]
            if self.column > len(self.values):
                self.values.extend([""] * (self.column - len(self.values)))
            self.values.append(text)
            self.text = None
        elif name == "row":
            self.done.append((self.number, self.values))
