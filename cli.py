"""The ``aikg`` command line: click adapters over the ``kg`` library.

Each command parses its options, calls one library function, formats the answer and picks
the exit code. Library errors (:class:`kg.errors.KGError`) become one-line ``Error: ...``
messages with exit code 1; nothing here prints a traceback for bad input.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from kg.errors import KGError

__version__ = "0.1.0"


class Context:
    """What the global options say; the graph is loaded on first use only."""

    def __init__(self, extra: tuple[str, ...]):
        self.extra = tuple(Path(p) for p in extra)
        self._kg = None

    def kg(self):
        if self._kg is None:
            import kg

            self._kg = kg.load(extra=self.extra)
        return self._kg


def get_kg(ctx: click.Context):
    """The loaded graph for this invocation (release plus any ``--with`` files)."""
    return ctx.find_object(Context).kg()


def handle_errors(func):
    """Turn library errors and broken pipes into clean exits."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except KGError as error:
            raise click.ClickException(str(error)) from None
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(0)

    return wrapper


def write_output(text: str | bytes, output: str | None) -> None:
    """Write to stdout, or atomically to a file (a failed write leaves no partial file)."""
    if output in (None, "-"):
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
            sys.stdout.flush()
        else:
            click.echo(text, nl=not text.endswith("\n"))
        return
    from kg.io import atomic_write

    atomic_write(Path(output), text.encode("utf-8") if isinstance(text, str) else text)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="aikg")
@click.option(
    "--with", "extra", multiple=True, metavar="FILE.ttl",
    type=click.Path(dir_okay=False),
    help="Add your own Turtle (roles, skills, salary data) to the graph for this command. "
         "Repeatable. Held to the same shapes; never changes the shipped sources.",
)
@click.pass_context
def main(ctx: click.Context, extra: tuple[str, ...]) -> None:
    """A knowledge graph of AI leadership careers, from Junior AI Engineer to Head of AI."""
    ctx.obj = Context(extra)


# ==== core commands (lead) ============================================================
# ==== end core commands ================================================================

# ==== path commands (paths helper) =====================================================
# ==== end path commands ================================================================

# ==== viz commands (viz helper) ========================================================
# ==== end viz commands =================================================================

# ==== serve / docs commands (embedding helper) ========================================
# ==== end serve / docs commands ========================================================


if __name__ == "__main__":
    main()
