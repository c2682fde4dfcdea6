"""The parts a running newsdesk shares (store, models, indexes, answerers), built once, on first use.

The CLI, the HTTP API and the UI each hold one :class:`Services` and call the same
functions through it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, BinaryIO

from assistant.config import Settings, get_settings
from assistant.embeddings import SentenceTransformerEmbeddings, get_embeddings
from assistant.ingest_lock import WriterWait
from assistant.lexical import LexicalIndex
from assistant.store import ChromaStore
from ingest.pipeline import IngestSummary, Progress, ingest_sources

if TYPE_CHECKING:
    from assistant.answerers import Answerer
    from assistant.retrieval import NewsRetriever


class Services:
    """Settings plus the store, models and indexes they configure, created lazily."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self._lock = threading.RLock()
        self._answerers: dict[str, Answerer] = {}

    @cached_property
    def store(self) -> ChromaStore:
        """The Chroma store (opened on first use)."""
        return ChromaStore(self.settings)

    def embeddings(self) -> SentenceTransformerEmbeddings:
        """The embedding model (loaded on first use, then shared)."""
        return get_embeddings(
            self.settings.embedding_model, self.settings.embedding_batch_size, self.settings.embedding_precision
        )

    @cached_property
    def lexical(self) -> LexicalIndex:
        """The BM25 index over the store's passages."""
        return LexicalIndex(self.store)

    @cached_property
    def retriever(self) -> NewsRetriever:
        """Hybrid retrieval over the store."""
        from assistant.retrieval import NewsRetriever

        reranker = None
        if self.settings.reranker_model:
            from assistant.rerank import CrossEncoderReranker

            reranker = CrossEncoderReranker(self.settings.reranker_model)
        return NewsRetriever(
            store=self.store,
            embeddings=self.embeddings(),
            lexical=self.lexical,
            settings=self.settings,
            k=self.settings.k,
            reranker=reranker,
        )

    def answerer(self, name: str) -> Answerer:
        """The answerer registered as ``name``, built once."""
        from assistant.answerers import get_answerer

        with self._lock:
            if name not in self._answerers:
                self._answerers[name] = get_answerer(name, self)
            return self._answerers[name]

    def add_answerer(self, answerer: Answerer) -> None:
        """Make an answerer instance available under its name (a custom model, a test double)."""
        with self._lock:
            self._answerers[answerer.name] = answerer

    def ingest(
        self,
        specs: Iterable[str],
        progress: Progress | None = None,
        stdin: BinaryIO | None = None,
        wait: WriterWait | None = None,
    ) -> IngestSummary:
        """Ingest files, folders, URLs or standard input into the store, waiting for another writer
        as ``wait`` says (by default as long as it takes)."""
        return ingest_sources(specs, self.store, self.embeddings, self.settings, progress, stdin, wait)


@lru_cache(maxsize=1)
def get_services() -> Services:
    """The process's services, over :func:`get_settings`."""
    return Services(get_settings())
