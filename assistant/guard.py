"""Article text is data, never instructions: what keeps injected text out of answers.

- Instruction-like sentences in articles ("ignore previous instructions...") are
  removed from what an answerer sees or quotes.
- Citation markers and fences inside article text are neutralised, so an article
  cannot forge a citation or close its own fence.
- An LLM reply loses any "Sources:" block of its own (newsdesk lists the sources) and
  is refused if it echoes the system prompt.
"""

from __future__ import annotations

import re

from ingest.chunking import split_sentences

_INJECTION = re.compile(
    r"""(?ix)
    \b(?:ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}\b(?:previous|prior|above|earlier|all|any|your|these|system)\b[^.!?\n]{0,30}\b(?:instructions?|prompts?|directions?|guidelines?)\b
  | \b(?:ignore|disregard|forget)\s+(?:everything\s+|all\s+|anything\s+)?(?:the\s+|that\s+is\s+)?(?:above|before\s+this)\b
  | \b(?:reveal|print|show|repeat|output|leak|disclose)\b[^.!?\n]{0,40}\b(?:system\s+prompt|your\s+(?:instructions|prompt|rules))\b
  | \bsystem\s+prompt\b
  | \byou\s+are\s+(?:now\s+)?(?:an?\s+)?(?:ai|assistant|chatbot|language\s+model|llm|chatgpt|newsdesk)\b
  | \b(?:as\s+an?\s+)?(?:ai|language\s+model|llm|assistant)s?\b[^.!?\n]{0,30}\b(?:must|should|will)\s+(?:reply|respond|answer|say|output)\b
  | \b(?:reply|respond|answer)\s+(?:only\s+)?(?:with|using)\s+(?:the\s+(?:word|text|phrase)\s+)?["'“]?[A-Z]{3,}
  | \bnew\s+instructions?\s*:
  | </?\s*(?:system|assistant|user|instructions?)\s*>
  | \[\s*(?:system|inst)\s*\]
    """
)
_MARKER = re.compile(r"\[(\s*\d+(?:\s*[,;\-–]\s*\d+)*\s*)\]")
_FENCE = re.compile(r"<<<|>>>")
SOURCE_LIST_WORDS = ("sources", "references", "citations")
# A line that opens a model's own list of sources: "Sources:", "**References**", "## Citations",
# "Sources: [1] ..."; not a sentence that starts with the word ("Sources say the vote ...").
_SOURCES_HEADER = re.compile(
    rf"(?i)^\s*(?:#+\s*)?(?:\*\*)?(?:{'|'.join(SOURCE_LIST_WORDS)})(?:\*\*)?\s*:?\s*(?:\*\*)?\s*(?:$|\[|\d|-|\*)"
)


def looks_like_injection(sentence: str) -> bool:
    """True for text that addresses an AI with instructions rather than reporting news."""
    return bool(_INJECTION.search(sentence))


def neutralize_markers(text: str) -> str:
    """``[3]`` in article text becomes ``(3)``: only newsdesk writes citation markers."""
    return _MARKER.sub(lambda m: f"({m.group(1).strip()})", text)


def sanitize_passage(text: str) -> str:
    """Passage text as an LLM may see it: no instruction-like sentences, no markers, no fences."""
    kept = []
    cursor = 0
    for start, end in split_sentences(text):
        if looks_like_injection(text[start:end]):
            kept.append(text[cursor:start])
            kept.append("[instruction-like text removed]")
            cursor = end
    kept.append(text[cursor:])
    return _FENCE.sub("", neutralize_markers("".join(kept)))


def opens_sources_list(line: str) -> bool:
    """Whether ``line`` opens a list of sources ("Sources:", "**References**", "Sources: [1] ...")."""
    return bool(_SOURCES_HEADER.match(line))


def strip_sources_block(answer: str) -> str:
    """Drop a trailing 'Sources:' / 'References:' section the model wrote itself (from the first
    line after the answer's first that opens one)."""
    lines = answer.split("\n")
    for i, line in enumerate(lines):
        if i > 0 and opens_sources_list(line):
            return "\n".join(lines[:i]).rstrip()
    return answer


def echoes_prompt(answer: str, prompt: str, window: int = 60) -> bool:
    """True when the answer repeats a long stretch of the system prompt."""
    flat_answer = " ".join(answer.lower().split())
    flat_prompt = " ".join(prompt.lower().split())
    if len(flat_prompt) < window:
        return flat_prompt in flat_answer
    return any(flat_prompt[i : i + window] in flat_answer for i in range(0, len(flat_prompt) - window + 1, window // 3))


# What a model writes around its answer that is not the answer, or cites in its own way.
THINK_START = re.compile(r"<think(?:ing)?>", re.I)  # a reasoning model's thoughts begin...
THINK_END = re.compile(r"</think(?:ing)?>", re.I)  # ... and end
_THINKING = re.compile(rf"{THINK_START.pattern}.*?(?:{THINK_END.pattern}|\Z)\s*", re.I | re.S)
ALT_MARKER = re.compile(
    r"【\s*(\d+)[^】\n]{0,40}】|\[\^(\d+)\]"
    r"|\[\s*(?:source|passage|doc(?:ument)?|ref(?:erence)?|citation)s?\s*[#:]?\s*(?:passages?\s*)?"
    r"(\d+(?:\s*(?:,|and)\s*\d+)*)\s*\]",
    re.I,
)  # 【1】, 【1†source】, [^1], [Source 1], [Passage 1], [citation:2], [Source: Passage 1], [Passages 1, 2]
# (Passage 2), (sources 1, 3); and a bare (1) where a marker goes, before a sentence's punctuation
# or its end (not "(1) fares and (2) buses", nor "(in 2025)")
_PAREN_MARKER = re.compile(
    r"(?i)[ \t]*\(\s*(?:(?:source|passage|doc(?:ument)?|ref(?:erence)?)s?\s*#?\s*)"
    r"(\d{1,2}(?:\s*(?:,|and)\s*\d{1,2})*)\s*\)"
    r"|[ \t]*\((\d{1,2}(?:\s*,\s*\d{1,2})*)\)(?=[ \t]*(?:[.!?;,:]|$))",
    re.M,
)
_LINKED_MARKER = re.compile(r"\[(\d+)\]\((?:https?://|www\.)[^)\s]*\)")  # [1](https://...)
_LINK = re.compile(r"\(?\[([^\]\n]{1,80})\]\((?:https?://|www\.)[^)\s]*\)\)?")  # [label](https://...)
# a web address the model wrote (with what leads into it): newsdesk lists the sources, with their own links
_BARE_LINK = re.compile(
    r"(?i)(?:,?[ \t]*\b(?:as\s+)?(?:reported|published|posted|available|seen)\s+(?:at|on|by|in)\s*:?|[ \t]*\bvia\b)?"
    r"[ \t]*(?:\b(?:more|read more|see|source|details)\s+(?:at|on|here)?\s*:?\s*)?<?(?:https?://|www\.)[^\s>)\]]*"
    r"[^\s>)\].,;:!?'\"”’]>?"
)  # with what leads into it: "..., as reported at <link>", "(see <link>)", "Read more at <link>"
_FENCE_LINE = re.compile(r"<<<\s*(?:passage\s*\d+|end)\s*>>>", re.I)  # the prompt's own fences, repeated
_EMPTY_SENTENCE = re.compile(r"(?<=[.!?])[ \t]+[.,;:]+(?=\s|$)|[ \t]*\(\s*\)")  # left of "More at <link> .", "(<link>)"
_LONE_MARKERS = re.compile(r"(?m)(?:^|(?<=[.!?]))[ \t]*(?:\[\d+\][ \t]*)+[.!?]?[ \t]*$")  # "[2]." alone
_LINK_WORDS = {"source", "sources", "link", "here", "article", "read more", "more"}
INLINE_SOURCES = re.compile(
    rf"(?i)[ \t]*(?:\*\*)?\b(?:{'|'.join(SOURCE_LIST_WORDS)})(?:\*\*)?\s*:\s*(?:\*\*)?\s*(?=\[\d|https?://|www\.)"
)  # "... [1]. Sources: [1] https://..." on the answer's own line


# "Fares rise. [1] Buses too. [2]": markers after a sentence's full stop belong to that sentence
_MARKER_AFTER_STOP = re.compile(r"(?<=\w)([.!?]['\"”’)]?)([ \t]*)((?:\[\d+(?:\s*[,;\-–]\s*\d+)*\][ \t]*)+)(?=\s|$)")


def markers_before_stops(text: str) -> str:
    """``Fares rise. [1] Buses too. [2]`` as ``Fares rise [1]. Buses too [2].``: a marker written after
    a sentence's full stop cites that sentence, not the next."""
    return _MARKER_AFTER_STOP.sub(lambda m: f" {m.group(3).strip()}{m.group(1)}", text)


def alt_marker_to_brackets(match: re.Match[str]) -> str:
    """``【1】``, ``[^1]``, ``[Source 1]`` as newsdesk's ``[1]``."""
    return f"[{next(g for g in match.groups() if g)}]"


def answer_start(text: str) -> int | None:
    """Where the answer begins in a reply that may open with a reasoning model's thoughts: after a
    ``</think>`` that no ``<think>`` opened (the model's template opened it), at 0 when ``<think>``
    comes first (its block is cut as it streams), None while neither tag has come."""
    opening, closing = THINK_START.search(text), THINK_END.search(text)
    if closing and (not opening or closing.start() < opening.start()):
        return closing.end()
    return 0 if opening else None


# How a reasoning model's thoughts read, and an answer about the news does not: a plan in the first
# person ("Okay, the user asks...", "Let me check", "I need to"), or talk of the task itself.
_PLANNING_OPENING = re.compile(
    r"(?i)\s*(?:<think(?:ing)?>\s*)?(?:okay|ok|alright|all right|hmm+|well|so)\b[,.!]?\s+(?:so\s+)?"
    r"(?:i\b|i'|let\b|let's|the user|we\b|first\b|looking\b)"
    r"|\s*(?:let me|let's|i need to|i should|i have to|i must|i'll|i will|first, i|we need to|we are asked)\b"
)
_TASK_TALK = re.compile(
    r"(?i)\bthe user(?:'s)?\b|\b(?:the|these|those) (?:provided |given )?passages\b|\bpassage \[?\d"
    r"|\bthe (?:system )?instructions\b|\bmy (?:final )?answer\b|\bthe question (?:asks|is asking)\b"
)


def reads_as_thinking(text: str) -> bool:
    """Whether ``text`` reads as a reasoning model's thoughts rather than an answer: it plans in the
    first person ("Okay, the user asks...", "Let me check"), or talks of the user, the passages or
    the question. For a reply that stopped before any tag told thoughts from the answer."""
    return bool(_PLANNING_OPENING.match(text) or _TASK_TALK.search(text))


def tidy_reply(text: str, sources: str = "") -> str:
    """A model's reply as an answer: its thinking dropped, its markers written ``[n]`` (``【1】``,
    ``[^1]``, ``(Passage 1)``, a bare ``(1)`` where a marker goes), links and web
    addresses it added dropped unless ``sources`` (the passages' text) holds them (newsdesk lists the
    sources, with their own links), and a list of sources it wrote, on a line of its own or after the
    answer's last sentence, cut."""
    text = _THINKING.sub("", text)
    closing = THINK_END.search(text)
    if closing:  # only the end of a thinking block: the model's template opened it
        text = text[closing.end() :].lstrip()
    text = ALT_MARKER.sub(alt_marker_to_brackets, text)
    text = _PAREN_MARKER.sub(lambda m: f" [{m.group(1) or m.group(2)}]", text)
    text = _LINKED_MARKER.sub(r"[\1]", text)
    text = _FENCE_LINE.sub("", text)

    def unlink(match: re.Match[str]) -> str:
        label = match.group(1).strip()
        if label.isdigit():
            return f"[{label}]"
        return "" if label.lower() in _LINK_WORDS else label

    text = _LINK.sub(unlink, text)

    def unless_quoted(match: re.Match[str]) -> str:
        address = re.search(r"(?i)(?:https?://|www\.)[^\s>)\]]+", match.group(0))
        return match.group(0) if address and address.group(0).rstrip(".,;:") in sources else ""

    text = markers_before_stops(_EMPTY_SENTENCE.sub("", _BARE_LINK.sub(unless_quoted, text)))
    text = _LONE_MARKERS.sub("", text)  # what is left of "Read more at <link> [2]."
    inline = INLINE_SOURCES.search(text)
    if inline and text[: inline.start()].strip():
        text = text[: inline.start()]
    return strip_sources_block(text.strip())


# A short reply that only says the passages hold no answer, in the model's words.
_NOT_COVERED = re.compile(
    r"(?i)\b(?:passages?|articles?|context|sources?|documents?|text)\b[^.!?\n]{0,40}\b(?:do(?:es)?\s+not|don't|doesn't)\s+"
    r"(?:contain|include|mention|say|provide|cover|address)\b"
    r"|\b(?:no|not\s+enough)\s+information\b[^.!?\n]{0,40}\b(?:passages?|articles?|context|provided)\b"
    r"|\bI\s+(?:cannot|can't|could\s+not|couldn't|am\s+unable\s+to)\s+(?:find|answer|determine|say|tell)\b"
    r"|\bnone\s+of\s+the\s+(?:passages|articles|sources|documents)\b[^.!?\n]{0,30}\b(?:mention|say|cover|contain|provide|address|answer)"
    r"|\bnot\s+(?:mentioned|stated|covered|given|reported|addressed)\s+in\s+(?:the|any\s+of\s+the)\s+(?:[\w-]+\s+){0,2}"
    r"(?:passages?|articles?|sources?|context|documents?)\b"
    r"|^\s*I\s+(?:do\s+not|don't)\s+know\b"
)


DECLINE_WORDS = 60  # a reply that declines in its own words is shorter than this


def says_not_covered(reply: str) -> bool:
    """True for a short reply (no citation, under 60 words) that says the passages do not answer."""
    return len(reply.split()) < DECLINE_WORDS and "[" not in reply and bool(_NOT_COVERED.search(reply))
