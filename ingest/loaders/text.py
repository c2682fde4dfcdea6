"""Plain text and Markdown articles, with YAML front matter or ``Title:`` header lines."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from assistant.config import Settings
from assistant.errors import IngestError
from ingest.articles import Article, file_identity
from ingest.dates import read_date_line
from ingest.decoding import decode_text
from ingest.loaders.bylines import byline, read_byline
from ingest.loaders.fields import metadata_from

_HEADER_LINE = re.compile(r"^(title|url|link|source|date|published|author|authors)\s*:\s*(.+)$", re.I)
_MD_HEADING = re.compile(r"^#{1,6}\s+", re.M)
# Linear on any input: no part may run past a bracket, parenthesis or marker that could
# start another match, so a line of 400,000 "[a](" or "*a " is read once, not once per marker.
_MD_IMAGE = re.compile(r"!\[[^\[\]\n]*\]\([^()\n]*\)")
# An image on a line of its own, and the caption under it: a line all in emphasis ("*The pier. Photo: X*").
_MD_FIGURE = re.compile(r"^[ \t]*!\[[^\[\]\n]*\]\([^()\n]*\)[ \t]*(?:\n[ \t]*([*_])[^*_\n][^\n]*\1[ \t]*)?$", re.M)
_MD_LINK = re.compile(r"\[([^\[\]\n]+)\]\([^()\n]*\)")
_MD_EMPHASIS = re.compile(r"\*\*([^*\n]+?)\*\*|__([^_\n]+?)__|(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_MD_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$", re.M)


# YAML front matter between --- lines, Hugo's TOML between +++ lines: (fence, closing, name, reader)
_FRONT_MATTERS: list[tuple[str, str, str, Callable[[str], Any]]] = [
    ("---", r"(?:---|\.\.\.)", "YAML", yaml.safe_load),
    ("+++", r"\+\+\+", "TOML", tomllib.loads),
]


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split YAML front matter (``---`` fenced) or Hugo's TOML front matter (``+++`` fenced) off
    the text, at the very top."""
    for fence, closing, name, read in _FRONT_MATTERS:
        if not text.startswith(fence):
            continue
        match = re.match(rf"{re.escape(fence)}[ \t]*\n(.*?)\n{closing}[ \t]*(?:\n|$)", text, re.S)
        if not match:
            return {}, text
        try:
            data = read(match.group(1))
        except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
            raise IngestError(f"malformed {name} front matter: {str(exc).splitlines()[0]}") from exc
        if not isinstance(data, dict):
            return {}, text
        return {str(k): v for k, v in data.items()}, text[match.end() :]
    return {}, text


def _header_lines(text: str) -> tuple[dict[str, Any], str]:
    """``Title: ...`` / ``Date: ...`` lines at the top of a plain text file, or a headline on the
    first line followed by such lines (``Date: ...``, ``Source: ...``), maybe after a blank line."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    at = start
    headline = None
    if at < len(lines) and not _HEADER_LINE.match(lines[at].strip()):
        headline, at = lines[at].strip(), at + 1
        after = at
        while after < min(len(lines), at + 2) and not lines[after].strip():
            after += 1  # a blank line or two between the headline and its header lines
        if after < len(lines) and _HEADER_LINE.match(lines[after].strip()):
            at = after
    fields: dict[str, Any] = {}
    while at < min(len(lines), start + 9):
        match = _HEADER_LINE.match(lines[at].strip())
        if not match:
            break
        fields[match.group(1).lower()] = match.group(2).strip()
        at += 1
    if headline is not None and fields:
        fields.setdefault("title", headline)
    if "title" not in fields:
        return {}, text
    return fields, "\n".join(lines[at:])


# The parts of a dateline: "Tech Ledger Wire — November 13, 2026", "By Jane Doe | Harbour Post | 13 Nov 2026".
_DATELINE_PARTS = re.compile(r"\s+[|•·—–-]\s+|\s*[|•·—–]\s*")
# What says the date is the publication's or an update's: "Published on", and as French, German,
# Spanish, Portuguese and Italian sites write it ("Publié le", "Aktualisiert am", "Publicado el").
_DATE_LABEL = re.compile(
    r"^(?:(?:first\s+|last\s+)?(?:published|updated|posted)(?:\s+on)?"
    r"|(?:publi[ée]|mis\s+[àa]\s+jour|modifi[ée])(?:\s+le)?"
    r"|(?:ver[öo]e?ffentlicht|aktualisiert|ge[äa]e?ndert)(?:\s+am)?"
    r"|(?:publicado|actualizado|atualizado)(?:\s+(?:el|em|a))?"
    r"|(?:pubblicato|aggiornato)(?:\s+il)?)\s*:?\s*",
    re.I,
)
# A publication's name: a few capitalised words ("Tech Ledger Wire", "The Harbour Post", "BBC News").
_SOURCE_NAME = re.compile(r"[A-Z0-9][\w.'’&-]*(?:\s+(?:[A-Z0-9&][\w.'’&-]*|of|the|and|on|for|de|la|du)){0,5}")
_OPENING_LINES = 3  # a dateline sits among the first lines: the headline, a byline, the dateline
_PARAGRAPH_WORDS = 25  # a line this long is the story begun: no dateline is looked for past it


def read_dateline(line: str) -> tuple[date, str | None, list[str]] | None:
    """The date, source and authors a dateline gives ("Tech Ledger Wire, November 13, 2026",
    "November 13, 2026", "Harbour Post — 13 Nov 2026", "By Jane Doe | Harbour Post | 13 Nov 2026");
    None for a line that says anything else, a sentence that starts with a date among them.

        >>> read_dateline("Tech Ledger Wire, November 13, 2026")
        (datetime.date(2026, 11, 13), 'Tech Ledger Wire', [])
    """
    line = line.strip().strip("*_").strip()
    if not line or len(line) > 160:
        return None
    published: date | None = None
    source: str | None = None
    authors: list[str] = []
    for part in _DATELINE_PARTS.split(line):
        part = part.strip(" ,;")
        if not part:
            continue
        day = read_date_line(_DATE_LABEL.sub("", part))
        if day is None and ", " in part:  # "Tech Ledger Wire, November 13, 2026": a name, then a date
            head, _, tail = part.partition(", ")
            day = read_date_line(_DATE_LABEL.sub("", tail))
            part = head.strip() if day is not None else part
        elif day is not None:
            part = ""
        if day is not None:
            if published is not None:
                return None
            published = day
        if not part:
            continue
        found = read_byline(part)
        if found is not None:  # "By Sample Desk": the authors, never the source
            authors = authors or found.authors
        elif source is None and _SOURCE_NAME.fullmatch(part):
            source = part
        else:
            return None
    return (published, source, authors) if published is not None else None


def take_dateline(body: str, title: str) -> tuple[tuple[date, str | None, list[str]] | None, str]:
    """A dateline among the opening lines of an article (see :func:`read_dateline`), and the text
    without it; nothing, and the text as it was, when there is none before the story begins. The
    headline (the first line, when no ``title`` was given, or a line repeating it) is never one."""
    lines = body.split("\n")
    seen = 0
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        is_headline = (seen == 0 and not title) or line.strip().casefold() == title.strip().casefold()
        found = None if is_headline else read_dateline(line)
        if found is not None:
            return found, "\n".join(lines[:i] + lines[i + 1 :])
        seen += 1
        if seen >= _OPENING_LINES or len(line.split()) > _PARAGRAPH_WORDS:
            break
    return None, body


def markdown_to_text(text: str) -> str:
    """Readable text from Markdown: headings, links and emphasis reduced to their words; images
    and their captions dropped (a picture's alt text is not reporting)."""
    text = _MD_FIGURE.sub("", text)
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_RULE.sub("", text)
    text = _MD_HEADING.sub("", text)
    for _ in range(2):  # twice: emphasis nested in emphasis ("**bold *and italic***")
        text = _MD_EMPHASIS.sub(lambda m: m.group(1) or m.group(2) or m.group(3) or "", text)
    return text


def load_text(data: bytes, origin: str, settings: Settings) -> Iterator[Article]:
    """One article from a .txt or .md file."""
    raw = decode_text(data).replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    fields, body = _front_matter(raw)
    if not fields:
        fields, body = _header_lines(raw)
    is_markdown = Path(origin).suffix.lower() in (".md", ".markdown")
    if is_markdown:
        body = markdown_to_text(body)
    meta = metadata_from(fields)
    dateline, body = take_dateline(body, meta["title"])
    if dateline is not None:  # what the front matter or header lines say comes first
        published, source, authors = dateline
        meta["published"] = meta["published"] or published
        meta["source"] = meta["source"] or source
        meta["authors"] = meta["authors"] or authors
    if not meta["authors"]:
        found, body = byline(body, [meta["source"]])
        if found is not None:  # its date when the front matter, header lines or a dateline give none
            meta["authors"] = found.authors
            meta["published"] = meta["published"] or found.published
    if not meta["title"]:
        stripped = body.strip()
        first, _, rest = stripped.partition("\n")
        meta["title"], body = first.strip(), rest
        if not body.strip():
            body = first
    if not body.strip():
        raise IngestError("no article text after the title")
    if len(body) > settings.max_article_chars:
        raise IngestError(
            f"article too long: {len(body):,} characters, the limit is {settings.max_article_chars:,} (NEWSDESK_MAX_ARTICLE_CHARS)"
        )
    yield Article(text=body, origin=origin, identity=file_identity(origin, meta["title"]), **meta)
