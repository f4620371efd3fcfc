"""Pages, charts and other machines: viz, charts, push, serve."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.core import (
    Context, get_kg, handle_errors, local_kg, main, not_empty,
)


@main.command()
@click.option("-o", "--output", "out_dir", default="visualizations", show_default=True,
              metavar="DIR", type=click.Path(file_okay=False), callback=not_empty,
              help="Folder to write the pages into (created if missing).")
@click.option("--focus", metavar="ENTITY",
              help="Write only the neighbourhood page of ENTITY (label, CURIE or IRI).")
@click.option("--depth", default=None, type=click.IntRange(min=1), metavar="N",
              help="With --focus: how many links away from ENTITY to show.  [default: 1]")
@click.option("--planner", is_flag=True,
              help="Write only planner.html: the career planner, answering offline from the "
                   "graph's ladder in the page.")
@click.pass_context
@handle_errors
def viz(ctx, out_dir, focus, depth, planner):
    """Write interactive graph pages (whole graph, career ladder, --focus, or --planner) that
    open offline."""
    if depth is not None and focus is None:
        raise click.UsageError("--depth needs --focus ENTITY.")
    if planner and focus is not None:
        raise click.UsageError("--planner and --focus write different pages; give one of them.")
    from kg.pages import viz as pages
    from kg.pages.index import write_index

    if planner:
        from kg.pages.planner import PAGE, write_planner
        from kg.store.io import ensure_folder

        written = [write_planner(get_kg(ctx), ensure_folder(Path(out_dir)) / PAGE)]
    else:
        written = pages.write_pages(get_kg(ctx), Path(out_dir), focus=focus, depth=depth or 1)
    for page in written:
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
    from kg.pages import charts as drawing
    from kg.store.io import ensure_folder
    from kg.pages.index import write_index

    folder = ensure_folder(Path(out_dir))
    click.echo(str(drawing.charts_page(get_kg(ctx), folder / drawing.PAGE)))
    click.echo(f"  index: {write_index(folder)}", err=True)


@main.command()
@click.option("--endpoint", metavar="URL", callback=not_empty,
              help="The store (its query URL, or any URL of it: the others are found; "
                   "default: the global --endpoint / AIKG_ENDPOINT).")
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

    One URL per server: given neither --update nor --gsp, the store's service description
    and the known layouts (Oxigraph server, Virtuoso, Fuseki) give them, and the command
    says what it found; given either, the options are taken as they are.

    \b
    Examples:
      aikg push --endpoint http://localhost:7878 --graph https://example.org/careers
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
    if update_url is None and gsp_url is None:  # one URL per server: find the others
        from kg.remote.discover import discover

        found = discover(endpoint, timeout=context.timeout)
        click.echo(f"Found at {endpoint}: {found.summary()}.", err=True)
        endpoint, update_url = found.query, update_url or found.update
        gsp_url = gsp_url or found.gsp
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
@click.option("--max-per-address", default=32, show_default=True, type=click.IntRange(1),
              help="Open connections one client address may hold; more get HTTP 503 at "
                   "once. Raise it behind a reverse proxy (every client is its address).")
@click.option("--allow-network", is_flag=True,
              help="Let the query workers reach the network. Off by default: workers are cut "
                   "off it, whatever a query asks.")
@click.option("--cors", "cors", multiple=True, metavar="ORIGIN",
              help="Allow browser pages from ORIGIN (e.g. http://localhost:3000, or *) to "
                   "query. Repeatable. Off by default.")
@click.pass_context
@handle_errors
def serve(ctx, host, port, timeout, max_rows, workers, queue, worker_memory_mb,
          max_response_mb, max_body_kb, allowed_hosts, client_timeout, max_per_address,
          allow_network, cors):
    """Serve the graph as a read-only SPARQL 1.1 endpoint at /sparql (and the release files)."""
    from kg.serving import server
    from kg.serving.protection import default_allowed_hosts

    graph = local_kg(ctx, "serve", sandbox=False)  # this process listens; workers are cut off
    context = ctx.find_object(Context)
    allow_network = allow_network or context.allow_network  # the operator said so, either way
    settings = server.Settings(
        timeout=timeout, max_rows=max_rows, workers=workers, cors=tuple(cors),
        extra=context.user_files, queue=queue, worker_memory_mb=worker_memory_mb,
        max_response_mb=max_response_mb, max_body_kb=max_body_kb, allow_network=allow_network,
        client_timeout=client_timeout, max_per_address=max_per_address,
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
