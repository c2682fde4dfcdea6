"""newsdesk as an OpenAI model: the real ``openai`` client against the running server on a loopback port."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_openai import ChatOpenAI
from openai import OpenAI
from pydantic import SecretStr

from assistant.answerers.chat import ChatModelAnswerer
from assistant.api import keepalive
from assistant.config import Settings
from assistant.serve import create_server_app
from assistant.services import Services
from tests.fakes import FailingStreamModel, ScriptedChatModel
from tests.live_server import live_server
from tests.openai_server import Reply, openai_server

pytestmark = pytest.mark.slow

MEDVEDEV = "What did Medvedev argue?"
MEDVEDEV_URL = "https://example.com/world/2025/06/22/medvedev-strikes-khamenei"


@pytest.fixture(scope="module")
def server(library_settings: Settings) -> Iterator[tuple[str, Services]]:
    """The whole app (API and UI) over the example library, served on a free loopback port."""
    services = Services(library_settings)
    with live_server(create_server_app(services)) as url:
        yield url, services


@pytest.fixture
def client(server: tuple[str, Services]) -> OpenAI:
    return OpenAI(base_url=f"{server[0]}/v1", api_key="unused", max_retries=0, timeout=120)


def extra(model: Any) -> dict[str, Any]:
    """Fields newsdesk adds beyond OpenAI's schema."""
    return dict(model.model_extra or {})


def test_models_list_newsdesk(client: OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["newsdesk"]
    assert client.models.retrieve("newsdesk").owned_by == "newsdesk"
    with pytest.raises(openai.NotFoundError, match="this server offers 'newsdesk'"):
        client.models.retrieve("gpt-4o")


def test_completion_content_cites_and_carries_citations(client: OpenAI) -> None:
    completion = client.chat.completions.create(
        model="newsdesk",
        messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": MEDVEDEV}],
        temperature=0.2,  # accepted, ignored
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "stop" and choice.message.role == "assistant"
    assert "Medvedev" in choice.message.content
    assert completion.model == "newsdesk" and completion.id.startswith("chatcmpl-")
    fields = extra(completion)
    assert MEDVEDEV_URL in fields["citations"]
    citation = next(c for c in fields["newsdesk"]["citations"] if c["url"] == MEDVEDEV_URL)
    assert f"[{citation['n']}]" in choice.message.content and fields["citations"][citation["n"] - 1] == MEDVEDEV_URL
    assert citation["title"] == "Medvedev Says U.S. Strikes Left Khamenei Stronger"
    assert citation["quote"] and citation["highlights"]
    assert fields["newsdesk"]["answer"] == choice.message.content


def test_streamed_completion_ends_with_the_citations(client: OpenAI) -> None:
    chunks = list(
        client.chat.completions.create(model="newsdesk", messages=[{"role": "user", "content": MEDVEDEV}], stream=True)
    )
    assert chunks[0].choices[0].delta.role == "assistant"
    content = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert "Medvedev" in content
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert all(c.choices[0].finish_reason is None for c in chunks[:-1])
    assert MEDVEDEV_URL in extra(last)["citations"]
    assert all(f"[{c['n']}]" in content for c in extra(last)["newsdesk"]["citations"])
    assert all("citations" not in extra(c) for c in chunks[:-1])


def test_history_makes_follow_ups_work_and_marker_n_is_citation_n(server: tuple[str, Services], client: OpenAI) -> None:
    completion = client.chat.completions.create(
        model="newsdesk",
        messages=[
            {"role": "user", "content": "Who carried Khamenei's letter to Putin?"},
            {"role": "assistant", "content": "Abbas Araqchi carried it [1]."},
            {"role": "user", "content": [{"type": "text", "text": "And what did Putin offer?"}]},
        ],
    )
    fields = extra(completion)
    numbers = [c["n"] for c in fields["newsdesk"]["citations"]]
    # [n] is citations[n-1]: the cited article's url, this server's article route for one without a url
    assert len(fields["citations"]) == len(numbers) and numbers == list(range(1, len(numbers) + 1))  # only the cited
    for c in fields["newsdesk"]["citations"]:
        assert fields["citations"][c["n"] - 1] == (c["url"] or f"{server[0]}/v1/articles/{c['article_id']}")
    assert "uranium" in completion.choices[0].message.content
    assert f"[{numbers[0]}]" in completion.choices[0].message.content
    # the sources cited hold the offer (the example article, and the seed article when it is in the library)
    cited = fields["newsdesk"]["citations"]
    assert "offer" in cited[0]["quote"].lower() and any("uranium" in c["quote"].lower() for c in cited)
    assert "Putin Offers to Mediate and to Hold Iran's Uranium" in {c["title"] for c in cited}


def test_newsdesk_options_ride_as_extra_body_fields(client: OpenAI) -> None:
    completion = client.chat.completions.create(
        model="newsdesk", messages=[{"role": "user", "content": MEDVEDEV}], extra_body={"until": "2025-06-20"}
    )
    assert extra(completion)["citations"] == [] and extra(completion)["newsdesk"]["refused"]


def test_bad_requests_raise_the_clients_errors(client: OpenAI) -> None:
    with pytest.raises(openai.NotFoundError, match="no model 'gpt-4o'"):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": MEDVEDEV}])
    with pytest.raises(openai.BadRequestError, match="the last message must be the user's question"):
        client.chat.completions.create(model="newsdesk", messages=[{"role": "assistant", "content": "Hi"}])
    with pytest.raises(openai.BadRequestError, match="only text content is supported"):
        client.chat.completions.create(
            model="newsdesk",
            messages=[{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "http://x/y.png"}}]}],
        )
    with pytest.raises(openai.UnprocessableEntityError, match="messages"):
        client.chat.completions.create(model="newsdesk", messages=[])


def test_a_failure_mid_stream_reaches_the_client_as_an_error(server: tuple[str, Services], client: OpenAI) -> None:
    services = server[1]
    flaky = ChatModelAnswerer(FailingStreamModel(reply=lambda prompt: ""), name="flaky")
    flaky.thinks_in_reply = False  # known to answer straight away: it streams as it writes
    services.add_answerer(flaky)
    stream = client.chat.completions.create(
        model="newsdesk",
        messages=[{"role": "user", "content": "What did Putin offer to do with Iran's uranium?"}],
        stream=True,
        extra_body={"answerer": "flaky"},
    )
    received = []
    with pytest.raises(openai.APIError, match="mid-answer"):
        for chunk in stream:
            received.append(chunk.choices[0].delta.content or "")
    shown = "".join(received)  # the finished sentence, checked; none of the one being written
    assert shown.startswith("Putin proposed storing Iran's enriched uranium in Russia [1]") and "also" not in shown


def test_a_slow_streamed_answer_waits_with_comments_the_client_skips(
    server: tuple[str, Services], client: OpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keepalive, "FIRST_WAIT", 0.05)
    monkeypatch.setattr(keepalive, "TICK", 0.1)
    reply = "Putin proposed storing Iran's enriched uranium in Russia [1]."
    slow = ChatModelAnswerer(ScriptedChatModel(reply=lambda prompt: time.sleep(0.5) or reply), name="slow")
    slow.thinks_in_reply = False
    server[1].add_answerer(slow)
    question = [{"role": "user", "content": "What did Putin offer to do with Iran's uranium?"}]
    body = {"model": "newsdesk", "messages": question, "stream": True, "answerer": "slow"}
    with httpx.stream("POST", f"{server[0]}/v1/chat/completions", json=body, timeout=60) as raw:
        lines = [line for line in raw.iter_lines() if line]
    assert lines[1] == ": waiting", lines[:3]  # after the role chunk, before any content
    stream = client.chat.completions.create(
        model="newsdesk",
        messages=question,
        stream=True,
        extra_body={"answerer": "slow"},  # type: ignore[arg-type]
    )
    assert "".join(chunk.choices[0].delta.content or "" for chunk in stream) == reply


def test_streamed_content_is_cleaned_as_the_answer_is(server: tuple[str, Services], client: OpenAI) -> None:
    reply = "Putin proposed storing Iran's enriched uranium in Russia [1][9].\n\nSources:\n[1] Fake http://evil.example"
    server[1].add_answerer(ChatModelAnswerer(GenericFakeChatModel(messages=iter([reply])), name="raw"))
    stream = client.chat.completions.create(
        model="newsdesk",
        messages=[{"role": "user", "content": "What did Putin offer to do with Iran's uranium?"}],
        stream=True,
        extra_body={"answerer": "raw"},
    )
    content = "".join(chunk.choices[0].delta.content or "" for chunk in stream)
    assert content.strip() == "Putin proposed storing Iran's enriched uranium in Russia [1]."


def test_the_api_key_is_the_openai_key(library_settings: Settings) -> None:
    services = Services(library_settings.model_copy(update={"api_key": SecretStr("k-123")}))
    with live_server(create_server_app(services)) as url:
        wrong = OpenAI(base_url=f"{url}/v1", api_key="nope", max_retries=0)
        with pytest.raises(openai.AuthenticationError, match="not valid"):
            wrong.models.list()
        right = OpenAI(base_url=f"{url}/v1", api_key="k-123", max_retries=0, timeout=120)
        reply = right.chat.completions.create(model="newsdesk", messages=[{"role": "user", "content": MEDVEDEV}])
        assert "Medvedev" in reply.choices[0].message.content


URANIUM = "What did Putin offer to do with Iran's uranium?"
GOOD = "Putin proposed that Iran's enriched uranium could be moved to Russia and stored there [1]."
CUT_OFF = {
    "length": "The model stopped at its length limit: the answer may be cut off.",
    "closed": "The reply was cut off: the connection to the model closed before the model finished it.",
}


@pytest.mark.parametrize(
    ("reply", "stream", "note"),
    [
        (Reply(GOOD), False, None),
        (Reply(GOOD), True, None),
        (Reply(GOOD, finish="length"), False, CUT_OFF["length"]),
        (Reply(GOOD, finish="length"), True, CUT_OFF["length"]),
        (Reply(GOOD, ends="closed"), True, CUT_OFF["closed"]),  # no finish_reason, no [DONE]
        (Reply(GOOD, ends="broken"), True, CUT_OFF["closed"]),  # a chunked body cut short
    ],
    ids=["stop", "stop-streamed", "length", "length-streamed", "closed-streamed", "broken-streamed"],
)
def test_an_answer_cut_off_ends_with_finish_reason_length(
    server: tuple[str, Services], client: OpenAI, reply: Reply, stream: bool, note: str | None
) -> None:
    """A client that reads only OpenAI's fields learns the answer was cut off, as from any model."""
    with openai_server(reply) as llm:
        model = ChatOpenAI(model="test-model", base_url=llm.base_url, api_key=SecretStr("x"), max_retries=0)
        server[1].add_answerer(ChatModelAnswerer(model, name="upstream", reports_finish=True))
        options: dict[str, Any] = {
            "messages": [{"role": "user", "content": URANIUM}],
            "extra_body": {"answerer": "upstream"},
        }
        if stream:
            chunks = list(client.chat.completions.create(model="newsdesk", stream=True, **options))
            content = "".join(c.choices[0].delta.content or "" for c in chunks)
            finishes = [c.choices[0].finish_reason for c in chunks]
            assert finishes[:-1] == [None] * (len(chunks) - 1)
            finish, fields = finishes[-1], extra(chunks[-1])
        else:
            completion = client.chat.completions.create(model="newsdesk", **options)
            content, finish, fields = (
                completion.choices[0].message.content,
                completion.choices[0].finish_reason,
                extra(completion),
            )
    assert content == fields["newsdesk"]["answer"] == GOOD
    assert finish == ("length" if note else "stop")
    assert (note in fields["newsdesk"]["notes"]) if note else not fields["newsdesk"]["notes"]
