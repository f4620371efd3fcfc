"""The ``aikg`` command line: click adapters over the ``kg`` library.

Each command parses its options, calls one library function, formats the answer and picks
the exit code. Library errors (:class:`kg.errors.KGError`) become one-line ``Error: ...``
messages with exit code 1; nothing here prints a traceback for bad input.
"""

from __future__ import annotations

import errno
import functools
import os
import sys
import warnings
from pathlib import Path

import click

from kg.errors import KGError

__version__ = "0.1.0"


class Context:
    """What the global options say; the graph is loaded on first use only."""

    def __init__(self, extra: tuple[str, ...], workspace: str | None = None,
                 allow_network: bool = False, endpoint: str | None = None,
                 graph: str | None = None, timeout: float = 30.0):
        self.extra = tuple(Path(p) for p in extra)
        self.workspace_dir = Path(workspace) if workspace else None
        self.allow_network = allow_network
        self.endpoint = endpoint
        self.graph = graph
        self.timeout = timeout
        self._kg = None

    def workspace(self):
        from kg.workspace import Workspace

        return Workspace(self.workspace_dir)

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
            self._kg = RemoteGraph(endpoint, timeout=self.timeout, graph=self.graph)
            self._kg.allow_network = self.allow_network
        return self._kg

    def local(self, sandbox: bool = True):
        """The local graph. Unless ``--allow-network`` was given (or ``sandbox`` is False,
        for ``serve``'s main process, which must listen), this process is cut off the network
        first: the second wall behind the query guard, for anything pyoxigraph runs here."""
        if self._kg is None:
            import kg

            if sandbox and not self.allow_network:
                _cut_network()  # before the first query, before pyoxigraph starts threads
            self._kg = kg.load(extra=self.extra, workspace=self.workspace(),
                               progress=progress_printer())
            self._kg.allow_network = self.allow_network
        return self._kg

    @property
    def user_files(self) -> tuple[Path, ...]:
        """The files of this graph besides the release: the workspace's, then ``--with``."""
        return self.kg().extra


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
    """Cut this process off the network (:func:`kg.sandbox.deny_network`). Tests that run
    commands in-process replace this function: the cut would hold for the whole session."""
    from kg import sandbox

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

            raise click.ClickException(escape(str(error))) from None
        except BrokenPipeError:
            _silence_stdout()
            sys.stderr.close()
            sys.exit(0)

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
    from kg.io import atomic_write

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


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.pass_context
def main(ctx: click.Context, extra: tuple[str, ...], workspace: str | None,
         allow_network: bool, endpoint: str | None, graph_iri: str | None,
         timeout: float) -> None:
    """A knowledge graph of AI leadership careers, from Junior AI Engineer to Head of AI."""
    ctx.obj = Context(extra, workspace, allow_network, endpoint, graph_iri, timeout)
    warnings.showwarning = _show_warning


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """Library warnings as one ``Warning: ...`` line on stderr, without file and line."""
    from kg.terminal import escape

    click.echo(f"Warning: {escape(str(message))}", err=True)


# ==== core commands (lead) ============================================================

FORMAT_HELP = ("Output format: table (default), md, csv, tsv, json, xml for results; "
               "ttl, nt, jsonld, xml for CONSTRUCT/DESCRIBE graphs.")


def _read_query_text(query: str | None, file: str | None) -> str:
    from kg.errors import QueryError

    if file is not None and query is not None:
        raise QueryError("Give the query as text or with -f FILE, not both.")
    source = file if file is not None else query
    if source == "-":
        try:
            return _bounded_text(sys.stdin.buffer, "on stdin")
        except UnicodeDecodeError:
            raise QueryError("The query on stdin is not UTF-8 text; convert it first "
                             "(e.g. iconv -t UTF-8).") from None
    if file is None:
        if query.endswith(".rq") and Path(query).is_file():
            raise QueryError(f"'{query}' is a file: run it with -f {query}.")
        return query
    try:
        with open(source, "rb") as handle:
            return _bounded_text(handle, f"in '{source}'")
    except FileNotFoundError:
        raise QueryError(f"No such query file '{source}'; check the path.") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise QueryError(f"Cannot read query file '{source}': {reason.lower()}.") from None


def _bounded_text(handle, where: str) -> str:
    """At most the longest query the guard accepts (in UTF-8 bytes), so -f /dev/zero or an
    endless pipe ends with an error instead of reading forever."""
    from kg.errors import QueryError
    from kg.sparql import MAX_LENGTH

    data = handle.read(4 * MAX_LENGTH + 1)
    if len(data) > 4 * MAX_LENGTH:
        raise QueryError(f"The query {where} is longer than {MAX_LENGTH:,} characters (the "
                         "limit); shorten it (e.g. move long VALUES lists into data).")
    return data.decode("utf-8")


def _looks_like_name(text: str) -> bool:
    import re

    return re.fullmatch(r"[a-z0-9][a-z0-9-]*(\.rq)?", text.strip()) is not None


@main.command()
@click.argument("query", required=False)
@click.option("-f", "--file", "file", metavar="FILE", help="Read the query from FILE ('-' for stdin).")
@click.option("-p", "--param", "params", nargs=2, multiple=True, metavar="NAME VALUE",
              help="A named query's parameter: a label, alternative label, CURIE or IRI.")
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "md", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld"]),
              help=FORMAT_HELP)
@click.option("-o", "--output", metavar="FILE", callback=not_empty,
              help="Write to FILE instead of stdout.")
@click.option("--endpoint", metavar="URL", callback=not_empty,
              help="Send the query to a remote SPARQL 1.1 endpoint (same as the global "
                   "--endpoint).")
@click.option("--labels/--no-labels", default=None,
              help="Show labels next to IRIs in table and md output (default: on locally; off "
                   "with --endpoint, where it fetches every label of the store).")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0),
              metavar="SECONDS", help="Stop a query that runs longer (0 = no limit).")
@click.pass_context
@handle_errors
def query(ctx, query, file, params, fmt, output, endpoint, labels, timeout):
    """Run SPARQL: a named query, text, -f FILE or - (stdin).

    The ontology's prefixes (ail:, rdfs:, skos:, dcterms:, owl:, xsd:, schema:, ...) are
    predeclared. Updates, SERVICE, LOAD and FROM are refused. Run 'aikg queries' for the
    named queries and their parameters. Ctrl-C stops a running query at once.

    \b
    Examples:
      aikg query ladder
      aikg query skills-for-role -p role "Head of AI"
      aikg query 'SELECT ?role WHERE { ?role a ail:Role }' --format csv
      aikg query -f mine.rq --endpoint http://localhost:3030/ds/sparql
    """
    from kg import catalogue, formats
    from kg.errors import ParameterError, QueryError

    if query is None and file is None:
        raise QueryError("Give a query: a name from 'aikg queries', SPARQL text, -f FILE or -.")
    named = None
    if file is None and query not in (None, "-") and _looks_like_name(query):
        named = catalogue.get(query)
        text = named.text
    else:
        text = _read_query_text(query, file)
        if params:
            raise ParameterError("-p applies to named queries only; bind values in your "
                                 "query text or save it in kg/queries/.")
    context = ctx.find_object(Context)
    endpoint = endpoint or context.endpoint
    graph = context.remote(endpoint) if endpoint else context.local()
    values = {}
    if named is not None:
        given = {}
        for name, value in params:
            if name in given:
                raise ParameterError(f"Parameter '{name}' is given twice; give it once.")
            given[name] = value
        values = graph.bind_params(named, given)
    if labels is None:
        labels = not endpoint

    def work(out):
        results = graph.run(text, values)
        names = graph.labels() if labels and fmt in ("table", "md") else None
        formats.write(results, fmt, out, names, graph.prefixes)

    if endpoint:  # Python waits on the socket: Ctrl-C and the socket timeout work here
        import io

        buffer = io.BytesIO()
        work(buffer)
        write_output(buffer.getvalue(), output)
    else:
        _run_killable(work, output, timeout)


def _run_killable(work, output: str | None, timeout: float) -> None:
    """Run ``work`` in a child process that --timeout and Ctrl-C can kill; its bytes go to
    stdout as they come, or to ``output`` whole and atomically when it succeeded."""
    from kg import killable

    kept, last = [], [b"\n"]

    def sink(chunk: bytes) -> None:
        if output not in (None, "-"):
            kept.append(chunk)
            return
        try:
            sys.stdout.buffer.write(chunk)
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputError(error) from None
        last[0] = chunk[-1:]

    killable.run(work, sink, timeout or None)
    if output not in (None, "-"):
        write_output(b"".join(kept), output)
    elif last[0] != b"\n":  # W3C JSON/XML end without a newline; a prompt should not follow
        sink(b"\n")


@main.command()
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "json", "md"]), help="Output format.")
@handle_errors
def queries(fmt):
    """List the named queries: name, summary and parameters."""
    import json

    from kg import catalogue, formats

    items = catalogue.catalogue().values()
    if fmt == "json":
        data = [{"name": q.name, "summary": q.summary, "row": q.row,
                 "params": [{"name": p.name, "description": p.description,
                             "optional": p.optional} for p in q.params]} for q in items]
        click.echo(json.dumps(data, indent=2))
        return
    rows = [(q.name, ", ".join(("[" + p.name + "]") if p.optional else p.name for p in q.params),
             q.summary) for q in items]
    if fmt == "md":
        click.echo(formats.markdown(["name", "parameters", "summary"], rows), nl=False)
        return
    listing = formats.table(["name", "parameters", "summary"], rows, max_width=None, count=False)
    click.echo("\n".join(listing.splitlines()[2:]))  # the names say what the columns are
    click.echo(f"\n{len(rows)} queries. Run one: aikg query NAME -p PARAM VALUE", err=True)


@main.command()
@click.argument("entity")
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "json", "md"]), help="Output format.")
@click.pass_context
@handle_errors
def describe(ctx, entity, fmt):
    """Everything about one entity: labels, classes, links, figures, provenance."""
    import json

    from kg import describe as describing

    graph = get_kg(ctx)
    card = describing.describe(graph, graph.resolve(entity))
    if fmt == "json":
        click.echo(json.dumps(card, indent=2, default=str))
    else:
        click.echo(describing.render(card, markdown=(fmt == "md")), nl=False)


@main.command()
@click.argument("text")
@click.option("--class", "cls", metavar="CLASS", help="Only entities of this class, e.g. ail:Skill.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 100_000),
              help="At most N hits.")
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "md", "csv", "tsv", "json", "xml"]), help="Output format.")
@click.pass_context
@handle_errors
def search(ctx, text, cls, limit, fmt):
    """Full-text search over labels, alternative labels and definitions."""
    from kg import catalogue, formats, sparql

    graph = get_kg(ctx)
    named = catalogue.get("search-in-class" if cls else "search")
    values = graph.bind_params(named, {"text": text, **({"class": cls} if cls else {})})
    query_text = sparql.with_limit(named.text, limit)
    write_output(formats.render(graph.run(query_text, values), fmt, graph.labels(),
                                graph.prefixes), None)


@main.command()
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "md", "csv", "tsv", "json", "xml"]), help="Output format.")
@click.pass_context
@handle_errors
def stats(ctx, fmt):
    """Counts per class (individuals, including those of subclasses) and triples."""
    from kg import catalogue, formats

    graph = get_kg(ctx)
    write_output(formats.render(graph.run(catalogue.get("class-counts").text), fmt,
                                graph.labels(), graph.prefixes), None)
    click.echo(f"{len(graph)} triples", err=True)


@main.command()
@click.option("--format", "fmt", default="ttl", show_default=True,
              type=click.Choice(["ttl", "nt", "xml", "jsonld"]), help="Serialisation.")
@click.option("--tbox", is_flag=True,
              help="Only the shipped ontology (classes and properties); ignores --with.")
@click.option("-o", "--output", metavar="FILE", callback=not_empty,
              help="Write to FILE instead of stdout.")
@click.pass_context
@handle_errors
def export(ctx, fmt, tbox, output):
    """Write the whole graph (with any --with files) as Turtle, N-Triples, RDF/XML or JSON-LD."""
    from kg import export as exporting

    context = ctx.find_object(Context)
    local_kg(ctx, "export") if context.endpoint else None  # refuses: export is local only
    if tbox and fmt == "jsonld":
        raise click.UsageError("The TBox ships as ttl, nt and xml; pick one of those.")
    if not tbox and context.user_files:  # the TBox is the shipped ontology; user files add data
        data = exporting.merged(local_kg(ctx, "export"), fmt)
    else:
        data = exporting.release_bytes(fmt, tbox=tbox)
    write_output(data, output)


@main.command()
@click.option("-o", "--output", "target", metavar="DIR", type=click.Path(file_okay=False),
              callback=not_empty,
              help="Write the release here (default: release/ in a checkout; for an "
                   "installed package, the user cache: never the installation itself).")
@click.option("--no-reason", is_flag=True, help="Skip the OWL reasoner (HermiT needs Java).")
@click.pass_context
@handle_errors
def build(ctx, target, no_reason):
    """Check the sources and write the release files (atomic, deterministic)."""
    from kg import build as building

    _deny_network(ctx)
    result = building.build(Path(target) if target else None, reason=not no_reason)
    click.echo(f"Built {result.directory} ({result.triples} triples):", err=True)
    for name, digest in result.files.items():
        click.echo(f"  {name}  sha256:{digest[:12]}", err=True)


@main.command()
@click.option("--no-reason", is_flag=True, help="Skip the OWL reasoner (HermiT needs Java).")
@click.option("--format", "fmt", default="text", show_default=True,
              type=click.Choice(["text", "json"]), help="Report format.")
@click.pass_context
def validate(ctx, no_reason, fmt):
    """Check the graph (with your workspace and --with files): exit 0 conforms, 1 not, 2 error."""
    from kg import build as building

    _deny_network(ctx)
    context = ctx.find_object(Context)
    # the workspace's files, then --with: what the commands answer with is what is checked
    extra = tuple(dict.fromkeys(
        [Path(e["path"]) for e in context.workspace().recorded()] + list(context.extra)))
    try:
        if extra:  # the release was checked when built: check what the files add
            report = building.run_checks_with(extra, reason=not no_reason)
        else:
            _, quads = building.parse_sources()
            report = building.run_checks(quads, reason=not no_reason)
    except KGError as error:
        click.echo(f"Error: {error}", err=True)
        ctx.exit(2)
    click.echo(report.to_json() if fmt == "json" else report.text(), nl=False)
    ctx.exit(0 if report.conforms else 1)

@main.command(context_settings={"ignore_unknown_options": True,
                                "allow_interspersed_args": False})
@click.argument("tool", metavar="TOOL", type=click.Choice(["riot", "sparql", "shacl"]))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
@handle_errors
def jena(ctx, tool, args):
    """Run Apache Jena's riot, sparql or shacl with ARGS, on Debian's jars.

    Debian's libapache-jena-java ships the jars without the scripts, and its Xerces misses its messages; this
    supplies both (see kg/jena.py). Example: aikg jena sparql --data=ai_leadership.nt
    --query=q.rq. 'aikg jena TOOL --help' shows the tool's own options.
    """
    import subprocess

    from kg import jena as jena_tools

    try:
        code = subprocess.run(jena_tools.command(tool, list(args))).returncode
    except KeyboardInterrupt:
        code = 130
    ctx.exit(code)


# ==== end core commands ================================================================

# ==== path commands (paths helper) =====================================================

PATH_FORMAT = click.option(
    "--format", "fmt", default="table", show_default=True,
    type=click.Choice(["table", "json", "md"]), help="Output format.")
HAVE = click.option(
    "--have", "have", multiple=True, metavar="SKILL",
    help="A skill you already hold (label, alternative label, CURIE or IRI). Repeatable.")


@main.command()
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@HAVE
@click.option("--by", default="skills", show_default=True,
              type=click.Choice(["skills", "steps", "years"]),
              help="Rank by fewest new skills (ties: fewer steps), fewest steps (ties: fewer "
                   "new skills), or the fewest years of experience the path's roles ask for.")
@click.option("--via", multiple=True, metavar="ROLE", help="Pass through this role. Repeatable.")
@click.option("--avoid", multiple=True, metavar="ROLE", help="Never pass through this role. "
              "Repeatable.")
@click.option("--alternatives", "-k", default=1, show_default=True, metavar="K",
              type=click.IntRange(min=1), help="Show the K best distinct paths.")
@click.option("--lateral", is_flag=True,
              help="Also use lateral moves and career changes (ail:canMoveTo); ranked by "
                   "steps, each counts its ail:moveCost.")
@PATH_FORMAT
@click.option("--verbose", "-v", is_flag=True,
              help="List every responsibility a step gains (a table otherwise counts them per "
                   "area when there are more than three; md and json always list them).")
@click.option("--html", "html", metavar="FILE", type=click.Path(dir_okay=False),
              callback=not_empty,
              help="Also write the path as an interactive page (opens offline) to FILE.")
@click.pass_context
@handle_errors
def path(ctx, source, target, have, by, via, avoid, alternatives, lateral, fmt, verbose,
         html):
    """The skill path from one role to another: every step, what to learn, running totals."""
    from kg import path_render, paths

    result = paths.find_path(get_kg(ctx), source, target, by=by, have=have, via=via,
                             avoid=avoid, alternatives=alternatives, lateral=lateral)
    page = None
    if html is not None:  # the page first: if it cannot be written, print no answer either
        from kg.viz import path_page  # pyvis and jinja2 only when a page is asked for

        page = path_page(get_kg(ctx), result, Path(html))
    write_output(path_render.render(result, fmt, verbose=verbose), None)
    if page is not None:
        click.echo(f"Wrote {page.path} ({page.nodes} nodes, {page.edges} edges)", err=True)


@main.command()
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@HAVE
@PATH_FORMAT
@click.pass_context
@handle_errors
def gap(ctx, source, target, have, fmt):
    """The skills role TO requires that role FROM (plus --have) does not, grouped by kind."""
    from kg import path_render, paths

    write_output(path_render.render(paths.gap(get_kg(ctx), source, target, have), fmt), None)


@main.command("next")
@click.argument("role")
@HAVE
@PATH_FORMAT
@click.pass_context
@handle_errors
def next_(ctx, role, have, fmt):
    """The roles one step on from ROLE, each with the skills it adds."""
    from kg import path_render, paths

    write_output(path_render.render(paths.next_roles(get_kg(ctx), role, have), fmt), None)


@main.command()
@click.option("--have", "have", multiple=True, metavar="SKILL",
              help="A skill you hold (label, alternative label, CURIE or IRI). Repeatable.")
@click.option("--role", "role", metavar="ROLE", callback=not_empty,
              help="Your current role: the skills it requires count as held.")
@click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N",
              help="Show only the N best-ranked roles.")
@PATH_FORMAT
@click.pass_context
@handle_errors
def ready(ctx, have, role, limit, fmt):
    """Roles ranked by the essential skills you hold (--have, --role), weighted by importance."""
    from kg import path_render, paths

    write_output(path_render.render(paths.ready(get_kg(ctx), have, role, limit), fmt), None)

# ==== end path commands ================================================================

# ==== import commands (importers helper) ==============================================

@main.group("import", cls=Group)
def import_():
    """Turn O*NET or ESCO files into Turtle for --with."""


def _progress():
    """A progress line on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return None

    def show(name: str, rows: int) -> None:
        click.echo(f"\r{name}: {rows:,} rows", err=True, nl=False)
        sys.stderr.write("\x1b[K")

    return show


def _import_summary(summary, output: str, source: str) -> None:
    if sys.stderr.isatty():
        click.echo("", err=True)
    counts = ", ".join(f"{n:,} {kind}" for kind, n in summary.counts.items())
    click.echo(f"Wrote {output} from {source} {summary.release} in {summary.seconds:.1f} s: "
               f"{counts}.", err=True)


@import_.command("onet")
@click.argument("folder", metavar="DIR")
@click.option("-o", "--output", required=True, metavar="FILE.ttl", callback=not_empty,
              help="The Turtle file to write (replaced atomically).")
@handle_errors
def import_onet(folder, output):
    """The O*NET 29.2 Excel files in DIR as Turtle (attribution: O*NET, USDOL/ETA, CC BY 4.0)."""
    from kg.importers import onet

    _import_summary(onet.import_onet(folder, output, _progress()), output, "O*NET")


@import_.command("esco")
@click.argument("folder", metavar="DIR")
@click.option("-o", "--output", required=True, metavar="FILE.ttl", callback=not_empty,
              help="The Turtle file to write (replaced atomically).")
@handle_errors
def import_esco(folder, output):
    """The ESCO v1.2.0 CSV files and occupation profiles in DIR as Turtle (attribution: ESCO)."""
    from kg.importers import esco

    _import_summary(esco.import_esco(folder, output, _progress()), output, "ESCO")

# ==== end import commands ==============================================================

# ==== viz commands (viz helper) ========================================================

@main.command()
@click.option("-o", "--output", "out_dir", default="visualizations", show_default=True,
              metavar="DIR", type=click.Path(file_okay=False), callback=not_empty,
              help="Folder to write the pages into (created if missing).")
@click.option("--focus", metavar="ENTITY",
              help="Write only the neighbourhood page of ENTITY (label, CURIE or IRI).")
@click.option("--depth", default=None, type=click.IntRange(min=1), metavar="N",
              help="With --focus: how many links away from ENTITY to show.  [default: 1]")
@click.pass_context
@handle_errors
def viz(ctx, out_dir, focus, depth):
    """Write interactive graph pages (whole graph, career ladder, or --focus) that open offline."""
    if depth is not None and focus is None:
        raise click.UsageError("--depth needs --focus ENTITY.")
    from kg import viz as pages
    from kg.viz_index import write_index

    for page in pages.write_pages(get_kg(ctx), Path(out_dir), focus=focus, depth=depth or 1):
        click.echo(str(page.path))
        click.echo(f"  {page.nodes} nodes, {page.edges} edges", err=True)
    click.echo(f"  index: {write_index(Path(out_dir))}", err=True)


@main.command()
@click.option("-o", "--output", "out_dir", default="visualizations", show_default=True,
              metavar="DIR", type=click.Path(file_okay=False), callback=not_empty,
              help="Folder to write charts.html into (created if missing).")
@click.pass_context
@handle_errors
def charts(ctx, out_dir):
    """Write charts of the graph's figures (pay by role, market size, growth, investment;
    hot technologies when loaded) as one offline page, and refresh the folder's index.html."""
    from kg import charts as drawing
    from kg.io import ensure_folder
    from kg.viz_index import write_index

    folder = ensure_folder(Path(out_dir))
    click.echo(str(drawing.charts_page(get_kg(ctx), folder / drawing.PAGE)))
    click.echo(f"  index: {write_index(folder)}", err=True)

# ==== end viz commands =================================================================

# ==== remote commands (remote helper) ==================================================

@main.command()
@click.option("--endpoint", metavar="URL", callback=not_empty,
              help="The store's SPARQL query URL (default: the global --endpoint / "
                   "AIKG_ENDPOINT); the count afterwards is asked there.")
@click.option("--update", "update_url", metavar="URL", callback=not_empty,
              help="The store's SPARQL Update URL (default: the query URL).")
@click.option("--gsp", "gsp_url", metavar="URL", callback=not_empty,
              help="The store's Graph Store Protocol URL (e.g. Oxigraph .../store, Fuseki "
                   ".../data, Virtuoso .../sparql-graph-crud-auth); without it, or where it "
                   "is refused, SPARQL Update INSERT batches.")
@click.option("--graph", "graph_iri", metavar="IRI", callback=not_empty,
              help="The named graph to replace (default: the global --graph, else the "
                   "store's default graph).")
@click.pass_context
@handle_errors
def push(ctx, endpoint, update_url, gsp_url, graph_iri):
    """Load the graph (release plus --with files) into a triple store, replacing one graph.

    All or nothing: the triples go into a temporary graph that replaces the target only when
    complete; pushing twice gives the same graph. Credentials: AIKG_ENDPOINT_USER and
    AIKG_ENDPOINT_PASSWORD, or ~/.netrc; never on the command line.

    \b
    Examples:
      aikg push --endpoint http://localhost:7878/query --update http://localhost:7878/update \\
                --gsp http://localhost:7878/store --graph https://example.org/careers
      aikg --with team.ttl push --endpoint http://localhost:8890/sparql \\
                --update http://localhost:8890/sparql-auth --graph https://example.org/careers
    """
    from kg.remote import push as pushing

    context = ctx.find_object(Context)
    endpoint = endpoint or context.endpoint
    if not endpoint:
        raise click.UsageError("Give the store: --endpoint URL (or set AIKG_ENDPOINT).")
    graph_iri = graph_iri or context.graph
    # the local graph is only read here, never queried with user SPARQL; this process must
    # reach the store, so it is not cut off the network
    triples = (_triple(q) for q in context.local(sandbox=False).triples())
    show = _push_progress if sys.stderr.isatty() else None
    result = pushing.push(triples, endpoint, update=update_url, gsp=gsp_url, graph=graph_iri,
                          timeout=context.timeout, progress=show)
    if show is not None:
        click.echo("", err=True)
    where = f"graph <{result.graph}>" if result.graph else "the default graph"
    click.echo(f"Pushed {result.sent} triples to {where} at {result.endpoint} "
               f"({result.protocol}, {result.requests} requests, {result.seconds:.1f} s, "
               f"{result.rate:,.0f} triples/s); the store now holds {result.stored} triples "
               "there.")


def _triple(quad):
    import pyoxigraph as ox

    return ox.Triple(quad.subject, quad.predicate, quad.object)


def _push_progress(sent: int, total: int) -> None:
    click.echo(f"\r{sent:,} / {total:,} triples sent", err=True, nl=False)

# ==== end remote commands ==============================================================

# ==== serve / docs commands (embedding helper) ========================================
@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, callback=not_empty,
              help="Interface to listen on; 0.0.0.0 exposes the endpoint to your network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port.")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1),
              help="Seconds a query may run before its worker is killed (HTTP 503).")
@click.option("--max-rows", default=10000, show_default=True, type=click.IntRange(1),
              help="Largest result (rows or triples) returned; bigger ones get HTTP 400.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Query worker processes. One client runs at most workers-1 queries at "
                   "once, so with 2 or more a runaway client leaves a worker to the others.")
@click.option("--queue", default=16, show_default=True, type=click.IntRange(1, 10000),
              help="Requests that may wait for a worker (half of them per client address); "
                   "more get HTTP 503 with Retry-After.")
@click.option("--worker-memory-mb", default=1024, show_default=True, type=click.IntRange(0),
              help="Address-space cap of each worker (RLIMIT_AS); a query that needs more "
                   "gets HTTP 503 and a fresh worker. 0: no cap.")
@click.option("--max-response-mb", default=32.0, show_default=True,
              type=click.FloatRange(0.001), help="Largest answer in megabytes (HTTP 400 beyond).")
@click.option("--max-body-kb", default=1024, show_default=True, type=click.IntRange(1),
              help="Largest request body in kilobytes (HTTP 413 beyond).")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="Host header the endpoint answers to (against DNS rebinding); "
                   "repeatable, *.example.org or * allowed. Default: the --host address "
                   "(and localhost on loopback); any host when bound to 0.0.0.0.")
@click.option("--client-timeout", default=10.0, show_default=True, type=click.FloatRange(0.1),
              help="Seconds a client may take to send a request head or body; slower or "
                   "silent connections are closed.")
@click.option("--allow-network", is_flag=True,
              help="Let the query workers reach the network. Off by default: workers are cut "
                   "off it, whatever a query asks.")
@click.option("--cors", "cors", multiple=True, metavar="ORIGIN",
              help="Allow browser pages from ORIGIN (e.g. http://localhost:3000, or *) to "
                   "query. Repeatable. Off by default.")
@click.pass_context
@handle_errors
def serve(ctx, host, port, timeout, max_rows, workers, queue, worker_memory_mb,
          max_response_mb, max_body_kb, allowed_hosts, client_timeout, allow_network, cors):
    """Serve the graph as a read-only SPARQL 1.1 endpoint at /sparql (and the release files)."""
    from kg import server
    from kg.serving.protection import default_allowed_hosts

    graph = local_kg(ctx, "serve", sandbox=False)  # this process listens; workers are cut off
    context = ctx.find_object(Context)
    allow_network = allow_network or context.allow_network  # the operator said so, either way
    settings = server.Settings(
        timeout=timeout, max_rows=max_rows, workers=workers, cors=tuple(cors),
        extra=context.user_files, queue=queue, worker_memory_mb=worker_memory_mb,
        max_response_mb=max_response_mb, max_body_kb=max_body_kb, allow_network=allow_network,
        client_timeout=client_timeout,
        allowed_hosts=tuple(allowed_hosts) or default_allowed_hosts(host))
    sock = server.listening_socket(host, port)  # fails here, before any banner, if taken
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host  # an IPv6 address needs brackets in a URL
    memory = f"{worker_memory_mb} MB" if worker_memory_mb else "no cap"
    click.echo(f"SPARQL endpoint: http://{shown}:{port}/sparql ({len(graph)} triples; "
               f"timeout {timeout:g} s, at most {max_rows} rows; Ctrl-C stops)", err=True)
    click.echo(f"  {workers} workers ({memory} each, network "
               f"{'allowed' if allow_network else 'cut off'}), queue {queue}, answers up to "
               f"{max_response_mb:g} MB, bodies up to {max_body_kb} KB; Host: "
               f"{', '.join(settings.allowed_hosts)}", err=True)
    server.serve(graph, settings=settings, sock=sock)


@main.command()
@click.option("-o", "--output", "directory", default="docs", show_default=True, metavar="DIR",
              type=click.Path(file_okay=False), callback=not_empty,
              help="Folder to write index.html into.")
@click.pass_context
@handle_errors
def docs(ctx, directory):
    """Write offline HTML reference documentation of the ontology (classes, properties, individuals)."""
    from kg import docs as reference

    page = reference.write_docs(local_kg(ctx, "docs"), directory)
    click.echo(f"Wrote {page}", err=True)
# ==== end serve / docs commands ========================================================

# ==== workspace commands ===============================================================


@main.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE.ttl...",
                type=click.Path(dir_okay=False))
@click.pass_context
@handle_errors
def add(ctx, files):
    """Add your Turtle files to the workspace: parsed and checked once, used by every command."""
    context = ctx.find_object(Context)
    space = context.workspace()
    merged = space.add([Path(f) for f in files], progress=progress_printer())
    total = sum(s.triples for s in space.sources())
    click.echo(f"Workspace {space.folder}: {len(merged.files)} file(s), {total:,} triples of "
               f"yours, checked; every command now answers with them.", err=True)


@main.command()
@click.argument("files", nargs=-1, metavar="FILE.ttl...", type=click.Path(dir_okay=False))
@click.option("--all", "everything", is_flag=True,
              help="Forget every file and delete the workspace folder with its stores.")
@click.pass_context
@handle_errors
def remove(ctx, files, everything):
    """Take files out of the workspace (the files themselves are not touched)."""
    if not files and not everything:
        raise click.UsageError("Name the files to remove, or give --all.")
    space = ctx.find_object(Context).workspace()
    gone = space.remove([Path(f) for f in files], everything=everything)
    for path in gone:
        click.echo(f"Removed {path}", err=True)
    if everything:
        click.echo(f"Deleted the workspace {space.folder}", err=True)


@main.command()
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "json"]), help="Output format.")
@click.pass_context
@handle_errors
def sources(ctx, fmt):
    """List what the graph is made of: the release and the files added to the workspace."""
    import json

    from kg import formats, store

    space = ctx.find_object(Context).workspace()
    release = store.ensure_release()
    rows = [{"source": "release", "path": str(release), "triples": store._manifest(release).get(
        "triples", 0), "status": "ok"}]
    rows += [{"source": "added", "path": str(s.path), "triples": s.triples, "status": s.status}
             for s in space.sources()]
    if fmt == "json":
        click.echo(json.dumps({"workspace": str(space.folder), "sources": rows}, indent=2))
        return
    # your files as you would type them (relative to here when below it); the release's
    # folder on its own line, so the table does not change with where the program lives
    click.echo(formats.table(["source", "triples", "status", "file"],
                             [[r["source"], f"{r['triples']:,}", r["status"],
                               _shown_path(r["path"]) if r["source"] == "added" else "-"]
                              for r in rows], max_width=None))
    click.echo(f"Release: {release}", err=True)
    click.echo(f"Workspace: {space.folder}", err=True)


def _shown_path(path: str) -> str:
    import os

    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


if __name__ == "__main__":
    main()
