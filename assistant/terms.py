"""Words for matching: tokenised, lower-cased, stop words dropped, stemmed (English)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

_TOKEN = re.compile(r"[\w][\w'’\-]*[\w]|\w", re.UNICODE)
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "can't",
        "cannot",
        "could",
        "couldn't",
        "did",
        "didn't",
        "do",
        "does",
        "doesn't",
        "doing",
        "don't",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "hadn't",
        "has",
        "hasn't",
        "have",
        "haven't",
        "having",
        "he",
        "he'd",
        "he'll",
        "he's",
        "her",
        "here",
        "here's",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "how's",
        "i",
        "i'd",
        "i'll",
        "i'm",
        "i've",
        "if",
        "in",
        "into",
        "is",
        "isn't",
        "it",
        "it's",
        "its",
        "itself",
        "let's",
        "me",
        "more",
        "most",
        "mustn't",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "shan't",
        "she",
        "she'd",
        "she'll",
        "she's",
        "should",
        "shouldn't",
        "so",
        "some",
        "such",
        "than",
        "that",
        "that's",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "there's",
        "these",
        "they",
        "they'd",
        "they'll",
        "they're",
        "they've",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "wasn't",
        "we",
        "we'd",
        "we'll",
        "we're",
        "we've",
        "were",
        "weren't",
        "what",
        "what's",
        "when",
        "when's",
        "where",
        "where's",
        "which",
        "while",
        "who",
        "who's",
        "whom",
        "why",
        "why's",
        "with",
        "won't",
        "would",
        "wouldn't",
        "you",
        "you'd",
        "you'll",
        "you're",
        "you've",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "also",
        "said",
        "says",
        "say",
        "would",
        "will",
        "just",
        "like",
        "one",
        "two",
        "new",
        "us",
        "mr",
        "mrs",
        "ms",
        "s",
        "t",
    ]
)
QUESTION_WORDS = frozenset(
    [
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "did",
        "does",
        "do",
        "is",
        "are",
        "was",
        "were",
    ]
)

# Verbs that ask what someone did or said without saying what about ("What did the council
# decide?", "What did she announce?"): the news says "voted", "approved", "unveiled". Left out
# of the share of a question's terms a passage must hold, while other terms are left.
ASKING_VERBS = frozenset(
    [
        "announce",
        "argue",
        "claim",
        "conclude",
        "decide",
        "decision",
        "describe",
        "explain",
        "find",
        "happen",
        "mean",
        "plan",
        "propose",
        "react",
        "respond",
        "reveal",
        "suggest",
        "tell",
        "think",
        "want",
        "warn",
    ]
)

_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def words(text: str) -> list[str]:
    """Lower-cased word tokens (apostrophes and inner hyphens kept), accents taken off: a question
    typed on a plain keyboard ("Beyonce", "Erdogan") finds the news that writes "Beyoncé", "Erdoğan"."""
    tokens = _TOKEN.findall(text.lower())
    if _ACCENTED.search(text):  # (most news is plain letters and curly quotes: read as it is)
        tokens = [f for w in tokens for f in (_TOKEN.findall(without_accents(w)) if _ACCENTED.search(w) else (w,))]
    return [w.replace("’", "'") for w in tokens]


# A Latin letter that may carry an accent ("é", "ğ", "ṣ"), or a ligature ("ﬁ")
_ACCENTED = re.compile(r"[\u00c0-\u024f\u1e00-\u1eff\ufb00-\ufb06]")


def spelling(word: str) -> str:
    """What the ways of spelling a name share: lower case, no accents, "y" read as "i", a doubled
    letter as one ("Zelensky", "Zelenskyy" and "Zelenskiy"; "Gaddafi" and "Gadafi"; not "Johnston"
    and "Johnson")."""
    return _DOUBLED.sub(r"\1", without_accents(word).lower().replace("y", "i"))


_DOUBLED = re.compile(r"(\w)\1+")


def without_accents(text: str) -> str:
    """``text`` with the marks that accent a letter taken off ("é" -> "e", "ğ" -> "g"), other letters
    as they are ("ß", "ø", Greek, Cyrillic)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def terms(text: str) -> list[str]:
    """Stemmed content words: what BM25 and overlap scores count."""
    out = []
    for word in words(text):
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        if word.endswith("'s"):
            word = word[:-2]
        out.append(_stem(word))
    return out


ASKING_TERMS = frozenset(_stem(word) for word in ASKING_VERBS)
