"""The role ladder as a small directed graph, and its cache beside a workspace store.

:func:`kg.paths.answers.project` used to build a ``networkx.DiGraph``. Importing networkx alone took
0.3-0.4 s of a 0.5 s cold-start budget on the 2-core machine (``python -X importtime -c
"import networkx"``), and the path commands use six of its methods; :class:`RoleGraph` offers
those six with the same names and shapes, and :meth:`RoleGraph.to_networkx` gives the real
thing to anyone who wants networkx's algorithms.

A projection over a workspace store is kept beside the store (:func:`to_data`, :func:`dump`:
JSON and raw numbers, never pickle: a workspace folder may be shared, and loading it must not
run code), so a later ``aikg path`` reads one file instead of seven result sets and rebuilding
the ladder.

>>> g = RoleGraph()
>>> g.add_edge("a", "b", cost=1)
>>> g.nodes["a"]["label"] = "A"
>>> list(g.successors("a")), g.has_path("b", "a"), g.edges["a", "b"]
(['b'], False, {'cost': 1})
"""

from __future__ import annotations

import json
import sys
import zlib
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import partial

from kg.paths.results import Experience, Qualification, Responsibility, Skill

#: bump when the cached form changes: a cache written by another version is ignored
FORMAT = 4


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
        self.edges = _Edges(self)

    def add_node(self, node: str, **data) -> None:
        if node not in self._node:
            self.__dict__.pop("table", None)  # numbered without this node
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
    def __init__(self, graph: RoleGraph):
        self._graph = graph

    def __getitem__(self, edge: tuple[str, str]) -> dict:
        return self._graph._succ[edge[0]][edge[1]]

    def __call__(self, data: bool = False):
        for start, after in self._graph._succ.items():
            for end, attrs in after.items():
                yield (start, end, attrs) if data else (start, end)

    def __iter__(self):
        return self()

    def __len__(self) -> int:
        return sum(len(after) for after in self._graph._succ.values())


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
    """A projection (as :func:`kg.paths.answers.build_projection` makes it) as plain JSON data
    (``edges_only``: just its edges, for a ladder that differs from another only there).

    Nodes and skills are numbered. Lists of numbers (the edges, each role's skills, each
    skill's bit, kind and essential flag) are arrays of 32-bit words (:data:`PACKED`), kept
    on disk as raw bytes (:func:`dump`): as JSON numbers the 337,901 skill numbers of a
    1M-triple ladder took 0.06 s to read, as base64 12 ms. A role's skills, mask and duties
    are made by :func:`from_data` only for the roles a question reaches.
    """
    number = {iri: n for n, iri in enumerate(graph)}
    plain, moves = [], []
    for u, v, d in graph.edges(data=True):
        if d.get("move") is None and d.get("cost", 1) == 1:
            plain += (number[u], number[v])
        else:
            moves.append([number[u], number[v], d.get("move"), d.get("cost", 1)])
    edges = {"edges": _packed(plain), "moves": moves}
    if edges_only:
        return edges
    table, bits = skill_table(graph), graph.graph["skill_bits"]
    nodes = [[iri, data["label"], data["level"], data["years"], data["width"]]
             for iri, data in graph.nodes(data=True)]
    details = [[[[r.iri, r.label, r.area] for r in data["responsibilities"]],
                [[q.iri, q.label, q.mandatory] for q in data["qualifications"]],
                [[e.iri, e.label, e.minimum_years] for e in data["experience"]],
                data["importance"]] for data in graph._node.values()]
    kinds = list(dict.fromkeys(table.kind))
    kind_number = {kind: n for n, kind in enumerate(kinds)}
    by_bit = sorted(bits, key=bits.get)
    row_of = {table.skill(n): n for n in range(len(table.bit))}
    return {
        "format": FORMAT, "nodes": nodes, "details": details, **edges,
        "order": _packed(number[iri] for iri in ladder_order(graph)),
        "role_skills": _packed(table.flat), "role_ends": _packed(table.ends),
        "skill_bit": _packed(table.bit), "skill_label": table.label, "kinds": kinds,
        "skill_kind": _packed(kind_number[k] for k in table.kind),
        "skill_essential": _packed(table.essential), "role_essentials": _packed(table.essentials),
        "bits": by_bit, "by_iri": _packed(map(row_of.__getitem__, map(
            graph.graph["skills"].__getitem__, by_bit))),
        "same": graph.graph["same_skill"],
    }


def ladder_order(graph: RoleGraph) -> list[str]:
    """The roles by level, then label (casefolded), then IRI: the path search's numbering."""
    return sorted(graph, key=lambda n: (graph.nodes[n]["level"] or 0,
                                        graph.nodes[n]["label"].casefold(), n))


#: the parts of :func:`to_data` that are arrays of numbers
PACKED = ("edges", "order", "role_skills", "role_ends", "skill_bit", "skill_kind",
          "skill_essential", "role_essentials", "by_iri")


def dump(data: dict) -> bytes:
    """:func:`to_data`'s dict as kept beside a store: the CRC-32 of the rest in hex on a line
    of its own, one line of JSON, then the numbers as raw little-endian 32-bit words (nothing
    to decode but a copy)."""
    header, blob = {key: value for key, value in data.items() if key not in PACKED}, []
    places, start = {}, 0
    for key in PACKED:
        if key in data:
            words = array(_INT, data[key])
            if sys.byteorder == "big":
                words.byteswap()
            blob.append(words.tobytes())
            places[key] = [start, len(words)]
            start += len(words)
    header["packed"] = places
    rest = json.dumps(header, separators=(",", ":")).encode() + b"\n" + b"".join(blob)
    return b"%08x\n" % zlib.crc32(rest) + rest


def load(raw: bytes | None) -> dict | None:
    """What :func:`dump` wrote; None when it is damaged (its CRC-32 differs: 6 ms for the
    11 MB of a 1M-triple ladder) or unreadable."""
    if raw is None or raw[8:9] != b"\n":
        return None
    end = raw.find(b"\n", 9)
    try:
        if end < 0 or zlib.crc32(memoryview(raw)[9:]) != int(raw[:8], 16):
            return None
        data, body = json.loads(raw[9:end]), memoryview(raw)[end + 1:]
        for key, (start, count) in data.pop("packed").items():
            words = array(_INT)
            words.frombytes(body[start * 4:(start + count) * 4])
            if len(words) != count:
                return None
            if sys.byteorder == "big":
                words.byteswap()
            data[key] = words
    except (KeyError, TypeError, ValueError):
        return None
    return data


def from_data(saved, checked: bool = False) -> RoleGraph | None:
    """The projection :func:`to_data` gave; None for data of another format (rebuild it).
    ``checked``: the data passed :func:`load`'s CRC-32, so its numbers are the ones
    :func:`to_data` wrote and need not each be checked against the tables (35 ms at 1M).

    A role's ``skills``, ``mask``, ``responsibilities``, ``qualifications``, ``experience`` and
    ``importance`` are made when first read, and the edges as dicts when first walked: with 1M
    triples of user data (9,355 roles, 86,596 skills, a mask of 11 kB per role) making them all
    took 1.2 s of a path that reads a few.
    """
    if not isinstance(saved, dict) or saved.get("format") != FORMAT:
        return None
    try:
        return _graph(saved, checked)
    except (KeyError, IndexError, TypeError, ValueError):  # damaged: rebuilt by the caller
        return None


def _graph(saved: dict, checked: bool) -> RoleGraph:
    nodes, details, kinds = saved["nodes"], saved["details"], saved["kinds"]
    table = SkillTable(
        _array(saved["role_skills"]), _array(saved["role_ends"]), _array(saved["skill_bit"]),
        saved["skill_label"], _Kinds(_array(saved["skill_kind"]), kinds),
        _array(saved["skill_essential"]), saved["bits"], [row[0] for row in nodes],
        [d[3] for d in details], _array(saved["role_essentials"]))
    edges, order, count = _array(saved["edges"]), _array(saved["order"]), len(nodes)
    by_iri = _array(saved["by_iri"])
    if not (len(details) == len(table.ends) == len(order) == count and len(edges) % 2 == 0
            and len(by_iri) == len(table.iris) and all(len(d) == 4 for d in details)
            and all(0 <= u < count and 0 <= v < count for u, v, _, _ in saved["moves"])
            and sorted(order) == list(range(count)) and table.valid(checked)):
        raise ValueError("the parts do not fit together")
    if not checked and not ((not edges or max(edges) < count)
                            and (not by_iri or max(by_iri) < len(table.bit))
                            and (not table.kind.numbers or max(table.kind.numbers) < len(kinds))):
        raise ValueError("a number points past its table")

    def made(n: int) -> dict:
        duties, quals, exp, importance = details[n]
        return {
            "skills": table.skills(n),
            "responsibilities": tuple(Responsibility(*r) for r in duties),
            "qualifications": tuple(Qualification(*q) for q in quals),
            "experience": tuple(Experience(*e) for e in exp), "importance": importance,
        }

    graph = _KeptGraph(saved, table, order)
    for n, (iri, label, level, years, width) in enumerate(nodes):
        graph._node[iri] = _Node(partial(made, n), partial(table.mask, n), label=label,
                                 level=level, years=years, width=width)
    iris = table.iris
    graph.graph["skill_bits"] = bits = _Later(lambda: dict(zip(iris, range(len(iris)))))
    graph.graph["skills"] = _SkillsByIri(bits, by_iri, table)
    graph.graph["same_skill"] = saved["same"]
    return graph


_INT = next(code for code in "IL" if array(code).itemsize == 4)


def _packed(numbers) -> array:
    """Whole numbers below 2**32 as an array of 32-bit words."""
    return array(_INT, numbers)


def _array(words) -> array:
    if not isinstance(words, array) or words.typecode != _INT:
        raise TypeError("not packed numbers")
    return words


class _Kinds(Sequence):
    """Each skill row's kind: ``kinds[numbers[row]]``, looked up when read."""

    def __init__(self, numbers, kinds: list[str]) -> None:
        self.numbers, self._kinds = numbers, kinds

    def __getitem__(self, row: int) -> str:
        return self._kinds[self.numbers[row]]

    def __len__(self) -> int:
        return len(self.numbers)


class _WalkedEdges:
    """``_succ`` or ``_pred`` of a :class:`_KeptGraph`: made from the saved numbers when first
    read, then an ordinary dict of dicts."""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, graph, owner=None):
        if graph is None:
            return self
        if self.name not in graph.__dict__:
            graph._walked()
        return graph.__dict__[self.name]

    def __set__(self, graph, value) -> None:
        graph.__dict__[self.name] = value

    def __delete__(self, graph) -> None:
        graph.__dict__.pop(self.name, None)


class _KeptGraph(RoleGraph):
    """A projection read back by :func:`from_data`: its edges become dicts when first walked
    (a path over 56,334 edges walks none of them), and it keeps the numbers it was saved
    with (``saved``, ``table``, ``order``) for :class:`kg.paths.answers._Index` and ``aikg ready``."""

    _succ = _WalkedEdges()
    _pred = _WalkedEdges()

    def __init__(self, saved: dict, table: SkillTable, order) -> None:
        self._saved, self.table, self.order = saved, table, order
        super().__init__()
        del self._succ, self._pred  # made from the saved numbers when first read

    def _walked(self) -> None:
        succ = {iri: {} for iri in self._node}
        pred = {iri: {} for iri in self._node}
        order = list(self._node)
        for start, end, move, cost in self.numbered_edges():
            start, end = order[start], order[end]
            succ[start][end] = pred[end][start] = {"move": move, "cost": cost}
        self.__dict__["_succ"], self.__dict__["_pred"] = succ, pred

    def add_node(self, node: str, **data) -> None:
        if node not in self._node:
            self.order = None  # the saved numbers no longer cover every node
        super().add_node(node, **data)

    def add_edge(self, start: str, end: str, **data) -> None:
        self.order = None  # nor every edge
        super().add_edge(start, end, **data)

    def numbered_edges(self):
        """Each edge as (start, end, move, cost), the roles by their saved numbers."""
        plain = self._saved["edges"]
        for start, end in zip(plain[::2], plain[1::2]):
            yield start, end, None, 1
        yield from self._saved["moves"]


class SkillTable:
    """A ladder's skills by number: each row a :class:`Skill` (``bit``, ``label``, ``kind``,
    ``essential``), each role's rows a slice of ``flat`` ending at ``ends[n]``, its ratings
    (skill IRI -> importance) ``weights[n]``, its count of essential rows ``essentials[n]``;
    ``iris`` by bit, ``roles`` by number.

    ``aikg ready`` ranks 9,355 roles on these numbers and makes a :class:`Skill` only for
    what it prints: making all 98,651 of a 1M-triple ladder took 0.5 s.
    """

    def __init__(self, flat, ends, bit, label, kind, essential, iris, roles, weights,
                 essentials) -> None:
        self.flat, self.ends, self.bit, self.label = flat, ends, bit, label
        self.kind, self.essential, self.iris, self.roles = kind, essential, iris, roles
        self.weights, self.essentials = weights, essentials
        self._made: list[Skill | None] = [None] * len(bit)

    @classmethod
    def of(cls, graph: RoleGraph) -> SkillTable:
        """The table of a projection built in memory (the skills of its nodes numbered)."""
        bits = graph.graph["skill_bits"]
        row: dict[Skill, int] = {}
        flat, ends = [], []
        for data in graph._node.values():
            flat += (row.setdefault(s, len(row)) for s in data["skills"])
            ends.append(len(flat))
        for skill in graph.graph["skills"].values():  # required only by roles off the ladder
            row.setdefault(skill, len(row))
        skills = list(row)
        table = cls(flat, ends, [bits[s.iri] for s in skills], [s.label for s in skills],
                    [s.kind for s in skills], [int(s.essential) for s in skills],
                    sorted(bits, key=bits.get), list(graph._node),
                    [data["importance"] for data in graph._node.values()],
                    [sum(s.essential for s in data["skills"]) for data in graph._node.values()])
        table._made = skills
        return table

    def valid(self, checked: bool = False) -> bool:
        """Whether the parts fit together and (unless ``checked``) the numbers point inside
        the table: a damaged file's may not."""
        rows, width = len(self.bit), len(self.iris)
        return (len(self.label) == len(self.kind) == len(self.essential) == rows
                and len(self.ends) == len(self.roles) == len(self.weights) == len(self.essentials)
                and all(e <= len(self.flat) for e in self.ends[-1:])
                and (checked or (list(self.ends) == sorted(self.ends)
                                 and (not self.flat or max(self.flat) < rows)
                                 and (not rows or max(self.bit) < width))))

    def rows(self, n: int):
        """Role ``n``'s skill rows, in the role's order (essential first)."""
        return self.flat[self.ends[n - 1] if n else 0:self.ends[n]]

    def bits_of(self, iris: Iterable[str]) -> set[int]:
        """The bits of these skills (a skill no role requires has none)."""
        found = set()
        for iri in iris:  # a scan in C: 1 ms, not the 23 ms of a dict of 86,596 IRIs
            try:
                found.add(self.iris.index(iri))
            except ValueError:
                pass
        return found

    def rows_of_bits(self, bits: set[int]) -> set[int]:
        """The rows of these bits (a skill required as essential and as preferred is two)."""
        if len(bits) > 8:
            return {row for row, bit in enumerate(self.bit) if bit in bits}
        found = set()
        for bit in bits:  # a scan in C per bit: 1 ms, not 26 for the comprehension
            row = -1
            while True:
                try:
                    row = self.bit.index(bit, row + 1)
                except ValueError:
                    break
                found.add(row)
        return found

    def skill(self, row: int) -> Skill:
        skill = self._made[row]
        if skill is None:
            skill = self._made[row] = Skill(self.iris[self.bit[row]], self.label[row],
                                            self.kind[row], bool(self.essential[row]))
        return skill

    def skills(self, n: int) -> tuple[Skill, ...]:
        return tuple(map(self.skill, self.rows(n)))

    def mask(self, n: int) -> int:
        bit = self.bit
        return mask_of([bit[row] for row in self.rows(n)])


def skill_table(graph: RoleGraph) -> SkillTable:
    """``graph``'s skills by number: as read back for a kept ladder, else numbered now."""
    table = getattr(graph, "table", None)
    if table is None:
        table = graph.__dict__["table"] = SkillTable.of(graph)
    return table


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
    """Each skill IRI's :class:`Skill`, made when asked for (``by_bit``: its row by bit).

    A look-up finds the bit in the dict ``bits`` when a path has built it, else by a scan of
    the table's IRIs in C: 'aikg ready' names a few skills and need not build it (23 ms)."""

    def __init__(self, bits: _Later, by_bit, table: SkillTable) -> None:
        self._bits, self._by_bit, self._table = bits, by_bit, table

    def __getitem__(self, iri: str) -> Skill:
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


def _whole(data: dict) -> dict:
    return data.whole() if isinstance(data, _Node) else data


class _Later(Mapping):
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
