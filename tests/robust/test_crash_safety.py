"""Kill ingests, updates and deletes mid-write (SIGKILL), run them again: the store ends consistent.

Consistent means: every article exactly once, each record's chunk count equal to its
stored passages, no orphan passages (``newsdesk doctor`` agrees), and search and ask work.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

NEWSDESK = str(ROOT / ".venv" / "bin" / "newsdesk")
TOPICS = ["harbour", "tram", "library", "orchard", "bridge", "museum", "ferry", "stadium", "bakery", "reservoir"]


def write_corpus(path: Path, n: int, version: str) -> None:
    """``n`` short distinct articles as JSON lines; ``version`` changes every text."""
    with path.open("w") as handle:
        for i in range(n):
            topic = TOPICS[i % len(TOPICS)]
            text = (
                f"The {topic} committee number {i} met on Tuesday ({version}). "
                f"Members discussed plan {i} for the {topic} and agreed to publish figures for item {i * 7}. "
                f"A spokesperson said the {version} decision on the {topic} would be final."
            )
            record = {
                "title": f"{topic.title()} report {i}",
                "url": f"https://example.com/{topic}/{i}",
                "published_at": f"2025-06-{1 + i % 28:02d}",
                "source": "Crash Test Gazette",
                "text": text,
            }
            handle.write(json.dumps(record) + "\n")


def env_for(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "OPENAI_"))}
    env.update({"NEWSDESK_DATA_DIR": str(data_dir), "NEWSDESK_EMBEDDING_BATCH_SIZE": "8"})  # many small write batches
    if os.environ.get("NEWSDESK_CHROMA_URL"):
        env["NEWSDESK_CHROMA_URL"] = os.environ["NEWSDESK_CHROMA_URL"]
        env["NEWSDESK_COLLECTION"] = "crash" + os.urandom(3).hex()
    return env


def newsdesk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([NEWSDESK, *args], env=env, capture_output=True, text=True, timeout=600)


def ingested_corpus(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Twenty articles (version "v1") ingested into a data folder of ``tmp_path``: the corpus file and the env."""
    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus, 20, "v1")
    env = env_for(tmp_path / "data")
    assert newsdesk(env, "ingest", str(corpus)).returncode == 0
    return corpus, env


def crash_at(point: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``newsdesk args`` run by tests/crashpoint.py, which SIGKILLs it at the named write step."""
    command = [sys.executable, str(ROOT / "tests" / "crashpoint.py"), point, *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


def kill_during_writes(env: dict[str, str], data_dir: Path, args: list[str], rng: random.Random) -> int:
    """Start ``newsdesk args``; once the store starts growing, SIGKILL it after a random delay."""
    sqlite = data_dir / "chroma" / "chroma.sqlite3"
    before = sqlite.stat().st_size if sqlite.exists() else 0
    process = subprocess.Popen([NEWSDESK, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if sqlite.exists() and sqlite.stat().st_size != before:
            break
        time.sleep(0.05)
    time.sleep(rng.uniform(0.0, 1.5))
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    return process.wait(timeout=60)


CHECK = """
import json
from assistant.chain import answer, search
from assistant.doctor import run_doctor
from assistant.services import get_services
services = get_services()
report = run_doctor(services.settings, services.embeddings, fix=False).to_dict()
records = [r.to_dict() for r in services.store.list_articles()]
found = search("ferry committee number 6", k=3, services=services)
reply = answer("What did the ferry committee number 16 discuss?", services=services)
print(json.dumps({"doctor": report, "records": records, "search": [p.to_dict() for p in found.passages],
                  "answer": reply.to_dict()}))
"""


def check_store(env: dict[str, str]) -> dict:
    """Doctor, records, a search and an ask, from one fresh process."""
    done = subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def assert_consistent(env: dict[str, str], expected_articles: int, marker: str) -> None:
    state = check_store(env)
    report = state["doctor"]
    assert report["ok"] and report["problems"] == [] and report["articles"] == expected_articles, report
    records = state["records"]
    assert len(records) == len({r["id"] for r in records}) == expected_articles
    assert sum(r["chunk_count"] for r in records) == report["chunks"]
    assert state["search"] and all(marker in p["quote"] for p in state["search"])
    answer = state["answer"]
    assert answer["citations"] and answer["citations"][0]["title"] == "Ferry report 16"
    assert "committee number 16" in answer["answer"] and marker in answer["answer"]


@pytest.mark.slow
def test_sigkill_at_random_points_of_a_200_article_ingest(tmp_path: Path) -> None:
    rng = random.Random(20251126)
    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus, 200, "v1")
    data_dir = tmp_path / "data"
    env = env_for(data_dir)
    codes = [kill_during_writes(env, data_dir, ["ingest", str(corpus)], rng) for _ in range(3)]
    assert -signal.SIGKILL in codes  # at least one run really died mid-way
    final = newsdesk(env, "ingest", str(corpus), "--json")
    assert final.returncode == 0, final.stderr
    summary = json.loads(final.stdout)
    assert summary["added"] + summary["updated"] + summary["unchanged"] == 200 and not summary["failed"]
    assert_consistent(env, 200, "v1")


@pytest.mark.slow
def test_sigkill_during_an_update(tmp_path: Path) -> None:
    rng = random.Random(7)
    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus, 200, "v1")
    data_dir = tmp_path / "data"
    env = env_for(data_dir)
    assert newsdesk(env, "ingest", str(corpus)).returncode == 0
    write_corpus(corpus, 200, "v2")
    kill_during_writes(env, data_dir, ["ingest", str(corpus)], rng)
    # And deterministically at the two riskiest points of an update.
    crash_at("before-cleanup", env, "ingest", str(corpus))
    again = json.loads(newsdesk(env, "ingest", str(corpus), "--json").stdout)
    assert not again["failed"]
    assert_consistent(env, 200, "v2")


@pytest.mark.slow
@pytest.mark.parametrize("point", ["before-commit", "before-cleanup"])
def test_crash_at_each_write_step_then_rerun(tmp_path: Path, point: str) -> None:
    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus, 40, "v1")
    env = env_for(tmp_path / "data")
    assert newsdesk(env, "ingest", str(corpus)).returncode == 0
    write_corpus(corpus, 40, "v2")
    assert crash_at(point, env, "ingest", str(corpus)).returncode == -signal.SIGKILL
    # Whatever state the crash left, every article is still there exactly once and readable.
    state = check_store(env)
    assert len(state["records"]) == len({r["id"] for r in state["records"]}) == 40
    assert {p["kind"] for p in state["doctor"]["problems"]} <= {"orphan_chunks", "stale_chunks"}  # leftovers only
    assert state["search"] and state["answer"]["citations"]
    assert json.loads(newsdesk(env, "ingest", str(corpus), "--json").stdout)["failed"] == []
    doctor = newsdesk(env, "doctor", "--json")  # the command itself, once
    assert doctor.returncode == 0 and json.loads(doctor.stdout)["problems"] == []
    state = check_store(env)
    assert state["doctor"]["articles"] == 40 and "v2" in state["search"][0]["quote"]


@pytest.mark.slow
def test_sigkill_during_a_delete_then_delete_again(tmp_path: Path) -> None:
    _, env = ingested_corpus(tmp_path)
    records = json.loads(newsdesk(env, "sources", "list", "--json").stdout)
    target = next(r for r in records if r["title"] == "Ferry report 6")
    assert crash_at("mid-delete", env, "sources", "delete", target["id"]).returncode == -signal.SIGKILL
    # The record is gone (the delete's commit point); its passages are orphans, invisible to search.
    state = check_store(env)
    assert target["id"] not in {r["id"] for r in state["records"]}
    assert target["id"] not in {p["article_id"] for p in state["search"]}
    doctor = newsdesk(env, "doctor", "--json")
    assert doctor.returncode == 1 and [p["kind"] for p in json.loads(doctor.stdout)["problems"]] == ["orphan_chunks"]
    again = newsdesk(env, "sources", "delete", target["id"])  # the same delete, run again, finishes the job
    assert again.returncode == 0, again.stderr
    doctor = check_store(env)["doctor"]
    assert doctor["ok"] and doctor["articles"] == 19 and doctor["chunks"] == 19


def beside_a_paused_ingest(
    point: str, first_env: dict[str, str], corpus: Path, command: list[str], env: dict[str, str], waits: str
) -> None:
    """Run ``newsdesk command`` while an ingest of ``corpus`` is paused at ``point`` (tests/crashpoint.py):
    it must say it waits (``waits`` in its log); then let both finish, and both must succeed."""
    pause = corpus.parent / "pause"
    first = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "crashpoint.py"), point, "ingest", str(corpus)],
        env={**first_env, "NEWSDESK_TEST_PAUSE": str(pause)},
        stderr=subprocess.PIPE,
        text=True,
    )
    log = (corpus.parent / "second.log").open("w+")
    second = None
    try:
        deadline = time.monotonic() + 300
        while not Path(f"{pause}.paused").exists():
            assert first.poll() is None and time.monotonic() < deadline, "the first ingest never paused"
            time.sleep(0.1)
        second = subprocess.Popen([NEWSDESK, *command], env=env, stdout=subprocess.DEVNULL, stderr=log, text=True)
        while waits not in Path(log.name).read_text():
            assert second.poll() is None, f"`newsdesk {' '.join(command)}` did not wait: {Path(log.name).read_text()}"
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        Path(f"{pause}.go").touch()
        assert first.wait(timeout=300) == 0, first.stderr.read() if first.stderr else ""
        assert second is not None and second.wait(timeout=300) == 0, Path(log.name).read_text()
        log.close()


@pytest.mark.slow
def test_two_processes_updating_the_same_articles_at_once_take_turns(tmp_path: Path) -> None:
    """An update paused after its commit, before it deletes the passages it replaced: another
    process's update of the same articles waits for it (it would otherwise write its own version,
    and each would delete the other's passages, leaving the articles with none)."""
    corpus, env = ingested_corpus(tmp_path)
    later = tmp_path / "later.jsonl"
    write_corpus(corpus, 20, "v2")
    write_corpus(later, 20, "v3")  # the same articles (same URLs), a third version
    beside_a_paused_ingest(
        "pause-before-cleanup", env, corpus, ["ingest", str(later)], env, "waiting for another ingest"
    )
    assert_consistent(env, 20, "v3")  # the later update, whole


@pytest.mark.slow
def test_a_repair_waits_for_an_ingest_whose_new_passages_are_not_committed_yet(tmp_path: Path) -> None:
    """An update paused after writing its new passages, before their records: to `doctor --repair`
    they look like passages of no current version, and deleting them would leave the updated
    articles with none once their records land. The repair waits for the ingest instead."""
    corpus, env = ingested_corpus(tmp_path)
    write_corpus(corpus, 20, "v2")
    beside_a_paused_ingest(
        "pause-before-commit", env, corpus, ["doctor", "--repair"], env, "waiting for another ingest"
    )
    assert_consistent(env, 20, "v2")


@pytest.mark.slow
def test_a_delete_waits_for_an_ingest_of_the_same_article(tmp_path: Path) -> None:
    """An update paused after writing its new passages, before their records: deleting one of its
    articles then would take the new passages too, and the record landing after would name
    passages that are gone. The delete waits, then takes the article whole."""
    corpus, env = ingested_corpus(tmp_path)
    records = json.loads(newsdesk(env, "sources", "list", "--json").stdout)
    target = next(r for r in records if r["title"] == "Ferry report 6")
    write_corpus(corpus, 20, "v2")
    delete = ["sources", "delete", target["id"]]
    beside_a_paused_ingest("pause-before-commit", env, corpus, delete, env, "waiting for another ingest")
    state = check_store(env)
    assert state["doctor"]["ok"] and state["doctor"]["problems"] == [], state["doctor"]
    assert target["id"] not in {r["id"] for r in state["records"]} and len(state["records"]) == 19
