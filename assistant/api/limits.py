"""Limits on the ``/v1`` routes: request body sizes, and how many answers are worked on at once.

``POST /v1/articles`` (records or uploaded files) may carry up to
``NEWSDESK_MAX_UPLOAD_BYTES``; every other ``/v1`` body up to
``NEWSDESK_MAX_BODY_BYTES``. A declared ``Content-Length`` over the limit is refused
before anything is read; a body sent without one is counted as it arrives; either way
the answer is a JSON 413 that names the limit.

Asks, searches and chat completions beyond :func:`in_flight_limit` wait in a queue, first
come first served, instead of all running at once on threads that only contend for the
cores, the embedding model and the store.
"""

from __future__ import annotations

import asyncio
import json
import os
import weakref

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.errors import error_body
from assistant.config import Settings


class BodyTooLarge(HTTPException):
    """The request body passed its limit while being read."""

    def __init__(self, message: str) -> None:
        super().__init__(413, message)


class BodyLimitMiddleware:
    """Refuse ``/v1`` request bodies over their limit with a JSON 413."""

    def __init__(self, app: ASGIApp, body_limit: int, upload_limit: int) -> None:
        self.app = app
        self.body_limit = body_limit
        self.upload_limit = upload_limit

    def limit_for(self, scope: Scope) -> tuple[int, str] | None:
        """The byte limit for this request and the setting that sets it, or None for routes outside /v1."""
        path = scope.get("path", "")
        if path.rstrip("/") == "/v1/articles" and scope.get("method") == "POST":
            return self.upload_limit, "NEWSDESK_MAX_UPLOAD_BYTES"
        if path.startswith("/v1/"):
            return self.body_limit, "NEWSDESK_MAX_BODY_BYTES"
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limit_for(scope) if scope["type"] == "http" else None
        if limit is None:
            await self.app(scope, receive, send)
            return
        max_bytes, setting = limit
        message = f"the request body is too large: the limit is {max_bytes:,} bytes ({setting})"
        declared = _content_length(scope)
        if declared is not None and declared > max_bytes:
            await _send_json(send, 413, json.dumps(error_body("too_large", message)).encode())
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            incoming = await receive()
            if incoming["type"] == "http.request":
                received += len(incoming.get("body", b""))
                if received > max_bytes:
                    raise BodyTooLarge(message)
            return incoming

        await self.app(scope, limited_receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _send_json(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


ANSWERING_PATHS = ("/v1/ask", "/v1/search", "/v1/chat/completions")


def in_flight_limit(settings: Settings) -> int:
    """How many answers to work on at once: ``NEWSDESK_MAX_IN_FLIGHT``, by default eight per core.

    Extractive answers are local work, but the questions and sentences of answers under way are
    embedded together in one pass of the model (``assistant/embeddings.py``), so more at once
    means fuller passes: at 32 clients on 2 cores, 4 in flight gave 18.7 requests/s, 8 gave
    22.4, 16 gave 26.2 (BENCHMARKS.md, Load). With an LLM configured, answers are mostly
    waiting on the endpoint."""
    return settings.max_in_flight or (os.cpu_count() or 2) * 8


class InFlightLimitMiddleware:
    """Work on at most ``limit`` asks, searches and chat completions at once; the rest queue in order.

    On a 2-core machine with 32 clients asking at once, letting every request run makes 32
    threads contend: throughput is the same, but some requests wait twice as long as the
    median. Queued, each waits its turn and latency grows evenly with the load. A streamed
    answer keeps its place until its last event is sent.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = max(1, limit)
        # One semaphore per event loop (a server has one; test clients may start several).
        self._semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.limit)
        return semaphore

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limited = (
            scope["type"] == "http"
            and scope.get("method") == "POST"
            and scope.get("path", "").rstrip("/") in ANSWERING_PATHS
        )
        if not limited:
            await self.app(scope, receive, send)
            return
        async with self._semaphore():
            await self.app(scope, receive, send)
