"""Quotations in article text: whether a sentence reports speech, whether it opens or closes a
quotation, and the span a quoted sentence must be widened to so it is never shown cut off from
its speaker.

    >>> quote_balance('"Some lost a week of pay.')
    1
"""

from __future__ import annotations

import re

from assistant.records import Passage
from ingest.chunking import split_sentences

# A short sentence that only goes on from the one before it: "It is 150, not 140." "That is a record."
_FOLLOW_ON = re.compile(r"(?:It|This|That|These|Those|They|He|She)\b(?:\s+\S+){1,6}[.!?]$")
# Words that say who spoke: a sentence holding one is attributed speech.
_ATTRIBUTION = re.compile(r"\b(?:said|says|say|told|tells|added|asked|wrote|according to)\b", re.I)
_BY_PRONOUN = re.compile(
    r"\b(?:he|she|they)\s+(?:said|says|added|told|wrote|asked)\b|\b(?:said|says|added)\s+(?:he|she|they)\b", re.I
)
_BARE_QUOTATION = re.compile(r"^[\"“][^\"“”]+[\"”]$|^[\"“][^\"“”]+[.!?][\"”]$")
# What follows a quotation that closes before the sentence ends: '... right away," | Brady says as the message begins.'
_AFTER_QUOTATION = re.compile(r"[,.!?][\"”]\s+([^\"“”]*[.])$")


def quote_balance(text: str) -> int:
    """How many quotations ``text`` opens and does not close (negative: closes ones it did not open)."""
    balance = text.count("“") - text.count("”")
    for match in re.finditer('"', text):
        before = text[match.start() - 1] if match.start() else " "
        balance += 1 if before.isspace() or before in "([—–-" else -1
    return balance


def is_speech(sentence: str) -> bool:
    """Whether ``sentence`` reports what someone said: it says who spoke, or quotes."""
    return bool(_ATTRIBUTION.search(sentence) or quote_balance(sentence) or re.search('["“”]', sentence))


def _spoken_before(sentence: str) -> bool:
    """Whether ``sentence`` ends with who spoke after a quotation it closes: '... right away," Brady
    says as the message begins.'"""
    after = _AFTER_QUOTATION.search(sentence)
    return bool(after and _ATTRIBUTION.search(after.group(1)))


def quotation_span(passage: Passage, start: int, end: int, most: int = 2) -> tuple[int, int]:
    """The span (offsets in the article's text) of the sentence at ``start``-``end`` of ``passage``
    with the rest of a quotation it is part of: a sentence that opens a quotation the full stop did
    not end ("Some lost a week of pay. | Many more are retirees," she said.) runs to where it
    closes, and one that closes a quotation begins where it opened; so a quote is never shown cut
    off from its speaker. A quotation standing alone comes with the sentence before it that says
    who spoke, and the one before that when it says only "she said". A short sentence that only
    goes on from it ("It is 150, not 140.") comes with it too. At most ``most`` sentences are
    added, all from the passage; the span is the sentence's own when none is."""
    spans = split_sentences(passage.quote)
    offsets = [(passage.start + s, passage.start + e) for s, e in spans]
    if (start, end) not in offsets:
        return start, end
    first = last = offsets.index((start, end))
    balance = quote_balance(passage.quote[spans[first][0] : spans[first][1]])
    while balance > 0 and last + 1 < len(spans) and last - first < most:
        last += 1
        balance += quote_balance(passage.quote[spans[last][0] : spans[last][1]])
    while balance < 0 and first > 0 and last - first < most:
        first -= 1
        balance += quote_balance(passage.quote[spans[first][0] : spans[first][1]])
    if balance != 0:
        return start, end  # the quotation runs on past what may be added
    speaker = 0
    while (
        speaker < 2
        and first > 0
        and last - first < most
        and (
            (speaker == 0 and _BARE_QUOTATION.match(passage.quote[spans[first][0] : spans[last][1]].strip()))
            or (speaker == 1 and _BY_PRONOUN.search(passage.quote[spans[first][0] : spans[first][1]]))
        )
    ):
        before = passage.quote[spans[first - 1][0] : spans[first - 1][1]]
        if speaker == 0 and _spoken_before(before) and "\n" not in passage.quote[spans[first - 1][1] : spans[first][0]]:
            # '"I'll be brief," she said. | "I'm retiring."': the same speaker's words go on from
            # a quotation that closes before who spoke; it comes whole, from where it opened
            opened = _where_opened(passage.quote, spans, first - 1, most)
            if opened is None:
                break
            first = opened
        elif not _ATTRIBUTION.search(before) or quote_balance(before) != 0:
            break
        else:
            first -= 1
        speaker += 1
    if _spoken_before(passage.quote[spans[last][0] : spans[last][1]]):
        last = _words_going_on(passage.quote, spans, last, most)
    if last + 1 < len(spans) and last - first < most:
        following = passage.quote[spans[last][1] : spans[last + 1][1]]
        if "\n" not in following and _FOLLOW_ON.match(following.strip()):
            last += 1  # "... misstated the number of computers. | It is 150, not 140."
    return offsets[first][0], offsets[last][1]


def _where_opened(text: str, spans: list[tuple[int, int]], index: int, most: int) -> int | None:
    """The sentence where the quotation closed in sentence ``index`` opened, at most ``most``
    sentences before it, in the same paragraph; None when it opened further up."""
    balance = quote_balance(text[spans[index][0] : spans[index][1]])
    first = index
    while (
        balance < 0 and first > 0 and index - first < most and "\n" not in text[spans[first - 1][1] : spans[first][0]]
    ):
        first -= 1
        balance += quote_balance(text[spans[first][0] : spans[first][1]])
    return first if balance == 0 else None


def _words_going_on(text: str, spans: list[tuple[int, int]], last: int, most: int) -> int:
    """``last``, or the end of the quotation right after it in the same paragraph, which goes on
    with the same speaker's words: '"I'll get to the point," Brady says. | "I'm retiring. | For
    good."' At most ``most`` sentences are added; nothing when that quotation says who spoke."""
    end = last
    balance = 0
    while end + 1 < len(spans) and end - last < most and "\n" not in text[spans[end][1] : spans[end + 1][0]]:
        end += 1
        balance += quote_balance(text[spans[end][0] : spans[end][1]])
        if balance == 0:
            break
    going_on = text[spans[last + 1][0] : spans[end][1]].strip() if end > last else ""
    return end if balance == 0 and _BARE_QUOTATION.match(going_on) else last
