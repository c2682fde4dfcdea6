"""Web sources: article pages by URL, and RSS/Atom feeds (each entry becomes an article)."""

from __future__ import annotations

import calendar
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from assistant.config import Settings
from assistant.errors import FetchError, IngestError
from ingest.articles import Article, LoadFailure
from ingest.fetch import fetch_url
from ingest.loaders.html import html_to_text, load_html

logger = logging.getLogger(__name__)

_FULL_TEXT_WORDS = 150  # a feed entry with fewer words than this carries only a summary


def is_url(spec: str) -> bool:
    """True for an http(s) URL."""
    return spec.lower().startswith(("http://", "https://"))


def _kind(content_type: str, body: bytes) -> str:
    kind = content_type.split(";", 1)[0].strip().lower()
    head = body.lstrip()[:1024].lower()
    if (
        "rss" in kind
        or "atom" in kind
        or (("xml" in kind or head.startswith(b"<?xml")) and (b"<rss" in head or b"<feed" in head or b"<rdf" in head))
    ):
        return "feed"
    if "json" in kind:
        return "json"
    if kind == "text/plain":
        return "text"
    return "html"


def load_url(url: str, settings: Settings) -> Iterator[Article | LoadFailure]:
    """Fetch a URL and load it as a page, a feed, JSON or text by its content type."""
    from ingest.loaders import load_bytes

    try:
        fetched = fetch_url(url, settings)
    except FetchError as exc:
        yield LoadFailure(url, str(exc))
        return
    kind = _kind(fetched.content_type, fetched.body)
    if kind == "html":
        try:
            yield from load_html(fetched.body, fetched.url, settings, url=fetched.url)
        except IngestError as exc:
            yield LoadFailure(url, str(exc))
    elif kind == "feed":
        yield from load_feed(fetched.body, fetched.url, settings)
    else:
        yield from load_bytes(fetched.body, fetched.url, settings, kind)


def _entry_date(entry: Any) -> date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC).date()
    return None


def _entry_text(entry: Any) -> str:
    contents = [c.get("value", "") for c in entry.get("content", []) if c.get("value")]
    html = max(contents, key=len) if contents else entry.get("summary", "") or ""
    return html_to_text(html) if "<" in html else html


def load_feed(data: bytes, origin: str, settings: Settings) -> Iterator[Article | LoadFailure]:
    """Articles from an RSS/Atom feed; an entry with only a summary has its page fetched."""
    parsed = feedparser.parse(data)
    if not parsed.entries:
        reason = getattr(parsed, "bozo_exception", None)
        raise IngestError(f"not a feed with entries{f' ({reason})' if reason else ''}")
    feed_title = parsed.feed.get("title") or (urlsplit(origin).netloc if "://" in origin else None)
    for index, entry in enumerate(parsed.entries):
        link = entry.get("link")
        where = link or f"{origin}#entry{index}"
        text = _entry_text(entry)
        authors = [a.get("name", "") for a in entry.get("authors", []) if a.get("name")]
        if len(text.split()) < _FULL_TEXT_WORDS and link and is_url(link) and settings.feed_fetch_pages:
            try:
                fetched = fetch_url(link, settings)
                for article in load_html(fetched.body, fetched.url, settings, url=link):
                    article.title = article.title or entry.get("title", "")
                    article.published = article.published or _entry_date(entry)
                    article.authors = article.authors or authors
                    article.source = feed_title or article.source
                    article.url = link
                    yield article
                continue
            except IngestError as exc:
                if not text.strip():
                    yield LoadFailure(where, f"feed entry's page: {exc}")
                    continue
                # the summary the feed carries is kept; a later ingest, the page reachable, replaces it
                logger.warning("feed entry %s: its page failed (%s); stored the feed's summary", link, exc)
        if not text.strip():
            yield LoadFailure(where, "feed entry has no text")
            continue
        yield Article(
            title=entry.get("title", ""),
            text=text,
            url=link,
            source=feed_title,
            published=_entry_date(entry),
            authors=authors,
            origin=where,
        )
