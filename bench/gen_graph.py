"""A deterministic graph shaped like ours, at any size, as N-Triples.

The shipped release (ontology and individuals) plus generated roles in levels with
progression edges, 20-50 required skills each (essential or preferred) from a typed skill
pool, responsibilities in areas, experience requirements, and salary figures with region,
kind and source. The same ``--triples`` and ``--seed`` always give byte-identical output.

    .venv/bin/python bench/gen_graph.py --triples 100000 -o /tmp/g100k.nt
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AIL = "https://w3id.org/ai-leadership-kg/ontology#"
GEN = "https://example.org/bench/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
DEFINITION = "http://www.w3.org/2004/02/skos/core#definition"
SOURCE = "http://purl.org/dc/terms/source"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKILL_KINDS = ["ProgrammingLanguage", "MLFramework", "AITechnique", "InfrastructureSkill",
               "SoftwareEngineeringSkill", "SoftSkill", "BusinessSkill"]
WORDS = ["data", "model", "platform", "leadership", "learning", "vision", "pipeline", "risk",
         "strategy", "cloud", "language", "agent", "quality", "search", "privacy", "scale"]
#: about this many triples per generated role (skills, responsibilities, figures included)
TRIPLES_PER_ROLE = 64


def _iri(name: str) -> str:
    return f"<{GEN}{name}>"


def _ail(name: str) -> str:
    return f"<{AIL}{name}>"


def _text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"@en'


def _int(value: int) -> str:
    return f'"{value}"^^<{XSD}integer>'


def generate(triples: int, seed: int = 42):
    """Yield N-Triples lines: the release, then generated data up to about ``triples``."""
    release = (ROOT / "release" / "ai_leadership.nt").read_text(encoding="utf-8").splitlines()
    yield from release
    rng = random.Random(seed)
    roles = max(10, (triples - len(release)) // TRIPLES_PER_ROLE)
    levels = max(3, min(20, roles // 5))
    skills = max(200, roles * 2)
    for s in range(skills):
        iri = _iri(f"skill/{s}")
        words = " ".join(rng.sample(WORDS, 2))
        yield f"{iri} <{RDF_TYPE}> {_ail(rng.choice(SKILL_KINDS))} ."
        yield f"{iri} <{LABEL}> {_text(f'Skill {s} {words}')} ."
        if s % 3 == 0:
            yield f"{iri} <{ALT}> {_text(f'S{s} {words}')} ."
        yield f"{iri} <{DEFINITION}> {_text(f'What skill {s} means, about {words}.')} ."
    areas = [_iri(f"area/{a}") for a in range(12)]
    for a, area in enumerate(areas):
        yield f"{area} <{RDF_TYPE}> {_ail('ResponsibilityArea')} ."
        yield f"{area} <{LABEL}> {_text(f'Area {a}')} ."
    regions = [_iri(f"region/{r}") for r in range(20)]
    for r, region in enumerate(regions):
        yield f"{region} <{RDF_TYPE}> {_ail('Region')} ."
        yield f"{region} <{LABEL}> {_text(f'Region {r}')} ."
    by_level = [[] for _ in range(levels)]
    for r in range(roles):
        by_level[r * levels // roles].append(r)
    for level, members in enumerate(by_level):
        for r in members:
            yield from _role(rng, r, level, by_level, skills, areas, regions)


def _role(rng, r: int, level: int, by_level, skills: int, areas, regions):
    iri = _iri(f"role/{r}")
    yield f"{iri} <{RDF_TYPE}> {_ail('Role')} ."
    yield f"{iri} <{LABEL}> {_text(f'Role {r} level {level}')} ."
    yield f"{iri} <{AIL}seniorityLevel> {_int(level + 1)} ."
    yield f"{iri} <{SOURCE}> {_ail('SectionCareerPath')} ."
    if level + 1 < len(by_level):
        for nxt in rng.sample(by_level[level + 1], min(2, len(by_level[level + 1]))):
            yield f"{iri} <{AIL}progressesTo> {_iri(f'role/{nxt}')} ."
    held = rng.sample(range(skills), rng.randint(20, 50))
    for i, s in enumerate(held):
        kind = "requiresEssentialSkill" if i % 3 else "requiresPreferredSkill"
        yield f"{iri} <{AIL}{kind}> {_iri(f'skill/{s}')} ."
    for k in range(3):
        duty = _iri(f"role/{r}/duty/{k}")
        yield f"{iri} <{AIL}hasResponsibility> {duty} ."
        yield f"{duty} <{RDF_TYPE}> {_ail('Responsibility')} ."
        yield f"{duty} <{LABEL}> {_text(f'Duty {k} of role {r}')} ."
        yield f"{duty} <{AIL}inResponsibilityArea> {rng.choice(areas)} ."
    need = _iri(f"role/{r}/experience")
    yield f"{iri} <{AIL}requiresExperience> {need} ."
    yield f"{need} <{RDF_TYPE}> {_ail('ExperienceRequirement')} ."
    yield f"{need} <{LABEL}> {_text(f'Experience for role {r}')} ."
    yield f"{need} <{AIL}minimumYears> {_int(level + rng.randint(0, 3))} ."
    figure = _iri(f"role/{r}/salary")
    yield f"{figure} <{RDF_TYPE}> {_ail('SalaryFigure')} ."
    yield f"{figure} <{LABEL}> {_text(f'Salary of role {r}')} ."
    yield f"{figure} <{AIL}value> {_int(60000 + 9000 * level + rng.randint(0, 20000))} ."
    yield f"{figure} <{AIL}currency> \"USD\" ."
    yield f"{figure} <{AIL}statisticKind> {_ail('KindMedian')} ."
    yield f"{figure} <{AIL}inRegion> {rng.choice(regions)} ."
    yield f"{figure} <{AIL}measures> {iri} ."
    yield f"{figure} <{SOURCE}> {_ail('SectionSalaryRanges')} ."


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000, help="about this many")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    with open(args.output, "w", encoding="utf-8") as out:
        count = 0
        for line in generate(args.triples, args.seed):
            out.write(line + "\n")
            count += 1
    print(f"{args.output}: {count} triples", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
