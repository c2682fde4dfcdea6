"""Plain text and Markdown articles, with YAML front matter or ``Title:`` header lines."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from assistant.config import Settings
from assistant.errors import IngestError
from ingest.articles import Article, file_identity
from ingest.decoding import decode_text
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


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split YAML front matter (``---`` fenced) or Hugo's TOML front matter (``+++`` fenced) off
    the text, at the very top."""
    if text.startswith("+++"):
        return _toml_front_matter(text)
    if not text.startswith("---"):
        return {}, text
    match = re.match(r"---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)", text, re.S)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise IngestError(f"malformed YAML front matter: {str(exc).splitlines()[0]}") from exc
    if not isinstance(data, dict):
        return {}, text
    return {str(k): v for k, v in data.items()}, text[match.end() :]


def _toml_front_matter(text: str) -> tuple[dict[str, Any], str]:
    match = re.match(r"\+\+\+[ \t]*\n(.*?)\n\+\+\+[ \t]*(?:\n|$)", text, re.S)
    if not match:
        return {}, text
    try:
        data = tomllib.loads(match.group(1))
    except tomllib.TOMLDecodeError as exc:
        raise IngestError(f"malformed TOML front matter: {exc}") from exc
    return data, text[match.end() :]


def _header_lines(text: str) -> tuple[dict[str, Any], str]:
    """``Title: ...`` / ``Date: ...`` lines at the top of a plain text file, or a headline on the
    first line followed by such lines (``Date: ...``, ``Source: ...``)."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    at = start
    headline = None
    if at < len(lines) and not _HEADER_LINE.match(lines[at].strip()):
        headline, at = lines[at].strip(), at + 1
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


_BYLINE = re.compile(r"^\W*by\s+(.+?)\W*$", re.I)
_NAME = re.compile(
    r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|der|den|di|du|van|von|da|del|la|le|bin|al))*\s+[A-Z][\w.'’-]+"
)
_ROLE = re.compile(
    r"\b(?:writer|reporter|correspondent|editor|staff|press|news|times|post|desk|wire|contributor)\b", re.I
)


def byline(body: str) -> tuple[list[str], str]:
    """Authors from a "By Jane Doe and John Roe" line among the first lines of an article, and the
    text without that line; no authors and the text as it was when there is none.

        >>> byline("By Kevin Aldridge, Staff Writer\n\nThe council met.")
        (['Kevin Aldridge'], '\nThe council met.')
    """
    lines = body.split("\n")
    seen = 0
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        seen += 1
        if seen > 3:
            break
        match = _BYLINE.match(line.strip())
        if not match or len(line.split()) > 14:
            continue
        names = [
            part.strip()
            for part in re.split(r"[,|&]|\band\b", match.group(1))
            if _NAME.fullmatch(part.strip()) and not _ROLE.search(part)
        ]
        if names:
            return names, "\n".join(lines[:i] + lines[i + 1 :])
    return [], body


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
    if not meta["authors"]:
        meta["authors"], body = byline(body)
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
