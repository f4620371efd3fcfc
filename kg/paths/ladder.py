"""The ladder kept beside a workspace store: its bytes, and the ladder read back from them.

A projection over a workspace store is kept beside the store (:func:`to_data`, :func:`dump`:
JSON and raw numbers, never pickle: a workspace folder may be shared, and loading it must not
run code), so a later ``aikg path`` reads one file instead of seven result sets and rebuilding
the ladder. The ladder itself is a ``networkx.DiGraph`` (:class:`kg.paths.roles.RoleGraph`).
"""

from __future__ import annotations

import json
import sys
import zlib
from array import array
from collections.abc import Sequence
from functools import partial

from kg.paths.results import Experience, Qualification, Responsibility
from kg.paths.roles import LazyNode, Later, RoleGraph, SkillsByIri, mask_of  # noqa: F401
from kg.paths.table import SkillTable, skill_table

#: bump when the cached form changes: a cache written by another version is ignored
FORMAT = 12  # 12: a skill once per role; 11: what a definition names; 10: the same occupation


# -- the cache ---------------------------------------------------------------------------------
def to_data(graph, edges_only: bool = False) -> dict:
    """A projection (as :func:`kg.paths.answers.build_projection` makes it) as plain JSON data
    (``edges_only``: just its edges, for a ladder that differs from another only there).

    Nodes and skills are numbered. Lists of numbers (the edges, each role's skills, each
    skill's bit, kind and essential flag) are arrays of 32-bit words (:data:`PACKED`), kept
    on disk as raw bytes (:func:`dump`): as JSON numbers the 337,901 skill numbers of a
    1M-triple ladder took 0.06 s to read, as base64 12 ms. A role's skills, mask and duties
    are made by :func:`from_data` only for the roles a question reaches.
    """
    number = {iri: n for n, iri in enumerate(graph)}
    plain, moves, kinds_of_move = [], [], {}
    for u, v, d in graph.edges(data=True):
        if d.get("move") is None and d.get("cost", 1) == 1:
            plain += (number[u], number[v])
        else:  # a handful of kinds (3 on O*NET + ESCO) for tens of thousands of moves
            kind = kinds_of_move.setdefault((d.get("move"), d.get("cost", 1)), len(kinds_of_move))
            moves += (number[u], number[v], kind)
    edges = {"edges": _packed(plain), "moves": _packed(moves),
             "move_kinds": [list(kind) for kind in kinds_of_move]}
    if edges_only:
        return edges
    table, bits = skill_table(graph), graph.graph["skill_bits"]
    nodes = [[iri, data["label"], data["level"], data["years"], data["width"],
              data.get("known", True), data.get("estimated")]
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
        "same": graph.graph["same_skill"], "names": graph.graph.get("skill_names", {}),
        "same_occupation": _packed(n for role, matches in graph.graph.get(
            "same_occupation", {}).items() for match in matches
            for n in (number[role], number[match])),
        "mentioned": _packed(n for role, skills in graph.graph.get("mentioned", {}).items()
                             for skill in skills for n in (number[role], bits[skill])),
    }


def ladder_order(graph) -> list[str]:
    """The roles by level, then label (casefolded), then IRI: the path search's numbering."""
    return sorted(graph, key=lambda n: (graph.nodes[n]["level"] or 0,
                                        graph.nodes[n]["label"].casefold(), n))


#: the parts of :func:`to_data` that are arrays of numbers
PACKED = ("edges", "moves", "same_occupation", "mentioned", "order", "role_skills", "role_ends",
          "skill_bit", "skill_kind", "skill_essential", "role_essentials", "by_iri")


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
    by_iri, moves, move_kinds = _array(saved["by_iri"]), _array(saved["moves"]), saved["move_kinds"]
    same_occupation, mentioned = _array(saved["same_occupation"]), _array(saved["mentioned"])
    if not (len(details) == len(table.ends) == len(order) == count and len(edges) % 2 == 0
            and len(by_iri) == len(table.iris) and all(len(d) == 4 for d in details)
            and len(moves) % 3 == 0 and len(same_occupation) % 2 == 0
            and (not same_occupation or max(same_occupation) < count)
            and len(mentioned) % 2 == 0
            and (not mentioned or (max(mentioned[0::2]) < count
                                   and max(mentioned[1::2]) < len(table.iris)))
            and (not moves or (max(moves[0::3] + moves[1::3]) < count
                               and max(moves[2::3]) < len(move_kinds)))
            and all(len(kind) == 2 and (kind[0] is None or isinstance(kind[0], str))
                    and isinstance(kind[1], int) for kind in move_kinds)
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
    for n, (iri, label, level, years, width, known, estimated) in enumerate(nodes):
        graph._node[iri] = LazyNode(partial(made, n), partial(table.mask, n), label=label,
                                    level=level, years=years, width=width, known=known,
                                    estimated=estimated)
    iris = table.iris
    graph.graph["skill_bits"] = bits = Later(lambda: dict(zip(iris, range(len(iris)))))
    graph.graph["skills"] = SkillsByIri(bits, by_iri, table)
    graph.graph["same_skill"] = saved["same"]
    graph.graph["skill_names"] = saved["names"]
    roles = [row[0] for row in nodes]
    graph.graph["same_occupation"] = Later(partial(_pairs, same_occupation, roles, roles))
    graph.graph["mentioned"] = Later(partial(_pairs, mentioned, roles, iris))
    return graph


def _pairs(numbers, keys: list[str], values: list[str]) -> dict[str, tuple[str, ...]]:
    """Packed ``[key, value, ...]`` numbers as a tuple of values per key, by IRI."""
    found: dict[str, tuple[str, ...]] = {}
    for key, value in zip(numbers[0::2], numbers[1::2]):
        found[keys[key]] = found.get(keys[key], ()) + (values[value],)
    return found


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
    """``_succ`` (also ``_adj``) or ``_pred`` of a :class:`_KeptGraph`: made from the saved
    numbers when first read, then the ordinary dicts of dicts networkx keeps. It stands in
    for networkx's own descriptors of those names (which also reset the cached views)."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __get__(self, graph, owner=None):
        if graph is None:
            return self
        if self.key not in graph.__dict__:
            graph._walked()
        return graph.__dict__[self.key]

    def __set__(self, graph, value) -> None:
        graph.__dict__[self.key] = value
        for view in ("adj", "succ", "pred", "edges", "out_edges", "in_edges", "degree",
                     "in_degree", "out_degree"):
            graph.__dict__.pop(view, None)

    def __delete__(self, graph) -> None:
        graph.__dict__.pop(self.key, None)


class _KeptGraph(RoleGraph):
    """A projection read back by :func:`from_data`: its edges become dicts when first walked
    (a path over 56,334 edges walks none of them), and it keeps the numbers it was saved
    with (``saved``, ``table``, ``saved_order``) for the search's numbering and ``aikg ready``."""

    _adj = _succ = _WalkedEdges("_succ")
    _pred = _WalkedEdges("_pred")

    def __init__(self, saved: dict, table: SkillTable, order) -> None:
        self._saved, self.table, self.saved_order = saved, table, order
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

    def moves_from(self, node: str) -> list[tuple[str, dict]]:
        if "_succ" in self.__dict__:  # walked already
            return super().moves_from(node)
        order = list(self._node)  # the saved numbers (56k edges on O*NET+ESCO: 65 ms to walk)
        at = order.index(node)
        return [(order[end], {"move": move, "cost": cost})
                for start, end, move, cost in self.numbered_edges() if start == at]

    def add_node(self, node_for_adding, **attr) -> None:
        if node_for_adding not in self._node:
            self.saved_order = None  # the saved numbers no longer cover every node
        super().add_node(node_for_adding, **attr)

    def add_edge(self, u_of_edge, v_of_edge, **attr) -> None:
        self.saved_order = None  # nor every edge
        super().add_edge(u_of_edge, v_of_edge, **attr)

    def numbered_edges(self):
        """Each edge as (start, end, move, cost), the roles by their saved numbers."""
        plain = self._saved["edges"]
        for start, end in zip(plain[::2], plain[1::2]):
            yield start, end, None, 1
        moves, kinds = self._saved["moves"], self._saved["move_kinds"]
        for start, end, kind in zip(moves[0::3], moves[1::3], moves[2::3]):
            yield start, end, *kinds[kind]
