"""Hybrid retrieval: dense search in Chroma plus BM25, fused by reciprocal rank fusion.

Relative time in the question ("this week", "yesterday") becomes a date filter seen
from ``as_of``; when that filter leaves nothing, the search runs again without it and
says so.

    >>> result = retriever.retrieve("What did Medvedev argue?", k=5)
    >>> result.passages[0].title
    'Medvedev Says U.S. Strikes Left Khamenei Stronger'
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.config import Settings
from assistant.embeddings import SentenceTransformerEmbeddings
from assistant.filters import SearchFilters
from assistant.lexical import LexicalIndex
from assistant.records import Passage
from assistant.store import ChromaStore
from assistant.timeframe import Timeframe, resolve_timeframe

logger = logging.getLogger(__name__)


@dataclass
class RetrievalResult:
    """Passages, best first, and how they were found."""

    query: str
    passages: list[Passage]
    timeframe: Timeframe | None = None
    notes: list[str] = field(default_factory=list)
    top_similarity: float = 0.0
    top_coverage: float = 0.0


def fuse(rankings: list[list[Passage]], weights: list[float], rrf_k: int) -> list[Passage]:
    """Reciprocal rank fusion: score = sum of weight / (rrf_k + rank) over the rankings."""
    fused: dict[str, Passage] = {}
    for ranking, weight, name in zip(rankings, weights, ("dense", "lexical"), strict=False):
        for rank, passage in enumerate(ranking, start=1):
            entry = fused.get(passage.chunk_id)
            if entry is None:
                entry = Passage(**{**passage.__dict__, "score": 0.0, "signals": dict(passage.signals)})
                fused[passage.chunk_id] = entry
            entry.score += weight / (rrf_k + rank)
            entry.signals[f"{name}_rank"] = rank
            entry.signals[name] = passage.score
    return sorted(fused.values(), key=lambda p: p.score, reverse=True)


class NewsRetriever(BaseRetriever):
    """Hybrid (dense + BM25) retrieval over a newsdesk store, as a LangChain retriever.

    ``invoke(query)`` gives LangChain ``Document`` objects (the passage text, its
    citation fields in ``metadata``); :meth:`retrieve` gives the full result.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: ChromaStore
    embeddings: SentenceTransformerEmbeddings
    lexical: LexicalIndex
    settings: Settings
    k: int = 8

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        result = self.retrieve(query, k=self.k)
        return [
            Document(page_content=p.quote, metadata={**p.to_dict(), "n": i}) for i, p in enumerate(result.passages, 1)
        ]

    def retrieve(
        self,
        query: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        as_of: date | None = None,
        time_text: str | None = None,
    ) -> RetrievalResult:
        """The ``k`` best passages for ``query`` under ``filters``, with relative time applied."""
        k = k or self.settings.k
        filters = filters or SearchFilters()
        timeframe = None
        notes: list[str] = []
        if self.settings.time_filter and filters.since is None and filters.until is None:
            timeframe = resolve_timeframe(time_text or query, as_of or date.today())
        if timeframe:
            passages, top = self._search(query, k, filters.with_dates(timeframe.since, timeframe.until))
            if not passages:
                notes.append(
                    f"No articles dated {timeframe.since.isoformat()} to {timeframe.until.isoformat()} "
                    f'("{timeframe.phrase}") matched; searched all dates instead.'
                )
                timeframe = None
                passages, top = self._search(query, k, filters)
        else:
            passages, top = self._search(query, k, filters)
        coverage = max((self.lexical.coverage(query, p) for p in passages[:3]), default=0.0)
        return RetrievalResult(
            query=query, passages=passages, timeframe=timeframe, notes=notes, top_similarity=top, top_coverage=coverage
        )

    def _search(self, query: str, k: int, filters: SearchFilters) -> tuple[list[Passage], float]:
        self.lexical.refresh()
        live = self.lexical.live_hashes
        if not live:
            return [], 0.0
        candidates = max(self.settings.candidates, k)
        vector = self.embeddings.embed_query(query)
        dense = [
            p
            for p in self.store.query(vector, candidates, filters.to_where())
            if live.get(p.article_id) == p.content_hash
        ]
        lexical = self.lexical.search(query, candidates, filters)
        fused = fuse([dense, lexical], [self.settings.dense_weight, self.settings.lexical_weight], self.settings.rrf_k)
        top = max((p.score for p in dense), default=0.0)
        logger.info("retrieve %r: %d dense, %d lexical -> %d", query[:80], len(dense), len(lexical), min(k, len(fused)))
        return fused[:k], top


def parse_filters(
    since: date | str | None = None,
    until: date | str | None = None,
    source: str | list[str] | None = None,
    article_ids: list[str] | None = None,
    known_sources: list[str] | None = None,
) -> SearchFilters:
    """Filters from user input; a source matches the stored name case-insensitively."""
    from assistant.errors import InvalidRequestError

    def as_date(value: date | str | None, name: str) -> date | None:
        if isinstance(value, date):
            return value
        if value is None or value == "":
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise InvalidRequestError(f"{name} must be a date like 2025-06-23, got {value!r}") from None

    start, end = as_date(since, "since"), as_date(until, "until")
    if start and end and start > end:
        raise InvalidRequestError(f"since ({start.isoformat()}) is after until ({end.isoformat()})")
    sources: list[str] = [source] if isinstance(source, str) else list(source or [])
    resolved: list[str] = []
    by_lower = {s.casefold(): s for s in (known_sources or [])}
    for name in (s.strip() for s in sources if s and s.strip()):
        resolved.append(by_lower.get(name.casefold(), name))
    return SearchFilters(start, end, tuple(resolved), tuple(article_ids or ()))
