import json
from datetime import date
from pathlib import Path

import pytest

from assistant.config import Settings
from ingest.articles import Article, prepare_article
from ingest.dates import (
    find_date_in_opening,
    from_day_number,
    parse_date,
    read_date_line,
    to_day_number,
    writes_day_first,
)
from ingest.loaders import load_source

STORY = "Le conseil municipal a voté lundi la hausse des tarifs du port, la première depuis dix ans."


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
        ("11.12.2026", date(2026, 12, 11)),  # dots: day first, as parse_date reads them
        ("31/02/2026", None),
        ("February 31, 2026", None),
    ],
)
def test_a_line_that_is_a_date_and_nothing_else(line: str, expected: date | None) -> None:
    assert read_date_line(line) == expected


# Dates as sites in French, German, Spanish, Portuguese and Italian write them, and the day each is.
WRITTEN_ABROAD = [
    ("3 juin 2025", date(2025, 6, 3)),
    ("1er février 2025", date(2025, 2, 1)),
    ("1er fevrier 2025", date(2025, 2, 1)),
    ("3 déc. 2025", date(2025, 12, 3)),
    ("mardi 3 juin 2025", date(2025, 6, 3)),
    ("mardi 3 juin 2025 à 14h30", date(2025, 6, 3)),
    ("3. Juni 2025", date(2025, 6, 3)),
    ("3. März 2025", date(2025, 3, 3)),
    ("3. Maerz 2025", date(2025, 3, 3)),
    ("Dienstag, 3. Juni 2025", date(2025, 6, 3)),
    ("Di., 3. Juni 2025, 14:30 Uhr", date(2025, 6, 3)),
    ("3 de junio de 2025", date(2025, 6, 3)),
    ("1.º de junio de 2025", date(2025, 6, 1)),
    ("martes, 3 de junio de 2025", date(2025, 6, 3)),
    ("miércoles 4 de junio del 2025", date(2025, 6, 4)),
    ("3 de junho de 2025", date(2025, 6, 3)),
    ("terça-feira, 3 de junho de 2025", date(2025, 6, 3)),
    ("3 out. 2025", date(2025, 10, 3)),
    ("3 giugno 2025", date(2025, 6, 3)),
    ("martedì 3 giugno 2025 alle 14:30", date(2025, 6, 3)),
    ("3 MARZO 2025", date(2025, 3, 3)),
]
# Words that are months' names in some language, in sentences that give no date.
NOT_DATES = [
    "The Mars 2020 rover landed on Mars on 18 February.",
    "Bruno Mars sold 3 million records in 2025.",
    "Mars 2025 : la mission prend du retard.",
    "Mai Nguyen, 34, moved to Hanoi in 2019.",
    "Prices may rise 5 percent by 2026.",
    "Im Juni 2025 stiegen die Preise um 3 Prozent.",
    "Juni 2025",
    "Il 15 marzo si vota; nel 2025 i seggi erano 400.",
    "3 marzo sono stati votati nel 2025.",
    "The score was 3. May 2025 will tell.",
    "He won 5 out of 2025 votes.",
    "31 juin 2025",
]


@pytest.mark.parametrize(("written", "expected"), WRITTEN_ABROAD)
def test_a_date_written_in_another_language_is_read(written: str, expected: date) -> None:
    assert parse_date(written) == expected
    assert read_date_line(written) == expected
    assert find_date_in_opening(f"PARIS — {written}. Le conseil municipal a voté la hausse.") == expected


@pytest.mark.parametrize("sentence", NOT_DATES)
def test_a_months_name_in_a_sentence_is_no_date(sentence: str) -> None:
    assert (parse_date(sentence), read_date_line(sentence), find_date_in_opening(sentence)) == (None, None, None)


PAGE = (
    "<html><head><title>Tarifs du port</title>{head}</head><body><article><h1>Tarifs du port</h1>{top}"
    + "<p>{{story}}</p>" * 3
    + "</article></body></html>"
)
# Where an article's date is read, and a file that gives it there ({date} where it stands): front
# matter, header lines, a JSON field, a feed's entry, a dateline, a byline, the opening words, a page's
# metadata.
PLACES = {
    "front matter": ("story.md", "---\ntitle: Tarifs du port\ndate: {date}\n---\n{story}\n"),
    "header line": ("story.txt", "Title: Tarifs du port\nDate: {date}\n\n{story}\n"),
    "JSON field": ("story.json", json.dumps({"title": "Tarifs du port", "text": "{story}", "published_at": "{date}"})),
    "feed entry": (
        "story.rss",
        '<rss version="2.0"><channel><title>Le Courrier</title><item><title>Tarifs du port</title>'
        "<link>https://courrier.example/tarifs</link><pubDate>{date}</pubDate><description>{story}</description>"
        "</item></channel></rss>",
    ),
    "dateline": ("story.md", "# Tarifs du port\n\nPublié le {date}\n\n{story}\n"),
    "dateline with source": ("story.md", "# Tarifs du port\n\nLe Courrier — {date}\n\n{story}\n"),
    "byline": ("story.md", "# Tarifs du port\n\nPar Marie Dupont | {date}\n\n{story}\n"),
    "opening words": ("story.md", "# Tarifs du port\n\nMARSEILLE, {date} — {story}\n"),
    "page's meta": ("story.html", PAGE.format(head='<meta name="date" content="{date}">', top="")),
    "page's byline": ("story.html", PAGE.format(head="", top='<p class="byline">Par Marie Dupont | {date}</p>')),
    "page's opening words": ("story.html", PAGE.format(head="", top="<p>MARSEILLE, {date} — {story}</p>")),
}


@pytest.mark.parametrize(("name", "template"), PLACES.values(), ids=list(PLACES))
@pytest.mark.parametrize("written", ["3 juin 2025", "Dienstag, 3. Juni 2025", "martes, 3 de junio de 2025"])
def test_a_date_in_another_language_is_read_wherever_a_date_is(
    tmp_path: Path, settings: Settings, name: str, template: str, written: str
) -> None:
    path = tmp_path / name
    path.write_text(template.replace("{date}", written).replace("{story}", STORY))
    [article] = [item for item in load_source(str(path), settings) if isinstance(item, Article)]
    prepared = prepare_article(article, "test")
    assert (prepared.title, prepared.published) == ("Tarifs du port", date(2025, 6, 3))
    assert written not in prepared.text or "MARSEILLE" in prepared.text


@pytest.mark.parametrize(
    ("written", "day_first", "expected"),
    [
        ("03/06/2025", False, date(2025, 3, 6)),  # as American exports write it
        ("03/06/2025", True, date(2025, 6, 3)),
        ("03-06-2025 14:30", True, date(2025, 6, 3)),
        ("03.06.2025", False, date(2025, 6, 3)),  # dots: day first in every language that uses them
        ("3.6.25", False, date(2025, 6, 3)),
        ("13/06/2025", False, date(2025, 6, 13)),  # the day can't be the month
        ("06/13/2025", True, date(2025, 6, 13)),
        ("2025-06-03", True, date(2025, 6, 3)),
        ("Tue, 03 Jun 2025 10:00:00 GMT", True, date(2025, 6, 3)),
    ],
)
def test_a_numeric_date_is_read_in_the_order_its_writers_use(written: str, day_first: bool, expected: date) -> None:
    assert parse_date(written, day_first=day_first) == expected


@pytest.mark.parametrize(
    ("language", "day_first"),
    [
        ("fr", True),
        ("de-DE", True),
        ("pt_BR", True),
        ("en-GB", True),
        ("en-au", True),
        ("en", False),
        ("en-US", False),
        ("EN_us", False),
        ("", False),
        (None, False),
        (7, False),
    ],
)
def test_which_languages_write_the_day_first(language: object, day_first: bool) -> None:
    assert writes_day_first(language) is day_first


@pytest.mark.parametrize(
    ("name", "template"),
    [
        ("story.json", json.dumps({"title": "Tarifs du port", "text": STORY, "date": "03/06/2025", "{key}": "{lang}"})),
        ("story.md", "---\ntitle: Tarifs du port\ndate: 03/06/2025\n{key}: {lang}\n---\n" + STORY + "\n"),
    ],
    ids=["JSON record", "front matter"],
)
@pytest.mark.parametrize(
    ("key", "lang", "expected"),
    [
        ("language", "fr", date(2025, 6, 3)),
        ("inLanguage", "en-GB", date(2025, 6, 3)),
        ("lang", "en-US", date(2025, 3, 6)),
        ("note", "none given", date(2025, 3, 6)),
    ],
)
def test_a_records_language_says_which_number_is_the_day(
    tmp_path: Path, settings: Settings, name: str, template: str, key: str, lang: str, expected: date
) -> None:
    path = tmp_path / name
    path.write_text(template.replace("{key}", key).replace("{lang}", lang))
    [article] = [item for item in load_source(str(path), settings) if isinstance(item, Article)]
    assert prepare_article(article, "test").published == expected
