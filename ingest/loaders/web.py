"""Web sources: article pages by URL, and RSS/Atom feeds (each entry becomes an article)."""

from __future__ import annotations

import calendar
import logging
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser

from assistant.config import Settings
from assistant.errors import FetchError, IngestError
from ingest.articles import Article, LoadFailure
from ingest.dates import parse_date
from ingest.decoding import charset_of
from ingest.fetch import Fetched, fetch_url
from ingest.loaders.html import html_to_text, load_html

logger = logging.getLogger(__name__)

_FULL_TEXT_WORDS = 150  # a feed entry with fewer words than this carries only a summary
_LISTING_TITLE = re.compile(r"^\s*(?:index of|directory listing for)\s+/", re.I)  # Apache, nginx, python -m http.server
MAX_LISTING_DEPTH = 5  # folders below a listed folder, as ``ingest DIR/`` takes subfolders


def is_url(spec: str) -> bool:
    """True for an http(s) URL."""
    return spec.lower().startswith(("http://", "https://"))


# Content types that say little of what a file holds: a file served so is read by its extension.
_GENERIC_TYPES = {
    "",
    "text/plain",
    "application/octet-stream",
    "binary/octet-stream",
    "text/markdown",
    "text/x-markdown",
    "application/x-ndjson",
    "application/ndjson",
    "application/jsonl",
    "application/x-jsonlines",
    "application/json-lines",
    "text/x-ndjson",
}


def _kind(content_type: str, body: bytes, url: str = "") -> str:
    """The loader for a fetched body: by its URL's extension when the content type is generic
    (a .md file served as text/plain, a .jsonl as application/octet-stream), else by its type."""
    from ingest.loaders import kind_for_name

    kind = content_type.split(";", 1)[0].strip().lower()
    by_name = kind_for_name(urlsplit(url).path) if url else None
    if by_name and (kind in _GENERIC_TYPES or (kind == "application/json" and by_name == "jsonl")):
        return by_name
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


def listing_links(body: bytes, url: str) -> list[str] | None:
    """The links of a web server's folder listing ("Index of /news/") that lead below it, in page
    order; None when the page is not such a listing."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return None
    title = root.findtext(".//title") or root.findtext(".//h1") or ""
    if not _LISTING_TITLE.match(title):
        return None
    base = urlsplit(url)
    folder = base.path if base.path.endswith("/") else base.path.rsplit("/", 1)[0] + "/"
    links: list[str] = []
    for anchor in root.iter("a"):
        parts = urlsplit(urljoin(url, anchor.get("href") or ""))
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(folder):
            continue  # the parent folder, column-sorting links ("?C=N;O=D"), other sites
        link = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        if parts.path != folder and link not in links:
            links.append(link)
    return links


def _load_listing(
    url: str, links: list[str], settings: Settings, depth: int, seen: set[str]
) -> Iterator[Article | LoadFailure]:
    """Every article file a folder listing links to, by extension, and the folders below it,
    as a local folder is read; other links (images, archives) are passed over."""
    from ingest.loaders import EXTENSIONS, kind_for_name

    files = [link for link in links if kind_for_name(urlsplit(link).path)]
    folders = [link for link in links if link.endswith("/")]
    if not files and not folders:
        yield LoadFailure(
            url, f"a folder listing with no supported files (extensions: {', '.join(sorted(EXTENSIONS))})"
        )
    for link in files:
        yield from _load_page(link, settings, depth, seen, kind_for_name(urlsplit(link).path))
    for link in folders:
        if link in seen:
            continue
        seen.add(link)
        if depth >= MAX_LISTING_DEPTH:
            yield LoadFailure(link, f"not read: folders deeper than {MAX_LISTING_DEPTH} below {url}")
            continue
        yield from _load_page(link, settings, depth + 1, seen)


def load_url(url: str, settings: Settings) -> Iterator[Article | LoadFailure]:
    """Fetch a URL and load it as a page, a feed, JSON or text by its content type; a web server's
    folder listing loads the article files it lists, as a local folder does."""
    yield from _load_page(url, settings, 0, {url})


def _load_page(
    url: str, settings: Settings, depth: int, seen: set[str], kind: str | None = None
) -> Iterator[Article | LoadFailure]:
    """A URL by its content type, or by ``kind`` when given (a file a listing links to, read by its
    extension whatever type the server calls it); a folder listing loads what it lists."""
    try:
        fetched = fetch_url(url, settings)
    except FetchError as exc:
        yield LoadFailure(url, str(exc))
        return
    if kind is None:
        kind = _kind(fetched.content_type, fetched.body, fetched.url)
        links = listing_links(fetched.body, fetched.url) if kind == "html" else None
        if links is not None:
            yield from _load_listing(fetched.url, links, settings, depth, seen)
            return
    yield from _load_content(url, fetched.url, fetched.body, settings, kind, fetched.content_type)


def _load_content(
    url: str, final_url: str, body: bytes, settings: Settings, kind: str, content_type: str = ""
) -> Iterator[Article | LoadFailure]:
    from ingest.loaders import load_bytes

    if kind == "html":
        try:
            yield from load_html(body, final_url, settings, url=final_url, charset=charset_of(content_type))
        except IngestError as exc:
            yield LoadFailure(url, str(exc))
    elif kind == "feed":
        try:
            yield from load_feed(body, final_url, settings)
        except IngestError as exc:
            yield LoadFailure(url, str(exc))
    else:
        for item in load_bytes(body, final_url, settings, kind):
            if isinstance(item, Article) and kind == "text" and not item.url:
                item.url = final_url  # a text file on the web is known by its address, as a page is
            yield item


def _entry_date(entry: Any) -> date | None:
    """The entry's date as written, in the publisher's time zone ("Thu, 26 Nov 2026 23:40 -0500" is
    the 26th, as on its page), else as feedparser read it (in UTC)."""
    for key in ("published", "updated", "created"):
        written = parse_date(entry.get(key))
        if written:
            return written
        value = entry.get(f"{key}_parsed")
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC).date()
    return None


def _entry_text(entry: Any) -> str:
    contents = [c.get("value", "") for c in entry.get("content", []) if c.get("value")]
    html = max(contents, key=len) if contents else entry.get("summary", "") or ""
    return html_to_text(html) if "<" in html else html


def _entry_links(link: str | None, feed_url: str | None, home: str | None) -> list[str]:
    """Where a feed entry's page may be: its link if absolute, else the link resolved against the
    feed's own address (as feed readers do), then against the site the feed names (its <link>),
    which feeds writing "stories/x.html" often mean; nothing when there is no address to resolve it by."""
    if not link:
        return []
    if is_url(link):
        return [link]
    bases = [base for base in (feed_url, home) if base and is_url(base)]
    return list(dict.fromkeys(urljoin(base, link) for base in bases))


def load_feed(data: bytes, origin: str, settings: Settings) -> Iterator[Article | LoadFailure]:
    """Articles from an RSS/Atom feed; an entry with only a summary has its page fetched. Relative
    links are resolved against the feed's address (``origin`` when it was fetched)."""
    parsed = feedparser.parse(data)
    if not parsed.entries:
        reason = getattr(parsed, "bozo_exception", None)
        raise IngestError(f"not a feed with entries{f' ({reason})' if reason else ''}")
    feed_title = parsed.feed.get("title") or (urlsplit(origin).netloc if "://" in origin else None)
    feed_url = origin if is_url(origin) else None
    malformed = _malformed(parsed)
    for index, entry in enumerate(parsed.entries):
        links = _entry_links(entry.get("link"), feed_url, parsed.feed.get("link"))
        link = links[0] if links else None
        where = link or entry.get("link") or f"{origin}#entry{index}"
        text = _entry_text(entry)
        authors = [a.get("name", "") for a in entry.get("authors", []) if a.get("name")]
        stand_in = None
        if len(text.split()) < _FULL_TEXT_WORDS and link and settings.feed_fetch_pages:
            try:
                fetched, link = _fetch_first(links, settings)
                charset = charset_of(fetched.content_type)
                for article in load_html(fetched.body, fetched.url, settings, url=link, charset=charset):
                    article.title = article.title or entry.get("title", "")
                    article.published = article.published or _entry_date(entry)
                    article.authors = article.authors or authors
                    if article.source in (None, "", urlsplit(fetched.url).hostname, urlsplit(fetched.url).netloc):
                        article.source = feed_title or article.source  # the page names no site: the feed's name
                    article.url = link
                    article.warnings += malformed
                    yield article
                continue
            except IngestError as exc:
                if not text.strip():
                    yield LoadFailure(where, f"feed entry's page: {exc}")
                    continue
                # the feed's summary stands in, unless the article is stored already (the pipeline
                # keeps that); a later ingest, the page reachable, replaces it
                logger.info("feed entry %s: its page failed (%s); its summary stands in if it is new", link, exc)
                stand_in = f"feed entry's page could not be fetched ({exc})"
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
            stand_in=stand_in,
            warnings=list(malformed),
        )


def _malformed(parsed: Any) -> list[str]:
    """A warning for a feed that is not well-formed XML (feedparser reads what it can of it)."""
    exc = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if exc is None or isinstance(exc, (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)):
        return []
    return [
        f"the feed is malformed ({str(exc)[:200]}); its entries are read as far as they can be, some may be missing"
    ]


def _fetch_first(links: list[str], settings: Settings) -> tuple[Fetched, str]:
    """The first of ``links`` that can be fetched, and which it was; the first one's error when none can."""
    first_error: FetchError | None = None
    for link in links:
        try:
            return fetch_url(link, settings), link
        except FetchError as exc:
            first_error = first_error or exc
    raise first_error or FetchError("no link to fetch")
