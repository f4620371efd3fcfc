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
            # W3C JSON/XML results end without a newline; a terminal prompt should not follow
            sys.stdout.buffer.write(text if text.endswith(b"\n") or not text else text + b"\n")
            sys.stdout.flush()
        else:
            click.echo(text, nl=not text.endswith("\n"))
        return
    from kg.io import atomic_write

    atomic_write(Path(output), text.encode("utf-8") if isinstance(text, str) else text)


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
@click.pass_context
def main(ctx: click.Context, extra: tuple[str, ...]) -> None:
    """A knowledge graph of AI leadership careers, from Junior AI Engineer to Head of AI."""
    ctx.obj = Context(extra)
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


def not_empty(ctx, param, value):
    """Click callback: an option given as an empty string is a mistake, not 'not given'."""
    if value == "":
        raise click.BadParameter("must not be empty.", ctx=ctx, param=param)
    return value


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
              help="Send the query to a remote SPARQL 1.1 endpoint.")
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
    if endpoint:
        from kg.remote import RemoteGraph

        graph = RemoteGraph(endpoint)
    else:
        graph = get_kg(ctx)
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
    if tbox and fmt == "jsonld":
        raise click.UsageError("The TBox ships as ttl, nt and xml; pick one of those.")
    if context.extra and not tbox:  # the TBox is the shipped ontology; --with adds data
        data = exporting.merged(get_kg(ctx), fmt)
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

    graph = get_kg(ctx)
    settings = server.Settings(
        timeout=timeout, max_rows=max_rows, workers=workers, cors=tuple(cors),
        extra=ctx.find_object(Context).extra, queue=queue, worker_memory_mb=worker_memory_mb,
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

    page = reference.write_docs(get_kg(ctx), directory)
    click.echo(f"Wrote {page}", err=True)
# ==== end serve / docs commands ========================================================


if __name__ == "__main__":
    main()
