"""Ingest throughput on a real corpus, against the embedding model's raw encode speed.

    python benchmarks/ingest_bench.py [ARTICLES.jsonl] [--keep DIR]

Prints, from one run: articles/s and chunks/s of a first ingest into an empty store;
the model's raw encode throughput on the very same embedded texts (so the ratio shows
what the pipeline adds: loading, cleaning, chunking, Chroma writes); and the time to
re-ingest the unchanged corpus.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from assistant.config import Settings
from assistant.services import Services
from ingest.articles import Article, prepare_article
from ingest.chunking import split_article
from ingest.loaders import load_sources
from ingest.pipeline import embedding_text, index_signature

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "realtimeqa-dev" / "articles.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("articles", nargs="?", default=str(DEFAULT))
    parser.add_argument("--keep", help="data dir to use (kept afterwards); default a temporary one")
    args = parser.parse_args()
    data_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="newsdesk-bench-"))
    settings = Settings(data_dir=data_dir)
    services = Services(settings)
    model = services.embeddings()  # loaded before timing: both figures exclude the load
    model.encode(["warm up"])

    started = time.perf_counter()
    first = services.ingest([args.articles])
    first_s = time.perf_counter() - started

    # The same texts the pipeline embedded, encoded raw, in the same batch size.
    signature = index_signature(settings)
    texts = []
    for item in load_sources([args.articles], settings):
        if isinstance(item, Article):
            article = prepare_article(item, signature)
            for chunk in split_article(
                article.text, settings.chunk_words, settings.chunk_max_words, settings.chunk_overlap_words
            ):
                texts.append(embedding_text(article, chunk, settings.embed_header))
    started = time.perf_counter()
    for i in range(0, len(texts), 256):
        model.encode(texts[i : i + 256])
    raw_s = time.perf_counter() - started

    started = time.perf_counter()
    again = services.ingest([args.articles])
    again_s = time.perf_counter() - started

    articles = first.added + first.updated
    report = {
        "articles": articles,
        "chunks": first.chunks,
        "failed": len(first.failed),
        "first_ingest_s": round(first_s, 2),
        "articles_per_s": round(articles / first_s, 2),
        "chunks_per_s": round(first.chunks / first_s, 2),
        "raw_encode_chunks_per_s": round(len(texts) / raw_s, 2),
        "pipeline_to_raw_ratio": round((first.chunks / first_s) / (len(texts) / raw_s), 3),
        "reingest_s": round(again_s, 2),
        "reingest_unchanged": again.unchanged,
        "reingest_share_of_first": round(again_s / first_s, 4),
        "data_dir": str(data_dir),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
