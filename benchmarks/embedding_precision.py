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
    model = SentenceTransformerEmbeddings("all-MiniLM-L6-v2")
    rows: list[dict[str, float]] = []
    for size, pool in ((1, sentences), (2, sentences), (4, sentences), (11, sentences), (64, passages)):
        repeat = max(2, args.repeat // 4) if size == 64 else args.repeat
        batches = [pool[(i * size) % len(pool) :][:size] for i in range(repeat)]
        batches = [b for b in batches if len(b) == size] or [pool[:size]]  # a small corpus: fewer texts
        row: dict[str, float] = {"texts": len(batches[0])}
        vectors = {}
        for name, bfloat16 in (("float32", False), ("bfloat16", True)):
            # Straight to the model pass newsdesk uses, in the precision named, at every size
            # (newsdesk's "auto" uses bfloat16 from BF16_MIN_TEXTS texts up, never for passages).
            def run(texts: list[str], bfloat16: bool = bfloat16) -> np.ndarray:
                return model._encode(texts, model._threads, bfloat16)

            run(batches[0])  # warm up
            started = time.perf_counter()
            for batch in batches:
                run(batch)
            row[f"{name}_ms"] = round((time.perf_counter() - started) / len(batches) * 1000, 1)
            vectors[name] = np.concatenate([run(batch) for batch in batches[:3]])
        cosine = (vectors["float32"] * vectors["bfloat16"]).sum(axis=1)
        row["speedup"] = round(row["float32_ms"] / row["bfloat16_ms"], 2)
        row["min_cosine"] = round(float(cosine.min()), 6)
        rows.append(row)
    report = {"native_bfloat16": native_bfloat16(), "batches": rows}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
