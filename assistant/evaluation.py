"""``newsdesk eval``: recall and answer accuracy on a news QA set, scored as its README defines.

A folder holds ``articles.jsonl`` and ``questions.jsonl`` (``id``, ``question``,
``asked_on``, ``choices``, ``answer``, ``answerable``). The articles go into a
collection of the folder's own (re-runs find them unchanged and skip the work); every
question is asked with ``as_of`` = its ``asked_on``. The quiz's ``answer`` and
``choices`` are read only to score what came back, never while answering.

Metrics, over the answerable questions: recall@k, a retrieved passage among the top k
contains the answer as a whole word; answer accuracy, the answer text contains the
correct choice and none of the others. Latency is wall time per question in a warm
process.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.services import Services
from ingest.pipeline import index_signature

RECALL_AT = (1, 5, 10)


def contains_word(text: str, needle: str) -> bool:
    """Case-insensitive whole-word match: ``(?<!\\w)NEEDLE(?!\\w)``."""
    return bool(re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", text, re.IGNORECASE))


def hit_rank(passages: Sequence[str], answer: str) -> int | None:
    """1-based rank of the first passage containing the answer, or None."""
    for rank, text in enumerate(passages, start=1):
        if contains_word(text, answer):
            return rank
    return None


def is_correct(answer_text: str, answer: str, choices: Sequence[str]) -> bool:
    """The answer names the correct choice and none of the other choices."""
    if not contains_word(answer_text, answer):
        return False
    return not any(contains_word(answer_text, c) for c in choices if c != answer and c.strip())


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linear interpolation."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class QuestionOutcome:
    """What one question got."""

    id: str
    answerable: bool
    hit_rank: int | None
    answer: str
    correct: bool
    refused: bool
    latency_ms: float


def summarize(outcomes: Sequence[QuestionOutcome]) -> dict[str, Any]:
    """The headline metrics from per-question outcomes (shared with the baseline benchmark)."""
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    n = len(answerable) or 1
    latencies = [o.latency_ms for o in outcomes]
    summary: dict[str, Any] = {"n_questions": len(outcomes), "n_answerable": len(answerable)}
    for k in RECALL_AT:
        summary[f"recall@{k}"] = round(sum(1 for o in answerable if o.hit_rank and o.hit_rank <= k) / n, 4)
    summary["answer_accuracy"] = round(sum(o.correct for o in answerable) / n, 4)
    summary["refusal_rate_unanswerable"] = round(sum(o.refused for o in unanswerable) / (len(unanswerable) or 1), 4)
    summary["latency_ms"] = {"p50": round(percentile(latencies, 50), 1), "p95": round(percentile(latencies, 95), 1)}
    return summary


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Records of a JSON-lines file."""
    if not path.is_file():
        raise ConfigError(f"{str(path)!r} not found: an eval folder holds articles.jsonl and questions.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def eval_collection(folder: Path, settings: Settings) -> str:
    """The collection an eval folder gets: its name plus what changes the index."""
    key = f"{folder.resolve()}|{settings.embedding_model}|{index_signature(settings)}"
    slug = re.sub(r"[^a-z0-9]+", "-", folder.resolve().name.lower()).strip("-")[:40] or "eval"
    return f"eval-{slug}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"


def eval_settings(folder: Path, settings: Settings) -> Settings:
    """``settings`` pointed at the collection of an eval folder (what ``newsdesk eval`` ingests into)."""
    return settings.model_copy(update={"collection": eval_collection(folder, settings)})


def config_report(settings: Settings, answerer: str) -> dict[str, Any]:
    """The settings that shape the figures."""
    keys = (
        "embedding_model",
        "chunk_words",
        "chunk_max_words",
        "chunk_overlap_words",
        "embed_header",
        "k",
        "candidates",
        "dense_weight",
        "lexical_weight",
        "rrf_k",
        "time_filter",
        "min_relevance",
        "min_coverage",
        "min_sentence_relevance",
        "extractive_sentences",
        "extractive_headline",
        "llm_model",
    )
    report = {key: getattr(settings, key) for key in keys}
    report["answerer"] = answerer
    return report


def run_eval(
    folder: Path,
    settings: Settings,
    answerer: str | None = None,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Ingest (or reuse) the folder's articles, ask every question, and score the answers."""
    from assistant.chain import answer as ask

    questions = read_jsonl(folder / "questions.jsonl")[:limit]
    articles_path = folder / "articles.jsonl"
    if not articles_path.is_file():
        raise ConfigError(f"{str(articles_path)!r} not found: an eval folder holds articles.jsonl and questions.jsonl")
    services = Services(eval_settings(folder, settings))
    started = time.perf_counter()
    summary = services.ingest([str(articles_path)])
    ingest_seconds = time.perf_counter() - started
    records = services.store.list_articles()
    name = answerer or settings.default_answerer
    k = max(RECALL_AT[-1], settings.k)
    ask("warm-up question about the news", services=services, answerer=name, k=k)  # load models, build indexes

    outcomes: list[QuestionOutcome] = []
    for i, q in enumerate(questions, start=1):
        t0 = time.perf_counter()
        result = ask(q["question"], as_of=q.get("asked_on"), services=services, answerer=name, k=k)
        latency = (time.perf_counter() - t0) * 1000
        gold, choices = str(q.get("answer", "")), [str(c) for c in q.get("choices", [])]
        outcomes.append(
            QuestionOutcome(
                id=str(q.get("id", i)),
                answerable=bool(q.get("answerable", True)),
                hit_rank=hit_rank([p.quote for p in result.passages], gold) if gold else None,
                answer=result.answer,
                correct=bool(gold) and is_correct(result.answer, gold, choices),
                refused=result.refused,
                latency_ms=latency,
            )
        )
        if progress:
            progress(i, len(questions))
    report = summarize(outcomes)
    report["ingest"] = {
        "articles": len(records),
        "chunks": sum(r.chunk_count for r in records),
        "seconds": round(ingest_seconds, 2),
        "reused": summary.added == 0 and summary.updated == 0,
        "failed": len(summary.failed),
        "failures": list(summary.failed),  # which records, and why (the ingest's own words)
    }
    report["config"] = config_report(services.settings, name)
    report["questions"] = [
        {
            "id": o.id,
            "hit_rank": o.hit_rank,
            "answer": o.answer,
            "correct": o.correct,
            "latency_ms": round(o.latency_ms, 1),
        }
        for o in outcomes
    ]
    return report
