"""Writing files so that a failure never leaves a half-written one behind."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from kg.errors import KGError


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
