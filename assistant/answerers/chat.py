"""The LLM answerer: any LangChain chat model writes the answer from fenced, numbered passages.

The ``openai`` entry of the registry builds it over ``ChatOpenAI`` pointed at any
OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, a llama.cpp server); tests give it
LangChain's fake chat models. Its citations are checked afterwards (see
:mod:`assistant.citations`).

    >>> answerer = ChatModelAnswerer(ChatOpenAI(model="qwen2.5", base_url="http://127.0.0.1:11434/v1", api_key="x"))
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.exceptions import ModelConnectionError, ModelTimeoutError
from langchain_core.language_models import BaseChatModel

from assistant.answerers.base import REFUSAL, Answerer, Draft
from assistant.conversation import Condensed, Turn, condense_without_llm, format_history
from assistant.errors import AnswererError
from assistant.guard import (
    answer_start,
    echoes_prompt,
    reads_as_thinking,
    sanitize_passage,
    says_not_covered,
    tidy_reply,
)
from assistant.records import Passage
from prompts import load_prompt, read_prompt

ECHO_WINDOW = 60  # characters of the instructions repeated word for word that make a reply an echo
_ECHO_HOLD = ECHO_WINDOW + ECHO_WINDOW // 3  # an echo is caught within this many characters (see echoes_prompt)
_ECHO_MIN = 16  # shorter ends are in the instructions by chance ("ed", " the "): they are shown
_DROPPED = "dropped"  # the finish of a reply whose stream ended without a finish_reason: the connection closed
# a reply that ended before the model finished it, by why: its note, and the note when only thoughts came
_ENDED_EARLY = {
    "length": (
        "The model stopped at its length limit: the answer may be cut off.",
        "The model stopped at its length limit while still thinking, before it answered.",
    ),
    _DROPPED: (
        "The reply was cut off: the connection to the model closed before the model finished it.",
        "The reply was cut off: the connection to the model closed while the model was still thinking.",
    ),
}
logger = logging.getLogger(__name__)


@dataclass
class _Reply:
    """A streamed reply as it comes: all its text (thoughts too), and why the model stopped."""

    text: str = ""
    finish: str | None = None


def lost_connection(exc: BaseException) -> bool:
    """Whether ``exc`` is the connection to the model closing, breaking or stalling, not the model or
    its server reporting an error."""
    return isinstance(exc, (ModelConnectionError, ModelTimeoutError, ConnectionError, TimeoutError))


def format_passages(passages: Sequence[Passage]) -> str:
    """Passages fenced and numbered for the prompt; their text sanitised (no markers, no instructions).
    A digest's passages (the news of a time) are headed with their story's number, "story 2"; a
    timeline's (a story's reports, oldest first) with "timeline", a story's latest reports (newest first)
    with "latest"."""
    blocks = []
    for n, p in enumerate(passages, start=1):
        about = " | ".join(x for x in (_heading(p), p.title, p.source or "", p.published_at or "") if x)
        blocks.append(f"<<<passage {n}>>>\n{sanitize_passage(about)}\n{sanitize_passage(p.quote)}\n<<<end>>>")
    return "\n\n".join(blocks)


def _heading(p: Passage) -> str:
    """What a passage is in the answer asked for: a digest's "story N", a story's "latest" or "timeline"."""
    if "latest" in p.signals:
        return "latest"
    if "timeline" in p.signals:
        return "timeline"
    return f"story {int(p.signals['story']) + 1}" if "story" in p.signals else ""


def describe_llm_error(exc: BaseException, endpoint: str) -> str:
    """A clear sentence for an OpenAI-client error."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return f"the LLM endpoint {endpoint} did not answer in time"
    if isinstance(exc, openai.APIConnectionError):
        return f"cannot reach the LLM endpoint {endpoint}; check OPENAI_BASE_URL and that the server is running"
    if isinstance(exc, openai.AuthenticationError):
        return f"the LLM endpoint {endpoint} refused the API key (HTTP 401); check OPENAI_API_KEY"
    if isinstance(exc, openai.RateLimitError):
        return f"the LLM endpoint {endpoint} is rate-limiting requests (HTTP 429); try again later"
    if isinstance(exc, openai.NotFoundError):
        return f"the LLM endpoint {endpoint} does not know the model (HTTP 404); check NEWSDESK_LLM_MODEL"
    if isinstance(exc, openai.APIStatusError):
        return f"the LLM endpoint {endpoint} failed with HTTP {exc.status_code}"
    return f"the LLM call failed: {exc}"


class ChatModelAnswerer:
    """Answers with a chat model, only from the passages, with ``[n]`` citations.

    ``fallback`` (another answerer) takes over when the model fails, and the answer
    says so; without one, a failure raises :class:`AnswererError`. ``reports_finish`` says that the
    model's stream ends with a finish_reason (an OpenAI-compatible endpoint's does), so that one
    without it was cut off.

    A streamed reply that ends before the model finished it, the stream closing without a
    finish_reason or breaking off (the ``openai`` client stops at a body that just ends and raises
    at a chunked one cut short: the same dropped connection), is the answer so far, checked as any,
    with a note that says it was cut off, as one stopped at the length limit is; one that stopped
    before its answer began (the model still thinking, its thoughts sent apart or not) is the refusal,
    with a note saying why. An error the model or its server reports mid-reply is an error.

    A reasoning model's thoughts are never shown. Sent apart from the reply (a ``reasoning_content``
    or ``reasoning`` field, a reasoning content block), they are not part of its text. Sent as its
    text and ended by a lone ``</think>`` (the model's chat template opened ``<think>`` in the prompt:
    DeepSeek-R1 distills, Qwen3 on a server run without a reasoning parser), nothing tells them from
    an answer until that tag comes: they quote and cite the passages as an answer does. So a streamed
    reply of a model not yet known to answer straight away is held until the tag (what follows it
    streams) or its end, and each finished reply teaches ``thinks_in_reply``: a model that wrote no
    lone ``</think>`` streams its later replies from their first sentence, one that wrote one is held
    until its tag every time. Holding the first reply costs its first-text latency once per model;
    holding a thinking model's reply costs nothing, its answer begins at the tag. Guessing from the
    opening words instead (a cited sentence) would show thoughts that cite, and a setting would
    leave it to each user to know what their server does. Only a first reply stopped before either
    tag came (a length limit, a dropped connection) is judged by how it reads: thoughts plan in the
    first person and speak of the user and the passages ("Okay, the user asks... Passage [1]
    says"), an answer about the news does not; such a reply is the refusal with its note.
    """

    check_support = True  # what the model writes is checked against the passages, sentence by sentence
    streams = True

    def __init__(
        self,
        model: BaseChatModel,
        name: str = "openai",
        endpoint: str = "the chat model",
        fallback: Callable[[], Answerer] | None = None,
        reports_finish: bool = False,
    ) -> None:
        self.model = model
        self.name = name
        self.endpoint = endpoint
        self.fallback = fallback
        self.reports_finish = reports_finish
        self.prompt = load_prompt("answer")
        self.system_text = read_prompt("answer")[0]
        self._flat_instructions = " ".join(self.system_text.lower().split())
        self.thinks_in_reply: bool | None = None  # whether the model's replies open with thoughts ended by </think>

    def _messages(self, question: str, passages: Sequence[Passage]) -> list[Any]:
        return self.prompt.format_messages(passages=format_passages(passages), question=question, refusal=REFUSAL)

    def condense(self, question: str, history: Sequence[Turn]) -> Condensed:
        """Rewrite a follow-up as a standalone question with the model; without it (as the extractive
        answerer does) when the model stopped before it finished the rewrite."""
        if not history:
            return Condensed(question, question)
        messages = load_prompt("condense").format_messages(history=format_history(history), question=question)
        try:
            reply = self.model.invoke(messages)
        except Exception as exc:
            if self.fallback:
                return self.fallback().condense(question, history)
            raise AnswererError(describe_llm_error(exc, self.endpoint)) from exc
        finish = (reply.response_metadata or {}).get("finish_reason")
        self._learn(reply.text, finished=finish not in _ENDED_EARLY)
        if finish in _ENDED_EARLY:  # part of a question, or a reasoning model's thoughts with no end
            logger.warning(
                "the LLM endpoint %s stopped rewriting a follow-up (%s): searching without it", self.endpoint, finish
            )
            return condense_without_llm(question, history)
        text = (
            tidy_reply(reply.text).strip('"').strip().split("\n")[0][:1000] or question
        )  # a reasoning model thinks first
        return Condensed(text, text)

    def _echo_suffix(self, text: str) -> int:
        """How many characters at the end of ``text`` could begin a repeat of the instructions: the
        longest end (up to the length that makes an echo) found in them word for word."""
        for size in range(min(len(text), _ECHO_HOLD), _ECHO_MIN - 1, -1):
            if " ".join(text[-size:].lower().split()) in self._flat_instructions:
                return size
        return 0

    def _learn(self, text: str, finished: bool) -> None:
        """Remember whether the model opens its replies with thoughts ended by a lone ``</think>``: it
        does once one reply did; it does not once a reply it finished had no such tag."""
        if answer_start(text):  # past a lone </think> (0: after <think>...</think>, None: no tag)
            self.thinks_in_reply = True
        elif finished and self.thinks_in_reply is None:
            self.thinks_in_reply = False

    def _all_thoughts(self, text: str, finish: str | None) -> bool:
        """Whether ``text`` is thoughts only: a model known to think first was stopped before it ended
        them; or, before its replies have shown whether it thinks first, one stopped before any tag
        wrote what reads as thinking ("Okay, the user asks...")."""
        if finish not in _ENDED_EARLY or answer_start(text) is not None:
            return False
        return bool(self.thinks_in_reply) or (self.thinks_in_reply is None and reads_as_thinking(text))

    def _finish(self, text: str, passages: Sequence[Passage] = (), finish: str | None = None) -> Draft:
        early = _ENDED_EARLY.get(finish or "")
        if early and (self._all_thoughts(text, finish) or not tidy_reply(text).strip()):
            # stopped before it answered: its thoughts sent apart or in a <think> block, or before its </think>
            return Draft(REFUSAL, self.name, refused=True, notes=[early[1]], cut_off=True)
        draft = self._draft_from(text, passages)
        if early and not draft.refused:  # the reply stopped mid-answer
            draft.notes.append(early[0])
            draft.cut_off = True
        return draft

    def _draft_from(self, text: str, passages: Sequence[Passage]) -> Draft:
        text = tidy_reply(text, "\n".join(p.quote for p in passages))
        if echoes_prompt(text, self.system_text, ECHO_WINDOW):
            return Draft(
                REFUSAL,
                self.name,
                refused=True,
                notes=["The model's reply repeated its instructions and was withheld."],
            )
        if not text:
            return Draft(REFUSAL, self.name, refused=True, notes=["The model returned an empty reply."])
        if REFUSAL.lower().rstrip(".") in text.lower() or says_not_covered(text):
            return Draft(REFUSAL, self.name, refused=True, notes=["The model found no answer in the passages."])
        return Draft(text, self.name, check_support=True)

    def draft(self, question: str, passages: Sequence[Passage], history: Sequence[Turn]) -> Draft:
        """Ask the model once, then tidy and check its reply."""
        try:
            reply = self.model.invoke(self._messages(question, passages))
        except Exception as exc:
            return self._fall_back(exc, question, passages, history)
        finish = (reply.response_metadata or {}).get("finish_reason")
        self._learn(reply.text, finished=finish not in _ENDED_EARLY)
        return self._finish(reply.text, passages, finish)

    def stream_draft(
        self, question: str, passages: Sequence[Passage], history: Sequence[Turn]
    ) -> Iterator[str | Draft]:
        """Stream the model's reply as it is written, then the checked draft. A reasoning model's
        thoughts are held back until they are told apart, and dropped (see the class). What may be
        the start of a repeat of the instructions waits until it is told apart, so that none of a
        reply that repeats them is shown (it is then withheld, as the draft is)."""
        reply = _Reply()
        parts: list[str] = []  # the answer: the reply without the thoughts that open it
        shown = 0
        echoed = False
        try:
            for delta in self._answer_deltas(self._messages(question, passages), reply):
                parts.append(delta)
                if echoed:
                    continue
                text = "".join(parts)
                # an echo that this delta completes ends in it: only the text's end needs looking at
                if echoes_prompt(text[-(4 * ECHO_WINDOW + len(delta)) :], self.system_text, ECHO_WINDOW):
                    echoed = True
                    continue
                safe = len(text) - self._echo_suffix(text)
                if safe > shown:
                    yield text[shown:safe]
                    shown = safe
        except Exception as exc:
            if reply.text:
                raise AnswererError(describe_llm_error(exc, self.endpoint) + " (mid-answer)") from exc
            yield from self._fall_back_stream(exc, question, passages, history)
            return
        text = "".join(parts)
        if not echoed and shown < len(text):
            yield text[shown:]
        self._learn(reply.text, finished=reply.finish not in _ENDED_EARLY)
        yield self._finish(reply.text, passages, reply.finish)

    def _answer_deltas(self, messages: list[Any], reply: _Reply) -> Iterator[str]:
        """The reply's text as it streams, without the thoughts that may open it: all of it held
        until a lone ``</think>`` ends them or ``<think>`` opens them (the stream's cleaner drops
        that block), or the reply ends, unless the model is known to answer straight away. A reply
        cut off by the connection ends here, its ``finish`` set to say so."""
        start = 0 if self.thinks_in_reply is False else None  # where the answer begins, once known
        begun = broke = arrived = False
        try:
            for chunk in self.model.stream(messages):
                arrived = True  # the reply began (thoughts sent apart come as chunks without text)
                reply.finish = (chunk.response_metadata or {}).get("finish_reason") or reply.finish
                delta = str(chunk.text)  # its text only: not a reasoning block sent with it
                if not delta:
                    continue
                reply.text += delta
                if start is None:
                    start = answer_start(reply.text)
                    if start is None:
                        continue  # thoughts, or an answer: not told apart yet
                    delta = reply.text[start:]
                delta = delta if begun else delta.lstrip()  # the blank lines after the thoughts go with them
                if delta:
                    begun = True
                    yield delta
        except Exception as exc:
            # a connection lost once the reply began cuts it off; before its text, a fallback answers instead
            if not (lost_connection(exc) and (reply.text or (arrived and self.fallback is None))):
                raise
            logger.warning("the LLM endpoint %s closed a reply before it was finished: %r", self.endpoint, exc)
            broke = True
        if reply.finish is None and (broke or self.reports_finish):
            reply.finish = _DROPPED  # the stream ended before the model said it had finished
        if start is None and not self._all_thoughts(reply.text, reply.finish):  # no tag came: it is the answer
            yield reply.text

    def _fall_back(self, exc: Exception, question: str, passages: Sequence[Passage], history: Sequence[Turn]) -> Draft:
        reason = describe_llm_error(exc, self.endpoint)
        if not self.fallback:
            raise AnswererError(reason) from exc  # said where it is caught (the CLI's error, the API's 502)
        logger.warning("llm failed: %s; answering extractively", reason)
        draft = self.fallback().draft(question, passages, history)
        draft.notes.append(f"The LLM was unavailable ({reason}); answered extractively instead.")
        return draft

    def _fall_back_stream(
        self, exc: Exception, question: str, passages: Sequence[Passage], history: Sequence[Turn]
    ) -> Iterator[str | Draft]:
        yield self._fall_back(exc, question, passages, history)  # no text to check: the chain shows the draft
