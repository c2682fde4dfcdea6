"""How the stored articles write each word, and a question written the way they would write it.

A question typed in lower case ("what did zelenskyy say in davos?") or in title case ("What Did
Zelenskyy Say In Davos?") does not tell which of its words are names; the articles do. Inside a
sentence, after a lower-case word, a digit or a comma, the news writes "Zelenskyy" and "Davos"
with a capital every time and "say" almost never:

    >>> casing.restore("what did zelenskyy say in davos?")  # casing: counted over the stored passages
    'What did Zelenskyy say in Davos?'
    >>> casing.restore("What Did Zelenskyy Say In Davos?")
    'What did Zelenskyy say in Davos?'

A lower-case word becomes a name only when the articles nearly always capitalise it ("trump",
"china"; not "house", "white" or "apple", which they also write in lower case), and a word they
seldom use stays small. In a question with no lower-case word but small ones ("the", "of"), a
word keeps its capital only when the articles nearly always write it so ("Say", "Latest", "House"
and words they never use lose it: a rare name is missed rather than a word taken for one). A
question in sentence case with a capital past its first word marks its names itself and is left
as typed.
"""

from __future__ import annotations

import re
import threading
from collections import Counter

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_LETTERS = f"{_LOWER}{_UPPER}"
# A capitalised word inside a sentence, hyphened parts and all ("Chick-fil-A"): after a lower-case
# word, a digit, a comma or a semicolon and one space (not after a full stop, a quote or a line's
# start, where any word is capitalised).
_INSIDE_CAPITALISED = re.compile(rf"(?<=[{_LOWER}0-9,;] )[{_UPPER}][{_LETTERS}]*(?:-[{_LETTERS}0-9]+)*")
# A lower-case word standing as a word ("co-chair"): not part of a web address ("/davos-2014-oxfam").
_LOWER_CASE = re.compile(rf"(?<![^\s(\[“\"‘'—–])[{_LOWER}]+(?:-[{_LOWER}]+)*(?![\w/@'’-]|[./]\w)")
# A question's word, whole: not a piece of one joined by a digit or a zero-width space ("old\u200best")
_JOINER = "\u200b\u200c\u200d\u2060"
_QUESTION_WORD = re.compile(rf"(?<![\w{_JOINER}])[^\W\d_]+(?:['’-][^\W\d_]+)*(?![\w{_JOINER}])")
_POSSESSIVE = re.compile(r"['’]s?$", re.I)
_SENTENCE_END = re.compile(r"(?:^|[.?!][\"”’')]*)\s*$")

# The small words title case leaves in lower case ("What Is the Latest on the Debt Ceiling?").
_TITLE_SMALL = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "but",
        "or",
        "nor",
        "for",
        "so",
        "yet",
        "as",
        "at",
        "by",
        "in",
        "of",
        "off",
        "on",
        "per",
        "to",
        "up",
        "via",
        "vs",
        "with",
        "from",
        "into",
        "onto",
        "over",
        "than",
    ]
)
# capitalised this often, a word is a name: typed in lower case, it gets a capital; in title case, keeps it
_NAME_SHARE = 0.9
_MIN_SEEN = 3  # written fewer times inside sentences, a word's casing tells nothing


class Casing:
    """Counts, word by word, how often the stored text writes it capitalised inside a sentence (and
    in which form: "McCarthy", "MLB") and how often in lower case; kept in step with the store by
    the lexical index."""

    def __init__(self) -> None:
        self._forms: dict[str, Counter[str]] = {}  # lower-cased word -> its capitalised forms, counted
        self._lower: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, text: str) -> None:
        """Count the words of ``text``."""
        self._update(text, 1)

    def remove(self, text: str) -> None:
        """Take back the counts of ``text`` (added before)."""
        self._update(text, -1)

    def _update(self, text: str, sign: int) -> None:
        capitalised = Counter(_INSIDE_CAPITALISED.findall(text))
        lower = Counter(_LOWER_CASE.findall(text))
        with self._lock:
            for form, n in capitalised.items():
                forms = self._forms.setdefault(form.lower(), Counter())
                forms[form] += sign * n
                if forms[form] <= 0:
                    del forms[form]
                    if not forms:
                        del self._forms[form.lower()]
            if sign > 0:
                self._lower.update(lower)
            else:
                self._lower.subtract(lower)
                self._lower = +self._lower  # drop the words counted down to nothing

    def capitalised_share(self, word: str) -> float | None:
        """How often the stored text capitalises ``word`` inside a sentence; None when it writes the
        word there fewer than three times."""
        key = word.lower()
        with self._lock:  # a refresh may be counting another process's write meanwhile
            forms = self._forms.get(key)
            capitalised, lower = (sum(forms.values()) if forms else 0), self._lower.get(key, 0)
        if capitalised + lower < _MIN_SEEN:
            return None
        return capitalised / (capitalised + lower)

    def restore(self, question: str) -> str:
        """``question`` with its words cased as the stored articles write them, when it does not tell
        its names itself: in a question with no capital past its first word, a word they nearly
        always capitalise takes their form ("mlb" "MLB", "mccarthy" "McCarthy") and each sentence
        its capital, a word they seldom use stays small; in one written in title case or capitals,
        past a sentence's first word, a word they nearly always capitalise takes their form and any other
        word is written small (a name they seldom use is missed, rather than a word taken for a
        name). A question in sentence case with a name in it is left as typed."""
        tokens = list(_QUESTION_WORD.finditer(question))
        told = tells_case(question)
        if told and any(t.group()[0].isupper() for t in tokens[1:]):
            return question  # "What did Zelenskyy say in Davos?": the writer marks the names

        def recase(match: re.Match[str]) -> str:
            token = match.group()
            word = _POSSESSIVE.sub("", token)
            share = self.capitalised_share(word) if len(word) >= 2 else None  # not a letter ("U.S.")
            if share is None and "-" in word:
                word = word.split("-")[0]  # "johnson-era": "Johnson", unless written whole ("co-chair")
                share = self.capitalised_share(word) if len(word) >= 2 else None
            named = share is not None and share >= _NAME_SHARE
            opens_sentence = bool(_SENTENCE_END.search(question[: match.start()]))
            if told:  # "what did zelenskyy say": only a word typed small may need a capital
                if token[0].isupper() or not (named or opens_sentence):
                    return token
                return self._form(word) + token[len(word) :] if named else token[0].upper() + token[1:]
            if opens_sentence:  # title case or capitals: a sentence's first word keeps its capital
                return token
            # "What Did Zelenskyy Say": a word written small, or too seldom to tell, has no name to look for
            return self._form(word) + token[len(word) :].lower() if named else token.lower()

        return _QUESTION_WORD.sub(recase, question)

    def _form(self, word: str) -> str:
        """How the stored text most often capitalises ``word`` ("MLB", "McCarthy")."""
        with self._lock:
            forms = self._forms.get(word.lower())
            return forms.most_common(1)[0][0] if forms else word[0].upper() + word[1:]


def tells_case(question: str) -> bool:
    """Whether ``question`` is written in sentence case, so that its capitals mark its names: it has
    a lower-case word other than the small ones title case leaves small ("of", "the", "in"), as
    "Who is Biden?" has and "What Is the Latest on the Debt Ceiling?" has not."""
    return any(word[0].islower() and word not in _TITLE_SMALL for word in _QUESTION_WORD.findall(question))
