"""Reading untrusted input files within limits, and writing files so that a failure never
leaves a half-written one behind."""

from __future__ import annotations

import os
import secrets
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


def ensure_folder(path: Path | str) -> Path:
    """Create the output folder ``path`` (and its parents) if missing; return it as a Path.

    Raises :class:`KGError` with a one-line message when ``path`` is a file or cannot be
    created (a file on the way, no permission, a read-only file system).
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise KGError(f"'{path}' is a file, not a folder; give a folder with -o.")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except NotADirectoryError:  # strerror would say "not a directory" about the wrong name
        raise KGError(f"Cannot create '{path}': a folder on its way is a file; "
                      "give a writable folder with -o.") from None
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise KGError(f"Cannot create '{path}': {reason}; give a writable folder with -o.") from None
    return path


def _cannot_write(path: Path, error: OSError) -> KGError:
    reason = (error.strerror or str(error)).lower()
    return KGError(f"Cannot write '{path}': {reason}; choose a writable path with -o.")


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    An existing file keeps its permissions; a symlink is followed and its target replaced
    (the link stays a link); a FIFO or device (``/dev/stdout``) is written to directly,
    since renaming over it would replace the device with a regular file.
    """
    path = Path(path)
    try:
        info = os.stat(path)  # follows symlinks
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise _cannot_write(path, error) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise KGError(f"Cannot write '{path}': it is a folder; choose a file path with -o.")
        _write_in_place(path, data)
        return
    if path.is_symlink():
        path = Path(os.path.realpath(path))  # a dangling link is created at its target
    _replace(path, data, stat.S_IMODE(info.st_mode) if info is not None else None)


def _temp_file(folder: Path, name: str, mode: int) -> tuple[int, str]:
    """Create a new, uniquely named file in ``folder``; ``tempfile.mkstemp`` forces 0o600."""
    for _ in range(100):
        tmp = str(folder / f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside '{name}'")


def _write_in_place(path: Path, data: bytes) -> None:
    try:
        with open(path, "wb") as handle:
            handle.write(data)
    except OSError as error:
        raise _cannot_write(path, error) from None


def _replace(path: Path, data: bytes, mode: int | None) -> None:
    """Write a temporary file beside ``path`` and rename it over ``path``.

    ``mode``: the existing file's permissions, or None for a new file, which then gets what
    ``open()`` would give it (0o666 less the umask, applied by the kernel at creation).
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise KGError(f"Cannot write '{path}': folder '{folder}' does not exist; create it first.")
    try:
        fd, tmp = _temp_file(folder, path.name, 0o600 if mode is not None else 0o666)
    except OSError as error:
        raise _cannot_write(path, error) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as error:  # KeyboardInterrupt too: never leave the temp file behind
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _cannot_write(path, error) from None
        raise
