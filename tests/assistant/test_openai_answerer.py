"""The ``openai`` answerer against a real HTTP server on loopback that speaks the chat-completions protocol."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from assistant.answerers import REFUSAL
from assistant.chain import Answer, answer, stream_answer
from assistant.citations import UNSUPPORTED_MARK
from assistant.config import Settings
from assistant.errors import AnswererError, ConfigError
from assistant.services import Services
from tests.conftest import STRIKE_REPORTS, llm_services, make_settings, write_articles
from tests.openai_server import Reply, openai_server

URANIUM = "What did Putin offer to do with Iran's uranium?"
GOOD = "Putin proposed that Iran's enriched uranium could be moved to Russia and stored there [1]."


def test_plain_answer(library_settings: Settings) -> None:
    with openai_server(Reply(GOOD)) as llm:
        services = llm_services(library_settings, llm.base_url)
        assert services.settings.default_answerer == "openai"
        result = answer(URANIUM, services=services)
    assert result.answerer == "openai"
    assert result.answer == GOOD and [c.n for c in result.citations] == [1] and not result.cut_off
    [request] = llm.requests
    body = request["body"]
    assert body["model"] == "test-model" and body.get("temperature") == 0
    assert body["messages"][0]["role"] == "system" and "only the news passages" in body["messages"][0]["content"]
    assert "the claim is what someone said, not what happened" in body["messages"][0]["content"]  # fact checks
    assert "give the latest first and say as of which date" in body["messages"][0]["content"]  # figures reported again
    assert "<<<passage 1>>>" in body["messages"][1]["content"]


def test_the_news_of_a_time_is_written_one_line_per_story(tmp_path: Path) -> None:
    """A digest's passages reach the model headed with their story's number, the reports of one
    story together; the instructions ask for a line per story citing its passages."""
    settings = make_settings(tmp_path / "data")
    Services(settings).ingest([str(write_articles(tmp_path, STRIKE_REPORTS))])
    digest = (
        "Harwick's library opened a reading garden on Thursday [1].\n"
        "The bus drivers' strike over pay went into a third day, and talks resumed [2][3][4]."
    )
    with openai_server(Reply(digest)) as llm:
        result = answer("What happened this week?", as_of="2026-03-06", services=llm_services(settings, llm.base_url))
    [request] = llm.requests
    system, user = (m["content"] for m in request["body"]["messages"])
    assert "write one short line per story" in system
    headings = re.findall(r"<<<passage (\d)>>>\n(story \d) \| ([^|]+) \|", user)
    assert headings == [
        ("1", "story 1", "Harwick Library Opens a Reading Garden"),
        ("2", "story 2", "Harwick Bus Strike Talks Resume"),
        ("3", "story 2", "Harwick Bus Strike Enters Second Day"),
        ("4", "story 2", "Harwick Bus Drivers Walk Out Over Pay"),
    ]
    assert result.answer.startswith("Harwick's library opened") and [c.n for c in result.citations] == [1, 2, 3, 4]


def test_streamed_answer(library_settings: Settings) -> None:
    with openai_server(Reply(GOOD)) as llm:
        items = list(stream_answer(URANIUM, services=llm_services(library_settings, llm.base_url)))
    assert llm.requests[0]["body"]["stream"] is True
    deltas, final = items[:-1], items[-1]
    assert deltas == [GOOD]  # one sentence: shown when it is finished and checked
    assert isinstance(final, Answer) and final.answer == GOOD and final.citations


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(status=429), "rate-limiting"),
        (Reply(status=500), "failed with HTTP 500"),
        (Reply(status=401), "refused the API key"),
        (Reply(GOOD, delay=3.0), "did not answer in time"),
    ],
)
def test_endpoint_failures_are_clear_errors(library_settings: Settings, reply: Reply, message: str) -> None:
    with openai_server(reply, reply) as llm:
        services = llm_services(library_settings, llm.base_url, llm_timeout=1.0)
        with pytest.raises(AnswererError, match=message):
            answer(URANIUM, services=services)
        with pytest.raises(AnswererError, match=message):
            list(stream_answer(URANIUM, services=llm_services(library_settings, llm.base_url, llm_timeout=1.0)))


def test_retries_are_bounded_and_recover(library_settings: Settings) -> None:
    with openai_server(Reply(status=500), Reply(GOOD)) as llm:
        result = answer(URANIUM, services=llm_services(library_settings, llm.base_url, llm_max_retries=1))
    assert result.answer == GOOD and len(llm.requests) == 2
    with openai_server(Reply(status=500), Reply(status=500), Reply(GOOD)) as llm, pytest.raises(AnswererError):
        answer(URANIUM, services=llm_services(library_settings, llm.base_url, llm_max_retries=1))
    assert len(llm.requests) == 2


def test_unreachable_endpoint(library_settings: Settings) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    services = llm_services(library_settings, f"http://127.0.0.1:{port}/v1")
    with pytest.raises(AnswererError, match="cannot reach the LLM endpoint"):
        answer(URANIUM, services=services)


def test_fallback_to_extractive_says_so(library_settings: Settings) -> None:
    with openai_server(Reply(status=500), Reply(status=500)) as llm:
        services = llm_services(library_settings, llm.base_url, llm_fallback=True)
        result = answer(URANIUM, services=services)
        streamed = list(stream_answer(URANIUM, services=services))[-1]
    assert result.answerer == "extractive"
    assert "uranium could be moved to Russia" in result.answer and result.citations
    assert any("answered extractively instead" in note and "HTTP 500" in note for note in result.notes)
    assert isinstance(streamed, Answer) and streamed.answerer == "extractive" and streamed.notes


def test_capital_of_australia_is_refused_not_answered(library_settings: Settings) -> None:
    with openai_server(Reply("Canberra is the capital of Australia.")) as llm:
        result = answer("What is the capital of Australia?", services=llm_services(library_settings, llm.base_url))
    assert result.refused and "Canberra" not in result.answer and not result.citations


def test_missing_model_setting_says_how_to_fix(tmp_path: Path) -> None:
    services = Services(Settings(_env_file=None, data_dir=tmp_path, answerer="openai"))  # type: ignore[call-arg]
    with pytest.raises(ConfigError, match="NEWSDESK_LLM_MODEL"):
        services.answerer("openai")


@pytest.mark.parametrize("stream", [False, True])
def test_a_reply_cut_off_at_the_length_limit_says_so(library_settings: Settings, stream: bool) -> None:
    with openai_server(Reply(GOOD, finish="length")) as llm:
        services = llm_services(library_settings, llm.base_url)
        final = list(stream_answer(URANIUM, services=services))[-1] if stream else answer(URANIUM, services=services)
    assert isinstance(final, Answer) and final.answer == GOOD
    assert "The model stopped at its length limit: the answer may be cut off." in final.notes and final.cut_off


THOUGHTS = "Okay, the user asks what Putin offered. Passage [1] says the uranium could go to Russia. I will cite [1]."


@pytest.mark.parametrize(
    "reply",
    [
        Reply(f"{THOUGHTS}\n</think>\n\n{GOOD}"),  # a template that opens <think> in the prompt: only its end comes
        Reply(GOOD, reasoning=THOUGHTS),  # vLLM's and DeepSeek's reasoning_content
        Reply(GOOD, reasoning=THOUGHTS, reasoning_field="reasoning"),  # Ollama's and OpenRouter's
    ],
)
def test_a_reasoning_models_thoughts_are_never_streamed(library_settings: Settings, reply: Reply) -> None:
    with openai_server(reply, reply) as llm:
        services = llm_services(library_settings, llm.base_url)
        for _ in range(2):  # the model's first reply, and one after it
            *deltas, final = list(stream_answer(URANIUM, services=services))
            assert isinstance(final, Answer) and final.answer == GOOD
            assert "".join(deltas) == GOOD  # what a client reading only the stream sees: none of the thoughts


def test_a_thinking_model_stopped_at_its_length_limit_before_it_answered_shows_no_thoughts(
    library_settings: Settings,
) -> None:
    with openai_server(Reply(f"{THOUGHTS}</think>{GOOD}"), Reply(THOUGHTS, finish="length")) as llm:
        services = llm_services(library_settings, llm.base_url)
        list(stream_answer(URANIUM, services=services))  # its first reply: it thinks first
        *deltas, final = list(stream_answer(URANIUM, services=services))
    assert isinstance(final, Answer) and final.refused and "".join(deltas) == final.answer == REFUSAL
    assert "The model stopped at its length limit while still thinking, before it answered." in final.notes
    assert final.cut_off


@pytest.mark.parametrize("ends", ["closed", "broken"])  # the openai client just stops / raises APIConnectionError
def test_a_stream_that_ends_before_the_model_finished_says_the_answer_may_be_cut_off(
    library_settings: Settings, ends: str
) -> None:
    """A proxy or server dropping the connection mid-reply: no finish_reason, no [DONE]."""
    with openai_server(
        Reply(GOOD), Reply(f"{GOOD}\nPutin will visit Mars in May [1]. He also offered", ends=ends)
    ) as llm:
        services = llm_services(library_settings, llm.base_url)
        list(stream_answer(URANIUM, services=services))  # its first reply: it answers straight away, and streams
        *deltas, final = list(stream_answer(URANIUM, services=services))
    assert isinstance(final, Answer) and not final.refused
    assert "The reply was cut off: the connection to the model closed before the model finished it." in final.notes
    assert final.cut_off
    # what was shown is the checked answer, sentence by sentence, to its last words
    assert deltas == [
        f"{GOOD}\n",
        f"Putin will visit Mars in May [1] {UNSUPPORTED_MARK}. ",
        f"He also offered {UNSUPPORTED_MARK}",
    ]
    assert "".join(deltas) == final.answer


def test_a_follow_up_rewrite_stopped_at_the_length_limit_is_not_the_question(library_settings: Settings) -> None:
    """A reasoning model stopped while still thinking about the rewrite: its thoughts are neither
    searched with, nor asked of the model, nor shown as the query."""
    history = [
        {"role": "user", "content": "Who carried Khamenei's letter to Putin?"},
        {"role": "assistant", "content": "Abbas Araqchi carried it [1]."},
    ]
    rewriting = "Okay, the user follows up about Putin. The conversation was about Khamenei's letter. I should"
    with openai_server(Reply(rewriting, finish="length"), Reply(GOOD)) as llm:
        result = answer(
            "And what did he offer to do with the uranium?",
            history=history,
            services=llm_services(library_settings, llm.base_url),
        )
    asked = llm.requests[1]["body"]["messages"][-1]["content"].rsplit("Question:", 1)[1]
    assert "Okay" not in asked and "Okay" not in result.query
    assert "uranium" in asked and "Putin" in result.query  # the follow-up, with whom the conversation is about
    assert result.answer == GOOD


STOPPED_THINKING = "The model stopped at its length limit while still thinking, before it answered."
CLOSED_THINKING = "The reply was cut off: the connection to the model closed while the model was still thinking."


@pytest.mark.parametrize(
    ("reply", "stream", "note"),
    [
        (Reply("", reasoning=THOUGHTS, finish="length"), True, STOPPED_THINKING),  # thoughts sent apart
        (Reply("", reasoning=THOUGHTS, finish="length"), False, STOPPED_THINKING),
        (Reply(f"<think>{THOUGHTS}", finish="length"), True, STOPPED_THINKING),  # in a block the model opened
        (Reply(f"<think>{THOUGHTS}", finish="length"), False, STOPPED_THINKING),
        (Reply("", reasoning=THOUGHTS, ends="closed"), True, CLOSED_THINKING),
        (Reply("", reasoning=THOUGHTS, ends="broken"), True, CLOSED_THINKING),  # was "cannot reach the LLM endpoint"
        (Reply(f"<think>{THOUGHTS}", ends="broken"), True, CLOSED_THINKING),
        # a template that opens <think> in the prompt, a fresh process: no reply has yet shown that the
        # model thinks first, and this one stopped before its </think>; it reads as thinking
        (Reply(THOUGHTS, finish="length"), True, STOPPED_THINKING),
        (Reply(THOUGHTS, finish="length"), False, STOPPED_THINKING),
        (
            Reply("Alright, let me look at what Putin offered. Passage [1] mentions", finish="length"),
            True,
            STOPPED_THINKING,
        ),
        (
            Reply("I need to find what Putin offered; the passages say [1] that", finish="length"),
            False,
            STOPPED_THINKING,
        ),
    ],
)
def test_a_reply_stopped_while_the_model_thought_apart_says_why_it_has_no_answer(
    library_settings: Settings, reply: Reply, stream: bool, note: str
) -> None:
    """Not 'The model returned an empty reply.': it had not finished thinking."""
    with openai_server(reply) as llm:
        services = llm_services(library_settings, llm.base_url)
        if stream:
            *deltas, final = list(stream_answer(URANIUM, services=services))
            assert "".join(deltas) == REFUSAL
        else:
            final = answer(URANIUM, services=services)
    assert isinstance(final, Answer) and final.refused and final.answer == REFUSAL
    assert final.notes == [note] and final.cut_off


def test_with_a_fallback_a_connection_lost_before_the_answer_began_is_answered_extractively(
    library_settings: Settings,
) -> None:
    with openai_server(Reply("", reasoning=THOUGHTS, ends="broken")) as llm:
        services = llm_services(library_settings, llm.base_url, llm_fallback=True)
        final = list(stream_answer(URANIUM, services=services))[-1]
    assert isinstance(final, Answer) and final.answerer == "extractive" and not final.refused
