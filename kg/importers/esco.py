"""``aikg import esco``: the ESCO v1.2.0 files as Turtle in this graph's vocabulary.

What becomes what (the documented rules):

- **Occupations** (``occupations_en.csv``): ``ail:Occupation`` at their ESCO URI, preferred
  label as label, alternative labels (one per line) as ``skos:altLabel``, the description (else
  the definition) as definition, the ESCO code as ``skos:notation``.
- **ISCO groups** (``ISCOGroups_en.csv``): ``ail:OccupationGroup`` at their ESCO URI;
  ``broaderRelationsOccPillar_en.csv`` gives ``skos:broader`` from occupations and groups to
  the group or occupation above them.
- **Skills** (``esco_occupation_profiles.parquet``, essential and optional skills **by
  label**): a label that is the preferred label of a skill in ``digitalSkillsCollection_en.csv``
  or ``transversalSkillsCollection_en.csv`` gets that skill's ESCO URI (the only skills whose
  URI and label both ship); any other label gets a minted IRI
  ``https://w3id.org/ai-leadership-kg/esco/skill/<label, spaces as _, percent-encoded>``.
  Kinds: the transversal collection and the profiles' transversal lists give
  ``ail:TransversalSkill``, skill type "knowledge" or the profiles' knowledge lists
  ``ail:KnowledgeArea``, everything else ``ail:OccupationalSkill``. Occupations
  ``ail:requiresEssentialSkill`` / ``ail:requiresPreferredSkill`` (ESCO's optional) them.
- **One name, one thing** (the duplicate-label check): an alternative label that is the
  preferred label of another occupation (or skill), or of an occupation of the shipped graph
  (ESCO's artificial insemination engineer is also an "AI engineer"), is left out; ISCO groups named like the
  group above them get their code in the label ("cooks (ISCO 5120)"); a skill a profile lists
  as essential and optional is essential.
- **Skill-skill relations** (``skillSkillRelations_en.csv``): ``skos:related`` between two
  skills the import describes. Relations with an end known only by URI are counted
  ("skill relations to unlabelled skills"), not kept: the file gives each end's URI and skill
  type but no label, and in v1.2.0 as shipped here none of those 5,063 URIs is labelled in any
  other file (the collections label 587 of the 5,650 URIs the relations use; ``skills_en.csv``
  is not in the snapshot). Minting them would add skills with no name, each a twin of a skill
  the profiles already name by label under a minted IRI, which the relation would then not
  reach. 442 of the 5,818 relations are kept.
- **Provenance**: every resource cites the file(s) it comes from (``ail:SourceSection``s part of
  ``ail:SourceDocument_ESCO``, whose ``dcterms:rights`` carries the attribution); members of
  the digital and transversal collections cite those collection files.
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.errors import SourceError
from kg.importers.common import (
    AIL, DCT, OWL, PREFIXES, RDF_TYPE, RDFS, SKOS, Progress, Table, ail, checked_iri, en, iri,
    require, slug,
    triple, write_turtle, code as code_literal,
)
from kg.importers.onet import Summary
from kg.importers.profiles import MAX_BATCH_BYTES, PROFILE_COLUMNS, decoded, within_limits

RELEASES = ("1.2.0",)
ATTRIBUTION = ("ESCO, European Commission, v{release}, reused under Commission Decision "
               "2011/833/EU. Modified: converted to RDF in the AI Leadership vocabulary by "
               "ai-leadership-kg (kg/importers/esco.py).")
SKILL_BASE = "https://w3id.org/ai-leadership-kg/esco/skill/"
BASE = "https://w3id.org/ai-leadership-kg/esco/"
PROFILES = "esco_occupation_profiles.parquet"
FILES = {
    "occupations": ("occupations_en.csv", ("conceptUri", "preferredLabel", "altLabels",
                                           "description", "definition", "code")),
    "isco": ("ISCOGroups_en.csv", ("conceptUri", "code", "preferredLabel", "description")),
    "broader": ("broaderRelationsOccPillar_en.csv", ("conceptUri", "broaderUri")),
    "digital": ("digitalSkillsCollection_en.csv", ("conceptUri", "preferredLabel", "skillType",
                                                    "altLabels", "description")),
    "transversal": ("transversalSkillsCollection_en.csv", ("conceptUri", "preferredLabel",
                                                            "skillType", "altLabels", "description")),
    "relations": ("skillSkillRelations_en.csv", ("originalSkillUri", "relationType",
                                                  "relatedSkillUri")),
}
A, LABEL, DEFINITION, ALT = RDF_TYPE, iri(RDFS + "label"), iri(SKOS + "definition"), iri(SKOS + "altLabel")
NOTATION, SOURCE, NAMED = iri(SKOS + "notation"), iri(DCT + "source"), iri(OWL + "NamedIndividual")


def _rows(path: Path):
    """``(row number, values)`` from a CSV file (quoted fields may span lines)."""
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            for values in reader:
                yield reader.line_num, values
    except UnicodeDecodeError as error:
        raise SourceError(f"{path}: not UTF-8 text ({error.reason}); download it again.") from None
    except csv.Error as error:
        raise SourceError(f"{path}, row {reader.line_num}: {error}; the file looks truncated.") from None


def import_esco(folder: Path | str, output: Path | str, progress: Progress | None = None) -> Summary:
    """Convert the ESCO files in ``folder`` into the Turtle file ``output`` (atomically)."""
    start = time.perf_counter()
    folder = Path(folder)
    if not folder.is_dir():
        raise SourceError(f"{folder}: no such folder; give the folder of the ESCO CSV files.")
    for name in [n for n, _ in FILES.values()] + [PROFILES]:
        if not (folder / name).is_file():
            raise SourceError(f"{folder}: no '{name}'; give the folder holding the ESCO "
                              f"{RELEASES[-1]} English CSV files and {PROFILES}.")
    release = RELEASES[-1]
    summary = Summary(release)
    converter = _Converter(folder, release, summary, progress)
    header = (f"ESCO v{release} converted by 'aikg import esco' (ai-leadership-kg).\n"
              + ATTRIBUTION.format(release=release))
    write_turtle(converter.triples(), Path(output),
                 {**PREFIXES, "esco": "http://data.europa.eu/esco/", "escoskill": SKILL_BASE},
                 header)
    summary.seconds = time.perf_counter() - start
    return summary


class _Converter:
    def __init__(self, folder: Path, release: str, summary: Summary, progress: Progress | None):
        self.folder, self.release, self.summary, self.progress = folder, release, summary, progress
        self.described: set[str] = set()

    def table(self, key: str) -> Table:
        name, columns = FILES[key]
        path = self.folder / name
        return Table(path, _rows(path), columns, self.progress)

    def section(self, key: str):
        name = FILES[key][0] if key in FILES else PROFILES
        return iri(BASE + "source/" + slug(name.rsplit(".", 1)[0]))

    def triples(self) -> Iterator:
        yield from self.sections()
        yield from self.occupations()
        yield from self.groups()
        yield from self.skills()
        yield from self.relations()

    def sections(self) -> Iterator:
        rights = en(ATTRIBUTION.format(release=self.release))
        for key in sorted([*FILES, "profiles"]):
            name = FILES[key][0] if key in FILES else PROFILES
            node = self.section(key)
            yield triple(node, A, NAMED)
            yield triple(node, A, ail("SourceSection"))
            yield triple(node, LABEL, en(f"ESCO v{self.release}: {name}"))
            yield triple(node, DEFINITION, en(f"The file '{name}' of ESCO v{self.release}."))
            yield triple(node, iri(DCT + "isPartOf"), ail("SourceDocument_ESCO"))
            yield triple(node, iri(DCT + "rights"), rights)

    def occupations(self) -> Iterator:
        source = self.section("occupations")
        # a first pass for the preferred labels: an alternative label that is another
        # occupation's preferred label is left out (ESCO has 200-odd; a name names one thing)
        labels = {row["preferredLabel"].casefold() for _, row in self.table("occupations")}
        shipped, mapped = _shipped()
        for where, row in self.table("occupations"):
            node = checked_iri(row["conceptUri"], "conceptUri", where)
            label = require(row["preferredLabel"], "preferredLabel", where)
            self.described.add(node.value)
            yield triple(node, A, NAMED)
            yield triple(node, A, ail("Occupation"))
            yield triple(node, LABEL, en(label))
            yield triple(node, DEFINITION, en(row["description"] or row["definition"] or label))
            taken = labels if node.value in mapped else labels | shipped
            for alt in self._alternatives(_lines(row["altLabels"]), label, taken):
                yield triple(node, ALT, en(alt))
            if row["code"]:
                yield triple(node, NOTATION, code_literal(row["code"]))
            yield triple(node, SOURCE, source)
            self.summary.add("occupations")

    def _alternatives(self, alts: list[str], label: str, taken: set[str]) -> list[str]:
        kept = [a for a in alts if a.casefold() == label.casefold() or a.casefold() not in taken]
        self.summary.add("alternative labels left out (another's preferred label)",
                         len(alts) - len(kept))
        return kept

    def groups(self) -> Iterator:
        source = self.section("isco")
        # ISCO names some groups like the group above them ("cooks": C512 and C5120): such a
        # label gets the group's code, so that each label names one group
        seen = Counter(row["preferredLabel"].casefold() for _, row in self.table("isco"))
        for where, row in self.table("isco"):
            node = checked_iri(row["conceptUri"], "conceptUri", where)
            label = require(row["preferredLabel"], "preferredLabel", where)
            if seen[label.casefold()] > 1:
                label = f"{label} (ISCO {row['code']})"
                self.summary.add("ISCO group labels given their code")
            self.described.add(node.value)
            yield triple(node, A, NAMED)
            yield triple(node, A, ail("OccupationGroup"))
            yield triple(node, LABEL, en(label))
            yield triple(node, DEFINITION, en(row["description"].strip() or label))
            yield triple(node, NOTATION, code_literal(row["code"]))
            yield triple(node, SOURCE, source)
            self.summary.add("ISCO groups")
        source = self.section("broader")
        for where, row in self.table("broader"):
            narrower = checked_iri(row["conceptUri"], "conceptUri", where).value
            broader = checked_iri(row["broaderUri"], "broaderUri", where).value
            for uri in (narrower, broader):
                if uri not in self.described:
                    raise SourceError(f"{where}: '{uri}' is neither an occupation nor an ISCO "
                                      "group of the other files; the files come from different "
                                      "releases or one is truncated.")
            yield triple(iri(narrower), iri(SKOS + "broader"), iri(broader))
            self.summary.add("broader links")

    def skills(self) -> Iterator:
        known: dict[str, tuple[str, str, str, list[str]]] = {}  # label -> uri, kind, file, alts
        for key in ("digital", "transversal"):
            for where, row in self.table(key):
                label = require(row["preferredLabel"], "preferredLabel", where)
                kind = ("TransversalSkill" if key == "transversal" else
                        "KnowledgeArea" if row["skillType"] == "knowledge" else "OccupationalSkill")
                uri = checked_iri(row["conceptUri"], "conceptUri", where).value
                if label not in known or key == "transversal":
                    known[label] = (uri, kind, key, _lines(row["altLabels"], "|"),
                                    row["description"])
        minted: dict[str, str] = {}  # label -> kind, for labels no collection names
        links, linked = [], set()
        for where, row in self._profiles():
            occupation = row["occupation_uri"]
            if occupation not in self.described:
                raise SourceError(f"{where}: occupation '{occupation}' is not in "
                                  f"'{FILES['occupations'][0]}'.")
            knowledge, transversal = set(row["essential_knowledge"]), set(row["transversal_skills"])
            for prop, labels in (("requiresEssentialSkill", row["essential_skills"]),
                                 ("requiresPreferredSkill", row["optional_skills"])):
                for label in labels:
                    if label not in known:
                        kind = ("TransversalSkill" if label in transversal else
                                "KnowledgeArea" if label in knowledge else "OccupationalSkill")
                        minted[label] = min(minted.get(label, kind), kind,
                                            key=("TransversalSkill", "KnowledgeArea",
                                                 "OccupationalSkill").index)
                    skill = known[label][0] if label in known else SKILL_BASE + slug(label)
                    if (occupation, skill) in linked:
                        # listed twice (ESCO lists a few skills as essential and optional):
                        # essential, read first, stands
                        self.summary.add("skills listed twice for an occupation (essential kept)")
                        continue
                    linked.add((occupation, skill))
                    links.append((occupation, prop, skill))
        yield from self._describe_skills(known, minted)
        source = self.section("profiles")
        cited = set()
        for occupation, prop, skill in links:
            yield triple(iri(occupation), ail(prop), iri(skill))
            self.summary.add("essential links" if prop == "requiresEssentialSkill" else "optional links")
            if occupation not in cited:
                cited.add(occupation)
                yield triple(iri(occupation), SOURCE, source)

    def _describe_skills(self, known, minted) -> Iterator:
        taken = {label.casefold() for label in (*known, *minted)}
        for label in sorted(known):
            uri, kind, key, alts, text = known[label]
            node = iri(uri)
            if uri in self.described:
                continue
            self.described.add(uri)
            yield triple(node, A, NAMED)
            yield triple(node, A, ail(kind))
            yield triple(node, LABEL, en(label))
            yield triple(node, DEFINITION, en(text or label))
            for alt in self._alternatives(alts, label, taken):
                yield triple(node, ALT, en(alt))
            yield triple(node, SOURCE, self.section(key))
            self.summary.add(f"{key} collection skills")
        source = self.section("profiles")
        for label in sorted(minted):
            node = iri(SKILL_BASE + slug(label))
            self.described.add(node.value)
            yield triple(node, A, NAMED)
            yield triple(node, A, ail(minted[label]))
            yield triple(node, LABEL, en(label))
            yield triple(node, DEFINITION, en(f"'{label}', a skill ESCO lists in occupation "
                                              "profiles (its own definition is not in the files "
                                              "at hand)."))
            yield triple(node, SOURCE, source)
            self.summary.add("skills minted from labels")

    def _profiles(self):
        path = self.folder / PROFILES
        try:
            import pyarrow.parquet as pq

            # strings stay dictionary-encoded when read: a value repeated in the file is then
            # held once, and its decoded size is counted before it is made (see profiles.decoded)
            lists = [f"{c}.list.element" for c in PROFILE_COLUMNS if c != "occupation_uri"]
            try:
                handle = pq.ParquetFile(path, read_dictionary=["occupation_uri", *lists])
            except KeyError as error:
                raise SourceError(f"{path}, row 0: no column {error}; the file is not the "
                                  "published profiles file.") from None
            missing = [c for c in PROFILE_COLUMNS if c not in handle.schema_arrow.names]
            if missing:
                raise SourceError(f"{path}, row 0: no column '{missing[0]}'; the file is not the "
                                  "published profiles file.")
            within_limits(handle.metadata, path)
            number = 0
            for batch in handle.iter_batches(batch_size=64, columns=list(PROFILE_COLUMNS)):
                size = decoded(batch)
                if size > MAX_BATCH_BYTES:
                    raise SourceError(f"{path}, row {number + 1}: {size:,} bytes of text in "
                                      f"{batch.num_rows} rows, past what the published file "
                                      "holds; the file is damaged or not ESCO's.")
                for row in batch.to_pylist():
                    number += 1
                    yield f"{path}, row {number}", {
                        k: ([x.strip() for x in v if x and x.strip()] if isinstance(v, list)
                            else (v or "").strip() if k == "occupation_uri" else [])
                        for k, v in row.items()}
                if self.progress:
                    self.progress(path.name, number)
        except (OSError, ValueError) as error:  # pyarrow's ArrowInvalid is a ValueError
            raise SourceError(f"{path}: not a readable parquet file ({str(error).splitlines()[0]}); "
                              "download it again.") from None

    def relations(self) -> Iterator:
        kept = unlabelled = 0
        for where, row in self.table("relations"):
            a, b = row["originalSkillUri"], row["relatedSkillUri"]
            require(a, "originalSkillUri", where)
            require(b, "relatedSkillUri", where)
            if a in self.described and b in self.described:
                if a != b:
                    yield triple(iri(a), iri(SKOS + "related"), iri(b))
                    kept += 1
            else:
                unlabelled += 1
            self.summary.add("skill relations read")
        self.summary.add("skill relations kept", kept)
        self.summary.add("skill relations to unlabelled skills", unlabelled)


def _shipped() -> tuple[set[str], set[str]]:
    """The shipped graph's occupation labels, casefolded, and the foreign IRIs its crosswalk
    maps to. An ESCO alternative label may not take such a label ("AI engineer" is also
    ESCO's artificial insemination engineer) unless the occupation is a mapped counterpart
    (as the duplicate-label check allows)."""
    from kg.store import release as store

    label, kinds = RDFS + "label", {AIL + "Occupation", AIL + "Role"}
    matches = {SKOS + m for m in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch")}
    triples = list(ox.parse(path=str(store.release_file("nt")), format=ox.RdfFormat.N_TRIPLES))
    typed = {t.subject for t in triples if t.predicate == RDF_TYPE and t.object.value in kinds}
    labels = {t.object.value.casefold() for t in triples
              if t.subject in typed and t.predicate.value == label}
    mapped = {t.object.value for t in triples if t.predicate.value in matches
              and t.subject.value.startswith(AIL)}
    return labels, mapped


def _lines(text: str, separator: str = "\n") -> list[str]:
    return sorted({part.strip() for part in text.split(separator) if part.strip()})
