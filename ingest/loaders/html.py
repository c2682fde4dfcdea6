"""HTML pages: the main text extracted by trafilatura, title and date from the page's metadata."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import trafilatura

from assistant.config import Settings
from assistant.errors import IngestError
from ingest.articles import Article, file_identity, is_article_address, not_an_article_address
from ingest.dates import parse_date
from ingest.decoding import decode_labelled, decode_text


def extract_html(html: str, url: str | None = None) -> dict[str, object]:
    """Main text and metadata of an HTML page (scripts, navigation and boilerplate dropped)."""
    try:
        document: Any = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            favor_recall=True,
            deduplicate=False,
        )
    except Exception as exc:  # trafilatura raises assorted lxml errors on broken markup
        raise IngestError(f"cannot parse HTML: {exc}") from exc
    if document is None or not (document.text or "").strip():
        raise IngestError("no article text found in the HTML")
    warnings = []
    page_url = document.url
    if page_url and not is_article_address(page_url):
        warnings.append(not_an_article_address(page_url, "the page's canonical address"))
        page_url = None
    return {
        "title": document.title or "",
        "text": document.text or "",
        "url": page_url or url,
        "published": parse_date(document.date),
        "authors": [a.strip() for a in (document.author or "").split(";") if a.strip()],
        "source": document.sitename or document.hostname or None,
        "warnings": warnings,
    }


_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article", "pre"}


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed summary, a CMS 'body' field); scripts and styles dropped."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return fragment
    etree.strip_elements(root, "script", "style", "noscript", "template", etree.Comment, with_tail=False)
    parts: list[str] = []

    def walk(node: Any) -> None:
        block = isinstance(node.tag, str) and node.tag.lower() in _BLOCKS
        if block:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(root)
    return "".join(parts)


def load_html(
    data: bytes, origin: str, settings: Settings, url: str | None = None, charset: str | None = None
) -> Iterator[Article]:
    """One article from an HTML page; ``url`` is where it was fetched from, if it was, and
    ``charset`` what its HTTP Content-Type said it is written in."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:8192]:
        html = decode_text(data)
    else:
        if not data.strip():
            raise IngestError("empty file: no text to ingest")
        html = data.decode("utf-8", errors="replace") if _is_utf8(data) else _decode_declared(data, charset)
    fields = extract_html(html, url)
    text = str(fields.pop("text"))
    if len(text) > settings.max_article_chars:
        raise IngestError(
            f"article too long: {len(text):,} characters, the limit is {settings.max_article_chars:,} (NEWSDESK_MAX_ARTICLE_CHARS)"
        )
    identity = None if fields.get("url") else file_identity(origin, str(fields.get("title") or ""))
    yield Article(text=text, origin=origin, identity=identity, **fields)  # type: ignore[arg-type]


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_declared(data: bytes, charset: str | None = None) -> str:
    """Decode by the charset the HTTP header gave, else the page's own (``<meta charset>``), as a
    browser reads the label (ISO-8859-1 is windows-1252); else refuse."""
    import re

    labels = [charset] if charset else []
    match = re.search(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_:\-]+)""", data[:4096], re.I)
    if match:
        labels.append(match.group(1).decode("ascii"))
    for label in labels:
        decoded = decode_labelled(data, label)
        if decoded is not None:
            return decoded
    raise IngestError("not UTF-8 and no charset declared in the page or its HTTP header; convert the file to UTF-8")
