"""The CLI through Typer's runner, on a real store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def invoke(data_dir: Path, *args: str, input: bytes | str | None = None):
    return runner.invoke(app, ["--data-dir", str(data_dir), *args], input=input)


def test_ingest_json_summary_is_exactly_one_object(data_dir: Path) -> None:
    result = invoke(data_dir, "ingest", str(EXAMPLES), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert set(summary) == {"added", "updated", "unchanged", "failed", "chunks", "seconds"}
    assert summary["added"] == 8 and summary["failed"] == [] and summary["chunks"] > 0
    assert isinstance(summary["seconds"], float)
    again = json.loads(invoke(data_dir, "ingest", str(EXAMPLES), "--json").stdout)
    assert (again["added"], again["unchanged"], again["chunks"]) == (0, 8, 0)


def test_ingest_with_failures_exits_1_and_lists_reasons(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[{]")
    result = invoke(data_dir, "ingest", str(EXAMPLES / "rowing-club-title.txt"), str(bad), "--json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["added"] == 1
    assert summary["failed"] == [{"source": str(bad), "error": summary["failed"][0]["error"]}]
    assert "malformed JSON" in summary["failed"][0]["error"]
    text = invoke(data_dir, "ingest", str(bad))
    assert text.exit_code == 1 and "malformed JSON" in text.output


def test_ingest_from_stdin(data_dir: Path) -> None:
    result = invoke(data_dir, "ingest", "-", "--json", input=b'{"title": "Piped", "text": "A story from a pipe."}')
    assert json.loads(result.stdout)["added"] == 1


def test_plain_summary(data_dir: Path) -> None:
    result = invoke(data_dir, "ingest", str(EXAMPLES))
    assert result.exit_code == 0
    assert "added 8, updated 0, unchanged 0, failed 0" in result.stdout


def test_sources_list_show_delete(data_dir: Path) -> None:
    invoke(data_dir, "ingest", str(EXAMPLES))
    listing = invoke(data_dir, "sources", "list")
    assert listing.exit_code == 0
    assert "Small Rowing Club" in listing.stdout and "8 articles" in listing.stdout
    records = json.loads(invoke(data_dir, "sources", "list", "--json").stdout)
    assert len(records) == 8
    assert set(records[0]) >= {
        "id",
        "title",
        "url",
        "source",
        "published_at",
        "authors",
        "content_hash",
        "chunk_count",
        "ingested_at",
    }
    medvedev = next(r for r in records if "Medvedev" in r["title"])
    shown = json.loads(invoke(data_dir, "sources", "show", medvedev["id"], "--json").stdout)
    assert shown["title"] == medvedev["title"] and "underestimated" in shown["text"]
    plain = invoke(data_dir, "sources", "show", medvedev["id"])
    assert "underestimated" in plain.stdout
    deleted = invoke(data_dir, "sources", "delete", medvedev["id"])
    assert deleted.exit_code == 0 and f"deleted {medvedev['id']}" in deleted.stdout
    assert len(json.loads(invoke(data_dir, "sources", "list", "--json").stdout)) == 7
    missing = invoke(data_dir, "sources", "delete", medvedev["id"])
    assert missing.exit_code == 1 and "no article with id" in missing.output


def test_empty_store_listing(data_dir: Path) -> None:
    result = invoke(data_dir, "sources", "list")
    assert result.exit_code == 0 and "No articles yet" in result.stdout
    assert json.loads(invoke(data_dir, "sources", "list", "--json").stdout) == []


def test_config_masks_secrets(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-very-secret")
    monkeypatch.setenv("NEWSDESK_API_KEY", "another-secret")
    monkeypatch.setenv("NEWSDESK_K", "5")
    result = invoke(data_dir, "config", "--json")
    values = json.loads(result.stdout)
    assert values["openai_api_key"] == "****" and values["api_key"] == "****"
    assert values["k"] == 5 and values["data_dir"] == str(data_dir)
    plain = invoke(data_dir, "config")
    assert "sk-very-secret" not in plain.stdout and "another-secret" not in plain.stdout


def test_invalid_setting_is_a_clear_error(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_K", "lots")
    result = invoke(data_dir, "config")
    assert result.exit_code == 2 and "invalid settings" in result.output


def test_data_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path / "envdata"))
    result = runner.invoke(app, ["ingest", str(EXAMPLES / "rowing-club-title.txt"), "--json"])
    assert result.exit_code == 0
    assert (tmp_path / "envdata" / "chroma").is_dir()
