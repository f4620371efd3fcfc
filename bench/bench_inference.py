"""What materialising the entailments (kg/releasing/inference.py) costs, as the graph grows.

For the asserted release and for synthetic graphs of N triples (the TBox plus generated roles,
each requiring 40 of the skills through the sub-properties, skills typed with subclasses,
progressions stated as ail:progressesFrom), the time of ``kg.releasing.inference.entail`` over the
whole graph (what the build pays), and of adding 1,000 user triples to the entailed graph
in a store (``entail_store``, what ``--with`` pays), median of --repeat runs, plus how many
triples each derives.

    .venv/bin/python bench/bench_inference.py [--sizes 100000 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

from kg.releasing.inference import entail, entail_store

ROOT = Path(__file__).resolve().parent.parent

AIL = "https://w3id.org/ai-leadership-kg/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
KINDS = ["ProgrammingLanguage", "MLFramework", "AITechnique", "InfrastructureSkill", "SoftSkill"]


def node(name: str) -> ox.NamedNode:
    return ox.NamedNode(AIL + name)


def tbox() -> list[ox.Triple]:
    quads = ox.parse(path=str(ROOT / "ontology" / "ai_leadership.ttl"), format=ox.RdfFormat.TURTLE)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


def synthetic(size: int, seed: int = 7) -> list[ox.Triple]:
    """The TBox plus roles and skills until ``size`` triples."""
    rng = random.Random(seed)
    triples = tbox()
    skills = [node(f"GenSkill{i}") for i in range(2000)]
    triples += [ox.Triple(s, RDF_TYPE, node(rng.choice(KINDS))) for s in skills]
    role = 0
    while len(triples) < size:
        r = node(f"GenRole{role}")
        triples.append(ox.Triple(r, RDF_TYPE, node("Role")))
        for s in rng.sample(skills, 40):
            prop = "requiresEssentialSkill" if rng.random() < 0.7 else "requiresPreferredSkill"
            triples.append(ox.Triple(r, node(prop), s))
        if role:
            triples.append(ox.Triple(r, node("progressesFrom"), node(f"GenRole{rng.randrange(role)}")))
        role += 1
    return triples


def asserted_release() -> list[ox.Triple]:
    quads = ox.parse(path=str(ROOT / "release" / "ai_leadership-asserted.nt"),
                     format=ox.RdfFormat.N_TRIPLES)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


def timed(func, repeat: int, setup=lambda: None) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        state = setup()
        start = time.perf_counter()
        result = func(state)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def measure(label: str, triples: list[ox.Triple], repeat: int) -> None:
    seconds, derived = timed(lambda _: entail(triples), repeat)
    added = [ox.Quad(node(f"UserRole{i // 20}"), node("requiresEssentialSkill"),
                     node(f"GenSkill{i % 2000}")) for i in range(1000)]

    def store():  # the entailed graph plus the user's triples, as kg.load(extra=...) has it
        memory = ox.Store()
        memory.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples + derived)
        memory.extend(added)
        return memory

    more, extra = timed(lambda memory: entail_store(memory, added), repeat, store)
    print(f"{label:>22}  {len(triples):>9,} asserted  +{len(derived):>9,} entailed  "
          f"entail {seconds * 1000:9.1f} ms   +1,000 user triples (entail_store) "
          f"{more * 1000:7.1f} ms (+{extra:,})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    measure("release (asserted)", asserted_release(), args.repeat)
    for size in args.sizes:
        measure(f"synthetic {size:,}", synthetic(size), args.repeat)


if __name__ == "__main__":
    main()
