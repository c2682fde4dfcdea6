"""Query rewriting without an LLM, measured one variant at a time against the default retrieval.

    python benchmarks/query_rewriting.py ../shared/bench/realtimeqa-dev [--data-dir DIR]

Run on a folder that ``newsdesk eval`` has ingested. Each variant changes only the text that
one side of the hybrid search sees (the dense query, the BM25 query, or both); fusion, the date
filter from "this week" and the recency preference stay as they are. Recall as ``newsdesk
eval`` scores it, over the answerable questions.

- framing removed: quiz framing ("this week", "recently", "all of these ... except",
  "according to") taken out of the query; the date filter still reads the original question.
- keywords only: the question's content words, without stop and question words.
- question + keywords: the mean of the two query vectors.
- BM25 feedback (RM3-style): the 8 most distinctive terms of the top 5 BM25 passages added to
  the BM25 query.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import numpy as np
from eval_folder import eval_folder_parser, eval_folder_settings

from assistant.chain import search
from assistant.evaluation import hit_rank, read_jsonl
from assistant.filters import SearchFilters
from assistant.records import Passage
from assistant.services import Services
from assistant.terms import QUESTION_WORDS, STOPWORDS, terms, words

FRAMING = re.compile(
    r"\b(?:this|last|past) (?:week|weekend|month|year)\b|\brecently\b"
    r"|\bon (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"|\ball (?:of )?these\b[^:?]*\bexcept\b:?|\bwhich of these\b|\baccording to\b",
    re.IGNORECASE,
)


def without_framing(question: str) -> str:
    return re.sub(r"\s+", " ", FRAMING.sub(" ", question)).strip()


def keywords(question: str) -> str:
    return " ".join(w for w in words(question) if w not in STOPWORDS and w not in QUESTION_WORDS)


def main() -> None:
    args = eval_folder_parser(__doc__).parse_args()
    services = Services(eval_folder_settings(args))
    embeddings, lexical = services.embeddings(), services.lexical
    questions = [q for q in read_jsonl(args.folder / "questions.jsonl") if q["answerable"]]
    embed_query, bm25_search = embeddings.embed_query, lexical.search

    def mixed(question: str) -> list[float]:
        vector = np.asarray(embed_query(question)) + np.asarray(embed_query(keywords(question)))
        return (vector / np.linalg.norm(vector)).tolist()

    def feedback(query: str, n: int, filters: SearchFilters | None = None) -> list[Passage]:
        first = bm25_search(query, 5, filters)
        asked = set(terms(query))
        weights: dict[str, float] = {}
        for passage in first:
            found = Counter(
                t for t in terms(passage.title + "\n" + passage.quote) if t not in asked and not t.isdigit()
            )
            total = sum(found.values()) or 1
            for term, count in found.items():
                weights[term] = weights.get(term, 0.0) + count / total * lexical.idf(term)
        extra = " ".join(sorted(weights, key=lambda t: weights[t], reverse=True)[:8])
        return bm25_search(f"{query} {extra}", n, filters)

    dense_variants: dict[str, Callable[[str], list[float]]] = {
        "framing removed (dense)": lambda q: embed_query(without_framing(q)),
        "keywords only (dense)": lambda q: embed_query(keywords(q)),
        "question + keywords (dense)": mixed,
    }
    lexical_variants: dict[str, Callable[..., list[Passage]]] = {
        "framing removed (BM25)": lambda q, n, f=None: bm25_search(without_framing(q), n, f),
        "BM25 feedback, 5 passages, 8 terms": feedback,
    }
    rows: list[tuple[str, Callable[[str], list[float]], Callable[..., list[Passage]]]] = [
        ("default", embed_query, bm25_search)
    ]
    rows += [(name, fn, bm25_search) for name, fn in dense_variants.items()]
    rows += [(name, embed_query, fn) for name, fn in lexical_variants.items()]
    rows.append(
        (
            "framing removed (both)",
            dense_variants["framing removed (dense)"],
            lexical_variants["framing removed (BM25)"],
        )
    )
    print(f"{'variant':38} {'r@1':>6} {'r@5':>6} {'r@10':>6}")
    for name, dense_query, lexical_search in rows:
        # The retriever calls these two through the shared objects; swap them in for this row.
        embeddings.embed_query = dense_query  # type: ignore[method-assign,assignment]
        lexical.search = lexical_search  # type: ignore[method-assign]
        ranks = [
            hit_rank(
                [p.quote for p in search(q["question"], k=10, as_of=q["asked_on"], services=services).passages],
                q["answer"],
            )
            for q in questions
        ]
        embeddings.embed_query, lexical.search = embed_query, bm25_search  # type: ignore[method-assign]
        at = [sum(1 for r in ranks if r is not None and r <= k) / len(ranks) for k in (1, 5, 10)]
        print(f"{name:38} {at[0]:6.3f} {at[1]:6.3f} {at[2]:6.3f}", flush=True)


if __name__ == "__main__":
    main()
