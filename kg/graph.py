"""The loaded graph: a pyoxigraph store with label resolution and typed query results."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.errors import AmbiguousName, ParameterError, QueryError, UnknownEntity, did_you_mean
from kg.query import naming, sparql
from kg.store import kept
from kg.store.labels import Labels
from kg.store import release as store


#: whether any statement names ?entity (as its subject or its object)
_STATED = "ASK { { ?entity ?property ?value } UNION { ?value ?property ?entity } }"


class KnowledgeGraph:
    """The AI leadership graph in an in-memory pyoxigraph store.

    >>> g = load()
    >>> g.resolve("Chief AI Officer", cls="ail:Role")
    'https://w3id.org/ai-leadership-kg/ontology#HeadOfAIEngineering'
    >>> g.label("https://w3id.org/ai-leadership-kg/ontology#HeadOfAIEngineering")
    'Head of AI Engineering'
    """

    def __init__(self, store_: ox.Store, extra: tuple[Path, ...] = (),
                 prefixes: dict[str, str] | None = None, folder: Path | None = None,
                 size: int | None = None):
        self._store = store_  # a store, or a function that opens it (see :attr:`store`)
        self._size = size
        #: the graph queries read as their default graph: the store's default graph (None),
        #: or a named one (an endpoint's worker holds the graph under its name)
        self.graph_name: str | None = None
        self.extra = extra
        #: the workspace folder of this merged graph (immutable: answers can be cached there)
        self.folder = folder
        #: keep shipped queries' answers in ``folder`` (see :meth:`_cached`)
        self.cache_results = True
        #: the shipped prefixes, then any new ones declared in the ``extra`` files
        self.prefixes = {**store.PREFIXES,
                         **{k: v for k, v in (prefixes or {}).items() if k and k not in store.PREFIXES}}
        self._labels: Labels | None = None
        #: let SERVICE through the guard (``aikg --allow-network``); never updates or LOAD
        self.allow_network = False
        self._same: dict[str, str] | None = None
        self._label_rows: dict[str | None, list[dict]] = {}

    @property
    def store(self) -> ox.Store:
        """The pyoxigraph store, opened on first use: a path or ``ready`` answered from the
        answers kept beside a workspace store never opens it (40 ms of a cold start)."""
        if not isinstance(self._store, ox.Store):
            self._store = self._store()
        return self._store

    # -- queries -----------------------------------------------------------------------
    def run(self, query: str, bindings: dict | None = None, base: str | None = None):
        """Run a read-only query with the predeclared prefixes; raw pyoxigraph results.

        ``bindings`` are bound as RDF terms with pyoxigraph's substitutions. pyoxigraph only
        substitutes variables of the SELECT projection; others are bound by a ``VALUES``
        block of serialised terms opening the WHERE clause. ``base``: the absolute IRI that
        relative IRIs resolve against (a query file's URI), unless the query declares BASE.
        """
        sparql.check_safe(query, allow_service=self.allow_network)
        base = sparql.check_base(base)
        terms = {k: sparql.to_term(v) for k, v in (bindings or {}).items()}
        if self._keeps_answer(query, terms) and base is None:
            return self._cached(query)
        if terms and sparql.binds_by_values(query):
            return self._execute(sparql.with_values(query, terms), {}, base)
        try:
            return self._execute(query, terms, base)
        except RuntimeError as error:
            if "SELECT projection" not in str(error):
                raise QueryError(f"The query failed: {str(error).splitlines()[0]}") from None
        return self._execute(sparql.with_values(query, terms), {}, base)

    def answer_kept(self, query: str, bindings: dict | None = None) -> bool:
        """Whether :meth:`run` would read this query's answer from beside a workspace store
        (a shipped query without bindings, answered before) instead of running it."""
        return (self._keeps_answer(query, bindings)
                and kept.has(self.folder, kept.answer_name(query)))

    def kept_table(self, query: str, bindings, fmt: str, labels: bool) -> bytes | None:
        """A shipped query's table kept by :meth:`keep_table` beside a workspace store (fixed
        under its key, labels too), or None ('ladder', 1M triples: 0.3 s of 0.46 saved)."""
        if not self._keeps_answer(query, bindings):
            return None
        return kept.read_table(self.folder, kept.table_name(query, fmt, labels))

    def keep_table(self, query: str, bindings: dict | None, fmt: str, labels: bool,
                   data: bytes) -> None:
        """Keep a shipped query's rendered answer for :meth:`kept_table` (best effort)."""
        if self._keeps_answer(query, bindings):
            kept.write_bytes(self.folder, kept.table_name(query, fmt, labels), data)

    def _keeps_answer(self, query: str, bindings) -> bool:
        """Whether this query's answer is kept beside a workspace store (see :meth:`_cached`)."""
        return (self.folder is not None and self.cache_results and not bindings
                and query in sparql._trusted)

    def _cached(self, query: str):
        """A shipped query's answer over a workspace store, kept beside it: the store never
        changes under its key, so ``aikg query ladder`` over 100k triples of user data reads
        a file instead of running the query again. SELECT and ASK only; graphs run."""

        key = kept.answer_name(query)
        # read as it is parsed: a prepared answer of 223k rows (100 MB of JSON) streams
        # into any format instead of being held whole first
        data = kept.open_bytes(self.folder, key)
        if data is not None:
            try:  # a damaged entry is answered again, not shown
                return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
            except (SyntaxError, ValueError, OSError):
                pass
        results = self._execute(query, {})
        if not isinstance(results, (ox.QuerySolutions, ox.QueryBoolean)):
            return results
        data = results.serialize(format=ox.QueryResultsFormat.JSON)
        kept.write_bytes(self.folder, key, data)
        return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)

    def _execute(self, query: str, terms: dict, base: str | None = None):
        substitutions = {ox.Variable(k): v for k, v in terms.items()}
        try:
            return self.store.query(
                query, prefixes=dict(self.prefixes), substitutions=substitutions or None,
                base_iri=base, default_graph=self._default_graph(),
            )
        except SyntaxError as error:
            raise QueryError(sparql.syntax_message(error, query, base, second_opinion=True)
                             ) from None
        except (OSError, ValueError) as error:
            raise QueryError(f"The query failed: {str(error).splitlines()[0]}") from None

    def query(self, query: str, **bindings) -> list[dict]:
        """Run a SELECT; rows as dicts of Python values (IRIs as str), unbound ones left out.

        >>> load().query("SELECT ?l WHERE { ?r rdfs:label ?l } LIMIT 1", r="ail:AIEngineer")
        [{'l': 'AI Engineer'}]
        """
        bound = {k: self._value(v) for k, v in bindings.items() if v is not None}
        results = self.run(query, bound)
        if not isinstance(results, ox.QuerySolutions):
            raise QueryError("query() takes SELECT queries; use run() for ASK and CONSTRUCT.")
        names = [v.value for v in results.variables]
        convert = sparql.to_python
        return [{n: convert(t) for n, t in zip(names, row) if t is not None} for row in results]

    def named(self, name: str, **params) -> list[dict]:
        """Run the catalogue query ``name`` with its parameters (labels are resolved)."""
        from kg.query import catalogue  # read for named queries only, never for ad hoc ones

        named = catalogue.get(name)
        return self.query(named.text, **self.bind_params(named, params))

    def named_cached(self, name: str, **params) -> list[dict]:
        """A catalogue query's rows, cached beside a workspace store.

        A merged store never changes under its key, so its answers can be kept: the path
        projection and the label index of a 100k-triple graph then cost a file read instead
        of queries. Parameters must be IRIs or plain values (they name the cache entry).
        """
        if self.folder is None:
            return self.named(name, **params)
        import hashlib

        entry = name
        if params:
            key = repr(sorted((k, str(v)) for k, v in params.items())).encode()
            entry += "-" + hashlib.sha256(key).hexdigest()[:16]
        rows = kept.read_rows(self.folder, entry)
        if rows is None:
            rows = self.named(name, **params)
            kept.write_rows(self.folder, entry, rows)
        return rows

    def bind_params(self, named, params: dict) -> dict:
        """Check and resolve a named query's parameters into RDF terms."""
        known = {p.name for p in named.params}
        for key in params:
            if key not in known:
                listed = ", ".join(sorted(known)) or "none"
                raise ParameterError(
                    f"Query '{named.name}' has no parameter '{key}' (it takes: {listed})."
                )
        bound = {}
        for param in named.params:
            value = params.get(param.name)
            if value is None:
                if not param.optional:
                    raise ParameterError(
                        f"Query '{named.name}' needs parameter '{param.name}': "
                        f"add -p {param.name} VALUE ({param.description})."
                    )
                continue
            bound[param.name] = self.resolve_value(value, param.cls, param.entity)
        return bound

    def resolve_value(self, value, cls: str | None, entity: bool = False):
        """A parameter value as an RDF term: entity labels resolve to IRIs, else a literal."""
        if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
            return value
        text = str(value)
        if entity or cls is not None:
            return ox.NamedNode(self.resolve(text, cls=cls))
        return ox.Literal(text)

    def _value(self, value):
        if isinstance(value, str) and sparql.expand(value, self.prefixes):
            return ox.NamedNode(sparql.expand(value, self.prefixes))
        return value

    # -- labels ------------------------------------------------------------------------
    def labels(self) -> Labels:
        """Every IRI's ``rdfs:label``, looked up when asked for (the first the store returns
        when there are several; the shapes allow one per entity).

        A table of ten roles then reads ten labels, not the 20,000 of a 100k-triple graph.
        """
        if self._labels is None:
            self._labels = Labels(lambda: self.store)  # the store opens at the first look-up
        return self._labels

    def label(self, iri: str) -> str:
        """The label of an IRI, or its CURIE when it has none."""
        return self.labels().get(iri) or self.curie(iri)

    def curie(self, iri: str) -> str:
        """``iri`` shortened with this graph's prefixes (a ``--with`` file's ones included)."""
        return sparql.curie(iri, self.prefixes)

    def resolve(self, text: str, cls: str | None = None, noun: str | None = None,
                suggest: bool = True) -> str:
        """An IRI from a label, alternative label, CURIE or IRI; case-insensitive on labels.

        Labels and alternative labels of everything loaded count (the release and every
        ``--with`` file, e.g. an O*NET import). Several entities that are ``skos:exactMatch``
        of one another count as one: the graph's own (``ail:``) IRI is returned. Raises
        :class:`UnknownEntity` naming the closest labels, the vocabularies searched and
        ``aikg search`` when nothing matches (not with ``suggest=False``: a yes/no question
        then skips comparing the text with every label). ``noun`` names the kind in
        messages (default: from ``cls``).
        """
        kind = (self.curie(sparql.expand(cls, self.prefixes)).split(":")[-1] if cls else "entity")
        kind_word = noun or _words(kind)
        iri = sparql.expand(text, self.prefixes)
        if iri is not None:
            if self._described(iri, cls):
                return iri
            raise UnknownEntity(
                f"No {kind_word} has the IRI '{text}'. Run 'aikg search' to find one."
            )
        wanted = text.strip().casefold()
        rows = self.label_shard(cls, wanted)
        if rows is None:
            rows = self.named_labels(cls)
        for kinds in (("label",), ("altLabel",)):
            hits = sorted({r["entity"] for r in rows if r["kind"] in kinds
                           and r["label"].casefold() == wanted})
            if len(hits) > 1:
                same = self.equivalents()
                merged = sorted({same.get(h, h) for h in hits})
                hits = merged if len(merged) == 1 else hits
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                raise AmbiguousName(
                    f"'{text}' names several {naming.plural(kind_word)}: "
                    f"{naming.candidates(self, hits)}. Give one by its IRI or CURIE instead of "
                    "the name.")
        if not suggest:
            raise UnknownEntity(f"No {kind_word} matches '{text}'.")
        rows = self.named_labels(cls)  # every label, for the suggestions
        entities = {r["entity"] for r in rows}
        vocabularies = sorted({self._vocabulary(e) for e in entities})
        searched = (f" Searched the labels and alternative labels of {len(entities):,} "
                    f"{naming.plural(kind_word)} (vocabularies: "
                    f"{', '.join(vocabularies) or 'none'}); "
                    f"run 'aikg search \"{text}\"' to look in definitions too.")
        raise UnknownEntity(
            f"No {kind_word} matches '{text}'.{did_you_mean(text, [r['label'] for r in rows])}"
            + searched
        )

    def _vocabulary(self, iri: str) -> str:
        """The prefix whose namespace is the longest start of an IRI, else its host."""
        best = max(((ns, name) for name, ns in self.prefixes.items() if iri.startswith(ns)),
                   default=None, key=lambda pair: len(pair[0]))
        return best[1] if best else iri.split("//", 1)[-1].split("/", 1)[0]

    def equivalents(self) -> dict[str, str]:
        """Skills linked by ``skos:exactMatch`` mapped to one representative (see
        :func:`kg.paths.answers.skill_equivalents`). The rows are kept beside a workspace
        store (kept at its merge): resolving "Python", named by three vocabularies, ran the
        query each time, 1.2-1.4 s with O*NET and ESCO."""
        if self._same is None:
            from kg.paths.answers import skill_equivalents

            self._same = skill_equivalents(self.named_cached("skill-matches"))
        return self._same

    def named_labels(self, cls: str | None) -> list[dict]:
        """The ``labels`` query's rows for ``cls``, cached in this process and beside a
        workspace store (with an import loaded it is the slowest part of resolving a name,
        and a command resolves several)."""
        if cls not in self._label_rows:
            if not cls:
                self._label_rows[cls] = self.named_cached("labels")
            else:
                term = ox.NamedNode(sparql.expand(cls, self.prefixes))
                self._label_rows[cls] = self.named_cached("labels", **{"class": term})
        return self._label_rows[cls]

    def label_shard(self, cls: str | None, wanted: str) -> list[dict] | None:
        """The rows of :meth:`named_labels` whose casefolded label is ``wanted``, from the
        index kept beside a workspace store (an indexed SQLite table, :mod:`kg.store.kept`);
        None when there is none. With O*NET's 60,000 alternate titles loaded, reading every
        label to resolve one name took 0.23 s.

        A class without an index of its own (a merge keeps those of ``WARM_CLASSES`` in
        :mod:`kg.loading`) is answered from the index of every class: its rows carry the
        class (each type and supertype), and the ``labels`` query with ``class`` bound
        answers exactly the rows whose class is that one. Running that query instead took
        3.4-3.9 s at 1M triples (13-14 s with the store's files not in the OS cache) to
        resolve one region or challenge."""
        if self.folder is None:
            return None
        rows = kept.read_labels(self.folder, str(cls), wanted)
        if rows is None and cls is not None:
            every = kept.read_labels(self.folder, str(None), wanted)
            if every is not None:
                iri = sparql.expand(cls, self.prefixes)
                rows = [r for r in every if r.get("class") == iri]
        return rows

    def keep_label_index(self, cls: str | None) -> None:
        """Write the label index :meth:`label_shard` reads."""
        kept.write_labels(self.folder, str(cls), self.named_labels(cls))

    def _described(self, iri: str, cls: str | None) -> bool:
        """Whether the graph says anything about ``iri`` (as a ``cls``, when given)."""
        node = ox.NamedNode(iri)
        if cls is None:  # a statement either way round: 'entity-facts' took 0.5 s for O*NET's
            # occupations, and describe then ran it again (an endpoint answers this too)
            return bool(self.run(_STATED, {"entity": node}))
        wanted = sparql.expand(cls, self.prefixes)
        return any(row["class"] == wanted for row in self.named("entity-classes", entity=node))

    # -- other views -------------------------------------------------------------------
    def triples(self) -> Iterable[ox.Quad]:
        return self.store.quads_for_pattern(None, None, None, self._default_graph())

    def _default_graph(self):
        return ox.DefaultGraph() if self.graph_name is None else ox.NamedNode(self.graph_name)

    def __len__(self) -> int:
        return self._size if self._size is not None else len(self.store)

    def rdflib_graph(self):
        """The whole graph as an ``rdflib.Graph`` (parsed from N-Triples)."""
        from kg.checks.validate import to_rdflib

        graph = to_rdflib(self.store)
        for name, iri in store.PREFIXES.items():
            graph.bind(name, iri, override=True)
        return graph

    def networkx(self):
        """Every triple between two IRIs as a ``networkx.MultiDiGraph`` edge keyed by predicate.

        Literals become node attributes ``{predicate CURIE: [values]}`` instead of nodes.
        """
        import networkx as nx

        graph = nx.MultiDiGraph()
        for quad in self.triples():
            s, p, o = quad.subject, quad.predicate.value, quad.object
            subject = sparql.to_python(s)
            graph.add_node(subject)
            if isinstance(o, ox.Literal):
                graph.nodes[subject].setdefault(sparql.curie(p), []).append(sparql.to_python(o))
            else:
                graph.add_edge(subject, sparql.to_python(o), key=sparql.curie(p))
        return graph


def _words(camel: str) -> str:
    import re

    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", camel).lower()
