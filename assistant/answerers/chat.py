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
from typing import Any

from langchain_core.language_models import BaseChatModel

from assistant.answerers.base import REFUSAL, Answerer, Draft
from assistant.conversation import Condensed, Turn, format_history
from assistant.errors import AnswererError
from assistant.guard import echoes_prompt, sanitize_passage, says_not_covered, tidy_reply
from assistant.records import Passage
from prompts import load_prompt, read_prompt

logger = logging.getLogger(__name__)


def format_passages(passages: Sequence[Passage]) -> str:
    """Passages fenced and numbered for the prompt; their text sanitised (no markers, no instructions)."""
    blocks = []
    for n, p in enumerate(passages, start=1):
        about = " | ".join(x for x in (p.title, p.source or "", p.published_at or "") if x)
        blocks.append(f"<<<passage {n}>>>\n{sanitize_passage(about)}\n{sanitize_passage(p.quote)}\n<<<end>>>")
    return "\n\n".join(blocks)


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
    says so; without one, a failure raises :class:`AnswererError`.
    """

    def __init__(
        self,
        model: BaseChatModel,
        name: str = "openai",
        endpoint: str = "the chat model",
        fallback: Callable[[], Answerer] | None = None,
    ) -> None:
        self.model = model
        self.name = name
        self.endpoint = endpoint
        self.fallback = fallback
        self.prompt = load_prompt("answer")
        self.system_text = read_prompt("answer")[0]

    def _messages(self, question: str, passages: Sequence[Passage]) -> list[Any]:
        return self.prompt.format_messages(passages=format_passages(passages), question=question, refusal=REFUSAL)

    def condense(self, question: str, history: Sequence[Turn]) -> Condensed:
        """Rewrite a follow-up as a standalone question with the model."""
        if not history:
            return Condensed(question, question)
        messages = load_prompt("condense").format_messages(history=format_history(history), question=question)
        try:
            reply = self.model.invoke(messages)
        except Exception as exc:
            if self.fallback:
                return self.fallback().condense(question, history)
            raise AnswererError(describe_llm_error(exc, self.endpoint)) from exc
        text = str(reply.content).strip().strip('"').strip().split("\n")[0][:1000] or question
        return Condensed(text, text)

    def _finish(self, text: str) -> Draft:
        text = tidy_reply(text)
        if echoes_prompt(text, self.system_text):
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
        return self._finish(str(reply.content))

    def stream_draft(
        self, question: str, passages: Sequence[Passage], history: Sequence[Turn]
    ) -> Iterator[str | Draft]:
        """Stream the model's reply as it is written, then the checked draft."""
        parts: list[str] = []
        try:
            for chunk in self.model.stream(self._messages(question, passages)):
                delta = str(chunk.content)
                if delta:
                    parts.append(delta)
                    yield delta
        except Exception as exc:
            if parts:
                raise AnswererError(describe_llm_error(exc, self.endpoint) + " (mid-answer)") from exc
            yield from self._fall_back_stream(exc, question, passages, history)
            return
        yield self._finish("".join(parts))

    def _fall_back(self, exc: Exception, question: str, passages: Sequence[Passage], history: Sequence[Turn]) -> Draft:
        reason = describe_llm_error(exc, self.endpoint)
        logger.warning("llm failed: %s", reason)
        if not self.fallback:
            raise AnswererError(reason) from exc
        draft = self.fallback().draft(question, passages, history)
        draft.notes.append(f"The LLM was unavailable ({reason}); answered extractively instead.")
        return draft

    def _fall_back_stream(
        self, exc: Exception, question: str, passages: Sequence[Passage], history: Sequence[Turn]
    ) -> Iterator[str | Draft]:
        draft = self._fall_back(exc, question, passages, history)
        yield draft.text
        yield draft
