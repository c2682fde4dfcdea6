"""``/v1/articles``: add (records, a URL or uploaded files), list, show and delete stored articles.

Adding and deleting write to the store, one writer at a time, and may wait for another writer (on
this machine or, through the lease, on another). They run on threads of their own (:func:`in_writer`),
so that writes waiting for their turn never take the threads that asks, searches, the library and the
readiness check are answered on: those go on being answered while any number of writes wait.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile

from assistant.api.errors import error_response
from assistant.api.security import current_services
from assistant.errors import InvalidRequestError, NotFoundError
from assistant.ingest_lock import WriterWait
from assistant.records import find_articles
from assistant.services import Services
from assistant.uploads import ingest_records, ingest_uploads, ingest_urls, summary_dict
from ingest.pipeline import IngestSummary

logger = logging.getLogger(__name__)

WRITER_THREADS = 4  # writes at work (reading what they add, or waiting for their turn) at once; the rest queue
_T = TypeVar("_T")


def writer_threads() -> ThreadPoolExecutor:
    """The threads an app's writes run on (:func:`in_writer`)."""
    return ThreadPoolExecutor(max_workers=WRITER_THREADS, thread_name_prefix="newsdesk-writer")


async def in_writer(request: Request, work: Callable[[], _T]) -> _T:
    """Run a store write on the app's writer threads, and wait for it without holding a thread."""
    return await asyncio.wrap_future(request.app.state.writers.submit(work))


MAX_FORM_FILES = 100
HOW_TO_ADD = (
    'send article records as JSON (one object, a list, or {"articles": [...]}), '
    '{"url": "https://..."}, or files as multipart form data (field "file")'
)

_ADD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"type": "object", "description": "one article record: title, text, url, published_at, ..."},
                        {"type": "array", "items": {"type": "object"}},
                        {"type": "object", "properties": {"url": {"type": "string", "format": "uri"}}},
                    ]
                },
                "examples": {
                    "record": {
                        "value": {
                            "title": "Council Approves Tram Line",
                            "text": "The council voted on Tuesday to build a tram line...",
                            "published_at": "2025-06-17",
                            "source": "Riverside Post",
                        }
                    },
                    "url": {"value": {"url": "https://example.com/story"}},
                },
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        "url": {"type": "array", "items": {"type": "string"}},
                    },
                }
            },
        },
    }
}


def _is_url_request(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= {"url", "urls"}


def _urls_of(value: dict[str, Any]) -> list[str]:
    urls = value.get("urls", [])
    urls = [urls] if isinstance(urls, str) else urls
    if "url" in value:
        urls = [value["url"], *urls]
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        raise InvalidRequestError('"url" must be a string and "urls" a list of strings')
    return urls


async def _ingest_json(request: Request, services: Services, wait: WriterWait) -> IngestSummary:
    raw = await request.body()
    if not raw.strip():
        raise InvalidRequestError(f"the request body is empty: {HOW_TO_ADD}")
    try:
        value = json.loads(raw)
    except RecursionError:
        raise InvalidRequestError("the request body is not valid JSON: nested too deeply") from None
    except ValueError as exc:  # malformed, not UTF-8, or a number of more than 4,300 digits
        reason = str(exc).split(":", 1)[0] if not isinstance(exc, json.JSONDecodeError) else str(exc)
        raise InvalidRequestError(f"the request body is not valid JSON: {reason}") from None
    if _is_url_request(value):
        return await in_writer(request, partial(ingest_urls, services, _urls_of(value), wait=wait))
    return await in_writer(request, partial(ingest_records, services, value, wait=wait))


async def _ingest_form(request: Request, services: Services, wait: WriterWait) -> IngestSummary:
    form = await request.form(max_files=MAX_FORM_FILES, max_fields=MAX_FORM_FILES)
    try:
        files: list[tuple[str | None, bytes]] = []
        urls: list[str] = []
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                files.append((value.filename, await value.read()))
            elif key in ("url", "urls"):
                urls.extend(line.strip() for line in value.splitlines() if line.strip())
    finally:
        await form.close()
    if not files and not urls:
        raise InvalidRequestError(f"the form holds no file and no URL: {HOW_TO_ADD}")
    return await in_writer(request, partial(ingest_uploads, services, files, urls, wait=wait))


def articles_router() -> APIRouter:
    """The article routes."""
    router = APIRouter(prefix="/articles", tags=["articles"])

    @router.post(
        "",
        summary="Add articles: JSON records, a URL, or uploaded files",
        openapi_extra=_ADD_BODY,
    )
    async def add_articles(request: Request, services: Services = Depends(current_services)) -> JSONResponse:
        """The ingest summary (added, updated, unchanged, failed, chunks, seconds, articles).

        422 when nothing could be ingested, with each failure's reason; 503 ``store_busy`` when
        another writer held the store for longer than ``NEWSDESK_WRITE_WAIT``."""
        wait = WriterWait.up_to(services.settings.write_wait)
        content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if content_type == "application/json" or content_type.endswith("+json"):
            summary = await _ingest_json(request, services, wait)
        elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            summary = await _ingest_form(request, services, wait)
        else:
            return error_response(
                415, "unsupported_media_type", f"unsupported content type {content_type or '(none)'!r}: {HOW_TO_ADD}"
            )
        result = summary_dict(summary)
        if summary.failed and not (summary.added or summary.updated or summary.unchanged):
            reasons = "; ".join(f"{f['source']}: {f['error']}" for f in summary.failed[:5])
            return error_response(422, "ingest_failed", f"nothing was ingested: {reasons}", summary=result)
        return JSONResponse(result)

    @router.get("", summary="List stored articles, newest first, a page at a time")
    def list_articles(
        services: Services = Depends(current_services),
        offset: int = Query(0, ge=0, description="How many articles to skip."),
        limit: int = Query(50, ge=1, le=500, description="How many articles to return."),
        find: str = Query(
            "",
            description="Only articles where each word begins a word of the title, source or date, or (6+ characters) the id.",
        ),
    ) -> dict[str, Any]:
        """``{"total", "offset", "limit", "articles": [records]}``; ``total`` counts the articles
        that match ``find`` (all of them without it)."""
        records = find_articles(services.store.list_articles(), find)
        page = records[offset : offset + limit]
        return {"total": len(records), "offset": offset, "limit": limit, "articles": [r.to_dict() for r in page]}

    @router.get("/{article_id}", summary="One article: its record and its cleaned text")
    def get_article(article_id: str, services: Services = Depends(current_services)) -> dict[str, Any]:
        """The record and the text (the text citation offsets point into); 404 if unknown."""
        record = services.store.get_article(article_id)
        return {**record.to_dict(), "text": services.store.get_article_text(article_id)}

    @router.delete("/{article_id}", summary="Delete an article and its passages")
    async def delete_article(
        article_id: str, request: Request, services: Services = Depends(current_services)
    ) -> dict[str, Any]:
        """``{"deleted": id, "chunks": n}``; 404 if unknown; 503 ``store_busy`` when another writer
        held the store for longer than ``NEWSDESK_WRITE_WAIT``."""
        wait = WriterWait.up_to(services.settings.write_wait)
        removed = await in_writer(request, partial(services.store.delete_article, article_id, wait=wait))
        return {"deleted": article_id, "chunks": removed}

    return router


def follow_router() -> APIRouter:
    """The sources ingested again on a schedule (``NEWSDESK_FOLLOW``, ``newsdesk serve --follow``)."""
    router = APIRouter(prefix="/follow", tags=["articles"])

    def follower_of(request: Request) -> Any:
        follower = request.app.state.follower
        if follower is None:
            raise NotFoundError("nothing is followed: set NEWSDESK_FOLLOW or run `newsdesk serve --follow URL`")
        return follower

    @router.get("", summary="The sources followed, how often, and the last check")
    async def follow_status(request: Request) -> dict[str, Any]:
        """``sources``, ``every_seconds``, ``running``, ``checks``, ``last_check`` (``started``,
        ``seconds``, the ingest ``summary`` or the ``error``) and ``next_check``; 404 when nothing
        is followed."""
        status: dict[str, Any] = follower_of(request).status()
        return status

    @router.post("/check", summary="Check the followed sources now")
    async def follow_check(request: Request, services: Services = Depends(current_services)) -> dict[str, Any]:
        """Ingest the followed sources now (as the schedule does), and return this check; 503
        ``store_busy`` when another writer (a scheduled check, an upload, another process) held the
        store for longer than ``NEWSDESK_WRITE_WAIT``."""
        follower = follower_of(request)
        wait = WriterWait.up_to(services.settings.write_wait)
        check = await in_writer(request, partial(follower.check, wait=wait))
        result: dict[str, Any] = check.to_dict()
        return result

    return router
