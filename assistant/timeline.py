"""Questions about a story as it went: "How did the balloon story unfold?", "Timeline of the rail
strike", "the story so far on the ferry"; and its latest news: "What's the latest on the ferry?",
"Any updates on the strike?".

They ask for a story report by report, not one fact of it: retrieval finds the articles that
report the topic (:meth:`assistant.retrieval.NewsRetriever.timeline`), oldest first for how it
went, the newest few newest first for its latest news, and the extractive answerer gives one line
per report: its date, headline and the sentence that tells the news.

    >>> timeline_topic("How did the rail strike unfold?")
    'the rail strike'
    >>> timeline_topic("Give me a timeline of the ferry fire")
    'the ferry fire'
    >>> timeline_topic("How did it unfold? (rail, strike)")
    'rail strike'
    >>> timeline_topic("When did the rail strike start?") is None
    True
    >>> latest_topic("What's the latest on the rail strike?")
    'the rail strike'

"""

from __future__ import annotations

import re

# "how did X unfold?", "how has X developed so far?": the topic between the asking words and the verb
_HOW_IT_WENT = re.compile(
    r"^\s*how\s+(?:did|has|have|had)\s+(?P<topic>.+?)\s+(?:unfold(?:ed)?|develop(?:ed)?|evolve[d]?|progress(?:ed)?|"
    r"play(?:ed)? out)\b",
    re.I,
)
# "timeline of X", "a chronology of X", "the story so far on X", "X: the story so far", "walk me through X"
_ASKS_FOR_TIMELINE = re.compile(
    r"(?:\b(?:a|the) (?:full |complete |short |brief )?)?\b(?:time\s?line|chronology|sequence of events|story so far|"
    r"walk me through|blow[- ]by[- ]blow(?: account)?)\b(?:\s+of (?:the )?events)?(?:\s+(?:of|on|for|about|in|around)\b)?",
    re.I,
)
# the words asking for it, before the topic ("Can you give me ...", "What is ...") or after it ("... so far")
_REQUEST = re.compile(
    r"^(?:(?:can|could|would|will) you|please|give(?: me)?|show(?: me)?|make(?: me)?|i (?:want|need|would like)|"
    r"what(?:'s|’s| is| was| are)|tell me|\s|[,:;])+|(?:\s+(?:so far|story|to date|until now))+$|[\s,:;–—-]+$",
    re.I,
)


# a topic that only points back at the conversation's ("How did it unfold?", "the story so far")
_NO_TOPIC_WORDS = "the a it this that these those story stories things events situation matter all everything"
_NO_TOPIC = frozenset(_NO_TOPIC_WORDS.split())


# "What's the latest on X?", "Any updates on X?", "Update me on X", "What's new with X?", "Where does X stand?"
_ASKS_FOR_LATEST = re.compile(
    r"^(?:(?:so|and|ok|okay),?\s+)?(?:(?:what(?:'s|’s| is| are)|give me|tell me|show me)\s+)?(?:the\s+)?(?:"
    r"(?:latest|newest|most recent)(?:\s+(?:news|updates?|developments?|reports?))?\s+(?:on|about|with|in|regarding|from)"
    r"\s+(?P<latest>.+)|(?:are there\s+)?any\s+(?:new\s+)?(?:news|updates?|developments?)\s+(?:on|about|with|in|regarding)"
    r"\s+(?P<any>.+)|(?:an?\s+)?update(?:\s+me)?\s+(?:on|about)\s+(?P<update>.+)|new\s+(?:with|on|about)\s+(?P<new>.+))$"
    r"|^where\s+(?:do|does|did)\s+(?P<standing>.+?)\s+stand(?:\s+now)?$",
    re.I,
)


def latest_topic(question: str) -> str | None:
    """The topic whose latest news ``question`` asks for ("the tram line" of "What's the latest on the
    tram line?"); "" when it names none ("What's the latest on it?"); None for another question."""
    text, context = _without_borrowed(question)
    match = _ASKS_FOR_LATEST.search(text)
    if not match:
        return None
    return _with_context(next(topic for topic in match.groups() if topic is not None), context)


def story_topic(question: str) -> str | None:
    """The topic of a question asking how a story went or its latest news; None for another."""
    topic = timeline_topic(question)
    return latest_topic(question) if topic is None else topic


def timeline_topic(question: str) -> str | None:
    """The topic whose story ``question`` asks to be told report by report ("the rail strike" of "How
    did the rail strike unfold?"); "" when it names none ("How did it unfold?": the conversation's,
    which a follow-up's search adds in brackets: "How did it unfold? (rail, strike)"); None for a
    question that asks something else."""
    text, context = _without_borrowed(question)
    how = _HOW_IT_WENT.search(text)
    asks = None if how else _ASKS_FOR_TIMELINE.search(text)
    if how:
        topic = how.group("topic")
    elif asks:  # the topic after the request ("timeline of the strike"), or before it ("the strike: the story so far")
        topic = text[asks.end() :] if text[asks.end() :].strip() else text[: asks.start()]
    else:
        return None
    return _with_context(topic, context)


def _without_borrowed(question: str) -> tuple[str, str]:
    """The question without the words a follow-up's search borrowed, in brackets at its end, and those words."""
    text = question.strip()
    borrowed = re.search(r"\s*\(([^()]*)\)\s*$", text)
    if borrowed:
        text = text[: borrowed.start()]
    return text.rstrip("?.! "), borrowed.group(1).replace(",", " ") if borrowed else ""


def _with_context(topic: str, context: str) -> str:
    """The topic without the words asking for it, or "" when it only points back; then the borrowed words."""
    topic = _REQUEST.sub("", _REQUEST.sub("", topic.strip()))
    if all(word in _NO_TOPIC for word in topic.lower().split()):
        topic = ""
    return re.sub(r"\s+", " ", f"{topic} {context}").strip()
