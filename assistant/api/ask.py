"""``POST /v1/ask`` and ``POST /v1/search``: the HTTP shell over :func:`answer` and :func:`search`.

``/v1/ask`` returns the same JSON as ``newsdesk ask --json``. With ``"stream": true``
it answers with server-sent events::

    event: delta
    data: {"text": "Dmitry Medvedev ... argued"}

    event: answer
    data: {"answer": "...", "citations": [...], "passages": [...], ...}

The text deltas come as the answer is written; the one ``answer`` event at the end
carries the checked answer (which may differ slightly from the deltas joined), its
citations and the passages. An error after the stream started is an ``error`` event
with the usual error body. While the answer is slow to come (a reasoning model thinking),
the stream carries a ``: waiting`` comment every 15 seconds (:mod:`assistant.api.keepalive`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import date
from itertools import chain
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from assistant.api.errors import error_body, status_for
from assistant.api.keepalive import COMMENT, Quiet, Relay
from assistant.api.security import current_services
from assistant.chain import Answer, answer, search, stream_answer
from assistant.errors import NewsdeskError
from assistant.services import Services

logger = logging.getLogger(__name__)

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


# The dates articles can carry (ingest.dates): relative times ("last year") seen from an as_of
# far outside them would fall off the calendar.
AS_OF_RANGE = (date(1900, 1, 1), date(2100, 12, 31))


def check_as_of(value: str | None) -> str | None:
    """Refuse an ``as_of`` date outside :data:`AS_OF_RANGE`; text that is no date is left to the chain."""
    if not value:
        return value
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    low, high = AS_OF_RANGE
    if not low <= day <= high:
        raise ValueError(f"as_of must be between {low.isoformat()} and {high.isoformat()}, got {value!r}")
    return value


AsOf = Annotated[str | None, AfterValidator(check_as_of)]


class HistoryMessage(BaseModel):
    """One earlier message of the conversation."""

    model_config = ConfigDict(extra="forbid", strict=True)
    role: Literal["user", "assistant", "system"]
    content: str


class Filters(BaseModel):
    """Options shared by asking and searching (strict: ``"k": true`` or ``"stream": "yes"`` are refused)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    k: int | None = Field(default=None, ge=1, le=100, description="How many passages to retrieve.")
    since: str | None = Field(default=None, description="Only articles published on or after (YYYY-MM-DD).")
    until: str | None = Field(default=None, description="Only articles published on or before (YYYY-MM-DD).")
    source: str | list[str] | None = Field(default=None, description="Only these sources.")


class AskBody(Filters):
    """A question and its options (the ``newsdesk ask`` options)."""

    question: str = Field(description="The question.", examples=["What did Medvedev argue?"])
    history: list[HistoryMessage] = Field(default_factory=list, max_length=100, description="Earlier turns.")
    as_of: AsOf = Field(
        default=None,
        description="Ask as of this date: 'this week', 'yesterday'... are seen from it, and articles dated after it "
        "are left out.",
    )
    answerer: str | None = Field(default=None, description="extractive or openai (default: the server's).")
    stream: bool = Field(default=False, description="Answer with server-sent events.")

    def options(self) -> dict[str, Any]:
        """The keyword arguments of :func:`answer`."""
        return {
            "history": [m.model_dump() for m in self.history],
            "k": self.k,
            "since": self.since,
            "until": self.until,
            "as_of": self.as_of,
            "source": self.source,
            "answerer": self.answerer,
        }


class SearchBody(Filters):
    """A search query and its filters."""

    query: str = Field(description="What to look for.", examples=["uranium"])
    as_of: AsOf = Field(
        default=None,
        description="Search as of this date: relative times are seen from it; later articles are left out.",
    )


def sse_event(event: str, data: Any) -> str:
    """One server-sent event carrying JSON."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def answer_events(relay: Relay[str | Answer], first: str | Answer | Quiet | None) -> Iterator[str]:
    """The SSE stream of one answer: deltas, then the final answer (or an error event); a comment
    while nothing comes."""
    try:
        for item in chain([first], relay):
            if isinstance(item, Quiet):
                yield COMMENT
            elif isinstance(item, Answer):
                yield sse_event("answer", item.to_dict())
            elif item:
                yield sse_event("delta", {"text": item})
    except NewsdeskError as exc:
        _, error_type = status_for(exc)
        logger.warning("stream failed: %s", exc)
        yield sse_event("error", error_body(error_type, str(exc)))


def ask_router() -> APIRouter:
    """The routes that answer and search."""
    router = APIRouter(tags=["answering"])

    @router.post(
        "/ask",
        summary="Answer a question with numbered citations",
        responses={200: {"content": {"application/json": {}, "text/event-stream": {}}}},
    )
    def ask(body: AskBody, services: Services = Depends(current_services)) -> Any:
        """The ``newsdesk ask --json`` object, or server-sent events when ``stream`` is true."""
        if not body.stream:
            return JSONResponse(answer(body.question, services=services, **body.options()).to_dict())
        relay = Relay(stream_answer(body.question, services=services, **body.options()))
        first = relay.first()  # what fails at once (a bad request, the store) raises here, before any byte is sent
        return StreamingResponse(answer_events(relay, first), media_type="text/event-stream", headers=SSE_HEADERS)

    @router.post("/search", summary="The passages that best match a query, ranked")
    def search_passages(body: SearchBody, services: Services = Depends(current_services)) -> dict[str, Any]:
        """Ranked passages, as ``newsdesk search --json`` prints them."""
        result = search(
            body.query,
            k=body.k,
            since=body.since,
            until=body.until,
            source=body.source,
            as_of=body.as_of,
            services=services,
        )
        return {
            "query": result.query,
            "date_range": result.timeframe.to_dict() if result.timeframe else None,
            "notes": result.notes,
            "passages": [p.to_dict() for p in result.passages],
        }

    return router
