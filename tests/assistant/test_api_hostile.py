"""Hostile requests and uploads through the API (and the UI's upload route): each is a 4xx with a clear
JSON message or is stored safely, in bounded time; the server keeps answering and nothing stored is lost."""

from __future__ import annotations

import json
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.services import Services
from tests.assistant.test_api import assert_error
from tests.conftest import EXAMPLES, make_settings
from tests.hostile import FORBIDDEN, INVISIBLE, Hostile, hostile_files, write_corpus

MEDVEDEV = "What did Medvedev argue?"
MEDVEDEV_TITLE = "Medvedev Says U.S. Strikes Left Khamenei Stronger"
NOT_JSON = "not valid JSON"


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Services:
    """A store of its own, holding the example articles; the hostile uploads add to it."""
    services = Services(make_settings(tmp_path_factory.mktemp("hostile-api")))
    assert services.ingest([str(EXAMPLES)]).added == 8
    return services


@pytest.fixture(scope="module")
def client(services: Services) -> TestClient:
    return TestClient(create_app(services), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Hostile]]:
    folder = tmp_path_factory.mktemp("hostile-files")
    return folder, write_corpus(folder)


def stored_state(services: Services) -> tuple[dict[str, str], int]:
    """Every article's content hash, and the number of passages."""
    return services.store.article_hashes(), services.store.count_chunks()


def assert_kept(before: tuple[dict[str, str], int], services: Services, added: int = 0) -> None:
    """Everything stored before is still there, unchanged; chunk counts match the records."""
    hashes, _ = before
    after = services.store.article_hashes()
    assert {a: after.get(a) for a in hashes} == hashes
    assert len(after) == len(hashes) + added
    assert services.store.count_chunks() == sum(r.chunk_count for r in services.store.list_articles())


def chat(content: Any, **extra: Any) -> dict[str, Any]:
    return {"model": "newsdesk", "messages": [{"role": "user", "content": content}], **extra}


HOSTILE_REQUESTS: list[tuple[str, Any, int, str]] = [
    # questions
    ("ask", {"question": ""}, 400, "the question is empty"),
    ("ask", {"question": "x" * 100_000}, 400, "too long: 100,000 characters"),
    ("ask", {"question": "?!.,;:—…" * 20}, 400, "no words"),
    ("ask", {"question": "\x00\x01\u202e\u200b"}, 400, "no words"),
    ("ask", {"question": "\ud800\udfff"}, 400, "no words"),
    ("search", {"query": ""}, 400, "the query is empty"),
    ("search", {"query": "x" * 100_000}, 400, "too long"),
    ("search", {"query": "!!!???"}, 400, "no words"),
    ("chat/completions", chat(""), 400, "empty"),
    ("chat/completions", chat("y" * 100_000), 400, "too long"),
    ("chat/completions", chat("...,,,"), 400, "no words"),
    # k
    ("ask", {"question": MEDVEDEV, "k": 0}, 422, "k: Input should be greater than or equal to 1"),
    ("ask", {"question": MEDVEDEV, "k": 10**6}, 422, "k: Input should be less than or equal to 100"),
    ("ask", {"question": MEDVEDEV, "k": -1}, 422, "k:"),
    ("ask", {"question": MEDVEDEV, "k": 10**30}, 422, "k:"),
    ("search", {"query": "uranium", "k": 0}, 422, "k:"),
    ("search", {"query": "uranium", "k": 10**6}, 422, "k:"),
    ("chat/completions", chat(MEDVEDEV, k=10**6), 422, "k:"),
    # impossible dates
    ("ask", {"question": MEDVEDEV, "since": "2025-02-30"}, 400, "since must be a date"),
    ("ask", {"question": MEDVEDEV, "until": "0000-00-00"}, 400, "until must be a date"),
    ("ask", {"question": MEDVEDEV, "since": "99999-01-01"}, 400, "since must be a date"),
    ("ask", {"question": MEDVEDEV, "since": "2025-06-25", "until": "2025-06-01"}, 400, "is after until"),
    ("ask", {"question": MEDVEDEV, "as_of": "2025-13-01"}, 400, "as_of must be a date"),
    ("ask", {"question": MEDVEDEV, "as_of": "0001-01-01"}, 422, "as_of must be between 1900-01-01 and 2100-12-31"),
    ("ask", {"question": "What happened last year?", "as_of": "9999-12-31"}, 422, "as_of must be between"),
    ("search", {"query": "uranium last month", "as_of": "0001-01-01"}, 422, "as_of must be between"),
    ("search", {"query": "uranium", "until": "2025-06-31"}, 400, "until must be a date"),
    ("chat/completions", chat("What happened this week?", as_of="0001-01-07"), 422, "as_of must be between"),
    # wrong types
    ("ask", {"question": 42}, 422, "question: Input should be a valid string"),
    ("ask", {"question": None}, 422, "question:"),
    ("ask", {"question": [MEDVEDEV]}, 422, "question:"),
    ("ask", {"question": MEDVEDEV, "k": True}, 422, "k: Input should be a valid integer"),
    ("ask", {"question": MEDVEDEV, "k": "5"}, 422, "k: Input should be a valid integer"),
    ("ask", {"question": MEDVEDEV, "k": 2.5}, 422, "k:"),
    ("ask", {"question": MEDVEDEV, "stream": "yes"}, 422, "stream: Input should be a valid boolean"),
    ("ask", {"question": MEDVEDEV, "since": 20250101}, 422, "since: Input should be a valid string"),
    ("ask", {"question": MEDVEDEV, "source": {"a": 1}}, 422, "source"),
    ("ask", {"question": MEDVEDEV, "history": "earlier"}, 422, "history: Input should be a valid list"),
    ("ask", {"question": MEDVEDEV, "history": [{"role": "robot", "content": "x"}]}, 422, "history.0.role"),
    ("ask", {"question": MEDVEDEV, "history": [{"role": "user", "content": 5}]}, 422, "history.0.content"),
    ("ask", {"question": MEDVEDEV, "answerer": 5}, 422, "answerer:"),
    ("ask", {"question": MEDVEDEV, "answerer": "../../etc/passwd"}, 400, "unknown answerer"),
    ("ask", [MEDVEDEV], 422, "invalid request"),
    ("ask", "What did Medvedev argue?", 422, "invalid request"),
    ("ask", None, 422, "invalid request"),
    ("search", {"query": 3}, 422, "query"),
    ("chat/completions", {"model": "newsdesk", "messages": []}, 422, "messages"),
    ("chat/completions", {"model": 5, "messages": [{"role": "user", "content": MEDVEDEV}]}, 422, "model"),
    ("chat/completions", chat([{"type": "image_url", "image_url": {"url": "x"}}]), 400, "only text content"),
    ("chat/completions", chat([5]), 422, "messages.0.content"),
    ("chat/completions", {"model": "gpt-4", "messages": [{"role": "user", "content": MEDVEDEV}]}, 404, "no model"),
    # bodies that are not JSON, or JSON no parser should finish
    ("ask", b"", 422, "body: required"),
    ("ask", b"   ", 400, NOT_JSON),
    ("ask", b'{"question": "What', 400, NOT_JSON),
    ("ask", b"[" * 100_000 + b"]" * 100_000, 400, NOT_JSON),
    ("ask", b'{"question": "\xff\xfe"}', 400, NOT_JSON),
    ("ask", b"1" * 5000, 400, NOT_JSON),
    ("ask", b'{"question": "What did Medvedev argue?", "k": NaN}', 422, "k:"),
    ("search", b"[" * 100_000, 400, NOT_JSON),
    ("chat/completions", b'{"model": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", 400, NOT_JSON),
    ("articles", b"[" * 100_000 + b"]" * 100_000, 400, "nested too deeply"),
    ("articles", b"9" * 5000, 400, NOT_JSON),
    ("articles", b'{"title": "x", "text": "\xff"}', 400, NOT_JSON),
    ("articles", b"[" + b"{}," * 20_000 + b"{}]", 422, "too many records: 20,001"),
    ("articles", {"url": "file:///etc/passwd"}, 422, "not an http(s) URL"),
    ("articles", {"url": "http://169.254.169.254/latest/meta-data/"}, 422, "refusing to fetch"),
    ("articles", {"urls": ["https://example.com/"] * 101}, 422, "too many URLs"),
    ("articles", {"url": ["x"]}, 400, '"url" must be a string'),
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("route", "body", "status", "words"),
    HOSTILE_REQUESTS,
    ids=[f"{route}-{i}" for i, (route, *_) in enumerate(HOSTILE_REQUESTS)],
)
def test_hostile_requests_are_4xx_with_a_clear_message(
    client: TestClient, services: Services, route: str, body: Any, status: int, words: str
) -> None:
    before = stored_state(services)
    content = body if isinstance(body, bytes) else json.dumps(body).encode()  # ASCII: lone surrogates too
    started = time.perf_counter()
    response = client.post(f"/v1/{route}", content=content, headers={"content-type": "application/json"})
    assert time.perf_counter() - started < 30
    assert_error(response, status, words)
    assert_kept(before, services)


@pytest.mark.timeout(300)
def test_hostile_files_uploaded_fail_with_their_reason_or_are_stored_clean(
    client: TestClient, services: Services, corpus: tuple[Path, dict[str, Hostile]]
) -> None:
    folder, files = corpus
    before = stored_state(services)
    stored = 0
    for name, hostile in files.items():
        data = (folder / name).read_bytes()
        started = time.perf_counter()
        response = client.post("/v1/articles", files={"file": (name, data, "application/octet-stream")})
        assert time.perf_counter() - started < 60, name
        if name.startswith("sixty-mb"):
            assert_error(response, 413, "NEWSDESK_MAX_UPLOAD_BYTES")
        elif hostile.error:
            failed = assert_error(response, 422, "nothing was ingested")["summary"]["failed"]
            assert any(hostile.error in f["error"] for f in failed), failed[:3]
            assert all(f["source"].startswith(f"upload:{name}") for f in failed)
        else:
            assert response.status_code == 200, (name, response.text[:300])
            [article] = response.json()["articles"]
            assert article["status"] == "added", name
            stored += 1
            shown = client.get(f"/v1/articles/{article['id']}").json()
            assert shown["origin"].startswith(f"upload:{name}")
            for value in (shown["title"], shown["text"]):
                assert not any(word in value.lower() for word in FORBIDDEN) and not set(value) & set(INVISIBLE)
    assert stored == sum(1 for h in hostile_files() if h.error is None)
    assert_kept(before, services, added=stored)


ESCAPES = [
    "../../escape-1.txt",
    "..\\..\\escape-2.txt",
    "../../../escape-3.md",
    "/tmp/newsdesk-escape-4.txt",
    "sub/../../escape-5.html",
    "....//....//escape-6.txt",
]


def test_upload_names_with_dot_dot_write_nothing_anywhere(
    client: TestClient, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)  # a name resolved against the working folder would land inside tmp_path
    before = stored_state(services)
    files = []
    for n, name in enumerate(ESCAPES, start=1):
        text = f"Escape {n}\n\nThe ferry council met on day {n} and approved timetable number {n}."
        data = f"<html><body><article><p>{text}</p></article></body></html>" if name.endswith(".html") else text
        files.append(("file", (name, data.encode(), "text/plain")))
    response = client.post("/v1/articles", files=files)
    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["added"] == len(ESCAPES) and summary["failed"] == []
    origins = sorted(client.get(f"/v1/articles/{a['id']}").json()["origin"] for a in summary["articles"])
    base_names = [name.replace("\\", "/").rsplit("/", 1)[-1] for name in ESCAPES]
    assert origins == sorted(f"upload:{name}" for name in base_names)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert not Path("/tmp/newsdesk-escape-4.txt").exists()
    assert_kept(before, services, added=len(ESCAPES))


def test_the_ui_upload_route_keeps_dot_dot_names_in_its_own_folder(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.serve import create_server_app
    from assistant.ui.app import NewsdeskUI

    uploads = tmp_path / "gradio"
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(uploads))
    client = TestClient(create_server_app(services))
    body = b"Title: Through the UI\n\nThe ferry council met on Monday and approved the UI timetable."
    response = client.post("/gradio_api/upload", files=[("files", ("../../../ui-escape.txt", body, "text/plain"))])
    assert response.status_code == 200, response.text
    [saved] = [Path(p) for p in response.json()]
    assert saved.name == "ui-escape.txt" and saved.resolve().is_relative_to(uploads.resolve())
    assert [p.name for p in tmp_path.rglob("ui-escape.txt")] == ["ui-escape.txt"]  # that one only
    before = stored_state(services)
    NewsdeskUI(services).ingest([str(saved)], "")
    assert_kept(before, services, added=1)


def test_the_server_still_answers_after_the_hostile_input(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    body = client.post("/v1/ask", json={"question": MEDVEDEV}).json()
    assert MEDVEDEV_TITLE in [c["title"] for c in body["citations"]]
    search = client.post("/v1/search", json={"query": "uranium stored in Russia", "k": 2}).json()
    assert search["passages"][0]["title"] == "Putin Offers to Mediate and to Hold Iran's Uranium"


WORDY = ("What did Putin offer to do with Iran's uranium, and what did Medvedev argue? " * 1300)[:100_000]
BOUNDED_REQUESTS: list[tuple[str, dict[str, Any], int]] = [
    ("ask", {"question": WORDY}, 400),
    ("ask", {"question": MEDVEDEV, "k": 10**6}, 422),
    ("ask", {"question": WORDY, "k": 10**6}, 422),
    ("ask", {"question": WORDY, "k": 10**6, "stream": True}, 422),
    ("search", {"query": WORDY, "k": 10**6}, 422),
    ("chat/completions", chat(WORDY, k=10**6), 422),
    ("ask", {"question": WORDY[:1990], "k": 100}, 200),  # the most a request may ask for: answered
]
MEMORY_LIMIT = 50 * 2**20  # Python allocations per request; measured under 1 MB for each of these


@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    ("route", "body", "status"), BOUNDED_REQUESTS, ids=[f"{r}-{i}" for i, (r, *_) in enumerate(BOUNDED_REQUESTS)]
)
def test_huge_questions_and_k_stay_bounded_in_memory_and_time(
    client: TestClient, services: Services, route: str, body: dict[str, Any], status: int
) -> None:
    assert client.post("/v1/ask", json={"question": MEDVEDEV}).status_code == 200  # models and indexes loaded
    articles, chunks = services.store.count_articles(), services.store.count_chunks()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        started = time.perf_counter()
        response = client.post(f"/v1/{route}", json=body)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == status, response.text[:500]
    if status == 200:
        assert response.json()["citations"]
    else:
        assert "Traceback" not in response.json()["error"]["message"]
    assert elapsed < 30
    assert peak - before < MEMORY_LIMIT, f"{(peak - before) / 2**20:.0f} MB"
    assert (services.store.count_articles(), services.store.count_chunks()) == (articles, chunks)


LONE_SURROGATE = "\\ud800"  # a JSON escape for half a UTF-16 pair, as a client may send it


def test_lone_surrogates_in_questions_and_records_are_dropped_not_a_500(client: TestClient, services: Services) -> None:
    def post(path: str, body: str) -> Any:
        return client.post(path, content=body.encode(), headers={"Content-Type": "application/json"})

    s = LONE_SURROGATE
    record = (
        '{"title": "Ferry ' + s + ' Fares", "url": "https://example.com/ferry-' + s + 'fares", '
        '"text": "The ferry ' + s + " fares rise in July, the " + s + ' operator said."}'
    )
    added = post("/v1/articles", record)
    assert added.status_code == 200, added.text
    assert added.json()["added"] == 1 and added.json()["failed"] == []
    stored = next(r for r in services.store.list_articles() if r.title == "Ferry Fares")
    assert services.store.get_article_text(stored.id) == "The ferry fares rise in July, the operator said."
    question = '"How much will ferry ' + s + ' fares rise?"'
    for path, body in [
        ("/v1/ask", '{"question": ' + question + "}"),
        ("/v1/search", '{"query": ' + question + "}"),
        ("/v1/chat/completions", '{"model": "newsdesk", "messages": [{"role": "user", "content": ' + question + "}]}"),
    ]:
        response = post(path, body)
        assert response.status_code == 200, (path, response.text)
