"""Answers beyond the in-flight limit queue in arrival order; other routes are never held back."""

from __future__ import annotations

import asyncio
import os

import httpx
from starlette.types import Receive, Scope, Send

from assistant.api import create_app
from assistant.api.limits import InFlightLimitMiddleware, in_flight_limit
from assistant.config import Settings
from assistant.services import Services


class Tracker:
    """An ASGI app that takes a while to answer, and records how many requests it had at once and in what order."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self.order: list[int] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.running += 1
        self.most = max(self.most, self.running)
        self.order.append(int(dict(scope["headers"]).get(b"x-n", b"-1")))
        await asyncio.sleep(0.05)
        self.running -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


async def send_all(app: InFlightLimitMiddleware, method: str, path: str, count: int) -> list[int]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://newsdesk.test") as client:
        responses = []
        for n in range(count):  # started one after another, so they arrive in this order
            responses.append(asyncio.create_task(client.request(method, path, headers={"x-n": str(n)})))
            await asyncio.sleep(0.001)
        return [r.status_code for r in await asyncio.gather(*responses)]


def test_answers_beyond_the_limit_wait_their_turn_in_order() -> None:
    for path in ("/v1/ask", "/v1/search", "/v1/chat/completions"):
        tracker = Tracker()
        statuses = asyncio.run(send_all(InFlightLimitMiddleware(tracker, limit=2), "POST", path, 10))
        assert statuses == [200] * 10
        assert tracker.most == 2, path
        assert tracker.order == list(range(10)), path


def test_other_routes_are_not_held_back() -> None:
    for method, path in (("GET", "/healthz"), ("POST", "/v1/articles"), ("GET", "/v1/ask")):
        tracker = Tracker()
        asyncio.run(send_all(InFlightLimitMiddleware(tracker, limit=1), method, path, 5))
        assert tracker.most == 5, (method, path)


def test_the_limit_follows_the_cores_unless_set(settings: Settings) -> None:
    assert in_flight_limit(settings) == 8 * (os.cpu_count() or 2)
    assert in_flight_limit(settings.model_copy(update={"max_in_flight": 3})) == 3


def test_the_api_queues_its_answers(settings: Settings) -> None:
    app = create_app(Services(settings))
    limits = [m.kwargs["limit"] for m in app.user_middleware if m.cls is InFlightLimitMiddleware]
    assert limits == [in_flight_limit(settings)]
