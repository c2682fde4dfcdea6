"""Digest questions: "What happened this week?", "What's the latest news?", "Catch me up".

They name no topic, so there is nothing to search for: what they ask for is the news of a
time. Retrieval answers them with the opening passage of each of the newest articles in
that time (see :meth:`assistant.lexical.LexicalIndex.latest`), and the extractive answerer
lists those articles' headlines with their first sentences.

    >>> is_digest("What happened this week?", "this week")
    True
    >>> is_digest("What happened to the ferry this week?", "this week")
    False
"""

from __future__ import annotations

import re

from assistant.terms import QUESTION_WORDS, terms

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
