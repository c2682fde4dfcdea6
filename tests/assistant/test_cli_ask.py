"""`newsdesk ask`, `search` and `chat` through Typer's runner."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli import app
from assistant.config import Settings
from tests.conftest import ROOT, make_settings
from tests.openai_server import Reply, openai_server

runner = CliRunner()
CITATION_KEYS = {
    "n",
    "article_id",
    "title",
    "url",
    "source",
    "published_at",
    "chunk_id",
    "quote",
    "start",
    "end",
    "score",
}


def invoke(settings: Settings, *args: str, input: str | None = None, env: dict[str, str] | None = None):
    return runner.invoke(
        app,
        ["--data-dir", str(settings.data_dir), *args],
        input=input,
        env={"NEWSDESK_COLLECTION": settings.collection, **(env or {})},
    )


def test_ask_prints_answer_and_sources(library_settings: Settings) -> None:
    result = invoke(library_settings, "ask", "Who carried Khamenei's letter to Putin?")
    assert result.exit_code == 0, result.output
    assert "Araqchi" in result.stdout and "[1]" in result.stdout
    assert "Sources:" in result.stdout
    assert (
        "[1] Araqchi Brings Khamenei's Letter to Putin in Moscow (Newsdesk Examples, 2025-06-23) https://example.com/"
        in result.stdout
    )


LONG_STORY = """---
title: Ferry Pier Reopens After Repairs
source: Coastal Wire
published: 2025-06-20
---

The Northgate ferry pier reopened on Friday after three weeks of repairs to its cracked piles.
Divers found the cracks in May during a routine inspection of the harbour.
The county paid for the work from its reserve fund, and the contractor finished two days early.
Commuters had used a temporary landing stage at the south quay while the pier was closed.

The harbour master said the morning ferries would run to the summer timetable from Monday.
Local shops near the quay reported fewer customers during the closure.
A second inspection of the pier's piles is planned for the autumn, when the tides are lower.
The county will publish the divers' report on its website next week.
"""


def test_ask_lists_an_article_cited_twice_on_one_line(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", chunk_words=40, chunk_max_words=50, chunk_overlap_words=0)
    (tmp_path / "pier.md").write_text(LONG_STORY, encoding="utf-8")
    env = {"NEWSDESK_CHUNK_WORDS": "40", "NEWSDESK_CHUNK_MAX_WORDS": "50", "NEWSDESK_CHUNK_OVERLAP_WORDS": "0"}
    assert invoke(settings, "ingest", str(tmp_path / "pier.md"), env=env).exit_code == 0
    question = "What did the divers find at the ferry pier's piles?"
    data = json.loads(invoke(settings, "ask", question, "--json", env=env).stdout)
    markers = [c["n"] for c in data["citations"]]
    assert len(markers) == 2 and len({c["article_id"] for c in data["citations"]}) == 1  # two passages, one article
    text = invoke(settings, "ask", question, env=env).stdout
    sources = text.split("Sources:\n", 1)[1].strip().splitlines()
    assert sources == [f"[{markers[0]}][{markers[1]}] Ferry Pier Reopens After Repairs (Coastal Wire, 2025-06-20)"]


def test_ask_json_contract(library_settings: Settings) -> None:
    result = invoke(
        library_settings, "ask", "What did Putin offer this week?", "--json", "--as-of", "2025-06-25", "--k", "5"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"answer", "citations", "passages", "answerer", "date_range"} <= set(data)
    assert data["answerer"] == "extractive"
    assert data["date_range"] == {"since": "2025-06-23", "until": "2025-06-25"}  # Monday to the day asked
    assert len(data["passages"]) <= 5
    assert data["citations"] and all(set(c) >= CITATION_KEYS for c in data["citations"])
    assert all(CITATION_KEYS - {"n"} <= set(p) and "n" not in p for p in data["passages"])
    for c in data["citations"]:
        assert isinstance(c["n"], int) and isinstance(c["start"], int) and isinstance(c["score"], float)
        assert f"[{c['n']}]" in data["answer"]


def test_ask_filters_and_refusal(library_settings: Settings) -> None:
    result = json.loads(
        invoke(
            library_settings, "ask", "What happened?", "--json", "--since", "2025-06-01", "--until", "2025-06-10"
        ).stdout
    )
    assert {p["title"] for p in result["passages"]} == {"Library Starts Lending Seeds Alongside Books"}
    sourced = json.loads(invoke(library_settings, "ask", "Putin", "--json", "--source", "Nowhere Gazette").stdout)
    assert sourced["passages"] == [] and sourced["citations"] == []
    refused = json.loads(invoke(library_settings, "ask", "What is the capital of Australia?", "--json").stdout)
    assert refused["citations"] == [] and "don't cover" in refused["answer"]


def test_ask_bad_input_exit_2(library_settings: Settings) -> None:
    for args in (
        ["ask", "   "],
        ["ask", "x", "--since", "June"],
        ["ask", "x", "--k", "0"],
        ["ask", "Putin?", "--answerer", "nope"],
    ):
        result = invoke(library_settings, *args)
        assert result.exit_code == 2, args
        assert "error:" in result.output and "Traceback" not in result.output
    assert "choose one of: extractive, openai" in invoke(library_settings, "ask", "Putin?", "--answerer", "nope").output


def test_search_ranked_passages(library_settings: Settings) -> None:
    plain = invoke(library_settings, "search", "tram line cost", "--k", "2")
    assert plain.exit_code == 0 and plain.stdout.startswith("1. Riverside Council Approves Tram Line")
    data = json.loads(invoke(library_settings, "search", "tram line cost", "--k", "3", "--json").stdout)
    assert len(data["passages"]) == 3 and data["passages"][0]["title"].startswith("Riverside Council")
    scores = [p["score"] for p in data["passages"]]
    assert scores == sorted(scores, reverse=True)


def test_chat_keeps_context(library_settings: Settings) -> None:
    session = "Who carried Khamenei's letter to Putin?\nWhere did he fly to?\n/new\n/quit\n"
    result = invoke(library_settings, "chat", input=session)
    assert result.exit_code == 0, result.output
    answers = [line for line in result.stdout.splitlines() if line.startswith("you> newsdesk> ")]
    assert len(answers) == 2
    assert "Araqchi" in answers[0] and "Moscow" in answers[1]
    assert "(new conversation)" in result.output


def test_chat_shows_an_extractive_answer_once_with_its_quotes_as_written(tmp_path: Path) -> None:
    # A headline cut short with " ..." (as feeds and quiz sets carry them) is quoted as written:
    # the answer was tidied after it was shown ("find... [1]") and printed a second time as "checked".
    article = tmp_path / "bridge.md"
    article.write_text(
        "---\ntitle: Harbour bridge reopening delayed again as engineers find ...\nsource: Harbour Gazette\n"
        "published: 2026-11-20\n---\n"
        "The harbour bridge will not reopen this month as the council had planned, its engineers said on Friday.\n\n"
        "They found more rust in the steel deck during a last inspection, and repairs must start over.\n",
        encoding="utf-8",
    )
    settings = make_settings(tmp_path / "data")
    assert invoke(settings, "ingest", str(article)).exit_code == 0
    result = invoke(settings, "chat", input="Why was the harbour bridge reopening delayed?\n/quit\n")
    assert result.exit_code == 0, result.output
    assert "checked:" not in result.stdout
    assert result.stdout.count("They found more rust") == 1
    assert "newsdesk> Harbour bridge reopening delayed again as engineers find ... [1]" in result.stdout


URANIUM = "What did Putin offer to do with Iran's uranium?"
URANIUM_TITLE = "Putin Offers to Mediate and to Hold Iran's Uranium"
LLM_REPLY = (
    "Putin proposed that Iran's enriched uranium could be moved to Russia and stored there [1][42]. "
    "He also promised to send a fleet of submarines to Venezuela next winter [2]."
)


def llm_env(settings: Settings, base_url: str) -> dict[str, str]:
    """The LLM configured the way a user does it: environment variables only."""
    return {
        "NEWSDESK_COLLECTION": settings.collection,
        "OPENAI_BASE_URL": base_url,
        "OPENAI_API_KEY": "sk-test-key",
        "NEWSDESK_LLM_MODEL": "test-model",
        "NEWSDESK_LLM_TIMEOUT": "10",
        "NEWSDESK_LLM_MAX_RETRIES": "0",
    }


def test_ask_answerer_option_picks_extractive_or_the_openai_endpoint(library_settings: Settings) -> None:
    with openai_server(Reply(LLM_REPLY), Reply(LLM_REPLY)) as llm:
        env = llm_env(library_settings, llm.base_url)
        ask = ["--data-dir", str(library_settings.data_dir), "ask", URANIUM]

        extractive = runner.invoke(app, [*ask, "--answerer", "extractive", "--json"], env=env)
        assert extractive.exit_code == 0, extractive.output
        quoted = json.loads(extractive.stdout)
        assert quoted["answerer"] == "extractive" and "uranium could be moved to Russia" in quoted["answer"]
        assert llm.requests == []  # the endpoint is configured, but was not asked

        result = runner.invoke(app, [*ask, "--answerer", "openai", "--json"], env=env)
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        [request] = llm.requests
        assert request["auth"] == "Bearer sk-test-key" and request["body"]["model"] == "test-model"
        prompt = request["body"]["messages"][1]["content"]
        assert data["answerer"] == "openai"
        # The server's words, checked: [42] points at no passage and is dropped; the invented sentence is
        # flagged; the citation is the passage the prompt numbered 1.
        assert data["answer"].startswith(
            "Putin proposed that Iran's enriched uranium could be moved to Russia and stored there [1]. He also"
        )
        assert "[42]" not in data["answer"] and data["answer"].endswith("[unsupported].")
        assert [c["n"] for c in data["citations"]] == [1, 2]
        first = data["citations"][0]
        assert first["title"] == URANIUM_TITLE and first["quote"] == data["passages"][0]["quote"]
        assert f"<<<passage 1>>>\n{URANIUM_TITLE}" in prompt
        [invented] = data["unsupported"]
        assert invented["sentence"].startswith("He also promised to send a fleet of submarines to Venezuela")
        assert (invented["cited"], invented["supported"], invented["unsupported_citations"]) == ([2], False, [2])

        plain = runner.invoke(app, [*ask, "--answerer", "openai"], env=env)
    assert plain.exit_code == 0, plain.output
    assert plain.stdout.startswith("Putin proposed that Iran's enriched uranium could be moved to Russia")
    assert f"[1] {URANIUM_TITLE} (Newsdesk Examples, " in plain.stdout
    assert "unsupported: 'He also promised" in plain.stderr
    assert len(llm.requests) == 2


def test_an_unreachable_llm_is_one_error_and_exit_code_2(library_settings: Settings) -> None:
    env = {
        **os.environ,
        **llm_env(library_settings, "http://127.0.0.1:9/v1"),
        "NEWSDESK_DATA_DIR": str(library_settings.data_dir),
    }
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "newsdesk"), "ask", URANIUM], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("cannot reach the LLM endpoint") == 1, result.stderr  # said once, not logged too
