"""The whole graph as a file: the shipped release, or the release merged with user files."""

from __future__ import annotations

from kg.store import release as store

EXTENSIONS = {"ttl": "ttl", "nt": "nt", "xml": "rdf", "jsonld": "jsonld"}


def release_bytes(fmt: str, tbox: bool = False) -> bytes:
    """The release file in ``fmt`` (ttl, nt, xml, jsonld), byte for byte."""
    return store.release_file(EXTENSIONS[fmt], tbox=tbox).read_bytes()


def merged(graph, fmt: str) -> bytes:
    """The loaded graph (release plus ``--with`` files) serialised like the release."""
    from kg.build import _serialize, canonical_triples

    return _serialize(canonical_triples(graph.triples()), EXTENSIONS[fmt])
