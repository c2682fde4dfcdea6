"""Hybrid retrieval: dense search in Chroma plus BM25, fused by reciprocal rank fusion.

Relative time in the question ("this week", "yesterday") becomes a date filter seen
from ``as_of``; when that filter leaves nothing, the search runs again without it and
says so.

    >>> result = retriever.retrieve("What did Medvedev argue?", k=5)
    >>> result.passages[0].title
    'Medvedev Says U.S. Strikes Left Khamenei Stronger'
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.config import Settings
from assistant.digest import asks_for_main, is_digest, stories
from assistant.embeddings import SentenceTransformerEmbeddings
from assistant.filters import SearchFilters
from assistant.lexical import LexicalIndex
from assistant.records import Passage
from assistant.store import ChromaStore
from assistant.terms import QUESTION_WORDS, terms
from assistant.timeframe import Timeframe, resolve_timeframe
from assistant.timeline import latest_topic, timeline_topic
from ingest.chunking import split_sentences

logger = logging.getLogger(__name__)

_MIN_SENTENCE_WORDS = 4  # shorter lines (datelines, captions) are alike to anything by chance
_MAX_SENTENCES = 12  # sentences compared with the question, the ones sharing most of its words


# How many of a time's newest articles a digest groups into stories, and how many reports of a
# story it lists besides the newest.
_STORY_POOL = 200
_MORE_REPORTS = 2

# A timeline reads the articles of the 40 passages closest to its topic; an article reports the
# topic when its passage is within 0.25 (cosine) of the closest passage's similarity to it: on the dev
# set, the second object shot down after the spy balloon (0.55 against 0.72) is one of its reports.
_TIMELINE_POOL = 40
_SAME_TOPIC = 0.25
# ... and holds at least 0.8 of the IDF-weighted share of the topic's words the best passage holds: the
# football club Santos (0.57 of "George Santos"), Trump's documents for Biden's (0.77) are other stories.
_SAME_WORDS = 0.8
# ... and is told by its opening when its headline holds half the topic's words ("Chinese spy balloon shot
# down ..."), by its passage closest to the topic when not (a roundup: "FBI eyes Pence locations search ...")
_ABOUT = 0.5
# Asked for a story's latest news, its newest reports: the latest and the two before it.
_LATEST = 3
_RECENT = 30  # days before the newest report: older ones are not its latest news


@dataclass
class RetrievalResult:
    """Passages, best first, and how they were found."""

    query: str
    passages: list[Passage]
    timeframe: Timeframe | None = None
    notes: list[str] = field(default_factory=list)
    top_similarity: float = 0.0
    top_coverage: float = 0.0
    top_sentence: float = 0.0  # the best sentence's similarity, measured only when the two above fall short
    relevant: bool = False


def fuse(
    rankings: list[list[Passage]], weights: list[float], rrf_k: int, names: tuple[str, ...] = ("dense", "lexical")
) -> list[Passage]:
    """Reciprocal rank fusion: score = sum of weight / (rrf_k + rank) over the rankings."""
    fused: dict[str, Passage] = {}
    for ranking, weight, name in zip(rankings, weights, names, strict=False):
        for rank, passage in enumerate(ranking, start=1):
            entry = fused.get(passage.chunk_id)
            if entry is None:
                entry = Passage(**{**passage.__dict__, "score": 0.0, "signals": dict(passage.signals)})
                fused[passage.chunk_id] = entry
            entry.score += weight / (rrf_k + rank)
            entry.signals[f"{name}_rank"] = rank
            entry.signals[name] = passage.score
    return sorted(fused.values(), key=lambda p: p.score, reverse=True)


class NewsRetriever(BaseRetriever):
    """Hybrid (dense + BM25) retrieval over a newsdesk store, as a LangChain retriever.

    ``invoke(query)`` gives LangChain ``Document`` objects (the passage text, its
    citation fields in ``metadata``); :meth:`retrieve` gives the full result.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: ChromaStore
    embeddings: SentenceTransformerEmbeddings
    lexical: LexicalIndex
    settings: Settings
    k: int = 8
    reranker: Any = None  # a Reranker (assistant.rerank); pydantic cannot check a Protocol

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        result = self.retrieve(query, k=self.k)
        return [
            Document(page_content=p.quote, metadata={**p.to_dict(), "n": i}) for i, p in enumerate(result.passages, 1)
        ]

    def retrieve(
        self,
        query: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        as_of: date | None = None,
        time_text: str | None = None,
    ) -> RetrievalResult:
        """The ``k`` best passages for ``query`` under ``filters``, with relative time applied."""
        k = k or self.settings.k
        filters = filters or SearchFilters()
        as_of = as_of or date.today()
        timeframe = said = None
        notes: list[str] = []
        undated = filters.since is None and filters.until is None
        if self.settings.time_filter and undated:
            timeframe = resolve_timeframe(time_text or query, as_of)
        elif self.settings.time_filter and (said := resolve_timeframe(time_text or query, as_of)):
            notes.append(f'The dates set in the filters were searched, not "{said.phrase}" ({said.period().span()}).')
        spoken = timeframe or said  # the question's words for a time, whichever dates are searched
        # a story, report by report: of the search's topic ("What's the latest on it?" reads as the news
        # of a time, but a follow-up's search holds what "it" is)
        how, latest = timeline_topic(query), latest_topic(query)
        if how or latest:
            scope = filters.with_dates(timeframe.since, timeframe.until) if timeframe else filters
            story = self.timeline(how or latest or "", k, scope, newest=not how)
            story.timeframe = timeframe
            story.notes[:0] = notes
            return story
        if is_digest(time_text or query, spoken.phrase if spoken else None):
            digest = self.latest(query, k, filters, timeframe.period() if timeframe else None, as_of)
            digest.notes[:0] = notes
            return digest
        if timeframe:
            passages, top = self._search(query, k, filters.with_dates(timeframe.since, timeframe.until))
            coverage, sentence = self._gauge(query, passages, top)
            if not self.relevant(top, coverage, sentence):
                wider, wider_top = self._search(query, k, filters, as_of)
                wider_gauge = self._gauge(query, wider, wider_top)
                if not passages or self.relevant(wider_top, *wider_gauge):
                    what = "matched" if not passages else "answered it well"
                    notes.append(
                        f"No articles dated {timeframe.span()} "
                        f'("{timeframe.phrase}") {what}; searched all dates instead.'
                    )
                    timeframe, passages, top, (coverage, sentence) = None, wider, wider_top, wider_gauge
        else:
            passages, top = self._search(query, k, filters, as_of)
            coverage, sentence = self._gauge(query, passages, top)
        return RetrievalResult(
            query=query,
            passages=passages,
            timeframe=timeframe,
            notes=notes,
            top_similarity=top,
            top_coverage=coverage,
            top_sentence=sentence,
            relevant=self.relevant(top, coverage, sentence),
        )

    def latest(
        self, query: str, k: int, filters: SearchFilters, timeframe: Timeframe | None, as_of: date
    ) -> RetrievalResult:
        """For a question that asks for the news of a time (:mod:`assistant.digest`): its ``k`` newest
        stories in that time (or before ``as_of``), or its ``k`` most reported when the question asks
        for the main news ("the top stories"). A story is told by the opening passage of its newest
        article, then of up to two more of its reports, each marked ``signals['digest']``, with the
        story's place (``story``) and how many articles report it (``reports``)."""
        notes: list[str] = []
        scope = filters.with_dates(timeframe.since, timeframe.until) if timeframe else filters
        leads, total = self.lexical.latest(_STORY_POOL, scope, as_of)
        if timeframe and not leads:
            leads, total = self.lexical.latest(_STORY_POOL, filters, as_of)
            if leads:
                notes.append(f'No articles dated {timeframe.span()} ("{timeframe.phrase}"); the latest news instead.')
                timeframe = None
        if filters.known_by and not any(p.published_at for p in leads):
            # asked as of a day before every dated article: undated ones are not the news of a time
            notes, leads = [f"No article is dated on or before {filters.known_by}."], []
        elif leads and (leads[0].published_at or "") > as_of.isoformat():
            notes.append(f"No article is dated on or before {as_of}; the latest news instead.")
        groups = stories(self.lexical.vectors_of(leads)) if leads else []
        main = asks_for_main(query)
        if main:
            groups.sort(key=len, reverse=True)  # the most reported first; of as many, the newest
        shown = groups[:k]
        passages = [
            replace(leads[i], score=0.0, signals={"digest": 1.0, "story": float(n), "reports": float(len(group))})
            for n, group in enumerate(shown)
            for i in group[: 1 + _MORE_REPORTS]
        ]
        if len(groups) > len(shown) or total > len(leads):
            dated = f" dated {timeframe.span()}" if timeframe else ""
            within = f"{total} articles" if total == len(leads) else f"the {len(leads)} newest of the {total} articles"
            which = "most reported" if main else "newest"
            notes.append(f"The {len(shown)} {which} of the {len(groups)} stories in {within}{dated} are listed.")
        return RetrievalResult(
            query=query, passages=passages, timeframe=timeframe, notes=notes, relevant=bool(passages)
        )

    def timeline(self, topic: str, k: int, filters: SearchFilters, newest: bool = False) -> RetrievalResult:
        """For a question asking how a story went (:mod:`assistant.timeline`): the articles reporting
        ``topic`` (:meth:`reports`), oldest first (undated last), marked ``signals['timeline']``; of more
        than ``k``, the closest of each day, then the closest of the rest. Asking for its latest news
        (``newest``): the ``_LATEST`` newest, newest first, none over ``_RECENT`` days before the
        newest, marked ``signals['latest']`` too. A report whose headline holds ``_ABOUT`` of the
        topic's words is told by its opening passage (``signals['opening']``), where news says what
        happened; any other (a roundup) by its passage closest to the topic."""
        passages, top = self._search(topic, _TIMELINE_POOL, filters)
        coverage, sentence = self._gauge(topic, passages, top)
        if not passages or not self.relevant(top, coverage, sentence):
            return RetrievalResult(query=topic, passages=passages[:k], top_similarity=top, top_coverage=coverage)
        reports, least = self.reports(topic, passages)
        shown = _newest(reports, k) if newest else _by_day(reports, k)
        about = sorted(p.article_id for p in shown if self.lexical.share(topic, p.title, topic_only=True) >= _ABOUT)
        openings = {  # (not a roundup's whose opening, on another story, leaves the topic out)
            o.article_id: o
            for o in self.lexical.latest(len(about), SearchFilters(article_ids=tuple(about)))[0]
            if self.lexical.share(topic, o.quote, topic_only=True) >= least
        }
        mark = {"timeline": 1.0, "latest": 1.0} if newest else {"timeline": 1.0}
        notes = []
        if len(reports) > len(shown) and newest:
            listed, verb = (
                ("The newest", "is listed")
                if len(shown) == 1
                else (f"The {len(shown)} newest", "are listed, newest first")
            )
            notes.append(
                f"{listed} of the {len(reports)} reports found {verb} (the latest news: none over {_RECENT} days"
                " before the newest)."
            )
        elif len(reports) > len(shown):
            notes.append(
                f"{len(shown)} of the {len(reports)} reports found are listed, oldest first: the closest to the "
                "topic of each day, then of the rest."
            )
        told = [
            replace(openings[p.article_id], signals={**mark, "opening": 1.0})
            if p.article_id in openings
            else replace(p, signals={**p.signals, **mark})
            for p in shown
        ]
        return RetrievalResult(
            query=topic,
            passages=told,
            notes=notes,
            top_similarity=top,
            top_coverage=coverage,
            top_sentence=sentence,
            relevant=True,
        )

    def reports(self, topic: str, passages: list[Passage]) -> tuple[list[Passage], float]:
        """The articles of ``passages`` (ranked) that report ``topic``, each by its best passage, in
        rank order, and the share of the topic's words a report holds at least. An article reports
        the topic when that passage holds ``_SAME_WORDS`` of the best share of its words (not
        "Santos" the football club for "George Santos") and is within ``_SAME_TOPIC`` of the closest
        in meaning."""
        best: dict[str, Passage] = {}
        for p in passages:
            best.setdefault(p.article_id, p)
        found = list(best.values())
        held = [self.lexical.coverage(topic, p, topic_only=True) for p in found]
        query = np.asarray(self.embeddings.embed_query(topic), dtype=np.float32)
        similarity = self.lexical.vectors_of(found) @ (query / max(float(np.linalg.norm(query)), 1e-12))
        least, nearest = _SAME_WORDS * max(held), float(similarity.max()) - _SAME_TOPIC
        reports = [
            p for p, share, close in zip(found, held, similarity, strict=True) if share >= least and close >= nearest
        ]
        return reports, least

    def now(self, as_of: date) -> date:
        """The day news is aged from: ``as_of``, or the newest article stored when that is earlier
        (an archive asked today is as fresh as it was on its last day)."""
        newest = self.lexical.newest()
        return min(as_of, newest) if newest else as_of

    def relevant(self, top_similarity: float, top_coverage: float, top_sentence: float = 0.0) -> bool:
        """True when passages are close enough to the question to answer from: similar in meaning, or
        holding most of its distinctive terms, or with one sentence close in meaning (thresholds
        ``min_relevance``, ``min_coverage`` and ``min_sentence_relevance``)."""
        s = self.settings
        return (
            top_similarity >= s.min_relevance
            or top_coverage >= s.min_coverage
            or top_sentence >= s.min_sentence_relevance
        )

    def _coverage(self, query: str, passages: list[Passage]) -> float:
        return max((self.lexical.coverage(query, p, topic_only=True) for p in passages[:3]), default=0.0)

    def _gauge(self, query: str, passages: list[Passage], top: float) -> tuple[float, float]:
        """(coverage, best sentence similarity) of passages whose best similarity is ``top``; the
        sentences are compared only when the passages as wholes fall short."""
        coverage = self._coverage(query, passages)
        sentence = 0.0 if self.relevant(top, coverage) else self.sentence_similarity(query, passages)
        return coverage, sentence

    def sentence_similarity(self, query: str, passages: list[Passage]) -> float:
        """The highest similarity of the question to a sentence or headline of the best three
        passages. A passage that tells several things is less like a question about one of them
        than the sentence that answers it ("What forced the closure?" and a passage on the
        closure, its cause and its cost)."""
        texts: list[str] = []
        for p in passages[:3]:
            texts.append(p.title)
            texts.extend(p.quote[a:b] for a, b in split_sentences(p.quote))
        wanted = set(terms(query)) - QUESTION_WORDS
        shared = {
            t: len(wanted.intersection(terms(t))) for t in dict.fromkeys(texts) if len(t.split()) >= _MIN_SENTENCE_WORDS
        }
        # the sentences that share the most of the question's words: one that shares none is rarely the one
        texts = [t for t in sorted(shared, key=shared.__getitem__, reverse=True)[:_MAX_SENTENCES] if shared[t]]
        if not texts:
            return 0.0
        vectors = self.embeddings.encode_cached([query, *texts])
        return float((vectors[1:] @ vectors[0]).max())

    def _search(
        self, query: str, k: int, filters: SearchFilters, as_of: date | None = None
    ) -> tuple[list[Passage], float]:
        """Dense and lexical rankings fused; with ``as_of``, passages dated close to it gain a little
        (news questions are mostly about recent events), counted from the newest article stored
        when that is older (an archive's latest news is its "now": asked of last year's papers,
        "what did the president say in his address?" means the last address they report); then
        the optional reranker orders the head."""
        self.lexical.refresh()
        live = self.lexical.live_hashes
        if not live:
            return [], 0.0
        settings = self.settings
        candidates = max(settings.candidates, k)
        dense = self.lexical.nearest(self.embeddings.embed_query(query), candidates, filters)
        lexical = self.lexical.search(query, candidates, filters)
        fused = fuse([dense, lexical], [settings.dense_weight, settings.lexical_weight], settings.rrf_k)
        if as_of is not None and settings.recency_weight > 0:
            fused = boost_recent(
                fused,
                self.now(as_of),
                settings.recency_weight / (settings.rrf_k + 1),
                settings.recency_half_life,
            )
        if self.reranker is not None:
            head = max(k, settings.rerank_candidates)
            fused = self.reranker.rerank(query, fused[:head]) + fused[head:]
        top = max((p.score for p in dense), default=0.0)
        logger.info("retrieve %r: %d dense, %d lexical -> %d", query[:80], len(dense), len(lexical), min(k, len(fused)))
        return fused[:k], top


def _day(p: Passage) -> str:
    return (p.published_at or "")[:10]


def _by_day(reports: list[Passage], k: int) -> list[Passage]:
    """Up to ``k`` reports (in rank order), oldest first: the closest of each day, then of the rest,
    so that a long story is told to its latest day."""
    first: dict[str, Passage] = {}
    for p in reports:
        first.setdefault(_day(p), p)
    chosen = [*first.values(), *(p for p in reports if p not in first.values())][:k]
    return sorted(chosen, key=lambda p: (p.published_at is None, _day(p)))


def _newest(reports: list[Passage], k: int) -> list[Passage]:
    """Up to ``_LATEST`` (and ``k``) newest reports, newest first (of one day, the closest first),
    none over ``_RECENT`` days before the newest."""
    dated = sorted((p for p in reports if p.published_at), key=_day, reverse=True)  # stable: closest first
    if not dated:
        return reports[: min(k, _LATEST)]
    last = date.fromisoformat(_day(dated[0]))
    recent = [p for p in dated if (last - date.fromisoformat(_day(p))).days <= _RECENT]
    return recent[: min(k, _LATEST)]


def boost_recent(passages: list[Passage], as_of: date, bonus: float, half_life: float) -> list[Passage]:
    """Add ``bonus`` x 0.5 ** (days from ``as_of`` / ``half_life``) to each fused score and re-sort.

    A passage dated on ``as_of`` gains as much as a first place in one more ranking; one a
    half-life older gains half that. Dates after ``as_of`` count double (news is read after it
    is written). An undated passage, whose age is not known, gains what the dated ones gain on
    average: a text file without a date is neither favoured nor buried under this week's news.
    The factor itself, 1 on ``as_of`` down to 0, stays in ``signals['freshness']`` for the answerer.

    The gain is scaled by how close the passage comes to the question by meaning: the square root
    of its share of the closest passage's similarity (``signals['dense']``; one found by its words
    alone counts as the least similar found by meaning, none below 0). Rank fusion sees only
    ranks, and in a small store this week's story about something else ranks second on both
    sides and would pass the story asked about on its date alone (BENCHMARKS.md, Retrieval levers).
    """
    dense = [p.signals["dense"] for p in passages if "dense" in p.signals]
    best, least = (max(dense), max(min(dense), 0.0)) if dense else (0.0, 0.0)

    def share(p: Passage) -> float:
        if best <= 0:
            return 1.0
        return min(1.0, max(p.signals.get("dense", least), 0.0) / best) ** 0.5

    undated = []
    factors = []
    for p in passages:
        try:
            days = (as_of - date.fromisoformat(p.published_at)).days if p.published_at else None
        except ValueError:
            days = None
        if days is None:
            undated.append(p)
            continue
        distance = days if days >= 0 else -2 * days
        freshness = 0.5 ** (distance / half_life)
        factors.append(freshness)
        gain = bonus * freshness * share(p)
        p.score += gain
        p.signals["recency"] = gain
        p.signals["freshness"] = freshness
    average = sum(factors) / len(factors) if factors else 0.0
    for p in undated:
        gain = bonus * average * share(p)
        p.score += gain
        p.signals["recency"] = gain
        p.signals["freshness"] = average
    return sorted(passages, key=lambda p: p.score, reverse=True)


def parse_filters(
    since: date | str | None = None,
    until: date | str | None = None,
    source: str | list[str] | None = None,
    article_ids: list[str] | None = None,
    known_sources: list[str] | None = None,
    labels: tuple[str, str] = ("since", "until"),
    known_by: date | None = None,
) -> SearchFilters:
    """Filters from user input; a source matches the stored name case-insensitively. Dates are
    year-month-day ("2025-06-23", "2025-6-3"); ``labels`` name the two date fields in messages.
    ``known_by``: the day a question is asked as of, when it is given (nothing dated after it)."""
    from assistant.errors import InvalidRequestError

    def as_date(value: date | str | None, name: str) -> date | None:
        if isinstance(value, date):
            return value
        if value is None or value == "":
            return None
        parts = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", str(value))
        try:
            if parts is None:
                raise ValueError(value)
            return date(*(int(x) for x in parts.groups()))
        except ValueError:
            raise InvalidRequestError(f"{name} must be a date like 2025-06-23, got {value!r}") from None

    start, end = as_date(since, labels[0]), as_date(until, labels[1])
    if start and end and start > end:
        raise InvalidRequestError(f"{labels[0]} ({start.isoformat()}) is after {labels[1]} ({end.isoformat()})")
    sources: list[str] = [source] if isinstance(source, str) else list(source or [])
    resolved: list[str] = []
    by_lower = {s.casefold(): s for s in (known_sources or [])}
    for name in (s.strip() for s in sources if s and s.strip()):
        resolved.append(by_lower.get(name.casefold(), name))
    return SearchFilters(start, end, tuple(resolved), tuple(article_ids or ()), known_by)
