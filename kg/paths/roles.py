"""The role ladder as a ``networkx.DiGraph``: roles as nodes, moves as edges, skills as data.

:class:`RoleGraph` is a ``networkx.DiGraph`` whose node data may be made on first read
(:class:`LazyNode`): a ladder read back from beside a workspace store
(:mod:`kg.paths.ladder`) makes a role's skills, mask and duties only for the roles a question
reaches (with 86,596 skills a role's mask is 11 kB, and making them all took 1.2 s of a path
that reads a few).

>>> g = RoleGraph()
>>> g.add_edge("a", "b", cost=1)
>>> g.nodes["a"]["label"] = "A"
>>> list(g.successors("a")), g.has_path("b", "a"), g.edges["a", "b"]
(['b'], False, {'cost': 1})
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx


class RoleGraph(nx.DiGraph):
    """A ``networkx.DiGraph`` of roles; ``graph`` holds the whole ladder's skill tables."""

    def add_node(self, node_for_adding, **attr) -> None:
        if node_for_adding not in self._node:
            self.__dict__.pop("table", None)  # numbered without this node
        super().add_node(node_for_adding, **attr)

    def moves_from(self, node: str) -> list[tuple[str, dict]]:
        """The roles one step on from ``node``, each with its edge's data: ``successors``
        with ``edges[node, n]``, without making every edge of a kept ladder first."""
        return list(self._succ[node].items())

    def has_path(self, source: str, target: str) -> bool:
        """Whether ``target`` can be reached from ``source`` along the edges."""
        return nx.has_path(self, source, target)

    def copy(self, as_view: bool = False) -> RoleGraph:
        """A copy whose node, edge and graph data can change without touching this one
        (lazily made node data is made first: a plain copy would drop it)."""
        if as_view:
            return super().copy(as_view=True)
        other = RoleGraph()
        other.graph.update(self.graph)
        other.add_nodes_from((n, dict(whole(d))) for n, d in self._node.items())
        other.add_edges_from((u, v, dict(d)) for u, v, d in self.edges(data=True))
        return other

    def to_networkx(self) -> nx.DiGraph:
        """The same ladder as a plain ``networkx.DiGraph`` (every node's data made)."""
        graph = nx.DiGraph()
        graph.graph.update(self.graph)
        graph.add_nodes_from((n, whole(d)) for n, d in self._node.items())
        graph.add_edges_from(self.edges(data=True))
        return graph


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


LAZY = frozenset({"skills", "responsibilities", "qualifications", "experience", "importance"})


class LazyNode(dict):
    """A role's data whose costly parts are made on first read: ``make`` gives those in
    :data:`LAZY`, ``make_mask`` the ``mask`` (which ``aikg ready`` never reads)."""

    __slots__ = ("_make", "_make_mask")

    def __init__(self, make, make_mask, **data) -> None:
        super().__init__(**data)
        self._make, self._make_mask = make, make_mask

    def __missing__(self, key):
        if key == "mask" and self._make_mask is not None:
            self._made_mask()
        elif key in LAZY and self._make is not None:
            self._made()
        else:
            raise KeyError(key)
        return self[key]

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

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


def whole(data: dict) -> dict:
    return data.whole() if isinstance(data, LazyNode) else data


class Later(Mapping):
    """A mapping built by ``make`` when first used."""

    def __init__(self, make) -> None:
        self._make, self._data = make, None

    @property
    def built(self) -> bool:
        return self._data is not None

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


class SkillsByIri(Mapping):
    """Each skill IRI's :class:`~kg.paths.results.Skill`, made when asked for (``by_bit``: its
    row by bit).

    A look-up finds the bit in the dict ``bits`` when a path has built it, else by a scan of
    the table's IRIs in C: 'aikg ready' names a few skills and need not build it (23 ms)."""

    def __init__(self, bits: Later, by_bit, table) -> None:
        self._bits, self._by_bit, self._table = bits, by_bit, table

    def __getitem__(self, iri: str):
        if self._bits.built:
            bit = self._bits[iri]
        else:
            found = self._table.bits_of([iri])
            if not found:
                raise KeyError(iri)
            bit = found.pop()
        return self._table.skill(self._by_bit[bit])

    def __iter__(self):
        return iter(self._bits)

    def __len__(self) -> int:
        return len(self._by_bit)
