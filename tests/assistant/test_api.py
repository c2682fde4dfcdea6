"""The HTTP API through FastAPI's TestClient: every route, auth on and off, limits, bad input, SSE."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from assistant.answerers.chat import ChatModelAnswerer
from assistant.api import create_app, keepalive
from assistant.chain import answer
from assistant.config import Settings
from assistant.ingest_lock import IngestLock, lock_path
from assistant.services import Services
from tests.conftest import EXAMPLES, make_settings
from tests.fakes import FailingStreamModel, ScriptedChatModel
from tests.httpserver import Route, serve_routes

MEDVEDEV = "What did Medvedev argue?"
MEDVEDEV_TITLE = "Medvedev Says U.S. Strikes Left Khamenei Stronger"
KEY = "s3cret-key"

ARTICLE = {
    "title": "Council Approves Harbour Ferry Timetable",
    "url": "https://example.com/local/ferry-timetable",
    "published_at": "2025-06-20",
    "source": "Harbour Post",
    "text": "The harbour council approved a new ferry timetable on Monday. Ferries will run every twenty minutes "
    "from July, and a night service will be added on weekends.",
}


def sse_events(text: str) -> list[tuple[str, Any]]:
    """(event, decoded data) for each server-sent event in a stream body."""
    events = []
    for block in text.strip().split("\n\n"):
        if block.startswith(":"):
            continue  # a comment: the stream is waiting for the answer
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields.get("event", "message"), json.loads(fields["data"])))
    return events


def use_llm(services: Services, model: Any, name: str = "fake") -> ChatModelAnswerer:
    answerer = ChatModelAnswerer(model, name=name)
    services.add_answerer(answerer)
    return answerer


def failing_reply(prompt: str) -> str:
    raise ConnectionError("endpoint down")


@pytest.fixture
def client(library: Services) -> TestClient:
    return TestClient(create_app(library))


def keyed(settings: Settings, key: str = KEY) -> Services:
    return Services(settings.model_copy(update={"api_key": SecretStr(key)}))


def assert_error(response: Any, status: int, *words: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["message"] and "Traceback" not in error["message"]
    for word in words:
        assert word in error["message"], error["message"]
    return error


# ---- health ------------------------------------------------------------------------------


def test_healthz_and_readyz_after_warm_up(library: Services) -> None:
    with TestClient(create_app(library)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        deadline = time.monotonic() + 120
        while (ready := client.get("/readyz")).status_code == 503 and time.monotonic() < deadline:
            assert ready.json()["status"] == "starting"
            time.sleep(0.2)
        assert ready.status_code == 200, ready.text
        body = ready.json()
        assert body["status"] == "ready" and body["articles"] >= 8 and body["answerer"] == "extractive"


def test_readyz_is_503_with_the_reason_when_the_store_is_unreachable(tmp_path: Path) -> None:
    services = Services(make_settings(tmp_path, chroma_url="http://127.0.0.1:9"))
    with TestClient(create_app(services)) as client:
        assert client.get("/healthz").status_code == 200
        deadline = time.monotonic() + 60
        while (ready := client.get("/readyz")).json()["status"] == "starting" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert ready.status_code == 503
        assert "cannot reach the Chroma server" in ready.json()["error"]
        assert_error(client.post("/v1/ask", json={"question": MEDVEDEV}), 503, "cannot reach the Chroma server")


# ---- answering ---------------------------------------------------------------------------


def test_ask_returns_what_ask_json_prints(client: TestClient, library: Services) -> None:
    response = client.post("/v1/ask", json={"question": MEDVEDEV})
    assert response.status_code == 200, response.text
    body = response.json()
    expected = answer(MEDVEDEV, services=library).to_dict()
    assert set(body) == set(expected)
    assert body["answer"] == expected["answer"] and "Medvedev" in body["answer"]
    assert body["citations"] == expected["citations"]
    assert MEDVEDEV_TITLE in [c["title"] for c in body["citations"]]
    assert all(f"[{c['n']}]" in body["answer"] and c["highlights"] for c in body["citations"])
    assert len(body["passages"]) > len(body["citations"])


def test_ask_options_reach_the_chain(client: TestClient) -> None:
    body = client.post(
        "/v1/ask",
        json={
            "question": "What did Putin offer this week?",
            "as_of": "2025-06-25",
            "k": 3,
            "history": [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Hi."}],
        },
    ).json()
    assert body["date_range"] == {"since": "2025-06-23", "until": "2025-06-25"}
    assert len(body["passages"]) <= 3
    late = client.post("/v1/ask", json={"question": MEDVEDEV, "until": "2025-06-20"}).json()
    assert late["refused"] and late["citations"] == []
    other = client.post("/v1/ask", json={"question": MEDVEDEV, "source": "No Such Paper"}).json()
    assert other["citations"] == []


def test_ask_stream_is_deltas_then_one_final_answer_event(client: TestClient) -> None:
    response = client.post("/v1/ask", json={"question": MEDVEDEV, "stream": True})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response.text)
    names = [name for name, _ in events]
    assert names[-1] == "answer" and names.count("answer") == 1
    assert set(names[:-1]) == {"delta"}
    final = events[-1][1]
    assert {"answer", "citations", "passages"} <= set(final)
    assert MEDVEDEV_TITLE in [c["title"] for c in final["citations"]]
    assert "".join(data["text"] for name, data in events if name == "delta").strip() == final["answer"]


def test_stream_with_an_llm_final_event_carries_the_checked_answer(library: Services) -> None:
    first = "Putin proposed that Iran's enriched uranium could be moved to Russia and stored there [1][42]."
    reply = f"{first} He also offered"
    use_llm(library, ScriptedChatModel(reply=lambda prompt: reply))  # a word at a time
    client = TestClient(create_app(library))
    question = "What did Putin offer to do with Iran's uranium?"
    events = sse_events(client.post("/v1/ask", json={"question": question, "answerer": "fake", "stream": True}).text)
    deltas = [data["text"] for name, data in events if name == "delta"]
    # a sentence at a time, cleaned and checked: [42] points at no passage, "He also offered" is not one
    assert deltas[0] == first.replace("[42]", "") + " " and "".join(deltas) == events[-1][1]["answer"]
    final = events[-1][1]
    assert events[-1][0] == "answer" and "[42]" not in final["answer"]
    assert final["answer"].startswith(first.replace("[42]", "")) and final["answerer"] == "fake"
    assert [c["n"] for c in final["citations"]] == [1]


def test_stream_failure_after_start_is_an_error_event(library: Services) -> None:
    use_llm(library, FailingStreamModel(reply=lambda prompt: "")).thinks_in_reply = False  # it streams as it writes
    client = TestClient(create_app(library))
    question = "What did Putin offer to do with Iran's uranium?"
    events = sse_events(client.post("/v1/ask", json={"question": question, "answerer": "fake", "stream": True}).text)
    # the finished sentence was shown, checked; none of the one being written
    assert [name for name, _ in events] == ["delta", "error"], events
    assert events[0][1]["text"].startswith("Putin proposed storing Iran's enriched uranium in Russia [1]")
    name, data = events[-1]
    assert name == "error" and data["error"]["type"] == "answerer_failed"
    assert "mid-answer" in data["error"]["message"]


def test_a_slow_answer_starts_the_stream_with_comments_a_proxy_does_not_time_out(
    library: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the answer's first text comes after FIRST_WAIT: the response starts anyway, and says it is
    # waiting every TICK, before the deltas and the answer come as usual
    monkeypatch.setattr(keepalive, "FIRST_WAIT", 0.05)
    monkeypatch.setattr(keepalive, "TICK", 0.1)
    reply = "Putin proposed storing Iran's enriched uranium in Russia [1]."
    use_llm(library, ScriptedChatModel(reply=lambda prompt: time.sleep(0.5) or reply))
    client = TestClient(create_app(library))
    question = "What did Putin offer to do with Iran's uranium?"
    response = client.post("/v1/ask", json={"question": question, "answerer": "fake", "stream": True})
    assert response.status_code == 200
    blocks = response.text.split("\n\n")
    assert blocks[0] == ": waiting" and blocks.count(": waiting") >= 3, blocks
    events = sse_events(response.text)
    assert [name for name, _ in events][-1] == "answer" and events[-1][1]["answer"] == reply

    # an endpoint that fails only after the response started: the error comes as the stream's error event
    use_llm(library, ScriptedChatModel(reply=lambda prompt: time.sleep(0.3) or failing_reply(prompt)))
    events = sse_events(client.post("/v1/ask", json={"question": question, "answerer": "fake", "stream": True}).text)
    assert [name for name, _ in events] == ["error"] and events[0][1]["error"]["type"] == "answerer_failed"


def test_llm_endpoint_failure_is_502(library: Services) -> None:
    use_llm(library, ScriptedChatModel(reply=failing_reply))
    client = TestClient(create_app(library))
    question = "What did Putin offer to do with Iran's uranium?"
    assert_error(client.post("/v1/ask", json={"question": question, "answerer": "fake"}), 502, "LLM")
    error = assert_error(
        client.post("/v1/ask", json={"question": question, "answerer": "fake", "stream": True}), 502, "LLM"
    )
    assert error["type"] == "answerer_failed"


def test_search_returns_ranked_passages(client: TestClient) -> None:
    body = client.post("/v1/search", json={"query": "uranium stored in Russia", "k": 2}).json()
    assert len(body["passages"]) == 2
    assert body["passages"][0]["title"] == "Putin Offers to Mediate and to Hold Iran's Uranium"
    assert body["passages"][0]["score"] >= body["passages"][1]["score"]
    assert set(body) == {"query", "date_range", "notes", "passages"}


# ---- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "status", "words"),
    [
        ({"content": b'{"question": "What', "headers": {"content-type": "application/json"}}, 400, ["not valid JSON"]),
        ({"json": {}}, 422, ["question: required"]),
        ({"json": {"question": MEDVEDEV, "qestion": "x"}}, 422, ["qestion: unknown field"]),
        ({"json": {"question": MEDVEDEV, "k": 0}}, 422, ["k:"]),
        ({"json": {"question": MEDVEDEV, "k": "many"}}, 422, ["k:"]),
        ({"json": ["What did Medvedev argue?"]}, 422, ["invalid request"]),
        ({"json": {"question": "   "}}, 400, ["the question is empty"]),
        ({"json": {"question": "x" * 3000}}, 400, ["too long"]),
        ({"json": {"question": MEDVEDEV, "since": "last spring"}}, 400, ["since must be a date"]),
        ({"json": {"question": MEDVEDEV, "since": "2025-06-25", "until": "2025-06-01"}}, 400, ["is after until"]),
        ({"json": {"question": MEDVEDEV, "answerer": "gpt-9"}}, 400, ["unknown answerer 'gpt-9'", "extractive"]),
        ({"json": {"question": MEDVEDEV, "answerer": "openai"}}, 400, ["NEWSDESK_LLM_MODEL"]),
        ({"json": {"question": MEDVEDEV, "history": [{"role": "robot", "content": "x"}]}}, 422, ["history.0.role"]),
        ({"content": b'{"question": "hi"}'}, 415, ["Content-Type: application/json"]),
    ],
)
def test_bad_ask_input_is_a_4xx_with_a_message(
    client: TestClient, kwargs: dict[str, Any], status: int, words: list[str]
) -> None:
    assert_error(client.post("/v1/ask", **kwargs), status, *words)


def test_unknown_routes_and_methods_are_json_errors(client: TestClient, library_settings: Settings) -> None:
    from assistant.serve import create_server_app

    served = TestClient(create_server_app(Services(library_settings)))  # with the UI mounted at /
    for app in (client, served):
        assert_error(app.get("/v1/nothing"), 404, "no such route: GET /v1/nothing")
        assert_error(app.get("/v1/ask"), 405, "GET is not allowed on /v1/ask")
        assert app.get("/v1/ask").headers["allow"] == "POST"
        assert_error(app.put("/v1/articles/abc"), 405, "PUT is not allowed")
        assert app.put("/v1/articles/abc").headers["allow"] == "DELETE, GET"
    assert served.get("/").status_code == 200  # the UI still answers everything else


def test_request_bodies_over_the_limit_are_413(library_settings: Settings) -> None:
    settings = library_settings.model_copy(update={"max_body_bytes": 2048, "max_upload_bytes": 4096})
    client = TestClient(create_app(Services(settings)))
    big = {"question": "x" * 3000}
    assert_error(client.post("/v1/ask", json=big), 413, "2,048 bytes", "NEWSDESK_MAX_BODY_BYTES")

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"question": "'
        yield b"x" * 3000
        yield b'"}'

    streamed = client.post("/v1/ask", content=chunks(), headers={"content-type": "application/json"})
    assert_error(streamed, 413, "NEWSDESK_MAX_BODY_BYTES")
    upload = client.post("/v1/articles", files={"file": ("big.txt", b"word " * 1000, "text/plain")})
    assert_error(upload, 413, "4,096 bytes", "NEWSDESK_MAX_UPLOAD_BYTES")
    assert client.post("/v1/ask", json={"question": MEDVEDEV}).status_code == 200  # under the limit


# ---- auth --------------------------------------------------------------------------------


def test_every_v1_route_needs_the_key_when_one_is_set(library_settings: Settings) -> None:
    app = create_app(keyed(library_settings))
    client = TestClient(app)
    paths = app.openapi()["paths"]
    routes = [(path, method.upper()) for path, ops in paths.items() if path.startswith("/v1") for method in ops]
    assert len(routes) == 11  # the follow routes included
    for path, method in routes:
        url = path.replace("{article_id}", "x").replace("{model_id}", "newsdesk")
        response = client.request(method, url, json={})
        error = assert_error(response, 401, "API key")
        assert error["type"] == "unauthorized" and response.headers["www-authenticate"] == "Bearer"
    wrong = client.post("/v1/ask", json={"question": MEDVEDEV}, headers={"Authorization": "Bearer nope"})
    assert_error(wrong, 401, "not valid")
    basic = client.post("/v1/ask", json={"question": MEDVEDEV}, headers={"Authorization": f"Basic {KEY}"})
    assert_error(basic, 401, "Authorization: Bearer")
    right = client.post("/v1/ask", json={"question": MEDVEDEV}, headers={"Authorization": f"Bearer {KEY}"})
    assert right.status_code == 200 and "Medvedev" in right.json()["answer"]
    assert client.get("/healthz").status_code == 200  # probes stay open


def test_no_key_configured_means_open_routes(client: TestClient) -> None:
    assert client.get("/v1/articles").status_code == 200
    assert client.get("/v1/models").status_code == 200


def test_openapi_docs_list_the_routes(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200 and "cdn." not in docs.text  # the page works offline: its scripts are served here
    for asset in re.findall(r"""(?:src|href)=["'](/[^"']+\.(?:js|css))""", docs.text):
        assert client.get(asset).status_code == 200, asset
    assert len(re.findall(r"""(?:src|href)=["'](/[^"']+\.(?:js|css))""", docs.text)) == 2
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/v1/ask", "/v1/search", "/v1/articles", "/v1/articles/{article_id}", "/v1/chat/completions"):
        assert path in paths
    assert "multipart/form-data" in paths["/v1/articles"]["post"]["requestBody"]["content"]


def test_openapi_describes_the_error_shape_the_api_sends(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in str(schema)  # FastAPI's {"detail": [...]} is never sent
    error = schema["components"]["schemas"]["Error"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not path.startswith("/v1"):
                continue
            codes = operation["responses"]
            assert {"400", "401", "422", "503"} <= set(codes), (path, method)
            assert all(
                codes[c]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
                for c in codes
                if c != "200"
            ), (path, method)
    assert {"413", "415", "502"} <= set(schema["paths"]["/v1/ask"]["post"]["responses"])
    assert "404" in schema["paths"]["/v1/articles/{article_id}"]["delete"]["responses"]
    for response, status in [
        (client.post("/v1/ask", json={}), 422),
        (client.post("/v1/ask", json={"question": ""}), 400),
        (client.get("/v1/articles/nope"), 404),
        (client.post("/v1/ask", content=b"question", headers={"Content-Type": "text/plain"}), 415),
    ]:
        body = response.json()
        assert response.status_code == status and set(body) == set(error["required"]), body
        assert set(body["error"]) == set(error["properties"]["error"]["required"]), body


# ---- articles ----------------------------------------------------------------------------


def test_add_list_show_delete_articles(services: Services) -> None:
    client = TestClient(create_app(services))
    added = client.post("/v1/articles", json=ARTICLE)
    assert added.status_code == 200, added.text
    summary = added.json()
    assert (summary["added"], summary["updated"], summary["unchanged"], summary["failed"]) == (1, 0, 0, [])
    article_id = summary["articles"][0]["id"]
    again = client.post("/v1/articles", json={"articles": [ARTICLE]}).json()
    assert again["unchanged"] == 1 and again["added"] == 0

    more = [
        {**ARTICLE, "url": f"https://example.com/{n}", "title": f"Story {n}", "text": f"Story {n}. " * 20}
        for n in range(3)
    ]
    batch = client.post("/v1/articles", json=[*more, {"title": "no text"}]).json()
    assert batch["added"] == 3 and batch["failed"][0]["source"] == "request[3]"
    assert "record has no text" in batch["failed"][0]["error"]

    page = client.get("/v1/articles", params={"offset": 1, "limit": 2}).json()
    assert page["total"] == 4 and page["offset"] == 1 and page["limit"] == 2 and len(page["articles"]) == 2
    everything = client.get("/v1/articles").json()["articles"]
    assert [a["published_at"] for a in everything] == sorted((a["published_at"] for a in everything), reverse=True)
    found = client.get("/v1/articles", params={"find": "STORY"}).json()
    assert found["total"] == 3 and sorted(a["title"] for a in found["articles"]) == ["Story 0", "Story 1", "Story 2"]
    assert [a["id"] for a in client.get("/v1/articles", params={"find": article_id}).json()["articles"]] == [article_id]
    assert client.get("/v1/articles", params={"find": "tram depot"}).json() == {
        "total": 0,
        "offset": 0,
        "limit": 50,
        "articles": [],
    }

    shown = client.get(f"/v1/articles/{article_id}").json()
    assert shown["title"] == ARTICLE["title"] and shown["text"].startswith("The harbour council approved")
    deleted = client.delete(f"/v1/articles/{article_id}").json()
    assert deleted == {"deleted": article_id, "chunks": 1}
    assert_error(client.get(f"/v1/articles/{article_id}"), 404, f"no article with id {article_id!r}")
    assert_error(client.delete(f"/v1/articles/{article_id}"), 404, "no article with id")
    assert client.get("/v1/articles").json()["total"] == 3


def test_add_articles_as_uploaded_files(services: Services) -> None:
    client = TestClient(create_app(services))
    files = [
        (
            "file",
            ("medvedev.md", (EXAMPLES / "medvedev-strikes-strengthened-khamenei.md").read_bytes(), "text/markdown"),
        ),
        ("file", ("local.jsonl", (EXAMPLES / "local-news.jsonl").read_bytes(), "application/x-ndjson")),
        ("file", ("slides.pdf", b"%PDF-1.4 ...", "application/pdf")),
    ]
    body = client.post("/v1/articles", files=files).json()
    assert body["added"] == 3
    assert body["failed"] == [{"source": "upload:slides.pdf", "error": "unsupported file type '.pdf'"}]
    titles = {a["title"] for a in client.get("/v1/articles").json()["articles"]}
    assert MEDVEDEV_TITLE in titles and "Riverside Council Approves Tram Line to the Northern Suburbs" in titles
    asked = client.post("/v1/ask", json={"question": MEDVEDEV}).json()
    assert MEDVEDEV_TITLE in [c["title"] for c in asked["citations"]]


def test_uploads_sharing_a_file_name_are_different_articles_unless_the_title_is_the_same(services: Services) -> None:
    client = TestClient(create_app(services))

    def upload(title: str, text: str) -> dict[str, Any]:
        story = f"Title: {title}\nDate: 2025-09-10\n\n{text}\n".encode()
        return dict(client.post("/v1/articles", files={"file": ("story.txt", story, "text/plain")}).json())

    zoo = upload("Zoo Welcomes a Baby Giraffe", "The city zoo welcomed a baby giraffe on Monday morning.")
    water = upload("Water Main Bursts Downtown", "A water main burst under Market Street on Tuesday night.")
    assert zoo["added"] == 1 and water["added"] == 1 and water["updated"] == 0  # another reporter's story.txt
    assert services.store.count_articles() == 2
    fixed = upload("Zoo Welcomes a Baby Giraffe", "The city zoo welcomed a baby giraffe, its first, on Monday morning.")
    assert fixed["updated"] == 1 and fixed["articles"][0]["id"] == zoo["articles"][0]["id"]  # the same story, edited
    assert sorted(a["title"] for a in client.get("/v1/articles").json()["articles"]) == [
        "Water Main Bursts Downtown",
        "Zoo Welcomes a Baby Giraffe",
    ]


def test_an_exact_copy_uploaded_under_another_name_is_named_by_the_stored_copys_id(services: Services) -> None:
    client = TestClient(create_app(services))
    story = (
        b"Title: Lifeboat Crew Honoured\nDate: 2025-09-12\n\nThe lifeboat crew received a medal for a night rescue.\n"
    )
    first = client.post("/v1/articles", files={"file": ("lifeboat.txt", story, "text/plain")}).json()
    copy = client.post("/v1/articles", files={"file": ("lifeboat-copy.txt", story, "text/plain")}).json()
    stored_id = first["articles"][0]["id"]
    assert (copy["added"], copy["unchanged"]) == (0, 1)
    assert copy["articles"] == [
        {"id": stored_id, "title": "Lifeboat Crew Honoured", "status": "unchanged", "copy_of": stored_id}
    ]
    assert client.get(f"/v1/articles/{copy['articles'][0]['id']}").status_code == 200
    assert services.store.count_articles() == 1


def test_add_articles_from_a_url_keeps_the_fetch_safety_rules(tmp_path: Path) -> None:
    page = b"<html><head><title>Tram Opens</title></head><body><article><p>" + b"The new tram line opened today. " * 30
    page += b"</p></article></body></html>"
    with serve_routes({"/tram": Route(page)}) as base:
        refused = TestClient(create_app(Services(make_settings(tmp_path / "a"))))
        assert_error(refused.post("/v1/articles", json={"url": f"{base}/tram"}), 422, "NEWSDESK_FETCH_ALLOW_HOSTS")
        allowed = TestClient(create_app(Services(make_settings(tmp_path / "b", fetch_allow_hosts=["127.0.0.1"]))))
        body = allowed.post("/v1/articles", json={"url": f"{base}/tram"}).json()
        assert body["added"] == 1 and body["articles"][0]["title"] == "Tram Opens"
        form = allowed.post("/v1/articles", data={"url": f"{base}/tram"}).json()
        assert form["unchanged"] == 1
    for not_a_url in ("/etc/passwd", "file:///etc/passwd", "examples/"):
        assert_error(refused.post("/v1/articles", json={"url": not_a_url}), 422, "not an http(s) URL")


@pytest.mark.parametrize(
    ("kwargs", "status", "words"),
    [
        ({"content": b"{oops", "headers": {"content-type": "application/json"}}, 400, ["not valid JSON"]),
        ({"content": b"", "headers": {"content-type": "application/json"}}, 400, ["empty"]),
        ({"content": b"plain words", "headers": {"content-type": "text/plain"}}, 415, ["multipart"]),
        ({"files": {"file": ("empty.txt", b"", "text/plain")}}, 422, ["empty file"]),
        ({"json": {"url": 42}}, 400, ['"url" must be a string']),
        ({"json": []}, 422, ["no article records"]),
        ({"json": "just a string"}, 422, ["expected an article object"]),
    ],
)
def test_bad_article_input_is_a_4xx_with_a_message(
    services: Services, kwargs: dict[str, Any], status: int, words: list[str]
) -> None:
    client = TestClient(create_app(services))
    assert_error(client.post("/v1/articles", **kwargs), status, *words)


def test_a_form_without_files_or_urls_is_400(services: Services) -> None:
    client = TestClient(create_app(services))
    only_fields = client.post(
        "/v1/articles",
        content=b'--b\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n--b--\r\n',
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    assert_error(only_fields, 400, "no file and no URL")


def test_records_in_any_shape_a_json_file_may_hold_are_accepted(services: Services) -> None:
    client = TestClient(create_app(services))
    record = {"title": "Pier Reopens", "text": "The pier reopened on Thursday.", "published_at": "2025-06-19"}
    added = client.post("/v1/articles", json={"data": [record]})
    again = client.post("/v1/articles", json={"version": "https://jsonfeed.org/version/1.1", "items": [record]})
    assert added.status_code == 200, added.text
    assert (added.json()["added"], again.json()["unchanged"]) == (1, 1)


# ---- writers taking turns ----------------------------------------------------------------

FERRY = {
    "title": "Ferry Fares Rise in July",
    "url": "https://example.com/harbour/ferry-fares",
    "source": "Harbour Post",
    "published_at": "2025-06-20",
    "text": "Ferry fares on the island route rise by a tenth in July, the operator said on Friday.",
}


def test_a_write_kept_waiting_by_another_writer_is_refused_after_the_write_wait(tmp_path: Path) -> None:
    """An ingest or a deletion sent while another writer holds the store (here a process on this machine,
    through the lock file; another machine's through the lease) waits NEWSDESK_WRITE_WAIT for its turn,
    then is refused with a 503 that names the writer it waited for and says when to try again, rather
    than hanging, silent, for as long as the other writer works."""
    services = Services(make_settings(tmp_path / "data", write_wait=1.0))
    client = TestClient(create_app(services))
    added = client.post("/v1/articles", json=FERRY)
    assert added.status_code == 200, added.text
    article_id = added.json()["articles"][0]["id"]
    answers: dict[str, Any] = {}

    def write() -> None:
        answers["add"] = client.post("/v1/articles", json={**FERRY, "text": FERRY["text"] + " Season tickets too."})
        answers["delete"] = client.delete(f"/v1/articles/{article_id}")

    with IngestLock(lock_path(services.settings)):  # another process's hold, over the same file
        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        writer.join(20)
        answered_while_held = not writer.is_alive()
    writer.join(60)
    assert answered_while_held, "the writes waited for as long as the other writer held the store"
    for name in ("add", "delete"):
        error = assert_error(answers[name], 503, f"pid {os.getpid()} on this machine", "NEWSDESK_WRITE_WAIT")
        assert error["type"] == "store_busy" and answers[name].headers["retry-after"] == "10", (name, error)
    assert client.delete(f"/v1/articles/{article_id}").status_code == 200  # its turn, once the other let go
