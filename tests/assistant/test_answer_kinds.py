"""What a question asks for (a place, a title, a person, a date, a reason...) and whether a
sentence holds it."""

from __future__ import annotations

import pytest

from assistant.answerers.answer_kinds import answer_type, attributes_to, has_answer_type, persons_in, speaker, surnames


def test_a_question_asking_for_a_place_is_answered_by_a_place_it_does_not_name() -> None:
    question = "In which European country is the detained influencer being held?"
    assert answer_type(question) == "place"
    assert answer_type("Which U.S. state passed the law?") == "place"
    assert answer_type("Which city hosted the summit?") == "name"  # no list of cities: any name will do
    assert answer_type("Which city will host the summit?") == "name"  # a city, not a host
    named = "The detained influencer is being held in a jail outside Bucharest, Romania, prosecutors said."
    unnamed = "The detained influencer is being held in a jail outside the capital, prosecutors said."
    assert has_answer_type(named, "place", question)
    assert not has_answer_type(unnamed, "place", question)
    # a place the question names already is not an answer to it
    assert not has_answer_type("Police in Romania said so.", "place", "Why did Romania detain him?")
    # a country named by its people's word answers "which country?", not "which state?"
    country = "Which country did the research balloon come from?"
    assert has_answer_type("The Chinese research balloon drifted east.", "place", country)
    assert not has_answer_type("The Chinese research balloon drifted east.", "place", "Which state saw it?")
    asked = "Which country hosted the Chinese delegation?"
    assert not has_answer_type("The Chinese delegation arrived late.", "place", asked)
    assert has_answer_type("The Chinese delegation arrived in Peru.", "place", asked)


def test_a_question_asking_for_a_title_prefers_a_sentence_quoting_one() -> None:
    question = "Which sitcom made the actor famous?"
    assert answer_type(question) == "title"
    assert answer_type("Which awards show aired on Sunday?") == "title"
    # "film", "movie" describing what is asked for: a company, a person
    assert answer_type("Which movie theater chain changed its ticket prices?") is None
    assert answer_type("Which film star opened the festival?") == "person"
    assert has_answer_type("She became famous on “Harbour Lights,” a sitcom set in a ferry port.", "title", question)
    assert not has_answer_type("She became famous on a sitcom set in a ferry port.", "title", question)
    # a title the question quotes already is not an answer to it
    quoted = 'Who starred in "Harbour Lights"?'
    assert not has_answer_type('She starred in "Harbour Lights" for years.', "title", quoted)


@pytest.mark.parametrize(
    "question",
    [
        "Why was the basin closed?",
        "What forced the closure of the basin?",
        "What caused the outage?",
        "How come the bus is late?",
    ],
)
def test_questions_asking_what_caused_something_ask_for_a_reason(question: str) -> None:
    assert answer_type(question) == "reason"


@pytest.mark.parametrize(
    ("sentence", "gives"),
    [
        ("Boating was banned on Thursday after tests found toxic algae.", True),
        ("The mayor resigned amid a row over expenses.", True),
        ("The strike was triggered by a pay offer.", True),
        ("Teachers voted to strike over pay and class sizes.", True),
        ("The minister resigned, citing ill health.", True),
        ("The basin reopened after the weekend.", False),
        ("Over 100 people came to the strike meeting.", False),
        ("The health office closed the basin on Thursday.", False),
    ],
)
def test_a_reason_is_a_cause_named_in_the_sentence(sentence: str, gives: bool) -> None:
    assert has_answer_type(sentence, "reason", "Why was the basin closed?") is gives


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What did the council decide?", "decision"),
        ("What did the jury decide in the Albin trial?", "decision"),
        ("How did the senators vote?", "decision"),
        ("What was the verdict of the jury?", "decision"),
        ("What did the council decide to spend on roads?", "decision"),
        ("What did the harbour director say about the cranes?", "speech"),
        ("What does the mayor think of the plan?", "speech"),
        ("Who decided to close the bridge?", "person"),
        ("When will the council decide?", "date"),
    ],
)
def test_questions_asking_what_was_decided_or_said_ask_for_it(question: str, kind: str) -> None:
    assert answer_type(question) == kind


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        # the scene is set first; the sentence that asks says what is asked for
        ("The tax office opened the filing season on Monday. When are returns due?", "date"),
        ("The singer broke the record on Sunday with 32 wins. When did she win her first award?", "date"),
        ("Ferry fares rose again this spring. How much does a return ticket cost now?", "money"),
        ("The mayor of Eastport, who won in 2019, resigned. Who will stand in for her?", "person"),
        # no question mark: the last sentence asks ("... may have:")
        ("A study of the harbour floor found the old wreck may have:", None),
        # nothing in the asking sentence: the whole question is read
        ("Which country hosted the summit? Name it.", "place"),
    ],
)
def test_the_sentence_that_asks_says_what_is_asked_for(question: str, kind: str | None) -> None:
    assert answer_type(question) == kind


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What is the death toll of the Harwick flood?", "number"),
        ("what's the final score?", "number"),
        ("What was the turnout in the ferry vote?", "number"),
        ("What is the number of homes evacuated?", "number"),
        ("What will be the cost of the new tram line?", "money"),
        ("What is the price of a return ferry ticket?", "money"),
        ("What is the number one song this week?", None),  # a chart's top, not a figure
        ("What is the mood in Harwick?", None),
    ],
)
def test_a_question_asking_what_a_figure_is_asks_for_a_number(question: str, kind: str | None) -> None:
    assert answer_type(question) == kind


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How old is the ferry captain Ines Marlow?", "age"),
        ("At what age did Marlow join the ferry company?", "age"),
        ("How long did the ferry strike last?", "number"),
    ],
)
def test_a_question_asking_how_old_asks_for_an_age(question: str, kind: str) -> None:
    assert answer_type(question) == kind


@pytest.mark.parametrize(
    ("sentence", "gives"),
    [
        ("Marlow, 61, joined the ferry company as a deckhand.", True),
        ("She retires at 61 after thirty-one years at the helm.", True),
        ("Ines Marlow, a 61-year-old from Harwick, steered the last crossing.", True),
        ("The ferry's first captain, Tom Reyes, was 39 years old when the service began.", False),  # another's
        ("Marlow steered the ferry out at 9 p.m. with 212 passengers.", False),  # a time and a count
    ],
)
def test_an_age_is_told_of_whom_the_question_asks_about(sentence: str, gives: bool) -> None:
    assert has_answer_type(sentence, "age", "How old is the ferry captain Ines Marlow?") is gives
    assert has_answer_type("He was 39 years old.", "age", "How old was he?")  # no name asked: any age


@pytest.mark.parametrize(
    "question",
    [
        "Who opened the new ferry terminal?",
        "Which pop star opened the new ferry terminal?",
        "Which former harbour minister opened the new ferry terminal?",
        "The terminal cost £40m. Which GOP leader opened it?",
    ],
)
def test_a_question_asking_for_a_person_prefers_a_sentence_naming_one(question: str) -> None:
    assert answer_type(question) == "person"
    assert has_answer_type("Singer Marta Gil cut the ribbon on Friday.", "person", question)
    # a body or a place is no person; nor is a person the question names already
    assert not has_answer_type("The Eastport Harbour Authority cut the ribbon.", "person", question)
    assert not has_answer_type("Marta Gil cut the ribbon.", "person", "Which singer joined Marta Gil at the terminal?")


@pytest.mark.parametrize(
    ("sentence", "people"),
    [
        ("This time it was former Vice President Tom Ashby.", ["Tom Ashby"]),  # the name after the office
        ("House Speaker Nora McAllister opened it.", ["Nora McAllister"]),
        ("Chief Justice Ines DeLuca swore her in.", ["Ines DeLuca"]),
        ("Ms. Delgado and Conan O'Malley spoke.", ["Ms. Delgado", "Conan O'Malley"]),
        ("The Eastside Transport Authority met Rosa Delgado in New Mexico.", ["Rosa Delgado"]),
        ("Prime Minister Harold Quayle spoke.", ["Harold Quayle"]),
        ("Brenner was arrested on Thursday.", []),  # a surname alone is a person only where one is known
    ],
)
def test_the_people_a_sentence_names(sentence: str, people: list[str]) -> None:
    assert persons_in(sentence) == people


def test_a_person_named_by_surname_alone_is_known_from_another_sentence() -> None:
    question = "Who was arrested for the boatyard fires?"
    known = surnames(["Aldous Brenner, 34, lives two streets from the yard.", "The yard opened in 1961."])
    assert known == {"Brenner"}
    assert has_answer_type("Brenner was arrested at his sister's flat.", "person", question, known)
    assert not has_answer_type("Brenner was arrested at his sister's flat.", "person", question)
    assert not has_answer_type("The man was arrested at his sister's flat.", "person", question, known)
    assert not has_answer_type("Harwick was quiet.", "person", question, known)  # a place, not a known surname


def test_a_date_the_question_names_already_is_not_an_answer_to_when() -> None:
    question = "The singer broke the record on Sunday. When did she win her first award?"
    assert has_answer_type("She won her first award in 2001.", "date", question)
    assert not has_answer_type("She won four awards on Sunday.", "date", question)
    assert has_answer_type("She won four awards on Sunday, her first in 2001.", "date", question)
    assert has_answer_type("The ferry sails on Monday.", "date", "When does the ferry sail?")


@pytest.mark.parametrize(
    ("sentence", "gives"),
    [
        ("The council voted 5 to 2 to pay the ferry a subsidy.", True),
        ("Jurors convicted him on seven of nine counts.", True),
        ("The board approved the budget on Monday.", True),
        ("The judge dismissed the case.", True),
        ("The trial resumes on Monday with the last witness.", False),
        ("Councillor Osei spoke for an hour.", False),
    ],
)
def test_a_decision_is_told_in_the_sentence(sentence: str, gives: bool) -> None:
    assert has_answer_type(sentence, "decision", "What did the council decide?") is gives


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who won the county cup final?", "winner"),
        ("Which team won the regatta on Saturday?", "winner"),
        ("Which of the two clubs beat the champions?", "winner"),
        ("Who will win the mayoral race?", "winner"),
        ("Who is the new harbour master?", "successor"),  # who took a post: kind of its own
        ("Who was arrested after the fire?", "person"),
    ],
)
def test_a_question_asking_who_won_asks_for_a_winner(question: str, kind: str) -> None:
    assert answer_type(question) == kind


@pytest.mark.parametrize(
    ("sentence", "gives"),
    [
        ("Eastport Rovers beat Northgate 3-1 in the final at the harbour ground.", True),
        ("Northgate fell to Eastport Rovers in extra time.", True),
        ("Eastport Rovers lifted the county cup for the first time since 1998.", True),
        ("The county cup final was everything the semi-final was not: fast, open and loud.", False),  # no result
        ("The team won the final in extra time.", False),  # a result, but no one named
        ("The team won the final on Sunday in March.", False),  # a day and a month are no one
        ("Whoever wins the final will rise to first place in the Harbour League.", False),  # not yet
        ("If Eastport Rovers win on Saturday, they will lift the cup.", False),
        ("Eastport Rovers could beat Northgate for the first time in years.", False),
        ("Eastport Rovers managed to win after a late goal.", True),  # "to win", but done
        ("Eastport Rovers went on to beat Northgate.", True),
        ("Eastport Rovers need to win on Saturday.", False),
    ],
)
def test_a_winner_is_a_result_naming_who(sentence: str, gives: bool) -> None:
    assert has_answer_type(sentence, "winner", "Who won the county cup final?") is gives


@pytest.mark.parametrize(
    ("question", "who"),
    [
        ("What did Marta Olsen say when she collected the harbour prize?", "Olsen"),
        ("what has the harbour master's deputy told the council?", "deputy"),
        ("What did the ferry company's owners say about the fares?", "owners"),
        ("The ferry stopped on Monday. What did the operator say?", "operator"),  # read from the asking sentence
        ("What did she say?", None),  # a pronoun names no one
        ("Who won the county cup final?", None),  # no one's words asked for
    ],
)
def test_the_speaker_a_question_asks_about(question: str, who: str | None) -> None:
    assert speaker(question) == who
    if who:
        assert answer_type(question) == "speech"


@pytest.mark.parametrize(
    ("sentence", "gives"),
    [
        ('"Not one missed sailing in forty winters," says Olsen, holding the prize.', True),
        ('"Not one missed sailing," said Harbour Master Marta Olsen.', True),  # a title between
        ("Olsen, 54, told reporters the ferry would run again by June.", True),
        ("According to Olsen, the ferry will run again by June.", True),
        ("She said the ferry would run again by June.", False),  # "she" may be anyone in another article
        ("Olsen's lawyer said the ferry would run again by June.", False),  # someone else of hers
        ("The council wrote that Olsen's ferry would run again by June.", False),
        ("Olsen runs the island's only ferry and collected the harbour prize.", False),  # about her, not her words
        # her own second verb, a verb of saying
        ("Olsen welcomed the new timetable, but warned that fares would have to rise.", True),
        ("Olsen thanked the crew and said the ferry would run again by June.", True),
        ("The council thanked Olsen over the prize and said the ferry would run again.", False),  # the council's
        ("Olsen's crew welcomed the timetable and said fares would rise.", False),
    ],
)
def test_words_are_given_to_the_speaker_asked_about(sentence: str, gives: bool) -> None:
    question = "What did Marta Olsen say about the ferry?"
    assert attributes_to(sentence, "Olsen") is gives
    assert has_answer_type(sentence, "speech", question) is gives


@pytest.mark.parametrize(
    ("sentence", "who"),
    [
        ('"The tanks must come soon," President Volodymyr Zelenskyy said.', "Zelensky"),
        ('"The tanks must come soon," said Zelenskiy.', "Zelenskyy"),
        ('"We face a disaster," Recep Tayyip Erdoğan said.', "Erdogan"),
    ],
)
def test_words_are_given_to_the_speaker_spelled_another_way(sentence: str, who: str) -> None:
    assert attributes_to(sentence, who)
    assert not attributes_to(sentence, who + "son")  # another name


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who is the new harbour master?", "successor"),
        ("who's the next mayor of Eastport?", "successor"),
        ("Who will replace the retiring coach?", "successor"),
        ("Who was elected chair of the ferry board?", "successor"),
        ("Who was arrested after the fire?", "person"),  # no post taken
        ("Who is the harbour master?", "person"),  # who holds it, not who is new to it
    ],
)
def test_a_question_asking_who_took_a_post_asks_for_a_successor(question: str, kind: str) -> None:
    assert answer_type(question) == kind


@pytest.mark.parametrize(
    ("sentence", "gives"),
    [
        ("Councillors elected Marta Olsen harbour master on Tuesday after a single round of voting.", True),
        ("Marta Olsen became harbour master on Monday, the first woman in the post.", True),
        ("Marta Olsen has been named harbour master.", True),
        ("Marta Olsen needs 12 votes to be elected harbour master.", False),  # not yet
        ("If elected, Marta Olsen would become the first woman in the post.", False),
        ("The council elected a new harbour master on Tuesday.", False),  # no one named
        ("Marta Olsen, a ferry skipper for 40 years, spoke at the harbour on Tuesday.", False),  # no post taken
    ],
)
def test_a_successor_is_told_taking_the_post_and_named(sentence: str, gives: bool) -> None:
    assert has_answer_type(sentence, "successor", "Who is the new harbour master?") is gives
