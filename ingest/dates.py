"""Publication dates: from metadata values, or stated in an article's opening lines.

Dates with a month's name are read in English and as sites in French, German, Spanish, Portuguese
and Italian write them ("3 juin 2025", "Dienstag, 3. Juni 2025", "1.º de junio de 2025"), but
only whole: a day, a month's name and a year ("Mars", "mai", "marzo" are words too).
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from datetime import UTC, date, datetime
from typing import Any

from dateutil import parser as date_parser

_EPOCH = date(1970, 1, 1)
_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)


def _fold(word: str) -> str:
    """A word as month and weekday names are compared: lower case, accents dropped ("Février" is "fevrier")."""
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


def _alternatives(names: str) -> str:
    """A regex alternation of the space-separated ``names``, each also without its accents, the longest first."""
    spellings = {n for name in names.split() for n in (name, _fold(name))}
    return "|".join(re.escape(n) for n in sorted(spellings, key=lambda n: (-len(n), n)))


# Each month's names, in full and as usually shortened, in English, French, German, Spanish,
# Portuguese and Italian; German's umlaut also as "ae" ("Maerz").
_MONTH_NAMES = [
    "january jan janvier janv januar jänner jaenner enero ene janeiro gennaio gen",
    "february feb février févr fév februar febrero fevereiro fev febbraio",
    "march mar mars märz maerz mär mrz marzo março",
    "april apr avril avr abril abr aprile",
    "may mai mayo maio maggio mag",
    "june jun juin juni junio junho giugno giu",
    "july jul juillet juil juli julio julho luglio lug",
    "august aug août agosto ago",
    "september sep sept septembre septiembre setiembre set setembro settembre sett",
    "october oct octobre oktober okt octubre outubro out ottobre ott",
    "november nov novembre noviembre novembro",
    "december dec décembre déc dezember dez diciembre dic dezembro dicembre",
]
_MONTH_NUMBERS = {_fold(name): number for number, names in enumerate(_MONTH_NAMES, 1) for name in names.split()}
_ANY_MONTH = _alternatives(" ".join(_MONTH_NAMES))
# German writes the day as an ordinal number, "3. Juni": read so with German names only, for an
# English sentence may end in a figure ("The vote was 3. May 2025 will tell").
_GERMAN_MONTH = _alternatives(
    "januar jänner jaenner jan februar feb märz maerz mär mrz april apr mai juni jun juli jul august aug"
    " september sep sept oktober okt november nov dezember dez"
)
# A date written day first, with its month's name: "3 March 2024", "13th of November, 2026", "1er
# juin 2025", "3. Juni 2025", "1.º de junio de 2025", "3 de junho de 2025", "3 giugno 2025".
_DAY_FIRST = (
    rf"\d{{1,2}}(?:(?:st|nd|rd|th|er|\.?[º°])?\s+(?:(?:of|de)\s+)?(?:{_ANY_MONTH})|\.\s*(?:{_GERMAN_MONTH}))"
    r"\.?,?\s+(?:(?:de|del)\s+)?\d{4}"
)
_DAY_FIRST_DATE = re.compile(_DAY_FIRST, re.I)
_TEXT_DATES = [
    re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b", re.I),
    re.compile(rf"\b{_DAY_FIRST}\b", re.I),
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    re.compile(r"\b\d{4}/\d{2}/\d{2}\b"),
]
_MIN_YEAR, _MAX_YEAR = 1900, 2100
# A date in numbers, day and month in either order: "03/04/2025", "3.4.25", "03-04-2025 10:00".
_NUMERIC_DATE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})(?!\d)")
# A date written on a line of its own, as a dateline gives it: "Friday, November 13, 2026",
# "13 Nov 2026, 4:10 PM GMT", "2026-11-13T09:30:00Z", "mardi 3 juin 2025 à 14h30", "Di., 3. Juni
# 2025, 14:30 Uhr". Numeric day/month forms ("11/12/2026") are left out: which is the month
# cannot be told.
_WEEKDAY_NAME = r"(?:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat|satur|sun)(?:day)?"
_OTHER_WEEKDAY_NAME = _alternatives(
    "lundi mardi mercredi jeudi vendredi samedi dimanche lun mar mer jeu ven sam dim"  # French
    " montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag mo di mi do fr sa so"  # German
    " lunes martes miércoles jueves viernes sábado domingo mié jue vie sáb dom"  # Spanish
    " segunda-feira terça-feira quarta-feira quinta-feira sexta-feira segunda terça quarta quinta sexta"
    " seg ter qua qui sex"  # Portuguese
    " lunedì martedì mercoledì giovedì venerdì sabato domenica gio sab"  # Italian
)
_WEEKDAY = rf"(?:{_WEEKDAY_NAME}|{_OTHER_WEEKDAY_NAME})\.?,?\s+"
_CLOCK = (
    r"(?:\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s*[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?|\d{1,2}\s?h\s?(?:\d{2})?)(?:\s*uhr)?"
    r"(?:\s*(?:(?-i:[A-Z]{2,5})|[+-]\d{2}:?\d{2}))?"
)
_AT = r"(?:at|à|a\s+las|às|alle|ore|um)"  # "at 9 a.m.", "à 14h30", "a las 10:00", "alle ore 14:30", "um 14:30 Uhr"
_DATE_LINE = re.compile(
    rf"(?:{_WEEKDAY})?(?P<date>(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|{_DAY_FIRST}"
    r"|\d{4}-\d{2}-\d{2}|\d{4}/\d{2}/\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{4})"
    rf"(?:(?:,?\s+(?:{_AT}\s+){{0,2}}|T){_CLOCK}|T\d{{2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?",
    re.I,
)


def _plausible(value: date) -> date | None:
    return value if _MIN_YEAR <= value.year <= _MAX_YEAR else None


def parse_date(value: Any, day_first: bool = False) -> date | None:
    """A date from a metadata value: ISO text, RFC 822, '2023/01/05', a datetime, epoch seconds, a
    date written with its month's name ("June 23, 2025", "3 juin 2025", "martes, 3 de junio de 2025").

    A numeric date whose month cannot be told from its numbers ("03/04/2025") is read day first
    when ``day_first`` says its writers put the day first (see :func:`writes_day_first`), else
    month first, as American exports write it; one with dots ("03.04.2025") is always read day
    first, as every language that writes dates so does."""
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
    numeric = _NUMERIC_DATE.match(text)
    if numeric:
        day_first = day_first or numeric.group(2) == "."
    try:
        with warnings.catch_warnings():  # "EST": a zone it does not know; the date as written is what is kept
            warnings.simplefilter("ignore", date_parser.UnknownTimezoneWarning)
            parsed = date_parser.parse(text, default=datetime(2000, 1, 1), fuzzy=False, dayfirst=day_first)
    except (ValueError, OverflowError, TypeError):
        written = _DATE_LINE.fullmatch(text)  # "3 juin 2025", "martes, 3 de junio de 2025, 10:00"
        return _read_day_first(written.group("date")) if written else None
    return _plausible(parsed.date())


def writes_day_first(language: Any) -> bool:
    """Whether text in ``language`` (a tag such as "fr", "en-GB", "de_DE") writes a numeric date
    day first: every language but American English (and English with no region said, which news
    exports mostly are) does."""
    if not isinstance(language, str) or not language.strip():
        return False
    primary, _, region = language.strip().replace("_", "-").lower().partition("-")
    return not (primary == "en" and region.split("-")[0] in ("", "us", "ph"))


def _read_day_first(text: str) -> date | None:
    """The date a day, a month's name and a year written in that order give ("3 juin 2025", "1.º de
    junio de 2025"), in any of the languages read; None for any other text, or no such day."""
    if not _DAY_FIRST_DATE.fullmatch(text):
        return None
    numbers = re.findall(r"\d+", text)
    day, year = int(numbers[0]), int(numbers[-1])
    month = next(_MONTH_NUMBERS[w] for w in map(_fold, re.findall(r"[^\W\d_]+", text)) if w in _MONTH_NUMBERS)
    try:
        return _plausible(date(year, month, day))
    except ValueError:
        return None  # "31 juin 2025"


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
    4:10 PM", "27/11/2026", "Dienstag, 3. Juni 2025"), as a dateline does; None for a line that says anything more, or for a
    numeric date whose month cannot be told ("11/12/2026"; with dots, "11.12.2026", it is day first)."""
    match = _DATE_LINE.fullmatch(text.strip())
    if not match:
        return None
    numeric = _NUMERIC_DATE.fullmatch(match.group("date"))
    if numeric and numeric.group(2) != "." and (int(numeric.group(1)) > 12) == (int(numeric.group(3)) > 12):
        return None  # "11/12/2026": which is the month cannot be told ("27/11/2026" and "11/27/2026" can)
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
