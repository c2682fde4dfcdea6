"""``POST /v1/chat/completions`` and ``GET /v1/models``: newsdesk as an OpenAI-compatible model.

Any OpenAI client can use it::

    client = OpenAI(base_url="http://127.0.0.1:8000/v1", api_key="<NEWSDESK_API_KEY or anything>")
    reply = client.chat.completions.create(model="newsdesk", messages=[{"role": "user", "content": "..."}])

The last user message is the question and the earlier user/assistant messages its
history (system messages are ignored). The message content is the answer with its
``[n]`` markers; the response also carries ``citations`` (urls, ``[n]`` pointing at
``citations[n - 1]``) and ``newsdesk`` (the answer as checked, the
full citation objects, the answerer, notes). When streaming, those two ride on the
final chunk. ``finish_reason`` is ``"length"`` when the answer was cut off (the model stopped
at its length limit, or the connection to it closed before it finished; a note says which), as
OpenAI clients know a cut-off reply, else ``"stop"``. newsdesk's options (``k``, ``since``,
``until``, ``as_of``, ``source``, ``answerer``) may be sent as extra body fields. While a streamed
answer is slow to come, the stream carries a ``: waiting`` comment every 15 seconds, which
OpenAI's clients skip.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterator
from itertools import chain
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.api.ask import SSE_HEADERS, AsOf
from assistant.api.errors import error_body, status_for
from assistant.api.keepalive import COMMENT, Quiet, Relay
from assistant.api.security import current_services
from assistant.chain import Answer, answer, stream_answer
from assistant.errors import InvalidRequestError, NewsdeskError, NotFoundError
from assistant.services import Services

logger = logging.getLogger(__name__)

MODEL_ID = "newsdesk"
CREATED = 1750636800  # 2025-06-23, when newsdesk began; a fixed value, as OpenAI's model list gives


class ChatMessage(BaseModel):
    """One message as OpenAI clients send it (text content, or a list of text parts)."""

    model_config = ConfigDict(extra="allow", strict=True)
    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatCompletionBody(BaseModel):
    """An OpenAI chat-completions request; sampling options are accepted and ignored."""

    model_config = ConfigDict(extra="allow", strict=True)
    model: str = Field(examples=[MODEL_ID])
    messages: list[ChatMessage] = Field(min_length=1, max_length=200)
    stream: bool = False
    k: int | None = Field(default=None, ge=1, le=100)
    since: str | None = None
    until: str | None = None
    as_of: AsOf = None
    source: str | list[str] | None = None
    answerer: str | None = None


def message_text(message: ChatMessage) -> str:
    """The text of a message; parts other than text are refused."""
    if message.content is None or isinstance(message.content, str):
        return message.content or ""
    texts = []
    for part in message.content:
        if part.get("type") != "text" or not isinstance(part.get("text"), str):
            raise InvalidRequestError(f"only text content is supported, got a {part.get('type')!r} part")
        texts.append(part["text"])
    return "\n".join(texts)


def question_and_history(messages: list[ChatMessage]) -> tuple[str, list[dict[str, str]]]:
    """The last user message, and the user/assistant messages before it."""
    if messages[-1].role != "user":
        raise InvalidRequestError(f"the last message must be the user's question, got a {messages[-1].role!r} message")
    history = [{"role": m.role, "content": message_text(m)} for m in messages[:-1] if m.role in ("user", "assistant")]
    return message_text(messages[-1]), history


def cited_urls(result: Answer, request: Request) -> list[str]:
    """Marker ``[n]`` is ``citations[n - 1]`` (the convention OpenAI-style clients follow): the url of
    each cited article, in marker order; this API's article route for an article without a url."""
    return [
        c.passage.url or str(request.url_for("get_article", article_id=c.passage.article_id))
        for c in sorted(result.citations, key=lambda c: c.n)
    ]


def newsdesk_extra(result: Answer) -> dict[str, Any]:
    """The ``newsdesk`` field: the checked answer and full citations, without the passages."""
    data = result.to_dict()
    return {
        key: data[key] for key in ("answer", "citations", "answerer", "refused", "date_range", "notes", "unsupported")
    }


def finish_reason(result: Answer) -> str:
    """The OpenAI ``finish_reason`` of an answer: ``"length"`` when the model's reply was cut off."""
    return "length" if result.cut_off else "stop"


def _chunk(completion_id: str, created: int, delta: dict[str, Any], finish: str | None, **extra: Any) -> str:
    body = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": MODEL_ID,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **extra,
    }
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def completion_chunks(
    relay: Relay[str | Answer], first: str | Answer | Quiet | None, request: Request, completion_id: str, created: int
) -> Iterator[str]:
    """OpenAI's streaming format: a role chunk, content deltas, a final chunk with the citations, [DONE];
    a comment while nothing comes."""
    yield _chunk(completion_id, created, {"role": "assistant", "content": ""}, None)
    try:
        for item in chain([first], relay):
            if isinstance(item, Quiet):
                yield COMMENT
            elif isinstance(item, Answer):
                yield _chunk(
                    completion_id,
                    created,
                    {},
                    finish_reason(item),
                    citations=cited_urls(item, request),
                    newsdesk=newsdesk_extra(item),
                )
            elif item:
                yield _chunk(completion_id, created, {"content": item}, None)
    except NewsdeskError as exc:
        _, error_type = status_for(exc)
        logger.warning("chat completion stream failed: %s", exc)
        yield f"data: {json.dumps(error_body(error_type, str(exc)), ensure_ascii=False)}\n\n"
        return
    yield "data: [DONE]\n\n"


def model_card() -> dict[str, Any]:
    """The one model this server offers, as OpenAI lists models."""
    return {"id": MODEL_ID, "object": "model", "created": CREATED, "owned_by": "newsdesk"}


def openai_router() -> APIRouter:
    """The OpenAI-compatible routes."""
    router = APIRouter(tags=["openai-compatible"])

    @router.get("/models", summary="The models this server offers (OpenAI format)")
    def list_models() -> dict[str, Any]:
        """One model: ``newsdesk``."""
        return {"object": "list", "data": [model_card()]}

    @router.get("/models/{model_id}", summary="One model (OpenAI format)")
    def get_model(model_id: str) -> dict[str, Any]:
        """``newsdesk``, or 404."""
        if model_id != MODEL_ID:
            raise NotFoundError(f"no model {model_id!r}; this server offers {MODEL_ID!r}")
        return model_card()

    @router.post("/chat/completions", summary="Answer the last user message, OpenAI-style, with citations")
    def chat_completions(
        body: ChatCompletionBody, request: Request, services: Services = Depends(current_services)
    ) -> Any:
        """A ``chat.completion`` (or ``chat.completion.chunk`` events) whose content cites ``[n]``."""
        if body.model != MODEL_ID:
            raise NotFoundError(f"no model {body.model!r}; this server offers {MODEL_ID!r}")
        question, history = question_and_history(body.messages)
        options: dict[str, Any] = {
            "history": history,
            "k": body.k,
            "since": body.since,
            "until": body.until,
            "as_of": body.as_of,
            "source": body.source,
            "answerer": body.answerer,
            "services": services,
        }
        completion_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        if body.stream:
            relay = Relay(stream_answer(question, **options))
            first = relay.first()  # request and store errors raise here, as a plain error response
            return StreamingResponse(
                completion_chunks(relay, first, request, completion_id, created),
                media_type="text/event-stream",
                headers=SSE_HEADERS,
            )
        result = answer(question, **options)
        return JSONResponse(
            {
                "id": completion_id,
                "object": "chat.completion",
                "created": created,
                "model": MODEL_ID,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": result.answer},
                        "finish_reason": finish_reason(result),
                    }
                ],
                "citations": cited_urls(result, request),
                "newsdesk": newsdesk_extra(result),
            }
        )

    return router
