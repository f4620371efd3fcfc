"""ESCO occupations aligned to O*NET occupations: structure first, then names.

1. **Candidates from the classifications.** An ESCO occupation's code starts with its ISCO-08
   unit group (``2511.4`` is in 2511); the US Bureau of Labor Statistics' ISCO-08 <-> SOC 2010
   crosswalk (``isco08_soc2010.csv``, shipped here) lists the SOC codes of each unit group, and
   an O*NET occupation's code starts with its SOC code (``15-2051.01`` is in 15-2051). O*NET
   29.2 is on SOC 2018: a 2010 code O*NET no longer uses (15-1132 "Software Developers,
   Applications") is bridged to the O*NET occupations of the same major group whose titles are
   most like the 2010 title (15-1252 "Software Developers").
2. **Names within the candidates.** Each candidate is scored by how alike the names are: the
   idf-weighted cosine of all the names (preferred label three times, alternative labels
   together once) plus a quarter of the cosine of the definitions, plus :data:`EXACT` when a
   name of one is a name of the other after normalisation (:func:`kg.importers.align.text.key`).
   An O*NET occupation outside the candidates can still win on an exact name (Data Scientists
   are new in SOC 2018), at :data:`OUTSIDE` less. O*NET's detailed occupations (codes not
   ending in ``.00``) cost :data:`DETAILED`, so the general one wins unless the names say
   otherwise; SOC's residual "All Other" occupations cost :data:`RESIDUAL`. When no
   candidate scores :data:`ENOUGH`, the candidates of the ISCO minor group, then of the
   sub-major group, are scored too (at :data:`WIDER` less per step).
   An O*NET name that ends the ESCO label's head phrase ("shop manager" in "craft shop
   manager", :mod:`kg.importers.align.phrases`) adds :data:`PHRASE` x its cover of the label;
   when the best so far is under :data:`WEAK`, the O*NET occupations whose names cover at
   least :data:`REACH` of the label compete too, at :data:`OUTSIDE` less (the crosswalk offers
   shop managers only General and Operations Managers; O*NET files "Shop Manager" under
   First-Line Supervisors of Retail Sales Workers).
   Last, an O*NET occupation named with the ESCO label's head noun (by a part of its title,
   "Molders, Shapers, and Casters" for "brick and tile caster", or by a name ending the
   label) gains :data:`HEAD`: a reviewer reads the head noun as the kind of worker. By a
   title part, times the share of that part's modifiers the ESCO occupation mentions (a
   window installer is no "Automotive Glass Installer"). It is added after the thresholds
   above, so it reorders the candidates but does not widen them.
3. **The relation.** ``exactMatch`` when the preferred labels are the same after
   normalisation, ``closeMatch`` when the ESCO preferred label is a name of the O*NET
   occupation or the score reaches :data:`CLOSE`,
   ``narrowMatch`` when the O*NET title names a part of the ESCO one's words, else
   ``broadMatch`` (ESCO, with 3,039 occupations, is mostly the finer of the two).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from kg.importers.align.model import Mapping
from kg.importers.align.concepts import Concept
from kg.importers.align.phrases import Phrases, head, title_heads, title_parts
from kg.importers.align.text import Bags, cosine, key, tokens

CROSSWALK = Path(__file__).parent / "isco08_soc2010.csv"
NAMES, DEFINITIONS, EXACT = 0.6, 0.25, 0.6
OUTSIDE, DETAILED, WIDER = 0.2, 0.1, 0.1
ENOUGH, CLOSE = 0.25, 0.6
#: weight of an O*NET name ending the ESCO label; the cover that brings an occupation from
#: outside the crosswalk; the best score under which those compete
PHRASE, REACH, WEAK = 1.0, 0.3, 0.35
#: SOC's residual occupations (a detailed code ending in 9: "Financial Clerks, All Other") are
#: what a reviewer picks only when no named one fits, so they lose a near tie
RESIDUAL = 0.03
#: an O*NET occupation named with the ESCO label's head noun (:func:`phrases.title_heads`),
#: times the share of that part of its title's modifiers the ESCO occupation mentions
HEAD = 0.15
JUSTIFICATION = "CompositeMatching"


def read_crosswalk(path: Path = CROSSWALK) -> tuple[dict[str, set[str]], dict[str, str]]:
    """ISCO-08 unit group -> SOC 2010 codes, and each SOC 2010 code's title."""
    units, titles = defaultdict(set), {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            soc = row["soc2010_code"].strip()
            units[row["isco08_code"].strip()].add(soc)
            titles[soc] = row["soc2010_title"].strip()
    return units, titles


class OccupationAligner:
    """Scores ESCO occupations against O*NET occupations (see the module's description)."""

    def __init__(self, esco: list[Concept], onet: list[Concept], crosswalk=None):
        self.esco, self.onet = esco, {c.iri: c for c in onet}
        units, titles = crosswalk or read_crosswalk()
        self.bags = Bags(tokens(" ".join(c.names)) for c in [*esco, *onet])
        self.vectors = {c.iri: self._vectors(c) for c in [*esco, *onet]}
        self.by_name: dict[str, dict[str, bool]] = defaultdict(dict)  # key -> IRI -> is title
        for c in onet:
            for name in c.names:
                self.by_name[key(name)][c.iri] = self.by_name[key(name)].get(c.iri) or name == c.label
        self.titles = {c.iri: self.bags.vector([(c.label, 1.0)]) for c in onet}
        self.phrases = Phrases(onet, self.bags)
        self.heads = {c.iri: title_heads(c.label) for c in onet}
        self.parts = {c.iri: title_parts(c.label) for c in onet}
        by_soc = defaultdict(set)
        for c in onet:
            by_soc[c.notation[:7]].add(c.iri)
        self._candidates: dict[str, set[str]] = {}
        self.units = {unit: set().union(*(self._bridge(soc, by_soc, titles) for soc in socs))
                      for unit, socs in units.items()}

    def _vectors(self, c: Concept):
        weights = 1 / max(1, len(c.alternatives)) ** 0.5
        names = self.bags.vector([(c.label, 3.0)] + [(a, weights) for a in c.alternatives])
        return names, self.bags.vector([(c.definition, 1.0)])

    def _bridge(self, soc: str, by_soc, titles) -> set[str]:
        """The O*NET occupations of a SOC 2010 code: its own, else the most alike by title."""
        if soc in by_soc:
            return by_soc[soc]
        wanted = self.bags.vector([(titles.get(soc, ""), 1.0)])
        scored = sorted(((cosine(wanted, self.titles[o.iri]), o.iri)
                         for o in self.onet.values() if o.notation[:2] == soc[:2]), reverse=True)
        return {iri for s, iri in scored[:3] if s >= 0.5} or {iri for _, iri in scored[:1]}

    def candidates(self, unit: str) -> set[str]:
        """The O*NET occupations of the ISCO groups starting with ``unit`` (cached)."""
        if unit not in self._candidates:
            self._candidates[unit] = set().union(
                *(found for u, found in self.units.items() if u.startswith(unit)))
        return self._candidates[unit]

    def best(self, e: Concept) -> list[tuple[float, str, bool, bool]]:
        """The best O*NET occupations for ``e``: (score, IRI, shares a name, is named with the
        label's head noun), best first. The head noun reorders (:data:`HEAD`) but is not in the
        score, which stays the evidence of the names and definitions."""
        scores, named, exact = self.scores(e)
        ranked = sorted(scores.items(),
                        key=lambda item: (-item[1] - HEAD * named.get(item[0], 0.0), item[0]))
        return [(round(s, 4), iri, iri in exact, named.get(iri, 0.0) > 0)
                for iri, s in ranked[:5]]

    def scores(self, e: Concept) -> tuple[dict[str, float], dict[str, float], set[str]]:
        """Every O*NET occupation scored for ``e`` (IRI -> score), those named with the label's
        head noun (IRI -> how far, :meth:`modifiers`), and those that share a name with it:
        what :meth:`best` ranks."""
        exact = self.shared(e)
        evidence = self.phrases.inside(e.label)
        reach = {iri for iri, v in evidence.items() if v >= REACH}
        scores: dict[str, float] = {}
        unit = e.notation.split(".")[0]
        for width, penalty in ((4, 0.0), (3, WIDER), (2, 2 * WIDER)):
            inside = self.candidates(unit[:width])
            for iri in inside | exact.keys():
                score = self._score(e, iri, exact.get(iri, 0.0)) - penalty
                score += PHRASE * evidence.get(iri, 0.0)
                if iri not in inside:
                    score -= OUTSIDE
                scores[iri] = max(score, scores.get(iri, -1.0))
            if len(unit) < 4 or max(scores.values(), default=-1.0) >= ENOUGH:
                break
        if max(scores.values(), default=-1.0) < WEAK:
            for iri in reach - scores.keys():
                score = self._score(e, iri, 0.0) + PHRASE * evidence[iri] - OUTSIDE
                scores[iri] = score
        noun = head(e.label)
        said = set().union(*(tokens(text) for text in (*e.names, e.definition)))
        named = {iri: 1.0 if iri in evidence else self.modifiers(iri, noun, said)
                 for iri in scores if noun in self.heads[iri] or iri in evidence}
        return scores, named, set(exact)

    def modifiers(self, iri: str, noun: str, said: set[str]) -> float:
        """How far the O*NET occupation's title names the same kind of ``noun`` as the ESCO
        occupation: the share (by idf) of the words modifying ``noun`` in its title that the
        ESCO occupation's names or definition mention, the best part's ("Automotive Glass
        Installers" for a window installer whose definition says glass: the glass, not the
        automotive, so about half; a part without modifiers, "Assemblers and Fabricators, All
        Other", names any assembler: 1). A name ending the label counts in full."""
        shares = []
        for part, modifiers in self.parts[iri]:
            if part == noun:
                weights = {w: self.bags.idf.get(w, self.bags.unseen) for w in modifiers}
                shares.append(sum(v for w, v in weights.items() if w in said)
                              / sum(weights.values()) if weights else 1.0)
        return max(shares, default=1.0)

    def shared(self, e: Concept) -> dict[str, float]:
        """O*NET occupations with a name of ``e``, each with its bonus: :data:`EXACT` for the
        ESCO preferred label as the O*NET title, less for alternative labels (x0.6 on either
        side) and for a name several occupations share (divided by the root of their count:
        "unit manager" says less than "sociologist")."""
        bonus: dict[str, float] = {}
        for n, name in enumerate(e.names):
            owners = self.by_name.get(key(name), {})
            for iri, is_title in owners.items():
                value = EXACT * (1.0 if n == 0 else 0.6) * (1.0 if is_title else 0.6)
                value /= len(owners) ** 0.5
                bonus[iri] = max(value, bonus.get(iri, 0.0))
        return bonus

    def _score(self, e: Concept, iri: str, bonus: float) -> float:
        (en, ed), (on, od) = self.vectors[e.iri], self.vectors[iri]
        score = NAMES * cosine(en, on) + DEFINITIONS * cosine(ed, od) + bonus
        if not self.onet[iri].notation.endswith(".00"):
            score -= DETAILED
        if self.onet[iri].notation[6:] == "9.00":  # all 76 of them are titled "..., All Other"
            score -= RESIDUAL
        return score

    def mappings(self) -> list[Mapping]:
        out = []
        for e in self.esco:
            ranked = self.best(e)
            if not ranked:
                continue
            score, iri, _, _ = ranked[0]
            o = self.onet[iri]
            # close only when the ESCO occupation's own name is a name of the O*NET one (a
            # shared alternative label such as "unit manager" says less)
            shared = iri in self.by_name.get(key(e.label), {})
            inside = iri in self.candidates(e.notation.split(".")[0][:4])
            why = explain(e, o, ranked, inside)
            if iri in self.phrases.inside(e.label):
                why += "; the label ends with one of its names"
            out.append(Mapping(e.iri, relation(e, o, score, shared), o.iri, JUSTIFICATION,
                               max(0.0, min(1.0, score)), why, e.label, o.label))
        return out


def relation(e: Concept, o: Concept, score: float, shared: bool) -> str:
    if key(e.label) == key(o.label):
        return "exactMatch"
    if shared or score >= CLOSE:
        return "closeMatch"
    ewords, owords = set(key(e.label).split()), set(key(o.label).split())
    if ewords < owords and "," not in o.label and " and " not in o.label:
        return "narrowMatch"
    return "broadMatch"


def explain(e: Concept, o: Concept, ranked, inside: bool) -> str:
    """Why this O*NET occupation: where it came from, its score and the runner-up's."""
    unit = e.notation.split(".")[0]
    where = (f"ISCO-08 {unit} -> SOC {o.notation[:7]} (BLS crosswalk)" if inside
             else f"outside the SOC codes of ISCO-08 {unit}")
    runner = (f"; next {ranked[1][1].rsplit('/', 1)[-1]} at {ranked[1][0]:.2f}"
              if len(ranked) > 1 else "")
    shared = "; a name in common" if ranked[0][2] else ""
    noun = "; named with the label's head noun" if ranked[0][3] else ""
    return f"{where}; names and definitions scored {ranked[0][0]:.2f}{shared}{noun}{runner}"


def align(occupations: list[Concept]) -> list[Mapping]:
    """ESCO -> O*NET mappings, one per ESCO occupation with a candidate."""
    esco = [c for c in occupations if c.vocab == "esco" and c.notation[:4].isdigit()]
    onet = [c for c in occupations if c.vocab == "onet" and len(c.notation) >= 7]
    if not esco or not onet:
        return []
    return OccupationAligner(esco, onet).mappings()
