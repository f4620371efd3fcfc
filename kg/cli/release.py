"""Commands on the release itself: export, build, validate, jena, docs."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.core import (
    Context, _deny_network, ensure_release, fail_on_option, handle_errors, local_kg, main,
    not_empty, write_output,
)
from kg.errors import KGError


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
    from kg.releasing import export as exporting

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
@fail_on_option(None)
@click.pass_context
def validate(ctx, no_reason, fmt, fail_on):
    """Check the graph (with your workspace and --with files): exit 0 conforms, 1 not, 2 error.

    Your files fail on errors only unless --fail-on says more; the shipped sources alone are
    held to warnings too, as 'aikg build' holds them.
    """
    from kg import build as building

    _deny_network(ctx)
    context = ctx.find_object(Context)
    # the workspace's files, then --with: what the commands answer with is what is checked
    extra = tuple(dict.fromkeys(
        [Path(e["path"]) for e in context.workspace().recorded()] + list(context.extra)))
    try:
        if extra:  # the release was checked when built: check what the files add
            ensure_release()
            report = building.run_checks_with(extra, reason=not no_reason,
                                              fail_on=fail_on or context.fail_on)
        else:
            _, quads = building.parse_sources()
            report = building.run_checks(quads, reason=not no_reason,
                                         fail_on=fail_on or building.SOURCES_FAIL_ON)
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
    supplies both (see kg/checks/jena.py). Example: aikg jena sparql --data=ai_leadership.nt
    --query=q.rq. 'aikg jena TOOL --help' shows the tool's own options. Java runs cut off the
    network like every local query (a SERVICE clause cannot call out) unless --allow-network.
    """
    import subprocess

    from kg.checks import jena as jena_tools

    # Jena's ARQ evaluates SERVICE over HTTP and its ARGS are not ours to parse: the cut (a
    # network namespace or Landlock, inherited by the java child) is the wall here
    _deny_network(ctx)
    try:
        code = subprocess.run(jena_tools.command(tool, list(args))).returncode
    except KeyboardInterrupt:
        code = 130
    ctx.exit(code)


@main.command()
@click.option("-o", "--output", "directory", default="docs", show_default=True, metavar="DIR",
              type=click.Path(file_okay=False), callback=not_empty,
              help="Folder to write index.html into.")
@click.pass_context
@handle_errors
def docs(ctx, directory):
    """Write offline HTML reference documentation of the ontology (classes, properties, individuals)."""
    from kg.pages import docs as reference

    page = reference.write_docs(local_kg(ctx, "docs"), directory)
    click.echo(f"Wrote {page}", err=True)

