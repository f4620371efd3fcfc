"""The release loaded into memory by a thread of its own while the command goes on.

pyoxigraph parses without the GIL, so the 15-25 ms of parsing the guide overlap the Python
work a command does before its first query (imports, the query guard's lexer, networkx for
the path commands). Whatever the engine runs, runs in the thread that asks for the store (a
query: in the child that thread forks); the loader thread only reads the release file. A
fork waits for every load first (:func:`_finish_loads`), so no child inherits a store half
loaded.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from kg.store import release as store


def open_store_later(release: Path | None = None):
    """:func:`kg.store.release.open_store`, the in-memory load done by a thread while this
    one goes on: a function that returns the store, waiting for the load if need be. The
    release is found (and :class:`ReleaseMissing` raised) here, before any thread starts.
    """
    release = release or store.require_release()
    if release in _ahead:
        return _ahead.pop(release)
    if not store.in_memory(release):
        return store.open_store(release)  # opening the on-disk store takes milliseconds
    return _Loading(store.load_arguments(release))


def load_ahead(release: Path) -> None:
    """Start loading ``release`` into memory now, for the next :func:`open_store_later` of
    it: a command that will read the release alone (no file of the user's) starts the load
    before it imports the code that opens the graph (10-25 ms of imports overlap it). Call
    it after the network cut (:func:`kg.query.sandbox.deny_network`), which the thread then
    inherits, like every thread started after it."""
    if release not in _ahead and store.in_memory(release):
        _ahead[release] = _Loading(store.load_arguments(release))


#: loads started by :func:`load_ahead`, not yet handed out
_ahead: dict[Path, _Loading] = {}


class _Loading:
    """The release being loaded into a new in-memory store by a thread of its own."""

    def __init__(self, arguments: dict):
        import pyoxigraph as ox

        self._store, self._error = ox.Store(), None
        self._thread = threading.Thread(target=self._load, args=(arguments,),
                                        name="aikg-load-release")
        _loading.add(self)
        self._thread.start()

    def _load(self, arguments: dict) -> None:
        try:
            self._store.load(**arguments)
        except BaseException as error:  # noqa: BLE001 - raised again where the store is asked for
            self._error = error

    def wait(self) -> None:
        self._thread.join()
        _loading.discard(self)

    def __call__(self):
        self.wait()
        if self._error is not None:
            raise self._error
        return self._store


#: loads still running (:class:`_Loading`)
_loading: set[_Loading] = set()


def _finish_loads() -> None:
    """Before this process forks: no child may start with a store half loaded, or with the
    lock of a store the loader held (the child has no loader thread to release it)."""
    for pending in list(_loading):
        pending.wait()


os.register_at_fork(before=_finish_loads)
