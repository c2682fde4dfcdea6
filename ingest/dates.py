"""Publication dates: from metadata values, or stated in an article's opening lines."""

from __future__ import annotations

import re
import warnings
from datetime import UTC, date, datetime
from typing import Any

from dateutil import parser as date_parser

_EPOCH = date(1970, 1, 1)
_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_TEXT_DATES = [
    re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b", re.I),
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+\d{{4}}\b", re.I),
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    re.compile(r"\b\d{4}/\d{2}/\d{2}\b"),
]
_MIN_YEAR, _MAX_YEAR = 1900, 2100
# A date written on a line of its own, as a dateline gives it: "Friday, November 13, 2026",
# "13 Nov 2026, 4:10 PM GMT", "2026-11-13T09:30:00Z". Numeric day/month forms ("11/12/2026")
# are left out: which is the month cannot be told.
_WEEKDAY_NAME = r"(?:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat|satur|sun)(?:day)?"
_WEEKDAY = rf"{_WEEKDAY_NAME}\.?,?\s+"
_CLOCK = r"(?:\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?)(?:\s*(?:(?-i:[A-Z]{2,5})|[+-]\d{2}:?\d{2}))?"
_DATE_LINE = re.compile(
    rf"(?:{_WEEKDAY})?(?P<date>(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{4}/\d{2}/\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{4})"
    rf"(?:(?:,?\s+(?:at\s+)?|T){_CLOCK}|T\d{{2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?",
    re.I,
)


def _plausible(value: date) -> date | None:
    return value if _MIN_YEAR <= value.year <= _MAX_YEAR else None


def parse_date(value: Any) -> date | None:
    """A date from a metadata value: ISO text, RFC 822, '2023/01/05', a datetime, epoch seconds."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _plausible(value.date())
    if isinstance(value, date):
        return _plausible(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 10**11 else value  # milliseconds are common in JSON
        try:
            return _plausible(datetime.fromtimestamp(seconds, tz=UTC).date())
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or len(value) > 100:
        return None
    text = value.strip()
    if re.fullmatch(r"\d{9,13}", text):  # epoch seconds (or milliseconds) written as text
        return parse_date(int(text))
    try:
        return _plausible(date.fromisoformat(text[:10]))
    except ValueError:
        pass
    try:
        with warnings.catch_warnings():  # "EST": a zone it does not know; the date as written is what is kept
            warnings.simplefilter("ignore", date_parser.UnknownTimezoneWarning)
            parsed = date_parser.parse(text, default=datetime(2000, 1, 1), fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None
    return _plausible(parsed.date())


def find_date_in_opening(text: str, max_chars: int = 400) -> date | None:
    """A date stated near the start of the text, e.g. 'Today (June 23, 2025), ...'."""
    head = text[:max_chars]
    found: list[tuple[int, date]] = []
    for pattern in _TEXT_DATES:
        match = pattern.search(head)
        if match:
            parsed = parse_date(match.group(0).replace(" of ", " "))
            if parsed:
                found.append((match.start(), parsed))
    return min(found)[1] if found else None


def read_date_line(text: str) -> date | None:
    """The date a whole line states and nothing else ("Friday, November 13, 2026", "13 Nov 2026,
    4:10 PM", "27/11/2026"), as a dateline does; None for a line that says anything more, or for a
    numeric date whose month cannot be told ("11/12/2026")."""
    match = _DATE_LINE.fullmatch(text.strip())
    if not match:
        return None
    numeric = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", match.group("date"))
    if numeric:  # "27/11/2026" (day first) or "11/27/2026" (month first): read only when it cannot be the other
        first, second, year = (int(x) for x in numeric.groups())
        if (first > 12) == (second > 12):
            return None  # "11/12/2026": which is the month cannot be told
        day, month = (first, second) if first > 12 else (second, first)
        try:
            return _plausible(date(year, month, day))
        except ValueError:
            return None  # "31/02/2026"
    return parse_date(match.group("date").replace(" of ", " "))


def is_month_name(word: str) -> bool:
    """True for a month's name, in full or short ("June", "Sept."), in English."""
    return bool(re.fullmatch(rf"(?:{_MONTHS})\.?,?", word, re.I))


def is_weekday_name(word: str) -> bool:
    """True for a weekday's name, in full or short ("Tuesday", "Tue."), in English."""
    return bool(re.fullmatch(rf"{_WEEKDAY_NAME}\.?,?", word, re.I))


def to_day_number(value: date) -> int:
    """Days since 1970-01-01: the integer Chroma filters date ranges on."""
    return (value - _EPOCH).days


def from_day_number(days: int) -> date:
    """The inverse of :func:`to_day_number`."""
    return date.fromordinal(_EPOCH.toordinal() + days)
