"""The baseline: the RAG the LangChain tutorial builds, scored by newsdesk's own scorer.

    python benchmarks/naive_rag.py ../shared/bench/realtimeqa-dev [--keep DIR] [--with-newsdesk]

RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200) over the raw article
text, all-MiniLM-L6-v2 into Chroma (LangChain's integration), plain similarity top-k;
and BM25 alone over the same chunks. Recall is computed by ``assistant.evaluation``,
the code behind ``newsdesk eval``; ``--with-newsdesk`` runs newsdesk's evaluation in the
same process so both rows come from one run.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import bm25s
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.config import Settings
from assistant.embeddings import get_embeddings
from assistant.evaluation import QuestionOutcome, hit_rank, read_jsonl, run_eval, summarize

K = 10


def build_store(articles: list[dict], directory: Path) -> tuple[Chroma, list[Document], float]:
    """Split and index the articles as the tutorial does (reusing an index already built in ``directory``)."""
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    docs = splitter.split_documents(
        [
            Document(page_content=a["text"], metadata={"title": a.get("title") or "", "url": a.get("url") or ""})
            for a in articles
        ]
    )
    store = Chroma(collection_name="naive", embedding_function=get_embeddings(), persist_directory=str(directory))
    started = time.perf_counter()
    if store._collection.count() != len(docs):
        store.reset_collection()
        for i in range(0, len(docs), 512):
            store.add_documents(docs[i : i + 512], ids=[str(n) for n in range(i, min(i + 512, len(docs)))])
    return store, docs, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--keep", type=Path, help="where to keep the baseline's Chroma (reused on later runs)")
    parser.add_argument("--with-newsdesk", action="store_true", help="also run newsdesk eval in this process")
    parser.add_argument("--data-dir", type=Path, help="newsdesk's data dir for --with-newsdesk")
    args = parser.parse_args()

    articles = read_jsonl(args.folder / "articles.jsonl")
    questions = read_jsonl(args.folder / "questions.jsonl")
    directory = args.keep or Path(tempfile.mkdtemp(prefix="naive-rag-"))
    store, docs, ingest_s = build_store(articles, directory)

    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize([d.page_content for d in docs], stopwords="en", show_progress=False), show_progress=False
    )

    dense, lexical = [], []
    store.similarity_search("warm up", k=K)
    for q in questions:
        t0 = time.perf_counter()
        found = store.similarity_search(q["question"], k=K)
        latency = (time.perf_counter() - t0) * 1000
        gold = str(q["answer"])
        answerable = bool(q.get("answerable", True))
        dense.append(
            QuestionOutcome(
                q["id"], answerable, hit_rank([d.page_content for d in found], gold), "", False, False, latency
            )
        )
        ids, _ = retriever.retrieve(
            bm25s.tokenize([q["question"]], stopwords="en", show_progress=False), k=K, show_progress=False
        )
        lexical.append(
            QuestionOutcome(
                q["id"], answerable, hit_rank([docs[int(i)].page_content for i in ids[0]], gold), "", False, False, 0.0
            )
        )

    dense_row: dict[str, Any] = {
        **summarize(dense),
        "recall@4": round(
            sum(1 for o in dense if o.answerable and o.hit_rank and o.hit_rank <= 4)
            / max(1, sum(o.answerable for o in dense)),
            4,
        ),
        "chunks": len(docs),
        "ingest_seconds": round(ingest_s, 1),
    }
    bm25_row: dict[str, Any] = summarize(lexical)
    for row in (dense_row, bm25_row):  # no answerer: these two figures mean nothing here
        row.pop("answer_accuracy", None)
        row.pop("refusal_rate_unanswerable", None)
    report: dict[str, Any] = {"naive_dense": dense_row, "naive_bm25": bm25_row}
    if args.with_newsdesk:
        settings = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
        newsdesk = run_eval(args.folder, settings)
        newsdesk.pop("questions")
        report["newsdesk"] = newsdesk
        base = dense_row["recall@5"]
        report["recall@5_ratio_vs_naive"] = round(newsdesk["recall@5"] / base, 3) if base else None
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
