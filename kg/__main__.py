"""``python -m kg`` and the ``aikg`` command: the command line, quiet on Ctrl-C from the start.

Loading the commands takes 0.1-0.3 s (pyoxigraph, click, the catalogue); Python's own
KeyboardInterrupt during those imports printed a traceback. Until they are done, Ctrl-C exits
at once with 130, as it does later (:func:`kg.cli.core._stop_cleanly`).
"""

import signal


def run() -> None:
    signal.signal(signal.SIGINT, _quiet)
    from kg import cli

    signal.signal(signal.SIGINT, signal.default_int_handler)
    cli.run()


def _quiet(number, frame):
    raise SystemExit(130)


if __name__ == "__main__":
    run()
