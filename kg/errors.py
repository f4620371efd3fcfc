"""The small exception family of the library.

Every message is one line that names the offending value and, where there is one, the fix.
Only ``kg.cli`` turns these into exit codes.
"""

from __future__ import annotations

import difflib
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


def did_you_mean(value: str, candidates: Iterable[str], n: int = 3) -> str:
    """Return `` Did you mean 'a'?`` naming the closest candidates, or an empty string.

    Only candidates about as close as the best one are named, so a near-miss gets one
    suggestion rather than a list.

    >>> did_you_mean("Head of A1", ["Head of AI", "AI Engineer"])
    " Did you mean 'Head of AI'?"
    """
    pool = {c.casefold(): c for c in sorted(set(candidates))}
    wanted = value.casefold()
    # The cheap upper bounds first (as difflib.get_close_matches does): linear in the
    # number of labels with a small constant, so 10k+ labels answer in milliseconds.
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(wanted)
    quick = []
    for c in pool:
        matcher.set_seq1(c)
        if matcher.real_quick_ratio() >= 0.6:
            bound = matcher.quick_ratio()  # ratio() is never above it
            if bound >= 0.6:
                quick.append((bound, c))
    quick.sort(reverse=True)
    scored = []
    for bound, c in quick:  # the exact ratio only while it could still be close to the best
        if scored and bound < max(score for score, _ in scored) - 0.08:
            break
        matcher.set_seq1(c)
        scored.append((matcher.ratio(), c))
    scored.sort(reverse=True)
    close = [c for score, c in scored if score >= 0.6 and score >= scored[0][0] - 0.08][:n]
    if not close:
        close = [c for c in pool if wanted and wanted in c][:n]
    if not close:
        return ""
    return " Did you mean " + ", ".join(f"'{pool[c]}'" for c in close) + "?"
