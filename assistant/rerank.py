"""An optional reranking step: a cross-encoder re-scores the best fused passages.

None ships offline here, so the default is no reranker; set ``NEWSDESK_RERANKER_MODEL`` to a
local sentence-transformers cross-encoder folder (or a model in the Hugging Face cache)
to use one. The retriever calls any object with this ``rerank`` method.

    >>> reranker = CrossEncoderReranker("/models/ms-marco-MiniLM-L-6-v2")
    >>> reranker.rerank("who carried the letter?", passages)[0].title
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from assistant.config import prepare_environment
from assistant.errors import ConfigError
from assistant.records import Passage

logger = logging.getLogger(__name__)


class Reranker(Protocol):
    """Re-orders passages by relevance to a query."""

    def rerank(self, query: str, passages: list[Passage]) -> list[Passage]:
        """The passages, best first."""
        ...


class CrossEncoderReranker:
    """A sentence-transformers cross-encoder scoring (query, title + passage) pairs."""

    def __init__(self, model: str) -> None:
        prepare_environment()
        from sentence_transformers import CrossEncoder

        try:
            self._model: Any = CrossEncoder(model, device="cpu")
        except Exception as exc:
            raise ConfigError(
                f"cannot load reranker model {model!r}: {exc}. NEWSDESK_RERANKER_MODEL must be a local cross-encoder "
                "folder or a model already in the Hugging Face cache (nothing is downloaded); unset it to rank without one"
            ) from exc
        logger.info("loaded reranker %s", model)

    def rerank(self, query: str, passages: list[Passage]) -> list[Passage]:
        """Passages sorted by the cross-encoder's score (kept in ``signals['rerank']``)."""
        if not passages:
            return passages
        scores = self._model.predict([(query, f"{p.title}\n{p.quote}") for p in passages], show_progress_bar=False)
        for passage, score in zip(passages, scores, strict=True):
            passage.signals["rerank"] = float(score)
        return sorted(passages, key=lambda p: p.signals["rerank"], reverse=True)
