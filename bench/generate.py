"""Write a large user file in the project's vocabulary, the same for the same seed.

Shaped like the O*NET conversion of issue 10 (923 roles, 8,756 skills, 6,666 progression links,
106,477 triples): roles on seven seniority levels, each progressing to one or more roles of the
next one or two levels (the top level progresses nowhere) and requiring 20-50 skills, always at
least one its source roles do not; every role and skill with a label, an alternative label, a
definition and a source section of the file's own source document. The file passes every check,
so it measures the checks' cost, not their error path.

    python bench/generate.py --triples 106000 --seed 1 -o /tmp/user-106k.ttl
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

PREFIXES = """@prefix ail: <https://w3id.org/ai-leadership-kg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix gen: <https://example.org/generated#> .

gen:Doc a owl:NamedIndividual , ail:SourceDocument ;
    rdfs:label "Generated occupations"@en ;
    skos:definition "A synthetic description of occupations, written by bench/generate.py."@en .
gen:Sec a owl:NamedIndividual , ail:SourceSection ;
    rdfs:label "Generated occupations: roles and skills"@en ;
    skos:definition "The part of the synthetic description that lists roles and skills."@en ;
    dcterms:isPartOf gen:Doc .
"""
SKILL_KINDS = ("ProgrammingLanguage", "MLFramework", "AITechnique", "InfrastructureSkill",
               "SoftwareEngineeringSkill", "SoftSkill", "BusinessSkill")
STAGES = ("StageEntryLevel", "StageMidLevel", "StageSenior", "StageLeadership", "StageExecutive")
TRACKS = ("TrackEngineering", "TrackGenerativeAI")
LEVELS = 7
# Triples per role and per skill, as written below (for sizing): a role has 9 statements plus
# its links and skills; a skill has 6.
ROLE_FIXED, SKILL_FIXED, LINKS, SKILLS_PER_ROLE = 9, 6, 6.0, 35
SKILLS_PER_ROLE_COUNT = 9.5


def sizes(triples: int) -> tuple[int, int]:
    """(roles, skills) for about ``triples`` triples, in the O*NET file's proportions."""
    per_role = ROLE_FIXED + LINKS + SKILLS_PER_ROLE + SKILL_FIXED * SKILLS_PER_ROLE_COUNT
    roles = max(LEVELS * 2, round(triples / per_role))
    return roles, max(60, round(roles * SKILLS_PER_ROLE_COUNT))


def generate(triples: int, seed: int) -> str:
    rng = random.Random(seed)
    n_roles, n_skills = sizes(triples)
    out = [PREFIXES]
    for i in range(n_skills):
        out.append(
            f"gen:S{i} a owl:NamedIndividual , ail:{SKILL_KINDS[i % len(SKILL_KINDS)]} ;\n"
            f'    rdfs:label "Generated skill {i}"@en ; skos:altLabel "GS-{i}"@en ;\n'
            f'    skos:definition "Synthetic skill number {i}."@en ; dcterms:source gen:Sec .\n')
    levels = [1 + (i * LEVELS) // n_roles for i in range(n_roles)]
    by_level: dict[int, list[int]] = {}
    for i, level in enumerate(levels):
        by_level.setdefault(level, []).append(i)
    skills = [set(rng.sample(range(n_skills), rng.randint(20, 50))) for _ in range(n_roles)]
    links: dict[int, list[int]] = {}
    for i, level in enumerate(levels):
        if level == LEVELS:
            continue
        pool = by_level[level + 1] + by_level.get(level + 2, [])
        links[i] = sorted(set(rng.sample(pool, min(len(pool), rng.randint(1, 13)))))
        for j in links[i]:  # each step asks for something new
            if skills[j] <= skills[i]:
                skills[j].add(next(s for s in range(n_skills) if s not in skills[i]))
    for i, level in enumerate(levels):
        stage = STAGES[min(len(STAGES) - 1, (level - 1) * len(STAGES) // LEVELS)]
        body = (f"gen:R{i} a owl:NamedIndividual , ail:Role ;\n"
                f'    rdfs:label "Generated role {i}"@en ; skos:altLabel "GR-{i}"@en ;\n'
                f'    skos:definition "Synthetic role number {i}, at level {level}."@en ;\n'
                f"    ail:seniorityLevel {level} ; ail:careerStage ail:{stage} ; "
                f"ail:onTrack ail:{TRACKS[i % 2]} ;\n")
        if links.get(i):
            body += "    ail:progressesTo " + " , ".join(f"gen:R{j}" for j in links[i]) + " ;\n"
        ordered = sorted(skills[i])
        essential, preferred = ordered[: len(ordered) * 2 // 3], ordered[len(ordered) * 2 // 3:]
        body += ("    ail:requiresEssentialSkill " + " , ".join(f"gen:S{s}" for s in essential)
                 + " ;\n    ail:requiresPreferredSkill " + " , ".join(f"gen:S{s}" for s in preferred)
                 + " ;\n    dcterms:source gen:Sec .\n")
        out.append(body)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=106_000, help="about how many triples")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.triples < 1:
        parser.error("--triples must be positive")
    text = generate(args.triples, args.seed)
    tmp = args.output.with_name(args.output.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.output)
    import pyoxigraph as ox

    count = sum(1 for _ in ox.parse(path=str(args.output), format=ox.RdfFormat.TURTLE))
    print(f"{args.output}: {count} triples", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
