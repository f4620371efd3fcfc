"""Benchmark the skill-path search on synthetic ladders and the ``aikg path`` process.

    .venv/bin/python bench/bench_paths.py                 # 1k, 10k, 100k roles
    .venv/bin/python bench/bench_paths.py --sizes 1000 --queries 10 --runs 3
    .venv/bin/python bench/bench_paths.py --sizes 10000 --rows   # no RDF: seconds to set up

Synthetic ladder: N roles in 20 levels; each role progresses to 2-3 roles of the next level;
each requires 50-100 skills out of a pool of 2,000 (about 60% taken over from one of the
roles that lead to it, the rest drawn at random), 70% of them essential; every role asks
for 2 + level/2 years. Up to 10k roles the ladder goes through RDF: N-Triples loaded into
pyoxigraph, projected with the named queries (kg.paths.answers.project). At 100k roles that would
be ~7.5M skill triples, so the projection is built from the same rows directly
(kg.paths.answers.build_projection) and only the search is timed there.

Each query goes from a random level-1 role to a random top-level role it can reach, ranked
by skills, with the default label budget (kg.paths.answers.DEFAULT_MAX_LABELS); the report says how
many answers were proven optimal and, for the others, the bound they came with.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT)) if str(ROOT) not in sys.path else None  # noqa: E501  (run from a checkout)

from kg.paths import answers as paths  # noqa: E402

AIL = "https://w3id.org/ai-leadership-kg/ontology#"
LEVELS, POOL = 20, 2000


def ladder_rows(n: int, seed: int = 7):
    """Rows shaped like role-progression.rq and skills-for-role.rq for a synthetic ladder."""
    rng = random.Random(seed)
    width = n // LEVELS
    levels = [[f"{AIL}R{i}_{j}" for j in range(width)] for i in range(LEVELS)]
    progression, skills, held = [], [], {}
    parents: dict[str, list[str]] = {}
    for i, layer in enumerate(levels):
        for role in layer:
            nexts = rng.sample(levels[i + 1], rng.randint(2, 3)) if i + 1 < LEVELS else []
            base = {"role": role, "roleLabel": role.rsplit("#", 1)[1], "level": i + 1,
                    "years": 2 + i // 2}
            progression += [dict(base, next=n_) for n_ in nexts] or [base]
            for n_ in nexts:
                parents.setdefault(n_, []).append(role)
            count = rng.randint(50, 100)
            inherited = set()
            if parents.get(role):
                source = held[rng.choice(parents[role])]
                inherited = set(rng.sample(sorted(source), min(len(source), int(count * 0.6))))
            mine = inherited | set(rng.sample(range(POOL), count - len(inherited)))
            while len(mine) < count:
                mine.add(rng.randrange(POOL))
            held[role] = mine
            skills += [{"role": role, "skill": f"{AIL}S{s}", "skillLabel": f"S{s}",
                        "kind": "Skill", "essential": rng.random() < 0.7} for s in sorted(mine)]
    return levels, progression, skills


def to_ntriples(progression, skills) -> str:
    """The ladder as N-Triples in the project's vocabulary."""
    def iri(x):
        return f"<{x}>"
    typ, lab = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), iri(
        "http://www.w3.org/2000/01/rdf-schema#label")
    integer = "^^<http://www.w3.org/2001/XMLSchema#integer>"
    out, seen, skill_seen = [], set(), set()
    for row in progression:
        r = iri(row["role"])
        if row["role"] not in seen:
            seen.add(row["role"])
            exp = iri(row["role"] + "_exp")
            out += [f"{r} {typ} {iri(AIL + 'Role')} .", f'{r} {lab} "{row["roleLabel"]}"@en .',
                    f'{r} {iri(AIL + "seniorityLevel")} "{row["level"]}"{integer} .',
                    f"{r} {iri(AIL + 'requiresExperience')} {exp} .",
                    f"{exp} {typ} {iri(AIL + 'ExperienceRequirement')} .",
                    f'{exp} {iri(AIL + "minimumYears")} "{row["years"]}"{integer} .']
        if "next" in row:
            out.append(f"{r} {iri(AIL + 'progressesTo')} {iri(row['next'])} .")
    for row in skills:
        s = iri(row["skill"])
        if row["skill"] not in skill_seen:
            skill_seen.add(row["skill"])
            out += [f"{s} {typ} {iri(AIL + 'AITechnique')} .", f'{s} {lab} "{row["skillLabel"]}"@en .']
        prop = "requiresEssentialSkill" if row["essential"] else "requiresPreferredSkill"
        out.append(f"{iri(row['role'])} {iri(AIL + prop)} {s} .")
    return "\n".join(out) + "\n"


def load_store(progression, skills):
    import pyoxigraph as ox

    from kg.graph import KnowledgeGraph
    from kg.store.release import ontology_dir

    store = ox.Store()
    store.bulk_load(path=str(ontology_dir() / "ai_leadership.ttl"), format=ox.RdfFormat.TURTLE)
    store.bulk_load(input=to_ntriples(progression, skills).encode(),
                    format=ox.RdfFormat.N_TRIPLES)
    return KnowledgeGraph(store), len(store)


def bench_size(n: int, queries: int, via_rdf: bool) -> dict:
    import networkx as nx

    levels, progression, skills = ladder_rows(n)
    t0 = time.perf_counter()
    triples = None
    if via_rdf:
        g, triples = load_store(progression, skills)
        t1 = time.perf_counter()
        graph = paths.project(g)
    else:
        t1 = time.perf_counter()
        graph = paths.build_projection(progression, skills)
    t2 = time.perf_counter()
    paths._index(graph)  # integer index, built once per projection
    t3 = time.perf_counter()
    rng = random.Random(11)
    times, exact, gaps = [], 0, []
    for _ in range(queries):
        source = rng.choice(levels[0])
        reach = nx.descendants(graph, source)
        target = rng.choice([r for r in levels[-1] if r in reach])
        start = time.perf_counter()
        result = paths.shortest_paths(graph, source, target)
        times.append(time.perf_counter() - start)
        if result.exact:
            exact += 1
        else:
            gaps.append(result.bound.found - result.bound.lower_bound)
    return {
        "roles": n, "triples": triples, "skill_rows": len(skills),
        "load_s": (t1 - t0) if via_rdf else None, "project_s": t2 - t1, "index_s": t3 - t2,
        "median_ms": statistics.median(times) * 1000, "max_ms": max(times) * 1000,
        "queries": queries, "exact": exact,
        "gap_median": statistics.median(gaps) if gaps else None,
        "gap_max": max(gaps) if gaps else None,
    }


def bench_process(runs: int) -> tuple[float, list[float]]:
    command = [str(ROOT / ".venv" / "bin" / "aikg"), "path", "Junior AI Engineer", "Head of AI"]
    subprocess.run(command, check=True, capture_output=True)  # warm-up
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
    return statistics.median(walls), walls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--runs", type=int, default=7, help="aikg path process runs")
    parser.add_argument("--rows", action="store_true",
                        help="build every ladder from rows, without RDF (same ladder, same "
                             "queries; only the set-up is faster)")
    args = parser.parse_args()
    print(f"label budget per search: {paths.DEFAULT_MAX_LABELS}")
    print("| roles | triples | skill rows | load | project | query median | query max "
          "| proven optimal | bound gap (median / max) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for n in args.sizes:
        r = bench_size(n, args.queries, via_rdf=n <= 10_000 and not args.rows)
        load = f"{r['load_s']:.2f} s" if r["load_s"] is not None else "(rows)"
        gap = "-" if r["gap_median"] is None else f"{r['gap_median']} / {r['gap_max']} skills"
        triples = f"{r['triples']:,}" if r["triples"] else "-"
        print(f"| {n:,} | {triples} | {r['skill_rows']:,} | {load} | "
              f"{r['project_s']:.2f} s | {r['median_ms']:.1f} ms | {r['max_ms']:.1f} ms | "
              f"{r['exact']}/{r['queries']} | {gap} |", flush=True)
    median, walls = bench_process(args.runs)
    print(f"\naikg path \"Junior AI Engineer\" \"Head of AI\": median {median * 1000:.0f} ms "
          f"over {args.runs} runs after a warm-up ({', '.join(f'{w*1000:.0f}' for w in walls)} ms)")


if __name__ == "__main__":
    main()
