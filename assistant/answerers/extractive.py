"""The extractive answerer: quotes the sentences that best answer the question, each cited.

No LLM: candidate sentences come from the top passages and are scored by semantic
similarity to the question (the embedding model), lexical overlap (IDF-weighted
question terms), the rank of their passage, how close their article's date is to
the question's and whether they hold the kind of thing asked for (``answer_kinds``); the
best one to three are quoted, near-duplicates dropped, each widened to the quotation it is
part of (``quotations``) and followed by its marker.

    >>> ExtractiveAnswerer(embeddings, settings, lexical.idf).draft("What did Medvedev argue?", passages, []).text
    'Meanwhile, Russian voices like Dmitry Medvedev argue the U.S. strikes have only strengthened ... [1]'
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date

from assistant.answerers.answer_kinds import answer_type, has_answer_type, surnames
from assistant.answerers.base import REFUSAL, Draft
from assistant.answerers.claims import claim_spans, in_claim, is_claim_line
from assistant.answerers.quotations import quotation_span, quote_balance
from assistant.config import Settings
from assistant.conversation import Condensed, Turn, condense_without_llm
from assistant.embeddings import SentenceTransformerEmbeddings
from assistant.guard import looks_like_injection, neutralize_markers
from assistant.mentions import name_terms, names_asked, unmentioned
from assistant.records import Passage
from assistant.terms import ASKING_TERMS, QUESTION_WORDS, terms
from assistant.timeframe import resolve_timeframe
from assistant.timeline import story_topic
from ingest.chunking import split_sentences

# A web address: a sentence holding one is a link or a credit line, not an answer.
_URL = re.compile(r"https?://|\bwww\.\w", re.I)
# "Storm floods the valley | Daily Planet": a site's name after a bar, as page titles carry it.
_SITE_SUFFIX = re.compile(r"\s+\|\s+[^|]{1,40}$")
# A sentence that sends the reader elsewhere on the page: "Learn more about the Doomsday Clock.",
# "Check out all the winners.", "Click here for the latest updates.", "See photos from the luncheon."
_TO_THE_READER = re.compile(
    r"^[\"“']?(?:(?:learn|find out|read|see|get) more|read the full|click|tap (?:here|on|to)|scroll (?:down|up)|check out|"
    r"watch (?:live|the (?:full |live )?(?:video|stream|replay)|below|here|now|it here)|listen (?:here|now|to (?:our|the) podcast)|"
    r"see (?:photos|pictures|the (?:photos|pictures|rest|full list)))\b"
    r"|^(?:watch|see|listen to|read)\b.{0,80}\b(?:below|above|here)[.!]?$",
    re.I,
)


# what a question asking for someone's words calls them ("say" and "said" are stop words already)
_SPEAKING_TERMS = frozenset(terms("tell told speech remarks statement comment words"))
# words the news uses for one thing, read as one: asked how many "died", a sentence on the "death toll"
_ONE_MEANING = {"death": "die", "dead": "die", "kill": "die", "fatal": "die"}


def scored_terms(text: str) -> frozenset[str]:
    """The terms of ``text`` as the answerer scores them: stemmed, words of one meaning as one."""
    return frozenset(_ONE_MEANING.get(t, t) for t in terms(text))


_HAPPEN = frozenset(terms("happen"))
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
    answer_type: float = 0.1  # holds a number, place, title, name or reason when the question asks for one
    # for a date, a sum of money, a winner, who took a post or the words of whom the question asks
    # about, kinds told precisely: a sentence without one cannot answer "when will the ferry run
    # again?" ("... said Marta Olsen, who runs the island's only shop"), nor "who won the title?" ("A
    # club with only 60 members won the title"), nor "who is the new harbour master?" ("Harbour
    # master Tom Reyes retired in March"), nor "what did Olsen say?" ("Olsen collected the prize")
    exact_type: float = 0.5
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
    holds_kind: bool = False  # holds the kind of thing asked for, told of what is asked about
    year: int | None = None  # its article's


class ExtractiveAnswerer:
    """Quotes the best supporting sentences with their citations."""

    name = "extractive"
    check_support = False  # it quotes the passages
    streams = False  # the whole answer at once

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
        restore_case: Callable[[str], str] | None = None,
    ) -> None:
        self.embeddings = embeddings
        self.idf = idf
        # the question cased as the articles write it (``Casing.restore``), to find its names when
        # typed in lower or title case ("what did medvedev argue?"); without it, as typed
        self.restore_case = restore_case or _as_typed
        self.max_sentences = settings.extractive_sentences
        self.lead_with_headline = settings.extractive_headline
        self.pool = pool
        self.weights = weights
        self.keep_ratio = keep_ratio
        self.min_score = min_score
        self.semantic_pool = semantic_pool

    def condense(self, question: str, history: Sequence[Turn]) -> Condensed:
        """Follow-ups borrow names and topic words from earlier turns (no LLM), the turns typed in
        lower case read with their names cased as the articles write them ("who opposed him?"
        after "what did kevin mccarthy promise?" asks who opposed Kevin McCarthy)."""
        cased = [replace(t, content=self.restore_case(t.content)) if t.role == "user" else t for t in history]
        return condense_without_llm(self.restore_case(question), cased)

    def candidates(self, passages: Sequence[Passage], pool: int | None = None) -> list[Candidate]:
        """The sentences worth quoting of the ``pool`` top passages (the answerer's own by default)."""
        out = []
        for n, passage in enumerate(passages[: pool or self.pool], start=1):
            title_terms = scored_terms(passage.title)
            freshness = passage.signals.get("freshness", 0.0)
            claims = claim_spans(passage.quote)  # a fact check's claim is a post's, not news
            for start, end in split_sentences(passage.quote):
                sentence = passage.quote[start:end]
                if not _quotable(sentence) or in_claim(claims, start):
                    continue
                out.append(
                    Candidate(
                        n,
                        sentence,
                        passage.start + start,
                        passage.start + end,
                        scored_terms(sentence),
                        title_terms,
                        freshness,
                        year=int(passage.published_at[:4]) if passage.published_at else None,
                    )
                )
        return out

    def score(self, question: str, candidates: list[Candidate], context: str = "") -> list[Candidate]:
        """Score candidates: lexical overlap, passage rank and whether the
        sentence holds the kind of thing asked for (a number, a date, a name) for all of them; then
        semantic similarity for the ``semantic_pool`` best, which are returned. ``context``: what a
        follow-up borrows from the conversation (names, topic words), counted apart."""
        query_terms = scored_terms(without_time_words(question)) - QUESTION_WORDS
        # A verb asking what was done or said ("decide", "argue") counts half: the news may use
        # another ("voted"), and a sentence sharing only it ("had not decided whether") is no answer.
        # "Happen" counts nothing: news does not say an event "happened", commentary does ("what
        # happened with Hamlin", "a ground stop hasn't happened since 2001").
        asking = query_terms & ASKING_TERMS if query_terms - ASKING_TERMS else set()
        idf = {t: self.idf(t) * (0.0 if t in asking & _HAPPEN else 0.5 if t in asking else 1.0) for t in query_terms}
        idf_total = math.fsum(idf.values()) or 1.0
        borrowed = {t: self.idf(t) for t in terms(context) if t not in QUESTION_WORDS and t not in query_terms}
        borrowed_total = math.fsum(borrowed.values()) or 1.0
        w = self.weights
        kind = answer_type(question)
        # a person asked for may be named by surname alone where another sentence names them in full
        known = surnames(c.text for c in candidates) if kind == "person" else frozenset()
        # the kind asked for, told of what is asked about: a sentence or headline sharing none of the
        # question's topic words holds some other date ("When will tolls return?": not "the ferry
        # stops from December 1"); asked what someone said about something ("What did Zelenskyy say
        # about the tanks?"), words said of something else (the siege of a town) are not what is asked for
        topic = query_terms - asking
        if kind == "speech":
            topic -= _SPEAKING_TERMS | name_terms(question)
        for c in candidates:  # (sums over sets of words are fsum's: exact, whatever order a set gives)
            # A sentence is read under its article's headline: the title's words count as its own.
            own = math.fsum(idf[t] for t in c.terms & query_terms)
            headline = math.fsum(idf[t] for t in (c.title_terms - c.terms) & query_terms)
            in_sentence = (own + w.title * headline) / idf_total
            typed = 0.0
            if (
                kind
                and has_answer_type(c.text, kind, question, known)
                and not (topic and topic.isdisjoint(c.terms | c.title_terms))
                and not (kind in ("winner", "successor") and _of_years_before(c))
            ):
                typed = (
                    w.exact_type if kind in ("date", "money", "age", "winner", "successor", "speech") else w.answer_type
                )
            c.holds_kind = bool(typed)
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
        if passages and all(p.signals.get("timeline") for p in passages):  # of the topic searched
            searched = self.condense(question, history).search if history else question
            return self.timeline(story_topic(searched) or question, passages)
        candidates = self.candidates(passages)
        if not candidates:
            return Draft(REFUSAL, self.name, refused=True)
        context = self.condense(question, history).search if history else ""
        question = self.restore_case(question)  # its names and sentences told by capitals, as the news writes them
        scored = self.score(question, on_topic(candidates, question, context), context)
        chosen = self.select(same_names(question, scored, passages))
        if not chosen:
            return Draft(REFUSAL, self.name, refused=True)
        whole: list[Candidate] = []
        for c in (_whole_quotation(c, passages[c.n - 1]) for c in chosen):
            if not any(o.n == c.n and o.start < c.end and c.start < o.end for o in whole):  # one quotation, once
                whole.append(c)
        # a quotation the passage cuts off before it closes ('She said: "I am not leaving because...')
        # is left out when other sentences remain: it would be shown unfinished
        chosen = [c for c in whole if quote_balance(c.text) == 0] or whole
        # a heading after the first quote heads another section or links to another story ("Sears and
        # Kmart owner says 'substantial doubt' it can stay in business"): the reporting is below it
        chosen = chosen[:1] + [c for c in chosen[1:] if not _is_heading(c, passages[c.n - 1])]
        if answer_type(question) in ("number", "money"):
            chosen = newest_figure_first(chosen, passages)
        highlights: dict[int, list[tuple[int, int]]] = {}
        for c in chosen:
            highlights.setdefault(c.n, []).append((c.start, c.end))
        lead = chosen[0].n  # the article quoted first
        headline, quoted = None, chosen
        if self.lead_with_headline and len(chosen) > 1 and _is_heading(chosen[0], passages[lead - 1]):
            # the best "sentence" is a section's heading ("Microsoft to lay off 10K employees"): it heads the answer
            headline, quoted = neutralize_markers(chosen[0].text), chosen[1:]
        elif self.lead_with_headline:
            headline = self.headline(question, passages[lead - 1], chosen)
        text = " ".join(f"{neutralize_markers(c.text)} [{c.n}]" for c in quoted)
        if headline:
            text = f"{headline} [{lead}]\n\n{text}"
        missing = unmentioned(question, [passages[n - 1] for n in highlights])
        if missing:  # the closest sentences are about something else: say so before quoting them
            text = f"The passages quoted don't mention {_either(missing)}; they come closest:\n\n{text}"
        return Draft(text, self.name, highlights=highlights)

    def digest(self, passages: Sequence[Passage]) -> Draft:
        """One line per story, in retrieval's order: its newest article's headline, date, first
        sentence and marker, then the markers of its other reports ("More on this: [2][3] and 4
        more" when it has more than retrieval passed)."""
        lines: list[str] = []
        highlights: dict[int, list[tuple[int, int]]] = {}
        for story in _by_story(passages):
            (n, p), others = story[0], story[1:]
            title = neutralize_markers(_SITE_SUFFIX.sub("", p.title or "").strip() or "(untitled)")
            dated = f"{title} ({p.published_at})" if p.published_at else title
            for m, report in story:  # each report shown at its opening, in the sources too
                if (at := _opening(report)) is not None:
                    highlights[m] = [(report.start + at[0], report.start + at[1])]
            if n in highlights:
                [(start, end)] = highlights[n]
                line = f"{dated}: {neutralize_markers(p.quote[start - p.start : end - p.start])} [{n}]"
            else:
                line = f"{dated} [{n}]"
            if others:
                more = int(p.signals.get("reports", 0)) - 1 - len(others)
                line += (
                    " More on this: " + "".join(f"[{m}]" for m, _ in others) + (f" and {more} more" if more > 0 else "")
                )
            lines.append(line)
        return Draft("\n\n".join(lines), self.name, highlights=highlights)

    def timeline(self, topic: str, passages: Sequence[Passage]) -> Draft:
        """One line per report, in retrieval's order (oldest first, or newest first for the latest
        news): its date, headline and the sentence of its passage closest to ``topic``."""
        lines: list[str] = []
        highlights: dict[int, list[tuple[int, int]]] = {}
        candidates = self.candidates(passages, len(passages))
        topic = self.restore_case(topic)
        wanted = scored_terms(topic) - QUESTION_WORDS  # as the sentences' terms are read ("killings" is "die")
        for n, p in enumerate(passages, start=1):
            title = neutralize_markers(_SITE_SUFFIX.sub("", p.title or "").strip())
            own = [c for c in candidates if c.n == n]
            # reporting, not a live blog's heading ("California quakes not unlike those in Turkey")
            own = [c for c in own if not _is_heading(c, p)] or own
            opening = _opening(p) if p.signals.get("opening") else None
            if opening is not None:  # a report of the topic: its lead says what happened, if it tells of the topic
                lead = next((c for c in own if c.start == p.start + opening[0]), None)
                own = [lead] if lead is not None and self._tells_of(topic, wanted, lead) else own
            best = max(self.score(topic, own), key=lambda c: c.score) if own else None
            when = (p.published_at or "undated")[:10]
            if best is None:
                lines.append(f"{when}: {title or '(untitled)'} [{n}]")
                continue
            highlights[n] = [(best.start, best.end)]
            # a roundup's headline tells other news ("FBI eyes Pence locations search ..."): the sentence alone
            about = f"{title}: " if title and wanted & scored_terms(title) else ""
            lines.append(f"{when}: {about}{neutralize_markers(best.text)} [{n}]")
        return Draft("\n\n".join(lines), self.name, highlights=highlights)

    def _tells_of(self, topic: str, wanted: frozenset[str], sentence: Candidate) -> bool:
        """Whether a lead tells of the topic: it holds one of its words, or is close to it in meaning
        (cosine ``_LEAD_ABOUT``), not a roundup's lead on another story."""
        if wanted & sentence.terms:
            return True
        vectors = self.embeddings.encode_cached([topic, sentence.text])
        return float(vectors[1] @ vectors[0]) >= _LEAD_ABOUT

    def headline(self, question: str, passage: Passage, chosen: Sequence[Candidate]) -> str | None:
        """The title of ``passage``'s article (the one quoted first), to open the answer with: the story
        the quotes are about, in its editors' words; or the heading of the section the first quote
        sits under, when it shares more with the question and the quote (a roundup's item, a live
        blog's entry: "Microsoft to lay off 10K employees", not "Microsoft layoffs, Ukraine chopper
        crash, winter storm: The Short List"). None when it is missing, too short to say anything,
        looks like an instruction, or says what a quoted sentence already says."""
        title = _SITE_SUFFIX.sub("", passage.title or "").strip()
        section = section_heading(passage, chosen[0].start)
        if section:
            wanted = (set(terms(question)) - QUESTION_WORDS) | chosen[0].terms
            if len(wanted.intersection(terms(section))) > len(wanted.intersection(terms(title))):
                title = section
        if len(title.split()) < 4 or looks_like_injection(title):
            return None
        title_terms = scored_terms(title)
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


def same_names(question: str, scored: list[Candidate], passages: Sequence[Passage]) -> list[Candidate]:
    """The scored sentences without those whose passage leaves out a name of the question that the
    best one's passage holds: asked "Why was Zahawi sacked?", a sentence on a quarterback "sacked"
    in 1985 does not follow one on Zahawi's tax affairs."""
    if not scored or not names_asked(question):
        return scored
    best = max(scored, key=lambda c: c.score)
    missing = {n: set(unmentioned(question, [passages[n - 1]])) for n in {c.n for c in scored}}
    return [c for c in scored if not missing[c.n] - missing[best.n]]


def newest_figure_first(chosen: list[Candidate], passages: Sequence[Passage]) -> list[Candidate]:
    """``chosen`` with the sentences giving the figure asked for in their articles' order from
    the newest (the others stay where they are): a count or a sum the news reports again as it
    grows ("the death toll surpassed 5,000" on Tuesday, "more than 19,300" on Friday) is answered
    with its latest report first. Undated articles come after dated ones, sentences of one day in
    the order they were chosen."""
    figures = [c for c in chosen if c.holds_kind]
    if len({passages[c.n - 1].published_at for c in figures}) < 2:
        return chosen
    newest = iter(sorted(figures, key=lambda c: passages[c.n - 1].published_at or "", reverse=True))
    return [next(newest) if c.holds_kind else c for c in chosen]


def _opening(passage: Passage) -> tuple[int, int] | None:
    """The span (in ``passage.quote``) of its first sentence worth quoting, not a fact check's claim."""
    claims = claim_spans(passage.quote)
    return next(
        (
            (s, e)
            for s, e in split_sentences(passage.quote)
            if _quotable(passage.quote[s:e]) and not in_claim(claims, s)
        ),
        None,
    )


def _by_story(passages: Sequence[Passage]) -> list[list[tuple[int, Passage]]]:
    """Numbered passages in runs of one story (retrieval's ``signals['story']``; a passage without
    one is a story of its own)."""
    runs: list[list[tuple[int, Passage]]] = []
    for n, p in enumerate(passages, start=1):
        story = p.signals.get("story")
        if runs and story is not None and runs[-1][0][1].signals.get("story") == story:
            runs[-1].append((n, p))
        else:
            runs.append([(n, p)])
    return runs


# A report's lead in other words than its topic's is still about it ("the bus strike": "Harwick's drivers
# walked off the job on Monday over pay ...", cosine 0.31; "Kevin McCarthy speaker vote": "A chaotic and
# historic two days in the House ...", 0.32); a roundup's lead on another story is not ("Damar Hamlin":
# "The vote for a speaker of the House dragged into day three.", 0.08).
_LEAD_ABOUT = 0.25


_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


def _of_years_before(candidate: Candidate) -> bool:
    """Whether a sentence tells of a year two or more before its article's: a result it tells is
    history ("The most votes it took to elect a speaker was in 1856 when ... Banks won"), not the news's."""
    year = candidate.year
    return year is not None and any(int(y) <= year - 2 for y in _YEAR.findall(candidate.text))


def _as_typed(question: str) -> str:
    return question


def _either(names: Sequence[str]) -> str:
    """``A``, ``A or B``, ``A, B or C``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


# A line that closes like a sentence, a dateline ("New York CNN —") or a list's lead-in: no heading.
_NOT_HEADING_END = (".", "?", "!", ":", ";", ",", "—", "–", "-")


def _looks_like_heading(line: str) -> bool:
    line = line.strip()
    return (
        4 <= len(line.split()) <= 16
        and line[:1].isupper()
        and not line.startswith("By ")
        and not line.rstrip(" \"'”’)").endswith(_NOT_HEADING_END)
    )


def _is_heading(candidate: Candidate, passage: Passage) -> bool:
    """Whether ``candidate`` is a whole line of its passage that reads as a section's heading."""
    start, end = candidate.start - passage.start, candidate.end - passage.start
    alone = (start == 0 or passage.quote[start - 1] == "\n") and (
        end >= len(passage.quote) or passage.quote[end] == "\n"
    )
    return alone and _looks_like_heading(candidate.text)


def section_heading(passage: Passage, start: int) -> str | None:
    """The heading of the section the text at ``start`` (an offset in the article) sits under, when
    the passage holds it: the nearest line above its paragraph of 4 to 16 words, capitalised, not
    closing like a sentence, not a byline ("By Ann Lee")."""
    above = passage.quote[: max(0, start - passage.start)].split("\n")[:-1]  # the lines above its paragraph
    return next(
        (line.strip() for line in reversed(above) if _looks_like_heading(line) and not is_claim_line(line)), None
    )


def _whole_quotation(candidate: Candidate, passage: Passage) -> Candidate:
    """``candidate`` with the rest of a quotation it is part of, and who spoke
    (:func:`~assistant.answerers.quotations.quotation_span`)."""
    start, end = quotation_span(passage, candidate.start, candidate.end)
    if (start, end) == (candidate.start, candidate.end):
        return candidate
    text = passage.quote[start - passage.start : end - passage.start]
    return replace(candidate, text=text, start=start, end=end, terms=scored_terms(text))


def without_time_words(question: str) -> str:
    """The question without the words that say when ("last week", "on Nov. 18"): retrieval has
    searched that time already, and "last" or "week" in a sentence says nothing about the answer
    ("the last strike, in 2009, lasted nine days" for "What happened with the strike last week?")."""
    timeframe = resolve_timeframe(question, date.today())
    if timeframe is None:
        return question
    return re.sub(re.escape(timeframe.phrase), " ", question, count=1, flags=re.I)


def _quotable(sentence: str) -> bool:
    """Whether a sentence can stand as part of an answer: 4 to 90 words, not a link or a credit line
    (it holds a web address), not a question or a lead-in to what follows ("... include:"), not one
    sending the reader elsewhere ("Learn more about ...", "Click here ..."), not an instruction."""
    if not 4 <= len(sentence.split()) <= 90:
        return False
    if _URL.search(sentence) or sentence.rstrip(" \"'”’)").endswith(("?", ":")) or _TO_THE_READER.match(sentence):
        return False
    return not looks_like_injection(sentence)


def _near_duplicate(a: frozenset[str], b: frozenset[str], threshold: float = 0.6) -> bool:
    """Two texts' terms overlap by ``threshold`` or more (Jaccard): one says what the other does."""
    union = a | b
    return bool(union) and len(a & b) / len(union) >= threshold
