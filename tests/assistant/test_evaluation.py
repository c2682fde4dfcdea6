"""`newsdesk eval`: the scorer as the bench README defines it, and a run over a small folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.evaluation import contains_word, hit_rank, is_correct, percentile, run_eval
from tests.conftest import make_settings
from tests.openai_server import Reply, openai_server

runner = CliRunner()

ARTICLES = [
    {
        "id": "a1",
        "url": "https://example.com/eval/ferry",
        "title": "Ferry Crews Strike Over Pay",
        "published_at": "2024/03/04",
        "authors": [],
        "source": "example.com",
        "text": "Ferry crews on the northern routes walked out on Monday over pay. The strike stranded travellers at Port Alder. "
        "The union said the walkout would last three days unless the operator raised wages by eight percent.",
    },
    {
        "id": "a2",
        "url": "https://example.com/eval/orchard",
        "title": "Orchard Harvest Breaks Record",
        "published_at": "2024/03/01",
        "authors": [],
        "source": "example.com",
        "text": "Growers in the Vale of Amber picked a record apple harvest this season. The Honeycrisp variety made up half the crop. "
        "Prices fell as supermarkets struggled to store the surplus.",
    },
    {
        "id": "a3",
        "url": "https://example.com/eval/bridge",
        "title": "Old Bridge Reopens After Repairs",
        "published_at": "2023/11/20",
        "authors": [],
        "source": "example.com",
        "text": "The old stone bridge over the river Lune reopened after two years of repairs costing 12 million pounds.",
    },
]
QUESTIONS = [
    {
        "id": "q1",
        "question": "Ferry crews went on strike this week. At which port were travellers stranded?",
        "asked_on": "2024-03-06",
        "choices": ["Port Alder", "Port Birch", "Port Cedar", "Port Elm"],
        "answer": "Port Alder",
        "evidence": "",
        "answerable": True,
    },
    {
        "id": "q2",
        "question": "Which apple variety made up half of the record harvest?",
        "asked_on": "2024-03-06",
        "choices": ["Gala", "Honeycrisp", "Fuji", "Braeburn"],
        "answer": "Honeycrisp",
        "evidence": "",
        "answerable": True,
    },
    {
        "id": "q3",
        "question": "Which country won the chess olympiad this week?",
        "asked_on": "2024-03-06",
        "choices": ["India", "USA", "China", "Norway"],
        "answer": "India",
        "evidence": "",
        "answerable": False,
    },
]


def make_eval_folder(folder: Path) -> Path:
    """A tiny folder in the realtimeqa format."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "articles.jsonl").write_text("".join(json.dumps(a) + "\n" for a in ARTICLES))
    (folder / "questions.jsonl").write_text("".join(json.dumps(q) + "\n" for q in QUESTIONS))
    return folder


@pytest.mark.parametrize(
    ("text", "needle", "found"),
    [
        ("The Buffalo Bills won.", "Buffalo Bills", True),
        ("the buffalo bills won", "Buffalo Bills", True),
        ("Billsy", "Bills", False),
        ("A $500 rise", "$500", True),
        ("M&M’s new look", "M&M’s", True),
        ("Apple's", "Apple", True),
    ],
)
def test_whole_word_matching(text: str, needle: str, found: bool) -> None:
    assert contains_word(text, needle) is found


def test_scoring_rules() -> None:
    assert hit_rank(["nothing", "the Bills won", "Bills again"], "Bills") == 2
    assert hit_rank(["nothing"], "Bills") is None
    choices = ["Buffalo Bills", "Cincinnati Bengals", "Cleveland Browns", "Pittsburgh Steelers"]
    assert is_correct("He plays for the Buffalo Bills [1].", "Buffalo Bills", choices)
    assert not is_correct("The Buffalo Bills beat the Cincinnati Bengals.", "Buffalo Bills", choices)
    assert not is_correct("No idea.", "Buffalo Bills", choices)
    assert percentile([1, 2, 3, 4], 50) == 2.5 and percentile([5], 95) == 5


def test_run_eval_on_a_small_folder(tmp_path: Path) -> None:
    folder = make_eval_folder(tmp_path / "week")
    settings = make_settings(tmp_path / "data")
    report = run_eval(folder, settings)
    assert report["n_questions"] == 3 and report["n_answerable"] == 2
    assert report["recall@1"] == report["recall@5"] == report["recall@10"] == 1.0
    assert report["answer_accuracy"] == 1.0
    assert report["refusal_rate_unanswerable"] == 1.0  # nothing about chess: refused
    assert report["ingest"] == {
        "articles": 3,
        "chunks": 3,
        "seconds": report["ingest"]["seconds"],
        "reused": False,
        "failed": 0,
        "failures": [],
    }
    assert set(report["latency_ms"]) == {"p50", "p95"} and report["config"]["answerer"] == "extractive"
    q1 = next(q for q in report["questions"] if q["id"] == "q1")
    assert q1["hit_rank"] == 1 and q1["correct"] and "Port Alder" in q1["answer"]
    again = run_eval(folder, settings)
    assert again["ingest"]["reused"] and again["ingest"]["articles"] == 3  # a second run skips the work


def test_eval_command_json_and_table(tmp_path: Path) -> None:
    folder = make_eval_folder(tmp_path / "week")
    args = ["--data-dir", str(tmp_path / "data"), "eval", str(folder)]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    keys = {
        "n_questions",
        "n_answerable",
        "recall@1",
        "recall@5",
        "recall@10",
        "answer_accuracy",
        "refusal_rate_unanswerable",
        "latency_ms",
        "ingest",
        "config",
        "questions",
    }
    assert keys <= set(report)
    assert set(report["questions"][0]) == {"id", "hit_rank", "answer", "correct", "latency_ms"}
    table = runner.invoke(app, args)
    assert table.exit_code == 0 and "recall@5" in table.stdout and "(reused)" in table.stdout
    # a record with nothing left after cleaning is not ingested: the report says which and why
    with (folder / "articles.jsonl").open("a") as f:
        consent = "If you wish to object to the use of your data, tick here.\n\n'We' includes the Gazette's brands."
        f.write(json.dumps({"id": "a9", "title": "Gazette", "text": consent}) + "\n")
    report = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert report["ingest"]["failed"] == 1 and report["ingest"]["articles"] == 3
    [failure] = report["ingest"]["failures"]
    assert failure["source"].endswith("articles.jsonl:4") and failure["error"] == "no article text left after cleaning"
    table = runner.invoke(app, args)
    assert "1 not ingested: no article text left after cleaning (1)" in " ".join(table.stdout.split())
    missing = runner.invoke(app, ["--data-dir", str(tmp_path / "data"), "eval", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "questions.jsonl" in missing.output


def test_eval_with_the_llm_answerer_scores_what_the_llm_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Any answerer: the openai one, configured by the environment, against a scripted endpoint on loopback.

    The two answerable questions get one right and one wrong reply; the unanswerable one is refused
    (like the warm-up question) by the relevance gate before any request, so the endpoint sees exactly two."""
    folder = make_eval_folder(tmp_path / "week")
    right = "Travellers were stranded at Port Alder. [1]"
    wrong = "Gala and Fuji made up the crop. [1]"
    with openai_server(Reply(right), Reply(wrong)) as llm:
        monkeypatch.setenv("OPENAI_BASE_URL", llm.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        monkeypatch.setenv("NEWSDESK_LLM_MODEL", "scripted")
        args = ["--data-dir", str(tmp_path / "data"), "eval", str(folder), "--answerer", "openai", "--json"]
        result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["config"]["answerer"] == "openai" and report["config"]["llm_model"] == "scripted"
    answers = {q["id"]: q for q in report["questions"]}
    assert answers["q1"]["correct"] and "Port Alder" in answers["q1"]["answer"], (answers, llm.requests)
    assert not answers["q2"]["correct"] and "Gala" in answers["q2"]["answer"]
    assert report["answer_accuracy"] == 0.5 and report["refusal_rate_unanswerable"] == 1.0
    assert report["recall@1"] == 1.0  # retrieval is the same whatever answers
    assert len(llm.requests) == 2 and all(r["body"]["model"] == "scripted" for r in llm.requests)
