"""Chat history, and follow-up questions made standalone without an LLM.

A follow-up ("and what did Putin offer?", "why was he cautious?") borrows the names
and topic words of the earlier user turns that it lacks, so retrieval still finds the
passages the conversation is about. LLM answerers condense with a prompt instead.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.errors import InvalidRequestError
from assistant.terms import QUESTION_WORDS, STOPWORDS, words
from assistant.timeline import story_topic


@dataclass(frozen=True)
class Turn:
    """One message of a conversation."""

    role: str  # "user" or "assistant"
    content: str


_FOLLOW_UP_START = re.compile(
    r"^\s*(?:and|but|also|so|then|what about|how about|and what|what else|anything else)\b", re.I
)
_BACK_REFERENCE = re.compile(
    r"\b(?:he|she|they|him|her|them|his|hers|their|theirs|it|its|this|that|these|those|there|the same)\b", re.I
)
_NAME = re.compile(r"\b[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)*")


def normalize_history(history: Iterable[Any] | None) -> list[Turn]:
    """Turns from ``{"role", "content"}`` dicts, ``(question, answer)`` pairs or :class:`Turn` objects."""
    turns: list[Turn] = []
    for item in history or []:
        if isinstance(item, Turn):
            turns.append(item)
        elif isinstance(item, Mapping):
            role, content = item.get("role"), item.get("content")
            if role not in ("user", "assistant", "system") or not isinstance(content, str):
                raise InvalidRequestError("each history item needs a role (user or assistant) and text content")
            if role != "system":
                turns.append(Turn(str(role), content))
        elif isinstance(item, Sequence) and not isinstance(item, str) and len(item) == 2:
            question, reply = item
            if question:
                turns.append(Turn("user", str(question)))
            if reply:
                turns.append(Turn("assistant", str(reply)))
        else:
            raise InvalidRequestError(f"cannot read history item {item!r}")
    return turns


def is_follow_up(question: str) -> bool:
    """True when a question leans on earlier turns (starts with 'and', refers back, or is very short)."""
    content = [w for w in words(question) if w not in STOPWORDS and w not in QUESTION_WORDS]
    names = [n for n in _NAME.findall(question) if n.split()[0].lower() not in QUESTION_WORDS | STOPWORDS]
    return (
        bool(_FOLLOW_UP_START.search(question))
        or (bool(_BACK_REFERENCE.search(question)) and not names)
        or len(content) <= 1
        or story_topic(question) == ""  # "How did the story unfold?", "What's the latest on it?": the conversation's
    )


@dataclass(frozen=True)
class Condensed:
    """A question made standalone: what to answer, and what to search for."""

    question: str
    search: str


_PERSONAL = re.compile(r"\b(he|she|him|her|his)\b", re.I)
_WHO = re.compile(r"\s*(?:and |but |so )?(?:who|whom|whose)\b", re.I)  # a question asking for a person
_CALENDAR = frozenset(name.lower() for name in (*calendar.day_name, *calendar.month_name[1:]))
_TITLES = {
    "president",
    "prime",
    "minister",
    "supreme",
    "leader",
    "ayatollah",
    "king",
    "queen",
    "pope",
    "general",
    "senator",
    "governor",
    "mayor",
    "chancellor",
    "secretary",
    "foreign",
    "dr",
    "mr",
    "mrs",
    "ms",
    "sir",
    "former",
    "treasurer",
    "judge",
    "chief",
    "executive",
    "director",
    "officer",
    "ceo",
    "commissioner",
    "councillor",
    "councilor",
    "deputy",
    "spokesperson",
    "spokesman",
    "spokeswoman",
}
_MIN_TOPIC_WORDS = 3  # a follow-up borrows from older turns until it has this many of their words


def _body(reply: str) -> str:
    """An answer without its markers and its headline lines (a title-cased line: "Jury Convicts Former
    Treasurer Gregory Albin [1]" is no one's name), nor the lines that open it on a paragraph of their
    own: a headline ("Golden Globes 2023: 'Banshees of Inisherin' wins best comedy [1]"), a note
    ("The passages quoted don't mention Trump; they come closest:")."""
    paragraphs = reply.strip().split("\n\n")
    while len(paragraphs) > 1 and _opening_line(paragraphs[0]):
        paragraphs.pop(0)
    lines = [line for line in re.sub(r"\[\d+\]", "", "\n\n".join(paragraphs)).split("\n") if not _title_cased(line)]
    return "\n".join(lines)


def _opening_line(paragraph: str) -> bool:
    """A line of its own ending in ":" (a note), or in a marker after no sentence's stop (a headline,
    maybe cut short with "..."): not an answer of one sentence ("Marta Olsen scored twice. [1]")."""
    line = paragraph.strip()
    if "\n" in line or len(line.split()) > 30:
        return False
    headline = re.fullmatch(r"(.*?)\s*\[\d+\]", line)
    return line.endswith(":") or (headline is not None and not re.search(r"(?<!\.)[.!?][\"”’')]*$", headline[1]))


def _title_cased(line: str) -> bool:
    tokens = [t for t in re.findall(r"[A-Za-z][\w'’\-]*", line) if t.lower() not in STOPWORDS]
    return len(tokens) >= 3 and sum(t[0].isupper() for t in tokens) >= 0.8 * len(tokens)


def _antecedent(previous_question: str, reply: str, history: Sequence[Turn]) -> str | None:
    """Who 'he'/'she' most likely is. After "Who won the final?", the first full name the answer
    added; after a question about someone ("Why did George Santos resign?"), that person, not
    someone the answer quotes; after one saying "he" itself, whom the conversation is about."""
    asked = set(words(previous_question))
    added = [name for name in _full_names(_body(reply)) if not all(w in asked for w in words(name))]
    named = _full_names(previous_question)
    if not _WHO.match(previous_question):
        if named:
            return named[0]
        if _PERSONAL.search(previous_question) and (subject := _subject(history)):
            return subject
    return next(iter(added + named), None)


def _full_names(text: str) -> list[str]:
    """The full names in ``text`` (two to four capitalised words, titles left out), in order."""
    names = []
    for run in _NAME.findall(text):
        parts = [p for p in run.split() if p.lower().strip("'’s") not in _TITLES]
        parts = [p for p in parts if p.lower() not in QUESTION_WORDS | STOPWORDS | _CALENDAR]  # "Twitter Wednesday"
        if 2 <= len(parts) <= 4 and not parts[-1].endswith(("'s", "’s")):
            names.append(" ".join(parts))
    return names


def _subject(history: Sequence[Turn]) -> str | None:
    """Whom the conversation is about: of the full names its answers give, the one whose surname
    comes up most often in all its turns."""
    names = [name for t in history if t.role == "assistant" for name in _full_names(_body(t.content))]
    text = " ".join(t.content for t in history)
    return max(names, key=lambda n: len(re.findall(rf"\b{re.escape(n.split()[-1])}\b", text)), default=None)


def _resolve_pronoun(question: str, name: str) -> str:
    """Put the name in place of the first personal pronoun ("Where did he go?" -> "Where did X go?")."""

    def swap(match: re.Match[str]) -> str:
        return f"{name}'s" if match.group(1).lower() == "his" else name

    return _PERSONAL.sub(swap, question, count=1)


def condense_without_llm(question: str, history: Sequence[Turn]) -> Condensed:
    """Search with the question plus the names and topic words of earlier user turns that it lacks
    (from the last, and the ones before while it gives few: "Why?" after "What did the union decide?"
    is still about the strike asked of before), and, when none of them names anyone, whom the
    conversation is about; answer the question as asked."""
    earlier = [t.content for t in history if t.role == "user"]
    if not earlier or not is_follow_up(question):
        return Condensed(question, question)
    replies = [t.content for t in history if t.role == "assistant"]
    if _PERSONAL.search(question):
        name = _antecedent(earlier[-1], replies[-1] if replies else "", history)
        if name:
            question = _resolve_pronoun(question, name)
    have = {w.removesuffix("'s") for w in words(question)}
    borrowed: list[str] = []

    def borrow_names(text: str) -> None:
        for name in _NAME.findall(text):
            parts = [p for p in name.split() if p.lower() not in QUESTION_WORDS and p.lower() not in STOPWORDS]
            name = " ".join(parts)
            if name and not all(w.removesuffix("'s") in have for w in words(name)) and name not in borrowed:
                borrowed.append(name)

    # "he" may be who the last answer named; a story's "it" ("What's the latest on it?") is what was asked about
    if replies and _BACK_REFERENCE.search(question) and story_topic(question) != "":
        borrow_names(_body(replies[-1])[:400])
    for text in reversed(earlier[-3:]):
        borrow_names(text)
        for word in words(text):
            topical = word not in STOPWORDS and word not in QUESTION_WORDS and len(word) > 3 and word not in have
            if topical and not any(word in words(b) for b in borrowed):
                borrowed.append(word)
        if len(borrowed) >= _MIN_TOPIC_WORDS:
            break
    if not any(_NAME.fullmatch(b) for b in borrowed) and not _NAME.search(question[1:]):
        subject = _subject(history)  # "And the prosecutor?": of the case the conversation is about
        if subject and subject not in borrowed:
            borrowed.append(subject)
    if not borrowed:
        return Condensed(question, question)
    return Condensed(question, f"{question.rstrip()} ({', '.join(borrowed[:8])})")


def format_history(history: Sequence[Turn], limit: int = 6) -> str:
    """The last turns as plain text for a prompt."""
    return "\n".join(f"{t.role}: {t.content.strip()}" for t in history[-limit:])
