"""Bylines as news sites write them, in a text's opening lines and in a page's byline element."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from assistant.config import Settings
from ingest.articles import Article
from ingest.loaders import load_source
from tests.conftest import EXAMPLES

STORY = "The harbour board voted on Monday to raise mooring fees for the first time in a decade."

# A byline line, the people it names and the date it gives.
BYLINES = [
    ("By Kevin Aldridge, Staff Writer", ["Kevin Aldridge"], None),
    ("*By Jane Doe and John Roe*", ["Jane Doe", "John Roe"], None),
    ("By Anna van der Berg | Harbour Post", ["Anna van der Berg"], None),
    ("By Sample Desk, June 23, 2025", ["Sample Desk"], date(2025, 6, 23)),
    ("By Jane Roe | Updated 3:45 PM ET, Tue June 3, 2025", ["Jane Roe"], date(2025, 6, 3)),
    ("By Jane Roe, Correspondent | 2026-11-13", ["Jane Roe"], date(2026, 11, 13)),
    ("By Jane Roe and John Doe, Associated Press", ["Jane Roe", "John Doe"], None),
    ("By Lise Hamm, Owen Tarrant and Nadia Ferrell", ["Lise Hamm", "Owen Tarrant", "Nadia Ferrell"], None),
    ("By JANE ROE | Reuters", ["Jane Roe"], None),
    ("BY ANNA VAN DER BERG AND JEAN-PIERRE O'NEILL", ["Anna van der Berg", "Jean-Pierre O'Neill"], None),
    ("Par Marie Dupont", ["Marie Dupont"], None),
    ("Par Marie Dupont et Jean Martin", ["Marie Dupont", "Jean Martin"], None),
    ("PAR ÉLODIE DE LA TOUR, envoyée spéciale à Kyiv", ["Élodie de la Tour"], None),
    ("Von Anna Schmidt und Peter Braun", ["Anna Schmidt", "Peter Braun"], None),
    ("Von Lena von Arnim | dpa", ["Lena von Arnim"], None),
    ("Von Anna Schmidt | Aktualisiert am 13.11.2026", ["Anna Schmidt"], date(2026, 11, 13)),
    ("Por Ana López y Luis Gil", ["Ana López", "Luis Gil"], None),
    ("Por José Ortega y Gasset", ["José Ortega y Gasset"], None),
    ("Por Ana Souza e Luís Gil, da Redação", ["Ana Souza", "Luís Gil"], None),
    ("Di Giulia Bianchi e Marco Rossi", ["Giulia Bianchi", "Marco Rossi"], None),
    ("Par Marie Dupont | 3 juin 2025", ["Marie Dupont"], date(2025, 6, 3)),
    ("Par Marie Dupont, mardi 3 juin 2025", ["Marie Dupont"], date(2025, 6, 3)),
    ("Par Marie Dupont | Publié le 1er juin 2025 à 14h30", ["Marie Dupont"], date(2025, 6, 1)),
    ("Von Anna Schmidt | Dienstag, 3. Juni 2025, 14:30 Uhr", ["Anna Schmidt"], date(2025, 6, 3)),
    ("Por Ana López y Luis Gil | 3 de junio de 2025", ["Ana López", "Luis Gil"], date(2025, 6, 3)),
    ("Por Ana Souza | Publicado em 3 de junho de 2025", ["Ana Souza"], date(2025, 6, 3)),
    ("Di Giulia Bianchi | 3 giugno 2025 alle 10:30", ["Giulia Bianchi"], date(2025, 6, 3)),
    ("By Jane Roe et al.", ["Jane Roe"], None),
    ("By JANE ROE, JOHN DOE, ET AL. | June 3, 2025", ["Jane Roe", "John Doe"], date(2025, 6, 3)),
    ("Par Marie Dupont et Al Gore", ["Marie Dupont", "Al Gore"], None),
    ("BY MARY MCDONALD AND SEAN O'BRIEN", ["Mary McDonald", "Sean O'Brien"], None),
    ("By ANNE MCCARTHY-SMITH | Reuters", ["Anne McCarthy-Smith"], None),
    # "Mac" is written both ways ("MacDonald", "Macdonald") and begins other names ("Mack", "Macy"):
    # left as it is capitalised.
    ("BY ANGUS MACDONALD AND JOHN MACK", ["Angus Macdonald", "John Mack"], None),
]
# Lines that start like a byline and are the story's text.
NOT_BYLINES = [
    "By Tuesday the river had risen.",
    "By the end of the meeting, the board had raised fees.",
    "By Tuesday Night",
    "Par ailleurs, le conseil a voté la hausse des tarifs.",
    "Par Marie Dupont, la maire a été informée lundi.",
    "Von Anfang an war klar, dass die Gebühren steigen.",
    "Von Trier",
    "Por la tarde, el consejo votó la subida.",
    "Di notte il porto resta chiuso.",
    "Di Maio",
]


def _load_one(path: Path, settings: Settings) -> Article:
    [article] = [item for item in load_source(str(path), settings) if isinstance(item, Article)]
    return article


def _page(byline: str, paragraph: str = "", head: str = "") -> str:
    return (
        f"<html><head><title>Harbour Board Votes on Fees</title>{head}</head><body><article>"
        f"<h1>Harbour Board Votes on Fees</h1>{byline}{paragraph}{f'<p>{STORY}</p>' * 3}</article></body></html>"
    )


@pytest.mark.parametrize(("line", "authors", "published"), BYLINES)
def test_a_byline_line_names_the_authors_gives_its_date_and_leaves_the_text(
    tmp_path: Path, settings: Settings, line: str, authors: list[str], published: date | None
) -> None:
    path = tmp_path / "story.md"
    path.write_text(f"# Harbour Board Votes on Fees\n\n{line}\n\n{STORY}\n")
    article = _load_one(path, settings)
    assert (article.title, article.authors, article.published) == ("Harbour Board Votes on Fees", authors, published)
    assert article.text.strip() == STORY


@pytest.mark.parametrize(("line", "authors", "published"), BYLINES)
def test_a_pages_byline_element_names_the_authors_and_gives_its_date(
    tmp_path: Path, settings: Settings, line: str, authors: list[str], published: date | None
) -> None:
    path = tmp_path / "story.html"
    path.write_text(_page(f'<p class="byline">{line}</p>'))
    article = _load_one(path, settings)
    assert (article.authors, article.published) == (authors, published)
    assert line.strip("*") not in article.text and STORY in article.text


def test_a_byline_element_in_parts_is_read_as_one_line(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "story.html"
    path.write_text(
        _page(
            '<div class="article-byline"><span class="byline__name">Von <a href="/a">LENA VON ARNIM</a></span>'
            '<time datetime="2026-11-13T08:00:00Z">13.11.2026</time><span>dpa</span></div>'
        )
    )
    assert _load_one(path, settings).authors == ["Lena von Arnim"]


@pytest.mark.parametrize("line", NOT_BYLINES)
def test_a_sentence_that_starts_like_a_byline_stays_text(tmp_path: Path, settings: Settings, line: str) -> None:
    text = tmp_path / "story.txt"
    text.write_text(f"Title: Harbour Board Votes on Fees\n\n{line}\n{STORY}\n")
    page = tmp_path / "story.html"
    page.write_text(_page("", f"<p>{line}</p>"))
    for article in (_load_one(text, settings), _load_one(page, settings)):
        assert (article.authors, article.published) == ([], None)
        assert line in article.text


def test_a_better_date_than_the_bylines_is_kept(tmp_path: Path, settings: Settings) -> None:
    line = "By Jane Roe | Updated 3:45 PM ET, Tue June 3, 2025"
    text = tmp_path / "story.md"
    text.write_text(f"---\ntitle: Fees Rise\ndate: 2025-06-02\n---\n{line}\n\n{STORY}\n")
    page = tmp_path / "story.html"
    meta = '<meta property="article:published_time" content="2025-06-02T08:00:00Z">'
    page.write_text(_page(f'<div class="byline">{line}</div>', head=meta))
    for article in (_load_one(text, settings), _load_one(page, settings)):
        assert (article.authors, article.published) == (["Jane Roe"], date(2025, 6, 2))


def test_the_example_pages_byline_names_its_desk_not_the_month(settings: Settings) -> None:
    article = _load_one(EXAMPLES / "putin-offer-mediate-uranium.html", settings)
    assert (article.authors, article.published) == (["Sample Desk"], date(2025, 6, 23))
    assert "Sample Desk" not in article.text


@pytest.mark.parametrize(
    ("fields", "authors"),
    [
        ({"byline": "By Sample Desk, June 23, 2025"}, ["Sample Desk"]),
        ({"byline": "By Jane Roe | Updated 3:45 PM ET, Tue June 3, 2025"}, ["Jane Roe"]),
        ({"author": "Jane Roe, Correspondent"}, ["Jane Roe"]),
        ({"byline": "Par Marie Dupont et Jean Martin"}, ["Marie Dupont", "Jean Martin"]),
        ({"author": "Por Ana López y Luis Gil"}, ["Ana López", "Luis Gil"]),
        ({"author": "JANE ROE and ANNA VAN DER BERG"}, ["Jane Roe", "Anna van der Berg"]),
        ({"author": "MARY MCDONALD, SEAN O’BRIEN"}, ["Mary McDonald", "Sean O’Brien"]),
        ({"author": "Mary Mcdonald"}, ["Mary Mcdonald"]),  # not in capitals: as it is written
        ({"author": ["Di Maio", "Von Trier", "Ortega y Gasset"]}, ["Di Maio", "Von Trier", "Ortega y Gasset"]),
        ({"byline": "By the end of the meeting, the board had raised fees."}, []),
        ({"author": "A. Writer"}, ["A. Writer"]),
        ({"author": "Jane Roe et al."}, ["Jane Roe"]),
        ({"authors": ["Jane Roe", "John Doe", "et al."]}, ["Jane Roe", "John Doe"]),
    ],
)
def test_an_author_field_written_as_a_byline_names_the_people(
    tmp_path: Path, settings: Settings, fields: dict[str, object], authors: list[str]
) -> None:
    path = tmp_path / "record.json"
    path.write_text(json.dumps({"title": "Pier Reopens", "text": "The pier reopened on Monday.", **fields}))
    assert _load_one(path, settings).authors == authors
