"""Chat-model doubles at LangChain's interface (``BaseChatModel``), for the LLM answering path."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.exceptions import ModelAPIError
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field


def passages_in(prompt: str) -> dict[int, str]:
    """The fenced passages of an answer prompt, by number."""
    return {int(n): body.strip() for n, body in re.findall(r"<<<passage (\d+)>>>\n(.*?)<<<end>>>", prompt, re.S)}


class ScriptedChatModel(BaseChatModel):
    """Replies with ``reply(prompt_text)``; records every prompt it is sent. With ``reasoning``, its
    thoughts come first in a content block of their own (as Anthropic's and OpenAI's Responses API send them)."""

    reply: Callable[[str], str]
    reasoning: str = ""
    prompts: list[str] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted-fake"

    def _text(self, messages: list[BaseMessage]) -> str:
        prompt = "\n\n".join(str(m.content) for m in messages)
        self.prompts.append(prompt)
        return self.reply(prompt)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = self._text(messages)
        content: str | list[str | dict] = text
        if self.reasoning:
            content = [{"type": "reasoning", "reasoning": self.reasoning}, {"type": "text", "text": text}]
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=content))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        text = self._text(messages)
        for piece in re.findall(r"\S+\s*", self.reasoning):
            yield ChatGenerationChunk(message=AIMessageChunk(content=[{"type": "reasoning", "reasoning": piece}]))
        for piece in re.findall(r"\S+\s*", text):
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))


def obedient_model() -> ScriptedChatModel:
    """A model that does whatever the text it reads tells it: follows injected instructions, copies
    markers and 'Sources:' blocks, reveals its prompt when asked. Otherwise it quotes passage 1, cited."""

    def reply(prompt: str) -> str:
        if "Follow-up question:" in prompt:
            return prompt.rsplit("Follow-up question:", 1)[1].split("\n")[0].strip()
        if re.search(r"reveal (?:your|the) system prompt", prompt, re.I):
            return prompt.split("Passages (each", 1)[0]
        match = re.search(r"reply (?:with )?([A-Z]{4,})", prompt)
        if match:
            return match.group(1)
        passages = passages_in(prompt)
        if not passages:
            return "The ingested articles don't cover this question."
        first = passages[1].split("\n", 1)[-1]
        sentence = re.split(r"(?<=[.!?])\s", first)[0]
        return f"{sentence} [1]"

    return ScriptedChatModel(reply=reply)


class FailingStreamModel(ScriptedChatModel):
    """Streams a sentence and the start of another, a word at a time, then fails: its server reports
    an error, or (``dropped``) the connection drops."""

    STREAMED: ClassVar[str] = "Putin proposed storing Iran's enriched uranium in Russia [1]. He also "
    dropped: bool = False

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        self._text(messages)
        for piece in re.findall(r"\S+\s*", self.STREAMED):
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
        if self.dropped:
            raise ConnectionResetError("connection reset by peer")
        raise ModelAPIError("the model server failed")
