"""Time in a question ("this week", "yesterday", "in January", "on Nov. 18", "in 2022", "between
Jan. 5 and Jan. 9") as a date range.

A period that has ended is searched with the days its news is reported in after it, up to the
question's date: a day ("on November 18", "on Tuesday", "18 Nov") with the next, a weekend or a
week with two more, a month with a week (January's job figures come out in February), a year
with a month ("record wind power last year", in January's figures). "Since November 18" runs up
to the question's date. A date not yet reached ("the vote on December 3", asked in November;
with no year, the date of this year or the last nearer to the question's) names a plan, not the
time to search, and a recurring one ("every 16 January") no time at all: neither filters.

>>> resolve_timeframe("What happened this week?", as_of=date(2023, 1, 6))
Timeframe(since=datetime.date(2023, 1, 2), until=datetime.date(2023, 1, 6), phrase='this week')
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "ten": 10,
    "fourteen": 14,
    "thirty": 30,
}

_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(_WEEKDAYS)


@dataclass(frozen=True)
class Timeframe:
    """An inclusive date range and the words it came from."""

    since: date
    until: date  # the last day searched: the period's own, or the last its news is reported in
    phrase: str
    period_end: date | None = None  # the period's own last day, when ``until`` reaches past it

    def period(self) -> Timeframe:
        """The period itself, without the days after it that report its news (the news *of* a time)."""
        return replace(self, until=self.period_end, period_end=None) if self.period_end else self

    def span(self) -> str:
        """``2025-06-16 to 2025-06-20``, or one date when the range is one day."""
        if self.since == self.until:
            return self.since.isoformat()
        return f"{self.since.isoformat()} to {self.until.isoformat()}"

    def to_dict(self) -> dict[str, str]:
        """``{"since": ISO date, "until": ISO date}``, the dates searched, and ``"period_until"``, the
        period's own last day, when the search reaches past it."""
        dates = {"since": self.since.isoformat(), "until": self.until.isoformat()}
        return dates | ({"period_until": self.period_end.isoformat()} if self.period_end else {})


def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _last_weekday(as_of: date, weekday: int, include_today: bool) -> date:
    back = (as_of.weekday() - weekday) % 7
    if back == 0 and not include_today:
        back = 7
    return as_of - timedelta(days=back)


def _rules(as_of: date) -> list[tuple[re.Pattern[str], object]]:
    def fixed(since: date, until: date) -> object:
        return lambda m: (since, until)

    last_month_end = as_of.replace(day=1) - timedelta(days=1)
    monday = as_of - timedelta(days=as_of.weekday())  # this calendar week's Monday

    def on_day(month: str, day: str, year: str | None, since: bool) -> tuple[date, date]:
        when = _day_in_past(as_of, _MONTHS[month], int(day), year)
        return (when, as_of) if since else (when, when)

    def between(m: re.Match[str]) -> tuple[date, date]:
        since = _day_in_past(as_of, _MONTHS[m.group(1)], int(m.group(2)), m.group(3) or m.group(6))
        month = _MONTHS[m.group(4) or m.group(1)]
        until = date(int(m.group(6)) if m.group(6) else since.year, month, int(m.group(5)))
        if until < since and month < since.month and not m.group(6):  # "from December 28 to January 3"
            until = until.replace(year=until.year + 1)
        if until < since:
            raise ValueError("a range that ends before it starts")
        return since, until

    day = r"\.? (\d{1,2})(?:st|nd|rd|th)?"
    return [
        (  # "between Jan. 5 and Jan. 9", "from December 28 to January 3", "from May 2 to 6"
            re.compile(
                rf"\b(?:between|from) ({_MONTH_RE}){day}(?:,? (\d{{4}}))? (?:and|to|through|until|till|-|–) "
                rf"(?:({_MONTH_RE})\.? )?(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (\d{{4}}))?"
            ),
            between,
        ),
        (
            re.compile(
                rf"(?<!every )\b(since )?(?:on )?({_MONTH_RE})\.? (\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (\d{{4}}))?"
            ),
            lambda m: on_day(m.group(2), m.group(3), m.group(4), bool(m.group(1))),
        ),
        (
            re.compile(
                rf"(?<!every )\b(since )?(?:on )?(?:the )?(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?({_MONTH_RE})\b\.?(?:,? (\d{{4}}))?"
            ),
            lambda m: on_day(m.group(3), m.group(2), m.group(4), bool(m.group(1))),
        ),
        (
            re.compile(r"\b(since )?(?:on )?(\d{4})-(\d{2})-(\d{2})\b"),
            lambda m: on_day(calendar.month_name[int(m.group(3))].lower(), m.group(4), m.group(2), bool(m.group(1))),
        ),
        (re.compile(r"\btoday\b|\bthis (?:morning|afternoon|evening)\b|\btonight\b"), fixed(as_of, as_of)),
        (re.compile(r"\byesterday\b|\blast night\b"), fixed(as_of - timedelta(days=1), as_of)),
        (
            re.compile(r"\blast weekend\b|\bthe weekend before\b|\bprevious weekend\b"),
            fixed(monday - timedelta(days=2), monday - timedelta(days=1)),
        ),
        (
            re.compile(r"\b(?:this|the past|the last|past|over the|at the|on the) weekend\b"),
            lambda m: (_last_weekday(as_of, 5, True), _last_weekday(as_of, 5, True) + timedelta(days=1)),
        ),
        (
            re.compile(r"\b(?:in |over |during )?(?:the )?(?:past|last) (\d+|" + "|".join(_NUMBERS) + r") days?\b"),
            lambda m: (as_of - timedelta(days=_count(m.group(1)) - 1), as_of),
        ),
        (
            re.compile(r"\b(?:in |over |during )?(?:the )?(?:past|last) (\d+|" + "|".join(_NUMBERS) + r") weeks?\b"),
            lambda m: (as_of - timedelta(days=7 * _count(m.group(1)) - 1), as_of),
        ),
        (
            re.compile(r"\blast week\b|\bthe week before\b|\bprevious week\b"),
            fixed(monday - timedelta(days=7), monday - timedelta(days=1)),
        ),
        (
            re.compile(r"\bthe past week\b|\bthe last week\b|\bpast seven days\b|\bthis past week\b"),
            fixed(as_of - timedelta(days=6), as_of),
        ),
        (re.compile(r"\bthis week\b"), fixed(monday, as_of)),
        (
            re.compile(r"\blast month\b|\bprevious month\b"),
            fixed(*_month_range(last_month_end.year, last_month_end.month)),
        ),
        (re.compile(r"\bthis month\b|\bthe past month\b"), fixed(as_of.replace(day=1), as_of)),
        (re.compile(r"\blast year\b"), fixed(date(as_of.year - 1, 1, 1), date(as_of.year - 1, 12, 31))),
        (re.compile(r"\bthis year\b"), fixed(date(as_of.year, 1, 1), as_of)),
        (
            re.compile(rf"\bsince (?:last )?({_WEEKDAY_RE})\b"),
            lambda m: (_last_weekday(as_of, _WEEKDAYS[m.group(1)], True), as_of),
        ),
        (
            re.compile(rf"\b(?:on |last )({_WEEKDAY_RE})\b"),
            lambda m: (_last_weekday(as_of, _WEEKDAYS[m.group(1)], False),) * 2,  # that day
        ),
        (
            re.compile(rf"\bsince ({_MONTH_RE})\b(?:\s+(\d{{4}}))?"),
            lambda m: (_month_in_past(as_of, m.group(1), m.group(2))[0], as_of),
        ),
        (
            re.compile(rf"\b(?:in|during|of|throughout) ({_MONTH_RE})\b(?:\s+(\d{{4}}))?"),
            lambda m: _month_in_past(as_of, m.group(1), m.group(2)),
        ),
        (  # "in 2022", "since 2020": a year named, not one ahead ("in 2030" names a plan)
            re.compile(r"\b(since|in|during|throughout) (\d{4})\b(?![-/–]\d)"),
            lambda m: _year(as_of, int(m.group(2)), since=m.group(1) == "since"),
        ),
    ]


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word]


def _day_in_past(as_of: date, month: int, day: int, year: str | None) -> date:
    """The date a question names: with no year, the one of this year or the last nearer to ``as_of``
    ("December 28" asked on January 6 is nine days back). A date after ``as_of`` names a plan, not a
    time to search (ValueError: no time filter)."""
    if year:
        when = date(int(year), month, day)
    else:
        when = min((date(as_of.year + y, month, day) for y in (0, -1)), key=lambda d: abs((as_of - d).days))
    if when > as_of:
        raise ValueError("a date not yet reached")
    return when


def _year(as_of: date, year: int, since: bool) -> tuple[date, date]:
    if year > as_of.year:
        raise ValueError("a year not yet reached")
    return date(year, 1, 1), as_of if since else date(year, 12, 31)


def _month_in_past(as_of: date, name: str, year: str | None) -> tuple[date, date]:
    month = _MONTHS[name]
    if year:
        return _month_range(int(year), month)
    return _month_range(as_of.year if month <= as_of.month else as_of.year - 1, month)


def resolve_timeframe(question: str, as_of: date) -> Timeframe | None:
    """The date range a question's relative time words mean, seen from ``as_of``; None if none."""
    text = question.lower()
    for pattern, make in _rules(as_of):
        match = pattern.search(text)
        if match:
            try:
                since, until = make(match)  # type: ignore[operator]
            except (KeyError, ValueError, OverflowError):
                continue
            if until > as_of and since <= as_of:
                until = min(until, as_of)
            reported = min(until + _reported_after(until - since), as_of)
            return Timeframe(
                since=since,
                until=max(until, reported),
                phrase=match.group(0).strip(),
                period_end=until if reported > until else None,
            )
    return None


def _reported_after(length: timedelta) -> timedelta:
    """How long after a period of ``length`` (its last day less its first) its news is still
    reported: a day or a weekend the next day, a week two days, a month a week, a year a month."""
    for period, after in ((1, 1), (6, 2), (30, 7)):
        if length.days <= period:
            return timedelta(days=after)
    return timedelta(days=31)


def searched_dates(date_range: dict[str, str]) -> str:
    """A ``date_range`` (:meth:`Timeframe.to_dict`) for people: "2023-01-01 to 2023-02-07 (the time
    asked about ends 2023-01-31; its news is reported in the days after)"."""
    since, until = date_range["since"], date_range["until"]
    said = since if since == until else f"{since} to {until}"
    if "period_until" in date_range:
        said += f" (the time asked about ends {date_range['period_until']}; its news is reported in the days after)"
    return said
