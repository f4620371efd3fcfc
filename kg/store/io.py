"""Writing files so that a failure never leaves a half-written one behind, and a folder of
files (the release) replaced as a whole. Reading untrusted input files: :mod:`kg.store.inputs`."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

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
    return KGError(f"Cannot write '{path}': {reason}; choose a writable path.")


def is_read_only(path: Path, info: os.stat_result) -> bool:
    """Whether the shell would refuse ``> path``: no write permission for us. Root may write
    anything, so for root a file is read-only when nobody may write it (``chmod a-w``)."""
    if os.geteuid() == 0:
        return not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    return not os.access(path, os.W_OK)


def refuse_read_only(path: Path, info: os.stat_result | None = None) -> None:
    """Raise :class:`KGError` when ``path`` exists and is read-only (see :func:`is_read_only`)."""
    if info is None:
        try:
            info = os.stat(path)
        except OSError:
            return
    if stat.S_ISREG(info.st_mode) and is_read_only(path, info):
        raise KGError(f"{path} is read-only; make it writable (chmod u+w '{path}') "
                      "or choose another path.")


def atomic_write(path: Path, data: bytes | Callable[[BinaryIO], None]) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    ``data``: the bytes, or a function that writes them to the binary file it is given (a
    large answer streams to the temporary file instead of being held whole; an exception it
    raises leaves no file, as a failed write does).

    The rules every output (``-o``, ``--html``, pages, release files) follows:

    - missing folders on the way are created (and removed again if the write fails);
    - a read-only file is refused, as the shell does (:func:`refuse_read_only`);
    - an existing file keeps its permissions; a file with other hard links is rewritten in
      place, as the shell does, so the links keep sharing it;
    - a symlink is followed and its target replaced (the link stays a link); a FIFO or
      device (``/dev/stdout``) is written to directly, since renaming over it would replace
      the device with a regular file;
    - temporary files left by a killed run (``.NAME.*.tmp``) are removed.
    """
    path = Path(path)
    try:
        info = os.stat(path)  # follows symlinks
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise KGError(f"Cannot write '{path}': a folder on its way is a file; "
                      "choose another path.") from None
    except OSError as error:
        raise _cannot_write(path, error) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise KGError(f"Cannot write '{path}': it is a folder; choose a file path.")
        _write_in_place(path, data)
        return
    if info is not None:
        refuse_read_only(path, info)
        if info.st_nlink > 1:
            _write_in_place(path, data)
            return
    if path.is_symlink():
        path = Path(os.path.realpath(path))  # a dangling link is created at its target
    created = _make_parents(path)
    try:
        _replace(path, data, stat.S_IMODE(info.st_mode) if info is not None else None)
    except BaseException:
        for folder in created:  # deepest first; only the ones made here, and only if empty
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _make_parents(path: Path) -> list[Path]:
    """Create the missing folders above ``path``; return them, deepest first."""
    folder = path.parent if str(path.parent) else Path(".")
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    if missing:
        ensure_folder(missing[0])
    return missing


def _temp_file(folder: Path, name: str, mode: int) -> tuple[int, str]:
    """Create a new, uniquely named file in ``folder``, locked while this process lives, after
    removing the unlocked ones a killed run left (``tempfile.mkstemp`` forces 0o600)."""
    remove_abandoned(folder, f".{name}.*.tmp")
    for _ in range(100):
        tmp = str(folder / f".{name}.{os.urandom(4).hex()}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
        except FileExistsError:
            continue
        fcntl.flock(fd, fcntl.LOCK_EX)  # released by the kernel however the process ends
        return fd, tmp
    raise FileExistsError(f"no free temporary name beside '{name}'")


def _write_in_place(path: Path, data) -> None:
    try:
        with open(path, "wb") as handle:
            _fill(handle, data)
    except OSError as error:
        raise _cannot_write(path, error) from None


def _fill(handle: BinaryIO, data) -> None:
    if isinstance(data, (bytes, bytearray, memoryview)):
        handle.write(data)
    else:
        data(handle)


def _replace(path: Path, data, mode: int | None) -> None:
    """Write a temporary file beside ``path`` and rename it over ``path``.

    ``mode``: the existing file's permissions, or None for a new file, which then gets what
    ``open()`` would give it (0o666 less the umask, applied by the kernel at creation).
    """
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = _temp_file(folder, path.name, 0o600 if mode is not None else 0o666)
    except OSError as error:
        raise _cannot_write(path, error) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            _fill(handle, data)
            handle.flush()
            if mode is not None:
                os.chmod(tmp, mode)
            os.replace(tmp, path)  # still locked: a concurrent writer never removes it
    except BaseException as error:  # KeyboardInterrupt too: never leave the temp file behind
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _cannot_write(path, error) from None
        raise


# -- leftovers of killed runs, and a swap that SIGINT cannot cut in half -------------------------
def _try_lock(path: Path) -> int | None:
    """An fd holding an exclusive lock on ``path`` (file or folder), or None when a live
    process holds it (or it vanished)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def remove_abandoned(folder: Path, pattern: str) -> None:
    """Remove the files and folders matching ``pattern`` in ``folder`` that no live process
    holds locked: what a run killed with SIGKILL (or a power cut) left behind."""
    for leftover in sorted(Path(folder).glob(pattern)):
        fd = _try_lock(leftover)
        if fd is None:
            continue
        try:
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
        finally:
            os.close(fd)


@contextlib.contextmanager
def deferred_interrupts():
    """Hold SIGINT and SIGTERM until the block ends, then act on them as usual.

    Only the main thread receives Python's KeyboardInterrupt, so elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {sig: signal.signal(sig, lambda number, frame: caught.append(number))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        if caught:
            signal.raise_signal(caught[0])


# -- a folder of files replaced as a whole: staged, marked ready, then rolled forward ----------
READY = ".ready"


def staging_folder(target: Path, prefix: str = ".staging-") -> tuple[Path, int]:
    """A new ``PREFIX*`` folder in ``target`` and the fd that locks it while we live.

    Staged files are published by :func:`publish`; a staging folder whose process died is
    finished or removed by :func:`recover_staged` on the next run.
    """
    import tempfile

    for _ in range(100):
        staging = Path(tempfile.mkdtemp(prefix=prefix, dir=target))
        fd = _try_lock(staging)
        if fd is not None and os.path.samestat(os.fstat(fd), os.stat(staging)):
            return staging, fd
        if fd is not None:  # another run's recovery took it before we locked it: try again
            os.close(fd)
    raise FileExistsError(f"no staging folder could be made in '{target}'")


def publish(staging: Path, target: Path, last: str) -> None:
    """Move every file of ``staging`` into ``target``, ``last`` last, and remove ``staging``.

    The staged files are synced and marked ready first: from then on, a run killed halfway
    (SIGKILL, power cut) is finished by the next run's :func:`recover_staged` rather than left
    mixed, and SIGINT or SIGTERM are held until the moves are done.
    """
    for child in staging.iterdir():
        with open(child, "rb") as handle:
            os.fsync(handle.fileno())
    _sync_folder(staging)
    with _locked(target), deferred_interrupts():  # two builds at once publish one by one
        (staging / READY).touch()
        _sync_folder(staging)
        _roll_forward(staging, target, last)
    _sync_folder(target)


def recover_staged(target: Path, last: str) -> None:
    """Finish the ready staging folders of killed runs in ``target`` and remove the others
    (folders locked by a live run are left alone)."""
    leftovers = sorted(Path(target).glob(".staging-*"))
    if not leftovers:
        return
    with _locked(target):
        for leftover in leftovers:
            _recover(leftover, target, last)


def _recover(leftover: Path, target: Path, last: str) -> None:
    fd = _try_lock(leftover)
    if fd is None:
        return
    try:
        if (leftover / READY).exists():
            with deferred_interrupts():
                _roll_forward(leftover, target, last)
        shutil.rmtree(leftover, ignore_errors=True)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _locked(folder: Path):
    """Hold an exclusive lock on ``folder`` (waiting for it) for the block."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _roll_forward(staging: Path, target: Path, last: str) -> None:
    names = sorted((n for n in os.listdir(staging) if n != READY), key=lambda n: (n == last, n))
    for name in names:
        with contextlib.suppress(FileNotFoundError):  # moved before the run was killed
            os.replace(staging / name, target / name)
    (staging / READY).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        staging.rmdir()


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
