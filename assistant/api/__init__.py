"""newsdesk's HTTP API: a thin FastAPI shell over the functions the CLI and the UI call.

    >>> app = create_app(Services(get_settings()))     # then: uvicorn, or TestClient(app)

Routes (OpenAPI docs at ``/docs``):

- ``POST /v1/ask``, ``POST /v1/search``                       answering (:mod:`assistant.api.ask`)
- ``POST|GET /v1/articles``, ``GET|DELETE /v1/articles/{id}``  the library (:mod:`assistant.api.articles`)
- ``GET /v1/follow``                                           the sources followed, the last check
- ``POST /v1/chat/completions``, ``GET /v1/models``            OpenAI-compatible (:mod:`assistant.api.openai_compat`)
- ``GET /healthz``, ``GET /readyz``                            probes (:mod:`assistant.api.health`)

Every ``/v1`` route needs ``Authorization: Bearer <NEWSDESK_API_KEY>`` when that is
set; bodies are limited to ``NEWSDESK_MAX_BODY_BYTES`` (``NEWSDESK_MAX_UPLOAD_BYTES``
for adding articles) and answers beyond a few at once queue in order
(:mod:`assistant.api.limits`); errors are JSON (:mod:`assistant.api.errors`).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException

from assistant.api.articles import articles_router, follow_router, writer_threads
from assistant.api.ask import ask_router
from assistant.api.errors import document_errors, install_error_handlers
from assistant.api.health import Readiness, health_router
from assistant.api.limits import BodyLimitMiddleware, InFlightLimitMiddleware, in_flight_limit
from assistant.api.openai_compat import openai_router
from assistant.api.security import require_api_key
from assistant.follow import Follower, log_check, parse_interval
from assistant.services import Services

__all__ = ["create_app"]


def allowed_methods(app: FastAPI, path: str) -> set[str]:
    """The methods the API serves ``path`` with, read from its OpenAPI description."""
    for template, operations in app.openapi()["paths"].items():
        if re.fullmatch(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)), path):
            return {method.upper() for method in operations}
    return set()


def create_app(services: Services) -> FastAPI:
    """The API over ``services``; it warms them up in the background when it starts, and follows
    the sources ``NEWSDESK_FOLLOW`` names (:mod:`assistant.follow`) while it runs."""
    readiness = Readiness(services)
    settings = services.settings
    follower = (
        Follower(services, settings.follow, parse_interval(settings.follow_every), on_check=log_check)
        if settings.follow
        else None
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        readiness.warm_up_in_background()
        if follower:
            follower.start()
        try:
            yield
        finally:
            if follower:
                follower.stop(timeout=5)

    app = FastAPIOffline(  # the docs pages' scripts served from this package, not a CDN: they work offline
        title="newsdesk",
        summary="Ask questions of news articles; answers come with numbered citations.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.readiness = readiness
    app.state.follower = follower
    app.state.writers = writer_threads()
    install_error_handlers(app)
    app.include_router(health_router())
    app.add_middleware(InFlightLimitMiddleware, limit=in_flight_limit(services.settings))
    app.add_middleware(
        BodyLimitMiddleware,
        body_limit=services.settings.max_body_bytes,
        upload_limit=services.settings.max_upload_bytes,
    )
    v1 = APIRouter(prefix="/v1", dependencies=[Depends(require_api_key)])
    v1.include_router(ask_router())
    v1.include_router(articles_router())
    v1.include_router(follow_router())
    v1.include_router(openai_router())
    app.include_router(v1)

    @app.api_route("/v1/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    async def no_such_route(request: Request) -> None:
        """An API path no route serves: 405 when it exists for other methods, else 404, in the API's
        error shape (not in the words of the UI, which ``newsdesk serve`` mounts at ``/``)."""
        allowed = allowed_methods(app, request.url.path)
        if allowed:
            raise HTTPException(405, headers={"Allow": ", ".join(sorted(allowed))})
        raise HTTPException(404)

    document_errors(app)
    return app
