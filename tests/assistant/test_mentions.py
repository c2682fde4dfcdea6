"""Which names a question asks about, and whether passages mention them."""

from __future__ import annotations

import pytest

from assistant.mentions import names_asked, unmentioned
from assistant.records import Passage


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("What did Medvedev say about China?", ["Medvedev", "China"]),
        ("What did Medvedev say about Iran, the Iran deal and Ukraine?", ["Medvedev", "Iran", "Ukraine"]),
        (
            "Kansas City Chiefs star Travis Kelce fired back at Cincinnati Mayor Aftab Pureval after the game?",
            ["Kansas City Chiefs", "Travis Kelce", "Cincinnati Mayor Aftab Pureval"],
        ),
        ("Who holds the Guinness Book of World Records entry?", ["Guinness Book of World Records"]),
        ("How did the Chiefs and the Eagles do?", ["Chiefs", "Eagles"]),
        ("What happened on Monday in the U.S. Senate in January?", ["U.S. Senate"]),  # not days, months
        ("Voters in Paris backed a ban. What did Mr. Hidalgo say?", ["Paris", "Hidalgo"]),  # "Mr." counts for nothing
        ("A NASA orbiter saw craters on Mars.", ["NASA", "Mars"]),  # not "A"
        ("Did Dr. Smith visit St. Louis?", ["Dr. Smith", "St. Louis"]),
        ("Which national holiday was celebrated this week?", []),
        ("Which South Asian country uses the Chinese zodiac? True or False?", []),  # describing words, answers
        ("Did the UK and the EU agree on TV rights?", []),
        ('She retired on "Good Morning America." Why?', ["Good Morning America"]),  # "America" within a name
        ("Which Boris Johnson-era slogan did UN-backed Tory MPs drop?", ["Boris Johnson", "Tory MPs"]),
        ("Power was lost across the Southern US and in America’s north.", []),
        ("About 7,000 people went on strike in New York City this week.", ["New York City"]),
        ("What Did Putin Offer Iran?", []),  # title case: which words are names is not written
        ("WHAT DID PUTIN OFFER?", []),
        ("What Is the Latest on the Debt Ceiling?", []),  # title case leaves "the" and "on" small
        ("Who is Biden?", ["Biden"]),  # "is": sentence case
        ("¿Quién ganó en Madrid?", ["Madrid"]),  # a sentence opens after "¿": "Quién" is its first word
        # names ending as a people's word may ("Erdogan", "Ardern", "Djokovic"); a people's word is no name
        ("What did Erdogan say about the quake?", ["Erdogan"]),
        ("Why did Jacinda Ardern resign?", ["Jacinda Ardern"]),
        ("Did Djokovic win in Melbourne?", ["Djokovic", "Melbourne"]),
        ("A French woman named Lucile Randon died. How old was she?", ["Lucile Randon"]),
        ("Which song was banned from Welsh stadiums by Republican lawmakers?", []),
    ],
)
def test_the_names_a_question_asks_about(question: str, names: list[str]) -> None:
    assert names_asked(question) == names


def passage(title: str, text: str) -> Passage:
    return Passage(title, title, title, None, None, None, text, 0, len(text))


def test_a_name_is_mentioned_by_a_passage_holding_its_last_word_and_half_its_words() -> None:
    passages = [
        passage("Ferry Fares Rise", "Prince Harry rode the ferry with Travis Scott."),
        passage("Records", "Guinness World Records listed the pier, in Cincinnati."),
    ]
    question = "Did Prince Harry, Travis Kelce, Aftab Pureval or the Guinness Book of World Records visit Cincinnati?"
    assert unmentioned(question, passages) == ["Travis Kelce", "Aftab Pureval"]
    assert unmentioned("What did the Ferry Board decide?", passages) == ["Ferry Board"]
    assert unmentioned("What did Harry's ferries cost?", passages) == []  # stemmed, as search counts words


@pytest.mark.parametrize(
    ("question", "text"),
    [
        ("What did Zelensky say?", "President Volodymyr Zelenskyy spoke in Kyiv."),  # "y" or "yy"
        ("What did Zelenskiy say?", "President Volodymyr Zelensky spoke in Kyiv."),  # "iy" or "y"
        ("What did Zoe Muller say?", "The choir's leader, Zoë Müller, spoke at the quay."),  # accents
        ("What did Zoë Müller say?", "The choir's leader, Zoe Muller, spoke at the quay."),
        ("What did Muammar Gadafi say?", "Muammar Gaddafi spoke in Tripoli."),  # a letter doubled
    ],
)
def test_a_name_spelled_another_way_is_mentioned(question: str, text: str) -> None:
    assert names_asked(question)
    assert unmentioned(question, [passage("Speeches", text)]) == []


def test_names_spelled_alike_but_not_the_same_are_not_one() -> None:
    assert unmentioned("What did Boris Johnston say?", [passage("Speeches", "Boris Johnson spoke.")]) == [
        "Boris Johnston"
    ]
