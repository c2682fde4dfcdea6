"""What every answerer gives back, and the interface it implements."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from assistant.conversation import Condensed, Turn
from assistant.records import Passage

REFUSAL = "The ingested articles don't cover this question."


@dataclass
class Draft:
    """An answer before its citations are checked.

    ``text`` carries ``[n]`` markers, ``n`` being the 1-based position of a passage in
    the list the answerer was given. ``highlights`` maps ``n`` to the spans (offsets in
    the article text) of the sentences the answer rests on. ``cut_off`` says that the reply
    ended before the model finished it (its length limit, a dropped connection); a note says so.
    """

    text: str
    answerer: str
    refused: bool = False
    check_support: bool = False
    highlights: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    cut_off: bool = False


class Answerer(Protocol):
    """Writes an answer from retrieved passages.

    ``stream_draft`` yields text deltas and, last, the complete :class:`Draft`. ``check_support``
    says whether the text it writes is checked against the passages (an LLM's, as it streams too).
    ``streams`` says whether it writes its answer as it goes; one that has the whole answer at
    once (the extractive answerer) is shown in its final form, markers numbered as the citations.
    """

    name: str
    check_support: bool
    streams: bool

    def condense(self, question: str, history: Sequence[Turn]) -> Condensed:
        """A follow-up made standalone: the question to answer and the text to search with."""
        ...

    def draft(self, question: str, passages: Sequence[Passage], history: Sequence[Turn]) -> Draft:
        """The answer, with markers pointing into ``passages``."""
        ...

    def stream_draft(
        self, question: str, passages: Sequence[Passage], history: Sequence[Turn]
    ) -> Iterator[str | Draft]:
        """Text deltas as they are written, then the :class:`Draft`."""
        ...
