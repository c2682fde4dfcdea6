"""Metadata field names as news exports spell them, mapped onto an Article."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from ingest.articles import is_article_address, not_an_article_address
from ingest.dates import parse_date, writes_day_first
from ingest.loaders.bylines import split_authors

TITLE_KEYS = ("title", "headline", "name")
TEXT_KEYS = (
    "text",
    "body",
    "content",
    "article",
    "articleBody",
    "article_body",
    "full_text",
    "content_html",  # JSON Feed
    "content_text",
)
URL_KEYS = ("url", "link", "canonical_url", "href")
DATE_KEYS = (
    "published_at",
    "published",
    "date",
    "pubDate",
    "datePublished",
    "publish_date",
    "published_date",
    "publishedAt",  # NewsAPI
    "date_published",  # JSON Feed
    "created_at",
)
AUTHOR_KEYS = ("authors", "author", "byline", "creator")
LANGUAGE_KEYS = ("language", "lang", "locale", "inLanguage", "language_code")
SOURCE_KEYS = ("source", "site", "publisher", "site_name", "outlet")


def first_value(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """The first present, non-empty value among ``keys``; a WordPress REST field
    (``{"rendered": "..."}``) is its rendered value."""
    for key in keys:
        value = record.get(key)
        if isinstance(value, dict) and "rendered" in value:
            value = value["rendered"]
        if value not in (None, "", [], {}):
            return value
    return None


def as_text(value: Any) -> str | None:
    """A scalar or ``{"name": ...}`` value as text."""
    if value is None:
        return None
    if isinstance(value, dict):
        value = value.get("name") or value.get("title") or value.get("url")
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def as_authors(value: Any, publishers: Iterable[str | None] = ()) -> list[str]:
    """Authors from a list, a dict, or one string ("By A and B", "A, B and C"); organisations
    (a wire, an agency, one of ``publishers``) left out (see :func:`split_authors`)."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return []  # a number is a user id (WordPress's "author": 7), not a name
    names: list[str] = []
    for one in value if isinstance(value, list) else [value]:
        name = as_text(one)
        names += [n for n in split_authors(name, publishers) if n not in names] if name else []
    return names


def metadata_from(record: dict[str, Any]) -> dict[str, Any]:
    """Title, url, published date, authors and source from a loose record, and a warning for a
    date given but not understood (the article is stored undated, which date filters leave out).
    A numeric date is read day first when the record's language writes it so ("fr", "en-GB")."""
    given = first_value(record, DATE_KEYS)
    published = parse_date(given, day_first=writes_day_first(as_text(first_value(record, LANGUAGE_KEYS))))
    warnings = []
    if given is not None and published is None:
        shown = given if isinstance(given, (int, float)) else repr(str(given)[:60])
        warnings.append(f"date {shown} not understood (write it like 2025-06-23); stored undated")
    url = as_text(first_value(record, URL_KEYS))
    if url and not is_article_address(url):
        warnings.append(not_an_article_address(url))
        url = None
    source = as_text(first_value(record, SOURCE_KEYS))
    title = as_text(first_value(record, TITLE_KEYS)) or ""
    if any(isinstance(record.get(key), dict) and "rendered" in record[key] for key in TITLE_KEYS):
        title = html.unescape(title)  # WordPress renders "Surf schools&#8217; licences"
    return {
        "title": title,
        "url": url,
        "published": published,
        "authors": as_authors(first_value(record, AUTHOR_KEYS), [source]),
        "source": source,
        "warnings": warnings,
    }
