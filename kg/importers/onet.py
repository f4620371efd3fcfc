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

import pyoxigraph as ox

from kg.errors import SourceError
from kg.importers import xlsx
from kg.importers.common import (
    DCT, OWL, PREFIXES, RDF_TYPE, RDFS, SKOS, XSD, Progress, Table, ail, boolean, decimal, en, integer,
    iri, require, slug, string, triple, write_turtle, code as code_literal,
)

RELEASES = ("29.2",)
ATTRIBUTION = ("This product includes information from the O*NET {release} Database by the U.S. "
               "Department of Labor, Employment and Training Administration (USDOL/ETA), used "
               "under the CC BY 4.0 license.")
OCCUPATION = "https://www.onetonline.org/link/summary/"
BASE = "https://w3id.org/ai-leadership-kg/onet/"
REQUIRES_IMPORTANCE = 3.5
LINK_TIERS = ("Primary-Short", "Primary-Long")
CODE = "O*NET-SOC Code"

FILES = {
    "occupations": ("Occupation Data.xlsx", (CODE, "Title", "Description")),
    "alternates": ("Alternate Titles.xlsx", (CODE, "Alternate Title", "Short Title")),
    "zone_reference": ("Job Zone Reference.xlsx", ("Job Zone", "Name", "Experience", "Education")),
    "zones": ("Job Zones.xlsx", (CODE, "Job Zone")),
    "related": ("Related Occupations.xlsx",
                (CODE, "Related O*NET-SOC Code", "Relatedness Tier", "Index")),
    "content_model": ("Content Model Reference.xlsx", ("Element ID", "Element Name", "Description")),
    "technology": ("Technology Skills.xlsx",
                   (CODE, "Example", "Commodity Code", "Commodity Title", "Hot Technology",
                    "In Demand")),
    "skills": ("Skills.xlsx", (CODE, "Element ID", "Element Name", "Scale ID", "Data Value")),
    "knowledge": ("Knowledge.xlsx", (CODE, "Element ID", "Element Name", "Scale ID", "Data Value")),
    "education": ("Education, Training, and Experience.xlsx",
                  (CODE, "Scale ID", "Category", "Data Value")),
    "categories": ("Education, Training, and Experience Categories.xlsx",
                   ("Scale ID", "Category", "Category Description")),
    "emerging": ("Emerging Tasks.xlsx",
                 (CODE, "Task", "Category", "Original Task ID", "Original Task", "Date",
                  "Domain Source")),
}
#: O*NET's categories of emerging tasks
TASK_CATEGORIES = ("New", "Revision")
#: the scales of the education file that are kept, and the property each becomes
EDUCATION_SCALES = {"RL": "typicalEducation", "RW": "typicalExperience"}

A, LABEL, DEFINITION, ALT = RDF_TYPE, iri(RDFS + "label"), iri(SKOS + "definition"), iri(SKOS + "altLabel")
NOTATION, SOURCE, NOTE = iri(SKOS + "notation"), iri(DCT + "source"), iri(SKOS + "note")
NAMED = iri(OWL + "NamedIndividual")


@dataclass
class Summary:
    """What an import wrote: counts per kind, the release, seconds taken."""

    release: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n


def release_of(folder: Path) -> str:
    """The release named in ``Read Me.txt`` (``'29.2'``); unknown ones are refused."""
    readme = folder / "Read Me.txt"
    if not folder.is_dir():
        raise SourceError(f"{folder}: no such folder; give the folder of the O*NET Excel files.")
    if not readme.is_file():
        raise SourceError(f"{folder}: no 'Read Me.txt', so this is not an O*NET database folder "
                          "(give the unzipped db_29_2_excel folder).")
    words = readme.read_text(encoding="utf-8", errors="replace").split()
    for i, word in enumerate(words[:-1]):
        if word == "O*NET" and words[i + 1][:1].isdigit():
            release = words[i + 1]
            if release not in RELEASES:
                raise SourceError(f"{readme}, row 1: O*NET release {release} is not one this "
                                  f"importer knows (it reads {', '.join(RELEASES)}); use those "
                                  "files or check that the columns still match.")
            return release
    raise SourceError(f"{readme}, row 1: no 'O*NET <release>' line; the file is not O*NET's.")


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


class _Converter:
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
            zone = _zone(row["Job Zone"], where)
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
            zone = _zone(row["Job Zone"], where)
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
            index = _positive(row["Index"], "Index", where)
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
                link = _link(self.zones.get(start.value), self.zones.get(end.value))
                yield triple(start, ail(link), end)
                self.summary.add(link)

    def technology(self) -> Iterator:
        source = self.section("technology")
        seen: dict[str, list] = {}  # Example -> [commodity code, commodity title, hot]
        for where, row in self.table("technology"):
            occupation = self.occupation(require(row[CODE], CODE, where), where)
            name = require(row["Example"], "Example", where)
            hot, demand = _flag(row["Hot Technology"], where), _flag(row["In Demand"], where)
            info = seen.setdefault(name, [row["Commodity Code"], row["Commodity Title"], False])
            info[2] = info[2] or hot
            tech = iri(BASE + "technology/" + slug(name))
            rating = iri(occupation.value.replace(OCCUPATION, BASE + "rating/") + "/technology/"
                         + slug(name))
            yield triple(rating, A, ail("SkillRating"))
            yield triple(rating, ail("ratedOccupation"), occupation)
            yield triple(rating, ail("ratedSkill"), tech)
            yield triple(rating, ail("inDemand"), boolean(demand))
            yield triple(rating, SOURCE, source)
            prop = "requiresEssentialSkill" if demand else "requiresPreferredSkill"
            yield triple(occupation, ail(prop), tech)
            self.summary.add("technology links")
        for name in sorted(seen):  # described once each, after every row has had its say
            code, title, hot = seen[name]
            tech = iri(BASE + "technology/" + slug(name))
            yield triple(tech, A, NAMED)
            yield triple(tech, A, ail("Technology"))
            yield triple(tech, LABEL, en(name))
            kind = f"{title} (UNSPSC commodity {code})" if code else title or "technology"
            yield triple(tech, DEFINITION, en(f"{name}: {kind}, a technology O*NET lists "
                                              "for occupations that use it."))
            yield triple(tech, ail("hotTechnology"), boolean(hot))
            yield triple(tech, SOURCE, source)
            self.summary.add("technologies")
            self.summary.add("hot technologies", int(hot))

    def content_model(self) -> dict[str, tuple[str, str]]:
        return {row["Element ID"]: (row["Element Name"], row["Description"])
                for _, row in self.table("content_model")}

    def ratings(self, key: str, kind, elements: dict) -> Iterator:
        source, model = self.section(key), self.section("content_model")
        described: set[str] = set()
        for where, row in self.table(key):
            occupation = self.occupation(require(row[CODE], CODE, where), where)
            element_id = require(row["Element ID"], "Element ID", where)
            element = iri(BASE + "element/" + slug(element_id))
            if element_id not in described:
                described.add(element_id)
                name, text = elements.get(element_id, (row["Element Name"], ""))
                yield triple(element, A, NAMED)
                yield triple(element, A, kind)
                yield triple(element, LABEL, en(require(name, "Element Name", where)))
                yield triple(element, DEFINITION, en(text or name))
                yield triple(element, NOTATION, code_literal(element_id))
                yield triple(element, SOURCE, model)
                self.summary.add(key)
            scale = row["Scale ID"]
            if scale not in ("IM", "LV"):
                raise SourceError(f"{where}: unknown scale '{scale}' (expected IM or LV).")
            value = decimal(require(row["Data Value"], "Data Value", where), where)
            rating = iri(occupation.value.replace(OCCUPATION, BASE + "rating/") + "/element/"
                         + slug(element_id))
            if scale == "IM":
                yield triple(rating, A, ail("SkillRating"))
                yield triple(rating, ail("ratedOccupation"), occupation)
                yield triple(rating, ail("ratedSkill"), element)
                yield triple(rating, SOURCE, source)
                yield triple(rating, ail("importance"), value)
                self.summary.add(f"{key} ratings")
                if float(value.value) >= REQUIRES_IMPORTANCE:
                    yield triple(occupation, ail("requiresEssentialSkill"), element)
                    self.summary.add(f"{key} required")
            else:
                yield triple(rating, ail("level"), value)


    def education(self) -> Iterator:
        """Per occupation, the Required Level of Education and Related Work Experience
        categories with the largest share of respondents (ties: the lower category)."""
        names = {}
        for where, row in self.table("categories"):
            if row["Scale ID"] in EDUCATION_SCALES:
                text = require(row["Category Description"], "Category Description", where)
                names[(row["Scale ID"], row["Category"])] = text.split(" - ")[0].strip()
        source = self.section("education")
        best: dict[tuple[str, str], tuple[float, int, str]] = {}
        current = None
        for where, row in self.table("education"):
            scale = row["Scale ID"]
            if scale not in EDUCATION_SCALES:
                continue
            code = require(row[CODE], CODE, where)
            if code != current:
                yield from self._typical(best, source)
                best, current = {}, code
            self.occupation(code, where)
            category = require(row["Category"], "Category", where)
            if (scale, category) not in names:
                raise SourceError(f"{where}: category {category} of scale {scale} is not in "
                                  f"'{FILES['categories'][0]}'.")
            share = float(decimal(require(row["Data Value"], "Data Value", where), where).value)
            key = (-share, int(float(category)))
            if (code, scale) not in best or key < best[(code, scale)][:2]:
                best[(code, scale)] = (*key, names[(scale, category)])
        yield from self._typical(best, source)

    def emerging_tasks(self) -> Iterator:
        """Each row an ``ail:EmergingTask`` at ``.../onet/emerging-task/<code>/<n>`` (the
        occupation's n-th row), labelled "<occupation>: <task>" (a task may be reported for
        several occupations, and labels name one thing), the task as definition."""
        source, counted = self.section("emerging"), {}
        for where, row in self.table("emerging"):
            code = require(row[CODE], CODE, where)
            occupation = self.occupation(code, where)
            text = require(row["Task"], "Task", where)
            category = require(row["Category"], "Category", where)
            if category not in TASK_CATEGORIES:
                raise SourceError(f"{where}: unknown task category '{category}' (O*NET uses "
                                  f"{' and '.join(TASK_CATEGORIES)}).")
            month = _month(require(row["Date"], "Date", where), where)
            counted[code] = counted.get(code, 0) + 1
            task = iri(BASE + f"emerging-task/{code}/{counted[code]}")
            yield triple(task, A, NAMED)
            yield triple(task, A, ail("EmergingTask"))
            yield triple(task, LABEL, en(f"{self.titles[code]}: {text}"))
            yield triple(task, DEFINITION, en(text))
            yield triple(task, ail("taskCategory"), string(category))
            yield triple(task, ail("reportedIn"), month)
            if category == "Revision" and row["Original Task"]:
                number = f" {row['Original Task ID']}" if row["Original Task ID"] else ""
                yield triple(task, NOTE, en(f"Revises O*NET task{number}: "
                                            f"{row['Original Task']}"))
            if row["Domain Source"]:
                yield triple(task, NOTE, en(f"Reported by O*NET's {row['Domain Source']} "
                                            "source."))
            yield triple(task, SOURCE, source)
            yield triple(occupation, ail("hasEmergingTask"), task)
            self.summary.add("emerging tasks")

    def _typical(self, best: dict, source) -> Iterator:
        cited = set()
        for (code, scale), (_, _, text) in sorted(best.items()):
            node = iri(OCCUPATION + code)
            yield triple(node, ail(EDUCATION_SCALES[scale]), string(text))
            self.summary.add(EDUCATION_SCALES[scale])
            if node not in cited:
                cited.add(node)
                yield triple(node, SOURCE, source)


def _month(text: str, where: str) -> ox.Literal:
    """O*NET's ``MM/YYYY`` as an ``xsd:gYearMonth``."""
    month, _, year = text.partition("/")
    if not (month.isdigit() and year.isdigit() and len(year) == 4 and 1 <= int(month) <= 12):
        raise SourceError(f"{where}: date '{text}' is not a month as O*NET writes it (MM/YYYY).")
    return ox.Literal(f"{year}-{int(month):02d}", datatype=ox.NamedNode(XSD + "gYearMonth"))


def _link(zone_from: int | None, zone_to: int | None) -> str:
    if zone_from is not None and zone_to is not None:
        if zone_to > zone_from:
            return "progressesTo"
        if zone_to == zone_from:
            return "lateralMoveTo"
    return "careerChangeTo"


def _zone(text: str, where: str) -> int:
    zone = _positive(text, "Job Zone", where)
    if zone > 5:
        raise SourceError(f"{where}: job zone {zone} is out of range (O*NET's zones are 1 to 5).")
    return zone


def _positive(text: str, column: str, where: str) -> int:
    try:
        value = int(float(require(text, column, where)))
    except ValueError:
        raise SourceError(f"{where}: '{column}' is '{text}', not a whole number.") from None
    if value < 1:
        raise SourceError(f"{where}: '{column}' is {value}; it must be 1 or more.")
    return value


def _flag(text: str, where: str) -> bool:
    if text not in ("Y", "N"):
        raise SourceError(f"{where}: flag '{text}' is neither Y nor N.")
    return text == "Y"
