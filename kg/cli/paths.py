"""Skill-path commands: path, gap, next, ready."""

from __future__ import annotations

import threading
from pathlib import Path

import click

from kg.cli.core import (
    Context, get_kg, handle_errors, main, not_empty, one_shot, write_output,
)


def _graph_first(ctx, roles: bool = True):
    """The graph, asked for before the path code is imported (networkx: 0.2 s), and the
    function that waits for what is read meanwhile: the guide loads in a thread
    (kg.store.ahead.open_store_later) and, when the command names ``roles``, their labels
    (:meth:`kg.graph.KnowledgeGraph.named_labels`) are read in another, both mostly without
    the GIL. Not from an endpoint (its requests stay in this thread, one after another) nor
    beside a workspace store's label index, which is read instead."""
    graph = get_kg(ctx)
    if not roles or graph.folder is not None or ctx.find_object(Context).endpoint:
        return graph, lambda: None
    reading = threading.Thread(target=_labels_quietly, args=(graph,), name="aikg-ahead")
    reading.start()
    return graph, reading.join


def _labels_quietly(graph) -> None:
    try:
        graph.named_labels(ROLE)
    except Exception:  # noqa: BLE001, S110 - raised again, with its message, when asked for
        pass


#: what FROM, TO, --via, --avoid and --role name (kg.paths.questions.ROLE, which imports
#: networkx with the path code)
ROLE = "ail:Occupation"


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
              help="Also use lateral moves and career changes (ail:canMoveTo): each costs "
                   "its price in skill-equivalents (by skills) or its ail:moveCost steps "
                   "(by steps); see the cost model below.")
@PATH_FORMAT
@click.option("--verbose", "-v", is_flag=True,
              help="List every responsibility a step gains (a table otherwise counts them per "
                   "area when there are more than three; md and json always list them).")
@click.option("--html", "html", metavar="FILE", type=click.Path(dir_okay=False),
              callback=not_empty,
              help="Also write the path as an interactive page (opens offline) to FILE.")
@click.pass_context
@handle_errors
@one_shot
def path(ctx, source, target, have, by, via, avoid, alternatives, lateral, fmt, verbose,
         html):
    """The skill path from one role to another: every step, what to learn, running totals.

    \b
    Cost model: a step costs the skills the role entered requires that you do not hold yet,
    each counted once along the path under whatever name (skos:exactMatch and closeMatch
    names are one skill), a named tool (O*NET technology example) only when hot or in demand.
    A step up the ladder costs nothing more; a lateral move or career change also costs 10
    skill-equivalents per step of its ail:moveCost (lateral move 1, career change and move
    by skill overlap 2), and those steps are what --by steps counts. Roles with no skill data
    are named, not costed as nothing to learn. FROM holds what the same occupation lists in
    another vocabulary (skos:exactMatch) and, where it lists no skills, what its definition
    names; the path may start as that namesake, with no move.
    """
    graph, done = _graph_first(ctx)
    from kg.paths import render as path_render
    from kg.paths import answers as paths

    done()

    result = paths.find_path(graph, source, target, by=by, have=have, via=via,
                             avoid=avoid, alternatives=alternatives, lateral=lateral)
    page = None
    if html is not None:  # the page first: if it cannot be written, print no answer either
        from kg.pages.path_page import path_page  # pyvis and jinja2 only when a page is asked for

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
@one_shot
def gap(ctx, source, target, have, fmt):
    """The skills role TO requires that role FROM (plus --have) does not, grouped by kind."""
    graph, done = _graph_first(ctx)
    from kg.paths import render as path_render
    from kg.paths import answers as paths

    done()

    write_output(path_render.render(paths.gap(graph, source, target, have), fmt), None)


@main.command("next")
@click.argument("role")
@HAVE
@click.option("--lateral", is_flag=True,
              help="Also list lateral moves and career changes (ail:canMoveTo), each named by "
                   "its kind.")
@PATH_FORMAT
@click.pass_context
@handle_errors
@one_shot
def next_(ctx, role, have, lateral, fmt):
    """The roles one step on from ROLE, each with the skills it adds."""
    graph, done = _graph_first(ctx)
    from kg.paths import render as path_render
    from kg.paths import answers as paths

    done()

    write_output(path_render.render(paths.next_roles(graph, role, have, lateral), fmt), None)


@main.command()
@click.option("--have", "have", multiple=True, metavar="SKILL",
              help="A skill you hold (label, alternative label, CURIE or IRI). Repeatable.")
@click.option("--role", "role", metavar="ROLE", callback=not_empty,
              help="Your current role: the skills it requires count as held (and those the "
                   "same occupation lists in another vocabulary, skos:exactMatch).")
@click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N",
              help="Show only the N best-ranked roles.")
@PATH_FORMAT
@click.pass_context
@handle_errors
@one_shot
def ready(ctx, have, role, limit, fmt):
    """Roles ranked by the share of their essential skills you hold (--have, --role).

    \b
    The score is that share, each essential skill weighing importance/5 where the data
    rates it (O*NET), else 1, with one unlisted skill added to the whole (a short list
    held entirely is weaker evidence than a long one); ties go to fewer skills missing. A
    skill held under another name (skos:exactMatch, closeMatch) counts as held.
    """
    graph, done = _graph_first(ctx, roles=role is not None)
    from kg.paths import render as path_render
    from kg.paths import answers as paths

    done()

    write_output(path_render.render(paths.ready(graph, have, role, limit), fmt), None)

