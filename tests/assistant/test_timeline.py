"""Questions that ask how a story went ("How did the bus strike unfold?") get its reports, oldest first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.chain import answer
from assistant.cli import app
from assistant.services import Services
from assistant.timeline import latest_topic, timeline_topic
from tests.conftest import STRIKE_REPORTS, llm_services, make_settings, write_articles
from tests.openai_server import Reply, openai_server

# the strike's three reports and the library's opening, with a story sharing one of the topic's words
ARTICLES = {
    **STRIKE_REPORTS,
    "bowls.md": (
        "Harwick Bowls Club Celebrates a Perfect Strike",
        "2026-03-04",
        "A bowler at the Harwick Bowls Club knocked down every pin with a single strike on Wednesday night.",
    ),
}
DATE_LINE = re.compile(r"^(\d{4}-\d\d-\d\d): .+ \[(\d)\]$")


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("How did the bus strike unfold?", "the bus strike"),
        ("How has the war in the north developed this year?", "the war in the north"),
        ("How did the ferry dispute play out?", "the ferry dispute"),
        ("Give me a timeline of the ferry fire", "the ferry fire"),
        ("Can you give me a timeline of events in the tram case?", "the tram case"),
        ("What is the story so far on the harbour bridge?", "the harbour bridge"),
        ("The harbour bridge: the story so far", "The harbour bridge"),
        ("Walk me through the council vote", "the council vote"),
        ("Chronology of the Harwick floods", "the Harwick floods"),
        ("Bus strike timeline", "Bus strike"),
        ("When did the bus strike start?", None),  # one fact of it
        ("How did he react?", None),
        ("How did the Eastside team do this season?", None),
        ("What is the timeline?", ""),  # no topic: the conversation's
        ("How did it unfold?", ""),
        ("How did it unfold? (bus, strike)", "bus strike"),  # a follow-up's search: the words it borrowed
    ],
)
def test_the_topic_of_a_question_asking_how_a_story_went(question: str, topic: str | None) -> None:
    assert timeline_topic(question) == topic


def stored(tmp_path: Path, articles: dict[str, tuple[str, str, str]]) -> Services:
    """A store of its own holding ``articles`` (file name -> title, date, text)."""
    services = Services(make_settings(tmp_path / "data"))
    services.ingest([str(write_articles(tmp_path, articles))])
    return services


@pytest.fixture
def strike(tmp_path: Path) -> Services:
    return stored(tmp_path, ARTICLES)


def test_how_a_story_unfolded_is_told_report_by_report_oldest_first(strike: Services) -> None:
    result = answer("How did the bus strike unfold?", as_of="2026-03-06", services=strike)
    assert not result.refused, result.answer
    lines = result.answer.split("\n\n")
    dated = [DATE_LINE.match(line) for line in lines]
    assert all(dated), result.answer
    assert [m.group(1) for m in dated if m] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    # each line cites its report: the strike's, not the library's nor the bowls club's "strike"
    assert [c.passage.title for c in result.citations] == [
        "Harwick Bus Drivers Walk Out Over Pay",
        "Harwick Bus Strike Enters Second Day",
        "Harwick Bus Strike Talks Resume",
    ]
    assert lines[0] == (
        "2026-03-02: Harwick Bus Drivers Walk Out Over Pay: Harwick's bus drivers went on strike on Monday over "
        "pay, leaving the town without buses. [1]"
    )
    assert result.notes == []  # all the reports found are listed, and their age is no news
    # the sources show each report at the sentence quoted
    first = result.citations[0]
    [(start, end)] = first.highlights
    assert first.passage.quote[start - first.passage.start : end - first.passage.start].startswith("Harwick's bus")


@pytest.mark.parametrize("follow_up", ["How did it unfold?", "How did the story develop?", "Give me a timeline"])
def test_a_timeline_of_the_story_the_conversation_is_about(strike: Services, follow_up: str) -> None:
    history = [("Why are Harwick's bus drivers on strike?", "Harwick's bus drivers went on strike over pay [1].")]
    result = answer(follow_up, history=history, as_of="2026-03-06", services=strike)
    assert [c.passage.published_at for c in result.citations] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    assert all(DATE_LINE.match(line) for line in result.answer.split("\n\n")), result.answer


def test_a_report_is_told_by_its_lead_and_a_roundup_by_its_sentence_on_the_story(tmp_path: Path) -> None:
    """A report of the story (its headline names it) is told by its opening sentence, where news says
    what happened, not the later sentence sharing most of the topic's words; a roundup of other news
    by its sentence on the story, without its headline."""
    articles = {
        **STRIKE_REPORTS,
        "strike-monday.md": (
            "Harwick Bus Drivers Walk Out Over Pay",
            "2026-03-02",
            "Harwick's drivers walked off the job on Monday over pay, leaving the town without buses. Pickets "
            "gathered at the depot by seven. The bus strike is the first bus strike in Harwick since 1998.",
        ),
        "week.md": (
            "Harwick Week in Brief: Library Garden, Harbour Works",
            "2026-03-05",
            "The library opened its reading garden. Talks in the bus strike broke off again on Thursday evening "
            "without a deal. The bus drivers' union said the strike over pay would go on, and the town's buses "
            "stayed in the depot for a fourth day.",
        ),
    }
    services = stored(tmp_path, articles)
    result = answer("How did the bus strike unfold?", as_of="2026-03-06", services=services)
    lines = result.answer.split("\n\n")
    assert lines[0] == (
        "2026-03-02: Harwick Bus Drivers Walk Out Over Pay: Harwick's drivers walked off the job on Monday over "
        "pay, leaving the town without buses. [1]"
    ), result.answer
    roundup = lines[-1]  # its sentence on the strike, not its headline nor the library's garden
    assert roundup.startswith("2026-03-05: ") and roundup.endswith("[4]"), result.answer
    assert "strike" in roundup and "Week in Brief" not in roundup and "garden" not in roundup


def test_a_timeline_longer_than_asked_for_keeps_its_days(strike: Services) -> None:
    result = answer("Timeline of the bus strike", k=2, as_of="2026-03-06", services=strike)
    dates = [m.group(1) for line in result.answer.split("\n\n") if (m := DATE_LINE.match(line))]
    assert len(dates) == 2 and dates == sorted(dates) and len(set(dates)) == 2, result.answer
    assert result.notes == [
        "2 of the 3 reports found are listed, oldest first: the closest to the topic of each day, then of the rest."
    ]


def test_a_timeline_of_a_time_and_of_nothing_stored(strike: Services) -> None:
    since_tuesday = answer("How did the bus strike unfold?", since="2026-03-03", as_of="2026-03-06", services=strike)
    assert [c.passage.published_at for c in since_tuesday.citations] == ["2026-03-03", "2026-03-04"]
    nothing = answer("Give me a timeline of the volcano eruption", as_of="2026-03-06", services=strike)
    assert nothing.refused and not nothing.citations


def test_a_timeline_from_the_command_line(tmp_path: Path, strike: Services) -> None:
    settings = strike.settings
    result = CliRunner().invoke(
        app,
        [
            "--data-dir",
            str(settings.data_dir),
            "ask",
            "What is the story so far on the bus strike?",
            "--as-of",
            "2026-03-06",
        ],
        env={"NEWSDESK_COLLECTION": settings.collection},
    )
    assert result.exit_code == 0, result.output
    assert re.findall(r"^(2026-03-0\d): ", result.stdout, re.M) == ["2026-03-02", "2026-03-03", "2026-03-04"]


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("What's the latest on the bus strike?", "the bus strike"),
        ("Any updates on the harbour bridge?", "the harbour bridge"),
        ("Are there any new developments in the tram case?", "the tram case"),
        ("Give me an update on the ferry", "the ferry"),
        ("What's new with the council vote?", "the council vote"),
        ("Where do the strike talks stand?", "the strike talks"),
        ("What's the latest on it?", ""),  # the conversation's story
        ("What's the latest news?", None),  # the news of a time: a digest
        ("What is the latest figure for inflation?", None),  # one fact
        ("What is new in the report?", None),
        ("Who is the newest member of the board?", None),
    ],
)
def test_the_topic_of_a_question_asking_for_a_story_s_latest_news(question: str, topic: str | None) -> None:
    assert latest_topic(question) == topic


def test_the_latest_on_a_story_is_its_newest_reports_newest_first(tmp_path: Path) -> None:
    """The newest reports of the month before the newest, newest first; a roundup whose headline
    names the story among others is told by its sentence on it, not its opening on another."""
    articles = {
        **STRIKE_REPORTS,
        "strike-last-year.md": (
            "Harwick Bus Drivers Threaten a Strike",
            "2025-11-20",
            "Harwick's bus drivers voted to strike over pay if talks with the bus company fail.",
        ),
        "today.md": (
            "Harwick Today: Reading Garden, Bus Strike Talks, Harbour Works",
            "2026-03-05",
            "The library opened a reading garden with benches on Thursday. Bus strike talks broke off again "
            "on Thursday evening, and the drivers' union said the strike over pay would go on.",
        ),
    }
    services = stored(tmp_path, articles)
    result = answer("What's the latest on the bus strike?", as_of="2026-03-06", services=services)
    lines = result.answer.split("\n\n")
    assert [m.group(1) for line in lines if (m := DATE_LINE.match(line))] == ["2026-03-05", "2026-03-04", "2026-03-03"]
    assert "Bus strike talks broke off" in lines[0] and "garden" not in lines[0], result.answer
    assert result.notes == [
        "The 3 newest of the 5 reports found are listed, newest first (the latest news: none over 30 days before "
        "the newest)."
    ]
    follow_up = answer(
        "What's the latest on it?",
        history=[("Why are Harwick's bus drivers on strike?", "Over pay [1].")],
        as_of="2026-03-06",
        services=services,
    )  # the strike's latest, not the latest news of all ("What's the latest?" alone asks for that)
    assert [c.passage.published_at for c in follow_up.citations] == ["2026-03-05", "2026-03-04", "2026-03-03"]
    assert "Bus strike talks broke off" in follow_up.answer and "Library" not in follow_up.answer


@pytest.mark.parametrize(
    ("question", "reply", "rule", "heading", "headed", "cited"),
    [
        (  # how it went: the reports headed "timeline", oldest first, a line asked for each
            "How did the bus strike unfold?",
            "2026-03-02: Harwick's bus drivers went on strike over pay, leaving the town without buses [1].\n"
            "2026-03-03: The strike entered its second day, with no buses running in the town [2].\n"
            "2026-03-04: Talks to end the strike resumed as the town went a third day without buses [3].",
            "beginning with its date",
            r"<<<passage (\d)>>>\ntimeline \| ([^|]+) \|",
            [
                ("1", "Harwick Bus Drivers Walk Out Over Pay"),
                ("2", "Harwick Bus Strike Enters Second Day"),
                ("3", "Harwick Bus Strike Talks Resume"),
            ],
            [1, 2, 3],
        ),
        (  # its latest news: the newest reports headed "latest", newest first
            "Any updates on the bus strike?",
            "On 2026-03-04, talks to end the Harwick bus drivers' strike over pay resumed [1].",
            'heading begins "latest"',
            r"<<<passage (\d)>>>\nlatest \| [^|]+ \| (\d{4}-\d\d-\d\d)",
            [("1", "2026-03-04"), ("2", "2026-03-03"), ("3", "2026-03-02")],
            [1],
        ),
    ],
)
def test_an_llm_is_given_a_story_s_reports_headed_as_asked(
    strike: Services,
    question: str,
    reply: str,
    rule: str,
    heading: str,
    headed: list[tuple[str, str]],
    cited: list[int],
) -> None:
    with openai_server(Reply(reply)) as llm:
        result = answer(question, as_of="2026-03-06", services=llm_services(strike.settings, llm.base_url))
    [request] = llm.requests
    system, user = (m["content"] for m in request["body"]["messages"])
    assert rule in system
    assert re.findall(heading, user) == headed
    assert result.answer == reply and [c.n for c in result.citations] == cited
