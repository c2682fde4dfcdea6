"""Search filters: a date range, sources, article ids; as a test on a passage (the in-memory indexes,
:mod:`assistant.lexical`, hold each passage's fields as arrays and apply the same tests to them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ingest.dates import to_day_number


@dataclass(frozen=True)
class SearchFilters:
    """Restrict retrieval to a date range (inclusive), to sources, to articles; and, asked as of a
    day (``known_by``), to what was known then: nothing dated after it (undated articles pass)."""

    since: date | None = None
    until: date | None = None
    sources: tuple[str, ...] = field(default_factory=tuple)
    article_ids: tuple[str, ...] = field(default_factory=tuple)
    known_by: date | None = None

    @property
    def empty(self) -> bool:
        """True when nothing is filtered."""
        return not (self.since or self.until or self.sources or self.article_ids or self.known_by)

    def with_dates(self, since: date | None, until: date | None) -> SearchFilters:
        """The same filters with another date range."""
        return SearchFilters(since, until, self.sources, self.article_ids, self.known_by)

    def accepts(self, published_day: int | None, source: str | None, article_id: str) -> bool:
        """True when a passage with these fields passes the filters."""
        if self.since and (published_day is None or published_day < to_day_number(self.since)):
            return False
        if self.until and (published_day is None or published_day > to_day_number(self.until)):
            return False
        if self.known_by and published_day is not None and published_day > to_day_number(self.known_by):
            return False
        if self.sources and source not in self.sources:
            return False
        return not (self.article_ids and article_id not in self.article_ids)
