"""Your data: import (O*NET, ESCO), add, remove, sources."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.core import (
    Context, Group, ensure_release, fail_on_option, handle_errors, main, not_empty,
    progress_printer,
)


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


def _import_arguments(command):
    """DIR and -o FILE.ttl, as every importer takes them."""
    command = click.option("-o", "--output", required=True, metavar="FILE.ttl",
                           callback=not_empty,
                           help="The Turtle file to write (replaced atomically).")(command)
    return click.argument("folder", metavar="DIR")(command)


@import_.command("onet")
@_import_arguments
@handle_errors
def import_onet(folder, output):
    """The O*NET 29.2 Excel files in DIR as Turtle (attribution: O*NET, USDOL/ETA, CC BY 4.0)."""
    from kg.importers import onet

    _import_summary(onet.import_onet(folder, output, _progress()), output, "O*NET")


@import_.command("esco")
@_import_arguments
@handle_errors
def import_esco(folder, output):
    """The ESCO v1.2.0 CSV files and occupation profiles in DIR as Turtle (attribution: ESCO)."""
    from kg.importers import esco

    ensure_release()  # ESCO's skills are matched against the release's
    _import_summary(esco.import_esco(folder, output, _progress()), output, "ESCO")


@main.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE.ttl...",
                type=click.Path(dir_okay=False))
@fail_on_option(None)
@click.option("--prepare", is_flag=True,
              help="Also answer every catalogue query without parameters, as 'aikg prepare' "
                   "does, while the merged store is in memory (about twice as fast).")
@click.pass_context
@handle_errors
def add(ctx, files, fail_on, prepare):
    """Add your Turtle files to the workspace: parsed and checked once, used by every command."""
    from kg.terminal import escape

    context = ctx.find_object(Context)
    space = context.workspace((lambda line: click.echo(line, err=True)) if prepare else None)
    ensure_release()  # the files are merged with it
    merged = space.add([Path(f) for f in files], progress=progress_printer(),
                       fail_on=fail_on or context.fail_on)
    for group in merged.report.groups() if merged.report is not None else ():
        click.echo(f"Warning: {escape(group.line())}", err=True)  # below the refusal level
    total = sum(s.triples for s in space.sources())
    click.echo(f"Workspace {space.folder}: {len(merged.files)} file(s), {total:,} triples of "
               f"yours, checked; every command now answers with them.", err=True)
    if prepare:  # a store merged before was not warmed now: what it lacks, from disk
        from kg.query import prepared

        graph = context.local()
        left = [q for q in prepared.preparable() if not prepared.is_prepared(graph, q)]
        prepared.prepare_all(graph, left, lambda line: click.echo(line, err=True))
        click.echo(f"Prepared every catalogue query without parameters in {graph.folder}.",
                   err=True)


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

    from kg.query import formats
    from kg.store import release as store

    space = ctx.find_object(Context).workspace()
    release = ensure_release()
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
