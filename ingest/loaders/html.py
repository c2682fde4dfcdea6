"""HTML pages: the main text extracted by trafilatura, title and date from the page's metadata."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import trafilatura
from htmldate import find_date
from trafilatura.settings import set_date_params

from assistant.config import Settings
from assistant.errors import IngestError
from ingest.articles import Article, file_identity, is_article_address, not_an_article_address
from ingest.dates import find_date_in_opening, parse_date
from ingest.decoding import decode_labelled, decode_text
from ingest.loaders.bylines import byline, byline_element, json_ld_authors, split_authors

# Words in a class or id that mark a box beside the article, not the article: readers' comments,
# newsletter sign-ups, paywall and subscription prompts. Matched against whole words of a class
# ("reader-responses", "newsletter-signup-box", "paywall-prompt"), so "paywalled", the part of
# an article behind a paywall, and "subscriber-content" are kept.
_BOILERPLATE_WORDS = {
    "comment",
    "comments",
    "responses",
    "disqus",
    "newsletter",
    "signup",
    "paywall",
    "regwall",
    "piano",
    "subscribe",
}
_CONTAINERS = {"html", "body", "main", "article", "head"}  # never dropped whole ("comments-open" on <body>)


def _is_boilerplate(element: Any) -> bool:
    if not isinstance(element.tag, str) or element.tag.lower() in _CONTAINERS:
        return False
    if element.tag.lower() == "figcaption":
        return True
    marks = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return any(word in _BOILERPLATE_WORDS for word in re.split(r"[\s_-]+", marks) if word)


def drop_boilerplate(root: Any) -> None:
    """Remove from a parsed page the boxes that are not its reporting: readers' comments,
    newsletter sign-ups, paywall prompts (by their class or id) and picture captions."""
    for element in [e for e in root.iter() if _is_boilerplate(e)]:
        if element.getparent() is not None:
            element.drop_tree()  # its tail (the text after it) stays


def _without_boilerplate(html: str) -> Any:
    """The page parsed, its boilerplate boxes dropped; the text itself when lxml cannot parse it
    (trafilatura then reads it as it can)."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return html
    drop_boilerplate(root)
    return root


def extract_html(html: str, url: str | None = None) -> dict[str, object]:
    """Main text and metadata of an HTML page (scripts, navigation and boilerplate dropped). The
    authors are the people its JSON-LD names (a live blog's too), else its byline element, else
    its other metadata, else a "By Jane Doe and John Roe" line at the top of its text (taken out
    of the text); never an agency or the site itself ("Amelia Hart, Global Wire" is Amelia Hart)."""
    page = _without_boilerplate(html)
    try:
        document: Any = trafilatura.bare_extraction(
            page,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            favor_recall=True,
            deduplicate=False,
            date_extraction_params=set_date_params(extensive=False),  # the markup's date; see _searched_date
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
    source = document.sitename or document.hostname or None
    publishers = [source, document.hostname]
    text = document.text or ""
    authors = [] if isinstance(page, str) else json_ld_authors(page, publishers)
    marked = None if isinstance(page, str) else byline_element(page, publishers)
    if not authors and marked is not None:
        authors = marked.authors
    if not authors:  # trafilatura's reading of the metadata; it may take a live blog's update for the page
        authors = split_authors(document.author or "", publishers)
    stated = marked.published if marked is not None else None
    if not authors:
        found, text = byline(text, publishers)
        authors = found.authors if found else []
        stated = stated or (found.published if found else None)
    # The date the page's markup gives, else the one its byline or opening words state, else what
    # searching the whole page finds (htmldate reads few languages, and takes a lone "2025" for 1 January).
    published = parse_date(document.date) or stated or find_date_in_opening(text) or _searched_date(page, document.url)
    return {
        "title": document.title or "",
        "text": text,
        "url": page_url or url,
        "published": published,
        "authors": authors,
        "source": source,
        "warnings": warnings,
    }


def _searched_date(page: Any, url: str | None) -> date | None:
    """The date htmldate finds searching a page's text, as trafilatura would have it search: its last
    resort, which takes a year alone for its 1 January."""
    try:
        return parse_date(find_date(page, url=url, **set_date_params(extensive=True)))
    except Exception:  # lxml's assorted errors on broken markup: no date, not a failed page
        return None


_SOURCE_BREAK = re.compile(r"[ \t]*[\r\n]+[ \t]*")
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
    drop_boilerplate(root)
    parts: list[str] = []

    def inline(text: str, pre: bool) -> str:  # a line break in HTML source is a space, but in <pre>
        return text if pre else _SOURCE_BREAK.sub(" ", text)

    def walk(node: Any, pre: bool = False) -> None:
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        block, pre = tag in _BLOCKS, pre or tag == "pre"
        if block:
            parts.append("\n")
        if node.text:
            parts.append(inline(node.text, pre))
        for child in node:
            walk(child, pre)
            if child.tail:
                parts.append(inline(child.tail, pre))
        if block:
            parts.append("\n")

    walk(root)
    return "".join(parts)


_NEEDS_JAVASCRIPT = re.compile(
    r"\b(?:enable|turn on|activate)\s+javascript\b|\bjavascript\s+(?:is\s+)?(?:required|disabled|needed)\b", re.I
)
_NOT_FOUND = re.compile(
    r"\b(?:page|article|story)\s+(?:was\s+)?not\s+found\b|\b404\b\s*(?:error|not\s+found|[-|:]|$)|^\W*404\b"
    r"|\b(?:sorry|oops)\b.{0,40}\b(?:find|found|exist|available)\b|\bpage\s+(?:you(?:'re|\s+are)\s+)looking\s+for\b",
    re.I,
)
_SHORT_PAGE_WORDS = 80  # an app shell or a "not found" page says little; an article that mentions them says more


def refuse_non_article(title: str, text: str) -> None:
    """Raise :class:`IngestError` for a page that is no article: a JavaScript app's empty shell
    ("You need to enable JavaScript"), or a "page not found" page served as a success."""
    if len(text.split()) >= _SHORT_PAGE_WORDS:
        return
    if _NEEDS_JAVASCRIPT.search(text) or re.fullmatch(r"\W*loading\W*", title, re.I):
        raise IngestError("not an article: a page that needs JavaScript to show its text (an app's empty shell)")
    first_line = text.strip().split("\n", 1)[0]
    if _NOT_FOUND.search(title) or _NOT_FOUND.search(first_line):
        raise IngestError("not an article: a 'page not found' page (served as a success)")


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
    refuse_non_article(str(fields.get("title") or ""), text)
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
    labels = [charset] if charset else []
    match = re.search(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_:\-]+)""", data[:4096], re.I)
    if match:
        labels.append(match.group(1).decode("ascii"))
    for label in labels:
        decoded = decode_labelled(data, label)
        if decoded is not None:
            return decoded
    raise IngestError("not UTF-8 and no charset declared in the page or its HTTP header; convert the file to UTF-8")
