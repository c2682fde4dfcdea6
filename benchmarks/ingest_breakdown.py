"""Where an ingest's time goes beyond the model: the pipeline's calls timed in one run, and how much
Python can run while Chroma writes.

    python benchmarks/ingest_breakdown.py ../shared/bench/realtimeqa-dev/articles.jsonl --articles 300

Ingests the first ``--articles`` articles into a fresh temporary store and prints the seconds
spent in all, in embedding, in Chroma writes (on the writer thread, overlapping the next
batch's embedding), in cleaning and identity (``prepare_article``) and in chunking; then the
same embedded texts encoded raw, as ``ingest_bench.py`` does. Last, ``gil_share``: the share
of its usual speed a pure-Python loop keeps while another thread upserts 2,000 passages into
Chroma (1.0: the write lets Python run; near 0: the write holds the interpreter lock, so no
thread can overlap it with work that needs Python). ``NEWSDESK_EMBEDDING_PRECISION`` applies.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import chromadb
import numpy as np

import ingest.pipeline as pipeline
from assistant.config import Settings
from assistant.services import Services
from assistant.store import ChromaStore
from ingest.loaders import load_sources

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "realtimeqa-dev" / "articles.jsonl"


def timed(owner: Any, name: str, spent: dict[str, float], key: str) -> Callable[..., Any]:
    """Replace ``owner.name`` with a version that adds its wall time to ``spent[key]``; returns the original."""
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[key] = spent.get(key, 0.0) + time.perf_counter() - started

    setattr(owner, name, wrapper)
    return original


def gil_share(seconds: float = 1.0) -> float:
    """The share of a Python loop's speed left while another thread upserts 2,000 passages."""

    def spin(duration: float) -> int:
        n, started = 0, time.perf_counter()
        while time.perf_counter() - started < duration:
            n += 1
        return n

    client = chromadb.PersistentClient(path=tempfile.mkdtemp(prefix="newsdesk-gil-"))
    collection = client.create_collection("gil-check", embedding_function=None)
    documents = [f"passage {i} " + " ".join(str(i * j) for j in range(160)) for i in range(2000)]
    vectors = np.random.default_rng(0).random((2000, 384), dtype=np.float32)

    def write() -> None:
        for i in range(0, 2000, 250):
            collection.upsert(
                ids=[str(j) for j in range(i, i + 250)],
                documents=documents[i : i + 250],
                embeddings=vectors[i : i + 250],
            )

    alone = spin(seconds) / seconds
    writer = threading.Thread(target=write)
    started = time.perf_counter()
    writer.start()
    n = 0
    while writer.is_alive():
        n += spin(0.02)
    return n / (alone * (time.perf_counter() - started))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("articles", nargs="?", default=str(DEFAULT))
    parser.add_argument("--articles", dest="count", type=int, default=300, help="how many articles, from the first")
    args = parser.parse_args()
    items = list(load_sources([args.articles], Settings()))[: args.count]
    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="newsdesk-breakdown-")))
    services = Services(settings)
    model = services.embeddings()
    model.encode(["warm up"])

    spent: dict[str, float] = {}
    embedded: list[str] = []
    raw_encode = timed(model, "encode", spent, "embedding_s")
    timed_encode = model.encode

    def encode(batch: list[str]) -> np.ndarray:
        embedded.extend(batch)  # the very texts the pipeline embedded, for the raw pass below
        return timed_encode(batch)

    setattr(model, "encode", encode)  # noqa: B010 (an instance attribute in front of the method)
    timed(ChromaStore, "write_articles", spent, "chroma_writes_s")
    timed(pipeline, "prepare_article", spent, "cleaning_and_identity_s")
    timed(pipeline.Ingestor, "_split", spent, "chunking_s")
    started = time.perf_counter()
    summary = pipeline.Ingestor(services.store, services.embeddings, settings).ingest(items)
    total = time.perf_counter() - started

    started = time.perf_counter()
    for i in range(0, len(embedded), 256):
        raw_encode(embedded[i : i + 256])
    raw = time.perf_counter() - started
    report = {
        "articles": summary.added,
        "chunks": summary.chunks,
        "precision": settings.embedding_precision,
        "total_s": round(total, 2),
        **{key: round(value, 2) for key, value in sorted(spent.items())},
        "raw_encode_s": round(raw, 2),
        "pipeline_to_raw_ratio": round(raw / total, 3),
        "gil_share": round(gil_share(), 2),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
