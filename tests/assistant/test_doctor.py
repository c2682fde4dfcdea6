"""`newsdesk doctor`: finds damage in a real store and repairs what can be repaired."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.config import Settings
from assistant.doctor import run_doctor
from assistant.records import ArticleRecord
from assistant.services import Services
from assistant.store import ArticleWrite, ChromaStore, ChunkWrite
from tests.conftest import EXAMPLES, ROOT, make_settings

runner = CliRunner()


def doctor(settings: Settings, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(
        app, ["--data-dir", str(settings.data_dir), "doctor", *args], env={"NEWSDESK_COLLECTION": settings.collection}
    )


def test_healthy_store(services: Services) -> None:
    services.ingest([str(EXAMPLES)])
    result = doctor(services.settings, "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report == {"ok": True, "articles": 8, "chunks": services.store.count_chunks(), "problems": [], "repaired": 0}
    plain = doctor(services.settings)
    assert plain.exit_code == 0 and "store healthy: 8 articles" in plain.stdout


def test_damage_found_then_repaired(services: Services) -> None:
    services.ingest([str(EXAMPLES)])
    store = services.store
    records = store.list_articles()
    victim, other = records[0], records[1]
    victim_chunks = [p for p in store.iter_chunks({"article_id": victim.id})]
    store.delete_chunks([victim_chunks[0].chunk_id])  # a missing passage
    orphan_source = next(iter(store.iter_chunks({"article_id": other.id})))
    meta = store.chunks.get(ids=[orphan_source.chunk_id], include=["metadatas", "embeddings"])
    store.chunks.upsert(
        ids=["ghost-1"],
        documents=["A passage of an article that was deleted."],
        embeddings=[meta["embeddings"][0]],
        metadatas=[{**meta["metadatas"][0], "article_id": "ghost"}],
    )
    store.chunks.upsert(
        ids=["stale-1"],
        documents=["An older version."],
        embeddings=[meta["embeddings"][0]],
        metadatas=[{**meta["metadatas"][0], "content_hash": "older"}],
    )

    found = doctor(services.settings, "--json")
    assert found.exit_code == 1
    kinds = sorted(p["kind"] for p in json.loads(found.stdout)["problems"])
    assert kinds == ["missing_chunks", "orphan_chunks", "stale_chunks"]
    plain = doctor(services.settings)
    assert "doctor --repair" in plain.stdout and plain.exit_code == 1

    fixed = doctor(services.settings, "--repair", "--json")
    assert fixed.exit_code == 0
    report = json.loads(fixed.stdout)
    assert report["ok"] and report["repaired"] == 3
    again = json.loads(doctor(services.settings, "--json").stdout)
    assert again["ok"] and again["problems"] == []
    assert not store.chunks.get(ids=["ghost-1", "stale-1"])["ids"]
    rebuilt = [p for p in store.iter_chunks({"article_id": victim.id})]
    assert len(rebuilt) == store.get_article(victim.id).chunk_count
    text = store.get_article_text(victim.id)
    assert all(text[p.start : p.end] == p.quote for p in rebuilt)


def test_model_mismatch_is_reported_not_repaired(settings: Settings, tmp_path: Path) -> None:
    Services(settings).ingest([str(EXAMPLES / "rowing-club-title.txt")])
    other = settings.model_copy(update={"embedding_model": "another-model"})
    report = run_doctor(other, Services(other).embeddings, fix=True)
    assert not report.ok
    [finding] = report.findings
    assert finding.kind == "model_mismatch" and not finding.repairable and "all-MiniLM-L6-v2" in finding.message


# ---- an unreadable vector index ------------------------------------------------------

NEWSDESK = str(ROOT / ".venv" / "bin" / "newsdesk")
BIG_ARTICLES, PASSAGES_EACH = 12, 100  # 1,200 passages: past Chroma's sync threshold (1,000), so the HNSW
# index is flushed to its segment files and the write-ahead log trimmed: the files are the only copy.


def write_big_store(settings: Settings) -> None:
    """Articles with their passages through the store's own write path (random unit vectors, no model)."""
    rng = np.random.default_rng(7)
    store = ChromaStore(settings)
    writes = []
    for a in range(BIG_ARTICLES):
        article_id, content_hash = f"art{a:02d}", f"hash{a:02d}" + "0" * 10
        text = f"Article {a}. " + " ".join(f"Passage {i} of article {a}." for i in range(PASSAGES_EACH))
        chunks = []
        for i in range(PASSAGES_EACH):
            vector = rng.normal(size=384).astype(np.float32)
            meta = {
                "article_id": article_id,
                "content_hash": content_hash,
                "position": i,
                "start": 0,
                "end": 10,
                "title": f"Article {a}",
            }
            chunks.append(
                ChunkWrite(
                    f"{article_id}-{content_hash[:10]}-{i}", f"Passage {i}.", vector / np.linalg.norm(vector), meta
                )
            )
        record = ArticleRecord(article_id, f"Article {a}", None, None, None, [], content_hash, PASSAGES_EACH, "now")
        writes.append(ArticleWrite(record=record, text=text, chunks=chunks))
    store.write_articles(writes)


def vector_segment(settings: Settings) -> Path:
    """The folder of the chunks collection's HNSW index in the embedded store."""
    with closing(sqlite3.connect(settings.chroma_path / "chroma.sqlite3")) as db:
        [(segment,)] = db.execute(
            "SELECT s.id FROM segments s JOIN collections c ON s.collection = c.id WHERE c.name = ? AND s.scope = 'VECTOR'",
            (f"{settings.collection}_chunks",),
        ).fetchall()
    return settings.chroma_path / segment


def doctor_process(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """``newsdesk doctor`` in a fresh process: it opens the files as they are on disk."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "OPENAI_"))}
    env.update({"NEWSDESK_DATA_DIR": str(settings.data_dir), "NEWSDESK_COLLECTION": settings.collection})
    return subprocess.run(
        [NEWSDESK, "doctor", *args], env=env, cwd=settings.data_dir, capture_output=True, text=True, timeout=300
    )


def delete_segment_files(folder: Path) -> None:
    for path in folder.iterdir():
        path.unlink()


def overwrite_header(folder: Path) -> None:
    (folder / "header.bin").write_bytes(bytes(range(100)))


@pytest.mark.parametrize("damage", [delete_segment_files, overwrite_header], ids=["files-deleted", "header-garbage"])
def test_unreadable_index_is_reported_and_exits_1(tmp_path: Path, damage: Callable[[Path], None]) -> None:
    settings = make_settings(tmp_path / "data", chroma_url=None)  # the embedded store, whatever the run's mode
    write_big_store(settings)
    segment = vector_segment(settings)
    assert (segment / "index_metadata.pickle").exists()  # the index was flushed to disk
    healthy = doctor_process(settings, "--json")
    assert healthy.returncode == 0, healthy.stderr
    assert json.loads(healthy.stdout) == {
        "ok": True,
        "articles": BIG_ARTICLES,
        "chunks": BIG_ARTICLES * PASSAGES_EACH,
        "problems": [],
        "repaired": 0,
    }

    damage(segment)
    found = doctor_process(settings, "--json")
    assert found.returncode == 1, (found.stdout, found.stderr)
    report = json.loads(found.stdout)
    assert report["ok"] is False and report["articles"] == BIG_ARTICLES
    [problem] = report["problems"]
    assert problem["kind"] == "index_unreadable" and not problem["repairable"] and not problem["repaired"]
    assert "hnsw" in problem["message"].lower() or "vector index" in problem["message"]
    plain = doctor_process(settings)
    assert plain.returncode == 1 and "Traceback" not in plain.stderr
    assert "cannot repair: " in plain.stdout and "store has problems" in plain.stdout
    repaired = doctor_process(settings, "--repair", "--json")
    assert repaired.returncode == 1  # nothing to repair in place
    assert [p["kind"] for p in json.loads(repaired.stdout)["problems"]] == ["index_unreadable"]
