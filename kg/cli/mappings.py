"""The alignment between vocabularies: ``aikg align`` (compute it now) and ``aikg mappings``
(the mappings the graph holds, as SSSOM, CSV, a table or Turtle)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from kg.cli.core import handle_errors, local_kg, main, not_empty

VOCABS = ("guide", "esco", "onet", "other")
WORKSPACE_SET = "https://w3id.org/ai-leadership-kg/mappings/workspace"
ATTRIBUTION = ("Mappings between the AI Leadership guide, O*NET 29.2 (USDOL/ETA, CC BY 4.0) and "
               "ESCO v1.2.0 (European Commission, Commission Decision 2011/833/EU), made by "
               "ai-leadership-kg ('aikg align') and by hand.")


@main.command()
@click.option("-o", "--output", metavar="FILE", callback=not_empty,
              help="Also write the mappings to FILE (.sssom.tsv for SSSOM, else Turtle).")
@click.pass_context
@handle_errors
def align(ctx, output):
    """Align the vocabularies in the graph now (O*NET, ESCO, the guide) and say what it found.

    'aikg add' runs the same alignment when its files bring a second vocabulary, and keeps the
    result in the workspace; this recomputes it, e.g. to time it or write it out with -o.
    """
    from collections import Counter

    from kg.importers import align as aligner
    from kg.importers.align import stored

    graph = local_kg(ctx, "align")
    started = time.perf_counter()
    found = aligner.align(graph.store)
    seconds = time.perf_counter() - started
    if not found:
        click.echo("Nothing to align: the graph holds one vocabulary (the guide's). Add an "
                   "import first: aikg import onet DIR -o onet.ttl && aikg add onet.ttl",
                   err=True)
        return
    counts = Counter((stored.vocab(m.subject), stored.vocab(m.object), m.predicate) for m in found)
    for (source, target, predicate), n in sorted(counts.items()):
        click.echo(f"{source} -> {target}\t{predicate}\t{n:,}")
    click.echo(f"{len(found):,} mappings in {seconds:.1f} s.", err=True)
    if output:
        _write(output, found)


def _write(output: str, found) -> None:
    from kg.importers.align import sssom
    from kg.store.io import atomic_write

    if sssom.is_sssom(output):
        data = sssom.write(found, WORKSPACE_SET, ATTRIBUTION).encode()
    else:
        data = _turtle(found)
    atomic_write(Path(output), data)
    click.echo(f"Wrote {output}", err=True)


def _turtle(found) -> bytes:
    import io

    import pyoxigraph as ox

    from kg.importers.align import sssom

    prefixes = {**sssom.PREFIXES, "sssom": "https://w3id.org/sssom/",
                "dcterms": "http://purl.org/dc/terms/"}
    out = io.BytesIO()
    ox.serialize([q.triple for m in found for q in m.quads()], out, ox.RdfFormat.TURTLE,
                 prefixes=prefixes)
    return out.getvalue()


@main.command()
@click.option("--from", "source", type=click.Choice(VOCABS), help="Subjects from this vocabulary.")
@click.option("--to", "target", type=click.Choice(VOCABS), help="Objects from this vocabulary.")
@click.option("--format", "fmt", default="sssom", show_default=True,
              type=click.Choice(["sssom", "csv", "table", "ttl"]),
              help="SSSOM TSV (with its YAML header), CSV, a table, or Turtle.")
@click.pass_context
@handle_errors
def mappings(ctx, source, target, fmt):
    """The mappings between vocabularies the graph holds: the alignment's (score, method),
    the guide's editorial ones and your own (aikg add FILE.sssom.tsv), which win over the
    automatic ones they contradict; those are listed on stderr."""
    import csv
    import io

    from kg.importers.align import sssom, stored
    from kg.query import formats

    graph = local_kg(ctx, "mappings")
    asserted, replaced = stored.read(graph.store)
    rows = stored.between(asserted, source, target)
    if fmt == "sssom":
        sys.stdout.write(sssom.write(rows, WORKSPACE_SET, ATTRIBUTION))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(sssom.COLUMNS)
        for m in rows:
            writer.writerow([sssom.curie(m.subject), m.subject_label, f"skos:{m.predicate}",
                             sssom.curie(m.object), m.object_label,
                             f"semapv:{m.justification}",
                             "" if m.confidence is None else f"{m.confidence:.3f}", m.tool,
                             m.mapping_set, m.comment])
        sys.stdout.write(out.getvalue())
    elif fmt == "table":
        click.echo(formats.table(
            ["subject", "predicate", "object", "confidence", "justification"],
            [[m.subject_label or sssom.curie(m.subject), m.predicate,
              m.object_label or sssom.curie(m.object),
              "" if m.confidence is None else f"{m.confidence:.2f}", m.justification]
             for m in rows]))
    else:
        sys.stdout.buffer.write(_turtle(rows))
    for m in stored.between(replaced, source, target):
        winner = m.replaced_by
        click.echo(f"Overridden: {sssom.curie(m.subject)} skos:{m.predicate} "
                   f"{sssom.curie(m.object)} (aikg align, {m.confidence or 0:.2f}) by the hand "
                   f"mapping {sssom.curie(winner.subject)} skos:{winner.predicate} "
                   f"{sssom.curie(winner.object)}", err=True)
    click.echo(f"{len(rows):,} mappings.", err=True)
