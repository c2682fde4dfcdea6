"""JSON article records: one object, a list, ``{"articles": [...]}``, or JSON lines."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any

from assistant.config import Settings
from assistant.errors import IngestError
from ingest.articles import Article, LoadFailure, record_identity
from ingest.decoding import decode_text
from ingest.loaders.fields import SOURCE_KEYS, TEXT_KEYS, first_value, metadata_from
from ingest.loaders.html import html_to_text

_HTML_TAG = re.compile(r"<(?:p|div|br|span|a|h[1-6]|li|ul|article|section|strong|em)\b[^>]*>", re.I)
MAX_LISTED_FAILURES = 20
MAX_RECORDS_PER_FILE = 100_000
TOO_MANY = f"the limit is {MAX_RECORDS_PER_FILE:,} records per file; split it into smaller files"


class FailureList:
    """The failed records of one file: the first few each with its reason, the rest as one count.

    A 50 MB file of ``[{}, {}, ...]`` holds 16 million records without text; listed one
    by one their failures would take gigabytes and bury the summary.
    """

    def __init__(self, origin: str, limit: int = MAX_LISTED_FAILURES) -> None:
        self.origin = origin
        self.limit = limit
        self.count = 0

    def add(self, where: str, error: str) -> Iterator[LoadFailure]:
        """The failure of one record, while fewer than ``limit`` have been listed."""
        self.count += 1
        if self.count <= self.limit:
            yield LoadFailure(where, error)

    def rest(self) -> Iterator[LoadFailure]:
        """One failure counting the records not listed, if any."""
        if self.count > self.limit:
            unlisted = self.count - self.limit
            yield LoadFailure(self.origin, f"{unlisted:,} more records failed (only the first {self.limit} are listed)")


def record_to_article(record: Any, origin: str, settings: Settings) -> Article:
    """An Article from one JSON record, or :class:`IngestError` saying what is missing."""
    if not isinstance(record, dict):
        raise IngestError(f"expected an article object, got {type(record).__name__}")
    text = first_value(record, TEXT_KEYS)
    if not isinstance(text, str) or not text.strip():
        raise IngestError(f"record has no text (expected a non-empty string in one of: {', '.join(TEXT_KEYS)})")
    if _HTML_TAG.search(text[:5000]):
        text = html_to_text(text)
    if len(text) > settings.max_article_chars:
        raise IngestError(
            f"article too long: {len(text):,} characters, the limit is {settings.max_article_chars:,} (NEWSDESK_MAX_ARTICLE_CHARS)"
        )
    meta = metadata_from(record)
    external_id = record.get("id")
    if isinstance(external_id, (str, int)) and not isinstance(external_id, bool) and str(external_id).strip():
        identity = record_identity(str(external_id), meta["source"], origin)
        return Article(text=text, origin=origin, identity=identity, former_identity=f"record:{external_id}", **meta)
    return Article(text=text, origin=origin, **meta)


def _first_clause(exc: Exception) -> str:
    """The gist of an error message, without Python's advice after the colon."""
    return str(exc).split(":", 1)[0]


def records_of(value: Any) -> list[Any]:
    """The article records of decoded JSON: one object, a list, or a list under ``articles``,
    ``items`` (JSON Feed), ``records`` or ``data``. A JSON Feed's title is the source of the items
    naming none."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        for key in ("articles", "items", "records", "data"):
            if isinstance(value.get(key), list) and not first_value(value, TEXT_KEYS):
                return [_with_feed_source(item, value) for item in value[key]]
        return [value]
    raise IngestError(f"expected an article object or a list of them, got {type(value).__name__}")


def _with_feed_source(item: Any, feed: dict[str, Any]) -> Any:
    is_json_feed = "jsonfeed.org" in str(feed.get("version", ""))
    if is_json_feed and isinstance(item, dict) and not first_value(item, SOURCE_KEYS) and feed.get("title"):
        return {**item, "source": feed["title"]}
    return item


def _reason(exc: json.JSONDecodeError) -> str:
    """The parser's reason, without the " at" some of them end in ("Invalid control character at")."""
    return exc.msg.removesuffix(" at")


def load_json(data: bytes, origin: str, settings: Settings) -> Iterator[Article | LoadFailure]:
    """Articles from a .json file; a bad record fails alone."""
    try:
        value = json.loads(decode_text(data))
    except json.JSONDecodeError as exc:
        raise IngestError(f"malformed JSON: {_reason(exc)} at line {exc.lineno} column {exc.colno}") from exc
    except RecursionError as exc:
        raise IngestError("malformed JSON: nested too deeply to read") from exc
    except ValueError as exc:  # a number of more than 4,300 digits
        raise IngestError(f"malformed JSON: {_first_clause(exc)}") from exc
    items = records_of(value)
    if not items:
        raise IngestError("no article records in the JSON")
    failures = FailureList(origin)
    for index, record in enumerate(items[:MAX_RECORDS_PER_FILE]):
        where = f"{origin}[{index}]" if len(items) > 1 else origin
        try:
            yield record_to_article(record, where, settings)
        except IngestError as exc:
            yield from failures.add(where, str(exc))
    yield from failures.rest()
    if len(items) > MAX_RECORDS_PER_FILE:
        unread = len(items) - MAX_RECORDS_PER_FILE
        yield LoadFailure(origin, f"{unread:,} more records not read: {TOO_MANY}")


def load_jsonl(data: bytes, origin: str, settings: Settings) -> Iterator[Article | LoadFailure]:
    """Articles from a .jsonl file, one per line; a malformed line fails alone."""
    text = decode_text(data)
    records = 0
    failures = FailureList(origin)
    # Lines end at \n, \r\n or \r only: str.splitlines() would also cut at U+2028 and other
    # separators that JSON strings may hold unescaped. Read lazily, a line at a time.
    for number, line in enumerate(io.StringIO(text, newline=None), start=1):
        if not line.strip():
            continue
        if records == MAX_RECORDS_PER_FILE:
            yield LoadFailure(origin, f"lines from {number:,} on not read: {TOO_MANY}")
            break
        records += 1
        where = f"{origin}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield from failures.add(where, f"malformed JSON line: {_reason(exc)} at column {exc.colno}")
            continue
        except RecursionError:
            yield from failures.add(where, "malformed JSON line: nested too deeply to read")
            continue
        except ValueError as exc:  # a number of more than 4,300 digits
            yield from failures.add(where, f"malformed JSON line: {_first_clause(exc)}")
            continue
        try:
            yield record_to_article(record, where, settings)
        except IngestError as exc:
            yield from failures.add(where, str(exc))
    if not records:
        raise IngestError("empty file: no JSON lines")
    yield from failures.rest()
