"""A workspace folder as ``aikg`` uses it: private to its user, every operation relative to an
open descriptor, nothing followed through a symbolic link.

The threat model (docs/security.md): a workspace is written and read as its user, so it must
be that user's alone. A folder owned by someone else, or writable by its group or by others,
is refused with one line, as OpenSSH refuses a group-writable key: whoever can write it could
link ``digests.json`` to ``~/.bashrc`` or ``stores`` to another folder and have ``aikg``
write or delete there as you. Inside a private folder, every file and folder is still opened
with ``O_NOFOLLOW`` relative to its parent's descriptor, every read is capped, and what is
read is parsed strictly by its reader: a damaged workspace is one line, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import stat
from pathlib import Path

from kg.errors import KGError

_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_NOFOLLOW = os.O_NOFOLLOW

#: the record of a workspace's added files (kg.store.workspace)
STATE = "workspace.json"


def default_dir() -> Path:
    """The workspace folder: ``AIKG_WORKSPACE`` or the per-user data folder."""
    if os.environ.get("AIKG_WORKSPACE"):
        return Path(os.environ["AIKG_WORKSPACE"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "ai-leadership-kg" / "workspace"


class Folder:
    """An open folder of a workspace: names inside it are resolved against its descriptor."""

    def __init__(self, fd: int, path: Path):
        self.fd, self.path = fd, path

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def top(cls, path: Path, create: bool = False) -> Folder | None:
        """The workspace folder ``path`` (a link the user named is followed: it is theirs),
        checked private; None when it does not exist and ``create`` is false."""
        if create:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                os.mkdir(path, 0o700)
            except FileExistsError:
                pass
            except OSError as error:
                raise _cannot(path, "create", error) from None
        try:
            fd = os.open(path, _DIR)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise _cannot(path, "open", error) from None
        folder = cls(fd, path)
        folder._check_private()
        return folder

    def child(self, name: str, create: bool = False) -> Folder | None:
        """The folder ``name`` inside this one (made private when ``create``); None when it is
        missing. A link, or anything but a folder, is refused."""
        if create:
            try:
                os.mkdir(name, 0o700, dir_fd=self.fd)
            except FileExistsError:
                pass
            except OSError as error:
                raise _cannot(self.path / name, "create", error) from None
        try:
            fd = os.open(name, _DIR | _NOFOLLOW, dir_fd=self.fd)
        except FileNotFoundError:
            return None
        except OSError as error:
            if error.errno in (errno.ELOOP, errno.ENOTDIR):
                raise damaged(self.path / name, "a link or a file where a folder of the "
                              "workspace belongs") from None
            raise _cannot(self.path / name, "open", error) from None
        folder = Folder(fd, self.path / name)
        folder._check_private()
        return folder

    def _check_private(self) -> None:
        info = os.fstat(self.fd)
        if info.st_uid != os.geteuid():
            self.close()
            raise KGError(f"'{self.path}' belongs to another user (uid {info.st_uid}); a "
                          "workspace is read and written as you, so it must be yours: use a "
                          "folder of your own with --workspace DIR.")
        if info.st_mode & 0o022:
            self.close()
            raise KGError(f"'{self.path}' is writable by others (mode "
                          f"{stat.S_IMODE(info.st_mode):o}): anyone who can write it could "
                          "make 'aikg' write or delete files as you; make it yours alone "
                          f"(chmod go-w '{self.path}') or use another --workspace.")

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- files -----------------------------------------------------------------------------
    def info(self, name: str) -> os.stat_result | None:
        """``lstat`` of ``name`` (a link is reported as a link), or None when it is missing."""
        try:
            return os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None

    def read(self, name: str, cap: int) -> bytes | None:
        """The bytes of the regular file ``name``, or None when it is missing. A link, a FIFO,
        a device or a file over ``cap`` bytes is refused (:func:`damaged`): never followed,
        never waited on, never read without end."""
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | _NOFOLLOW,
                         dir_fd=self.fd)
        except FileNotFoundError:
            return None
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise damaged(self.path / name, "a symbolic link") from None
            raise _cannot(self.path / name, "read", error) from None
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise damaged(self.path / name, "not a regular file")
            if info.st_size > cap:
                raise damaged(self.path / name, f"{info.st_size:,} bytes, over the "
                              f"{cap:,} this file may hold")
            data = handle.read(cap + 1)
        if len(data) > cap:
            raise damaged(self.path / name, f"over the {cap:,} bytes this file may hold")
        return data

    def write(self, name: str, data: bytes) -> None:
        """Replace ``name`` with ``data``: a new file beside it, then renamed over it (a link
        named ``name`` is replaced, never followed)."""
        tmp = f".{name}.{os.urandom(4).hex()}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | _NOFOLLOW,
                         0o600, dir_fd=self.fd)
        except OSError as error:
            raise _cannot(self.path / name, "write", error) from None
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except BaseException as error:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=self.fd)
            if isinstance(error, OSError):
                raise _cannot(self.path / name, "write", error) from None
            raise

    def names(self) -> list[str]:
        return os.listdir(self.fd)

    def rename(self, old: str, new: str) -> None:
        os.rename(old, new, src_dir_fd=self.fd, dst_dir_fd=self.fd)

    def remove_tree(self, name: str) -> None:
        """Delete the folder ``name`` inside this one; a link there is only unlinked (rmtree
        on a descriptor never follows one)."""
        info = self.info(name)
        if info is None:
            return
        if not stat.S_ISDIR(info.st_mode):
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=self.fd)
            return
        shutil.rmtree(name, dir_fd=self.fd, ignore_errors=True)

    def temp_folder(self, prefix: str) -> str:
        """A new private folder ``PREFIX<random>`` inside this one; its name."""
        for _ in range(100):
            name = f"{prefix}{os.urandom(6).hex()}"
            try:
                os.mkdir(name, 0o700, dir_fd=self.fd)
                return name
            except FileExistsError:
                continue
        raise FileExistsError(f"no free name in '{self.path}'")

    @contextlib.contextmanager
    def locked(self, name: str = ".lock", waiting=None):
        """Hold an exclusive lock on the file ``name`` for the block; ``waiting()`` is called
        first when another process holds it (then this one waits for it)."""
        try:
            fd = os.open(name, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | _NOFOLLOW, 0o600,
                         dir_fd=self.fd)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise damaged(self.path / name, "a symbolic link") from None
            raise _cannot(self.path / name, "lock", error) from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if waiting is not None:
                    waiting()
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # the lock goes with the descriptor


class Unwritable(KGError):
    """A workspace folder that cannot be created, opened or written (no permission, a
    read-only file system, ``/proc``)."""


def damaged(path: Path, what: str) -> KGError:
    """The one line for a workspace file that is not what ``aikg`` wrote there."""
    return KGError(f"'{path}' is damaged ({what}); the workspace is not as 'aikg' left it: "
                   "delete that entry (or the workspace, with 'aikg remove --all') and "
                   "'aikg add' your files again.")


def _cannot(path: Path, verb: str, error: OSError) -> Unwritable:
    reason = (error.strerror or str(error)).lower()
    return Unwritable(f"Cannot {verb} '{path}': {reason}; use a workspace folder you can write "
                   "(--workspace DIR).")
