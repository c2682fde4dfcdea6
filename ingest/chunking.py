"""Sentence-aware chunking with character offsets into the cleaned article text.

>>> chunks = split_article(text, target_words=200, max_words=250, overlap_words=30)
>>> all(text[c.start:c.end] == c.text for c in chunks)
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "mt",
        "gen",
        "gov",
        "sen",
        "sens",
        "rep",
        "reps",
        "rev",
        "lt",
        "col",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "brig",
        "cpl",
        "pvt",
        "atty",
        "ft",
        "maj",
        "pres",
        "supt",
        "det",
        "insp",
        "vs",
        "no",
        "nos",
        "vol",
        "fig",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "inc",
        "ltd",
        "co",
        "corp",
        "bros",
        "approx",
        "dept",
        "est",
        "univ",
        "ave",
        "blvd",
        "rd",
        "hon",
        "messrs",
        "mme",
        "mlle",
        "cf",
        "al",
        "ft",
        "op",
    ]
)
# End punctuation, closing quotes/brackets, whitespace, then what can open a sentence. A match
# starts only where a run of end punctuation starts, and never gives back what it took, so a
# line of 400,000 dots is read once (not once per dot).
_BOUNDARY = re.compile(
    r"(?<![.!?\u2026])[.!?\u2026]++[\"'\u201d\u2019)\]]*+(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9\u00c0-\u024f])"
)
_WORD = re.compile(r"\S+")
# A dateline's agency tag after its place: "LOUISVILLE, Ky. (AP) — The ..." goes on, the stop after
# "Ky." ends no sentence.
_AGENCY_TAG = re.compile(r"\s+\((?:[A-Z]{2,6}|Reuters)\)\s*[—–-]")


@dataclass(frozen=True)
class Chunk:
    """One passage: ``article_text[start:end] == text``."""

    position: int
    start: int
    end: int
    text: str

    @property
    def words(self) -> int:
        """Word count of the passage."""
        return len(self.text.split())


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the '.' at ``dot`` ends an abbreviation or initial, not a sentence."""
    if text[dot] != ".":
        return False
    start = dot
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "\"'(\u201c\u2018[":
        start -= 1
    token = text[start:dot]
    if not token:
        return False
    if len(token) == 1 and token.isalpha() and token.isupper():
        return True  # an initial: "John F. Kennedy"
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", token):
        return True  # "U.S.", "U.N.", "a.m." mid-sentence
    return token.lower() in _ABBREVIATIONS


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` in ``text``; every line break also ends a sentence."""
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        cursor = line_start
        for match in _BOUNDARY.finditer(text, line_start, line_end):
            if _is_abbreviation(text, match.start()) or _AGENCY_TAG.match(text, match.end()):
                continue
            _append_span(text, spans, cursor, match.end())
            cursor = match.end()
        _append_span(text, spans, cursor, line_end)
        line_start = line_end + 1
    return spans


def _append_span(text: str, spans: list[tuple[int, int]], start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def _cap_long_spans(text: str, spans: list[tuple[int, int]], max_words: int) -> list[tuple[int, int]]:
    """Cut a 'sentence' longer than ``max_words`` (scraped menus, tables) at word boundaries."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        words = list(_WORD.finditer(text, start, end))
        if len(words) <= max_words:
            out.append((start, end))
            continue
        for i in range(0, len(words), max_words):
            piece = words[i : i + max_words]
            out.append((piece[0].start(), piece[-1].end()))
    return out


def split_article(text: str, target_words: int = 200, max_words: int = 250, overlap_words: int = 30) -> list[Chunk]:
    """Group whole sentences into chunks of about ``target_words``, never over ``max_words``
    (unless one sentence is), overlapping by the trailing sentences that fit in ``overlap_words``."""
    max_words = max(max_words, target_words)
    spans = _cap_long_spans(text, split_sentences(text), max_words)
    if not spans:
        return []
    counts = [len(text[s:e].split()) for s, e in spans]
    groups: list[tuple[int, int]] = []  # sentence index ranges [i, j)
    i = 0
    while i < len(spans):
        j, words = i, 0
        while j < len(spans) and (j == i or words + counts[j] <= max_words):
            words += counts[j]
            j += 1
            if words >= target_words:
                break
        groups.append((i, j))
        if j >= len(spans):
            break
        back, overlap = j, 0
        while back - 1 > i and overlap + counts[back - 1] <= overlap_words:
            back -= 1
            overlap += counts[back]
        i = back
    if len(groups) > 1:
        (pi, _), (li, lj) = groups[-2], groups[-1]
        if sum(counts[li:lj]) < target_words // 3 and sum(counts[pi:lj]) <= max_words:
            groups[-2:] = [(pi, lj)]
    chunks = []
    for position, (a, b) in enumerate(groups):
        start, end = spans[a][0], spans[b - 1][1]
        chunks.append(Chunk(position=position, start=start, end=end, text=text[start:end]))
    return chunks
