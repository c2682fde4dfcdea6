"""Citations: markers checked against the passages, cited sources listed, support verified.

- ``[n]`` markers that point at no passage are removed; ``[1, 2]`` and ``[1-2]``
  become ``[1][2]``. ``n`` stays the passage's position among the retrieved passages,
  so streamed text and the final answer agree.
- Only passages the answer cites become citations.
- For LLM answers, each sentence is checked against the passages it cites (semantic
  similarity and token overlap). An unsupported citation is flagged; a sentence that
  no passage supports is marked ``[unsupported]`` in the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.answerers.base import Draft
from assistant.embeddings import SentenceTransformerEmbeddings
from assistant.records import Passage
from assistant.terms import terms
from ingest.chunking import split_sentences

_GROUP = re.compile(r"\[\s*(\d+(?:\s*(?:[,;]|-|–|and)\s*\d+)*)\s*\]")
_SINGLE = re.compile(r"\[(\d+)\]")
_SINGLE_WITH_SPACE = re.compile(r"\s*\[\d+\]")  # removed with its marker: "winter [1]." -> "winter."
UNSUPPORTED_MARK = "[unsupported]"
SIMILARITY_SUPPORT = 0.55
OVERLAP_SUPPORT = 0.5


@dataclass
class Citation:
    """A cited passage: its number, the passage, the spans of the sentences it supports."""

    n: int
    passage: Passage
    highlights: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The public JSON form: ``n`` then the passage fields."""
        return {"n": self.n, **self.passage.to_dict(), "highlights": [list(h) for h in self.highlights]}


@dataclass
class SupportCheck:
    """Whether one sentence of an answer is backed by the passage(s) it cites."""

    sentence: str
    cited: list[int]
    supported: bool
    score: float
    unsupported_citations: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "sentence": self.sentence,
            "cited": self.cited,
            "supported": self.supported,
            "score": round(self.score, 4),
            "unsupported_citations": self.unsupported_citations,
        }


def normalize_markers(text: str, count: int) -> str:
    """Expand marker groups to ``[a][b]`` and drop markers outside ``1..count``."""

    def expand(match: re.Match[str]) -> str:
        numbers: list[int] = []
        for part in re.split(r"\s*(?:[,;]|and)\s*", match.group(1)):
            if re.fullmatch(r"\d+\s*[-–]\s*\d+", part):
                a, b = (int(x) for x in re.split(r"\s*[-–]\s*", part))
                if 0 < b - a < 20:
                    numbers.extend(range(a, b + 1))
                    continue
            if part.strip().isdigit():
                numbers.append(int(part))
        valid = [n for n in dict.fromkeys(numbers) if 1 <= n <= count]
        return "".join(f"[{n}]" for n in valid)

    text = _GROUP.sub(expand, text)
    text = re.sub(r"[ \t]+([.,;:!?])", r"\1", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def cited_numbers(text: str) -> list[int]:
    """Passage numbers in the order the text first cites them."""
    return list(dict.fromkeys(int(n) for n in _SINGLE.findall(text)))


def _support(sentence: str, passage: Passage, vector: np.ndarray, passage_vectors: np.ndarray) -> tuple[float, int]:
    """(score, index of the best passage sentence): the larger of similarity and term overlap."""
    similarity = passage_vectors @ vector if len(passage_vectors) else np.zeros(1)
    best = int(np.argmax(similarity))
    sentence_terms = set(terms(sentence))
    overlap = len(sentence_terms & set(terms(passage.quote))) / len(sentence_terms) if sentence_terms else 0.0
    sim_score = float(similarity[best]) / SIMILARITY_SUPPORT
    return max(sim_score, overlap / OVERLAP_SUPPORT), best


def check_support(
    text: str, passages: Sequence[Passage], embeddings: SentenceTransformerEmbeddings
) -> tuple[str, list[SupportCheck], dict[int, list[tuple[int, int]]]]:
    """Check every sentence; returns the text (unsupported sentences marked), the checks, highlights."""
    spans = split_sentences(text)
    plain = [_SINGLE_WITH_SPACE.sub("", text[s:e]).strip() for s, e in spans]
    passage_spans = [split_sentences(p.quote) for p in passages]
    flat = [p.quote[s:e] for p, ps in zip(passages, passage_spans, strict=True) for s, e in ps]
    vectors = embeddings.encode_cached(plain + flat) if plain else np.zeros((0, embeddings.dimension))
    sentence_vectors, rest = vectors[: len(plain)], vectors[len(plain) :]
    per_passage, offset = [], 0
    for ps in passage_spans:
        per_passage.append(rest[offset : offset + len(ps)])
        offset += len(ps)
    checks: list[SupportCheck] = []
    highlights: dict[int, list[tuple[int, int]]] = {}
    marks: list[int] = []  # end offsets of sentences to mark
    for (start, end), sentence, vector in zip(spans, plain, sentence_vectors, strict=True):
        if len(sentence.split()) < 3:
            continue
        cited = cited_numbers(text[start:end])
        pool = cited or list(range(1, len(passages) + 1))
        scored = {n: _support(sentence, passages[n - 1], vector, per_passage[n - 1]) for n in pool}
        supported_by = [n for n, (score, _) in scored.items() if score >= 1.0]
        best = max((score for score, _ in scored.values()), default=0.0)
        for n in supported_by if cited else []:
            s, e = passage_spans[n - 1][scored[n][1]] if passage_spans[n - 1] else (0, len(passages[n - 1].quote))
            highlights.setdefault(n, []).append((passages[n - 1].start + s, passages[n - 1].start + e))
        unsupported = [n for n in cited if n not in supported_by]
        ok = bool(supported_by)
        checks.append(SupportCheck(sentence, cited, ok, best, unsupported))
        if not ok:
            marks.append(end)
    for end in sorted(marks, reverse=True):
        text = f"{text[:end]} {UNSUPPORTED_MARK}{text[end:]}"
    return text, checks, highlights


def resolve_citations(
    draft: Draft, passages: Sequence[Passage], embeddings: SentenceTransformerEmbeddings
) -> tuple[str, list[Citation], list[SupportCheck]]:
    """The final answer text, its citations (cited passages only) and support checks."""
    if draft.refused:
        return draft.text, [], []
    text = normalize_markers(draft.text, len(passages))
    checks: list[SupportCheck] = []
    highlights = {n: list(spans) for n, spans in draft.highlights.items()}
    if draft.check_support and passages:
        text, checks, found = check_support(text, passages, embeddings)
        for n, spans in found.items():
            highlights.setdefault(n, []).extend(s for s in spans if s not in highlights.get(n, []))
    citations = [Citation(n, passages[n - 1], highlights.get(n, [])) for n in cited_numbers(text)]
    return text, citations, checks
