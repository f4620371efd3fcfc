"""``python -m kg`` and the ``aikg`` command: the command line, quiet on Ctrl-C from the start.

Loading the commands takes 0.1-0.3 s (pyoxigraph, click, the catalogue); Python's own
KeyboardInterrupt during those imports printed a traceback. Until they are done, Ctrl-C exits
at once with 130, as it does later (:func:`kg.cli.core._stop_cleanly`).
"""

import atexit
import os
import signal
import sys
import threading


def run() -> None:
    signal.signal(signal.SIGINT, _quiet)
    from kg import cli

    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        cli.run()
    except SystemExit as done:
        _end(done.code)
        raise  # the usual shutdown: _end left it to Python


def _end(code) -> None:
    """End the process as soon as the command is done, without Python's shutdown freeing
    every object the command made, one by one (the modules, the store, the answers): that
    took 10-20 ms of a 0.15 s query, and after a query's fork (:mod:`kg.query.killable`)
    every page it touched was copied first (2,700 of the query's 8,500 page faults).

    What the shutdown does that matters is done here, in its order: the ``atexit`` handlers
    (tempfile's, logging's), then the buffered output. With another thread still at work
    (a writer, a server), or output that cannot be flushed, nothing is done here and the
    usual shutdown waits for the thread and reports the error as before.
    """
    if threading.active_count() > 1 or not (code is None or isinstance(code, int)):
        return
    atexit._run_exitfuncs()  # noqa: SLF001 - the interpreter's own list; it is emptied
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(code or 0)


def _quiet(number, frame):
    raise SystemExit(130)


if __name__ == "__main__":
    run()
