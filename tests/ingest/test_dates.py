from datetime import date

import pytest

from ingest.dates import find_date_in_opening, from_day_number, parse_date, read_date_line, to_day_number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023/01/05", date(2023, 1, 5)),
        ("2025-06-23T10:00:00Z", date(2025, 6, 23)),
        ("Mon, 23 Jun 2025 16:30:00 GMT", date(2025, 6, 23)),
        ("June 23, 2025", date(2025, 6, 23)),
        (1750636800, date(2025, 6, 23)),
        (1750636800000, date(2025, 6, 23)),
        ("not a date", None),
        ("", None),
        (None, None),
        ("9999-99-99", None),
        ("0001-01-01", None),
        (True, None),
    ],
)
def test_parse_metadata_dates(value: object, expected: date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        ("Today (June 23, 2025), Iran's leader wrote to Moscow.", date(2025, 6, 23)),
        ("LONDON, 3 March 2024 — Markets fell.", date(2024, 3, 3)),
        ("Updated Jan. 5, 2023 at 10:00. The Bills said...", date(2023, 1, 5)),
        ("Posted 2022-11-30 by staff", date(2022, 11, 30)),
        ("No date is given here at all, only words.", None),
    ],
)
def test_dates_stated_in_opening_lines(opening: str, expected: date | None) -> None:
    assert find_date_in_opening(opening) == expected


def test_a_date_deep_in_the_text_is_not_taken() -> None:
    text = "A long opening. " * 40 + "It happened on June 1, 2020."
    assert find_date_in_opening(text) is None


def test_day_numbers_round_trip() -> None:
    assert to_day_number(date(1970, 1, 2)) == 1
    assert from_day_number(to_day_number(date(2025, 6, 23))) == date(2025, 6, 23)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("November 13, 2026", date(2026, 11, 13)),
        ("Friday, 13th of November, 2026", date(2026, 11, 13)),
        ("Nov. 13, 2026, 9 a.m. EST", date(2026, 11, 13)),
        ("2026-11-13T09:30:00Z", date(2026, 11, 13)),
        ("November 13, 2026 was a cold day", None),
        ("November 13, 2026, 9 a.m. was cold", None),
        ("11/12/2026", None),  # which is the month cannot be told
        ("27/11/2026", date(2026, 11, 27)),  # it can: there is no 27th month
        ("11/27/2026", date(2026, 11, 27)),
        ("27.11.2026", date(2026, 11, 27)),
        ("31/02/2026", None),
        ("February 31, 2026", None),
    ],
)
def test_a_line_that_is_a_date_and_nothing_else(line: str, expected: date | None) -> None:
    assert read_date_line(line) == expected
