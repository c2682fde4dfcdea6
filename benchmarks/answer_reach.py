"""How far any reordering could take recall and sentence choice on an eval folder: ceilings read off the data.

    python benchmarks/answer_reach.py ../shared/bench/realtimeqa-dev [--data-dir DIR]

Run on a folder that ``newsdesk eval`` has ingested. For each answerable question:

- **passage reach**: of the stored passages that hold the answer (the scorer's whole-word
  match), the best share of the question's terms one of them holds (IDF-weighted, title
  included: the coverage retrieval and the answerer use). A question whose answer sits only in
  passages sharing a quarter of its terms is one no term- or meaning-based retrieval should be
  expected to surface: the answer is there by chance, in an article about something else.
- **retrieved**: whether the default retrieval has such a passage in its top 5.
- **sentence rank**: where the first sentence holding the answer comes in the extractive
  answerer's order of every sentence of the passages it reads (it quotes up to three).

It reads ``answer`` to measure, as the scorer does; nothing here feeds back into answering.
"""

from __future__ import annotations

from collections import Counter

from eval_folder import eval_folder_parser, eval_folder_settings

from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.chain import search
from assistant.evaluation import contains_word, hit_rank, read_jsonl
from assistant.services import Services

THRESHOLDS = (0.25, 0.5, 0.75)


def main() -> None:
    args = eval_folder_parser(__doc__).parse_args()
    services = Services(eval_folder_settings(args))
    lexical = services.lexical
    passages = lexical.passages()
    if not passages:
        raise SystemExit(f"nothing stored for {args.folder}: run `newsdesk eval {args.folder}` first")
    questions = [q for q in read_jsonl(args.folder / "questions.jsonl") if q["answerable"]]
    answerer = ExtractiveAnswerer(services.embeddings(), services.settings, lexical.idf, semantic_pool=10_000)

    reach: list[tuple[float, bool]] = []
    sentence_ranks: Counter[str] = Counter()
    for q in questions:
        holding = (p for p in passages if contains_word(p.quote, q["answer"]))
        best = max((lexical.coverage(q["question"], p) for p in holding), default=0.0)
        result = search(q["question"], k=10, as_of=q["asked_on"], services=services)
        rank = hit_rank([p.quote for p in result.passages], q["answer"])
        reach.append((best, rank is not None and rank <= 5))
        # every sentence scored in full (meaning included), best first: the order the answerer quotes in
        scored = answerer.score(q["question"], answerer.candidates(result.passages))
        ordered = sorted(scored, key=lambda c: c.score, reverse=True)
        first = next((i for i, c in enumerate(ordered, 1) if contains_word(c.text, q["answer"])), None)
        sentence_ranks["none" if first is None else "1" if first == 1 else "2-3" if first <= 3 else "4+"] += 1

    n = len(questions)
    print(f"{n} answerable questions; {len(passages)} passages\n")
    print("passage reach: questions with a passage holding the answer and at least t of the question's terms")
    print(f"{'t':>6} {'questions':>10} {'share':>6} {'of them in the top 5':>21} {'not in the top 5':>17}")
    for t in THRESHOLDS:
        reached = [hit for best, hit in reach if best >= t]
        print(
            f"{t:6.2f} {len(reached):10d} {len(reached) / n:6.3f} {sum(reached):21d} {len(reached) - sum(reached):17d}"
        )
    missed = sorted(best for best, hit in reach if not hit)
    if missed:
        print(
            f"\nquestions missed at 5: {len(missed)}; median best coverage of an answer passage {missed[len(missed) // 2]:.2f}"
        )
    print("\nsentence rank of the first sentence holding the answer, in the extractive answerer's order")
    for key in ("1", "2-3", "4+", "none"):
        print(f"{key:>6} {sentence_ranks[key]:4d} {sentence_ranks[key] / n:6.3f}")


if __name__ == "__main__":
    main()
