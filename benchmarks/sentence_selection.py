"""How the extractive answerer picks sentences: answer accuracy for variants, overall and week by week.

    python benchmarks/sentence_selection.py ../shared/bench/realtimeqa-dev [--data-dir DIR]

Retrieval is run once per question (the default configuration, as ``newsdesk eval``);
each variant then answers from the same passages, so the rows differ only in how
sentences are chosen. Accuracy as the bench README defines it, over the answerable
questions; "weeks" shows the lowest and highest accuracy among the quiz weeks, a check
that a variant does not win on one week only, and then each week's accuracy in order.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from eval_folder import eval_folder_parser, eval_folder_settings

from assistant.answerers.extractive import ExtractiveAnswerer, SentenceWeights
from assistant.chain import search
from assistant.evaluation import is_correct, read_jsonl
from assistant.services import Services

DEFAULT = SentenceWeights()
VARIANTS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("default", {}, {}),
    ("no headline", {}, {"extractive_headline": False}),
    ("one sentence", {}, {"extractive_sentences": 1}),
    ("two sentences", {}, {"extractive_sentences": 2}),
    ("pool of 10 passages", {"pool": 10}, {}),
    ("pool of 5 passages", {"pool": 5}, {}),
    ("pool of 3 passages", {"pool": 3}, {}),
    ("semantic shortlist 4", {"semantic_pool": 4}, {}),
    ("semantic shortlist 6", {"semantic_pool": 6}, {}),
    ("semantic shortlist 8", {"semantic_pool": 8}, {}),
    ("semantic shortlist 20", {"semantic_pool": 20}, {}),
    ("keep ratio 0.9", {"keep_ratio": 0.9}, {}),
    ("keep ratio 0 (always 3)", {"keep_ratio": 0.0}, {}),
    ("four sentences", {}, {"extractive_sentences": 4}),
    ("five sentences", {}, {"extractive_sentences": 5}),
    ("title terms at half weight", {"weights": replace(DEFAULT, title=0.5)}, {}),
    ("title terms not counted", {"weights": replace(DEFAULT, title=0.0)}, {}),
    ("no meaning (terms only)", {"weights": replace(DEFAULT, meaning=0.0)}, {}),
    ("no terms (meaning only)", {"weights": replace(DEFAULT, terms=0.0)}, {}),
    ("no answer type", {"weights": replace(DEFAULT, answer_type=0.0)}, {}),
    ("answer type 0.2", {"weights": replace(DEFAULT, answer_type=0.2)}, {}),
    ("answer type 0.3", {"weights": replace(DEFAULT, answer_type=0.3)}, {}),
    ("no restating penalty", {"weights": replace(DEFAULT, restating=0.0)}, {}),
    ("no passage rank", {"weights": replace(DEFAULT, rank=0.0)}, {}),
    ("no freshness", {"weights": replace(DEFAULT, freshness=0.0)}, {}),
    ("freshness 0.2", {"weights": replace(DEFAULT, freshness=0.2)}, {}),
    ("freshness 0.3", {"weights": replace(DEFAULT, freshness=0.3)}, {}),
    ("freshness 0.5", {"weights": replace(DEFAULT, freshness=0.5)}, {}),
    ("freshness 0.8", {"weights": replace(DEFAULT, freshness=0.8)}, {}),
]


def main() -> None:
    parser = eval_folder_parser(__doc__)
    parser.add_argument("--only", nargs="*", help="variant names to run")
    args = parser.parse_args()
    settings = eval_folder_settings(args)
    services = Services(settings)
    questions = [q for q in read_jsonl(args.folder / "questions.jsonl") if q["answerable"]]
    retrieved = {q["id"]: search(q["question"], k=10, as_of=q["asked_on"], services=services) for q in questions}
    print(f"{'variant':28} {'accuracy':>8}  weeks (min-max)  each week")
    for name, options, settings_update in VARIANTS:
        if args.only and name not in args.only:
            continue
        answerer = ExtractiveAnswerer(
            services.embeddings(), settings.model_copy(update=settings_update), services.lexical.idf, **options
        )
        by_week: dict[str, list[bool]] = {}
        for q in questions:
            result = retrieved[q["id"]]
            text = answerer.draft(q["question"], result.passages, []).text if result.relevant else ""
            by_week.setdefault(q["id"].split("_")[0], []).append(is_correct(text, q["answer"], q["choices"]))
        weeks = [by_week[week] for week in sorted(by_week)]  # in date order
        outcomes = [ok for week in weeks for ok in week]
        weekly = [sum(w) / len(w) for w in weeks]
        each = " ".join(f"{sum(w)}/{len(w)}" for w in weeks)
        print(
            f"{name:28} {sum(outcomes) / len(outcomes):8.3f}  {min(weekly):.2f}-{max(weekly):.2f}        {each}",
            flush=True,
        )


if __name__ == "__main__":
    main()
