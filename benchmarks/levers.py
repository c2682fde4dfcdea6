"""Retrieval levers, measured one at a time on an eval folder already ingested by ``newsdesk eval``.

    python benchmarks/levers.py ../shared/bench/realtimeqa-dev [--data-dir DIR] [--answers]

Each row is the default configuration with one setting changed; recall@k is scored by
``assistant.evaluation`` as in ``newsdesk eval``. ``--answers`` also runs the default
answerer for each row (slower) and reports answer accuracy and p50 latency.
"""

from __future__ import annotations

import itertools
import json
import time
from datetime import date
from pathlib import Path
from typing import Any

from eval_folder import eval_folder_parser, eval_folder_settings

from assistant.chain import search
from assistant.config import Settings
from assistant.evaluation import QuestionOutcome, hit_rank, is_correct, read_jsonl, summarize
from assistant.services import Services

VARIANTS: list[tuple[str, dict[str, Any]]] = [
    ("default", {}),
    ("dense only", {"lexical_weight": 0.0}),
    ("lexical only", {"dense_weight": 0.0}),
    ("lexical weight 0.5", {"lexical_weight": 0.5}),
    ("lexical weight 2", {"lexical_weight": 2.0}),
    ("rrf_k 20", {"rrf_k": 20}),
    ("candidates 40", {"candidates": 40}),
    ("no recency boost", {"recency_weight": 0.0}),
    ("recency weight 2", {"recency_weight": 2.0}),
    ("recency half-life 7 days", {"recency_half_life": 7.0}),
    ("recency half-life 14 days", {"recency_half_life": 14.0}),
    ("recency half-life 60 days", {"recency_half_life": 60.0}),
    ("no date filter from 'this week'", {"time_filter": False}),
    ("no date filter, no recency", {"time_filter": False, "recency_weight": 0.0}),
]


def run(folder: Path, settings: Settings, answers: bool) -> dict[str, Any]:
    services = Services(settings)
    questions = read_jsonl(folder / "questions.jsonl")
    outcomes = []
    services.retriever.retrieve("warm up")
    for q in questions:
        as_of = date.fromisoformat(q["asked_on"])
        t0 = time.perf_counter()
        if answers:
            from assistant.chain import answer

            result = answer(q["question"], as_of=as_of, k=10, services=services)
            passages, text, refused = result.passages, result.answer, result.refused
        else:
            passages, text, refused = search(q["question"], k=10, as_of=as_of, services=services).passages, "", False
        latency = (time.perf_counter() - t0) * 1000
        outcomes.append(
            QuestionOutcome(
                q["id"],
                bool(q["answerable"]),
                hit_rank([p.quote for p in passages], q["answer"]),
                text,
                bool(text) and is_correct(text, q["answer"], q["choices"]),
                refused,
                latency,
            )
        )
    return summarize(outcomes)


def _value(settings: Settings, key: str, text: str) -> Any:
    current = getattr(settings, key)
    if isinstance(current, bool):
        return text.lower() in ("1", "true", "yes")
    return type(current)(text) if current is not None else text


def main() -> None:
    parser = eval_folder_parser(__doc__)
    parser.add_argument("--answers", action="store_true")
    parser.add_argument("--only", nargs="*", help="variant names to run")
    parser.add_argument(
        "--grid",
        nargs="*",
        default=[],
        metavar="SETTING=V1,V2",
        help="run every combination of these settings instead of the named variants",
    )
    args = parser.parse_args()
    base = eval_folder_settings(args)
    variants = VARIANTS
    if args.grid:
        axes = [
            (key, [_value(base, key, v) for v in values.split(",")])
            for key, values in (g.split("=", 1) for g in args.grid)
        ]
        variants = [
            (
                " ".join(f"{k}={v}" for k, v in zip([a[0] for a in axes], combo, strict=True)),
                dict(zip([a[0] for a in axes], combo, strict=True)),
            )
            for combo in itertools.product(*[a[1] for a in axes])
        ]
    print(f"{'variant':32} {'r@1':>6} {'r@5':>6} {'r@10':>6} {'acc':>6} {'p50 ms':>7}")
    for name, overrides in variants:
        if args.only and name not in args.only:
            continue
        summary = run(args.folder, base.model_copy(update=overrides), args.answers)
        acc = f"{summary['answer_accuracy']:.3f}" if args.answers else "-"
        print(
            f"{name:32} {summary['recall@1']:6.3f} {summary['recall@5']:6.3f} {summary['recall@10']:6.3f} {acc:>6} "
            f"{summary['latency_ms']['p50']:7.1f}  {json.dumps(overrides)}",
            flush=True,
        )


if __name__ == "__main__":
    main()
