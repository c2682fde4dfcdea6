from datetime import date, timedelta

import pytest

from assistant.timeframe import resolve_timeframe

AS_OF = date(2023, 1, 6)  # a Friday


@pytest.mark.parametrize(
    ("question", "since", "until"),
    [
        ("What happened this week?", date(2023, 1, 2), date(2023, 1, 6)),
        ("What happened over the past week?", date(2022, 12, 31), date(2023, 1, 6)),
        ("Who resigned last week?", date(2022, 12, 26), date(2023, 1, 1)),
        ("What was said the previous week?", date(2022, 12, 26), date(2023, 1, 1)),
        ("Who won last weekend?", date(2022, 12, 31), date(2023, 1, 1)),
        ("What did the mayor say yesterday?", date(2023, 1, 5), date(2023, 1, 6)),
        ("What was decided today?", date(2023, 1, 6), date(2023, 1, 6)),
        ("What happened last month in Congress?", date(2022, 12, 1), date(2022, 12, 31)),
        ("Which bills passed this month?", date(2023, 1, 1), date(2023, 1, 6)),
        ("What happened in January?", date(2023, 1, 1), date(2023, 1, 6)),
        ("What happened in March?", date(2022, 3, 1), date(2022, 3, 31)),
        ("What happened in March 2021?", date(2021, 3, 1), date(2021, 3, 31)),
        ("What has changed since Monday?", date(2023, 1, 2), date(2023, 1, 6)),
        ("What did he announce on Tuesday?", date(2023, 1, 3), date(2023, 1, 3)),
        ("What happened last Friday?", date(2022, 12, 30), date(2022, 12, 30)),
        ("Any news in the past 3 days?", date(2023, 1, 4), date(2023, 1, 6)),
        ("What happened over the last two weeks?", date(2022, 12, 24), date(2023, 1, 6)),
        ("What happened on January 3?", date(2023, 1, 3), date(2023, 1, 3)),
        ("Who was arrested after the riot on Jan. 5?", date(2023, 1, 5), date(2023, 1, 5)),
        ("What did the board decide on 2 January?", date(2023, 1, 2), date(2023, 1, 2)),
        ("What happened on the 28th of December?", date(2022, 12, 28), date(2022, 12, 28)),
        ("What was signed on Dec 20, 2022?", date(2022, 12, 20), date(2022, 12, 20)),
        ("Any news on 2022-12-30?", date(2022, 12, 30), date(2022, 12, 30)),
        ("What changed since December 30?", date(2022, 12, 30), date(2023, 1, 6)),
        ("What happened on Jan 6?", date(2023, 1, 6), date(2023, 1, 6)),  # not past the question's date
        ("What happened in 2022?", date(2022, 1, 1), date(2022, 12, 31)),  # a year
        ("What has changed since 2021?", date(2021, 1, 1), date(2023, 1, 6)),
        ("Who won over the weekend?", date(2022, 12, 31), date(2023, 1, 1)),
        ("What happened between Dec. 12 and Dec. 16?", date(2022, 12, 12), date(2022, 12, 16)),  # a range
        ("What happened from December 28 to January 3?", date(2022, 12, 28), date(2023, 1, 3)),
        ("What happened from Dec 5 to 9, 2022?", date(2022, 12, 5), date(2022, 12, 9)),
    ],
)
def test_relative_expressions(question: str, since: date, until: date) -> None:
    timeframe = resolve_timeframe(question, AS_OF)
    assert timeframe is not None
    period = timeframe.period()  # the time the words mean (searched with the days after it that report it)
    assert (period.since, period.until) == (since, until)
    assert period.to_dict() == {"since": since.isoformat(), "until": until.isoformat()}


@pytest.mark.parametrize(
    ("question", "period_end", "until"),
    [
        ("What did he announce on Tuesday?", date(2023, 1, 3), date(2023, 1, 4)),  # a day: and the next
        ("What happened on January 3?", date(2023, 1, 3), date(2023, 1, 4)),
        ("What happened on the 28th of December?", date(2022, 12, 28), date(2022, 12, 29)),
        ("What happened last Friday?", date(2022, 12, 30), date(2022, 12, 31)),
        ("Who won last weekend?", date(2023, 1, 1), date(2023, 1, 2)),  # a weekend: and the Monday
        ("Who resigned last week?", date(2023, 1, 1), date(2023, 1, 3)),  # a week: and two days
        ("What happened last month in Congress?", date(2022, 12, 31), date(2023, 1, 6)),  # a month: a week
        ("What happened in March?", date(2022, 3, 31), date(2022, 4, 7)),
        ("How much wind power did Britain produce last year?", date(2022, 12, 31), date(2023, 1, 6)),
        ("What happened in March 2021?", date(2021, 3, 31), date(2021, 4, 7)),
    ],
)
def test_a_time_past_is_searched_with_the_days_that_report_its_news(
    question: str, period_end: date, until: date
) -> None:
    # up to the question's date at most: "last month" asked on January 6 reaches January 6, not the 7th
    timeframe = resolve_timeframe(question, AS_OF)
    assert timeframe is not None and (timeframe.period_end, timeframe.until) == (period_end, until)
    assert timeframe.to_dict()["until"] == until.isoformat()
    assert timeframe.to_dict()["period_until"] == period_end.isoformat()


@pytest.mark.parametrize(
    "question",
    [
        "What happened this week?",
        "What did the mayor say yesterday?",
        "What happened on Jan 6?",
        "Any news in the past 3 days?",
    ],
)
def test_a_time_up_to_the_question_is_searched_as_it_is(question: str) -> None:
    timeframe = resolve_timeframe(question, AS_OF)
    assert timeframe is None or (timeframe.period_end is None and "period_until" not in timeframe.to_dict())


@pytest.mark.parametrize(
    "question",
    [
        "What did Medvedev argue?",
        "May the council decide on the mayor?",
        "Who marched?",
        "Who will play in the final on February 12?",  # a date not yet reached: a plan, not when to search
        "What is the vote on 2023-03-01 about?",
        "What do villagers do every 16 January?",  # every year
        "What happened on February 30?",
        "What is planned in 2030?",  # a year not yet reached: a plan
        "Who won the 2022 World Cup?",  # a year naming an event, not when to search
    ],
)
def test_no_time_words_no_range(question: str) -> None:
    assert resolve_timeframe(question, AS_OF) is None


def test_since_monday_on_a_monday_is_today() -> None:
    monday = date(2023, 1, 2)
    timeframe = resolve_timeframe("What changed since Monday?", monday)
    assert timeframe is not None and timeframe.since == timeframe.until == monday


@pytest.mark.parametrize(
    ("as_of", "since", "until"),
    [
        (date(2023, 1, 2), date(2022, 12, 26), date(2023, 1, 1)),  # a Monday: the whole week just ended
        (date(2023, 1, 4), date(2022, 12, 26), date(2023, 1, 1)),  # a Wednesday
        (date(2023, 1, 8), date(2022, 12, 26), date(2023, 1, 1)),  # a Sunday: not the week ending today
    ],
)
def test_last_week_is_the_calendar_week_before_this_one(as_of: date, since: date, until: date) -> None:
    timeframe = resolve_timeframe("What happened last week?", as_of)
    assert timeframe is not None and (timeframe.since, timeframe.period().until) == (since, until)


@pytest.mark.parametrize(
    ("as_of", "saturday"),
    [
        (date(2023, 1, 4), date(2022, 12, 31)),
        (date(2023, 1, 7), date(2022, 12, 31)),
        (date(2023, 1, 8), date(2022, 12, 31)),
    ],
)
def test_last_weekend_is_the_one_before_this_week(as_of: date, saturday: date) -> None:
    timeframe = resolve_timeframe("Who won the race last weekend?", as_of)
    assert timeframe is not None
    assert (timeframe.since, timeframe.period().until) == (saturday, saturday + timedelta(days=1))


def test_this_week_and_last_week_do_not_overlap() -> None:
    for day in range(2, 9):  # a Monday to a Sunday
        as_of = date(2023, 1, day)
        this = resolve_timeframe("What happened this week?", as_of)
        last = resolve_timeframe("What happened last week?", as_of)
        assert this is not None and last is not None
        assert last.period().until + timedelta(days=1) == this.since == date(2023, 1, 2)
