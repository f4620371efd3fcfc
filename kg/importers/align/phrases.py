"""Evidence from O*NET names that end an ESCO occupation's name.

O*NET lists some 60,000 alternate titles; an ESCO name is often one of them with a modifier in
front ("beverages shop manager" ends with O*NET's "Shop Manager", an alternate title of
First-Line Supervisors of Retail Sales Workers; "import export specialist in beverages" with
"Import Export Specialist", one of Customs Brokers'). A reviewer reads them the same way: the
head phrase says what the job is, the modifiers what it is about.

:meth:`Phrases.inside` tries each ending of the ESCO name's head phrase (the words before
"in", "of", a comma or a bracket) of two words or more, longest first, short of the whole name
(a whole name in common is counted once, by the exact-name bonus of
:meth:`~kg.importers.align.occupations.OccupationAligner.shared`); the first that is an
O*NET name (same words, same head noun) counts, with its cover: the idf of its words over
the idf of the ESCO name's (:class:`~kg.importers.align.text.Bags`, rare words count more),
divided by the square root of how many O*NET occupations go by that name (a residual "All
Other" occupation does not, when a named occupation of its major group has the name too).
"craft manager" (Craft Artists) is no ending of "craft shop manager", and "manager" alone says
nothing.

:func:`title_heads` gives the head nouns an O*NET title names, one per part of the title
("Molders, Shapers, and Casters, Except Metal and Plastic": molder, shaper, caster); an ESCO
label with one of them as its head noun (:func:`head`) names the same kind of worker, and
:func:`title_parts` the words that modify each ("Automotive Glass Installers": automotive,
glass), which say what kind of that worker it is.
"""

from __future__ import annotations

import re
from collections import defaultdict

from kg.importers.align.concepts import Concept
from kg.importers.align.text import Bags, key, tokens, unqualified


#: where a title's head phrase ends: "specialist in beverages", "Tenders, Wood", "manager (retail)"
_TAIL = re.compile(r"\s*(?:,|\(|\bin\b|\bof\b|\bfor\b|\bat\b|\bto\b|\bwith\b).*$", re.I)


def head(name: str) -> str:
    """The head noun of a job title, singular: the last content word before a qualifier
    ("import export specialist in beverages" -> specialist, "Shop Managers" -> manager)."""
    words = _words(_TAIL.sub("", name)) or _words(name)
    return words[-1] if words else ""


def _words(text: str) -> tuple[str, ...]:
    """The content words in order, a hyphenated word as its parts ("First-Line Supervisors"
    ends with supervisor, not with the joined "firstline" that :func:`tokens` adds)."""
    return tokens(text.replace("-", " "))


_EXCEPT = re.compile(r",?\s*\b(?:except|all other)\b.*$", re.I)
_PARTS = re.compile(r"\s*(?:,|\band\b|\bor\b)\s*", re.I)


def title_heads(title: str) -> set[str]:
    """The head nouns an O*NET title names, one per part ("Molders, Shapers, and Casters,
    Except Metal and Plastic" -> molder, shaper, caster; "First-Line Supervisors of Retail
    Sales Workers" -> supervisor); a slash joins heads only in the last word ("Computer Systems
    Engineers/Architects" -> engineer, architect; "Driver/Sales Workers" -> worker)."""
    return {noun for noun, _ in title_parts(title)}


def title_parts(title: str) -> list[tuple[str, frozenset[str]]]:
    """Each part of an O*NET title as its head noun and the words that modify it ("Automotive
    Glass Installers and Repairers" -> (installer, {automotive, glass}), (repairer, {});
    "Computer Systems Engineers/Architects" -> (engineer, {computer, system}), (architect,
    {computer, system})). A comma ends a part: "Model Makers, Wood" -> (maker, {model}), (wood,
    {})."""
    text = _EXCEPT.sub("", unqualified(title))
    text = re.sub(r"\s+(?:of|in|for|at|to|with)\b.*$", "", text, flags=re.I)
    parts = []
    for part in _PARTS.split(text):
        if not part.split():
            continue
        modifiers = set(_words(" ".join(part.split()[:-1])))
        for w in part.split()[-1].split("/"):
            if words := _words(w):
                parts.append((words[-1], frozenset(modifiers | set(words[:-1]))))
    return parts


class Phrases:
    """O*NET names by their comparison key and head noun."""

    def __init__(self, onet: list[Concept], bags: Bags):
        self.bags = bags
        self.owners: dict[tuple[str, str], set[str]] = defaultdict(set)
        for c in onet:
            for name in c.names:
                self.owners[key(name), head(name)].add(c.iri)
        # SOC's residual occupations ("Business Operations Specialists, All Other") collect the
        # titles of jobs their major group names nowhere else; a title one of them shares with
        # a named occupation of the same major group is that occupation's ("Import Export
        # Specialist": Customs Brokers, 13-1041.08)
        residual = {c.iri: c.notation[:2] for c in onet if c.notation[6:] == "9.00"}
        group = {c.iri: c.notation[:2] for c in onet}
        for name, found in self.owners.items():
            named = {group[iri] for iri in found if iri not in residual}
            self.owners[name] = {iri for iri in found if residual.get(iri) not in named}

    def _idf(self, word: str) -> float:
        return self.bags.idf.get(word, self.bags.unseen)

    def inside(self, name: str) -> dict[str, float]:
        """O*NET occupation -> its cover of ``name`` by the longest ending of ``name``'s head
        phrase that is an O*NET name: "craft shop manager" ends with "shop manager", not with
        "craft manager"."""
        words = tokens(unqualified(name))
        phrase = tokens(_TAIL.sub("", unqualified(name))) or words
        total = sum(self._idf(w) for w in set(words)) or 1.0
        found: dict[str, float] = {}
        # the head noun alone ("manager") says nothing the other names do not; a one-word name
        # is its own head
        for start in range(max(1, len(phrase) - 1)):
            end = phrase[start:]
            if end == words:  # the whole name: the exact-name bonus counts it already
                continue
            owners = self.owners.get((" ".join(sorted(set(end))), end[-1]), ())
            for iri in owners:
                cover = sum(self._idf(w) for w in set(end)) / total / len(owners) ** 0.5
                found[iri] = max(cover, found.get(iri, 0.0))
            if found:  # the longest ending O*NET knows: "import export specialist" over
                break  # "export specialist" (Customs Brokers, not Cargo and Freight Agents)
        return found
