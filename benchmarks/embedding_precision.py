"""Embedding speed and agreement: float32 against bfloat16 autocast, at the batch sizes newsdesk uses.

    python benchmarks/embedding_precision.py [../shared/bench/realtimeqa-dev] [--repeat 20]

Prints, for batches of 1, 2, 4 and 11 sentences (a question; an ask's question and its ten
shortlisted sentences) and of 64 passages (an ingest batch), the milliseconds per batch in
float32 and in bfloat16, and how far the bfloat16 vectors are from the float32 ones (the
lowest cosine similarity between the two vectors of one text). Sentences and passages come
from the bench articles when the folder is given, else from the example articles. Run it on
an otherwise idle machine: it times one process on all cores.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

import numpy as np

from assistant.embeddings import SentenceTransformerEmbeddings, native_bfloat16
from assistant.evaluation import read_jsonl
from ingest.loaders import load_sources

ROOT = Path(__file__).resolve().parents[1]


def texts_from(folder: Path | None) -> list[str]:
    """Article texts: the bench's articles.jsonl, else the examples."""
    if folder is not None:
        return [str(row["text"]) for row in read_jsonl(folder / "articles.jsonl")]
    from assistant.config import Settings

    return [
        item.text for item in load_sources([str(ROOT / "examples" / "articles")], Settings()) if hasattr(item, "text")
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("bench", nargs="?", type=Path, help="a bench folder with articles.jsonl")
    parser.add_argument("--repeat", type=int, default=20, help="batches timed per size")
    args = parser.parse_args()
    articles = texts_from(args.bench)
    sentences = [s for a in articles for s in re.split(r"(?<=[.!?])\s+", a) if 6 <= len(s.split()) <= 60]
    passages = [" ".join(a.split()[:220]) for a in articles if len(a.split()) >= 150]
    models = {p: SentenceTransformerEmbeddings("all-MiniLM-L6-v2", precision=p) for p in ("float32", "bfloat16")}
    report: dict[str, object] = {"native_bfloat16": native_bfloat16(), "batches": []}
    for size, pool in ((1, sentences), (2, sentences), (4, sentences), (11, sentences), (64, passages)):
        repeat = max(2, args.repeat // 4) if size == 64 else args.repeat
        batches = [pool[(i * size) % len(pool) :][:size] for i in range(repeat)]
        batches = [b for b in batches if len(b) == size] or [pool[:size]]  # a small corpus: fewer texts
        row: dict[str, object] = {"texts": len(batches[0])}
        vectors = {}
        for precision, model in models.items():
            # Straight to the model pass newsdesk uses, in the precision asked for (bfloat16 applies
            # to every size here; newsdesk's "auto" uses it from three texts up).
            run = lambda texts, m=model, p=precision: m._encode(texts, m._threads, p == "bfloat16")  # noqa: E731
            run(batches[0])  # warm up
            started = time.perf_counter()
            for batch in batches:
                run(batch)
            row[f"{precision}_ms"] = round((time.perf_counter() - started) / len(batches) * 1000, 1)
            vectors[precision] = np.concatenate([run(batch) for batch in batches[:3]])
        cosine = (vectors["float32"] * vectors["bfloat16"]).sum(axis=1)
        row["speedup"] = round(float(row["float32_ms"]) / float(row["bfloat16_ms"]), 2)  # type: ignore[arg-type]
        row["min_cosine"] = round(float(cosine.min()), 6)
        report["batches"].append(row)  # type: ignore[attr-defined]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
