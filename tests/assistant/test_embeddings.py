"""The embedding model: offline MiniLM, normalised vectors, and the answering cache."""

from __future__ import annotations

import numpy as np

from assistant.embeddings import SentenceTransformerEmbeddings, get_embeddings


def test_vectors_are_normalised_and_similar_texts_are_close() -> None:
    model = get_embeddings()
    vectors = model.encode(["The ferry left the harbour at dawn.", "At dawn the ferry sailed out.", "Stock prices fell."])
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
