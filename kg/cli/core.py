"""The ``aikg`` group: global options, the graph each invocation reads, one-line errors.

Each command parses its options, calls one library function, formats the answer and picks
the exit code. Library errors (:class:`kg.errors.KGError`) become one-line ``Error: ...``
messages with exit code 1; nothing here prints a traceback for bad input.
"""

from __future__ import annotations

import errno
import functools
import gc
import os
import sys
import warnings
from pathlib import Path

import click

from kg.cli import commands
from kg.errors import KGError

__version__ = "0.1.0"


class Context:
    """What the global options say; the graph is loaded on first use only."""

    def __init__(self, extra: tuple[str, ...], workspace: str | None = None,
                 allow_network: bool = False, endpoint: str | None = None,
                 graph: str | None = None, timeout: float = 30.0, fail_on: str = "error"):
        self.extra = tuple(Path(p) for p in extra)
        self.workspace_dir = Path(workspace) if workspace else None
        self.allow_network = allow_network
        self.endpoint = endpoint
        self.graph = graph
        self.timeout = timeout
        self.fail_on = fail_on
        self._kg = None

    def workspace(self, prepare=None):
        """The user's workspace; with ``prepare`` (told each query's progress) a store merged
        now keeps every answer ``aikg prepare`` would (kg.loading.warm_and_prepare)."""
        from kg.loading import warm_and_prepare, warm_caches, workspace_mappings
        from kg.store.workspace import Workspace

        warm = warm_caches if prepare is None else functools.partial(warm_and_prepare,
                                                                      say=prepare)
        return Workspace(self.workspace_dir, warm=warm, make_mappings=workspace_mappings)

    def kg(self, sandbox: bool = True):
        """The graph the read commands ask: the endpoint's when one is given, else local."""
        if self.endpoint:
            return self.remote(self.endpoint)
        return self.local(sandbox)

    def remote(self, endpoint: str):
        from kg.errors import QueryError
        from kg.remote import RemoteGraph

        if self.extra:
            raise QueryError(f"--with cannot join a remote graph ({endpoint}): push your "
                             "files to the store first (aikg --with FILE push --endpoint URL), "
                             "or drop --endpoint.")
        if self._kg is None:
            from kg.remote.discover import query_url

            endpoint = query_url(endpoint, self.timeout,
                                 say=lambda message: click.echo(message, err=True))
            self._kg = RemoteGraph(endpoint, timeout=self.timeout, graph=self.graph)
            self._kg.allow_network = self.allow_network
            self._kg.keep_in = self.workspace().folder / "remote"  # its ladder (kg.paths.answers)
        return self._kg

    def local(self, sandbox: bool = True):
        """The local graph. Unless ``--allow-network`` was given (or ``sandbox`` is False,
        for ``serve``'s main process, which must listen), this process is cut off the network
        first: the second wall behind the query guard, for anything pyoxigraph runs here."""
        if self._kg is None:
            import kg

            release = ensure_release()
            if sandbox and not self.allow_network:
                _cut_network()  # before the first query, before pyoxigraph starts threads
            self._load_ahead(release)
            self._kg = kg.load(extra=self.extra, workspace=self.workspace(),
                               progress=progress_printer(), fail_on=self.fail_on)
            self._kg.allow_network = self.allow_network
        return self._kg

    def _load_ahead(self, release: Path) -> None:
        """No --with, no files recorded: the release is loaded while the graph code imports."""
        from kg.store import ahead, folder

        record = (self.workspace_dir or folder.default_dir()) / folder.STATE
        if not self.extra and not record.exists():
            ahead.load_ahead(release)

    @property
    def user_files(self) -> tuple[Path, ...]:
        """The files of this graph besides the release: the workspace's, then ``--with``."""
        return self.kg().extra


def ensure_release():
    """The current release's folder, built first (said on stderr) if the sources changed."""
    from kg.build import ensure_release as ensure

    return ensure(announce=lambda message: click.echo(f"{message} ...", err=True))


def progress_printer():
    """Phase messages on stderr with the time since the last one, only on a terminal."""
    if not sys.stderr.isatty():
        return None
    import time

    started = [time.monotonic()]

    def say(message: str) -> None:
        click.echo(f"[{time.monotonic() - started[0]:5.1f} s] {message}...", err=True)

    return say


def _cut_network() -> str:
    """Cut this process off the network (:func:`kg.query.sandbox.deny_network`). Tests that run
    commands in-process replace this function: the cut would hold for the whole session."""
    from kg.query import sandbox

    return sandbox.deny_network()


def _deny_network(ctx: click.Context) -> None:
    """Cut this process off the network unless the user passed ``--allow-network``."""
    if not ctx.find_object(Context).allow_network:
        _cut_network()


def get_kg(ctx: click.Context, sandbox: bool = True):
    """The graph for this invocation: the --endpoint's, or the release plus your files."""
    context = ctx.find_object(Context)
    return context.kg() if sandbox else context.kg(sandbox=False)


def local_kg(ctx: click.Context, command: str, sandbox: bool = True):
    """The local graph, for commands that work on files only (refused with --endpoint)."""
    context = ctx.find_object(Context)
    if context.endpoint:
        from kg.errors import QueryError

        raise QueryError(f"'aikg {command}' works on the local graph, not on {context.endpoint}: "
                         "drop --endpoint (or unset AIKG_ENDPOINT).")
    return context.local(sandbox)


class OutputError(click.ClickException):
    """Standard output cannot be written (a full disk, a closed terminal)."""

    def __init__(self, error: OSError):
        super().__init__(f"Cannot write the output: {error.strerror or error}.")
        _silence_stdout()


def _silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null, so Python's last flush at exit fails no more."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def handle_errors(func):
    """Turn library errors and broken pipes into clean exits."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except KGError as error:
            from kg.terminal import escape  # messages may echo labels or a remote's reply

            lines = getattr(error, "lines", None) or [str(error)]
            raise click.ClickException("\n".join(escape(line) for line in lines)) from None
        except BrokenPipeError:
            _silence_stdout()
            sys.stderr.close()
            sys.exit(0)

    return wrapper


#: True when this process is the ``aikg`` command (:func:`run`), which exits after one
#: command; False for a library user or a test that runs commands in its own process
COMMAND_LINE = False


def one_shot(func):
    """For a command that reads a large answer or the kept ladder, answers and exits: the
    cyclic garbage collector stays off while it runs. Its passes over what the command had
    just read (a million objects with 1M triples of user data), during the command and again
    as the process ends, took 0.5 s of 'aikg path', 1.2 s of 'aikg ready' and 0.15 s of
    'aikg query ladder' (9,355 rows) (gc.callbacks), and freed nothing: those objects live
    until the end. The ``aikg`` process keeps it off and sets what it holds aside
    (``gc.freeze``); anyone else gets the collector back."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        was_on = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if COMMAND_LINE:
                gc.freeze()
            elif was_on:
                gc.enable()

    return wrapper


def write_output(text: str | bytes, output: str | None) -> None:
    """Write to stdout, or atomically to a file (a failed write leaves no partial file)."""
    if output in (None, "-"):
        try:
            if isinstance(text, bytes):
                # W3C JSON/XML results end without a newline; a prompt should not follow
                sys.stdout.buffer.write(text if text.endswith(b"\n") or not text else text + b"\n")
            else:
                click.echo(text, nl=not text.endswith("\n"))
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputError(error) from None
        return
    from kg.store.io import atomic_write

    atomic_write(Path(output), text.encode("utf-8") if isinstance(text, str) else text)


def not_empty(ctx, param, value):
    """Click callback: an option given as an empty string is a mistake, not 'not given'."""
    if value == "":
        raise click.BadParameter("must not be empty.", ctx=ctx, param=param)
    return value


class UsageLine(click.ClickException):
    """A usage error shown as one ``Error: ...`` line (exit 2) instead of click's usage block."""

    exit_code = 2


def _stop_cleanly(method):
    """Ctrl-C exits 130 without a traceback; stdout that cannot be flushed is one error line."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            result = method(*args, **kwargs)
            sys.stdout.flush()
            return result
        except KeyboardInterrupt:
            _silence_stdout()
            raise click.exceptions.Exit(130) from None
        except BrokenPipeError:
            _silence_stdout()
            raise click.exceptions.Exit(0) from None
        except OSError as error:
            if error.errno not in (errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT):
                raise
            raise OutputError(error) from None

    return wrapper


def _one_line_usage(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except click.UsageError as error:
            hint = ""
            if error.ctx is not None and error.ctx.command is not None:
                hint = f" See '{error.ctx.command_path} --help'."
            from kg.terminal import escape

            raise UsageLine(escape(error.format_message()) + hint) from None

    return wrapper


class Command(click.Command):
    make_context = _one_line_usage(click.Command.make_context)
    invoke = _one_line_usage(click.Command.invoke)

    def get_short_help_str(self, limit: int = 45) -> str:
        """The docstring's whole first line in ``aikg --help``, never cut off with '...'."""
        return self.short_help or (self.help or "").strip().split("\n")[0]


class Group(click.Group):
    command_class = Command
    make_context = _one_line_usage(click.Group.make_context)
    invoke = _stop_cleanly(_one_line_usage(click.Group.invoke))


class LazyGroup(Group):
    """The ``aikg`` group: a command registers itself (``@main.command()``) when its module
    is imported, on first use (click's lazy subcommands, :mod:`kg.cli.commands`)."""

    def get_command(self, ctx, cmd_name: str):
        if cmd_name not in self.commands:
            commands.load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx) -> list[str]:
        commands.load_commands()
        return super().list_commands(ctx)


def fail_on_option(default: str | None):
    """``--fail-on error|warning|info``: the least severity that refuses your files (as
    ROBOT's report); shared by the group (for --with) and by 'add' and 'validate'."""
    return click.option(
        "--fail-on", "fail_on", default=default, show_default=default is not None,
        type=click.Choice(["error", "warning", "info"]),
        help="Refuse your files on problems of this severity or worse (see docs/checks.md); "
             "problems below it are printed as warnings.")


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="aikg")
@click.option(
    "--with", "extra", multiple=True, metavar="FILE.ttl",
    type=click.Path(dir_okay=False),
    help="Add your own Turtle (roles, skills, salary data) to the graph for this command. "
         "Repeatable. Held to the same shapes; never changes the shipped sources.",
)
@click.option(
    "--workspace", "workspace", metavar="DIR", envvar="AIKG_WORKSPACE",
    type=click.Path(file_okay=False),
    help="Where 'aikg add' keeps your files' merged graph (default: "
         "~/.local/share/ai-leadership-kg/workspace; env AIKG_WORKSPACE).",
)
@click.option(
    "--allow-network", is_flag=True,
    help="Let queries reach the network: SERVICE is no longer refused and the local engine "
         "is not cut off the network. Off by default; updates and LOAD stay refused.",
)
@click.option(    "--endpoint", metavar="URL", envvar="AIKG_ENDPOINT", callback=not_empty,
    help="Read the graph from this SPARQL 1.1 query endpoint instead of the local release "
         "(query, describe, search, stats, path, gap, next, ready, viz). Also AIKG_ENDPOINT. "
         "Credentials: AIKG_ENDPOINT_USER/AIKG_ENDPOINT_PASSWORD or ~/.netrc.",
)
@click.option(
    "--graph", "graph_iri", metavar="IRI", envvar="AIKG_GRAPH", callback=not_empty,
    help="The named graph on the endpoint that holds the knowledge graph (default: the "
         "store's default graph). Also AIKG_GRAPH.",
)
@click.option(
    "--timeout", default=30.0, show_default=True, envvar="AIKG_TIMEOUT",
    type=click.FloatRange(min=0.1), metavar="SECONDS",
    help="Longest wait for each request to the endpoint. Also AIKG_TIMEOUT.",
)
@fail_on_option("error")
@click.pass_context
def main(ctx: click.Context, extra: tuple[str, ...], workspace: str | None,
         allow_network: bool, endpoint: str | None, graph_iri: str | None,
         timeout: float, fail_on: str) -> None:
    """A knowledge graph of AI leadership careers, from Junior AI Engineer to Head of AI."""
    ctx.obj = Context(extra, workspace, allow_network, endpoint, graph_iri, timeout, fail_on)
    warnings.showwarning = _show_warning


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """Library warnings as one ``Warning: ...`` line on stderr, without file and line."""
    from kg.terminal import escape

    click.echo(f"Warning: {escape(str(message))}", err=True)


def run() -> None:
    """The ``aikg`` command (and ``python -m kg``): :data:`main` for this process alone."""
    global COMMAND_LINE
    COMMAND_LINE = True
    main(prog_name="aikg")
