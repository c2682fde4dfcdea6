"""`newsdesk doctor`: finds damage in a real store and repairs what can be repaired."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli import app
from assistant.config import Settings
from assistant.doctor import run_doctor
from assistant.services import Services
from tests.conftest import EXAMPLES

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
