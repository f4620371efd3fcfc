"""Small O*NET fixtures in the published format (one-sheet .xlsx with shared strings).

``python -m tests.importer_fixtures`` rewrites tests/data/onet/ from the rows below; tests
copy that folder to make bad variants (a renamed column, a truncated sheet).
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ONET = Path(__file__).parent / "data" / "onet"
CODE = "O*NET-SOC Code"
SD, DS, CIRS, CISM, SEMI, OTHER = ("15-1252.00", "15-2051.00", "15-1221.00", "11-3021.00",
                                   "51-9141.00", "15-1299.09")
TITLES = {SD: "Software Developers", DS: "Data Scientists",
          CIRS: "Computer and Information Research Scientists",
          CISM: "Computer and Information Systems Managers",
          SEMI: "Semiconductor Processors", OTHER: "Information Technology Project Managers"}
ZONES = {SD: 4, DS: 5, CIRS: 5, CISM: 4, SEMI: 3}  # OTHER has no job zone


def _tech(code, example, hot, demand, commodity=("43232408", "Web platform development software")):
    return [code, TITLES[code], example, commodity[0], commodity[1], hot, demand]


def _rated(code, element, name, im, lv):
    base = [code, TITLES[code], element, name]
    tail = ["8", "0.1", "3", "5", "N"]
    return [base + ["IM", "Importance", im] + tail + ["", "08/2023", "Analyst"],
            base + ["LV", "Level", lv] + tail + ["N", "08/2023", "Analyst"]]


SHEETS = {
    "Occupation Data.xlsx": [[CODE, "Title", "Description"]] + [
        [code, title, f"What {title.lower()} do."] for code, title in TITLES.items()],
    "Alternate Titles.xlsx": [[CODE, "Title", "Alternate Title", "Short Title", "Source(s)"],
                              [SD, TITLES[SD], "Application Developer", "", "08"],
                              [SD, TITLES[SD], "Software Engineer", "", "08"],
                              [DS, TITLES[DS], "Machine Learning Scientist", "ML Scientist", "10"]],
    "Job Zone Reference.xlsx": [["Job Zone", "Name", "Experience", "Education", "Job Training",
                                 "Examples", "SVP Range"]] + [
        [str(z), f"Job Zone {z}", f"Experience for zone {z}.", f"Education for zone {z}.",
         "", "", ""] for z in range(1, 6)],
    "Job Zones.xlsx": [[CODE, "Title", "Job Zone", "Date", "Domain Source"]] + [
        [code, TITLES[code], str(z), "08/2023", "Analyst"] for code, z in ZONES.items()],
    "Related Occupations.xlsx": [[CODE, "Title", "Related O*NET-SOC Code", "Related Title",
                                  "Relatedness Tier", "Index"],
                                 [SD, TITLES[SD], DS, TITLES[DS], "Primary-Short", "1"],
                                 [SD, TITLES[SD], CISM, TITLES[CISM], "Primary-Short", "2"],
                                 [DS, TITLES[DS], CIRS, TITLES[CIRS], "Primary-Long", "1"],
                                 [CIRS, TITLES[CIRS], SD, TITLES[SD], "Primary-Short", "1"],
                                 [SEMI, TITLES[SEMI], SD, TITLES[SD], "Supplemental", "3"]],
    "Content Model Reference.xlsx": [["Element ID", "Element Name", "Description"],
                                     ["2.A.1.e", "Mathematics", "Using mathematics to solve problems."],
                                     ["2.B.3.l", "Repairing", "Repairing machines using the needed tools."],
                                     ["2.C.4.a", "Mathematics", "Knowledge of arithmetic, algebra and statistics."]],
    "Technology Skills.xlsx": [[CODE, "Title", "Example", "Commodity Code", "Commodity Title",
                                "Hot Technology", "In Demand"],
                               _tech(SD, "Kubernetes", "Y", "Y"), _tech(SD, "Python", "Y", "Y"),
                               _tech(SD, "C++", "Y", "N"), _tech(DS, "Python", "Y", "Y"),
                               _tech(DS, "PyTorch", "Y", "N"), _tech(DS, "Kubernetes", "Y", "N"),
                               _tech(SEMI, "Kubernetes", "N", "N")],
    "Skills.xlsx": [[CODE, "Title", "Element ID", "Element Name", "Scale ID", "Scale Name",
                     "Data Value", "N", "Standard Error", "Lower CI Bound", "Upper CI Bound",
                     "Recommend Suppress", "Not Relevant", "Date", "Domain Source"]]
    + _rated(SD, "2.A.1.e", "Mathematics", "3.62", "4.12") + _rated(SD, "2.B.3.l", "Repairing", "1.12", "0.5")
    + _rated(DS, "2.A.1.e", "Mathematics", "4.5", "5.25") + _rated(SEMI, "2.B.3.l", "Repairing", "3.75", "3.1"),
    "Knowledge.xlsx": [[CODE, "Title", "Element ID", "Element Name", "Scale ID", "Scale Name",
                        "Data Value", "N", "Standard Error", "Lower CI Bound", "Upper CI Bound",
                        "Recommend Suppress", "Not Relevant", "Date", "Domain Source"]]
    + _rated(DS, "2.C.4.a", "Mathematics", "4.1", "5"),
    "Education, Training, and Experience Categories.xlsx": [
        ["Element ID", "Element Name", "Scale ID", "Scale Name", "Category", "Category Description"],
        ["2.D.1", "Required Level of Education", "RL", "Required Level Of Education", "6", "Bachelor's Degree"],
        ["2.D.1", "Required Level of Education", "RL", "Required Level Of Education", "8", "Master's Degree"],
        ["3.A.1", "Related Work Experience", "RW", "Related Work Experience", "7",
         "Over 2 years, up to and including 4 years"],
        ["3.A.1", "Related Work Experience", "RW", "Related Work Experience", "8",
         "Over 4 years, up to and including 6 years"]],
    "Education, Training, and Experience.xlsx": [
        [CODE, "Title", "Element ID", "Element Name", "Scale ID", "Scale Name", "Category",
         "Data Value", "N", "Standard Error", "Lower CI Bound", "Upper CI Bound",
         "Recommend Suppress", "Date", "Domain Source"],
        [DS, TITLES[DS], "2.D.1", "Required Level of Education", "RL", "RL", "6", "30.5", "20", "", "", "", "N", "08/2023", "Incumbent"],
        [DS, TITLES[DS], "2.D.1", "Required Level of Education", "RL", "RL", "8", "52.25", "20", "", "", "", "N", "08/2023", "Incumbent"],
        [DS, TITLES[DS], "3.A.1", "Related Work Experience", "RW", "RW", "7", "40", "20", "", "", "", "N", "08/2023", "Incumbent"],
        [DS, TITLES[DS], "3.A.1", "Related Work Experience", "RW", "RW", "8", "40", "20", "", "", "", "N", "08/2023", "Incumbent"]],
    "Emerging Tasks.xlsx": [
        [CODE, "Title", "Task", "Category", "Original Task ID", "Original Task", "Date",
         "Domain Source"],
        [SD, TITLES[SD], "Evaluate large language models for use in software products.", "New",
         "", "", "08/2024", "Incumbent"],
        [DS, TITLES[DS], "Monitor deployed machine learning models for drift.", "Revision", "21211",
         "Monitor deployed models.", "07/2023", "Occupational Expert"],
        [SEMI, TITLES[SEMI], "Inspect wafers with automated optical systems.", "New", "", "",
         "08/2024", "Incumbent"]],
}
README = "O*NET 29.2 Database\nFebruary 2025 Release\n---------------------\n"


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    """A one-sheet workbook as Excel writes it: shared strings for text, numbers as values."""
    strings: dict[str, int] = {}
    body = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if value == "":
                continue
            if r > 1 and _is_number(value):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                index = strings.setdefault(value, len(strings))
                cells.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
        body.append(f'<row r="{r}">{"".join(cells)}</row>')
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>{"".join(body)}</sheetData></worksheet>'
    sst = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook {ns}><sheets><sheet name="Sheet1" sheetId="1"/></sheets></workbook>',
        "xl/sharedStrings.xml": f'<?xml version="1.0" encoding="UTF-8"?><sst {ns} count="{len(strings)}">{sst}</sst>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2025, 2, 1, 0, 0, 0))  # same bytes each time
            book.writestr(info, text.encode("utf-8"), zipfile.ZIP_DEFLATED)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_onet(folder: Path = ONET, sheets: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Read Me.txt").write_text(README)
    for name, rows in (sheets or SHEETS).items():
        write_xlsx(folder / name, rows)
    return folder


if __name__ == "__main__":
    print(write_onet())


# -- ESCO ---------------------------------------------------------------------------------------
ESCO = Path(__file__).parent / "data" / "esco"
E = "http://data.europa.eu/esco/"
AI_ENGINEER = E + "occupation/35553663-deab-4d9a-bf22-15c1625d28e8"
DATA_SCIENTIST = E + "occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30"
ISCO_2511, ISCO_251 = E + "isco/C2511", E + "isco/C251"
PYTHON_SKILL = E + "skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
INITIATIVE = E + "skill/001115fb-569f-4ee6-8381-c6807ef2527f"
ESCO_CSV = {
    "occupations_en.csv": [
        ["conceptType", "conceptUri", "iscoGroup", "preferredLabel", "altLabels", "hiddenLabels",
         "status", "modifiedDate", "regulatedProfessionNote", "scopeNote", "definition",
         "inScheme", "description", "code"],
        ["Occupation", AI_ENGINEER, "2511", "artificial intelligence engineer",
         "machine learning engineer\nAI engineer", "", "released", "", "", "", "", "",
         "Artificial intelligence engineers design intelligent programs.", "2511.1"],
        ["Occupation", DATA_SCIENTIST, "2511", "data scientist", "data science specialist", "",
         "released", "", "", "", "", "", "Data scientists find and interpret data.", "2511.4"]],
    "ISCOGroups_en.csv": [
        ["conceptType", "conceptUri", "code", "preferredLabel", "status", "altLabels", "inScheme",
         "description"],
        ["ISCOGroup", ISCO_251, "251", "Software and applications developers and analysts",
         "released", "", "", "They research, analyse and develop software."],
        ["ISCOGroup", ISCO_2511, "2511", "Systems analysts", "released", "", "",
         "Systems analysts evaluate information technology requirements."]],
    "broaderRelationsOccPillar_en.csv": [
        ["conceptType", "conceptUri", "broaderType", "broaderUri"],
        ["ISCOGroup", ISCO_2511, "ISCOGroup", ISCO_251],
        ["Occupation", AI_ENGINEER, "ISCOGroup", ISCO_2511],
        ["Occupation", DATA_SCIENTIST, "ISCOGroup", ISCO_2511]],
    "digitalSkillsCollection_en.csv": [
        ["conceptType", "conceptUri", "preferredLabel", "status", "skillType", "reuseLevel",
         "altLabels", "description", "broaderConceptUri", "broaderConceptPT"],
        ["KnowledgeSkillCompetence", PYTHON_SKILL, "Python (computer programming)", "released",
         "knowledge", "cross-sector", "Python", "Programming in Python.", "", ""]],
    "transversalSkillsCollection_en.csv": [
        ["conceptType", "conceptUri", "skillType", "reuseLevel", "preferredLabel", "status",
         "altLabels", "description", "broaderConceptUri", "broaderConceptPT"],
        ["KnowledgeSkillCompetence", INITIATIVE, "skill/competence", "transversal",
         "show initiative", "released", "take the initiative | be a driving force",
         "Take the first step in an action.", "", ""]],
    "skillSkillRelations_en.csv": [
        ["originalSkillUri", "originalSkillType", "relationType", "relatedSkillType",
         "relatedSkillUri"],
        [PYTHON_SKILL, "knowledge", "optional", "skill/competence", INITIATIVE],
        [PYTHON_SKILL, "knowledge", "optional", "knowledge", E + "skill/not-in-these-files"]],
}
ESCO_PROFILES = [
    {"occupation_uri": AI_ENGINEER, "essential_skills": ["Python (computer programming)", "deep learning"],
     "optional_skills": ["show initiative", "R"], "essential_knowledge": ["deep learning"],
     "transversal_skills": []},
    {"occupation_uri": DATA_SCIENTIST, "essential_skills": ["data mining", "R"],
     "optional_skills": ["Python (computer programming)"], "essential_knowledge": ["data mining"],
     "transversal_skills": []},
]


def write_esco(folder: Path = ESCO, profiles: list[dict] | None = None) -> Path:
    import csv

    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in ESCO_CSV.items():
        with open(folder / name, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
    profiles = profiles if profiles is not None else ESCO_PROFILES
    table = pa.table({k: [p[k] for p in profiles] for k in profiles[0]})
    pq.write_table(table, folder / "esco_occupation_profiles.parquet")
    return folder


if __name__ == "__main__":
    print(write_esco())
