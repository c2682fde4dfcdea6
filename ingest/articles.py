"""Articles: what loaders produce, made ready to store (cleaned, identified, hashed)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ingest.cleaning import clean_text, collapse_inline, drop_surrogates
from ingest.dates import find_date_in_opening

UPLOAD_PREFIX = "upload:"  # the origin of an uploaded file: "upload:story.md"
MAX_DERIVED_TITLE = 120  # characters of an untitled article's first line that make its title
_TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "cmpid", "ocid")


@dataclass
class Article:
    """One news article as a loader found it.

    ``origin`` says where it came from (a path, a URL, ``file.jsonl:12``) for messages;
    ``identity`` is a stable key for articles without a URL (a file's path), so that an
    edited file replaces its earlier version instead of sitting beside it. ``stand_in`` says
    why the text is less than the article (its page could not be fetched): it is stored
    when nothing is, but never replaces a stored version.
    """

    title: str
    text: str
    url: str | None = None
    source: str | None = None
    published: date | None = None
    authors: list[str] = field(default_factory=list)
    origin: str = ""
    identity: str | None = None
    stand_in: str | None = None  # why this is only a stand-in (a feed's summary for a page that failed)
    former_identity: str | None = None  # what identified it before (a record's bare id), so a stored copy is found
    warnings: list[str] = field(default_factory=list)  # what was stored otherwise than given (a date not understood)


def file_identity(origin: str, title: str | None) -> str | None:
    """What identifies an article read from a file and carrying no URL: the file's resolved path,
    so that an edited file replaces its earlier version; for an upload, its name together with
    its title (people upload different stories under one name, "story.txt"); nothing for standard
    input or a web page (identified by content, or by URL)."""
    if origin.startswith(("<", "http://", "https://")):
        return None
    if origin.startswith(UPLOAD_PREFIX):
        return f"{origin}\x00{title or ''}"
    return "file:" + str(Path(origin).resolve())


def origin_file(origin: str) -> str:
    """The file (or upload, or URL) an origin names, without a record's place in it:
    ``news.jsonl:12`` and ``news.json[3]`` are both ``news.jsonl``/``news.json``."""
    return re.sub(r"(?::\d+|\[\d+\])$", "", origin)


def record_identity(record_id: str, source: str | None, origin: str) -> str:
    """What identifies a JSON record by its own id: that id is unique only within its source (two
    outlets' exports both have a record 101), so it is scoped by the record's source (outlet) when
    it names one, else by the file it came from."""
    if source and source.strip():
        return f"record:source:{' '.join(source.split()).casefold()}\x00{record_id}"
    where = origin_file(origin)
    scope = where if where.startswith(("<", "http://", "https://", UPLOAD_PREFIX)) or where == "request" else None
    return f"record:file:{scope or Path(where).resolve()}\x00{record_id}"


@dataclass(frozen=True)
class LoadFailure:
    """A source, or part of one, that could not be read, and why."""

    source: str
    error: str


@dataclass(frozen=True)
class PreparedArticle:
    """An article cleaned and identified: the unit the store keeps."""

    id: str
    title: str
    text: str
    url: str | None
    source: str | None
    published: date | None
    authors: tuple[str, ...]
    content_hash: str
    origin: str
    former_id: str | None = None  # the id it had before its identity was scoped (see record_identity)


def normalize_url(url: str) -> str:
    """The URL an article is known by: lower-case host, no fragment, no tracking parameters."""
    parts = urlsplit(url.strip())
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith(_TRACKING_PARAMS)
    ]
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(query), ""))


def is_article_address(url: str | None) -> bool:
    """True for a URL that can be one article's address: http(s), a host, and a path or query
    beyond the site's root. A page whose canonical link is its site's home page ("/") names the
    site, not itself; known by it, every such page would be one article, each replacing the last."""
    if not url:
        return False
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return False
    return parts.path.strip("/") != "" or bool(parts.query)


def not_an_article_address(url: str, what: str = "url") -> str:
    """The warning for a URL passed over as an article's address."""
    return f"{what} {url[:200]!r} is not an article's own address (a site's home page?); not used to identify it"


def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def _strip_leading_title(title: str, text: str) -> str:
    """Drop a first line that repeats the title (HTML extractors and plain files often carry it),
    unless it is all the text there is (a one-line article is its own title)."""
    first, _, rest = text.partition("\n")
    if title and rest.strip() and first.strip().casefold() == title.strip().casefold():
        return rest
    return text


def headline_from(text: str, limit: int = MAX_DERIVED_TITLE) -> str:
    """A title for an article given none: its first line, or as much of it as ends at a word
    within ``limit`` characters, with an ellipsis.

        >>> headline_from("The harbour board voted on Monday to raise fees", limit=30)
        'The harbour board voted on…'
    """
    first = text.split("\n", 1)[0].strip()
    if len(first) <= limit:
        return first
    cut = first[: limit - 1]  # room for the ellipsis
    if not first[limit - 1].isspace() and len(cut.split()) > 1:  # cut mid-word: back to the word before
        cut = cut.rsplit(None, 1)[0]
    return cut.rstrip(" ,;:-–—") + "…"


def sibling_id(article: PreparedArticle) -> str:
    """Another id for an article whose id another, different story in the same run holds
    (one address or record id given to two stories): its id and title together, so that the
    same two stories keep the same two ids at every ingest."""
    return _digest("sibling", article.id, article.title)[:16]


def is_other_story(first: PreparedArticle, second: PreparedArticle) -> bool:
    """True when two articles under one id are different stories, not two versions of one:
    their headlines differ."""
    return first.title.casefold() != second.title.casefold()


def prepare_article(article: Article, index_signature: str) -> PreparedArticle:
    """Clean an article and give it its id and content hash.

    ``index_signature`` names the chunking settings: changing them changes every hash,
    so a re-ingest re-chunks instead of calling old chunks "unchanged".
    """
    title = collapse_inline(article.title)
    text = _strip_leading_title(title, clean_text(article.text))
    url = normalize_url(drop_surrogates(article.url)) if article.url else None
    source = collapse_inline(article.source) if article.source else None
    if not source and url:
        source = urlsplit(url).netloc or None
    authors = tuple(a for a in (collapse_inline(x) for x in article.authors) if a)
    published = article.published or find_date_in_opening(text)
    # An article known by its content keeps the id it has always had: one made with the first
    # 120 characters as its title, as untitled articles were once titled.
    content_id = _digest("content", title or text.split("\n", 1)[0][:120], text)[:16]
    if not title:
        title = headline_from(text)
    if url:
        article_id = _digest("url", url)[:16]
    elif article.identity:
        article_id = _digest("identity", article.identity)[:16]
    else:
        article_id = content_id
    content_hash = _digest(
        index_signature,
        json.dumps([title, text, url, source, published.isoformat() if published else None, list(authors)]),
    )
    return PreparedArticle(
        id=article_id,
        title=title,
        text=text,
        url=url,
        source=source,
        published=published,
        authors=authors,
        content_hash=content_hash,
        origin=article.origin,
        former_id=_digest("identity", article.former_identity)[:16] if article.former_identity else None,
    )
