"""newsdesk's core: ``answer()``, which the CLI, the HTTP API and the UI all call.

The chain is a LangChain runnable of four steps: condense the follow-up with the chat
history -> retrieve (hybrid, time-aware) -> answer (the chosen answerer) -> cite
(markers checked, sources listed, support verified). When nothing retrieved is
relevant enough, the answer says the articles don't cover the question, whatever
the answerer.

    >>> result = answer("What did Medvedev argue?")
    >>> print(result.answer)
    Meanwhile, Russian voices like Dmitry Medvedev argue the U.S. strikes have only strengthened Khamenei's hold ... [1]
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from assistant.answerers import REFUSAL, Answerer, Draft
from assistant.citations import Citation, StreamCleaner, SupportCheck, resolve_citations
from assistant.conversation import Turn, normalize_history
from assistant.errors import InvalidRequestError
from assistant.filters import SearchFilters
from assistant.retrieval import RetrievalResult, parse_filters
from assistant.services import Services, get_services
from assistant.streaming import CheckedStream, support_checker
from ingest.cleaning import drop_surrogates

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000


@dataclass
class Answer:
    """An answer with its numbered citations and every passage retrieved."""

    question: str
    answer: str
    citations: list[Citation]
    passages: list[Any]
    answerer: str
    date_range: dict[str, str] | None = None
    query: str = ""
    refused: bool = False
    notes: list[str] = field(default_factory=list)
    checks: list[SupportCheck] = field(default_factory=list)
    seconds: float = 0.0
    cut_off: bool = False  # the model's reply ended before it finished (its length limit, a dropped connection)

    @property
    def unsupported(self) -> list[SupportCheck]:
        """Sentences, or citations, that the passages do not back."""
        return [c for c in self.checks if not c.supported or c.unsupported_citations]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``newsdesk ask --json``, ``POST /v1/ask``)."""
        return {
            "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations],
            "passages": [p.to_dict() for p in self.passages],
            "answerer": self.answerer,
            "date_range": self.date_range,
            "question": self.question,
            "query": self.query,
            "refused": self.refused,
            "notes": list(self.notes),
            "unsupported": [c.to_dict() for c in self.unsupported],
        }


@dataclass
class AskRequest:
    """Everything one question comes with."""

    question: str
    history: list[Turn] = field(default_factory=list)
    k: int | None = None
    since: date | str | None = None
    until: date | str | None = None
    as_of: date | str | None = None
    source: str | list[str] | None = None
    article_ids: list[str] | None = None
    answerer: str | None = None


def _validate(request: AskRequest, services: Services, what: str = "question") -> tuple[AskRequest, date]:
    question = drop_surrogates(request.question or "").strip()
    request.history = [replace(turn, content=drop_surrogates(turn.content)) for turn in request.history]
    if isinstance(request.source, str):
        request.source = drop_surrogates(request.source)
    elif request.source:
        request.source = [drop_surrogates(name) for name in request.source]
    if not question:
        raise InvalidRequestError(f"the {what} is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidRequestError(
            f"the {what} is too long: {len(question):,} characters, the limit is {MAX_QUESTION_CHARS:,}"
        )
    if not any(ch.isalnum() for ch in question):
        raise InvalidRequestError(f"the {what} has no words in it")
    if request.k is not None and not 1 <= int(request.k) <= 100:
        raise InvalidRequestError(f"k must be between 1 and 100, got {request.k}")
    as_of = request.as_of
    if isinstance(as_of, str) and as_of:
        try:
            as_of = date.fromisoformat(as_of)
        except ValueError:
            raise InvalidRequestError(f"as_of must be a date like 2025-06-23, got {as_of!r}") from None
    request.question = question
    return request, as_of if isinstance(as_of, date) else date.today()


class NewsChain:
    """The answering chain over one set of services: condense -> retrieve -> answer -> cite."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def condense(self, state: dict[str, Any]) -> dict[str, Any]:
        """Make a follow-up standalone using the history."""
        request: AskRequest = state["request"]
        answerer: Answerer = state["answerer"]
        condensed = answerer.condense(request.question, request.history) if request.history else None
        return {
            **state,
            "standalone": condensed.question if condensed else request.question,
            "query": condensed.search if condensed else request.question,
        }

    def retrieve(self, state: dict[str, Any]) -> dict[str, Any]:
        """Hybrid retrieval with filters and relative time."""
        request: AskRequest = state["request"]
        retriever = self.services.retriever
        filters = parse_filters(
            request.since,
            request.until,
            request.source,
            request.article_ids,
            retriever.lexical.known_sources(),
            known_by=state["as_of"] if request.as_of else None,  # asked as of a day: what was out by then
        )
        result = retriever.retrieve(
            state["query"],
            k=request.k or self.services.settings.k,
            filters=filters,
            as_of=state["as_of"],
            time_text=request.question,
        )
        return {**state, "retrieval": result, "filters": filters}

    def relevant(self, result: RetrievalResult) -> bool:
        """True when something retrieved is relevant enough to answer from."""
        return bool(result.passages) and result.relevant

    def generate(self, state: dict[str, Any]) -> dict[str, Any]:
        """Run the answerer (or refuse when nothing relevant was found)."""
        result: RetrievalResult = state["retrieval"]
        if not self.relevant(result):
            draft = Draft(REFUSAL, state["answerer"].name, refused=True)
        else:
            draft = state["answerer"].draft(state["standalone"], result.passages, state["request"].history)
        return {**state, "draft": draft}

    def cite(self, state: dict[str, Any]) -> Answer:
        """Check markers and support; assemble the answer."""
        result: RetrievalResult = state["retrieval"]
        draft: Draft = state["draft"]
        text, citations, checks = resolve_citations(draft, result.passages, self.services.embeddings())
        return Answer(
            question=state["request"].question,
            answer=text,
            citations=citations,
            passages=result.passages,
            answerer=draft.answerer,
            date_range=result.timeframe.to_dict() if result.timeframe else None,
            query=state["query"],
            refused=draft.refused,
            notes=result.notes
            + draft.notes
            + (self.why_refused(state["filters"]) if draft.refused else searched(state["filters"]))
            + self.old_news(result, state["filters"], citations, state["as_of"]),
            checks=checks,
            seconds=time.perf_counter() - state["started"],
            cut_off=draft.cut_off,
        )

    def old_news(
        self, result: RetrievalResult, filters: SearchFilters, citations: list[Citation], as_of: date
    ) -> list[str]:
        """A note when every article an answer quotes is over a month older than the question's
        date, or than the newest article stored when that is earlier (an archive): newer reports, if
        any, may tell otherwise ("When is the State of the Union?" answered from last year's). None
        for the news of a time or a story's timeline, a question naming its time or filtered by dates, or an
        undated article."""
        dates = [c.passage.published_at for c in citations]
        if (
            not dates
            or None in dates
            or result.timeframe is not None
            or filters.since is not None
            or filters.until is not None
            or all(p.signals.get("digest") or p.signals.get("timeline") for p in result.passages)
        ):
            return []
        newest = max(date.fromisoformat(d[:10]) for d in dates if d)
        now = self.services.retriever.now(as_of)
        which = "the date asked" if now == as_of else "the newest article stored"
        age = (now - newest).days
        if age <= _OLD_NEWS_DAYS:
            return []
        return [f"The newest article quoted is dated {newest}, {_how_long(age)} before {now} ({which})."]

    def why_refused(self, filters: SearchFilters) -> list[str]:
        """What, besides the question, may have left nothing to answer from: an empty library, or
        the filters asked for."""
        if self.services.store.count_articles() == 0:
            return ["The library is empty: ingest some articles first."]
        unknown = unknown_sources_note(filters, self.services.retriever.lexical.known_sources())
        return ([unknown] if unknown else []) + searched(filters)

    def runnable(self) -> Runnable[dict[str, Any], Answer]:
        """The chain as a LangChain runnable: ``{"request", "answerer", "as_of", "started"} -> Answer``."""
        return (
            RunnableLambda(self.condense, name="condense")
            | RunnableLambda(self.retrieve, name="retrieve")
            | RunnableLambda(self.generate, name="answer")
            | RunnableLambda(self.cite, name="cite")
        )

    def start(self, request: AskRequest) -> dict[str, Any]:
        """The chain's input state for a request."""
        request, as_of = _validate(request, self.services)
        answerer = self.services.answerer(request.answerer or self.services.settings.default_answerer)
        return {"request": request, "answerer": answerer, "as_of": as_of, "started": time.perf_counter()}

    def stream(self, request: AskRequest) -> Iterator[str | Answer]:
        """Text deltas as the answer is written, then the final :class:`Answer`."""
        state = self.retrieve(self.condense(self.start(request)))
        result: RetrievalResult = state["retrieval"]
        if not self.relevant(result):
            draft: Draft = Draft(REFUSAL, state["answerer"].name, refused=True)
            yield draft.text
            yield self.cite({**state, "draft": draft})
            return
        answerer: Answerer = state["answerer"]
        if not answerer.streams:  # the whole answer at once: shown as the final answer holds it
            final = self.cite({**state, "draft": answerer.draft(state["standalone"], result.passages, request.history)})
            yield final.answer
            yield final
            return
        draft = Draft("", answerer.name)
        # what is shown as it comes is what the final answer will hold: cleaned (no marker pointing
        # at no passage, no list of sources the model made up), and an LLM's sentences checked
        cleaner = StreamCleaner(len(result.passages))
        checker = support_checker(result.passages, self.services.embeddings()) if answerer.check_support else None
        stream = CheckedStream(checker)
        for item in answerer.stream_draft(state["standalone"], result.passages, request.history):
            if isinstance(item, Draft):
                draft = item
            elif shown := stream.feed(cleaner.feed(item)):
                yield shown
        if shown := stream.feed(cleaner.close()):
            yield shown
        final = self.cite({**state, "draft": draft})
        if rest := stream.finish(final.answer, final.refused):
            yield rest  # the sentence being written, or the refusal
        yield final


def _request(question: str, history: Iterable[Any] | None, **options: Any) -> AskRequest:
    return AskRequest(question=question, history=normalize_history(history), **options)


def answer(
    question: str,
    *,
    history: Iterable[Any] | None = None,
    k: int | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
    as_of: date | str | None = None,
    source: str | list[str] | None = None,
    article_ids: list[str] | None = None,
    answerer: str | None = None,
    services: Services | None = None,
) -> Answer:
    """Answer a question from the stored articles, with numbered citations."""
    services = services or get_services()
    chain = NewsChain(services)
    request = _request(
        question,
        history,
        k=k,
        since=since,
        until=until,
        as_of=as_of,
        source=source,
        article_ids=article_ids,
        answerer=answerer,
    )
    result = chain.runnable().invoke(chain.start(request))
    logger.info("answer %r in %.0f ms (%s)", question[:80], result.seconds * 1000, result.answerer)
    return result


def stream_answer(
    question: str,
    *,
    history: Iterable[Any] | None = None,
    k: int | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
    as_of: date | str | None = None,
    source: str | list[str] | None = None,
    article_ids: list[str] | None = None,
    answerer: str | None = None,
    services: Services | None = None,
) -> Iterator[str | Answer]:
    """Like :func:`answer`, streamed: text deltas, then the final :class:`Answer`."""
    services = services or get_services()
    request = _request(
        question,
        history,
        k=k,
        since=since,
        until=until,
        as_of=as_of,
        source=source,
        article_ids=article_ids,
        answerer=answerer,
    )
    yield from NewsChain(services).stream(request)


def search(
    query: str,
    *,
    k: int | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
    source: str | list[str] | None = None,
    as_of: date | str | None = None,
    services: Services | None = None,
) -> RetrievalResult:
    """The ranked passages for a query (no answer)."""
    services = services or get_services()
    request, as_of_date = _validate(AskRequest(question=query, k=k, as_of=as_of), services, what="query")
    retriever = services.retriever
    known = retriever.lexical.known_sources()
    filters = parse_filters(since, until, source, None, known, known_by=as_of_date if as_of else None)
    result = retriever.retrieve(request.question, k=k or services.settings.k, filters=filters, as_of=as_of_date)
    if not result.passages and (note := unknown_sources_note(filters, known)):
        result.notes.append(note)
    return result


_OLD_NEWS_DAYS = 30  # an answer quoting only articles older than this says so


def _how_long(days: int) -> str:
    """``45 days``, ``3 months``, ``2 years``."""
    if days < 60:
        return f"{days} days"
    if days < 730:
        return f"{days // 30} months"
    return f"{days // 365} years"


def searched(filters: SearchFilters) -> list[str]:
    """A note saying which articles the filters set searched ("Only articles dated 2025-06-17 to
    2025-06-20 and from Reuters were searched."), or none when they set none."""
    scope = []
    if filters.since and filters.until:
        scope.append(f"dated {filters.since} to {filters.until}")
    elif filters.since or filters.until:
        scope.append(f"dated {filters.since} or later" if filters.since else f"dated {filters.until} or earlier")
    if filters.sources:
        scope.append("from " + ", ".join(filters.sources))
    if filters.article_ids:
        scope.append(f"among the {len(filters.article_ids)} chosen")
    return [f"Only articles {' and '.join(scope)} were searched."] if scope else []


def unknown_sources_note(filters: SearchFilters, known: list[str]) -> str | None:
    """A note naming the asked-for sources no stored article is from, and the ones there are."""
    unknown = [name for name in filters.sources if name not in known]
    if not unknown:
        return None
    shown = ", ".join(known[:10]) + (f" and {len(known) - 10} more" if len(known) > 10 else "")
    names = ", ".join(repr(name) for name in unknown)
    return f"No stored article is from {names}; the sources are: {shown or 'none'}."
