"""A question cased as the stored articles write its words, and the counts kept in step with the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.casing import Casing, tells_case
from assistant.services import Services

# Written for these tests: a small town's news, its names used inside sentences.
NEWS = """
The ferry to Dunmore Island runs again after the council in Harwick voted on Monday.
Officials in Harwick said the ferry would run twice a day, and the MLB scout on board agreed.
A spokesman for McAllister said the new timetable suits the islanders, and McAllister agreed.
On Tuesday, residents of Dunmore Island met McAllister at the harbour, where the ferry docks.
Fishermen in Harwick, Dunmore Island and Lowther say the ferry helps; the MLB draft does not.
The council said the ferry costs more than the bus, and the council will vote again in March.
Asked about the fares, the council did not say when they would change; residents say they did not ask
about them before, caring more about the timetable, and an MLB team's owner who lives in Lowther did not say either.
See https://example.org/harwick-ferry-timetable for the timetable, or ask at the new harbour office.
"""


@pytest.fixture
def casing() -> Casing:
    counts = Casing()
    counts.add(NEWS)
    return counts


@pytest.mark.parametrize(
    ("question", "restored"),
    [
        # typed in lower case: the names take the articles' capitals, sentences their first capital
        ("what did the council in harwick decide?", "What did the council in Harwick decide?"),
        ("when does the dunmore island ferry run?", "When does the Dunmore Island ferry run?"),
        (
            "what did mcallister's spokesman say? who is the mlb scout?",
            "What did McAllister's spokesman say? Who is the MLB scout?",
        ),
        # title case or capitals: past a sentence's first word, the words the articles capitalise take
        # their form, any other is written small, one they never use too (no name to look for)
        (
            "What Did The Council In Harwick Say About The Kirkby Ferry?",
            "What did the council in Harwick say about the kirkby ferry?",
        ),
        ("WHAT DID MCALLISTER SAY ABOUT THE FERRY?", "WHAT did McAllister say about the ferry?"),
        # sentence case with a name: the writer's capitals stand, even a word left small
        ("What did McAllister say in harwick?", "What did McAllister say in harwick?"),
        # words the articles seldom write, or only in a web address, stay as typed
        ("did the timetable change in lowther or kirkby?", "Did the timetable change in lowther or kirkby?"),
    ],
)
def test_a_question_is_cased_as_the_articles_write_its_words(casing: Casing, question: str, restored: str) -> None:
    assert casing.restore(question) == restored


def test_a_word_the_articles_capitalise_only_at_times_is_no_name() -> None:
    casing = Casing()
    casing.add("Fishermen met at the Harbour Board, walked along the harbour, and the Harbour Board agreed.")
    assert casing.capitalised_share("harbour") == pytest.approx(2 / 3)
    # typed in lower case it stays small; in title case it loses its capital, as "sits" does
    assert casing.restore("who sits on the harbour board?") == "Who sits on the harbour board?"
    assert casing.restore("Who Sits On The Harbour Board?") == "Who sits on the harbour board?"


def test_how_often_a_word_is_capitalised_inside_a_sentence(casing: Casing) -> None:
    assert casing.capitalised_share("harwick") == 1.0  # "in Harwick", "Officials in Harwick", "in Harwick,"
    assert casing.capitalised_share("ferry") == 0.0  # "The ferry" opens no sentence here: only lower case
    assert casing.capitalised_share("council") == 0.0  # "The council said" opens a sentence: not counted
    assert casing.capitalised_share("lowther") is None  # written once
    assert casing.capitalised_share("example") is None  # only in a web address


def test_text_taken_back_is_no_longer_counted(casing: Casing) -> None:
    casing.remove(NEWS)
    assert casing.capitalised_share("harwick") is None and casing.capitalised_share("ferry") is None
    assert casing.restore("what did the council in harwick decide?") == "What did the council in harwick decide?"


@pytest.mark.parametrize(
    ("question", "told"),
    [
        ("What did McAllister say?", True),
        ("Who is Biden?", True),  # "is" is no word title case leaves small
        ("what did mcallister say?", True),  # lower case: every capital would be written
        ("What Is the Latest on the Debt Ceiling?", False),  # title case: "the", "on" left small
        ("WHAT DID MCALLISTER SAY?", False),
    ],
)
def test_whether_a_question_tells_its_names_by_its_capitals(question: str, told: bool) -> None:
    assert tells_case(question) is told


def test_the_index_counts_the_casing_of_the_passages_it_holds(services: Services, tmp_path: Path) -> None:
    article = tmp_path / "ferry.txt"
    article.write_text("Ferry returns to Dunmore Island\n\n" + NEWS, encoding="utf-8")
    services.ingest([str(article)])
    lexical = services.lexical
    lexical.refresh()
    assert lexical.casing.capitalised_share("harwick") == 1.0
    assert lexical.casing.restore("who runs the harwick ferry?") == "Who runs the Harwick ferry?"
    article_id = next(iter(lexical.live_hashes))
    services.store.delete_article(article_id)
    lexical.refresh()
    assert lexical.casing.capitalised_share("harwick") is None
