"""A newer report of the same story preferred: measured against the default retrieval.

    python benchmarks/newer_report.py ../shared/bench/realtimeqa-dev [--data-dir DIR]

Run on a folder that ``newsdesk eval`` has ingested. A developing story is reported again and
again ("House adjourns as speaker vote stretches past 11th ballot", then "McCarthy wins House
speaker on 15th ballot"); asked "Who is the new speaker?" a week later, the latest report holds
the answer. Each variant takes the head of the fused ranking (after the recency gain), finds the
articles there whose headline is close in meaning (cosine of the headlines' vectors at least
``tau``) to a headline of a later article also there, and takes ``delta`` first places' worth of
score off their passages. Every question is asked as ``newsdesk eval`` asks it (as of its quiz's
day, the default answerer), and scored the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from eval_folder import eval_folder_parser, eval_folder_settings

import assistant.retrieval as retrieval
from assistant.chain import answer
from assistant.evaluation import QuestionOutcome, hit_rank, is_correct, read_jsonl, summarize
from assistant.records import Passage
from assistant.services import Services


@dataclass(frozen=True)
class Variant:
    """Superseded articles in the ``head`` best passages lose ``delta`` first places (0: off)."""

    head: int
    tau: float
    delta: float

    def __str__(self) -> str:
        return "default" if not self.delta else f"head {self.head}, tau {self.tau}, delta {self.delta}"


VARIANTS = [Variant(20, 0.7, 0.0), Variant(20, 0.7, 1.0), Variant(20, 0.8, 1.0), Variant(20, 0.6, 0.5)]


def main() -> None:
    args = eval_folder_parser(__doc__).parse_args()
    services = Services(eval_folder_settings(args))
    embeddings = services.embeddings()
    questions = read_jsonl(args.folder / "questions.jsonl")
    boost_recent = retrieval.boost_recent

    def demote_superseded(
        variant: Variant, passages: list[Passage], as_of: date, bonus: float, half_life: float
    ) -> list[Passage]:
        ranked = boost_recent(passages, as_of, bonus, half_life)
        dated = {p.article_id: (p.title, p.published_at) for p in ranked[: variant.head] if p.published_at}
        if not variant.delta or len(dated) < 2:
            return ranked
        ids = list(dated)
        vectors = embeddings.encode_cached([dated[i][0] for i in ids])
        similar = vectors @ vectors.T
        stale = {
            a
            for x, a in enumerate(ids)
            if any(dated[b][1] > dated[a][1] and similar[x, y] >= variant.tau for y, b in enumerate(ids) if y != x)
        }
        for p in ranked[: variant.head]:
            if p.article_id in stale:
                p.score -= variant.delta * bonus  # bonus: one first place's worth of rank fusion
        return sorted(ranked, key=lambda p: p.score, reverse=True)

    print("| variant | recall@1 | recall@5 | recall@10 | accuracy |")
    print("|---|---:|---:|---:|---:|")
    for variant in VARIANTS:
        retrieval.boost_recent = lambda *a, v=variant: demote_superseded(v, *a)
        outcomes = []
        for q in questions:
            result = answer(q["question"], as_of=q["asked_on"], services=services, k=10)
            outcomes.append(
                QuestionOutcome(
                    id=q["id"],
                    answerable=q["answerable"],
                    hit_rank=hit_rank([p.quote for p in result.passages], q["answer"]),
                    answer=result.answer,
                    correct=is_correct(result.answer, q["answer"], q["choices"]),
                    refused=result.refused,
                    latency_ms=0.0,
                )
            )
        s = summarize(outcomes)
        print(
            f"| {variant} | {s['recall@1']:.3f} | {s['recall@5']:.3f} | {s['recall@10']:.3f} | {s['answer_accuracy']:.3f} |"
        )
    retrieval.boost_recent = boost_recent


if __name__ == "__main__":
    main()
