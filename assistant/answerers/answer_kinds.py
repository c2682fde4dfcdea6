"""What a question asks for, and whether a sentence holds something of that kind.

"How much did the bridge cost?" asks for money, "When will the ferry run again?" for a date,
"Which country sent the balloon?" for a place, "Which pop star ...?" for a person. The extractive
answerer prefers sentences that hold something of the asked-for kind the question does not
already name.

    >>> answer_type("Which state passed the law?")
    'place'
    >>> has_answer_type("The law passed in Ohio on Monday.", "place", "Which state passed the law?")
    True
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable, Iterable

from assistant.answerers.quotations import is_speech
from assistant.mentions import mentions
from assistant.places import countries_described, places_in
from assistant.terms import spelling
from ingest.chunking import split_sentences

# Someone's age: "45-year-old", "aged 45", "retires at 45", "Ardern, 42, said", "turns 115" (not "at 9
# p.m.", "at 3.5%").
_AGE = re.compile(
    r"\b\d{1,3}[- ]years?[- ]old\b|\baged? \d{1,3}\b|\bturn(?:s|ed|ing)? \d{1,3}\b|, \d{1,3},"
    r"|\bat \d{1,3}\b(?![.,:]\d|\s*(?:%|percent|a\.m|p\.m|am\b|pm\b|o'clock|mph|degrees|points?|yards?|miles?))",
    re.I,
)
_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"hundred|thousand|million|billion|trillion|dozen|half)\b",
    re.I,
)
_DATE = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|"
    r"nov(?:ember)?|dec(?:ember)?|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"yesterday|today|(?:19|20)\d\d)\b",
    re.I,
)
# A work's title in quotes: “Laverne & Shirley”, "The Fabelmans".
_QUOTED_TITLE = re.compile(r"[“\"]([A-Z][^”\"]{0,80})[”\"]")
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")
# A run of capitalised words, maybe with an initial ("Marta J. Gil") or a title ("Ms. Whitfield"):
# a person's name when it is two or three words none of which names a body, a place or a time.
_TITLE = r"(?:Mr|Mrs|Ms|Dr|Sen|Gov|Rep)\.|(?:Judge|Mayor)\b"
_WORD = (
    r"(?:O['’])?[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:[\-’'][A-Z]?[a-z]+)?"  # "Delgado", "McCarthy", "O'Neill", "Jean-Pierre"
)
_NAME_RUN = re.compile(rf"(?:(?P<title>{_TITLE})\s+)?(?P<name>{_WORD}(?:\s+(?:[A-Z]\.\s+)?{_WORD})*)")
# Words that make two capitalised words a body, a place, a time or a sentence's start, not a person.
_NOT_PERSON_WORDS = """the a an in on at for of by and but if as this that these those it its his her their our after before
    when while with from to he she they we i authority union board council department company corp inc ltd
    party ministry university college school club bank agency court regional transit city county state
    national local street road avenue hotel systems news times post wire group association committee
    commission office service services center centre hospital church museum library airport station bridge
    river lake park north south east west northern southern eastern western new united republic federal
    democrats republicans democratic republican house senate congress parliament government police fire
    airlines motors energy capital fund foundation institute press media tv radio cup league championship
    festival day week year"""
# Words of an office or a rank before a name: "Vice President Mike Pence", "Chief Justice John Roberts"
_OFFICE_WORDS = """former late vice president prime minister foreign finance defence defense secretary senator governor
    chancellor speaker chief justice general sergeant detective officer director coach judge mayor king queen
    prince princess pope lord lady sir dame pastor reverend father sister professor doctor captain commander
    ambassador attorney chairman chairwoman chair leader representative majority minority first"""
_OFFICES = frozenset(_OFFICE_WORDS.split())
_NOT_PERSON = frozenset(
    [*_NOT_PERSON_WORDS.split(), *(name.lower() for name in (*calendar.day_name, *calendar.month_name[1:]))]
)
_MONEY = re.compile(
    r"[$€£¥]\s?\d|\d[\d,.]*\s*(?:million|billion|trillion|bn|m)?\s*(?:dollars|euros|pounds|yen|yuan|rupees|francs)\b"
    r"|\b\d[\d,.]*\s*(?:million|billion|trillion)\b",
    re.I,
)
# Words that give a reason or a consequence: what a "why" question is answered with.
_REASON = re.compile(
    r"\b(?:because|since|due to|owing to|as a result|so that|in order to|for fear|given that|would|could|risks?|"
    r"costly|to avoid|to prevent|aims? to|means? that|amid|in response to|prompted|triggered|caused by|blamed|"
    r"after (?:[\w-]+ ){0,3}(?:found|showed|revealed|discovered|detected)|citing|in protest|"
    r"(?:strik\w*|protest\w*|rows?|disputes?|resign\w*|quit|walk\w* out|clash\w*|sued|suing|fired|sacked|arrested|"
    r"charged)\s+(?:over|for)\b)\b",
    re.I,
)
# Words that tell what was decided: what "what did the council decide?" is answered with.
_DECISION = re.compile(
    r"\b(?:vot(?:ed|es)|approv(?:ed|es)|agreed|decided|ruled|rejected|chose|adopted|passed|ordered|awarded|"
    r"convicted|acquitted|sentenced|found (?:\w+ ){0,3}(?:guilty|liable)|backed|endorsed|upheld|overturned|blocked|"
    r"struck down|dismissed|scrapped|delayed|postponed|cancell?ed|settled)\b",
    re.I,
)
# Words that tell who won: what "who won the final?" is answered with.
_RESULT = re.compile(
    r"\b(?:won|wins|beat|beats|defeated|edged|routed|crushed|topped|clinched|triumphed|victory|victorious|"
    r"took home|claimed|captured|lifted|lost to|fell to|champions?|(?:managed|went on) to (?:win|beat))\b",
    re.I,
)
# Words that tell who took a post: what "who is the new speaker?" is answered with.
_TOOK_POST = re.compile(
    r"\b(?:elected|named|appointed|chosen|picked|tapped|sworn in|became|becomes|succeeded|succeeds|replaced|"
    r"replaces|took over|takes over|clinched|won|wins|secured)\b",
    re.I,
)
# A result that has not happened: "whoever wins the final", "if Eastport win", "could beat", "needs to be elected".
_NOT_YET = frozenset(["whoever", "if", "will", "would", "could", "might", "may", "can", "to", "unless"])


def _tells_result(sentence: str, result: re.Pattern[str] = _RESULT) -> bool:
    """Whether ``sentence`` tells a result, not one that may come ("Whoever wins the final ...")."""
    return any(
        not _NOT_YET.intersection(re.findall(r"[\w']+", sentence[: match.start()].lower())[-2:])
        for match in result.finditer(sentence)
    )


# Who a "which ...?" question asks for when it asks for a person ("which pop star", "which GOP leader").
_PERSON_NOUNS = (
    r"person|man|woman|people|star|superstar|singer|artist|actor|actress|athlete|player|leader|politician|"
    r"figure|billionaire|wrestler|minister|president|senator|governor|lawmaker|rapper|musician|celebrity|"
    r"author|writer|director|executive|official|icon|chef|comedian|host|presenter|royal|candidate|"
    r"republican|democrat"
)
# Up to two words describing what "which" asks for ("which former GOP leader"), not a verb
# ("which city will host ..." asks for a city, not a host)
_DESCRIBING_WORDS = (
    r"(?:(?!(?:will|would|is|was|are|were|has|have|had|did|does|do|can|could|should|to)\b)[\w.’'-]+ ){0,2}"
)
# Words after "film", "movie", "show" that make it describe something else: "which movie theater
# chain" asks for a company, "which film star" for a person, not for a title
_NOT_TITLE_HEADS = (
    r"theat(?:er|re)s?|studios?|chains?|compan(?:y|ies)|franchises?|festivals?|industry|networks?|services?|"
    r"platforms?|awards?|critics?|characters?|makers?|" + _PERSON_NOUNS
)
# The verbs of a question asking for someone's words: "What did she say?", "What has he told them?"
_ASKING_WORDS = (
    r"(?:say|said|tell|told|write|written|argue|argued|claim|claimed|announce|announced|warn|warned|think|"
    r"believe|mean|suggest|suggested|propose|proposed|promise|promised)"
)
_ANSWER_TYPES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\bhow much\b.*\b(?:cost|costs|spend|spent|pay|paid|worth|price|raise|raised|fund|funding|budget|fine|charge|money)\b"
            r"|\bhow much money\b|\bwhat (?:price|amount of money)\b"
            r"|\bwhat(?:'s| is| was| are| were| will be) the (?:[\w-]+ ){0,2}(?:price|cost|bill|fine|salary|budget)s?\b",
            re.I,
        ),
        "money",
    ),
    (re.compile(r"\bhow old\b|\b(?:what|which) age\b", re.I), "age"),
    (
        re.compile(
            r"\bhow (?:much|many|long|far|big|large|tall|often)\b|\bwhat (?:percentage|share|number|amount|price)\b"
            # "What is the death toll?", "what was the final score?": a figure
            r"|\bwhat(?:'s| is| was| are| were| will be) the (?:[\w-]+ ){0,2}"
            r"(?:(?:toll|tally|count|total|rate|score|figure|turnout|population|percentage)s?|number of)\b",
            re.I,
        ),
        "number",
    ),
    (re.compile(r"^\s*when\b|\b(?:what|which) (?:year|date|day|month)\b", re.I), "date"),
    (re.compile(r"\b(?:what|which) (?:[\w.]+ ){0,2}(?:country|countries|nation|states?)\b", re.I), "place"),
    (
        re.compile(
            r"\b(?:what|which) (?:[\w.]+ ){0,2}(?:film|movie|show|sitcom|series|song|album|book|memoir|novel|play|musical)s?\b"
            rf"(?!\s+(?:{_NOT_TITLE_HEADS}))",
            re.I,
        ),
        "title",
    ),
    (
        re.compile(
            r"^\s*who (?:won|wins|will win|beat|defeated|took home|claimed|clinched)\b"
            r"|\b(?:what|which) (?:[\w.’'-]+ ){0,4}(?:won|wins|will win|beat|defeated)\b",
            re.I,
        ),
        "winner",
    ),
    (
        re.compile(
            r"^\s*who(?:'s| is| was| will be| has become| became) (?:the |their |its )?(?:new|next)\b"
            r"|^\s*who (?:replaced|replaces|will replace|succeeded|succeeds|will succeed|took over|takes over|will take over)\b"
            r"|^\s*who (?:was|has been|will be|is being|got) (?:elected|named|appointed|chosen|picked|tapped|sworn in)\b",
            re.I,
        ),
        "successor",
    ),
    (re.compile(rf"^\s*(?:who|whom|whose)\b|\bwhich {_DESCRIBING_WORDS}(?:{_PERSON_NOUNS})\b", re.I), "person"),
    (re.compile(r"\bwhich (?:company|team|city|group)\b", re.I), "name"),
    (
        re.compile(
            r"\bwhat (?:did|does|do|will|would|has|have|had) (?:[\w'.-]+ ){1,5}(?:decide|rule|vote|agree|conclude)\b"
            r"|\bwhat (?:was|is|were|are) the (?:[\w'.-]+ ){0,3}(?:decision|ruling|verdict|outcome|result) of\b"
            r"|\bhow did (?:[\w'.-]+ ){1,5}(?:decide|rule|vote)\b",
            re.I,
        ),
        "decision",
    ),
    (
        re.compile(
            r"^\s*what (?:did|does|do|has|have|had|will|would) (?:[\w'.-]+ ){1,6}"
            rf"{_ASKING_WORDS}\b",
            re.I,
        ),
        "speech",
    ),
    (
        re.compile(
            r"^\s*why\b|\b(?:what|which) (?:is|was|are|were) the reasons?\b|\bfor what reason\b|\bhow come\b"
            r"|^\s*what (?:forced|caused|led to|prompted|triggered|drove|made)\b",
            re.I,
        ),
        "reason",
    ),
]


def answer_type(question: str) -> str | None:
    """What kind of thing the question asks for: money, a number, a date, a place (a country or a
    U.S. state), a title (of a film, a show, a book...), a winner ("who won the final?": a result
    and who it names), a person ("who", "which pop star"), another
    name ("which team"), a decision, what someone said, a reason; None when unclear. Read from the
    sentence that asks when the question sets the scene first ("The IRS opened the filing season
    on Monday. When are returns due?" asks for a date), else from the whole question."""
    for text in (asking_sentence(question), question):
        for pattern, kind in _ANSWER_TYPES:
            if pattern.search(text):
                return kind
    return None


def asking_sentence(question: str) -> str:
    """The sentence of ``question`` that asks: the last one ending in a question mark, else the last."""
    question = question.strip()
    sentences = [question[s:e].strip() for s, e in split_sentences(question)] or [question]
    asking = [s for s in sentences if s.rstrip(" \"'”’)").endswith("?")]
    return (asking or sentences)[-1]


def has_answer_type(sentence: str, kind: str | None, question: str, known: frozenset[str] = frozenset()) -> bool:
    """True when the sentence holds something of the asked-for kind that the question does not.
    ``known``: the surnames of people named in full nearby (:func:`surnames`), a person when named
    alone ("Kohberger was arrested", after "Bryan Kohberger, 28, ...")."""
    if kind == "person":
        asked = question.lower()
        return any(person.lower() not in asked for person in persons_in(sentence, known))
    if kind == "money":
        return bool(_MONEY.search(sentence))
    if kind == "number":
        return bool(_NUMBER.search(sentence))
    if kind == "age":  # an age, told of whom the question names ("He retires at age 45"; not another's)
        return bool(_AGE.search(sentence)) and _of_whom_asked(sentence, question)
    if kind == "reason":
        return bool(_REASON.search(sentence))
    if kind == "decision":
        return bool(_DECISION.search(sentence))
    if kind == "speech":  # words given to whom the question asks about ("says Yeoh"), or any words said
        who = speaker(question)
        return attributes_to(sentence, who) if who else is_speech(sentence)
    if kind == "winner":  # a result, and who it names that the question does not (not a day: "on Sunday")
        asked = question.lower()
        named = [n for n in _CAPITALISED.findall(sentence) if n.lower() not in _NOT_PERSON]
        return _tells_result(sentence) and any(n.lower() not in asked for n in named)
    if kind == "successor":  # who took the post, named, and not already in the question
        asked = question.lower()
        return _tells_result(sentence, _TOOK_POST) and any(p.lower() not in asked for p in persons_in(sentence))
    if kind == "place":
        return bool(_places_named(sentence, question) - _asked_places(question))
    found = _FINDERS.get(kind or "")  # things named in a sentence, of the kinds the question may name too
    asked = question.lower()
    return found is not None and any(thing.lower() not in asked for thing in found(sentence))


# "What did Michelle Yeoh say in her speech?", "what has the Fed's chair told Congress?": who spoke.
_SPEAKER = re.compile(
    r"^\s*what (?:did|does|do|has|have|had|will|would) (?P<who>(?:[\w'’.-]+ ){0,5}?[\w'’.-]+) "
    rf"{_ASKING_WORDS}\b",
    re.I,
)
# The verbs that give words to whoever stands next to them: "says Yeoh", "Biden told reporters"
# (not "announced", "posted": "Brady announced his retirement" gives no words of his).
_SAYING = (
    r"(?:said|says|say|told|tells|added|adds|wrote|writes|argued|argues|warned|warns|stressed|noted|"
    r"insisted|explained|asked|tweeted|replied|recalled|admitted|conceded)"
)


@functools.lru_cache(maxsize=64)
def speaker(question: str) -> str | None:
    """The last word of whom a "what did ... say?" question asks about ("Yeoh", "chair"), without
    its "'s"; None for a question asking no one's words, or only a "he" or "she"'s."""
    match = _SPEAKER.search(asking_sentence(question))
    if not match:
        return None
    last = re.split(r"\s+", match.group("who"))[-1]
    last = re.sub(r"['’]s?$", "", last)
    return None if last.lower() in ("he", "she", "they", "it") else last


def attributes_to(sentence: str, who: str) -> bool:
    """Whether ``sentence`` gives words to ``who``: a verb of saying within three words after the
    name ("Yeoh said", "Biden, 80, told"), or just before it, titles between ("says Yeoh", "said
    Fed Chair Jerome Powell"), or "according to" it; not to someone else of theirs ("Biden's lawyer
    said", "wrote that Biden's handling"), nor to a "he" or "she", who may be anyone in another
    article ("But he said no one ..."). The name as any of its spellings: "Zelensky" is "Zelenskyy",
    "Erdogan" "Erdoğan"."""
    key = spelling(who)  # the name as written in the sentence, whichever way it is spelled
    sentence = re.sub(r"\w+", lambda word: who if spelling(word.group()) == key else word.group(), sentence)
    name = rf"{re.escape(who)}(?!['’\w])"
    after = rf"\b{name},?(?:\s+[^\s.!?]+){{0,3}}?\s+{_SAYING}\b"
    before = rf"\b(?:{_SAYING}|according to)\s+(?:(?-i:[A-Z][\w.’'-]*)\s+){{0,4}}?{name}"
    # the name's own second verb: "Zelenskyy welcomed the decision, but stressed that ..."
    then = rf"\b{name}\s+\w+(?:ed|s)\b[^.!?;]{{0,150}}?\s(?:and|but)\s+(?:also\s+)?{_SAYING}\b"
    return re.search(f"{after}|{before}|{then}", sentence, re.I) is not None


def _of_whom_asked(sentence: str, question: str) -> bool:
    """Whether ``sentence`` tells of the person ``question`` names: it mentions them (their surname,
    in any spelling: :func:`~assistant.mentions.mentions`) or speaks of someone as "he" or "she";
    True when the question names no one."""
    people = persons_in(question)
    if not people or _PERSONAL_PRONOUN.search(sentence):
        return True
    return any(mentions(sentence, person) for person in people)


_PERSONAL_PRONOUN = re.compile(r"\b(?:he|she|him|her|his|hers)\b", re.I)


def persons_in(sentence: str, known: frozenset[str] = frozenset()) -> list[str]:
    """The people a sentence names: a first name and a surname, or a title and a surname, or one of
    the ``known`` surnames alone; not a body ("Transit Authority"), a place ("New Mexico"), a date
    or a sentence's first words."""
    people = []
    for match in _NAME_RUN.finditer(sentence):
        if match.group("name").endswith(("'s", "’s")):
            continue  # "Eastside's drivers"
        tokens = match.group("name").split()
        offices = 0  # "Former Vice President Mike Pence", "House Speaker Kevin McCarthy": the name after the office
        while len(tokens) - offices > 2 and (
            tokens[offices].lower() in _OFFICES
            or (tokens[offices].lower() in _NOT_PERSON and tokens[offices + 1].lower() in _OFFICES)
        ):
            offices += 1
        words = re.findall(r"[A-Za-z]{2,}", " ".join(tokens[offices:]))
        name = " ".join(tokens[offices:]) if offices else match.group(0)  # with its title ("Ms. Delgado")
        if not (2 <= len(words) <= 3 or (len(words) == 1 and (match.group("title") or words[0] in known))):
            continue  # one word ("Eastside"), or a body's long name ("Eastside Transport Authority Board")
        if any(word.lower() in _NOT_PERSON for word in words) or places_in(name):
            continue
        people.append(name)
    return people


def surnames(sentences: Iterable[str]) -> frozenset[str]:
    """The surnames of the people the sentences name in full ("Kohberger" of "Bryan Kohberger")."""
    return frozenset(
        re.findall(r"[A-Za-z]{2,}", person)[-1] for sentence in sentences for person in persons_in(sentence)
    )


_FINDERS: dict[str, Callable[[str], list[str]]] = {
    "date": _DATE.findall,
    "title": _QUOTED_TITLE.findall,
    "name": _CAPITALISED.findall,
}


_ASKS_FOR_A_COUNTRY = re.compile(r"\b(?:country|countries|nation)\b", re.I)


def _places_named(text: str, question: str) -> set[str]:
    """The places ``text`` names; for a question asking for a country, also the countries it
    names by their people's word ("the Chinese balloon" answers "which country's balloon?")."""
    found = places_in(text)
    if _ASKS_FOR_A_COUNTRY.search(question):
        found |= countries_described(text)
    return found


@functools.lru_cache(maxsize=64)
def _asked_places(question: str) -> frozenset[str]:
    """The places a question names, found once for all the sentences scored against it."""
    return frozenset(_places_named(question, question))
