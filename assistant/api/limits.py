"""Request body limits for the ``/v1`` routes, answered with a JSON 413 that names the limit.

``POST /v1/articles`` (records or uploaded files) may carry up to
``NEWSDESK_MAX_UPLOAD_BYTES``; every other ``/v1`` body up to
``NEWSDESK_MAX_BODY_BYTES``. A declared ``Content-Length`` over the limit is refused
before anything is read; a body sent without one is counted as it arrives.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.errors import error_body


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
