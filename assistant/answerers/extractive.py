"""The extractive answerer: quotes the sentences that best answer the question, each cited.

No LLM: candidate sentences come from the top passages and are scored by semantic
similarity to the question (the embedding model), lexical overlap (IDF-weighted
question terms), the rank of their passage and how close their article's date is to
the question's; the best one to three are quoted,
near-duplicates dropped, each followed by its marker.

    >>> ExtractiveAnswerer(embeddings, settings, lexical.idf).draft("What did Medvedev argue?", passages, []).text
    'Meanwhile, Russian voices like Dmitry Medvedev argue the U.S. strikes have only strengthened ... [1]'
"""

from __future__ import annotations

import calendar
import functools
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date

from assistant.answerers.base import REFUSAL, Draft
from assistant.config import Settings
from assistant.conversation import Condensed, Turn, condense_without_llm
from assistant.embeddings import SentenceTransformerEmbeddings
from assistant.guard import looks_like_injection, neutralize_markers
from assistant.mentions import unmentioned
from assistant.places import countries_described, places_in
from assistant.records import Passage
from assistant.terms import ASKING_TERMS, QUESTION_WORDS, terms
from assistant.timeframe import resolve_timeframe
from ingest.chunking import split_sentences

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
# A web address: a sentence holding one is a link or a credit line, not an answer.
_URL = re.compile(r"https?://|\bwww\.\w", re.I)
# "Storm floods the valley | Daily Planet": a site's name after a bar, as page titles carry it.
_SITE_SUFFIX = re.compile(r"\s+\|\s+[^|]{1,40}$")
# A work's title in quotes: “Laverne & Shirley”, "The Fabelmans".
_QUOTED_TITLE = re.compile(r"[“\"]([A-Z][^”\"]{0,80})[”\"]")
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")
# A run of capitalised words, maybe with an initial ("Marta J. Gil") or a title ("Ms. Whitfield"):
# a person's name when it is two or three words none of which names a body, a place or a time.
_TITLE = r"(?:Mr|Mrs|Ms|Dr|Sen|Gov|Rep)\.|(?:Judge|Mayor)\b"
_NAME_RUN = re.compile(
    rf"(?:(?P<title>{_TITLE})\s+)?(?P<name>[A-Z][a-z]+(?:[\-’'][A-Z]?[a-z]+)?(?:\s+(?:[A-Z]\.\s+)?[A-Z][a-z]+(?:[\-’'][A-Z]?[a-z]+)?)*)"
)
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
_ANSWER_TYPES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\bhow much\b.*\b(?:cost|costs|spend|spent|pay|paid|worth|price|raise|raised|fund|funding|budget|fine|charge|money)\b"
            r"|\bhow much money\b|\bwhat (?:price|amount of money)\b",
            re.I,
        ),
        "money",
    ),
    (
        re.compile(
            r"\bhow (?:much|many|old|long|far|big|large|tall|often)\b|\bwhat (?:percentage|share|number|amount|price)\b",
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
            r"(?:say|tell|write|argue|claim|announce|warn|think|believe|mean|suggest|propose|promise)\b",
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


_CALENDAR_TERMS = frozenset(terms(" ".join([*calendar.day_name, *calendar.month_name[1:]])))


def on_topic(candidates: list[Candidate], question: str, context: str) -> list[Candidate]:
    """For a follow-up, the sentences of articles whose headline shares a name or topic word with
    the conversation ("the Harbor Bridge") or the follow-up itself ("and what did Putin offer?"),
    when there are any: "And what did they decide next?" is about that story, not any story that
    "decided" something."""
    if not context:
        return candidates
    wanted = set(terms(context)) - QUESTION_WORDS - _CALENDAR_TERMS  # the search text holds the question too
    kept = [c for c in candidates if c.title_terms & wanted]
    return kept or candidates


def answer_type(question: str) -> str | None:
    """What kind of thing the question asks for: money, a number, a date, a place (a country or a
    U.S. state), a title (of a film, a show, a book...), a person ("who", "which pop star"), another
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


def has_answer_type(sentence: str, kind: str | None, question: str) -> bool:
    """True when the sentence holds something of the asked-for kind that the question does not."""
    if kind == "money":
        return bool(_MONEY.search(sentence))
    if kind == "number":
        return bool(_NUMBER.search(sentence))
    if kind == "reason":
        return bool(_REASON.search(sentence))
    if kind == "decision":
        return bool(_DECISION.search(sentence))
    if kind == "speech":
        return bool(_ATTRIBUTION.search(sentence) or quote_balance(sentence) or re.search('["“”]', sentence))
    if kind == "place":
        return bool(_places_named(sentence, question) - _asked_places(question))
    found = _FINDERS.get(kind or "")  # things named in a sentence, of the kinds the question may name too
    asked = question.lower()
    return found is not None and any(thing.lower() not in asked for thing in found(sentence))


def persons_in(sentence: str) -> list[str]:
    """The people a sentence names: a first name and a surname, or a title and a surname; not a
    body ("Transit Authority"), a place ("New Mexico"), a date or a sentence's first words."""
    people = []
    for match in _NAME_RUN.finditer(sentence):
        name, words = match.group(0), re.findall(r"[A-Za-z]{2,}", match.group("name"))
        if match.group("name").endswith(("'s", "’s")):
            continue  # "Eastside's drivers"
        if not (2 <= len(words) <= 3 or (match.group("title") and len(words) == 1)):
            continue  # one word ("Eastside"), or a body's long name ("Eastside Transport Authority Board")
        if any(word.lower() in _NOT_PERSON for word in words) or places_in(name):
            continue
        people.append(name)
    return people


_FINDERS: dict[str, Callable[[str], list[str]]] = {
    "date": _DATE.findall,
    "title": _QUOTED_TITLE.findall,
    "person": persons_in,
    "name": _CAPITALISED.findall,
}


@dataclass(frozen=True)
class SentenceWeights:
    """How a sentence is scored; tuned on the dev set and checked week by week (BENCHMARKS.md)."""

    meaning: float = 0.5  # similarity of the sentence to the question
    terms: float = 1.0  # IDF-weighted share of the question's terms in the sentence or its article's title
    title: float = 1.0  # how much a term found only in the title counts, against one in the sentence
    rank: float = 0.1  # times 1/sqrt(rank of the passage)
    # times how fresh its article is as of the question's date (retrieval's factor: 1 on the day,
    # 1/2 a half-life away; 0 when undated or asked without a date): news is answered from its time
    freshness: float = 0.4
    answer_type: float = 0.1  # holds a number, date, place, title, name or reason when the question asks for one
    # taken off a sentence with fewer than three words beyond the question's, none of the asked-for kind
    restating: float = 0.3
    # a follow-up ("And what did they get?") is read with the names and topic words it borrows
    # from the conversation: times their IDF-weighted share in the sentence or its title
    context: float = 0.5


@dataclass
class Candidate:
    """A sentence of a retrieved passage, with where it sits in its article."""

    n: int
    text: str
    start: int
    end: int
    terms: frozenset[str]
    title_terms: frozenset[str] = frozenset()
    freshness: float = 0.0
    score: float = 0.0


class ExtractiveAnswerer:
    """Quotes the best supporting sentences with their citations."""

    name = "extractive"
    check_support = False  # it quotes the passages

    def __init__(
        self,
        embeddings: SentenceTransformerEmbeddings,
        settings: Settings,
        idf: Callable[[str], float],
        pool: int = 8,
        weights: SentenceWeights = SentenceWeights(),
        keep_ratio: float = 0.8,
        min_score: float = 0.25,
        semantic_pool: int = 6,
    ) -> None:
        self.embeddings = embeddings
        self.idf = idf
        self.max_sentences = settings.extractive_sentences
        self.lead_with_headline = settings.extractive_headline
        self.pool = pool
        self.weights = weights
        self.keep_ratio = keep_ratio
        self.min_score = min_score
        self.semantic_pool = semantic_pool

    def condense(self, question: str, history: Sequence[Turn]) -> Condensed:
        """Follow-ups borrow names and topic words from earlier turns (no LLM)."""
        return condense_without_llm(question, history)

    def candidates(self, passages: Sequence[Passage]) -> list[Candidate]:
        """The sentences of the top passages worth quoting."""
        out = []
        for n, passage in enumerate(passages[: self.pool], start=1):
            title_terms = frozenset(terms(passage.title))
            freshness = passage.signals.get("freshness", 0.0)
            for start, end in split_sentences(passage.quote):
                sentence = passage.quote[start:end]
                if not _quotable(sentence):
                    continue
                out.append(
                    Candidate(
                        n,
                        sentence,
                        passage.start + start,
                        passage.start + end,
                        frozenset(terms(sentence)),
                        title_terms,
                        freshness,
                    )
                )
        return out

    def score(self, question: str, candidates: list[Candidate], context: str = "") -> list[Candidate]:
        """Score candidates: lexical overlap, passage rank and whether the
        sentence holds the kind of thing asked for (a number, a date, a name) for all of them; then
        semantic similarity for the ``semantic_pool`` best, which are returned. ``context``: what a
        follow-up borrows from the conversation (names, topic words), counted apart."""
        query_terms = {t for t in terms(without_time_words(question)) if t not in QUESTION_WORDS}
        # A verb asking what was done or said ("decide", "argue") counts half: the news may use
        # another ("voted"), and a sentence sharing only it ("had not decided whether") is no answer.
        asking = query_terms & ASKING_TERMS if query_terms - ASKING_TERMS else set()
        idf = {t: self.idf(t) * (0.5 if t in asking else 1.0) for t in query_terms}
        idf_total = math.fsum(idf.values()) or 1.0
        borrowed = {t: self.idf(t) for t in terms(context) if t not in QUESTION_WORDS and t not in query_terms}
        borrowed_total = math.fsum(borrowed.values()) or 1.0
        w = self.weights
        kind = answer_type(question)
        for c in candidates:  # (sums over sets of words are fsum's: exact, whatever order a set gives)
            # A sentence is read under its article's headline: the title's words count as its own.
            own = math.fsum(idf[t] for t in c.terms & query_terms)
            headline = math.fsum(idf[t] for t in (c.title_terms - c.terms) & query_terms)
            in_sentence = (own + w.title * headline) / idf_total
            typed = w.answer_type if kind and has_answer_type(c.text, kind, question) else 0.0
            c.score = w.terms * in_sentence + w.rank / math.sqrt(c.n) + w.freshness * c.freshness + typed
            if borrowed:
                c.score += (
                    w.context
                    * math.fsum(v for t, v in borrowed.items() if t in c.terms or t in c.title_terms)
                    / borrowed_total
                )
            if len(c.terms - query_terms) < 3 and not typed:
                c.score -= w.restating  # says nothing the question does not already say, nor what it asks for
        shortlist = sorted(candidates, key=lambda c: c.score, reverse=True)[: self.semantic_pool]
        vectors = self.embeddings.encode_cached([question, *(c.text for c in shortlist)])
        for c, similarity in zip(shortlist, vectors[1:] @ vectors[0], strict=True):
            c.score += w.meaning * float(similarity)
        return shortlist

    def select(self, candidates: list[Candidate]) -> list[Candidate]:
        """The best sentences: within ``keep_ratio`` of the best, no near-duplicates."""
        ranked = sorted(candidates, key=lambda c: c.score, reverse=True)
        if not ranked or ranked[0].score < self.min_score:
            return []
        chosen = [ranked[0]]
        for c in ranked[1:]:
            if len(chosen) >= self.max_sentences or c.score < self.keep_ratio * ranked[0].score:
                break
            if any(_near_duplicate(c.terms, other.terms) for other in chosen):
                continue
            chosen.append(c)
        return chosen

    def draft(self, question: str, passages: Sequence[Passage], history: Sequence[Turn]) -> Draft:
        """Quote the best sentences, each followed by its ``[n]``; for a question that asks for the
        news of a time (retrieval marks its passages ``digest``), each article's headline and
        opening sentence instead."""
        if passages and all(p.signals.get("digest") for p in passages):
            return self.digest(passages)
        candidates = self.candidates(passages)
        if not candidates:
            return Draft(REFUSAL, self.name, refused=True)
        context = condense_without_llm(question, history).search if history else ""
        chosen = self.select(self.score(question, on_topic(candidates, question, context), context))
        if not chosen:
            return Draft(REFUSAL, self.name, refused=True)
        whole: list[Candidate] = []
        for c in (whole_quotation(c, passages[c.n - 1]) for c in chosen):
            if not any(o.n == c.n and o.start < c.end and c.start < o.end for o in whole):  # one quotation, once
                whole.append(c)
        # a quotation the passage cuts off before it closes ('She said: "I am not leaving because...')
        # is left out when other sentences remain: it would be shown unfinished
        chosen = [c for c in whole if quote_balance(c.text) == 0] or whole
        highlights: dict[int, list[tuple[int, int]]] = {}
        for c in chosen:
            highlights.setdefault(c.n, []).append((c.start, c.end))
        text = " ".join(f"{neutralize_markers(c.text)} [{c.n}]" for c in chosen)
        lead = chosen[0].n  # the article quoted first
        headline = self.headline(passages[lead - 1], chosen) if self.lead_with_headline else None
        if headline:
            text = f"{headline} [{lead}]\n\n{text}"
        missing = unmentioned(question, [passages[n - 1] for n in highlights])
        if missing:  # the closest sentences are about something else: say so before quoting them
            text = f"The passages quoted don't mention {_either(missing)}; they come closest:\n\n{text}"
        return Draft(text, self.name, highlights=highlights)

    def digest(self, passages: Sequence[Passage]) -> Draft:
        """One line per article, newest first: its headline, its date, its first sentence, its marker."""
        lines: list[str] = []
        highlights: dict[int, list[tuple[int, int]]] = {}
        for n, p in enumerate(passages, start=1):
            title = neutralize_markers(_SITE_SUFFIX.sub("", p.title or "").strip() or "(untitled)")
            dated = f"{title} ({p.published_at})" if p.published_at else title
            opening = next(((s, e) for s, e in split_sentences(p.quote) if _quotable(p.quote[s:e])), None)
            if opening is None:
                lines.append(f"{dated} [{n}]")
                continue
            start, end = opening
            lines.append(f"{dated}: {neutralize_markers(p.quote[start:end])} [{n}]")
            highlights[n] = [(p.start + start, p.start + end)]
        return Draft("\n\n".join(lines), self.name, highlights=highlights)

    def headline(self, passage: Passage, chosen: Sequence[Candidate]) -> str | None:
        """The title of ``passage``'s article (the one quoted first), to open the answer with: the story
        the quotes are about, in its editors' words. None when it is missing, too short to say
        anything, looks like an instruction, or says what a quoted sentence already says."""
        title = _SITE_SUFFIX.sub("", passage.title or "").strip()
        if len(title.split()) < 4 or looks_like_injection(title):
            return None
        title_terms = frozenset(terms(title))
        if any(_near_duplicate(title_terms, c.terms) for c in chosen):
            return None
        return neutralize_markers(title)

    def stream_draft(
        self, question: str, passages: Sequence[Passage], history: Sequence[Turn]
    ) -> Iterator[str | Draft]:
        """The whole answer at once (it is not generated word by word), then the draft."""
        draft = self.draft(question, passages, history)
        yield draft.text
        yield draft


# A short sentence that only goes on from the one before it: "It is 150, not 140." "That is a record."
_FOLLOW_ON = re.compile(r"(?:It|This|That|These|Those|They|He|She)\b(?:\s+\S+){1,6}[.!?]$")
# Words that say who spoke: a sentence holding one is attributed speech.
_ATTRIBUTION = re.compile(r"\b(?:said|says|say|told|tells|added|asked|wrote|according to)\b", re.I)
_BY_PRONOUN = re.compile(
    r"\b(?:he|she|they)\s+(?:said|says|added|told|wrote|asked)\b|\b(?:said|says|added)\s+(?:he|she|they)\b", re.I
)
_BARE_QUOTATION = re.compile(r"^[\"“][^\"“”]+[\"”]$|^[\"“][^\"“”]+[.!?][\"”]$")


def _either(names: Sequence[str]) -> str:
    """``A``, ``A or B``, ``A, B or C``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def quote_balance(text: str) -> int:
    """How many quotations ``text`` opens and does not close (negative: closes ones it did not open)."""
    balance = text.count("“") - text.count("”")
    for match in re.finditer('"', text):
        before = text[match.start() - 1] if match.start() else " "
        balance += 1 if before.isspace() or before in "([—–-" else -1
    return balance


def whole_quotation(candidate: Candidate, passage: Passage, most: int = 2) -> Candidate:
    """``candidate`` with the rest of a quotation it is part of: a sentence that opens a quotation
    the full stop did not end ("Some lost a week of pay. | Many more are retirees," she said.) runs to
    where it closes, and one that closes a quotation begins where it opened; so a quote is never
    shown cut off from its speaker. A quotation standing alone comes with the sentence before it
    that says who spoke, and the one before that when it says only "she said". A short sentence
    that only goes on from it ("It is 150, not 140.") comes with it too. At most ``most`` sentences
    are added, all from the passage."""
    spans = split_sentences(passage.quote)
    offsets = [(passage.start + s, passage.start + e) for s, e in spans]
    if (candidate.start, candidate.end) not in offsets:
        return candidate
    first = last = at = offsets.index((candidate.start, candidate.end))
    balance = quote_balance(candidate.text)
    while balance > 0 and last + 1 < len(spans) and last - first < most:
        last += 1
        balance += quote_balance(passage.quote[spans[last][0] : spans[last][1]])
    while balance < 0 and first > 0 and last - first < most:
        first -= 1
        balance += quote_balance(passage.quote[spans[first][0] : spans[first][1]])
    if balance != 0:
        return candidate  # the quotation runs on past what may be added
    speaker = 0
    while (
        speaker < 2
        and first > 0
        and last - first < most
        and (
            (speaker == 0 and _BARE_QUOTATION.match(passage.quote[spans[first][0] : spans[last][1]].strip()))
            or (speaker == 1 and _BY_PRONOUN.search(passage.quote[spans[first][0] : spans[first][1]]))
        )
    ):
        before = passage.quote[spans[first - 1][0] : spans[first - 1][1]]
        if not _ATTRIBUTION.search(before) or quote_balance(before) != 0:
            break
        first -= 1
        speaker += 1
    if last + 1 < len(spans) and last - first < most:
        following = passage.quote[spans[last][1] : spans[last + 1][1]]
        if "\n" not in following and _FOLLOW_ON.match(following.strip()):
            last += 1  # "... misstated the number of computers. | It is 150, not 140."
    if first == last == at:
        return candidate
    start, end = spans[first][0], spans[last][1]
    text = passage.quote[start:end]
    return replace(
        candidate, text=text, start=passage.start + start, end=passage.start + end, terms=frozenset(terms(text))
    )


def without_time_words(question: str) -> str:
    """The question without the words that say when ("last week", "on Nov. 18"): retrieval has
    searched that time already, and "last" or "week" in a sentence says nothing about the answer
    ("the last strike, in 2009, lasted nine days" for "What happened with the strike last week?")."""
    timeframe = resolve_timeframe(question, date.today())
    if timeframe is None:
        return question
    return re.sub(re.escape(timeframe.phrase), " ", question, count=1, flags=re.I)


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


def _quotable(sentence: str) -> bool:
    """Whether a sentence can stand as part of an answer: 4 to 90 words, not a link or a credit line
    (it holds a web address), not a question or a lead-in to what follows ("... include:"), not an
    instruction."""
    if not 4 <= len(sentence.split()) <= 90:
        return False
    if _URL.search(sentence) or sentence.rstrip(" \"'”’)").endswith(("?", ":")):
        return False
    return not looks_like_injection(sentence)


def _near_duplicate(a: frozenset[str], b: frozenset[str], threshold: float = 0.6) -> bool:
    """Two texts' terms overlap by ``threshold`` or more (Jaccard): one says what the other does."""
    union = a | b
    return bool(union) and len(a & b) / len(union) >= threshold
