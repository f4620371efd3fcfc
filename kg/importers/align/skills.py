"""Skills aligned across the guide, O*NET (skills, knowledge areas, technologies) and ESCO.

Names are compared by phrase (:func:`kg.importers.align.text.phrase`: case, punctuation,
plurals and bracketed qualifiers ignored, so "Java (computer programming)" is "java"); a name in
capitals ("SQL", "IOS", "SPARK") only matches the same capitals (Apple's iOS is not Cisco's IOS).
The names a concept goes by, and the relation a shared name gives:

- its label (``exactMatch``, confidence 1.0), its alternative labels (0.95). ESCO lists
  examples among its alternative labels ("computer vision": keras, tensorflow); an ESCO
  alternative label counts only when it is a variant of the label (one contains the other, or it
  is its acronym: "Python" of "Python (computer programming)");
- an alternative label of the guide or O*NET is the same name when it is a variant of the label
  as above or its words are all among the label's, or the other way round ("strategic
  planning" of "Strategic thinking and planning"); any other is a synonym an editor chose,
  near but not the same ("Programming" of the guide's "Software development"): ``closeMatch``,
  0.85;
- a trailing acronym that spells the words before it, alone or without them ("Structured query
  language SQL" is also "SQL"; ``exactMatch``, 0.9);
- an O*NET technology without its vendor (``exactMatch``, 0.9): a vendor is a first word or two
  that begins at least :data:`VENDOR_MIN` technology names and is never written in lower case
  inside a name ("Oracle", "Sun Microsystems"; not "Video" or "Inventory"), read from the data,
  and what remains only matches a name written as a proper noun ("Sun Microsystems Java" is
  "Java"; "Thomson Reuters Risk Management" is not the skill "risk management");
- an ESCO skill phrased as using a thing ("utilise machine learning") or as the principles of
  it ("teamwork principles") is close to the thing (``closeMatch``, 0.8);
- a skill or knowledge area whose label joins parts with "and" is broader than a concept named
  like one part ("Critical thinking and problem-solving" ``narrowMatch`` O*NET's "Critical
  Thinking", 0.7; the part must be written the same, plural included: O*NET's "Public Safety
  and Security" is not ESCO's "securities"; technologies are product names and are not split).

Every mapping has a label on at least one side: two alternative labels, acronyms or vendors
alone do not make one, and a label read without its bracketed qualifier only matches a label
(ESCO's "ML (computer programming)" is a language, not the guide's "ML" for machine learning). A name that more than :data:`AMBIGUOUS` concepts of one vocabulary share
maps none of them (it names no one thing). Editorial matches (O*NET's "Speaking" and the
guide's "Public speaking and presentation") are data: ``curated.sssom.tsv`` beside this file.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from kg.importers.align.concepts import Concept
from kg.importers.align.model import Mapping
from kg.importers.align.text import tokens, unqualified

VENDOR_MIN = 5
AMBIGUOUS = 3
#: verbs with which ESCO phrases the use of a thing as a skill
USING = ("use", "utilise", "utilize", "apply", "employ", "perform")
#: the last word with which ESCO names the knowledge of a thing
PRINCIPLES = "principles"
#: how a name was found: (relation, confidence, what the comment says)
RULES = {
    "label": ("exactMatch", 1.0, "same name"),
    "alternative": ("exactMatch", 0.95, "a name of one is an alternative label of the other"),
    "acronym": ("exactMatch", 0.9, "same name once the acronym is spelled out"),
    "vendor": ("exactMatch", 0.9, "same name without the vendor"),
    "synonym": ("closeMatch", 0.85, "a name of one is a synonym the other lists (an alternative "
                                    "label that is not its label's words)"),
    "using": ("closeMatch", 0.8, "one is the use (or the principles) of the other"),
    "part": ("narrowMatch", 0.7, "the object is named like one part of the subject's name"),
}
STRENGTH = {rule: n for n, rule in enumerate(RULES)}
ORDER = {"guide": 0, "esco": 1, "onet": 2}
_ACRONYM = re.compile(r"^(?P<words>.+?)\s+(?P<acronym>[A-Z][A-Z0-9]+)$")
_PARTS = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")


def phrase(name: str) -> str:
    """The comparison form of a skill name: its words in order, or the name itself in capitals."""
    bare = unqualified(name).strip()
    letters = [ch for ch in bare if ch.isalpha()]
    if len(letters) >= 2 and all(ch.isupper() for ch in letters):
        return "=" + bare
    return " ".join(tokens(bare))


def _proper(name: str) -> bool:
    return all(w[:1].isupper() or w[:1].isdigit() for w in name.split())


def vendors(skills: list[Concept]) -> set[str]:
    """First words (one or two) that begin at least VENDOR_MIN O*NET technology names and are
    never written in lower case elsewhere in a name."""
    starts, lower = Counter(), set()
    for c in skills:
        for name in c.names:
            lower.update(w for w in name.split()[1:] if w.islower())
        if c.vocab == "onet" and c.kind == "Technology":
            words = c.label.split()
            for n in (1, 2):
                if len(words) > n:
                    starts[" ".join(words[:n])] += 1
    return {start for start, n in starts.items()
            if n >= VENDOR_MIN and not any(w.lower() in lower for w in start.split())}


def _names(c: Concept, vendor_names: set[str]):
    """(name, rule) for every name a concept goes by."""
    yield c.label, "label"
    own = phrase(c.label)
    for alt in c.alternatives:
        variant = phrase(alt)
        if variant in own or own in variant or _spells(alt, c.label):
            yield alt, "alternative"
        elif c.vocab != "esco":  # ESCO's other alternative labels are often examples
            yield alt, "alternative" if _shares_words(alt, c.label) else "synonym"
    for name in c.names:
        found = _ACRONYM.match(unqualified(name))
        if found and _spells(found["acronym"], found["words"]):
            yield found["acronym"], "acronym"
            yield found["words"], "acronym"
    if c.vocab == "onet" and c.kind == "Technology":
        words = c.label.split()
        for n in (2, 1):
            if len(words) > n and " ".join(words[:n]) in vendor_names:
                yield " ".join(words[n:]), "vendor"
                break


def _shares_words(alt: str, label: str) -> bool:
    """Whether one name's words are all among the other's ("strategic planning" of "Strategic
    thinking and planning"): the same name, shortened or spelt out."""
    a, b = set(tokens(unqualified(alt))), set(tokens(unqualified(label)))
    return bool(a and b) and (a <= b or b <= a)


def _spells(acronym: str, words: str) -> bool:
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z0-9]+", unqualified(words))).upper()
    return acronym.isupper() and initials == acronym.upper()


def _parts(c: Concept) -> list[str]:
    if c.kind == "Technology":
        return []
    parts = [p for p in _PARTS.split(unqualified(c.label)) if p.strip()]
    return parts if len(parts) >= 2 else []


class _Best:
    """The strongest mapping offered for each pair of concepts."""

    def __init__(self):
        self.pairs: dict[tuple[str, str], tuple[int, Concept, Concept, str]] = {}

    def offer(self, s: Concept, o: Concept, rule: str) -> None:
        if s.vocab == o.vocab:
            return
        if RULES[rule][0] in ("exactMatch", "closeMatch") and ORDER[s.vocab] > ORDER[o.vocab]:
            s, o = o, s  # symmetric relations read guide -> ESCO -> O*NET
        pair = (s.iri, o.iri)
        if pair not in self.pairs or STRENGTH[rule] < self.pairs[pair][0]:
            self.pairs[pair] = (STRENGTH[rule], s, o, rule)

    def mappings(self) -> list[Mapping]:
        out = []
        for _, s, o, rule in sorted(self.pairs.values(), key=lambda v: (v[1].iri, v[2].iri)):
            relation, confidence, why = RULES[rule]
            out.append(Mapping(s.iri, relation, o.iri, "LexicalMatching", confidence,
                               f"{why}: '{s.label}' / '{o.label}'", s.label, o.label))
        return out


def align(skills: list[Concept]) -> list[Mapping]:
    """Skill mappings between vocabularies (guide, O*NET, ESCO), the strongest rule per pair."""
    vendor_names = vendors(skills)
    # phrase -> vocabulary -> {concept IRI: (concept, its strongest rule, the name)}
    index = defaultdict(lambda: defaultdict(dict))
    for c in skills:
        for name, rule in _names(c, vendor_names):
            found = index[phrase(name)][c.vocab]
            if c.iri not in found or STRENGTH[rule] < STRENGTH[found[c.iri][1]]:
                found[c.iri] = (c, rule, name)
    best = _Best()
    for by_vocab in index.values():
        groups = [list(found.values()) for found in by_vocab.values() if len(found) <= AMBIGUOUS]
        for i, found_a in enumerate(groups):
            for found_b in groups[i + 1:]:
                for a, ra, name_a in found_a:
                    for b, rb, name_b in found_b:
                        if _matches(ra, name_a, rb, name_b):
                            best.offer(a, b, max(ra, rb, key=STRENGTH.get))
    for c in skills:
        for name, rule in [*_used(c), *((part, "part") for part in _parts(c))]:
            for found in index.get(phrase(name), {}).values():
                if len(found) <= AMBIGUOUS:
                    for other, how, other_name in found.values():
                        if how in ("label", "alternative") and (
                                rule != "part" or _written(name) == _written(other_name)):
                            best.offer(c, other, rule)
    return best.mappings()


def _used(c: Concept):
    """The thing an ESCO skill uses, or whose principles it is."""
    if c.vocab != "esco":
        return
    first, _, rest = c.label.partition(" ")
    if first.lower() in USING and rest:
        yield rest, "using"
    head, _, last = c.label.rpartition(" ")
    if last.lower() == PRINCIPLES and head:
        yield head, "using"


def _written(name: str) -> str:
    return " ".join(re.findall(r"[a-z0-9+#]+", unqualified(name).lower()))


def _matches(rule_a: str, name_a: str, rule_b: str, name_b: str) -> bool:
    """Whether two concepts sharing a phrase are the same thing: one side by its label, a
    qualified label only against a label, a name without its vendor only against a proper noun."""
    if "label" not in (rule_a, rule_b):
        return False
    qualified = unqualified(name_a) != name_a or unqualified(name_b) != name_b
    if qualified and ({rule_a, rule_b} & {"alternative", "synonym", "acronym"}):
        return False
    if "vendor" in (rule_a, rule_b):
        return _proper(unqualified(name_b if rule_a == "vendor" else name_a))
    return True
