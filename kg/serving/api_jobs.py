"""The worker side of ``/api``: one question in, the command line's JSON out.

A :class:`Call` is sent to a query worker (:mod:`kg.serving.pool`) like a SPARQL query, so the
API shares the endpoint's queue, timeout, memory cap and cancellation. In the worker it wraps
the worker's own store in the graph facade the server was given (its class travels with the
call), keeps it for the worker's life (the path projection is built once per worker), and
answers with the very functions the commands call: :mod:`kg.paths.answers` rendered by
:func:`kg.paths.render.render` as ``json``, :func:`kg.query.describe.describe`, and the
search of :func:`kg.query.textsearch.search` rendered by :func:`kg.query.formats.render`. Nothing here imports a
web framework.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.errors import KGError, UnknownEntity
from kg.pages.planner import vocabulary
from kg.paths import answers, render
from kg.query import describe, formats, textsearch
from kg.serving.protocol import GRAPH
from kg.serving.query_worker import Answer

JSON = "application/json"
#: candidates the planner's role finder returns at most
FIND_LIMIT = 12
#: how close (difflib ratio, 0-1) a label must be to be offered for a typo
FUZZY_CUTOFF = 0.6

_graphs: dict = {}  # id(store) -> the facade over it, for the worker's life


@dataclass(frozen=True)
class Call:
    """One API question, picklable: the endpoint, its checked parameters, and how to wrap the
    worker's store (the facade's class, its prefixes and its workspace folder)."""

    endpoint: str
    params: dict = field(default_factory=dict)  # name -> value, or list of values
    factory: type | None = None
    prefixes: dict = field(default_factory=dict)
    folder: object = None

    def __call__(self, store) -> Answer:
        try:
            return _ok(ANSWERS[self.endpoint](self._graph(store), self.params))
        except UnknownEntity as error:
            return error_answer(404, str(error))
        except KGError as error:
            return error_answer(400, str(error))

    def _graph(self, store):
        graph = _graphs.get(id(store))
        if graph is None:
            graph = _graphs[id(store)] = self.factory(store, prefixes=self.prefixes,
                                                      folder=self.folder)
            graph.graph_name = GRAPH  # where the endpoint's snapshot holds the graph
        return graph


def error_answer(status: int, message: str, **extra) -> Answer:
    """An error as the API sends it: ``{"error": message, ...}``."""
    body = json.dumps({"error": message, "status": status, **extra}, ensure_ascii=False)
    return Answer(status, JSON, (body + "\n").encode("utf-8"))


def _ok(text: str) -> Answer:
    return Answer(200, JSON, text.encode("utf-8"))


# -- the answers: what the commands print with --format json ------------------------------
def _path(g, p: dict) -> str:
    return render.render(answers.find_path(
        g, p["from"], p["to"], by=p.get("by", "skills"), have=p.get("have", ()),
        via=p.get("via", ()), avoid=p.get("avoid", ()), alternatives=p.get("alternatives", 1),
        lateral=p.get("lateral", False)), "json")


def _gap(g, p: dict) -> str:
    return render.render(answers.gap(g, p["from"], p["to"], p.get("have", ())), "json")


def _next(g, p: dict) -> str:
    return render.render(answers.next_roles(g, p["role"], p.get("have", ())), "json")


def _ready(g, p: dict) -> str:
    return render.render(answers.ready(g, p.get("have", ()), p.get("role"), p.get("limit")),
                         "json")


def _describe(g, p: dict) -> str:
    # as 'aikg describe --format json' prints it (click.echo adds the line feed)
    return json.dumps(describe.describe(g, g.resolve(p["entity"])), indent=2, default=str) + "\n"


def _search(g, p: dict) -> str:
    # as 'aikg search --format json' runs it: from the full-text index beside a workspace
    # store, else the catalogue query, bound, with a LIMIT
    results = textsearch.search(g, p["text"], p.get("class"), p.get("limit", 20))
    body = formats.render(results, "json", g.labels(), g.prefixes).decode("utf-8")
    return body if body.endswith("\n") else body + "\n"  # the command ends it with a line feed


def _skills(g, p: dict) -> str:
    """The skills a role requires, essential first (the planner ticks them as held)."""
    role = g.resolve(p["role"], cls="ail:Occupation", noun="role")
    skills = {}
    # bound as an IRI: the query's parameter would resolve a name as an ail:Role only, and an
    # occupation of an import (O*NET, ESCO) is not one
    for row in g.named("skills-for-role", role=ox.NamedNode(role)):
        iri = row["skill"]
        if iri not in skills or row.get("essential"):
            skills[iri] = {"iri": iri, "label": row.get("skillLabel") or g.curie(iri),
                           "kind": row.get("kind") or "Skill",
                           "essential": bool(row.get("essential"))}
    listed = sorted(skills.values(), key=lambda s: (not s["essential"], s["kind"].casefold(),
                                                    s["label"].casefold(), s["iri"]))
    return json.dumps({"role": {"iri": role, "label": g.label(role)}, "skills": listed},
                      indent=2, ensure_ascii=False) + "\n"


def _find(g, p: dict) -> str:
    """Candidates for a name across every loaded vocabulary: exact and contained labels first,
    then labels close to it (a typo), each with its vocabulary (the prefix of its IRI)."""
    cls = p.get("class") or None
    wanted = p["text"].strip().casefold()
    rows = g.named_labels(cls)
    best: dict[str, tuple] = {}
    for row in rows:
        label = row["label"]
        folded = label.casefold()
        if folded == wanted:
            rank = (0, 0.0)
        elif wanted and wanted in folded:
            rank = (1, folded.index(wanted) / max(len(folded), 1))
        else:
            continue
        _keep(best, row, rank)
    if len(best) < FIND_LIMIT and wanted:
        score = _close(_trigrams_of(g, cls, rows), wanted)
        for row in rows:
            folded = row["label"].casefold()
            if folded in score:
                _keep(best, row, (2, 1 - score[folded]))
    found = sorted(best.values(), key=lambda hit: (hit["rank"], hit["label"].casefold(),
                                                    hit["iri"]))[:p.get("limit", FIND_LIMIT)]
    for hit in found:
        hit["vocabulary"] = vocabulary(g.prefixes, hit["iri"])
        hit["match"] = ("exact", "contains", "close")[hit.pop("rank")[0]]
    return json.dumps({"text": p["text"], "class": cls, "candidates": found}, indent=2,
                      ensure_ascii=False) + "\n"


def _trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


_trigram_index: dict = {}  # (id of the facade, class) -> (labels, trigram -> label numbers)


def _trigrams_of(g, cls, rows) -> tuple[list[str], dict[str, list[int]]]:
    """The casefolded labels of ``cls`` and where each trigram occurs, made once per worker:
    comparing a typo with all 60,000 O*NET titles (difflib) took 1.5-2 s a question."""
    key = (id(g), cls)
    if key not in _trigram_index:
        labels = sorted({r["label"].casefold() for r in rows})
        where: dict[str, list[int]] = {}
        for n, label in enumerate(labels):
            for gram in _trigrams(label):
                where.setdefault(gram, []).append(n)
        _trigram_index[key] = (labels, where)
    return _trigram_index[key]


#: labels compared in full with a typo at most, those sharing the most trigrams with it
CLOSE_CANDIDATES = 500


def _close(index, wanted: str) -> dict[str, float]:
    """Labels at least :data:`FUZZY_CUTOFF` alike (difflib's ratio), among those sharing the
    most trigrams with ``wanted``; label -> ratio."""
    labels, where = index
    shared: Counter = Counter()
    for gram in _trigrams(wanted):
        shared.update(where.get(gram, ()))
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(wanted)
    found = {}
    for n, _ in shared.most_common(CLOSE_CANDIDATES):
        matcher.set_seq1(labels[n])
        if matcher.real_quick_ratio() >= FUZZY_CUTOFF and matcher.quick_ratio() >= FUZZY_CUTOFF:
            ratio = matcher.ratio()
            if ratio >= FUZZY_CUTOFF:
                found[labels[n]] = ratio
    return dict(sorted(found.items(), key=lambda item: -item[1])[:FIND_LIMIT])


def _keep(best: dict, row: dict, rank: tuple) -> None:
    """The best-ranked label of each entity; an alternative label names the entity's own."""
    iri = row["entity"]
    old = best.get(iri)
    if old is None or rank < old["rank"]:
        best[iri] = {"iri": iri, "label": row["label"], "rank": rank,
                     "alt": row.get("kind") == "altLabel"}


ANSWERS = {"path": _path, "gap": _gap, "next": _next, "ready": _ready,
           "describe": _describe, "search": _search, "skills": _skills, "find": _find}
