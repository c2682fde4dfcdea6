"""What the store keeps: article records and passages, as plain data.

Chroma metadata cannot hold ``None``, so absent fields are left out of the metadata
and come back as ``None``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.terms import without_accents


def _clean_metadata(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


@dataclass
class ArticleRecord:
    """The record of one stored article, shared by every process that uses the store."""

    id: str
    title: str
    url: str | None
    source: str | None
    published_at: str | None
    authors: list[str]
    content_hash: str
    chunk_count: int
    ingested_at: str
    origin: str = ""

    def to_metadata(self) -> dict[str, Any]:
        """Chroma metadata for the records collection."""
        values = asdict(self)
        values.pop("id")
        values["authors"] = json.dumps(self.authors)
        values["kind"] = "article"
        return _clean_metadata(values)

    @classmethod
    def from_metadata(cls, record_id: str, meta: dict[str, Any]) -> ArticleRecord:
        """Rebuild a record from Chroma metadata."""
        try:
            authors = json.loads(meta.get("authors") or "[]")
        except json.JSONDecodeError:
            authors = []
        return cls(
            id=record_id,
            title=str(meta.get("title", "")),
            url=meta.get("url"),
            source=meta.get("source"),
            published_at=meta.get("published_at"),
            authors=[str(a) for a in authors] if isinstance(authors, list) else [],
            content_hash=str(meta.get("content_hash", "")),
            chunk_count=int(meta.get("chunk_count", 0)),
            ingested_at=str(meta.get("ingested_at", "")),
            origin=str(meta.get("origin", "")),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


@dataclass
class Passage:
    """A stored chunk of an article, as retrieval returns it."""

    chunk_id: str
    article_id: str
    title: str
    url: str | None
    source: str | None
    published_at: str | None
    quote: str
    start: int
    end: int
    position: int = 0
    score: float = 0.0
    content_hash: str = ""
    signals: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_chroma(cls, chunk_id: str, document: str | None, meta: dict[str, Any] | None) -> Passage:
        """Build from what Chroma returns for one chunk."""
        meta = meta or {}
        return cls(
            chunk_id=chunk_id,
            article_id=str(meta.get("article_id", "")),
            title=str(meta.get("title", "")),
            url=meta.get("url"),
            source=meta.get("source"),
            published_at=meta.get("published_at"),
            quote=document or "",
            start=int(meta.get("start", 0)),
            end=int(meta.get("end", 0)),
            position=int(meta.get("position", 0)),
            content_hash=str(meta.get("content_hash", "")),
        )

    def to_dict(self) -> dict[str, Any]:
        """The passage fields of the public JSON (no internal ones)."""
        return {
            "article_id": self.article_id,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "published_at": self.published_at,
            "chunk_id": self.chunk_id,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "score": round(float(self.score), 6),
        }


def counted(count: int, noun: str) -> str:
    """``1 passage``, ``3 passages``."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def find_articles(records: Sequence[ArticleRecord], find: str | None) -> list[ArticleRecord]:
    """The records where each word of ``find`` begins a word of the title, source or date (any
    case, accents or not: "rowing", "eights", "usatoday", "2025-06"), or, six characters or more,
    begins the id; all of them when it is empty or None. A word inside another does not count:
    "fed" finds "Fed" and "federal", not "unfed", nor an id beginning or holding "fed"."""
    wanted = [(w, re.compile(rf"(?<!\w){re.escape(w)}")) for w in _folded(find or "").split()]

    def found(record: ArticleRecord) -> bool:
        text = _folded(f"{record.title} {record.source or ''} {record.published_at or ''}")
        return all(
            pattern.search(text) or (len(word) >= _ID_PREFIX and record.id.casefold().startswith(word))
            for word, pattern in wanted
        )

    return [r for r in records if found(r)]


_ID_PREFIX = 6  # an id's first characters find it from this many: fewer are too often a word ("fed", "cafe")


def _folded(text: str) -> str:
    return without_accents(text).casefold()
