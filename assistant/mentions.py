"""The names a question asks about, and which of them the passages found never mention.

"What did Medvedev say about China?" over articles that never name China is best answered by
saying so: the sentences about Medvedev that come closest are not what he said about China.
A name is a run of capitalised words within the question ("Aftab Pureval", "Guinness Book of
World Records"), not a month's or weekday's name; it is mentioned when one passage holds its
last word and half its words (stemmed, as search counts them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.casing import tells_case
from assistant.places import NATIONALITIES, places_in
from assistant.records import Passage
from assistant.terms import QUESTION_WORDS, spelling, terms
from ingest.dates import is_month_name, is_weekday_name

_WORD = re.compile(r"[\w'’.&-]*\w\.?|\S")
_JOINING = frozenset({"of", "de", "del", "da", "di", "van", "von", "the"})  # inside a name: "Bank of England"
_LEADING = frozenset({"a", "an", "the", "this", "that", "these", "those", "mr.", "mrs.", "ms."})  # not of a name
# Capitalised, but no name to look for when standing alone ("Good Morning America" is one): letters
# the news also writes dotted ("UK", "U.K."), countries it names in several ways ("Britain", "the
# UK"), titles of office, answers to a quiz
_NOT_NAMES = frozenset(
    [
        "TV",
        "AI",
        "UK",
        "Britain",
        "US",
        "USA",
        "America",
        "EU",
        "UN",
        "PM",
        "MP",
        "MPs",
        "CEO",
        "GDP",
        "True",
        "False",
        "Yes",
        "No",
    ]
)
# A nationality or region as a word describing the next ("Chinese zodiac", "South Asian country"):
# the news may name the country instead
# A people's or a region's word, describing what follows ("Chinese zodiac", "Southern storms",
# "Republican lawmakers"): a nationality, a word ending as only such words do ("Taiwanese",
# "Amish"), or one of these; not a name that ends like one ("Erdogan", "Ardern", "Djokovic", "Celine")
_DESCRIBING = re.compile(r"\w+(?:ese|ish)")
_PEOPLES_AND_REGIONS = frozenset(NATIONALITIES) | {
    "African",
    "Alpine",
    "American",
    "Arab",
    "Arctic",
    "Asian",
    "Atlantic",
    "Balkan",
    "Baltic",
    "Caribbean",
    "Catholic",
    "Central",
    "Democratic",
    "Eastern",
    "European",
    "Hispanic",
    "Islamic",
    "Korean",
    "Latin",
    "Mediterranean",
    "Muslim",
    "Nordic",
    "Northern",
    "Olympic",
    "Pacific",
    "Republican",
    "Southern",
    "Welsh",
    "Western",
}
_ABBREVIATION = re.compile(r"(?:\w\.){2,}|(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gov|Sen|Rep|Gen|Col|Lt|Capt|Prof|No)\.")


def names_asked(question: str) -> list[str]:
    """The names in ``question``, as written: runs of capitalised words ("Travis Kelce", "Bank of
    England"); a sentence's first word only when the next word is capitalised too ("Kansas City
    Chiefs", not "Voters"). Not a nationality describing the next word ("Chinese zodiac"), nor a
    word standing alone that :data:`_NOT_NAMES` lists; "Johnson-era" is "Johnson", "America’s"
    "America". None in a question written in title case or capitals."""
    if not tells_case(question):
        return []  # "What Did Putin Offer Iran?", "WHAT DID PUTIN OFFER?": which words are names is not written
    tokens = _WORD.findall(question)
    runs: list[list[str]] = []
    run: list[str] = []

    def close(following: str) -> None:
        nonlocal run
        while run and (run[-1].lower() in _JOINING or not terms(run[-1])):  # "the" after a name, "A" before
            run.pop()
        while run and run[0].lower() in _LEADING:
            run.pop(0)
        describing = bool(run) and _describing(run[-1])
        if run and not (len(run) == 1 and run[0] in _NOT_NAMES) and not (describing and following[:1].islower()):
            runs.append(run)
        run = []

    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        word, describes = _name_part(token)
        starts_sentence = i == 0 or _ends_sentence(tokens[i - 1])
        if _is_name_word(word) and (
            not starts_sentence or (_is_name_word(_name_part(following)[0]) and not _ends_sentence(token))
        ):
            run.append(word)
            if describes:  # "Boris Johnson-era slogan": the name ends there
                close("")
        elif run and token.lower() in _JOINING:
            run.append(token)
        else:
            close(token)
        if _ends_sentence(token):
            close("")
    close("")
    names = []
    for words in runs:
        if len(words) == 1 and _describing(words[0]):
            continue  # "Southern", "European", "Alpine" alone: a region's or people's word, not a name
        name = " ".join(words)
        if name not in names:
            names.append(name)
    return names


def _name_part(token: str) -> tuple[str, bool]:
    """The word a token gives a name, and whether the token goes on to describe something with
    it: "Johnson-era" is ("Johnson", True), "America’s" ("America", False), "U.S." itself."""
    if _ABBREVIATION.fullmatch(token):
        return token, False
    word = re.sub(r"['’]s$", "", token.rstrip("."))
    head, dash, tail = word.rpartition("-")
    if dash and head and tail[:1].islower():
        return head, True
    return word, False


def name_terms(question: str) -> set[str]:
    """The words of the names ``question`` asks about, as search counts them (stemmed)."""
    return {t for name in names_asked(question) for t in terms(name)}


def unmentioned(question: str, passages: Sequence[Passage]) -> list[str]:
    """The names ``question`` asks about that no passage of ``passages`` (its title or text)
    mentions: holds the name's last word and at least half its words ("Harry" is "Prince Harry",
    "Guinness World Records" the "Guinness Book of World Records")."""
    held = [_spellings(p.title + "\n" + p.quote) for p in passages]
    return [name for name in names_asked(question) if not any(_mentions(words, name) for words in held)]


def mentions(text: str, name: str) -> bool:
    """Whether ``text`` mentions ``name``, as :func:`unmentioned` reads it ("Marlow, 61, said" mentions
    "Ines Marlow")."""
    return _mentions(_spellings(text), name)


def _spellings(text: str) -> frozenset[str]:
    return frozenset(map(spelling, terms(text)))


def _mentions(words: frozenset[str], name: str) -> bool:
    parts = [spelling(t) for t in terms(name)]
    return bool(parts) and parts[-1] in words and 2 * sum(term in words for term in parts) >= len(parts)


def _describing(word: str) -> bool:
    """Whether ``word`` reads as a nationality or a region's word ("Chinese", "Southern"), not a
    country or state that ends alike ("Iran", "Ukraine", "Michigan")."""
    return (word in _PEOPLES_AND_REGIONS or bool(_DESCRIBING.fullmatch(word))) and not places_in(word)


def _ends_sentence(token: str) -> bool:
    return token in ("?", "!", "¿", "¡", ":", ";", '"', "“", "”") or (
        token.endswith(".") and not _ABBREVIATION.fullmatch(token)
    )


def _is_name_word(word: str) -> bool:
    if not word or not word[0].isupper() or word.lower() in QUESTION_WORDS or word in ("I", "I'm", "I’m"):
        return False
    return not (is_month_name(word) or is_weekday_name(word))
