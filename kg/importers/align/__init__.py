"""Alignment between vocabularies: ESCO and O*NET occupations, skills across the guide, O*NET
and ESCO, as SKOS mappings with their score and method (see docs/alignment.md).

- :func:`align` (:mod:`kg.importers.align.automatic`) computes the automatic mappings of a
  store's concepts;
- :mod:`kg.importers.align.model`: a mapping and its RDF form (SKOS triple + SSSOM axiom);
- :mod:`kg.importers.align.sssom`: SSSOM tables out and in (a team's hand mappings).

The scorers are imported when :func:`align` is first asked for: every workspace carries the
alignment hook (:mod:`kg.importers.align.apply`), and a plain query must not pay for them.
"""

from __future__ import annotations

from kg.importers.align.model import Mapping, vocabulary


def __getattr__(name: str):
    if name == "align":
        from kg.importers.align.automatic import align

        return align
    raise AttributeError(f"module 'kg.importers.align' has no attribute '{name}'")


__all__ = ["Mapping", "align", "vocabulary"]
