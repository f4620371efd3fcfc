"""``aikg prepare``: catalogue answers kept beside the workspace store (kg.query.prepared)."""

from __future__ import annotations

import time

import click

from kg.cli.core import Context, handle_errors, main


@main.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option("--list", "listing", is_flag=True,
              help="Only say which queries are prepared for the current workspace store.")
@click.pass_context
@handle_errors
def prepare(ctx, names, listing):
    """Answer catalogue queries once and keep the answers beside the workspace store.

    Over a large workspace (1M triples) some catalogue queries run for minutes, past the
    30 s limit of 'aikg query'. Prepared, 'aikg query NAME' shows its table at once and
    writes every other format from the kept answer. Without NAME: every catalogue query
    that takes no required parameter. No time limit; progress on stderr; Ctrl-C stops at
    once and keeps the queries prepared so far (each is kept whole or not at all). A new
    store (aikg add, aikg remove) has nothing prepared: prepare again.

    \b
    Examples:
      aikg prepare
      aikg prepare class-members graph-facts
      aikg prepare --list
    """
    from kg.query import prepared

    context = ctx.find_object(Context)
    if context.endpoint:
        raise click.UsageError("aikg prepare keeps answers beside the local workspace store; "
                               "drop --endpoint (an endpoint's answers are its own).")
    graph = context.local()
    chosen = prepared.check(graph, list(names))
    if listing:
        for named in chosen:
            state = "prepared" if prepared.is_prepared(graph, named) else "not prepared"
            click.echo(f"{named.name}\t{state}")
        return
    started, done = time.monotonic(), []

    def say(line: str) -> None:
        click.echo(line, err=True)

    click.echo(f"Preparing {len(chosen)} quer{'y' if len(chosen) == 1 else 'ies'} in "
               f"{graph.folder} (Ctrl-C stops; what is prepared stays)", err=True)
    try:
        done = prepared.prepare_all(graph, chosen, say)
    except KeyboardInterrupt:
        click.echo("Stopped; the queries prepared so far are kept, the one running is not: "
                   "run the same command again for the rest.", err=True)
        raise
    before = len(chosen) - len(done)
    click.echo(f"Prepared {len(done)} in {time.monotonic() - started:.1f} s"
               + (f" ({before} prepared before)" if before else "")
               + "; 'aikg query NAME' reads them now.", err=True)
