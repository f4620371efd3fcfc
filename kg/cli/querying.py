"""Commands that read the graph: query, queries, describe, search, stats."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from kg.cli.core import (
    Context, OutputError, get_kg, handle_errors, main, not_empty, one_shot, write_output,
)


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
        # non-blocking open: a FIFO nobody writes to would block open() for ever; once open,
        # reads block again (a pipe being written, as '-f <(...)', is read to its end)
        fd = os.open(source, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb") as handle:
            text = _bounded_text(handle, f"in '{source}'")
    except FileNotFoundError:
        raise QueryError(f"No such query file '{source}'; check the path.") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise QueryError(f"Cannot read query file '{source}': {reason.lower()}.") from None
    if not text.strip():
        raise QueryError(f"The query file '{source}' is empty (a FIFO nobody writes to reads "
                         "as empty); give a file holding a query.")
    return text


def _bounded_text(handle, where: str) -> str:
    """At most the longest query the guard accepts (in UTF-8 bytes), so -f /dev/zero or an
    endless pipe ends with an error instead of reading forever."""
    from kg.errors import QueryError
    from kg.query.sparql import MAX_LENGTH

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
@click.option("--base", metavar="IRI", callback=not_empty,
              help="Resolve relative IRIs against this absolute IRI (default: the -f file's "
                   "URI; none for query text).")
@click.pass_context
@handle_errors
@one_shot
def query(ctx, query, file, params, fmt, output, endpoint, labels, timeout, base):
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

    Relative IRIs (<x>) resolve against the query file's URI with -f, or --base IRI.
    """
    from kg.errors import ParameterError, QueryError
    from kg.query.killable import QueryTimeout

    if query is None and file is None:
        raise QueryError("Give a query: a name from 'aikg queries', SPARQL text, -f FILE or -.")
    named = None
    if file is None and query not in (None, "-") and _looks_like_name(query):
        from kg.query import catalogue  # read for a named query only

        named = catalogue.get(query)
        text = named.text
    else:
        text = _read_query_text(query, file)
        if params:
            raise ParameterError("-p applies to named queries only; bind values in your "
                                 "query text or save it in kg/queries/.")
    if base is None and file not in (None, "-"):
        base = Path(file).resolve().as_uri()
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
    # from here to the first query, the local store loads in a thread of its own
    # (kg.store.ahead.open_store_later): this Python work overlaps it
    from kg.query import formats, paging, sparql  # noqa: F401  (paging: for the child)

    if not endpoint:  # refused here, before any fork; the child inherits the verdict
        sparql.check_safe(text, allow_service=graph.allow_network)
    if labels is None:
        labels = not endpoint
    indexed = None
    if named is not None and named.index and not endpoint:
        from kg.query import textsearch  # its declared index answers: no scan of every text

        indexed = textsearch.indexed(graph, named, values)
    # a catalogue query without parameters has one answer per workspace store: too slow
    # now, it can be prepared once ('aikg prepare NAME'); the table says so, and the timeout
    preparable = (named is not None and not values and not endpoint
                  and getattr(graph, "folder", None) is not None
                  and all(p.optional for p in named.params))
    hint = f"aikg prepare {named.name}" if preparable else None

    started = time.monotonic()

    def work(out):
        if indexed is not None:
            if fmt in formats.TEXT_FORMATS:
                out.write(formats.render(indexed, fmt, graph.labels() if labels else None,
                                         graph.prefixes))
            else:
                formats.write(indexed, fmt, out, None, graph.prefixes)
            return
        if fmt in formats.TEXT_FORMATS:  # made for people: one page, then how many follow
            # the count stops well before --timeout would stop this whole process: the
            # page stays on the screen with 'more follow' rather than end in an error
            _human(graph, text, values, base, fmt, labels, out,
                   started + timeout * 0.95 - 1.0 if timeout else None, hint)
            return
        if not graph.answer_kept(text, values):
            # every row as the engine yields it: kept beside the store, a shipped query's
            # answer would be held whole as JSON first (about 100 MB for 223k rows)
            graph.cache_results = False
        formats.write(graph.run(text, values, base), fmt, out, None, graph.prefixes)

    # Python waits on the socket (Ctrl-C and the socket timeout work here), or reads an
    # answer kept beside a workspace store: no query runs that a child would have to stop
    if endpoint or indexed is not None or graph.answer_kept(text, values):
        _write_here(work, output)
        return
    try:
        _run_killable(work, output, timeout)
    except QueryTimeout:
        if hint is None:
            raise
        raise QueryTimeout(
            f"'{named.name}' ran longer than {timeout:g} s over this workspace and was stopped; "
            f"prepare its answer once (no time limit), then every format reads it at once: "
            f"{hint}") from None


def _human(graph, text, values, base, fmt, labels, out, deadline, hint=None):
    """A table or Markdown answer: its first page as soon as the engine has it (the query cut
    to one page, kg.query.paging), then how many rows follow, counted by the engine until
    ``deadline`` (time.monotonic(); None: no limit); kept beside a workspace store once
    counted. ``hint``: the command that prepares the answer, said when the count ran out of
    time."""
    from kg.query import formats, paging

    data = graph.kept_table(text, values, fmt, labels)
    if data is not None:
        out.write(data)
        return
    names = graph.labels() if labels else None
    paged = paging.page_query(text, paging.PAGE + 1)
    if paged is None or graph.answer_kept(text, values):  # not cut here, or at hand whole
        data = formats.render(graph.run(text, values, base), fmt, names, graph.prefixes)
    else:
        data, more = formats.first_page(graph.run(paged, values, base), fmt, names,
                                        graph.prefixes)
        if more:
            out.write(data)
            out.flush()  # the page is on the screen while the engine counts
            left = None if deadline is None else deadline - time.monotonic()
            total = paging.count_rows(graph, text, values, base, left)
            note = formats.more_note(paging.PAGE, total, hint)
            out.write(note)
            if total is None:
                return  # not counted in time: a later run may count it
            data, out = data + note, None
    if out is not None:
        out.write(data)
    graph.keep_table(text, values, fmt, labels, data)


def _write_here(work, output: str | None) -> None:
    """Run ``work`` in this process, its bytes streamed as they come: to stdout, or to
    ``output`` through a temporary file renamed over it once done. A prepared answer of 500k
    rows is written row by row, never held whole (it was rendered into memory first)."""
    if output not in (None, "-"):
        from kg.store.io import atomic_write

        atomic_write(Path(output), work)
        return
    out = _Stdout()
    work(out)
    if out.last != b"\n":  # W3C JSON/XML end without a newline; a prompt should not follow
        out.write(b"\n")
    sys.stdout.flush()


class _Stdout:
    """stdout's bytes as a file for writers, remembering the last byte written."""

    last = b"\n"

    def write(self, data) -> int:
        try:
            sys.stdout.buffer.write(data)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputError(error) from None
        if len(data):
            self.last = bytes(data[-1:])
        return len(data)

    def flush(self) -> None:
        sys.stdout.flush()


def _run_killable(work, output: str | None, timeout: float) -> None:
    """Run ``work`` in a child process that --timeout and Ctrl-C can kill; its bytes go to
    stdout as they come, or to ``output`` through a temporary file renamed over it once the
    work succeeded (an answer of any size streams: it is never held whole here)."""
    from kg.query import killable

    if output not in (None, "-"):
        from kg.store.io import atomic_write

        atomic_write(Path(output), lambda handle: killable.run(work, handle.write,
                                                                timeout or None))
        return
    last = [b"\n"]

    def sink(chunk: bytes) -> None:
        try:
            sys.stdout.buffer.write(chunk)
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputError(error) from None
        last[0] = chunk[-1:]

    killable.run(work, sink, timeout or None)
    if last[0] != b"\n":  # W3C JSON/XML end without a newline; a prompt should not follow
        sink(b"\n")


@main.command()
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "json", "md"]), help="Output format.")
@handle_errors
def queries(fmt):
    """List the named queries: name, summary and parameters."""
    import json

    from kg.query import catalogue
    from kg.query import formats

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

    from kg.query import describe as describing

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
    from kg.query import formats
    from kg.query import textsearch

    graph = get_kg(ctx)
    # a workspace store keeps a full-text index (kg.store.fulltext): the same answer without
    # reading every text of the graph; the release alone and endpoints run the query
    results = textsearch.search(graph, text, cls, limit)
    write_output(formats.render(results, fmt, graph.labels(), graph.prefixes), None)


@main.command()
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "md", "csv", "tsv", "json", "xml"]), help="Output format.")
@click.pass_context
@handle_errors
def stats(ctx, fmt):
    """Counts per class (individuals, including those of subclasses) and triples."""
    from kg.query import catalogue
    from kg.query import formats

    graph = get_kg(ctx)
    write_output(formats.render(graph.run(catalogue.get("class-counts").text), fmt,
                                graph.labels(), graph.prefixes), None)
    click.echo(f"{len(graph)} triples", err=True)
