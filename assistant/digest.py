"""Digest questions: "What happened this week?", "What's the latest news?", "Catch me up".

They name no topic, so there is nothing to search for: what they ask for is the news of a
time. Retrieval answers them with the opening passage of each of the newest articles in
that time (see :meth:`assistant.lexical.LexicalIndex.latest`), grouped into stories (articles
whose openings are close in meaning report one piece of news: :func:`stories`), newest story
first, or the most reported first when the question asks for the main news; the extractive
answerer lists each story's newest headline with its first sentence, and its other reports.

    >>> is_digest("What happened this week?", "this week")
    True
    >>> is_digest("What happened to the ferry this week?", "this week")
    False
"""

from __future__ import annotations

import re

import numpy as np

from assistant.terms import QUESTION_WORDS, terms

# Two articles' openings this close in meaning (cosine, all-MiniLM-L6-v2) report one story. On the
# dev set's weeks the reports of a spy balloon, an earthquake, an airline outage or a trade are
# 0.65 and above, two stories on planets (0.55) or two about the House (0.59) are not; among the
# 200 newest articles, 0.6 chained 27 about Congress into one story, 0.65 none (BENCHMARKS.md).
SAME_STORY = 0.65

# Words that ask for news in general (as ``terms`` stems them), and requests around them.
_GENERAL = frozenset(
    [
        "happen",
        "latest",
        "news",
        "new",
        "top",
        "stori",
        "headlin",
        "summari",
        "summar",
        "updat",
        "recent",
        "brief",
        "briefli",
        "catch",
        "give",
        "tell",
        "show",
        "list",
        "anyth",
        "els",
        "go",
        "on",
        "day",
        "week",
        "month",
        "year",
        "today",
        "tonight",
        "yesterday",
        "overview",
        "roundup",
        "round",
        # "the main stories", "the biggest news", "anything important", "what do I need to know?"
        "main",
        "big",
        "biggest",
        "major",
        "key",
        "import",
        "notabl",
        "need",
        "know",
        "miss",
    ]
)
_ASKS_FOR_NEWS = re.compile(
    r"\b(?:news|happen\w*|latest|new|headlines?|stor(?:y|ies)|summar\w*|updates?|recent\w*|brief\w*|catch (?:me )?up|"
    r"going on|round-?up|overview|need to know|did i miss)\b",
    re.I,
)


def is_digest(question: str, time_phrase: str | None = None) -> bool:
    """True when ``question`` asks for the news of a time rather than about something: every word it
    has, once ``time_phrase`` ("this week") is taken out, is a question word or asks for news."""
    text = question.lower().replace(time_phrase.lower(), " ") if time_phrase else question
    if not _ASKS_FOR_NEWS.search(text):
        return False
    return all(t in QUESTION_WORDS or t in _GENERAL for t in terms(text))


# A question asking for the news that matters most: the most reported stories first.
_ASKS_FOR_MAIN = re.compile(r"\b(?:main|big|biggest|top|major|key|important)\b", re.I)


def asks_for_main(question: str) -> bool:
    """True when a digest question asks for the main news ("What are the top stories?"), not the newest."""
    return bool(_ASKS_FOR_MAIN.search(question))


def stories(vectors: np.ndarray, threshold: float = SAME_STORY) -> list[list[int]]:
    """The rows of ``vectors`` (articles' openings, newest first) grouped into stories: two
    articles whose cosine similarity is ``threshold`` or more report one story, and so does any
    article linked to it by such a chain. Each story lists its rows in the order given; the
    stories come in the order of their first rows.

    >>> stories(np.array([[1.0, 0.0], [0.0, 1.0], [0.9, 0.1]]))
    [[0, 2], [1]]
    """
    if not len(vectors):
        return []
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    linked = (unit @ unit.T) >= threshold
    story_of = list(range(len(unit)))

    def root(i: int) -> int:
        while story_of[i] != i:
            story_of[i] = story_of[story_of[i]]
            i = story_of[i]
        return i

    for i, j in zip(*np.nonzero(np.triu(linked, 1)), strict=True):
        a, b = root(int(i)), root(int(j))
        story_of[max(a, b)] = min(a, b)  # a story is known by its first row
    groups: dict[int, list[int]] = {}
    for i in range(len(unit)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())
