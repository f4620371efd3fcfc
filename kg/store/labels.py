"""Labels of a store's IRIs, read when first asked for."""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_LABEL = ox.NamedNode(RDFS_LABEL)


class Labels(Mapping):
    """IRI -> ``rdfs:label`` of a store, read on first use and remembered."""

    def __init__(self, store_):
        self._store = store_  # a function that gives the store
        self._known: dict[str, str | None] = {}

    def __getitem__(self, iri: str) -> str:
        if iri not in self._known:
            self._known[iri] = next(
                (q.object.value for q in self._store().quads_for_pattern(
                    ox.NamedNode(iri), _LABEL, None) if isinstance(q.object, ox.Literal)), None)
        label = self._known[iri]
        if label is None:
            raise KeyError(iri)
        return label

    def __iter__(self):
        seen = set()
        for quad in self._store().quads_for_pattern(None, _LABEL, None):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal) \
                    and quad.subject.value not in seen:
                seen.add(quad.subject.value)
                yield quad.subject.value

    def __len__(self) -> int:
        return sum(1 for _ in self)
