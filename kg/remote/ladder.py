"""The path projection's rows from a store, in a few plain requests.

``aikg path``/``ready``/``next``/``gap`` build the role ladder from six catalogue queries
(:func:`kg.paths.answers.project`). Sent as they are to an Oxigraph server holding O*NET-size data
(111k triples), ``skills-for-role`` alone took 10 s and the whole projection 18 s: the store
evaluates joins, OPTIONAL subqueries and a sort over 50k rows, then writes 23 MB of JSON that
Python parses twice. Instead:

- every triple whose predicate the ladder queries read is fetched with one two-column
  ``SELECT ?s ?o`` per predicate, as tab-separated values (a scan of one index on the store,
  the smallest answer format): the *tables*;
- five of the six queries (and ``labels``) run unchanged on an in-memory pyoxigraph store
  loaded from the tables they read, the *mirror* (same text, same engine as a local graph;
  they read only mirrored predicates, so their answers are the store's);
- ``skills-for-role`` is joined here in Python straight from the tables
  (:func:`skill_rows`): on the mirror it costs 1.7 s at 111k triples, most of it the sort
  and the OPTIONAL subqueries, and turning 100k pyoxigraph terms into Python costs ~1 s.

A test compares every one of these rows with the catalogue queries' local answers.
"""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox

from kg.query import sparql

AIL = "https://w3id.org/ai-leadership-kg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ESSENTIAL, PREFERRED = AIL + "requiresEssentialSkill", AIL + "requiresPreferredSkill"
RATINGS = tuple(AIL + name for name in ("ratedOccupation", "ratedSkill", "importance"))
#: the predicates the queries of :data:`ON_MIRROR` read (loaded into the mirror)
MIRRORED = (
    RDF_TYPE, RDFS + "subClassOf", RDFS + "label", SKOS + "altLabel", SKOS + "exactMatch",
    SKOS + "closeMatch",
    *(AIL + name for name in (
        "progressesTo", "progressesFrom", "seniorityLevel", "requiresExperience",
        "minimumYears", "experienceIn", "hasResponsibility", "isResponsibilityOf",
        "inResponsibilityArea", "requiresMandatoryQualification", "prefersQualification",
        "degreeLevel", "fieldOfStudy")),
)
#: a tool's flags: hot technology (per skill), in demand (per rating)
TOOL_FLAGS = (AIL + "hotTechnology", AIL + "inDemand")
#: every predicate fetched: the mirror's, and those only skills-for-role reads
PREDICATES = (ESSENTIAL, PREFERRED, *MIRRORED, *RATINGS, *TOOL_FLAGS)
#: the ladder queries answered by the mirror as they are
ON_MIRROR = ("role-progression", "responsibilities-by-area", "qualifications",
             "experience-requirements", "skill-matches", "labels")
#: the ladder queries this module answers: the mirror's, and skills-for-role
ANSWERED = ON_MIRROR + ("skills-for-role",)
#: one predicate's triples; ?predicate is bound as a term (a VALUES block), never pasted
PAIRS = sparql.trust("SELECT ?s ?o WHERE { ?s ?predicate ?o }")
TSV = "text/tab-separated-values"
#: the same triples, for a store whose tab-separated results are not the standard's
TRIPLES = sparql.trust("CONSTRUCT { ?s ?predicate ?o } WHERE { ?s ?predicate ?o }")
NT = "application/n-triples"


def fetch(remote) -> dict[str, bytes]:
    """The tables of :data:`PREDICATES` from a :class:`kg.remote.RemoteGraph`, fetched two
    requests at a time (the store and this process each work while the other waits)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(PREDICATES, pool.map(lambda p: table(remote, p), PREDICATES)))


def table(remote, predicate: str) -> bytes:
    """One predicate's table from the store.

    Where the store's tab-separated answer is not the standard one (Virtuoso 7 writes IRIs
    and literals alike as quoted strings), the same triples are asked for as a CONSTRUCT in
    N-Triples from then on, parsed by pyoxigraph and written as the same table: Virtuoso
    writes 34k rows of JSON results in 2.2 s and their N-Triples in 0.4 s. A store that
    refuses N-Triples too is asked for JSON results."""
    from kg.remote.http import RemoteError

    bound = {"predicate": ox.NamedNode(predicate)}
    way = getattr(remote, "table_way", "tsv")
    if way == "tsv":
        data = remote.fetch(PAIRS, bound, TSV)
        if _standard(data):
            return data
        way = remote.table_way = "n-triples"
    if way == "n-triples":
        try:
            data = remote.fetch(TRIPLES, bound, NT)
            triples = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
            return "".join(["?s\t?o\n", *(f"{t.subject}\t{t.object}\n" for t in triples)]
                           ).encode()
        except (RemoteError, SyntaxError, ValueError):
            remote.table_way = "json"
    rows = remote.run(PAIRS, bound)
    return "".join(["?s\t?o\n", *(f"{r['s']}\t{r['o']}\n" for r in rows)]).encode()


def _standard(data: bytes) -> bool:
    header, _, rest = data.partition(b"\n")
    named = header.rstrip(b"\r").replace(b" ", b"") == b"?s\t?o"
    return named and not rest.startswith(b'"')  # a subject is never a literal


def tables(store: ox.Store) -> dict[str, bytes]:
    """The same tables from a local store (the tests compare the two ways)."""
    return {p: store.query(sparql.with_values(PAIRS, {"predicate": ox.NamedNode(p)}))
            .serialize(format=ox.QueryResultsFormat.TSV) for p in PREDICATES}


def _checked(data: bytes, endpoint: str) -> bytes:
    from kg.remote.http import RemoteError

    header = data.partition(b"\n")[0].rstrip(b"\r").replace(b" ", b"")
    if header not in (b"?s\t?o", b"s\to"):
        raise RemoteError(f"Endpoint {endpoint} sent a reply that is not tab-separated "
                          f"SPARQL results (it began: {data[:80]!r})")
    return data


def _rows(data: bytes) -> list[list[str]]:
    """A table's rows as pairs of term texts (Turtle syntax; tabs and line breaks inside a
    literal are escaped, so splitting is safe)."""
    lines = data.decode("utf-8").split("\n")[1:]
    return [line.rstrip("\r").split("\t", 1) for line in lines if line.strip()]


def mirror(tables_: dict[str, bytes], endpoint: str = "the store") -> ox.Store:
    """An in-memory store of the :data:`MIRRORED` tables: each row, with its predicate
    between its two terms, is a Turtle statement parsed by pyoxigraph."""
    from kg.remote.http import RemoteError

    store = ox.Store()
    for predicate in MIRRORED:
        body = tables_[predicate].partition(b"\n")[2].replace(b"\r\n", b"\n").strip(b"\n")
        if not body:
            continue
        text = body.replace(b"\t", f" <{predicate}> ".encode()).replace(b"\n", b" .\n")
        try:
            store.bulk_load(text + b" .\n", format=ox.RdfFormat.TURTLE)
        except (SyntaxError, ValueError) as error:
            raise RemoteError(f"Endpoint {endpoint} sent tab-separated results that do "
                              f"not parse: {str(error).splitlines()[0]}") from None
    return store


def labels(data: bytes, endpoint: str = "the store") -> dict[str, str]:
    """Each IRI's least ``rdfs:label`` from the label table (as :meth:`KnowledgeGraph.labels`
    gives one label per IRI)."""
    found: dict[str, str] = {}
    terms = _Terms()
    for subject, label in _rows(_checked(data, endpoint)):
        if subject.startswith("<") and label.startswith(('"', "'")):
            value = terms.value(label)
            iri = subject[1:-1]
            if iri not in found or value < found[iri]:
                found[iri] = value
    return found


def on_mirror(store: ox.Store, name: str, params: dict) -> list[dict]:
    """A catalogue query of :data:`ON_MIRROR` run on the mirror (it reads only mirrored
    predicates, so the rows are the store's)."""
    from kg.graph import KnowledgeGraph

    return KnowledgeGraph(store).named(name, **params)


# -- skills-for-role in Python --------------------------------------------------------------
def skill_rows(tables_: dict[str, bytes]) -> list[dict]:
    """The rows of ``kg/queries/skills-for-role.rq`` over the tables, in its order.

    Per (role, skill) pair stated essential or preferred: ``essential`` when stated
    essential, ``requirement`` its word, one row per ``rdfs:label`` of the skill (none: no
    ``skillLabel``), ``importance`` the highest ``ail:importance`` a rating gives the pair,
    ``kind`` the least label of the skill's most specific classes under ``ail:Skill``.
    Terms stay their Turtle text until the end, where each is converted once.
    """
    pairs = dict.fromkeys(tuple(r) for r in _rows(tables_[ESSENTIAL]))
    essential = set(pairs)
    pairs.update(dict.fromkeys(tuple(r) for r in _rows(tables_[PREFERRED])))
    labels = _objects(tables_[RDFS + "label"])
    terms = _Terms()
    importance = _importance(tables_, terms)
    kinds = _kinds(tables_, terms, labels, {skill for _, skill in pairs})
    tools, current = _tools(tables_, terms)
    # the ORDER BY (role, requirement, kind, skillLabel, skill) as one integer per row: each
    # role, and each (kind, label, skill) a skill's rows take, ranked once (comparing 51k
    # nested tuples cost more than building the rows)
    role_rank = _ranks({role: terms.key(role) for role, _ in pairs})
    roles = {role: terms.value(role) for role in role_rank}
    per_skill = {}  # what the rows of one skill share, worked out once
    combos = {}
    for skill in {skill for _, skill in pairs}:
        kind = kinds.get(skill)
        shared = {"skill": terms.value(skill)}
        if kind is not None:
            shared["kind"] = terms.value(kind)
        named = [(label, {"skillLabel": terms.value(label)})
                 for label in labels.get(skill, ())] or [(None, {})]
        for label, _ in named:
            combos[(skill, label)] = (terms.key(kind), terms.key(label), terms.key(skill))
        per_skill[skill] = shared, named
    combo_rank = _ranks(combos)
    width = len(combo_rank) + 1
    out = []
    for role, skill in pairs:
        is_essential = (role, skill) in essential
        shared, named = per_skill[skill]
        row = {"role": roles[role], "requirement": "essential" if is_essential else "preferred",
               **shared, "essential": is_essential}
        rated = importance.get((role, skill))
        if rated is not None:
            row["importance"] = terms.value(rated)
        row["tool"] = skill in tools
        row["current"] = skill in current or (role, skill) in current
        first = (role_rank[role] * 2 + (not is_essential)) * width
        for label, extra in named:
            out.append((first + combo_rank[(skill, label)], {**row, **extra} if extra else row))
    out.sort(key=lambda pair: pair[0])
    return [row for _, row in out]


def _ranks(keys: dict) -> dict:
    """Each item's rank by its sort key (equal keys, equal ranks)."""
    order = {key: rank for rank, key in enumerate(sorted(set(keys.values())))}
    return {item: order[key] for item, key in keys.items()}


def _objects(data: bytes) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for subject, obj in _rows(data):
        values = out.setdefault(subject, [])
        if obj not in values:
            values.append(obj)
    return out


class _Terms:
    """Term texts as Python values (:func:`kg.query.sparql.to_python`) and as ORDER BY keys
    (unbound, blank nodes, IRIs, then literals by their text), each computed once."""

    def __init__(self):
        self.values: dict = {}
        self.keys: dict = {None: (0, "")}

    def value(self, text: str):
        if text not in self.values:
            self._convert(text)
        return self.values[text]

    def key(self, text: str | None) -> tuple:
        if text not in self.keys:
            self._convert(text)
        return self.keys[text]

    def _convert(self, text: str) -> None:
        if text.startswith("<"):
            self.values[text], self.keys[text] = text[1:-1], (2, text[1:-1])
        elif text.startswith("_:"):
            self.values[text], self.keys[text] = text, (1, text[2:])
        else:
            literal = next(iter(ox.parse(f"<urn:s> <urn:p> {text} .".encode(),
                                         format=ox.RdfFormat.TURTLE))).object
            self.values[text] = sparql.to_python(literal)
            self.keys[text] = (3, literal.value)


def _importance(tables_: dict[str, bytes], terms: _Terms) -> dict:
    """The highest ``ail:importance`` per (occupation, skill) over the skill ratings."""
    occupations, skills, values = (_objects(tables_[p]) for p in RATINGS)
    best: dict = {}
    for rating, rated in values.items():
        for value in rated:
            number = terms.value(value)
            if not isinstance(number, (int, float, Decimal)) or isinstance(number, bool):
                continue
            for role in occupations.get(rating, ()):
                for skill in skills.get(rating, ()):
                    known = best.get((role, skill))
                    if known is None or number > terms.value(known):
                        best[(role, skill)] = value
    return best


def _tools(tables_: dict[str, bytes], terms: _Terms) -> tuple[set, set]:
    """The skills typed ail:Technology; and the hot ones with the (occupation, skill) pairs
    a rating says are in demand (skills-for-role's ``tool`` and ``current``)."""
    technology = f"<{AIL}Technology>"
    tools = {s for s, classes in _objects(tables_[RDF_TYPE]).items() if technology in classes}
    hot, demand = (_objects(tables_.get(p, b"")) for p in TOOL_FLAGS)
    current: set = {s for s, values in hot.items() if any(terms.value(v) is True for v in values)}
    occupations, skills = (_objects(tables_[p]) for p in RATINGS[:2])
    for rating, values in demand.items():
        if any(terms.value(v) is True for v in values):
            current.update((role, skill) for role in occupations.get(rating, ())
                           for skill in skills.get(rating, ()))
    return tools, current


def _kinds(tables_: dict[str, bytes], terms: _Terms, labels: dict, skills: set) -> dict:
    """Per skill, the least label among its most specific labelled classes under ail:Skill
    (a class is less specific when another class of the skill is its strict subclass)."""
    above = _strict_superclasses(_objects(tables_[RDFS + "subClassOf"]))
    skill_class = f"<{AIL}Skill>"
    types = _objects(tables_[RDF_TYPE])
    out = {}
    for skill in skills:
        classes = types.get(skill, ())
        broader = {c for n in classes for c in above.get(n, ()) if c != n}
        names = [label for c in classes
                 if (c == skill_class or skill_class in above.get(c, ())) and c not in broader
                 for label in labels.get(c, ())]
        if names:
            out[skill] = min(names, key=lambda label: terms.key(label)[1])
    return out


def _strict_superclasses(direct: dict[str, list[str]]) -> dict[str, set[str]]:
    """Each class's ``rdfs:subClassOf+`` (itself included only through a cycle)."""
    closure: dict[str, set[str]] = {}
    for start in direct:
        seen: set[str] = set()
        todo = list(direct[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(direct.get(node, ()))
        closure[start] = seen
    return closure
