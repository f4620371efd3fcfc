"""The ``aikg`` command line: click adapters over the ``kg`` library.

Each command parses its options, calls one library function, formats the answer and picks
the exit code. Library errors (:class:`kg.errors.KGError`) become one-line ``Error: ...``
messages with exit code 1; nothing here prints a traceback for bad input.

:mod:`kg.cli.core` holds the group, its global options and the error handling; the commands
live by topic (:mod:`~kg.cli.querying`, :mod:`~kg.cli.paths`, :mod:`~kg.cli.data`,
:mod:`~kg.cli.release`, :mod:`~kg.cli.sharing`, :mod:`~kg.cli.mappings`, :mod:`~kg.cli.preparing`) and register on :data:`main` when imported:
:data:`main` imports a command's module when the command is asked for
(:data:`kg.cli.commands.LAZY_COMMANDS`); :func:`load_commands` imports them all.
"""

from kg.cli.commands import load_commands  # noqa: F401
from kg.cli.core import Context, __version__, main, run  # noqa: F401

__all__ = ["Context", "__version__", "load_commands", "main", "run"]
