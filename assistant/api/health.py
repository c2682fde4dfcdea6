"""``/healthz`` (the process answers) and ``/readyz`` (the store answers and the models are loaded).

Loading the embedding model and the indexes takes seconds, so it is done once,
before ``newsdesk serve`` prints its URL, or in the background when the app is run
another way; ``/readyz`` says 503 until it is done.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from assistant.errors import NewsdeskError
from assistant.services import Services

logger = logging.getLogger(__name__)


class Readiness:
    """Whether the services are warmed up: store opened, embedding model and indexes loaded."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.ready = threading.Event()
        self.error: str | None = None
        self._lock = threading.Lock()  # guards _running
        self._warming = threading.Lock()  # one warm-up at a time
        self._running = False

    def warm_up(self) -> None:
        """Open the store, load the models and indexes, build the default answerer (once)."""
        from assistant.chain import search

        with self._warming:
            if self.ready.is_set():
                return
            try:
                self.services.store.count_articles()
                self.services.embeddings()
                search("warm up", k=1, services=self.services)
                self.services.answerer(self.services.settings.default_answerer)
            except NewsdeskError as exc:
                self.error = str(exc)
                logger.error("not ready: %s", exc)
                raise
            self.error = None
            self.ready.set()
            logger.info("ready")

    def warm_up_in_background(self) -> None:
        """Warm up on a thread, so the process answers /healthz meanwhile (no-op if done or under way)."""
        with self._lock:
            if self.ready.is_set() or self._running:
                return
            self._running = True

        def run() -> None:
            try:
                self.warm_up()
            except NewsdeskError:
                pass  # recorded in self.error, reported by /readyz
            finally:
                self._running = False

        threading.Thread(target=run, name="newsdesk-warm-up", daemon=True).start()


def health_router() -> APIRouter:
    """The two probes."""
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="The process is alive")
    def healthz() -> dict[str, str]:
        """Always 200 while the process serves requests."""
        return {"status": "ok"}

    @router.get("/readyz", summary="The store answers and the models are loaded")
    def readyz(request: Request) -> JSONResponse:
        """200 once warmed up and the store answers; 503 with the reason otherwise."""
        readiness: Readiness = request.app.state.readiness
        services = readiness.services
        body: dict[str, Any] = {"embedding_model": services.settings.embedding_model}
        if readiness.error:
            readiness.warm_up_in_background()  # try again: the store may be back
            return JSONResponse({"status": "failed", "error": readiness.error, **body}, status_code=503)
        if not readiness.ready.is_set():
            return JSONResponse({"status": "starting", **body}, status_code=503)
        try:
            articles = services.store.count_articles()
        except NewsdeskError as exc:
            return JSONResponse({"status": "failed", "error": str(exc), **body}, status_code=503)
        return JSONResponse(
            {"status": "ready", "articles": articles, "answerer": services.settings.default_answerer, **body}
        )

    return router
