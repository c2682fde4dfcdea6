"""The parts a running newsdesk shares (store, embedding model), built once, on first use.

The CLI, the HTTP API and the UI each hold one :class:`Services` and call the same
functions through it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import cached_property
from typing import BinaryIO

from assistant.config import Settings, get_settings
from assistant.embeddings import SentenceTransformerEmbeddings, get_embeddings
from assistant.store import ChromaStore
from ingest.pipeline import IngestSummary, Progress, ingest_sources


class Services:
    """Settings plus the store and models they configure, created lazily."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self._lock = threading.Lock()

    @cached_property
    def store(self) -> ChromaStore:
        """The Chroma store (opened on first use)."""
        return ChromaStore(self.settings)

    def embeddings(self) -> SentenceTransformerEmbeddings:
        """The embedding model (loaded on first use, then shared)."""
        return get_embeddings(self.settings.embedding_model, self.settings.embedding_batch_size)

    def ingest(
        self, specs: Iterable[str], progress: Progress | None = None, stdin: BinaryIO | None = None
    ) -> IngestSummary:
        """Ingest files, folders, URLs or standard input into the store."""
        return ingest_sources(specs, self.store, self.embeddings, self.settings, progress, stdin)
