"""Normalising names for alignment: tokens, keys, weighted bags of words and their cosine.

The rules are the ones a reviewer applies when reading two taxonomies side by side: case and
punctuation do not matter ("Problem-solving", "problem solving"), nor plurals ("Data Scientists",
"data scientist"), nor a qualifier in brackets ("Java (computer programming)"), nor filler words
("Sawing Machine Setters, Operators, and Tenders, Wood" shares its content words with
"band saw operator" whatever the commas).
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable

#: words that carry no meaning of their own in a title or skill name
STOPWORDS = frozenset("a an and or of the in for to with on at by not all other except including "
                      "elsewhere classified".split())
_WORD = re.compile(r"[a-z0-9+#]+")
_HYPHENATED = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*")


@functools.lru_cache(maxsize=1 << 16)
def singular(word: str) -> str:
    """An English plural turned singular, by the common rules (good enough for titles)."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("men") and len(word) > 4:
        return word[:-3] + "man"  # fishermen, chairmen
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "ics", "as", "os")):
        return word[:-1]
    return word


def unqualified(text: str) -> str:
    """``text`` without bracketed qualifiers: "Java (computer programming)" -> "Java"."""
    return _QUALIFIER.sub(" ", text).strip() or text


@functools.lru_cache(maxsize=1 << 18)
def tokens(text: str) -> tuple[str, ...]:
    """The content words of ``text``, lowercased and singular; a hyphenated word also counts
    joined ("electro-mechanical" gives electro, mechanical and electromechanical). Cached:
    the alignment reads the same 100,000 names several times."""
    text = text.lower()
    joined = [w.replace("-", "") for w in _HYPHENATED.findall(text)] if "-" in text else []
    return tuple(singular(w) for w in _WORD.findall(text) + joined if w not in STOPWORDS)


@functools.lru_cache(maxsize=1 << 18)
def key(text: str) -> str:
    """A name's comparison key: its content words, sorted (word order and filler ignored)."""
    return " ".join(sorted(set(tokens(unqualified(text)))))


class Bags:
    """Bags of words weighted by inverse document frequency over a collection of names, so
    that rare words ("sociologist") count more than common ones ("worker")."""

    def __init__(self, documents: Iterable[Iterable[str]]):
        frequency, self.size = Counter(), 0
        for words in documents:
            frequency.update(set(words))
            self.size += 1
        self.idf = {w: math.log(self.size / (1 + n)) + 1 for w, n in frequency.items()}
        self.unseen = math.log(max(self.size, 1)) + 1

    def vector(self, weighted: Iterable[tuple[str, float]]) -> dict[str, float]:
        """A unit vector of the words of each text times its weight times the word's idf."""
        bag: Counter = Counter()
        for text, weight in weighted:
            for word in set(tokens(text)):
                bag[word] += weight * self.idf.get(word, self.unseen)
        norm = math.sqrt(sum(v * v for v in bag.values())) or 1.0
        return {w: v / norm for w, v in bag.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """The dot product of two unit vectors, over the words they share (found by a set
    intersection: the alignment computes some 90,000 of these)."""
    return sum(a[w] * b[w] for w in a.keys() & b.keys())
