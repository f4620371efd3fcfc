"""Reading a Turtle file: an untrusted input, parsed within limits into pyoxigraph quads."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.errors import SourceError
from kg.store import inputs
from kg.store.release import curie


def parse_turtle(path: Path) -> list[ox.Quad]:
    """Parse one Turtle file; a syntax error becomes ``file, line N: what``."""
    return read_turtle(path)[0]


def read_turtle(path: Path) -> tuple[list[ox.Quad], dict[str, str]]:
    """The quads of one Turtle file and the prefixes it declares.

    The file is an untrusted input: :func:`kg.store.inputs.open_input` refuses devices, FIFOs and files
    over ``AIKG_MAX_FILE_BYTES``; the parser streams it, and a literal over
    ``AIKG_MAX_LITERAL_BYTES`` stops the read (:class:`SourceError` naming the way to raise it).
    """
    max_literal = inputs.limit(inputs.MAX_LITERAL_BYTES)
    with inputs.open_input(path) as reader:
        try:
            parser = ox.parse(reader, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
            quads = [_within(quad, max_literal, path) for quad in parser]
        except SyntaxError as error:
            if reader.exceeded:
                raise inputs.too_large(path) from None
            line = error.lineno or "?"
            what = str(error).split(": ", 1)[-1].splitlines()[0]
            raise SourceError(f"{path}, line {line}: {what}") from None
        except MemoryError as error:  # pyoxigraph's parser holds at most 16 MiB of one term
            if "buffer" not in str(error):
                raise
            raise SourceError(f"{path}: a term (literal or IRI) too long for the Turtle parser "
                              "(over 16 MiB); split it or leave it out.") from None
        if reader.exceeded:
            raise inputs.too_large(path)
        return quads, dict(parser.prefixes)


def _within(quad: ox.Quad, max_literal: int, path: Path) -> ox.Quad:
    """``quad``, unless its object is a literal longer than ``max_literal`` UTF-8 bytes."""
    literal = quad.object
    if isinstance(literal, ox.Literal) and len(literal.value) * 4 > max_literal:
        size = len(literal.value.encode("utf-8"))
        if size > max_literal:
            raise SourceError(
                f"{path}: a literal of {size:,} bytes (the {curie(quad.predicate.value)} "
                f"of {quad.subject}) is over the {max_literal:,}-byte limit; raise it with "
                f"{inputs.MAX_LITERAL_BYTES}=BYTES.")
    return quad
