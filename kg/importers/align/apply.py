"""The alignment inside a workspace build: hand mappings read and checked, the automatic
alignment computed, the hand ones winning, everything added to the merged store.

:class:`WorkspaceMappings` is the hook :class:`kg.store.workspace.Workspace` calls: it reads a
``.sssom.tsv`` file where a Turtle file would be parsed (the graph-free checks, before the
expensive build), then, once the files are merged and entailed, checks that every subject and
object is in the graph and adds the mappings.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from kg.errors import SourceError
from kg.importers.align import sssom
from kg.importers.align.model import INVERSE, Mapping, vocabulary

CURATED = Path(__file__).parent / "curated.sssom.tsv"
#: the occupation alignment keeps one O*NET occupation per ESCO occupation: a hand mapping of
#: the same ESCO occupation to another O*NET occupation replaces it
ONE_BEST = "CompositeMatching"



def overrides(hand: Mapping, automatic: Mapping) -> bool:
    """Whether ``hand`` contradicts (and so replaces) ``automatic``."""
    if {hand.subject, hand.object} == {automatic.subject, automatic.object}:
        return True
    return (automatic.justification == ONE_BEST and hand.subject == automatic.subject
            and vocabulary(hand.object) == vocabulary(automatic.object))


def resolve(hand: list[Mapping], automatic: list[Mapping]) -> tuple[list[Mapping], list[Mapping]]:
    """The mappings to assert (hand ones first) and the automatic ones they replaced (each
    pointing at its replacement). A hand mapping that says what the automatic one says is
    kept alone, and not reported as an override."""
    by_end: dict[str, list[Mapping]] = {}
    for h in hand:
        by_end.setdefault(h.subject, []).append(h)
        by_end.setdefault(h.object, []).append(h)
    kept, replaced = list(hand), []
    for a in automatic:
        winner = next((h for h in by_end.get(a.subject, ()) if overrides(h, a)), None)
        if winner is None:
            kept.append(a)
        elif not _same(winner, a):
            replaced.append(Mapping(**{**a.__dict__, "replaced_by": winner}))
    return kept, replaced


def _same(h: Mapping, a: Mapping) -> bool:
    if (h.subject, h.object) == (a.subject, a.object):
        return h.predicate == a.predicate
    return (h.object, h.subject) == (a.subject, a.object) and INVERSE[h.predicate] == a.predicate


def known(store: ox.Store, iri: str) -> bool:
    return next(iter(store.quads_for_pattern(ox.NamedNode(iri), None, None)), None) is not None


class WorkspaceMappings:
    """The workspace's hook: SSSOM files in, the alignment and the mappings into the store."""

    def __init__(self, automatic: bool = True):
        self.automatic = automatic
        self.last: dict = {}

    @functools.cached_property
    def version(self) -> str:
        """The alignment's version: a digest of its code and data (this folder's files), so a
        workspace store aligned by another version is built again, never reused."""
        if not self.automatic:
            return "hand-only"
        digest = hashlib.sha256()
        for path in sorted(p for p in Path(__file__).parent.iterdir()
                           if p.suffix in {".py", ".rq", ".tsv", ".csv"}):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        return "align-" + digest.hexdigest()[:16]

    def accepts(self, path: Path) -> bool:
        return sssom.is_sssom(path)

    def read(self, path: Path) -> list[tuple[int, Mapping]]:
        return sssom.Table(path).mappings()

    def apply(self, store: ox.Store, files: dict[Path, list[tuple[int, Mapping]]],
              say: Callable[[str], None] = lambda message: None) -> None:
        """Check the hand mappings against ``store``, align, and add what wins."""
        from kg.importers.align import align

        hand = []
        for path, rows in files.items():
            for n, m in rows:
                for end, column in ((m.subject, "subject_id"), (m.object, "object_id")):
                    if not known(store, end):
                        raise SourceError(
                            f"{path}, row {n}: {column} '{sssom.curie(end)}' is unknown to the "
                            "graph; map concepts the graph describes (add their file first), "
                            "or correct the identifier.")
                hand.append(m)
        curated = [m for _, m in sssom.Table(CURATED).mappings()
                   if known(store, m.subject) and known(store, m.object)]
        started = time.perf_counter()
        automatic = align(store) if self.automatic else []
        if automatic:
            say(f"Aligned the vocabularies: {len(automatic):,} mappings in "
                f"{time.perf_counter() - started:.1f} s")
        # the guide's editorial matches win over the automatic ones, the user's over both
        editorial, replaced = resolve(curated, automatic)
        kept, overridden = resolve(hand, editorial)
        replaced += overridden
        quads = [q for m in [*kept, *replaced] for q in m.quads()]
        if quads:
            store.bulk_extend(quads)
        self.last = {"hand": len(hand), "automatic": len(automatic), "replaced": len(replaced),
                     "seconds": time.perf_counter() - started}
