"""Reading untrusted input files (``--with``) within limits.

Folders, FIFOs, sockets and devices are refused; files over ``AIKG_MAX_FILE_BYTES`` and
literals over ``AIKG_MAX_LITERAL_BYTES`` too, each with one line naming the file and the
variable that raises the limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kg.errors import KGError, SourceError

#: Environment variables that raise (or lower) the input limits, and their defaults.
MAX_FILE_BYTES = "AIKG_MAX_FILE_BYTES"
MAX_LITERAL_BYTES = "AIKG_MAX_LITERAL_BYTES"
DEFAULT_MAX_FILE_BYTES = 512 * 2**20
DEFAULT_MAX_LITERAL_BYTES = 2**20


def limit(variable: str) -> int:
    """The byte limit set by environment ``variable`` (one of the two above), or its default."""
    default = DEFAULT_MAX_FILE_BYTES if variable == MAX_FILE_BYTES else DEFAULT_MAX_LITERAL_BYTES
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise KGError(f"{variable}={text!r} is not a positive number of bytes; "
                      f"set it to a whole number such as {default}.")
    return value


_KINDS = {stat.S_ISDIR: "a folder", stat.S_ISFIFO: "a FIFO (named pipe)",
          stat.S_ISSOCK: "a socket", stat.S_ISCHR: "a character device",
          stat.S_ISBLK: "a block device"}


def _refuse_special(path: Path, mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS.items() if test(mode)), "not a regular file")
        raise SourceError(f"{path}: {kind}, not a regular file; give a file saved on disk.")


class LimitedReader:
    """A binary file that reads at most ``limit`` bytes; ``exceeded`` says whether it had more.

    A parser reading from it sees the end of the file at the limit, so a file that grows while
    it is read (or a ``/proc`` file that says it is empty) cannot be read forever.
    """

    def __init__(self, handle, limit: int):
        self.handle, self.limit, self.read_so_far, self.exceeded = handle, limit, 0, False

    def read(self, size: int = -1) -> bytes:
        room = self.limit + 1 - self.read_so_far
        if room <= 0 or self.exceeded:
            return b""
        data = self.handle.read(room if size is None or size < 0 else min(size, room))
        self.read_so_far += len(data)
        if self.read_so_far > self.limit:
            self.exceeded = True
            return b""
        return data

    def close(self) -> None:
        self.handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def too_large(path: Path | str, size: int | None = None) -> SourceError:
    """The error for an input file over the file-size limit (``size`` when known)."""
    cap = limit(MAX_FILE_BYTES)
    what = f"{size:,} bytes, over" if size is not None else "over"
    return SourceError(f"{path}: {what} the {cap:,}-byte limit for input files; "
                       f"raise it with {MAX_FILE_BYTES}=BYTES.")


def open_input(path: Path | str) -> LimitedReader:
    """Open the input file ``path`` for reading, within the file-size limit.

    Refuses (:class:`SourceError`, one line naming the file) folders, FIFOs, sockets and
    devices (``/dev/zero`` reads forever, a FIFO blocks), and files larger than
    ``AIKG_MAX_FILE_BYTES`` (default 512 MiB). The kind is checked again on the opened file
    (opened non-blocking, so a FIFO swapped in meanwhile does not wait for a writer).
    """
    path = Path(path)
    cap = limit(MAX_FILE_BYTES)
    try:
        _refuse_special(path, os.stat(path).st_mode)  # never open a device: opening one can act
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file; check the path.") from None
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise SourceError(f"{path}: cannot read it ({reason}).") from None
    handle = os.fdopen(fd, "rb")
    try:
        info = os.fstat(fd)
        _refuse_special(path, info.st_mode)
        if info.st_size > cap:
            raise too_large(path, info.st_size)
        os.set_blocking(fd, True)
    except BaseException:
        handle.close()
        raise
    return LimitedReader(handle, cap)
