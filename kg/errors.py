"""The small exception family of the library.

Every message is one line that names the offending value and, where there is one, the fix.
Only ``kg.cli`` turns these into exit codes.
"""

from __future__ import annotations

from collections.abc import Iterable


class KGError(Exception):
    """Base class of every error the library raises on purpose."""


class SourceError(KGError):
    """A source file cannot be read or parsed (``file, line N: what``)."""


class ReleaseMissing(KGError):
    """No release built from the current sources (the command layer builds one first)."""


class CheckFailed(KGError):
    """The graph does not pass its checks (SHACL shapes, OWL consistency, violation queries)."""

    def __init__(self, message: str, report=None):
        super().__init__(message)
        self.report = report
        #: the message's lines (the first problem, then one line per failing rule: line
        #: breaks from the data are taken out when it is written), escaped one by one for a
        #: terminal; a forked check hands the message over as text, so they come from it
        self.lines = message.split("\n")


class ToolMissing(KGError):
    """An external program a check needs (Java for HermiT) is not installed."""


class QueryError(KGError):
    """A SPARQL query is malformed, refused, or cannot run."""


class UnknownEntity(KGError):
    """A label, CURIE or IRI matches nothing of the kind asked for."""


class AmbiguousName(UnknownEntity):
    """A label names several entities of the kind asked for (the message lists them)."""


class UnknownQuery(KGError):
    """No named query has this name."""


class ParameterError(KGError):
    """A named query got a missing, unknown or unusable parameter."""


class PathError(KGError):
    """A skill-path question has no answer as asked."""


class CheckWarning(UserWarning):
    """A user's file passed its checks with problems below the refusal level (a warning): one
    rule, its count and first examples."""


class StaleReleaseWarning(UserWarning):
    """The sources changed but do not build; answers come from the last good release."""


#: How close a name must be to be suggested (0-100: rapidfuzz's ratio, the share of the two
#: texts' characters in their longest common subsequence, as difflib's ratio roughly is), and
#: how far below the best suggestion another may be and still be named.
CLOSE_ENOUGH = 60
NEAR_THE_BEST = 8


def did_you_mean(value: str, candidates: Iterable[str], n: int = 3) -> str:
    """Return `` Did you mean 'a'?`` naming the closest candidates, or an empty string.

    Only candidates about as close as the best one are named, so a near-miss gets one
    suggestion rather than a list; ties go in alphabetical order. Case is ignored; of
    candidates differing only in case, the last in sorted order is shown.

    >>> did_you_mean("Head of A1", ["Head of AI", "AI Engineer"])
    " Did you mean 'Head of AI'?"
    """
    # rapidfuzz compares in C++: O*NET's 61,029 titles take 12-19 ms of CPU, difflib took
    # 98-296 ms (bench/bench_suggest.py). Imported here: only a miss needs it (~35 ms import)
    from rapidfuzz import fuzz, process

    names = list(candidates)
    folded = [name.casefold() for name in names]
    wanted = value.casefold()
    hits = process.extract(wanted, folded, scorer=fuzz.ratio, score_cutoff=CLOSE_ENOUGH,
                           limit=None)
    best = max((score for _, score, _ in hits), default=None)
    shown: dict[str, str] = {}  # casefolded -> the form shown
    scores: dict[str, float] = {}
    if best is not None:
        for key, score, i in hits:
            if score >= best - NEAR_THE_BEST:
                shown[key] = max(shown.get(key, names[i]), names[i])
                scores[key] = score
    else:  # nothing close: a name that contains what was typed ('Software' -> ...)
        for key, name in zip(folded, names):
            if wanted and wanted in key:
                shown[key] = max(shown.get(key, name), name)
                scores[key] = 0
    close = sorted(shown, key=lambda key: (-scores[key], key))[:n]
    if not close:
        return ""
    return " Did you mean " + ", ".join(f"'{shown[key]}'" for key in close) + "?"
