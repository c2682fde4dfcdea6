"""Questions that ask for the news of a time ("What happened this week?") get the newest articles' headlines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.chain import answer
from assistant.digest import asks_for_main, is_digest, stories
from assistant.services import Services
from tests.conftest import EXAMPLES, STRIKE_REPORTS, write_articles


@pytest.mark.parametrize(
    ("question", "time_phrase"),
    [
        ("What happened this week?", "this week"),
        ("What's the latest news?", None),
        ("Give me a summary of today's news", "today"),
        ("Catch me up on the news", None),
        ("Any news from yesterday?", "yesterday"),
        ("What are the top stories in June?", "in june"),
        ("What are the main stories this week?", "this week"),
        ("What were the biggest stories today?", "today"),
        ("Any major news this week?", "this week"),
        ("What do I need to know today?", "today"),
        ("What did I miss this week?", "this week"),
    ],
)
def test_questions_that_ask_for_the_news_of_a_time(question: str, time_phrase: str | None) -> None:
    assert is_digest(question, time_phrase)


@pytest.mark.parametrize(
    "question",
    [
        "What happened to the ferry this week?",  # a topic
        "What did the council decide this week?",
        "Any updates on the tram line?",
        "Why?",  # asks for nothing news-like
        "Who carried the letter?",
        "What do I need to know about the ferry strike?",
        "What is the main reason for the strike?",
        "Who is the biggest winner this week?",
        "What did the council miss?",
    ],
)
def test_questions_about_something_are_not_digests(question: str) -> None:
    assert not is_digest(question, "this week")


def test_what_happened_this_week_lists_that_weeks_stories_newest_first(library: Services) -> None:
    result = answer("What happened over the past week?", as_of="2025-06-23", services=library)
    assert not result.refused and result.date_range == {"since": "2025-06-17", "until": "2025-06-23"}
    assert all("2025-06-17" <= (p.published_at or "") <= "2025-06-23" for p in result.passages)
    that_week = [r for r in library.store.list_articles() if "2025-06-17" <= (r.published_at or "") <= "2025-06-23"]
    n = len(that_week)  # five examples, and the seed article when the library holds it
    assert len({p.article_id for p in result.passages}) == len(result.passages) == n  # one passage per article
    lines = result.answer.split("\n\n")
    # one line per story (the reports of Moscow's talks with Iran on June 23 are one or two, as the seed
    # article links them or not): its newest report's headline and opening, then its other reports
    stories: dict[float, list[int]] = {}
    for m, p in enumerate(result.passages, start=1):
        stories.setdefault(p.signals["story"], []).append(m)
    assert len(lines) == len(stories) <= n and lines[0].startswith("Putin Offers to Mediate and to Hold Iran's Uranium")
    for line, (first, *others) in zip(lines, stories.values(), strict=True):
        more = "".join(f"[{m}]" for m in others)
        assert line.endswith(f"[{first}]" + (f" More on this: {more}" if others else "")), line
    assert lines[-1] == (
        "Riverside Council Approves Tram Line to the Northern Suburbs (2025-06-17): Riverside's city council voted "
        f"9 to 4 on Tuesday to build a tram line from the central station to the northern suburbs, ending a decade "
        f"of debate. [{n}]"
    )
    dates = [result.passages[first - 1].published_at for first, *_ in stories.values()]
    assert dates == sorted(dates, reverse=True)  # the stories newest first
    assert [c.n for c in result.citations] == list(range(1, n + 1))
    tram = result.citations[-1]
    text = library.store.get_article_text(tram.passage.article_id)
    start, end = tram.highlights[0]
    assert text[start:end].startswith("Riverside's city council voted 9 to 4")  # the quoted opening, located
    assert not result.notes  # all of them
    fewer = answer("What happened over the past week?", as_of="2025-06-23", k=2, services=library)
    assert len(fewer.passages) == sum(len(reports) for reports in list(stories.values())[:2]) and fewer.notes == [
        f"The 2 newest of the {len(stories)} stories in {n} articles dated 2025-06-17 to 2025-06-23 are listed."
    ]


def test_the_main_stories_are_the_most_reported(services: Services, tmp_path: Path) -> None:
    """Three reports of a strike are one story; asked for the main stories it comes first, asked
    what happened the newest story does."""
    services.ingest([str(write_articles(tmp_path, STRIKE_REPORTS))])
    main = answer("What are the main stories this week?", as_of="2026-03-06", services=services)
    assert [p.title for p in main.passages] == [
        "Harwick Bus Strike Talks Resume",
        "Harwick Bus Strike Enters Second Day",
        "Harwick Bus Drivers Walk Out Over Pay",
        "Harwick Library Opens a Reading Garden",
    ]
    assert main.answer.split("\n\n")[0].endswith("[1] More on this: [2][3]")
    second = main.citations[1]  # a report listed after the first is shown at its opening too
    [(start, end)] = second.highlights
    text = services.store.get_article_text(second.passage.article_id)
    assert text[start:end] == STRIKE_REPORTS["strike-tuesday.md"][2]
    newest = answer("What happened this week?", as_of="2026-03-06", services=services)
    assert newest.answer.startswith("Harwick Library Opens a Reading Garden (2026-03-05)")
    assert newest.answer.split("\n\n")[1].startswith("Harwick Bus Strike Talks Resume (2026-03-04)")
    one = answer("What are the top stories this week?", as_of="2026-03-06", k=1, services=services)
    assert len(one.answer.split("\n\n")) == 1 and one.notes == [
        "The 1 most reported of the 2 stories in 4 articles dated 2026-03-02 to 2026-03-06 are listed."
    ]


def test_articles_close_in_meaning_are_one_story() -> None:
    # the third is close to the first and the fourth, which are not close to each other: one chain
    assert stories(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.7, 0.0, 0.7], [0.0, 0.0, 1.0]])) == [[0, 2, 3], [1]]
    assert stories(np.array([[1.0, 0.0], [0.0, 1.0]])) == [[0], [1]]  # a chain needs its links
    assert stories(np.zeros((0, 384))) == []
    assert asks_for_main("What are the top stories?") and not asks_for_main("What's the latest news?")


def test_the_latest_news_and_an_empty_week(library: Services) -> None:
    latest = answer("What's the latest news?", as_of="2025-06-30", services=library)
    newest = max(r.published_at or "" for r in library.store.list_articles())
    assert latest.passages[0].published_at == newest and latest.date_range is None
    # the examples, and the seed article if there, tell fewer stories than k: all of them, no note
    assert len(latest.answer.split("\n\n")) < library.settings.k and not latest.notes
    reports = {p.signals["story"]: p.signals["reports"] for p in latest.passages}  # each story's articles
    assert sum(reports.values()) == library.store.count_articles()

    quiet = answer("What happened this week?", as_of="2025-09-01", services=library)
    assert quiet.notes[0] == 'No articles dated 2025-09-01 ("this week"); the latest news instead.'  # a Monday
    bounded = answer("What happened this week?", as_of="2025-06-25", until="2025-06-20", services=library)
    assert bounded.notes[0] == 'The dates set in the filters were searched, not "this week" (2025-06-23 to 2025-06-25).'
    assert all(p.published_at <= "2025-06-20" for p in bounded.passages)
    # "last" is no news word: the question still asks for the news of a time, the filters' dates
    filtered = answer(
        "What happened last week?", as_of="2025-06-25", since="2025-06-17", until="2025-06-20", services=library
    )
    assert not filtered.refused and filtered.passages
    assert "Only articles dated 2025-06-17 to 2025-06-20 were searched." in filtered.notes  # said when answered too
    assert all("2025-06-17" <= (p.published_at or "") <= "2025-06-20" for p in filtered.passages)
    assert quiet.passages[0].published_at == newest and not quiet.refused

    only = answer("What happened this week?", as_of="2025-06-23", source="Nowhere Gazette", services=library)
    assert only.refused  # nothing from that source at all


def test_a_question_about_something_is_answered_as_before(library: Services) -> None:
    result = answer("What happened to the tram line this week?", as_of="2025-06-23", services=library)
    assert "Tram Line" in result.answer.split("\n\n")[0] and len(result.answer.split("\n\n")) == 2


def test_asked_as_of_a_day_nothing_dated_after_it_is_known(services: Services, tmp_path: Path) -> None:
    undated = tmp_path / "undated.md"
    undated.write_text("---\ntitle: Harbour Crane Repainted\n---\nThe old harbour crane was repainted blue.\n")
    services.ingest([str(EXAMPLES), str(undated)])
    # before every dated article: no news of that time (undated articles are not), and it says so
    result = answer("What's the latest news?", as_of="2020-01-01", services=services)
    assert result.refused and not result.passages
    assert "No article is dated on or before 2020-01-01." in result.notes
    # on a day with dated news before it: that news, newest first, undated articles after it
    result = answer("What's the latest news?", as_of="2025-06-20", services=services)
    dates = [p.published_at for p in result.passages]
    assert dates[0] and all(d is None or d <= "2025-06-20" for d in dates) and not result.notes
    # a question about a story reported after the day is not answered from that report
    story = "Araqchi Brings Khamenei's Letter to Putin in Moscow"
    assert any(r.title == story and r.published_at == "2025-06-23" for r in services.store.list_articles())
    later = answer("What did Khamenei's letter to Putin ask for?", as_of="2025-06-22", services=services)
    assert all(p.published_at is None or p.published_at <= "2025-06-22" for p in later.passages)
    now = answer("What did Khamenei's letter to Putin ask for?", services=services)
    assert now.citations and now.citations[0].passage.title == story


def test_the_news_of_a_day_named_by_its_date(library: Services) -> None:
    result = answer("What happened on June 22?", as_of="2025-06-30", services=library)
    # the news of that day: not the next day's, which a question about something on that day also searches
    assert result.date_range == {"since": "2025-06-22", "until": "2025-06-22"} and not result.refused
    assert result.passages and all(p.published_at == "2025-06-22" for p in result.passages)
