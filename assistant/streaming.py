"""What a streamed answer shows: the text the final answer will have, as it comes.

:class:`StreamCleaner` (in :mod:`assistant.citations`) cleans the model's deltas as they come;
:class:`CheckedStream` then lets the text through:

- with a ``check`` (an LLM's answer), one sentence at a time, each checked against the passages
  before it is shown: re-cited to the passage that holds it, or marked ``[unsupported]``, exactly
  as the final answer does it. A client that reads only the stream (an OpenAI-compatible chat
  client) sees the checked answer, not the model's first draft. A reply that may yet turn out to
  decline in its own words (no marker in its first ``DECLINE_WORDS`` words), or that says the
  refusal, is held back: it becomes the refusal.
- without one (the extractive answer, already quoted from the passages), as it comes.

Either way markers are renumbered in the order first cited, as in the final answer, and
:meth:`CheckedStream.finish` adds what completes the shown text into the final answer.

    >>> stream = CheckedStream()
    >>> stream.feed("Fares rise [4]. Buses [2] too.") + stream.finish("Fares rise [1]. Buses [2] too.")
    'Fares rise [1]. Buses [2] too.'
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from assistant.answerers.base import REFUSAL
from assistant.citations import check_support, cited_numbers, normalize_markers, passage_sentences, renumber
from assistant.embeddings import SentenceTransformerEmbeddings
from assistant.guard import DECLINE_WORDS, markers_before_stops, tidy_reply
from assistant.records import Passage
from ingest.chunking import split_sentences

_REFUSING = REFUSAL.lower().rstrip(".")


class CheckedStream:
    """Lets a cleaned, streaming answer through: sentence by sentence through ``check`` when given."""

    def __init__(self, check: Callable[[str], str] | None = None) -> None:
        self.check = check
        self.pending = ""  # cleaned text not shown yet: the sentence being written
        self.shown = ""  # all that was let through
        self.number: dict[int, int] = {}  # passage position -> marker, in the order first cited

    def feed(self, text: str) -> str:
        """What of the text so far can be shown now."""
        self.pending += text
        if self.check is None:
            return self._show(self._take(len(self.pending)))
        if not self.shown and "[" not in self.pending and len(self.pending.split()) < DECLINE_WORDS:
            return ""  # it may yet decline in its own words, which becomes the refusal
        if not self.shown and _REFUSING in " ".join(self.pending.lower().split()):
            return ""  # it says the refusal: the answer will be the refusal
        self.pending = markers_before_stops(self.pending)  # "Fares rise. [1] Buses ...": [1] is the first's
        spans = split_sentences(self.pending)
        if len(spans) < 2:
            return ""
        return self._show(self._take(spans[-1][0]))  # every sentence but the one being written

    def finish(self, final: str, refused: bool = False) -> str:
        """What completes the shown text into ``final``, the final answer's text. When the shown text
        is not the start of it (a reply withheld after it began), the refusal follows what was shown,
        or the rest of the reply is shown as it was checked."""
        rest = continuation(self.shown, final)
        if rest is not None:
            self.shown += rest
            return rest
        if refused:
            self.shown += "\n\n" + final
            return "\n\n" + final
        return self._show(self._take(len(self.pending)))

    def _take(self, end: int) -> str:
        block, self.pending = self.pending[:end], self.pending[end:]
        return block

    def _show(self, block: str) -> str:
        if self.check is not None and block.strip():
            core = block.strip()
            start = block.index(core[0])
            block = block[:start] + self.check(core) + block[start + len(core) :]
        for n in cited_numbers(block):
            self.number.setdefault(n, len(self.number) + 1)
        block = renumber(block, self.number)
        self.shown += block
        return block


def continuation(shown: str, final: str) -> str | None:
    """The part of ``final`` after what ``shown`` already holds, or None when ``shown`` is not its
    start; whitespace is not compared (the final answer's is tidied as a whole)."""
    i = j = 0
    while i < len(shown):
        if shown[i].isspace():
            i += 1
            continue
        while j < len(final) and final[j].isspace():
            j += 1
        if j >= len(final) or final[j] != shown[i]:
            return None
        i, j = i + 1, j + 1
    rest = final[j:]
    trailing = shown[len(shown.rstrip()) :]
    if trailing and rest.startswith(trailing):
        return rest[len(trailing) :]
    return rest.lstrip() if trailing else rest


def support_checker(passages: Sequence[Passage], embeddings: SentenceTransformerEmbeddings) -> Callable[[str], str]:
    """A ``check`` for :class:`CheckedStream`: sentences of an LLM's reply tidied, their markers
    expanded and checked against ``passages`` as :func:`resolve_citations` does the whole reply.
    The passages' sentences are embedded in the background meanwhile (the model is still writing)."""
    sources = "\n".join(p.quote for p in passages)
    warm = threading.Thread(target=embeddings.encode_cached, args=(passage_sentences(passages),), daemon=True)
    warm.start()

    def check(text: str) -> str:
        warm.join()
        text = normalize_markers(tidy_reply(text, sources), len(passages))
        return check_support(text, passages, embeddings)[0]

    return check
