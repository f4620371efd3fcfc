"""SSSOM mapping tables: written from mappings, and read (checked) from a team's own file.

SSSOM (the Simple Standard for Sharing Ontological Mappings, https://mapping-commons.github.io/
sssom/) is a TSV whose first lines, each starting with ``#``, are a YAML header (``curie_map``,
``mapping_set_id``, ``license``...), followed by one row per mapping with at least
``subject_id``, ``predicate_id``, ``object_id`` and ``mapping_justification`` (a ``semapv:``
term). :func:`write` produces what ``sssom validate`` accepts; :func:`read` takes a user's file
and refuses, naming the file, row and fix, a header that is not SSSOM, a predicate that is not a
SKOS mapping relation or a confidence outside 0-1 (unknown subjects and objects are refused
where the graph is known: :mod:`kg.importers.align.apply`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from kg.errors import SourceError
from kg.importers.align.model import RELATIONS, SEMAPV, SKOS, Mapping

#: prefixes every SSSOM file may use without declaring them, and the ones our IRIs need
PREFIXES = {
    "skos": SKOS,
    "semapv": SEMAPV,
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "ail": "https://w3id.org/ai-leadership-kg/ontology#",
    "onet": "https://w3id.org/ai-leadership-kg/onet/",
    "onetsoc": "https://www.onetonline.org/link/summary/",
    "escoskill": "https://w3id.org/ai-leadership-kg/esco/skill/",
    "esco": "http://data.europa.eu/esco/",
}
COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label",
           "mapping_justification", "confidence", "mapping_tool", "mapping_provider", "comment")
REQUIRED = ("subject_id", "predicate_id", "object_id", "mapping_justification")
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
SUFFIX = ".sssom.tsv"


def is_sssom(path: Path | str) -> bool:
    return str(path).lower().endswith(SUFFIX)


def curie(iri: str, prefixes: dict[str, str] = PREFIXES) -> str:
    """The shortest CURIE for ``iri`` under ``prefixes`` (the IRI itself when none fits)."""
    best = max(((p, ns) for p, ns in prefixes.items() if iri.startswith(ns)),
               key=lambda pair: len(pair[1]), default=None)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else iri


def write(mappings: Iterable[Mapping], mapping_set_id: str, description: str = "") -> str:
    """An SSSOM TSV (YAML header and rows) of ``mappings``, in the order given."""
    import yaml

    rows, used = [], {"skos", "semapv"}
    for m in mappings:
        row = {"subject_id": curie(m.subject), "subject_label": m.subject_label,
               "predicate_id": f"skos:{m.predicate}", "object_id": curie(m.object),
               "object_label": m.object_label,
               "mapping_justification": f"semapv:{m.justification}",
               "confidence": "" if m.confidence is None else f"{m.confidence:.3f}",
               "mapping_tool": m.tool, "mapping_provider": m.mapping_set, "comment": m.comment}
        used.update(v.split(":", 1)[0] for v in (row["subject_id"], row["object_id"]) if ":" in v)
        rows.append(row)
    header = {"curie_map": {p: PREFIXES[p] for p in PREFIXES if p in used},
              "mapping_set_id": mapping_set_id, "license": LICENSE}
    if description:
        header["mapping_set_description"] = description
    text = yaml.safe_dump(header, sort_keys=False, allow_unicode=True, width=10_000)
    out = io.StringIO()
    out.write("".join(f"# {line}\n" for line in text.splitlines()))
    writer = csv.DictWriter(out, COLUMNS, delimiter="\t", lineterminator="\n",
                            quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


class Table:
    """A user's SSSOM file, read and checked row by row (the graph-free checks)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise SourceError(f"{self.path}: cannot read it ({error}); give a UTF-8 SSSOM "
                              "TSV file.") from None
        lines = text.splitlines()
        meta = [line[1:] for line in lines if line.startswith("#")]
        self.first_row = len(meta) + 2  # the line of the first mapping
        self.header = self._header(meta)
        self.prefixes = {**PREFIXES, **{str(k): str(v) for k, v in
                                        (self.header.get("curie_map") or {}).items()}}
        self.mapping_set = str(self.header.get("mapping_set_id") or self.path.resolve().as_uri())
        body = [line for line in lines if not line.startswith("#")]
        reader = csv.DictReader(io.StringIO("\n".join(body)), delimiter="\t")
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise SourceError(f"{self.path}, line {self.first_row - 1}: the column header has no "
                              f"{', '.join(missing)}; an SSSOM table needs the columns "
                              f"{', '.join(REQUIRED)}.")
        self.rows = list(reader)

    def _header(self, meta: list[str]) -> dict:
        import yaml

        if not meta:
            raise SourceError(f"{self.path}, line 1: no SSSOM header (YAML lines starting with "
                              "'#', with curie_map and mapping_set_id) before the table; add it "
                              "as https://mapping-commons.github.io/sssom/ shows.")
        try:
            header = yaml.safe_load("\n".join(line[1:] if line.startswith(" ") else line
                                              for line in meta))
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else "the header"
            raise SourceError(f"{self.path}, {where}: the SSSOM header is not YAML "
                              f"({getattr(error, 'problem', error)}); fix the '#' lines.") from None
        if not isinstance(header, dict) or not isinstance(header.get("curie_map", {}), dict):
            raise SourceError(f"{self.path}, line 1: the SSSOM header must be YAML keys "
                              "(curie_map: a map of prefixes, mapping_set_id: an IRI).")
        return header

    def expand(self, value: str, row: int, column: str) -> str:
        value = value.strip()
        if value.startswith(("http://", "https://")):
            return value
        prefix, colon, local = value.partition(":")
        if not colon or prefix not in self.prefixes:
            raise SourceError(f"{self.path}, row {row}: {column} '{value}' has no known prefix; "
                              "declare it under curie_map in the header or give a full IRI.")
        return self.prefixes[prefix] + local

    def mappings(self) -> list[tuple[int, Mapping]]:
        """(row number, mapping) for every row; SourceError for the first bad one."""
        out = []
        for n, row in enumerate(self.rows, start=1):
            predicate = self.expand(row.get("predicate_id") or "", n, "predicate_id")
            relation = predicate[len(SKOS):] if predicate.startswith(SKOS) else ""
            if relation not in RELATIONS:
                raise SourceError(
                    f"{self.path}, row {n}: predicate_id '{row.get('predicate_id')}' is not a "
                    f"SKOS mapping relation; use one of "
                    f"{', '.join('skos:' + r for r in RELATIONS)}.")
            justification = self.expand(row.get("mapping_justification") or "", n,
                                        "mapping_justification")
            if not justification.startswith(SEMAPV) or justification == SEMAPV:
                raise SourceError(f"{self.path}, row {n}: mapping_justification "
                                  f"'{row.get('mapping_justification')}' is not a semapv term; "
                                  "use e.g. semapv:ManualMappingCuration.")
            out.append((n, Mapping(
                self.expand(row.get("subject_id") or "", n, "subject_id"), relation,
                self.expand(row.get("object_id") or "", n, "object_id"),
                justification[len(SEMAPV):], self._confidence(row, n),
                (row.get("comment") or "").strip(), (row.get("subject_label") or "").strip(),
                (row.get("object_label") or "").strip(), self.mapping_set,
                (row.get("mapping_tool") or "").strip())))
        return out

    def _confidence(self, row: dict, n: int) -> float | None:
        text = (row.get("confidence") or "").strip()
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not 0.0 <= value <= 1.0:
            raise SourceError(f"{self.path}, row {n}: confidence '{text}' is not a number "
                              "from 0 to 1; write it as e.g. 0.9, or leave it empty.")
        return value
