"""The ``aikg`` command line: click adapters over the ``kg`` library.

Each command parses its options, calls one library function, formats the answer and picks
the exit code. Library errors (:class:`kg.errors.KGError`) become one-line ``Error: ...``
messages with exit code 1; nothing here prints a traceback for bad input.
"""

from __future__ import annotations

import functools
import sys
import warnings
from pathlib import Path

import click

from kg.errors import KGError

__version__ = "0.1.0"


class Context:
    """What the global options say; the graph is loaded on first use only."""

    def __init__(self, extra: tuple[str, ...], endpoint: str | None = None,
                 graph: str | None = None, timeout: float = 30.0):
        self.extra = tuple(Path(p) for p in extra)
        self.endpoint = endpoint
        self.graph = graph
        self.timeout = timeout
        self._kg = None

    def kg(self):
        """The graph the read commands ask: the endpoint's when one is given, else local."""
        if self.endpoint:
            return self.remote(self.endpoint)
        return self.local()

    def remote(self, endpoint: str):
        from kg.errors import QueryError
        from kg.remote import RemoteGraph

        if self.extra:
            raise QueryError(f"--with cannot join a remote graph ({endpoint}): push your "
                             "files to the store first (aikg --with FILE push --endpoint URL), "
                             "or drop --endpoint.")
        if self._kg is None:
            self._kg = RemoteGraph(endpoint, timeout=self.timeout, graph=self.graph)
        return self._kg

    def local(self):
        if self._kg is None:
            import kg

            self._kg = kg.load(extra=self.extra)
        return self._kg


def get_kg(ctx: click.Context):
    """The graph for this invocation: the --endpoint's, or the release plus ``--with`` files."""
    return ctx.find_object(Context).kg()


def local_kg(ctx: click.Context, command: str):
    """The local graph, for commands that work on files only (refused with --endpoint)."""
    context = ctx.find_object(Context)
    if context.endpoint:
        from kg.errors import QueryError

        raise QueryError(f"'aikg {command}' works on the local graph, not on {context.endpoint}: "
                         "drop --endpoint (or unset AIKG_ENDPOINT).")
    return context.local()


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
            # W3C JSON/XML results end without a newline; a terminal prompt should not follow
            sys.stdout.buffer.write(text if text.endswith(b"\n") or not text else text + b"\n")
            sys.stdout.flush()
        else:
            click.echo(text, nl=not text.endswith("\n"))
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


def _one_line_usage(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except click.UsageError as error:
            hint = ""
            if error.ctx is not None and error.ctx.command is not None:
                hint = f" See '{error.ctx.command_path} --help'."
            raise UsageLine(error.format_message() + hint) from None

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
    invoke = _one_line_usage(click.Group.invoke)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="aikg")
@click.option(
    "--with", "extra", multiple=True, metavar="FILE.ttl",
    type=click.Path(dir_okay=False),
    help="Add your own Turtle (roles, skills, salary data) to the graph for this command. "
         "Repeatable. Held to the same shapes; never changes the shipped sources.",
)
@click.option(
    "--endpoint", metavar="URL", envvar="AIKG_ENDPOINT", callback=not_empty,
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
def main(ctx: click.Context, extra: tuple[str, ...], endpoint: str | None,
         graph_iri: str | None, timeout: float) -> None:
    """A knowledge graph of AI leadership careers, from Junior AI Engineer to Head of AI."""
    ctx.obj = Context(extra, endpoint, graph_iri, timeout)
    warnings.showwarning = _show_warning


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """Library warnings as one ``Warning: ...`` line on stderr, without file and line."""
    click.echo(f"Warning: {message}", err=True)


# ==== core commands (lead) ============================================================

FORMAT_HELP = ("Output format: table (default), md, csv, tsv, json, xml for results; "
               "ttl, nt, jsonld, xml for CONSTRUCT/DESCRIBE graphs.")


def _read_query_text(query: str | None, file: str | None) -> str:
    from kg.errors import QueryError

    if file is not None and query is not None:
        raise QueryError("Give the query as text or with -f FILE, not both.")
    source = file if file is not None else query
    if source == "-":
        data = sys.stdin.buffer.read()
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise QueryError("The query on stdin is not UTF-8 text; convert it first "
                             "(e.g. iconv -t UTF-8).") from None
    if file is None:
        if query.endswith(".rq") and Path(query).is_file():
            raise QueryError(f"'{query}' is a file: run it with -f {query}.")
        return query
    try:
        return Path(source).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QueryError(f"No such query file '{source}'; check the path.") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise QueryError(f"Cannot read query file '{source}': {reason.lower()}.") from None


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
@click.pass_context
@handle_errors
def query(ctx, query, file, params, fmt, output, endpoint, labels):
    """Run SPARQL: a named query, text, -f FILE or - (stdin).

    The ontology's prefixes (ail:, rdfs:, skos:, dcterms:, owl:, xsd:, schema:, ...) are
    predeclared. Updates, SERVICE, LOAD and FROM are refused. Run 'aikg queries' for the
    named queries and their parameters.

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
    results = graph.run(text, values)
    if labels is None:
        labels = not endpoint
    names = graph.labels() if labels and fmt in ("table", "md") else None
    write_output(formats.render(results, fmt, names, graph.prefixes), output)


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
    if context.extra and not tbox:  # the TBox is the shipped ontology; --with adds data
        data = exporting.merged(local_kg(ctx, "export"), fmt)
    else:
        data = exporting.release_bytes(fmt, tbox=tbox)
    write_output(data, output)


@main.command()
@click.option("-o", "--output", "target", metavar="DIR", type=click.Path(file_okay=False),
              callback=not_empty,
              help="Write the release here (default: the project's release/ folder).")
@click.option("--no-reason", is_flag=True, help="Skip the OWL reasoner (HermiT needs Java).")
@handle_errors
def build(target, no_reason):
    """Check the sources and write the release files (atomic, deterministic)."""
    from kg import build as building

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
    """Check the graph (and any --with files): exit 0 conforms, 1 does not, 2 error."""
    from kg import build as building
    from kg.graph import parse_turtle

    try:
        _, quads = building.parse_sources()
        for path in ctx.find_object(Context).extra:
            quads.extend(parse_turtle(path))
        report = building.run_checks(quads, reason=not no_reason)
    except KGError as error:
        click.echo(f"Error: {error}", err=True)
        ctx.exit(2)
    click.echo(report.to_json() if fmt == "json" else report.text(), nl=False)
    ctx.exit(0 if report.conforms else 1)

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
@PATH_FORMAT
@click.option("--html", "html", metavar="FILE", type=click.Path(dir_okay=False),
              callback=not_empty,
              help="Also write the path as an interactive page (opens offline) to FILE.")
@click.pass_context
@handle_errors
def path(ctx, source, target, have, by, via, avoid, alternatives, fmt, html):
    """The skill path from one role to another: every step, what to learn, running totals."""
    from kg import path_render, paths

    result = paths.find_path(get_kg(ctx), source, target, by=by, have=have, via=via,
                             avoid=avoid, alternatives=alternatives)
    page = None
    if html is not None:  # the page first: if it cannot be written, print no answer either
        from kg.viz import path_page  # pyvis and jinja2 only when a page is asked for

        page = path_page(get_kg(ctx), result, Path(html))
    write_output(path_render.render(result, fmt), None)
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
@click.option("--have", "have", multiple=True, required=True, metavar="SKILL",
              help="A skill you hold (label, alternative label, CURIE or IRI). Repeatable.")
@PATH_FORMAT
@click.pass_context
@handle_errors
def ready(ctx, have, fmt):
    """Roles ranked by the share of their required skills you already hold."""
    from kg import path_render, paths

    write_output(path_render.render(paths.ready(get_kg(ctx), have), fmt), None)

# ==== end path commands ================================================================

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

    for page in pages.write_pages(get_kg(ctx), Path(out_dir), focus=focus, depth=depth or 1):
        click.echo(str(page.path))
        click.echo(f"  {page.nodes} nodes, {page.edges} edges", err=True)

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
    triples = (_triple(q) for q in context.local().triples())
    show = _progress if sys.stderr.isatty() else None
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


def _progress(sent: int, total: int) -> None:
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
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Query worker processes (queries answered in parallel).")
@click.option("--cors", "cors", multiple=True, metavar="ORIGIN",
              help="Allow browser pages from ORIGIN (e.g. http://localhost:3000, or *) to "
                   "query. Repeatable. Off by default.")
@click.pass_context
@handle_errors
def serve(ctx, host, port, timeout, max_rows, workers, cors):
    """Serve the graph as a read-only SPARQL 1.1 endpoint at /sparql (and the release files)."""
    from kg import server

    graph = local_kg(ctx, "serve")
    settings = server.Settings(timeout=timeout, max_rows=max_rows, workers=workers,
                               cors=tuple(cors), extra=ctx.find_object(Context).extra)
    sock = server.listening_socket(host, port)  # fails here, before any banner, if taken
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host  # an IPv6 address needs brackets in a URL
    click.echo(f"SPARQL endpoint: http://{shown}:{port}/sparql ({len(graph)} triples; "
               f"timeout {timeout:g} s, at most {max_rows} rows; Ctrl-C stops)", err=True)
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


if __name__ == "__main__":
    main()
