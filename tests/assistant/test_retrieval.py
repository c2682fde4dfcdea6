"""Hybrid retrieval on a real store: ranking, filters, relative time, staying in step with writes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from assistant.errors import InvalidRequestError
from assistant.filters import SearchFilters
from assistant.records import Passage
from assistant.retrieval import boost_recent, fuse, parse_filters
from assistant.services import Services


def titles(passages: list[Passage]) -> list[str]:
    return [p.title for p in passages]


def test_fusion_rewards_agreement() -> None:
    def p(cid: str) -> Passage:
        return Passage(cid, "a", "t", None, None, None, "q", 0, 1)

    fused = fuse([[p("x"), p("y"), p("z")], [p("y"), p("w")]], [1.0, 1.0], 60)
    assert [f.chunk_id for f in fused] == ["y", "x", "w", "z"]
    assert fused[0].signals["dense_rank"] == 2 and fused[0].signals["lexical_rank"] == 1


def test_recency_gain_halves_every_half_life_and_counts_later_dates_double_and_undated_get_the_mean() -> None:
    def p(cid: str, published: str | None, score: float = 0.0) -> Passage:
        return Passage(cid, "a", "t", None, None, published, "q", 0, 1, score=score)

    as_of = date(2023, 1, 31)
    passages = [
        p("undated", None, 0.02),
        p("month-old", "2023-01-01", 0.01),
        p("same-day", "2023-01-31"),
        p("later", "2023-02-15"),
        p("bad-date", "31/01/2023", 0.005),
    ]
    ranked = boost_recent(passages, as_of, bonus=0.016, half_life=30.0)
    gains = {x.chunk_id: x.signals.get("recency", 0.0) for x in ranked}
    assert gains["same-day"] == pytest.approx(0.016)
    assert gains["month-old"] == pytest.approx(0.016 * 0.5)  # 30 days: one half-life
    assert gains["later"] == pytest.approx(0.016 * 0.5)  # 15 days after as_of count as 30
    # an undated passage (or one whose date cannot be read) gains what the dated ones gain on average
    assert gains["undated"] == gains["bad-date"] == pytest.approx(0.016 * 2 / 3)
    assert {x.chunk_id: x.signals.get("freshness") for x in ranked} == pytest.approx(
        {"same-day": 1.0, "month-old": 0.5, "later": 0.5, "undated": 2 / 3, "bad-date": 2 / 3}
    )  # the factor alone, for the answerer
    assert [x.chunk_id for x in ranked] == ["undated", "month-old", "same-day", "bad-date", "later"]
    alone = boost_recent([p("undated", None, 0.02)], as_of, bonus=0.016, half_life=30.0)
    assert alone[0].signals["recency"] == 0.0  # nothing dated to take the average of
    [weekly] = boost_recent([p("month-old", "2023-01-01")], as_of, bonus=0.016, half_life=7.0)
    assert weekly.signals["recency"] == pytest.approx(0.016 * 0.5 ** (30 / 7))


def test_hybrid_finds_the_right_article(library: Services) -> None:
    result = library.retriever.retrieve("What did Medvedev argue about the strikes?", k=3)
    assert "Medvedev Says U.S. Strikes Left Khamenei Stronger" in titles(result.passages)[:2]
    top = result.passages[0]
    assert {"dense_rank", "lexical_rank"} & set(top.signals)
    assert result.top_similarity > 0.4


def test_lexical_side_finds_rare_exact_terms(library: Services) -> None:
    hits = library.lexical.search("640 million euros", 3)
    assert hits and hits[0].title.startswith("Riverside Council Approves Tram Line")


def test_date_source_and_article_filters(library: Services) -> None:
    retriever = library.retriever
    june_early = retriever.retrieve(
        "news", k=10, filters=SearchFilters(since=date(2025, 6, 1), until=date(2025, 6, 10))
    )
    assert titles(june_early.passages) == ["Library Starts Lending Seeds Alongside Books"]
    examples_only = retriever.retrieve(
        "Putin", k=20, filters=parse_filters(source="newsdesk examples", known_sources=library.lexical.known_sources())
    )
    assert examples_only.passages and all(p.source == "Newsdesk Examples" for p in examples_only.passages)
    target = next(r for r in library.store.list_articles() if r.title.startswith("Heatwave"))
    only = retriever.retrieve("Putin uranium", k=5, filters=SearchFilters(article_ids=(target.id,)))
    assert {p.article_id for p in only.passages} == {target.id}


def test_relative_time_becomes_a_date_filter(library: Services) -> None:
    result = library.retriever.retrieve("What happened with the tram this week?", k=5, as_of=date(2025, 6, 20))
    assert result.timeframe is not None
    assert (result.timeframe.since, result.timeframe.until) == (date(2025, 6, 16), date(2025, 6, 20))  # since Monday
    assert all("2025-06-16" <= (p.published_at or "") <= "2025-06-20" for p in result.passages)
    assert result.passages[0].title.startswith("Riverside Council")


def test_empty_time_filter_falls_back_and_says_so(library: Services) -> None:
    result = library.retriever.retrieve("What did Medvedev argue last week?", k=3, as_of=date(2030, 1, 1))
    assert result.timeframe is None
    assert result.notes and "searched all dates instead" in result.notes[0]
    assert result.passages


def test_bad_filters_are_clear_errors() -> None:
    with pytest.raises(InvalidRequestError, match="since must be a date"):
        parse_filters(since="last tuesday")
    with pytest.raises(InvalidRequestError, match="is after until"):
        parse_filters(since="2025-06-10", until="2025-06-01")


def test_lexical_index_follows_writes_from_another_process(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(
        json.dumps(
            {
                "title": "Ferry Strike",
                "url": "https://e.com/ferry",
                "text": "Ferry crews walked out over pay on Monday.",
            }
        )
        + "\n"
    )
    services.ingest([str(path)])
    assert titles(services.lexical.search("ferry crews", 5)) == ["Ferry Strike"]
    other = Services(services.settings)  # a second process sharing the store
    path.write_text(
        json.dumps(
            {
                "title": "Ferry Strike",
                "url": "https://e.com/ferry",
                "text": "Ferry crews ended their walkout after a pay deal.",
            }
        )
        + "\n"
    )
    other.ingest([str(path)])
    [hit] = services.lexical.search("walkout pay deal", 5)
    assert "ended their walkout" in hit.quote
    assert [p.quote for p in services.lexical.passages()] == [hit.quote]  # the old text is gone
    assert (
        not services.lexical.search("walked out Monday", 5)
        or "walked out" not in services.lexical.search("walked", 5)[0].quote
    )
    other.store.delete_article(hit.article_id)
    assert services.lexical.search("ferry crews", 5) == []
    assert services.lexical.passages() == []
    assert services.retriever.retrieve("ferry crews pay").passages == []


def test_orphan_chunks_are_invisible(services: Services, tmp_path: Path) -> None:
    """Chunks left by an interrupted update (hash not committed) never reach retrieval."""
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: Dam\nurl: https://e.com/dam\n---\nThe dam holds back the river.\n")
    services.ingest([str(path)])
    [live] = list(services.store.iter_chunks())
    services.store.chunks.upsert(
        ids=["orphan-1"],
        documents=["The dam burst and flooded the valley."],
        embeddings=[services.embeddings().encode(["The dam burst"])[0]],
        metadatas=[{**services.store.chunks.get(ids=[live.chunk_id])["metadatas"][0], "content_hash": "stale"}],
    )
    services.store._bump_revision()
    result = services.retriever.retrieve("dam burst flooded valley", k=5)
    assert [p.chunk_id for p in result.passages] == [live.chunk_id]


class ReversingReranker:
    """A stand-in reranker: puts the fused order upside down, and says it saw the query."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    def rerank(self, query: str, passages: list[Passage]) -> list[Passage]:
        self.queries.append(query)
        return list(reversed(passages))


def test_reranker_hook_reorders_the_head(library_settings: object) -> None:
    services = Services(library_settings.model_copy(update={"rerank_candidates": 4}))  # type: ignore[attr-defined]
    plain = services.retriever.retrieve("Putin uranium offer", k=4)
    reranker = ReversingReranker()
    services.retriever.reranker = reranker
    reranked = services.retriever.retrieve("Putin uranium offer", k=4)
    assert reranker.queries == ["Putin uranium offer"]
    assert [p.chunk_id for p in reranked.passages] == [p.chunk_id for p in reversed(plain.passages)]


def test_no_reranker_by_default_and_a_missing_model_is_a_clear_error(library_settings: object) -> None:
    from assistant.errors import ConfigError

    assert Services(library_settings).retriever.reranker is None  # type: ignore[arg-type]
    broken = Services(library_settings.model_copy(update={"reranker_model": "/no/such/cross-encoder"}))  # type: ignore[attr-defined]
    with pytest.raises(ConfigError, match="NEWSDESK_RERANKER_MODEL"):
        _ = broken.retriever
