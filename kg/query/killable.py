"""Run a query in a child process that can be stopped at once: timeouts and Ctrl-C.

pyoxigraph evaluates a query in Rust without returning to Python, so neither a signal
handler nor ``signal.alarm`` can stop a running COUNT over a cartesian product. A forked
child can be killed. The child inherits the loaded store (fork copies nothing up front),
runs the work, and streams the bytes it writes back through a pipe; the parent passes them
on, and kills the child when the time is up, when the user presses Ctrl-C, or when the
output cannot be written. Where ``fork`` does not exist, the work runs in-process.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import selectors
import signal
import threading
import time
from collections.abc import Callable
from typing import BinaryIO

from kg import errors
from kg.errors import QueryError

_PR_SET_PDEATHSIG = 1
_CHUNK = 1 << 16


class QueryTimeout(QueryError):
    """A query ran longer than its time limit and was stopped."""


def run(work: Callable[[BinaryIO], None], sink: Callable[[bytes], None],
        timeout: float | None = None) -> None:
    """Call ``work(out)`` in a child process; pass every byte it writes to ``sink``.

    ``timeout`` is in seconds (None or 0: no limit). A :class:`kg.errors.KGError` raised by
    ``work`` is raised again here; :class:`QueryTimeout` when time runs out;
    ``KeyboardInterrupt`` (and any error from ``sink``) after the child has been killed.
    """
    if not hasattr(os, "fork"):
        import io

        out = io.BytesIO()
        work(out)
        sink(out.getvalue())
        return
    pid, data_r, status_r = _start(work)
    try:
        status = _relay(data_r, status_r, sink, timeout)
    except BaseException:
        _kill(pid)
        raise
    finally:
        os.close(data_r)
        os.close(status_r)
    _reap(pid, status)


class Forked:
    """``work()`` in a forked child while this process goes on: a second core for Python
    work the GIL would otherwise queue behind this process's own.

    :meth:`wait` returns once the child has finished and raises again the
    :class:`kg.errors.KGError` it raised; :meth:`poll` does the same without waiting when the
    child is still at work; :meth:`kill` stops it. Without ``fork`` the work runs at once.
    Start it before this process starts threads of its own: a forked child inherits locks
    other threads held, never the threads (``aikg add`` forks before its writer thread).
    """

    def __init__(self, work: Callable[..., None], output: bool = False):
        self._pid: int | None = None
        self._error: errors.KGError | None = None
        #: with ``output``, ``work(out)`` writes bytes for the parent: :meth:`wait` returns them
        self._output, self._data, self.result = output, None, b""
        call = (lambda out: work(out)) if output else (lambda out: work())
        if not hasattr(os, "fork"):
            import io

            buffer = io.BytesIO()
            try:
                call(buffer)
            except errors.KGError as error:
                self._error = error
            self.result = buffer.getvalue()
            return
        pid, data_r, self._status = _start(call)
        if output:
            self._data = data_r
        else:
            os.close(data_r)
        self._pid = pid

    @property
    def running(self) -> bool:
        """Whether the child is still at work (False once it finished, failed or was waited for)."""
        return self._pid is not None and not self._finished()

    def poll(self) -> None:
        """Raise the child's error now if it has already failed; else return at once."""
        if self._pid is not None and self._finished():
            self.wait()

    def _finished(self) -> bool:
        """The child wrote its status (or died): reading it will not wait."""
        return bool(select.select([self._status], [], [], 0)[0])

    def wait(self) -> bytes:
        """Wait for the child; its output (``output=True``), or raise its error."""
        if self._pid is None:
            if self._error is not None:
                raise self._error
            return self.result
        status = b""
        try:
            if self._data is not None:  # read both pipes: a full data pipe would block it
                chunks: list[bytes] = []
                status = _relay(self._data, self._status, chunks.append, None)
                self.result = b"".join(chunks)
            else:
                while chunk := os.read(self._status, _CHUNK):
                    status += chunk
        finally:
            os.close(self._status)
            if self._data is not None:
                os.close(self._data)
                self._data = None
        pid, self._pid = self._pid, None
        _reap(pid, status)
        return self.result

    def kill(self) -> None:
        if self._pid is not None:
            _kill(self._pid)
            os.close(self._status)
            if self._data is not None:
                os.close(self._data)
                self._data = None
            self._pid = None


def _start(work) -> tuple[int, int, int]:
    """Fork a child that runs ``work(out)``; its pid and the read ends of its data and
    status pipes. A Ctrl-C while forking stops it: the child is killed, KeyboardInterrupt
    raised."""
    data_r, data_w = os.pipe()
    status_r, status_w = os.pipe()
    with _ctrl_c_held() as pressed:
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(data_r)
            os.close(status_r)
            _child(work, data_w, status_w)
        os.close(data_w)
        os.close(status_w)
        if pressed:
            _kill(pid)
            os.close(data_r)
            os.close(status_r)
            raise KeyboardInterrupt
    return pid, data_r, status_r


@contextlib.contextmanager
def _ctrl_c_held():
    """Ctrl-C noted, not raised, while the body runs: Python runs the at-fork hooks
    (kg.store.ahead waits there for a loading thread) and drops a KeyboardInterrupt raised
    inside one, so a Ctrl-C at that moment was lost. Yields a list that is not empty once
    Ctrl-C was pressed. Only where Python's own handler is in place (the main thread)."""
    pressed: list[int] = []
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
        yield pressed
        return
    signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(signum))
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _child(work, data_w: int, status_w: int) -> None:
    status = b"ok"
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it kills us
        _die_with_parent()
        with os.fdopen(data_w, "wb", buffering=_CHUNK) as out:
            work(out)
    except errors.KGError as error:
        status = f"{type(error).__name__}\0{error}".encode("utf-8", "replace")
    except BrokenPipeError:
        status = b"pipe"
    except BaseException as error:  # noqa: BLE001 - reported to the parent, not lost
        status = f"QueryError\0The query failed: {type(error).__name__}: {error}".encode(
            "utf-8", "replace")
    try:
        os.write(status_w, status)
    finally:
        os._exit(0)


def _die_with_parent() -> None:
    """Ask Linux to kill this child if the parent dies first (kill -9 of ``aikg``)."""
    try:
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _relay(data_r: int, status_r: int, sink, timeout: float | None) -> bytes:
    deadline = time.monotonic() + timeout if timeout else None
    status = b""
    open_fds = {data_r, status_r}
    with selectors.DefaultSelector() as selector:
        for fd in open_fds:
            selector.register(fd, selectors.EVENT_READ)
        while open_fds:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise QueryTimeout(
                    f"The query ran longer than {timeout:g} s and was stopped; narrow it "
                    "(LIMIT, fewer patterns) or give --timeout SECONDS (0 = no limit).")
            for key, _ in selector.select(left):
                chunk = os.read(key.fd, _CHUNK)
                if not chunk:
                    selector.unregister(key.fd)
                    open_fds.discard(key.fd)
                elif key.fd == data_r:
                    sink(chunk)
                else:
                    status += chunk
    return status


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _reap(pid: int, status: bytes) -> None:
    _, code = os.waitpid(pid, 0)
    if os.WIFSIGNALED(code):
        name = signal.Signals(os.WTERMSIG(code)).name
        raise QueryError(f"The query engine crashed ({name}); simplify the query "
                         "(fewer nested groups or terms).")
    if status in (b"ok", b"pipe"):
        if status == b"pipe":
            raise BrokenPipeError
        return
    name, _, message = status.decode("utf-8", "replace").partition("\0")
    cls = getattr(errors, name, None)
    if not (isinstance(cls, type) and issubclass(cls, errors.KGError)):
        cls = QueryError
    raise cls(message or "The query failed without saying why.")
