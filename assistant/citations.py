"""Citations: markers checked against the passages, cited sources listed, support verified.

- ``[n]`` markers that point at no passage are removed; ``[1, 2]`` and ``[1-2]``
  become ``[1][2]``.
- Only passages the answer cites become citations, numbered in the order the answer first
  cites them: an answer's first marker is ``[1]``, whatever the passage's rank.
- For LLM answers, each sentence is checked against the passages it cites (semantic
  similarity and token overlap). A sentence that cites no passage, or only passages that do
  not hold it (or do not exist), cites the passage that holds it instead; one that no
  passage supports is marked ``[unsupported]`` in the text, before its full stop.
- While an answer streams, :class:`StreamCleaner` cleans it the same way as it comes,
  and holds back a list of sources the model wrote itself; :mod:`assistant.streaming`
  checks and renumbers it sentence by sentence, as the final answer is.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.answerers.base import Draft
from assistant.embeddings import SentenceTransformerEmbeddings
from assistant.guard import (
    ALT_MARKER,
    INLINE_SOURCES,
    SOURCE_LIST_WORDS,
    THINK_END,
    THINK_START,
    alt_marker_to_brackets,
    opens_sources_list,
)
from assistant.records import Passage
from assistant.terms import terms
from ingest.chunking import split_sentences

_GROUP_BODY = r"\[\s*(\d+(?:\s*(?:[,;]|-|–|and)\s*\d+)*)\s*\]"  # "[1]", "[1, 2]", "[2-3]", "[1 and 3]"
_GROUP = re.compile(_GROUP_BODY)
_SPACED_GROUP = re.compile(r"([ \t]*)" + _GROUP_BODY)  # with the space before it
# "Sources: [1] ..." on one line: the list has begun before the line ends.
_SOURCES_FIRST_ITEM = re.compile(rf"(?i)^.*?(?:{'|'.join(SOURCE_LIST_WORDS)})\W*\s*(?:\[\d|\d+[.)])")
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
    recited: bool = False  # the model cited no passage, or ones that do not hold it: newsdesk cited the one that does

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "sentence": self.sentence,
            "cited": self.cited,
            "supported": self.supported,
            "score": round(self.score, 4),
            "unsupported_citations": self.unsupported_citations,
            "recited": self.recited,
        }


def _marker_numbers(group: str, count: int) -> list[int]:
    """The valid passage numbers a marker group names: "1, 2" or "1-3" or "1 and 3"."""
    numbers: list[int] = []
    for part in re.split(r"\s*(?:[,;]|and)\s*", group):
        if re.fullmatch(r"\d+\s*[-–]\s*\d+", part):
            a, b = (int(x) for x in re.split(r"\s*[-–]\s*", part))
            if 0 < b - a < 20:
                numbers.extend(range(a, b + 1))
                continue
        if part.strip().isdigit():
            numbers.append(int(part))
    return [n for n in dict.fromkeys(numbers) if 1 <= n <= count]


def _expand_markers(text: str, count: int) -> str:
    """``[1, 2]`` -> ``[1][2]``; a marker naming no passage goes, with the space before it."""

    def expand(match: re.Match[str]) -> str:
        valid = _marker_numbers(match.group(2), count)
        if valid:
            return match.group(1) + "".join(f"[{n}]" for n in valid)
        if re.fullmatch(r"\s*\d{3,}\s*", match.group(2)):
            return match.group(1) + match.group(2).strip()  # "opened in [2017]": a year, not a marker
        return match.group(1) if match.string.startswith("[", match.end()) else ""  # "[0][1]": keep the space

    return _SPACED_GROUP.sub(expand, text)


def normalize_markers(text: str, count: int) -> str:
    """Expand marker groups to ``[a][b]`` and drop markers outside ``1..count``."""
    text = _expand_markers(text, count)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


class StreamCleaner:
    """Cleans an answer while it streams, as :func:`resolve_citations` cleans the whole of it:
    marker groups expanded, markers that point at no passage dropped, and nothing from a line that
    opens a "Sources:" list on (the model's own list of sources, with links of its choosing).

    Text that may still turn out to be a marker ("... [1") or such a line ("Sourc") is held back
    until it can be told apart.

        >>> cleaner = StreamCleaner(count=3)
        >>> cleaner.feed("Fares rise [1") + cleaner.feed("][9]. Buses too [2].\n\nSour") + cleaner.feed("ces:\n[1] x")
        'Fares rise [1]. Buses too [2].\n\n'
    """

    HOLD_LIMIT = 200  # characters: held back longer than this, it is neither

    def __init__(self, count: int) -> None:
        self.count = count
        self.held = ""
        self.stopped = False
        self.at_line_start = True  # whether ``held`` begins a line
        self.shown = False  # whether any text was let through (a list of sources comes after the answer)
        self.thinking = False  # inside a reasoning model's <think> block, which is never shown
        self.tag_tail = ""  # what may be the start of a <think> tag, or the end of one
        self.after_thinking = False  # the space after a <think> block goes with it

    def feed(self, delta: str) -> str:
        """The part of the text so far that can be shown now."""
        if self.stopped:
            return ""
        text = self.held + self._unthink(self.tag_tail + delta)
        cut = self._safe_end(text)
        return self._release(text, cut)

    def close(self) -> str:
        """What is still held back, at the end of the answer."""
        if self.stopped:
            return ""
        text = self.held + ("" if self.thinking else self.tag_tail)
        self.tag_tail = ""
        if self._opens_sources(text, complete=True):
            return ""
        return self._release(text, len(text))

    def _unthink(self, raw: str) -> str:
        """``raw`` without thinking: what is inside ``<think>...</think>`` is dropped as it comes."""
        self.tag_tail = ""
        out: list[str] = []
        if self.after_thinking and not self.thinking:
            raw = raw.lstrip()
            self.after_thinking = not raw
        while raw:
            if self.thinking:
                end = THINK_END.search(raw)
                if not end:
                    self.tag_tail = raw[-len("</thinking>") :]  # the end tag may come split
                    break
                raw, self.thinking = raw[end.end() :].lstrip(), False
                self.after_thinking = not raw
                continue
            start = THINK_START.search(raw)
            if start:
                out.append(raw[: start.start()])
                raw, self.thinking = raw[start.end() :], True
                continue
            opening = raw.rfind("<")
            if opening != -1 and any(tag.startswith(raw[opening:].lower()) for tag in ("<think>", "<thinking>")):
                out.append(raw[:opening])
                self.tag_tail = raw[opening:]
            else:
                out.append(raw)
            break
        return "".join(out)

    def _release(self, text: str, cut: int) -> str:
        out, self.held = text[:cut], text[cut:]
        if out:
            self.at_line_start = out.endswith("\n")
            self.shown = self.shown or bool(out.strip())
        return _expand_markers(ALT_MARKER.sub(alt_marker_to_brackets, out), self.count)

    def _opens_sources(self, text: str, complete: bool, before: str = "") -> bool:
        """Whether ``text``, a line, opens the model's list of sources (after some answer: what
        was shown, or ``before`` it in this text)."""
        line = text.split("\n", 1)[0]
        if not (self.shown or before.strip()) or not opens_sources_list(line):
            return False
        return complete or bool(_SOURCES_FIRST_ITEM.match(line))

    def _safe_end(self, text: str) -> int:
        inline = INLINE_SOURCES.search(text)
        if inline and (self.shown or text[: inline.start()].strip()):
            self.stopped = True  # "... [1]. Sources: [1] https://...": the list begins mid-line
            return inline.start()
        lines = text.split("\n")
        start = 0
        for i, line in enumerate(lines):
            begins_line = i > 0 or self.at_line_start
            last = i == len(lines) - 1
            if begins_line and self._opens_sources(line, complete=not last, before=text[:start]):
                self.stopped = True
                return start
            if last:
                break
            start += len(line) + 1
        cut = start if (i > 0 or self.at_line_start) and _could_open_sources(lines[-1]) else len(text)
        for opening, closing in (("[", "]"), ("【", "】")):
            bracket = text.rfind(opening, 0, cut)
            if bracket != -1 and closing not in text[bracket:cut]:
                cut = bracket
        last_word = _LAST_WORD.search(text, 0, cut)
        if last_word and _could_open_sources(last_word.group(1)):
            cut = last_word.start()  # "... [1]. Sour": a list of sources may yet open mid-line
        cut = len(text[:cut].rstrip(" \t"))  # a space may come before a marker, and go with it
        return len(text) if len(text) - cut > self.HOLD_LIMIT else cut


_LAST_WORD = re.compile(r"(?i)(?<![\w\[])((?:\*\*)?[a-z]{1,10}(?:\*\*)?\s*:?\s*(?:\*\*)?\s*)$")


def _could_open_sources(line: str) -> bool:
    """Whether an unfinished line may yet become a "Sources:" header."""
    word = re.sub(r"^[\s#*]*", "", line).lower()
    return any(header.startswith(word) or word.startswith(header) for header in SOURCE_LIST_WORDS)


def cited_numbers(text: str) -> list[int]:
    """Passage numbers in the order the text first cites them."""
    return list(dict.fromkeys(int(n) for n in _SINGLE.findall(text)))


def _support(
    sentence_terms: set[str], passage_terms: set[str], vector: np.ndarray, passage_vectors: np.ndarray
) -> tuple[float, int, float]:
    """(score, index of the best passage sentence, strict score): the score is the larger of similarity
    and term overlap, each as a share of its bar; the strict score the smaller (both must hold)."""
    similarity = passage_vectors @ vector if len(passage_vectors) else np.zeros(1)
    best = int(np.argmax(similarity))
    overlap = len(sentence_terms & passage_terms) / len(sentence_terms) if sentence_terms else 0.0
    sim_score = float(similarity[best]) / SIMILARITY_SUPPORT
    return max(sim_score, overlap / OVERLAP_SUPPORT), best, min(sim_score, overlap / OVERLAP_SUPPORT)


# A figure as written in news: "4,120", "3.5", "900" (a year too); what a claim must not invent.
_FIGURE = re.compile(r"(?<![\w.,])\d[\d,]*(?:\.\d+)?(?![\w])")


def figures(text: str) -> set[str]:
    """The figures in ``text``, written plainly ("4,120" and "4120" are one figure); not the
    numbers inside markers."""
    return {m.group(0).replace(",", "").rstrip(".") for m in _FIGURE.finditer(_SINGLE.sub(" ", text))}


def date_figures(published_at: str | None) -> set[str]:
    """The figures of an article's date, which its passages tell as their report's day: an answer
    may say "2026-03-02: ...", or "on March 2" of a report that says "on Monday"."""
    match = re.match(r"(\d{4})-(\d\d)-(\d\d)", published_at or "")
    if not match:
        return set()
    year, month, day = match.groups()
    return {year, month, day, month.lstrip("0"), day.lstrip("0")}


def passage_sentences(passages: Sequence[Passage], spans: list[list[tuple[int, int]]] | None = None) -> list[str]:
    """Every sentence of the passages, in order: what a sentence of an answer is checked against."""
    spans = spans if spans is not None else [split_sentences(p.quote) for p in passages]
    return [p.quote[s:e] for p, ps in zip(passages, spans, strict=True) for s, e in ps]


def _held(
    n: int,
    *,
    sentence_terms: set[str],
    claimed: set[str],
    vector: np.ndarray,
    passage_terms: list[set[str]],
    passage_figures: list[set[str]],
    per_passage: list[np.ndarray],
) -> tuple[float, int, float]:
    """How well passage ``n`` supports a sentence (see :func:`_support`); not at all when the
    sentence states a figure the passage does not ("4,120 jobs" of a passage that says 1,200)."""
    score = _support(sentence_terms, passage_terms[n - 1], vector, per_passage[n - 1])
    return score if claimed <= passage_figures[n - 1] else (0.0, score[1], 0.0)


def check_support(
    text: str,
    passages: Sequence[Passage],
    embeddings: SentenceTransformerEmbeddings,
) -> tuple[str, list[SupportCheck], dict[int, list[tuple[int, int]]]]:
    """Check every sentence; returns the text, the checks and the highlights. A sentence that cites
    no passage, or only ones that do not hold it, cites the passage that does hold it instead, if one
    does; else it is marked unsupported."""
    spans = split_sentences(text)
    plain = [_SINGLE_WITH_SPACE.sub("", text[s:e]).strip() for s, e in spans]
    passage_spans = [split_sentences(p.quote) for p in passages]
    passage_terms = [set(terms(p.quote)) for p in passages]
    passage_figures = [figures(p.quote) | figures(p.title) | date_figures(p.published_at) for p in passages]
    flat = passage_sentences(passages, passage_spans)
    vectors = embeddings.encode_cached(plain + flat) if plain else np.zeros((0, embeddings.dimension))
    sentence_vectors, rest = vectors[: len(plain)], vectors[len(plain) :]
    per_passage, offset = [], 0
    for ps in passage_spans:
        per_passage.append(rest[offset : offset + len(ps)])
        offset += len(ps)
    checks: list[SupportCheck] = []
    highlights: dict[int, list[tuple[int, int]]] = {}
    edits: list[tuple[int, int, str]] = []  # (sentence start, end, what goes before its full stop)
    for (start, end), sentence, vector in zip(spans, plain, sentence_vectors, strict=True):
        if len(sentence.split()) < 3 or sentence.rstrip().endswith(":"):
            continue  # too short to claim anything, or a lead-in ("Here is what happened:")
        cited = cited_numbers(text[start:end])
        sentence_terms = set(terms(sentence))
        holds = functools.partial(
            _held,
            sentence_terms=sentence_terms,
            claimed=figures(sentence),
            vector=vector,
            passage_terms=passage_terms,
            passage_figures=passage_figures,
            per_passage=per_passage,
        )
        scored = {n: holds(n) for n in cited}
        supported_by = [n for n in cited if scored[n][0] >= 1.0]

        if supported_by and all(scored[n][2] < 1.0 for n in supported_by):
            # the cited passages are only near it (the same story); one that holds it outright wins
            scored.update({n: holds(n) for n in range(1, len(passages) + 1) if n not in scored})
            outright = max(scored, key=lambda n: scored[n][2])
            if outright not in cited and scored[outright][2] >= 1.0:
                supported_by = []
        recited = False
        best = max((scored[n][0] for n in cited), default=0.0)
        if not supported_by:  # cited nothing, or only passages that do not hold it: one that does, if any
            # (by meaning and by words both: a passage merely sharing the names is not a source)
            scored.update({n: holds(n) for n in range(1, len(passages) + 1) if n not in scored})
            best = best if cited else max((score for score, _, _ in scored.values()), default=0.0)
            holder = max(scored, key=lambda n: scored[n][2], default=None)
            if holder is not None and scored[holder][2] >= 1.0:
                supported_by, recited, best = [holder], True, scored[holder][0]
                edits.append((start, end, f"[{holder}]"))
        for n in supported_by:
            s, e = passage_spans[n - 1][scored[n][1]] if passage_spans[n - 1] else (0, len(passages[n - 1].quote))
            highlights.setdefault(n, []).append((passages[n - 1].start + s, passages[n - 1].start + e))
        unsupported = [] if recited else [n for n in cited if n not in supported_by]  # recited: those markers went
        ok = bool(supported_by)
        checks.append(SupportCheck(sentence, supported_by if recited else cited, ok, best, unsupported, recited))
        if not ok:
            edits.append((start, end, UNSUPPORTED_MARK))
    for start, end, mark in sorted(edits, reverse=True):
        if mark != UNSUPPORTED_MARK:  # the markers that pointed at the wrong passage go
            sentence = _SINGLE_WITH_SPACE.sub("", text[start:end])
            text, end = text[:start] + sentence + text[end:], start + len(sentence)
        at = _before_final_stop(text, end)
        text = f"{text[:at]} {mark}{text[at:]}"
    return text, checks, highlights


def _before_final_stop(text: str, end: int) -> int:
    """Where a mark goes in the sentence ending at ``end``: before its full stop (and closing quote),
    so that it reads as part of that sentence, not the next."""
    at = len(text[:end].rstrip())
    while at > 0 and text[at - 1] in "\"'”’)":
        at -= 1
    return at - 1 if at > 0 and text[at - 1] in ".!?" else len(text[:end].rstrip())


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
    order = cited_numbers(text)
    number = {old: new for new, old in enumerate(order, 1)}
    text = renumber(text, number)
    for check in checks:
        check.cited = [number.get(n, n) for n in check.cited]
        check.unsupported_citations = [number.get(n, n) for n in check.unsupported_citations]
    citations = [Citation(number[n], passages[n - 1], highlights.get(n, [])) for n in order]
    return text, citations, checks


def renumber(text: str, number: dict[int, int]) -> str:
    """Markers renumbered: ``[old]`` becomes ``[number[old]]``."""
    return _SINGLE.sub(lambda m: f"[{number.get(int(m.group(1)), int(m.group(1)))}]", text)
