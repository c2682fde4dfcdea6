"""The store through a real Chroma server: what lands there, paging and batching over HTTP."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import chromadb
import pytest

from assistant.config import DEFAULT_EMBEDDING_MODEL, Settings
from assistant.services import Services
from tests.conftest import EXAMPLES, make_settings


def raw_client(url: str) -> Any:
    """A plain chromadb client on the server, to see what newsdesk left there."""
    parts = urlsplit(url)
    return chromadb.HttpClient(host=parts.hostname or "127.0.0.1", port=parts.port or 8000)


@pytest.fixture
def server_settings(chroma_url: str, tmp_path: Path) -> Settings:
    """Settings on the server, with their own collection and a data dir that should stay empty."""
    return make_settings(tmp_path / "data", chroma_url=chroma_url)


@pytest.fixture
def small_chunks(server_settings: Settings) -> Settings:
    """Server settings that split the examples into many passages (one each by default)."""
    return server_settings.model_copy(update={"chunk_words": 20, "chunk_max_words": 30, "chunk_overlap_words": 0})


def test_everything_lands_on_the_server_and_nothing_in_the_data_dir(server_settings: Settings, chroma_url: str) -> None:
    summary = Services(server_settings).ingest([str(EXAMPLES)])
    assert summary.added == 8 and summary.failed == []
    assert not server_settings.chroma_path.exists()
    server = raw_client(chroma_url)
    chunks = server.get_collection(f"{server_settings.collection}_chunks")
    assert chunks.count() == summary.chunks
    assert chunks.metadata == {"embedding_model": DEFAULT_EMBEDDING_MODEL, "embedding_dim": 384, "newsdesk_schema": 1}
    stored = chunks.get(limit=1, include=["embeddings"])
    [best] = Services(server_settings).store.query(stored["embeddings"][0] * 3, 1)  # cosine ignores the length
    assert best.chunk_id == stored["ids"][0] and best.score == pytest.approx(1.0, abs=1e-4)
    articles = server.get_collection(f"{server_settings.collection}_articles")
    assert len(articles.get(where={"kind": "article"})["ids"]) == 8


def test_reads_page_through_the_server(small_chunks: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    services = Services(small_chunks)
    services.ingest([str(EXAMPLES)])
    monkeypatch.setattr("assistant.store._PAGE", 3)  # 8 articles: three pages, the last one short
    store = services.store
    assert len({r.id for r in store.list_articles()}) == store.count_articles() == 8
    chunk_ids = [p.chunk_id for p in store.iter_chunks()]
    assert len(set(chunk_ids)) == len(chunk_ids) == store.count_chunks() > 3 * 8


def test_writes_and_deletes_keep_to_the_servers_batch_limit(small_chunks: Settings, chroma_url: str) -> None:
    services = Services(small_chunks)
    store = services.store
    assert store.max_batch == raw_client(chroma_url).get_max_batch_size()
    store.max_batch = 2  # so every write and delete takes several requests
    summary = services.ingest([str(EXAMPLES)])
    assert summary.added == 8 and store.count_chunks() == summary.chunks > 2 * store.max_batch
    target = max(store.list_articles(), key=lambda r: r.chunk_count)
    assert target.chunk_count > store.max_batch
    assert store.delete_article(target.id) == target.chunk_count
    assert store.count_chunks() == summary.chunks - target.chunk_count
    assert not [p for p in store.iter_chunks() if p.article_id == target.id]


@pytest.mark.skipif(not os.environ.get("NEWSDESK_CHROMA_URL"), reason="server mode only (the test command's 2nd pass)")
def test_in_server_mode_the_shared_fixtures_use_the_server(library: Services, services: Services) -> None:
    """The server-mode pass really is one: the shared fixtures reach the server, not an embedded store."""
    services.ingest([str(EXAMPLES / "rowing-club-title.txt")])
    for settings in (library.settings, services.settings):
        assert settings.chroma_url == os.environ["NEWSDESK_CHROMA_URL"]
        assert not settings.chroma_path.exists()
    assert library.store.count_articles() >= 8 and services.store.count_articles() == 1
