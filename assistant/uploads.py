"""Ingesting what arrives through the API or the UI: JSON article records, uploaded files, web URLs.

The same loaders and pipeline as ``newsdesk ingest``, fed from memory. URLs must be
http(s) (never a path on the server) and are fetched with the usual safety rules:
loopback, private and cloud-metadata addresses are refused unless
``NEWSDESK_FETCH_ALLOW_HOSTS`` allows them.

    >>> summary = ingest_records(services, [{"title": "...", "text": "..."}])
    >>> summary.to_dict()["added"]
    1
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import PurePath
from typing import Any

from assistant.config import Settings
from assistant.errors import IngestError
from assistant.ingest_lock import WriterWait
from assistant.services import Services
from ingest.articles import UPLOAD_PREFIX, Article, LoadFailure
from ingest.loaders import kind_for_name, load_bytes
from ingest.loaders.records import record_to_article, records_of
from ingest.loaders.web import is_url, load_url
from ingest.pipeline import Ingestor, IngestSummary, Progress

logger = logging.getLogger(__name__)

LoadItem = Article | LoadFailure
MAX_RECORDS = 10_000
MAX_URLS = 100


def load_records(records: Any, origin: str, settings: Settings) -> Iterator[LoadItem]:
    """Articles from decoded JSON records, in the shapes a .json file may hold: one object, a
    list, or a list under ``articles``, ``items`` (JSON Feed), ``records`` or ``data``."""
    items = records_of(records) if isinstance(records, (dict, list)) else [records]
    if not items:
        yield LoadFailure(origin, "no article records given")
        return
    if len(items) > MAX_RECORDS:
        yield LoadFailure(origin, f"too many records: {len(items):,}, the limit is {MAX_RECORDS:,} per request")
        return
    for index, record in enumerate(items):
        where = f"{origin}[{index}]" if len(items) > 1 else origin
        try:
            yield record_to_article(record, where, settings)
        except IngestError as exc:
            yield LoadFailure(where, str(exc))


def upload_name(filename: str | None) -> str:
    """A safe display name for an uploaded file (its base name only)."""
    name = PurePath((filename or "").replace("\\", "/")).name.strip()
    return name or "upload"


def load_upload(data: bytes, filename: str | None, settings: Settings) -> Iterator[LoadItem]:
    """Articles from one uploaded file, read by its extension (or sniffed when it has none)."""
    name = upload_name(filename)
    origin = f"{UPLOAD_PREFIX}{name}"
    if not data:
        yield LoadFailure(origin, "empty file")
        return
    kind = kind_for_name(name)
    if kind is None and "." in name:
        yield LoadFailure(origin, f"unsupported file type {PurePath(name).suffix!r}")
        return
    yield from load_bytes(data, origin, settings, kind)


def load_urls(urls: Iterable[str], settings: Settings) -> Iterator[LoadItem]:
    """Articles from web pages or feeds; anything but an http(s) URL is refused."""
    given = [u.strip() for u in urls if u and u.strip()]
    if len(given) > MAX_URLS:
        yield LoadFailure("urls", f"too many URLs: {len(given)}, the limit is {MAX_URLS} per request")
        return
    for url in given:
        if not is_url(url):
            yield LoadFailure(url, "not an http(s) URL")
            continue
        yield from load_url(url, settings)


def ingest_items(
    services: Services, items: Iterable[LoadItem], progress: Progress | None = None, wait: WriterWait | None = None
) -> IngestSummary:
    """Run loaded items through the ingest pipeline into the services' store, waiting for another
    writer as ``wait`` says (by default as long as it takes)."""
    summary = Ingestor(services.store, services.embeddings, services.settings).ingest(items, progress, wait)
    logger.info("ingested from memory: %s", summary.to_dict())
    return summary


def ingest_records(
    services: Services, records: Any, progress: Progress | None = None, wait: WriterWait | None = None
) -> IngestSummary:
    """Ingest decoded JSON article records."""
    return ingest_items(services, load_records(records, "request", services.settings), progress, wait)


def ingest_uploads(
    services: Services,
    files: Iterable[tuple[str | None, bytes]],
    urls: Iterable[str] = (),
    progress: Progress | None = None,
    wait: WriterWait | None = None,
) -> IngestSummary:
    """Ingest uploaded files, given as ``(file name, content)`` pairs, and web URLs, in one run."""
    items = [item for name, data in files for item in load_upload(data, name, services.settings)]
    items += load_urls(urls, services.settings)
    return ingest_items(services, items, progress, wait)


def ingest_urls(
    services: Services, urls: Iterable[str], progress: Progress | None = None, wait: WriterWait | None = None
) -> IngestSummary:
    """Fetch and ingest web pages or feeds."""
    return ingest_items(services, load_urls(urls, services.settings), progress, wait)


def summary_dict(summary: IngestSummary) -> dict[str, Any]:
    """The ingest summary with the articles it touched (id, title, status)."""
    return {**summary.to_dict(), "articles": list(summary.articles)}
