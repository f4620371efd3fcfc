"""What the O*NET files are and how their values read: the release, the sheets and their
columns, the IRIs of what is imported, and the readers of O*NET's dates, zones, numbers and
flags (each raising :class:`kg.errors.SourceError` naming the file and row).

:mod:`kg.importers.onet` documents the rules and converts; :mod:`kg.importers.onet_skills`
converts what occupations require and do.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.errors import SourceError
from kg.importers.common import DCT, OWL, RDF_TYPE, RDFS, SKOS, XSD, iri, require

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


def year_month(text: str, where: str) -> ox.Literal:
    """O*NET's ``MM/YYYY`` as an ``xsd:gYearMonth``."""
    month, _, year = text.partition("/")
    if not (month.isdigit() and year.isdigit() and len(year) == 4 and 1 <= int(month) <= 12):
        raise SourceError(f"{where}: date '{text}' is not a month as O*NET writes it (MM/YYYY).")
    return ox.Literal(f"{year}-{int(month):02d}", datatype=ox.NamedNode(XSD + "gYearMonth"))


def link_kind(zone_from: int | None, zone_to: int | None) -> str:
    if zone_from is not None and zone_to is not None:
        if zone_to > zone_from:
            return "progressesTo"
        if zone_to == zone_from:
            return "lateralMoveTo"
    return "careerChangeTo"


def job_zone(text: str, where: str) -> int:
    zone = positive(text, "Job Zone", where)
    if zone > 5:
        raise SourceError(f"{where}: job zone {zone} is out of range (O*NET's zones are 1 to 5).")
    return zone


def positive(text: str, column: str, where: str) -> int:
    try:
        value = int(float(require(text, column, where)))
    except ValueError:
        raise SourceError(f"{where}: '{column}' is '{text}', not a whole number.") from None
    if value < 1:
        raise SourceError(f"{where}: '{column}' is {value}; it must be 1 or more.")
    return value


def flag(text: str, where: str) -> bool:
    if text not in ("Y", "N"):
        raise SourceError(f"{where}: flag '{text}' is neither Y nor N.")
    return text == "Y"
