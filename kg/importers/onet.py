"""``aikg import onet``: the O*NET 29.2 Excel files as Turtle in this graph's vocabulary.

What becomes what (the documented rules):

- **Occupations** (``Occupation Data.xlsx``): ``ail:Occupation`` at
  ``https://www.onetonline.org/link/summary/<O*NET-SOC code>`` with the title as label, the
  description as definition and the code as ``skos:notation``; ``Alternate Titles.xlsx`` adds
  alternate and short titles as ``skos:altLabel``.
- **Job zone** (``Job Zones.xlsx``): ``ail:jobZone`` and ``ail:seniorityLevel`` (both the zone,
  1-5) and ``ail:careerStage`` the zone's stage (``Job Zone Reference.xlsx``).
- **Related occupations** (``Related Occupations.xlsx``): every row an
  ``ail:OccupationRelation`` keeping tier and index. Primary-Short and Primary-Long rows also
  give a link: to a higher job zone ``ail:progressesTo``, to the same zone
  ``ail:lateralMoveTo``, to a lower zone (or when a zone is unknown) ``ail:careerChangeTo``.
  Supplemental rows give no link.
- **Technology skills** (``Technology Skills.xlsx``): each Example an ``ail:Technology`` at
  ``https://w3id.org/ai-leadership-kg/onet/technology/<Example>`` with ``ail:hotTechnology``
  (true if any row flags it); each occupation-technology row an ``ail:SkillRating`` with
  ``ail:inDemand``. In-demand technologies are ``ail:requiresEssentialSkill``, the others
  ``ail:requiresPreferredSkill``.
- **Skills and knowledge** (``Skills.xlsx``, ``Knowledge.xlsx``): elements are
  ``ail:TransversalSkill`` / ``ail:KnowledgeArea`` at ``.../onet/element/<Element ID>``, named
  and defined by ``Content Model Reference.xlsx``; each occupation-element pair an
  ``ail:SkillRating`` with ``ail:importance`` (IM, 1-5) and ``ail:level`` (LV, 0-7). The
  occupation ``ail:requiresEssentialSkill`` the element when importance >= 3.5
  (:data:`REQUIRES_IMPORTANCE`: "important" to "extremely important" on O*NET's scale).
- **Provenance**: every resource cites the file(s) it comes from, an ``ail:SourceSection``
  ``dcterms:isPartOf ail:SourceDocument_ONET``; the attribution the licence asks for is in
  ``dcterms:rights`` on each section and in a comment at the top of the output.
- **Education and experience** (``Education, Training, and Experience.xlsx``): the Required
  Level of Education and Related Work Experience categories most respondents report become
  ``ail:typicalEducation`` and ``ail:typicalExperience`` (the category's words, from
  ``Education, Training, and Experience Categories.xlsx``).
- **Emerging tasks** (``Emerging Tasks.xlsx``): each row an ``ail:EmergingTask`` at
  ``.../onet/emerging-task/<O*NET-SOC code>/<n>`` (the occupation's n-th row in the file),
  labelled "<occupation title>: <task>", the task as definition, ``ail:taskCategory`` (New or
  Revision), ``ail:reportedIn`` the month as ``xsd:gYearMonth``, and notes naming the task a
  revision replaces and O*NET's domain source; the occupation ``ail:hasEmergingTask`` it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import SourceError
from kg.importers import xlsx
from kg.importers.common import (
    DCT, PREFIXES, Progress, Table, ail, en, integer, iri, require, slug, string, triple,
    write_turtle, code as code_literal,
)
from kg.importers.onet_format import (  # noqa: F401 (RELEASES, REQUIRES_IMPORTANCE: named in the docs)
    A, ALT, ATTRIBUTION, BASE, CODE, DEFINITION, FILES, LABEL, LINK_TIERS, NAMED, NOTATION,
    OCCUPATION, RELEASES, REQUIRES_IMPORTANCE, SOURCE, job_zone, link_kind, positive, release_of,
)
from kg.importers.onet_skills import SkillsAndTasks


@dataclass
class Summary:
    """What an import wrote: counts per kind, the release, seconds taken."""

    release: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n


def import_onet(folder: Path | str, output: Path | str, progress: Progress | None = None) -> Summary:
    """Convert the O*NET files in ``folder`` into the Turtle file ``output`` (atomically)."""
    start = time.perf_counter()
    folder = Path(folder)
    release = release_of(folder)
    for name, _ in FILES.values():
        if not (folder / name).is_file():
            raise SourceError(f"{folder}: no '{name}'; give the folder holding the O*NET "
                              f"{release} Excel files.")
    summary = Summary(release)
    converter = _Converter(folder, release, summary, progress)
    prefixes = {**PREFIXES, "onet": BASE, "onetsoc": OCCUPATION}
    header = (f"O*NET {release} Database converted by 'aikg import onet' (ai-leadership-kg).\n"
              + ATTRIBUTION.format(release=release) + "\nModified: converted to RDF in the "
              "AI Leadership vocabulary; see kg/importers/onet.py for the rules.")
    write_turtle(converter.triples(), Path(output), prefixes, header)
    summary.seconds = time.perf_counter() - start
    return summary


class _Converter(SkillsAndTasks):
    def __init__(self, folder: Path, release: str, summary: Summary, progress: Progress | None):
        self.folder, self.release, self.summary, self.progress = folder, release, summary, progress
        self.zones: dict[str, int] = {}
        self.codes: set[str] = set()
        self.titles: dict[str, str] = {}

    def table(self, key: str) -> Table:
        name, columns = FILES[key]
        path = self.folder / name
        return Table(path, xlsx.rows(path), columns, self.progress)

    def section(self, key: str):
        return iri(BASE + "source/" + slug(FILES[key][0].removesuffix(".xlsx")))

    def occupation(self, code: str, where: str):
        if code not in self.codes:
            raise SourceError(f"{where}: O*NET-SOC code '{code}' is not in "
                              f"'{FILES['occupations'][0]}'; the files come from different "
                              "releases or one is truncated.")
        return iri(OCCUPATION + code)

    def triples(self) -> Iterator:
        yield from self.sections()
        yield from self.occupations()
        yield from self.alternates()
        yield from self.job_zones()
        yield from self.related()
        yield from self.technology()
        elements = self.content_model()
        yield from self.ratings("skills", ail("TransversalSkill"), elements)
        yield from self.ratings("knowledge", ail("KnowledgeArea"), elements)
        yield from self.education()
        yield from self.emerging_tasks()

    def sections(self) -> Iterator:
        rights = en(ATTRIBUTION.format(release=self.release))
        for key, (name, _) in sorted(FILES.items(), key=lambda kv: kv[1][0]):
            node = self.section(key)
            yield triple(node, A, NAMED)
            yield triple(node, A, ail("SourceSection"))
            yield triple(node, LABEL, en(f"O*NET {self.release}: {name}"))
            yield triple(node, DEFINITION, en(f"The file '{name}' of the O*NET {self.release} "
                                              "Database, as published."))
            yield triple(node, iri(DCT + "isPartOf"), ail("SourceDocument_ONET"))
            yield triple(node, iri(DCT + "rights"), rights)

    def occupations(self) -> Iterator:
        source = self.section("occupations")
        for where, row in self.table("occupations"):
            code = require(row[CODE], CODE, where)
            title = require(row["Title"], "Title", where)
            if code in self.codes:
                raise SourceError(f"{where}: O*NET-SOC code '{code}' appears twice.")
            self.codes.add(code)
            self.titles[code] = title
            node = iri(OCCUPATION + code)
            yield triple(node, A, NAMED)
            yield triple(node, A, ail("Occupation"))
            yield triple(node, LABEL, en(title))
            yield triple(node, DEFINITION, en(row["Description"] or title))
            yield triple(node, NOTATION, code_literal(code))
            yield triple(node, SOURCE, source)
            self.summary.add("occupations")

    def alternates(self) -> Iterator:
        source, cited = self.section("alternates"), set()
        for where, row in self.table("alternates"):
            node = self.occupation(require(row[CODE], CODE, where), where)
            for column in ("Alternate Title", "Short Title"):
                if row[column]:
                    yield triple(node, ALT, en(row[column]))
                    self.summary.add("alternate titles")
            if node not in cited:
                cited.add(node)
                yield triple(node, SOURCE, source)

    def job_zones(self) -> Iterator:
        reference = self.section("zone_reference")
        known = set()
        for where, row in self.table("zone_reference"):
            zone = job_zone(row["Job Zone"], where)
            known.add(zone)
            stage = iri(BASE + f"jobzone/{zone}")
            yield triple(stage, A, NAMED)
            yield triple(stage, A, ail("CareerStage"))
            yield triple(stage, LABEL, en(f"O*NET {require(row['Name'], 'Name', where)}"))
            yield triple(stage, DEFINITION, en(f"{row['Experience']} {row['Education']}".strip()))
            yield triple(stage, ail("stageOrder"), integer(zone))
            yield triple(stage, SOURCE, reference)
        source = self.section("zones")
        for where, row in self.table("zones"):
            node = self.occupation(require(row[CODE], CODE, where), where)
            zone = job_zone(row["Job Zone"], where)
            if zone not in known:
                raise SourceError(f"{where}: job zone {zone} is not in "
                                  f"'{FILES['zone_reference'][0]}'.")
            self.zones[node.value] = zone
            yield triple(node, ail("jobZone"), integer(zone))
            yield triple(node, ail("seniorityLevel"), integer(zone))
            yield triple(node, ail("careerStage"), iri(BASE + f"jobzone/{zone}"))
            yield triple(node, SOURCE, source)
            self.summary.add("job zones")

    def related(self) -> Iterator:
        source = self.section("related")
        for where, row in self.table("related"):
            start = self.occupation(require(row[CODE], CODE, where), where)
            end = self.occupation(require(row["Related O*NET-SOC Code"],
                                          "Related O*NET-SOC Code", where), where)
            tier = require(row["Relatedness Tier"], "Relatedness Tier", where)
            if tier not in (*LINK_TIERS, "Supplemental"):
                raise SourceError(f"{where}: unknown relatedness tier '{tier}' (O*NET uses "
                                  "Primary-Short, Primary-Long and Supplemental).")
            index = positive(row["Index"], "Index", where)
            node = iri(BASE + "relation/" + start.value.rsplit("/", 1)[1] + "/"
                       + end.value.rsplit("/", 1)[1])
            yield triple(node, A, ail("OccupationRelation"))
            yield triple(node, ail("relationFrom"), start)
            yield triple(node, ail("relationTo"), end)
            yield triple(node, ail("relatednessTier"), string(tier))
            yield triple(node, ail("relatednessIndex"), integer(index))
            yield triple(node, SOURCE, source)
            self.summary.add("related occupations")
            if tier in LINK_TIERS and start != end:
                link = link_kind(self.zones.get(start.value), self.zones.get(end.value))
                yield triple(start, ail(link), end)
                self.summary.add(link)
