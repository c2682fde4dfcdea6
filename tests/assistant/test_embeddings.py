"""The embedding model: offline MiniLM, normalised vectors, and the answering cache."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from assistant.embeddings import SentenceTransformerEmbeddings, get_embeddings, native_bfloat16


def test_vectors_are_normalised_and_similar_texts_are_close() -> None:
    model = get_embeddings()
    vectors = model.encode(
        ["The ferry left the harbour at dawn.", "At dawn the ferry sailed out.", "Stock prices fell."]
    )
    assert vectors.shape == (3, model.dimension) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_cached_vectors_equal_fresh_ones_and_skip_the_model() -> None:
    model = SentenceTransformerEmbeddings("all-MiniLM-L6-v2", cache_size=3)
    texts = ["Who carried the letter?", "Araqchi carried the letter to Moscow.", "The tram line has 14 stops."]
    first = model.encode_cached(texts)
    assert np.allclose(first, model.encode(texts), atol=1e-5)
    calls = model.calls
    again = model.encode_cached([texts[2], texts[0], texts[0]])  # all remembered, one repeated
    assert model.calls == calls and np.array_equal(again, first[[2, 0, 0]])
    model.encode_cached(["A fourth sentence pushes the least recently used one out."])
    assert model.calls == calls + 1 and len(model._cache) == 3 and texts[1] not in model._cache
    model.encode_cached([texts[1], texts[2]])  # only the evicted one goes through the model again
    assert model.calls == calls + 2
    assert model.encode_cached([]).shape == (0, model.dimension)


def test_small_encodes_waiting_for_the_model_share_one_pass() -> None:
    model = SentenceTransformerEmbeddings("all-MiniLM-L6-v2", precision="float32")
    asks = [[f"Question {i} about the harbour?", f"The harbour master counted {i * 11} ships."] for i in range(6)]
    alone = [model.encode(texts) for texts in asks]
    results: dict[int, np.ndarray] = {}
    with model._lock:  # the model is busy: every encode below waits in the queue
        threads = [threading.Thread(target=lambda i=i: results.update({i: model.encode(asks[i])})) for i in range(6)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while len(model._queue) < 6 and time.monotonic() < deadline:
            time.sleep(0.01)
        passes = model.passes
    for thread in threads:
        thread.join(timeout=60)
    assert model.passes == passes + 1  # the first to take the model encoded all six
    for i in range(6):
        assert results[i].shape == (2, model.dimension) and np.allclose(results[i], alone[i], atol=1e-5)


def test_a_failed_shared_pass_fails_every_caller_waiting_on_it(monkeypatch: pytest.MonkeyPatch) -> None:
    model = SentenceTransformerEmbeddings("all-MiniLM-L6-v2", precision="float32")
    monkeypatch.setattr(model._model, "encode", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("out of memory")))
    errors: list[BaseException] = []

    def ask(text: str) -> None:
        try:
            model.encode([text])
        except RuntimeError as exc:
            errors.append(exc)

    with model._lock:
        threads = [threading.Thread(target=ask, args=(f"text {i}",)) for i in range(3)]
        for thread in threads:
            thread.start()
        while len(model._queue) < 3:
            time.sleep(0.01)
    for thread in threads:
        thread.join(timeout=30)
    assert len(errors) == 3 and all("out of memory" in str(e) for e in errors)
    assert model._queue == []


def test_bfloat16_vectors_stay_within_a_hair_of_float32() -> None:
    texts = [
        "The council approved the new tram line on Tuesday.",
        "Rowers from the harbour club won the final by two lengths.",
        "Inflation slowed to 3.1 percent in October, the statistics office said.",
        "The museum reopened its east wing after two years of repairs.",
    ]
    exact = SentenceTransformerEmbeddings("all-MiniLM-L6-v2", precision="float32")
    fast = SentenceTransformerEmbeddings("all-MiniLM-L6-v2", precision="bfloat16")
    a, b = exact.encode(texts), fast.encode(texts)
    assert not np.array_equal(a, b)  # bfloat16 really ran
    assert np.all((a * b).sum(axis=1) > 0.9995)  # measured: above 0.99997
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    auto = SentenceTransformerEmbeddings("all-MiniLM-L6-v2")
    assert auto._bf16_small == native_bfloat16() and not auto._bf16_large  # stored passages stay float32
