"""The role ladder as a small directed graph, and its cache beside a workspace store.

:func:`kg.paths.project` used to build a ``networkx.DiGraph``. Importing networkx alone took
0.3-0.4 s of a 0.5 s cold-start budget on the 2-core machine (``python -X importtime -c
"import networkx"``), and the path commands use six of its methods; :class:`RoleGraph` offers
those six with the same names and shapes, and :meth:`RoleGraph.to_networkx` gives the real
thing to anyone who wants networkx's algorithms.

A projection over a workspace store is kept as JSON beside the store (:func:`to_data`) (never pickle: a
workspace folder may be shared, and loading it must not run code), so a later ``aikg path``
reads one file instead of seven result sets and rebuilding the ladder.

>>> g = RoleGraph()
>>> g.add_edge("a", "b", cost=1)
>>> g.nodes["a"]["label"] = "A"
>>> list(g.successors("a")), g.has_path("b", "a"), g.edges["a", "b"]
(['b'], False, {'cost': 1})
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial

from kg.path_results import Experience, Qualification, Responsibility, Skill

#: bump when the cached form changes: a cache written by another version is ignored
FORMAT = 2


class RoleGraph:
    """Nodes with data, directed edges with data, ``graph`` for whole-ladder data.

    The subset of ``networkx.DiGraph`` the path commands use: ``nodes`` (call with
    ``data=True``, index by node), ``edges`` (likewise, index by ``(u, v)``), ``add_node``,
    ``add_edge``, ``has_edge``, ``successors``, ``predecessors``, ``in``, ``len`` and iteration.
    """

    def __init__(self) -> None:
        self.graph: dict = {}
        self._node: dict[str, dict] = {}
        self._succ: dict[str, dict[str, dict]] = {}
        self._pred: dict[str, dict[str, dict]] = {}
        self.nodes = _Nodes(self._node)
        self.edges = _Edges(self._succ)

    def add_node(self, node: str, **data) -> None:
        if node not in self._node:
            self._node[node], self._succ[node], self._pred[node] = {}, {}, {}
        self._node[node].update(data)

    def add_edge(self, start: str, end: str, **data) -> None:
        for node in (start, end):
            if node not in self._node:
                self.add_node(node)
        edge = self._succ[start].setdefault(end, {})
        edge.update(data)
        self._pred[end][start] = edge

    def has_edge(self, start: str, end: str) -> bool:
        return end in self._succ.get(start, ())

    def successors(self, node: str) -> Iterator[str]:
        return iter(self._succ[node])

    def predecessors(self, node: str) -> Iterator[str]:
        return iter(self._pred[node])

    def has_path(self, source: str, target: str) -> bool:
        """Whether ``target`` can be reached from ``source`` along the edges."""
        seen, todo = {source}, [source]
        while todo:
            node = todo.pop()
            if node == target:
                return True
            for after in self._succ[node]:
                if after not in seen:
                    seen.add(after)
                    todo.append(after)
        return False

    def __contains__(self, node) -> bool:
        return node in self._node

    def __iter__(self) -> Iterator[str]:
        return iter(self._node)

    def __len__(self) -> int:
        return len(self._node)

    def copy(self) -> RoleGraph:
        """A copy whose node, edge and graph data can change without touching this one."""
        other = RoleGraph()
        other.graph.update(self.graph)
        for node, data in self._node.items():
            other.add_node(node, **_whole(data))
        for start, after in self._succ.items():
            for end, data in after.items():
                other.add_edge(start, end, **data)
        return other

    def to_networkx(self):
        """The same ladder as a ``networkx.DiGraph`` (node, edge and graph data shared)."""
        import networkx as nx

        graph = nx.DiGraph()
        graph.graph.update(self.graph)
        graph.add_nodes_from((n, _whole(d)) for n, d in self._node.items())
        graph.add_edges_from((u, v, d) for u, after in self._succ.items() for v, d in after.items())
        return graph


class _Nodes:
    def __init__(self, node: dict[str, dict]):
        self._node = node

    def __getitem__(self, node: str) -> dict:
        return self._node[node]

    def __call__(self, data: bool = False):
        return iter(self._node.items()) if data else iter(self._node)

    def __iter__(self) -> Iterator[str]:
        return iter(self._node)

    def __contains__(self, node) -> bool:
        return node in self._node

    def __len__(self) -> int:
        return len(self._node)


class _Edges:
    def __init__(self, succ: dict[str, dict[str, dict]]):
        self._succ = succ

    def __getitem__(self, edge: tuple[str, str]) -> dict:
        return self._succ[edge[0]][edge[1]]

    def __call__(self, data: bool = False):
        for start, after in self._succ.items():
            for end, attrs in after.items():
                yield (start, end, attrs) if data else (start, end)

    def __iter__(self):
        return self()

    def __len__(self) -> int:
        return sum(len(after) for after in self._succ.values())


def mask_of(bits) -> int:
    """The int with the given bit positions set. ``mask |= 1 << bit`` copies the whole int
    each time: with 90k skills (1M triples of user data) a role's mask is 11 kB, and 330k such
    copies took seconds; a byte buffer sets each bit in place."""
    bits = bits if isinstance(bits, list) else list(bits)
    if len(bits) < 16:
        mask = 0
        for bit in bits:
            mask |= 1 << bit
        return mask
    buffer = bytearray((max(bits) >> 3) + 1)
    for bit in bits:
        buffer[bit >> 3] |= 1 << (bit & 7)
    return int.from_bytes(buffer, "little")


# -- the cache ---------------------------------------------------------------------------------
def to_data(graph: RoleGraph, edges_only: bool = False) -> dict:
    """A projection (as :func:`kg.paths.build_projection` makes it) as plain JSON data
    (``edges_only``: just its edges, for a ladder that differs from another only there).

    Nodes and skills are numbered, so an edge is two ints and a role's skills a list of ints;
    the skills, mask and duties of a role are apart from its label and level, so that
    :func:`from_data` makes them only for the roles a question reaches.
    """
    number = {iri: n for n, iri in enumerate(graph)}
    edges = [[number[u], number[v]] if d.get("move") is None and d.get("cost", 1) == 1
             else [number[u], number[v], d.get("move"), d.get("cost", 1)]
             for u, v, d in graph.edges(data=True)]
    if edges_only:
        return {"edges": edges}
    bits = graph.graph["skill_bits"]
    skills: dict[Skill, int] = {}

    def skill(s: Skill) -> int:
        return skills.setdefault(s, len(skills))

    nodes, details = [], []
    for iri, data in graph.nodes(data=True):
        nodes.append([iri, data["label"], data["level"], data["years"], data["width"]])
        details.append([
            [skill(s) for s in data["skills"]],
            [[r.iri, r.label, r.area] for r in data["responsibilities"]],
            [[q.iri, q.label, q.mandatory] for q in data["qualifications"]],
            [[e.iri, e.label, e.minimum_years] for e in data["experience"]],
            data["importance"],
        ])
    by_bit = sorted(bits, key=bits.get)
    by_iri = [skill(graph.graph["skills"][iri]) for iri in by_bit]  # each bit's Skill
    return {
        "format": FORMAT, "nodes": nodes, "details": details, "edges": edges,
        "skills": [[bits[s.iri], s.label, s.kind, s.essential] for s in skills],
        "bits": by_bit, "by_iri": by_iri, "same": graph.graph["same_skill"],
    }


def from_data(saved) -> RoleGraph | None:
    """The projection :func:`to_data` gave; None for data of another format (rebuild it).

    A role's ``skills``, ``mask``, ``responsibilities``, ``qualifications``, ``experience`` and
    ``importance`` are made when first read: with 1M triples of user data (9,355 roles, 86,596
    skills, a mask of 11 kB per role) making them all took 1.2 s of a path that reads a few.
    """
    if not isinstance(saved, dict) or saved.get("format") != FORMAT:
        return None
    try:
        return _graph(saved)
    except (KeyError, IndexError, TypeError, ValueError):  # damaged: rebuilt by the caller
        return None


def _graph(saved: dict) -> RoleGraph:
    if len(saved["details"]) != len(saved["nodes"]):
        raise ValueError("a role without details")
    rows, iris, made = saved["skills"], saved["bits"], [None] * len(saved["skills"])

    def skills(held: list[int]) -> tuple[Skill, ...]:
        found = [made[n] for n in held]
        if None in found:
            for i, n in enumerate(held):
                if found[i] is None:
                    bit, label, kind, essential = rows[n]
                    found[i] = made[n] = Skill(iris[bit], label, kind, essential)
        return tuple(found)

    def details(n: int) -> dict:
        held, duties, quals, exp, importance = saved["details"][n]
        return {
            "skills": skills(held),
            "responsibilities": tuple(Responsibility(*r) for r in duties),
            "qualifications": tuple(Qualification(*q) for q in quals),
            "experience": tuple(Experience(*e) for e in exp), "importance": importance,
        }

    def mask(n: int) -> int:
        return mask_of([rows[s][0] for s in saved["details"][n][0]])

    graph = RoleGraph()
    order = [row[0] for row in saved["nodes"]]
    for n, (iri, label, level, years, width) in enumerate(saved["nodes"]):
        graph._node[iri] = _Node(partial(details, n), partial(mask, n), label=label,
                                 level=level, years=years, width=width)
        graph._succ[iri], graph._pred[iri] = {}, {}
    for start, end, *data in saved["edges"]:
        start, end = order[start], order[end]
        edge = {"move": data[0], "cost": data[1]} if data else {"move": None, "cost": 1}
        graph._succ[start][end] = graph._pred[end][start] = edge
    graph.graph["skill_bits"] = bits = _Later(lambda: {iri: n for n, iri in enumerate(iris)})
    graph.graph["skills"] = _SkillsByIri(bits, saved["by_iri"], skills)
    graph.graph["same_skill"] = saved["same"]
    return graph


_LAZY = frozenset({"skills", "responsibilities", "qualifications", "experience", "importance"})


class _Node(dict):
    """A role's data whose costly parts are made on first read: ``make`` gives those in
    :data:`_LAZY`, ``make_mask`` the ``mask`` (which ``aikg ready`` never reads)."""

    __slots__ = ("_make", "_make_mask")

    def __init__(self, make, make_mask, **data) -> None:
        super().__init__(**data)
        self._make, self._make_mask = make, make_mask

    def __missing__(self, key):
        if key == "mask" and self._make_mask is not None:
            self._made_mask()
        elif key in _LAZY and self._make is not None:
            self._made()
        else:
            raise KeyError(key)
        return self[key]

    def whole(self) -> dict:
        """This data with every part made (before it is copied or handed on)."""
        if self._make is not None:
            self._made()
        if self._make_mask is not None:
            self._made_mask()
        return self

    def _made(self) -> None:
        made, self._make = self._make(), None
        for key, value in made.items():
            self.setdefault(key, value)  # a part set before it was made stays

    def _made_mask(self) -> None:
        mask, self._make_mask = self._make_mask(), None
        self.setdefault("mask", mask)


class _SkillsByIri(Mapping):
    """Each skill IRI's :class:`Skill`, made when asked for (``by_bit``: its row by bit)."""

    def __init__(self, bits: Mapping, by_bit: list[int], make) -> None:
        self._bits, self._by_bit, self._make = bits, by_bit, make

    def __getitem__(self, iri: str) -> Skill:
        return self._make([self._by_bit[self._bits[iri]]])[0]

    def __iter__(self):
        return iter(self._bits)

    def __len__(self) -> int:
        return len(self._by_bit)


def _whole(data: dict) -> dict:
    return data.whole() if isinstance(data, _Node) else data


class _Later(Mapping):
    """A mapping built by ``make`` when first used."""

    def __init__(self, make) -> None:
        self._make, self._data = make, None

    def _built(self) -> dict:
        if self._data is None:
            self._data = self._make()
        return self._data

    def __getitem__(self, key):
        return self._built()[key]

    def __iter__(self):
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())
