"""Hybrid retrieval on a real store: ranking, filters, relative time, staying in step with writes."""

from __future__ import annotations

import json
import math
import os
import subprocess
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from assistant.chain import answer
from assistant.config import Settings
from assistant.errors import InvalidRequestError
from assistant.filters import SearchFilters
from assistant.lexical import index_terms
from assistant.records import Passage
from assistant.retrieval import boost_recent, fuse, parse_filters
from assistant.services import Services
from tests.conftest import ROOT


def ingest_records(services: Services, path: Path, records: list[tuple[str | None, str, str]]) -> None:
    """Ingest (published date, title, text) records, written to ``path`` as JSON lines."""
    lines = (
        json.dumps({"title": t, "url": f"https://e.com/{n}", "published": d, "text": x})
        for n, (d, t, x) in enumerate(records)
    )
    path.write_text("".join(f"{line}\n" for line in lines))
    services.ingest([str(path)])


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


def test_recency_gain_is_scaled_by_the_square_root_of_a_passages_share_of_the_best_similarity() -> None:
    def p(cid: str, dense: float | None) -> Passage:
        signals = {} if dense is None else {"dense": dense}
        return Passage(cid, "a", "t", None, None, "2023-01-31", "q", 0, 1, signals=signals)

    passages = [p("closest", 0.64), p("quarter", 0.16), p("unlike", -0.1), p("by-words-only", None)]
    ranked = boost_recent(passages, date(2023, 1, 31), bonus=0.016, half_life=30.0)
    gains = {x.chunk_id: x.signals["recency"] for x in ranked}
    assert gains["closest"] == pytest.approx(0.016)
    assert gains["quarter"] == pytest.approx(0.016 * 0.5)
    assert gains["unlike"] == gains["by-words-only"] == 0.0  # the least similar found by meaning: below 0
    assert all(x.signals["freshness"] == 1.0 for x in ranked)  # the answerer's factor is the date's alone


def test_an_archive_is_fresh_as_of_its_newest_article(services: Services, tmp_path: Path) -> None:
    """Asked with no date of an archive that stops years ago: its latest news counts as "now", so
    the last address it reports comes before an earlier one that matches the words a little better."""
    path = tmp_path / "addresses.jsonl"
    records = [
        (
            "2019-03-02",
            "Mayor gives harbour address",
            "In her harbour address the mayor promised a new harbour ferry pier.",
        ),
        (
            "2022-03-05",
            "Mayor gives harbour address again",
            "In the address the mayor promised cheaper harbour ferries.",
        ),
        ("2020-07-01", "Orchard fair opens", "Apple growers opened the orchard fair in the valley."),
    ]
    ingest_records(services, path, records)
    result = services.retriever.retrieve("What did the mayor promise in the harbour address?", k=2)
    assert titles(result.passages) == ["Mayor gives harbour address again", "Mayor gives harbour address"]
    assert result.passages[0].signals["freshness"] == 1.0  # dated on the archive's last day
    assert services.lexical.newest() == date(2022, 3, 5)
    # a date asked for still counts from that date
    then = services.retriever.retrieve(
        "What did the mayor promise in the harbour address?", k=2, as_of=date(2019, 3, 2)
    )
    assert titles(then.passages)[0] == "Mayor gives harbour address"


def test_a_name_typed_without_its_accents_is_found(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "people.jsonl"
    records = [
        ("Harbour choir sings again", "The choir led by Zoë Müller sang at the Orléans quay on Sunday."),
        ("Harbour choir loses its hall", "The choir led by Anna Weber must leave its rehearsal hall in March."),
    ]
    ingest_records(services, path, [(None, t, x) for t, x in records])
    hits = services.lexical.search("Zoe Muller Orleans", 2)  # as typed on a plain keyboard
    assert hits and hits[0].title == "Harbour choir sings again" and len(hits) == 1
    assert services.lexical.search("Zoë Müller", 2)[0].title == "Harbour choir sings again"


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


def test_a_month_asked_about_is_searched_with_the_week_that_reports_it(services: Services, tmp_path: Path) -> None:
    """May's ferry figures come out in June: asked "in May", the report dated June 4 is read, the
    one dated May 6 (April's figures) is searched too, and one dated June 15 (a later story) is not."""
    path = tmp_path / "ferries.jsonl"
    records = [
        ("2025-05-06", "Ferry passengers dip in April", "The harbour ferries carried 41,000 passengers in April."),
        ("2025-06-04", "Ferry passengers rise in May", "The harbour ferries carried 52,000 passengers in May."),
        ("2025-06-15", "Ferry fares to rise", "Harbour ferry passengers will pay more from July, the operator said."),
    ]
    ingest_records(services, path, records)
    result = answer("How many passengers did the ferries carry in May?", as_of="2025-06-20", services=services)
    assert result.date_range == {"since": "2025-05-01", "until": "2025-06-07", "period_until": "2025-05-31"}
    assert {p.title for p in result.passages} == {"Ferry passengers dip in April", "Ferry passengers rise in May"}
    assert "52,000" in result.answer


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


def bm25_by_the_book(passages: list[Passage], query: str) -> dict[str, float]:
    """Lucene's BM25 (k1 1.5, b 0.75) of each passage for ``query``, computed here from the terms."""
    docs = {p.chunk_id: index_terms(p.title + "\n" + p.quote) or ["\u2205"] for p in passages}
    n, average = len(docs), sum(map(len, docs.values())) / len(docs)
    scores = {}
    for chunk_id, words in docs.items():
        total = 0.0
        for term in index_terms(query):
            df = sum(term in d for d in docs.values())
            tf = words.count(term)
            if tf:
                idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
                total += idf * tf / (tf + 1.5 * (1 - 0.75 + 0.75 * len(words) / average))
        if total > 0:
            scores[chunk_id] = total
    return scores


def test_bm25_scores_are_lucenes_and_stay_so_as_other_processes_write(services: Services, tmp_path: Path) -> None:
    """The index is rebuilt from cached word counts when the store changes: every passage's score
    (document frequencies and the average length move with each write) is BM25's, as a fresh
    index over the same passages gives it."""
    stories = [
        ("Ferry Fares Rise", "Ferry fares on the island ferry route rise by a tenth in July, the ferry company said."),
        (
            "Pier Reopens",
            "The old pier reopened to walkers after two years of repairs to the pier and the ferry steps.",
        ),
        ("Storm Closes Schools", "A storm closed schools along the coast on Friday."),
    ]

    def write(rows: list[tuple[str, str]], name: str) -> Path:
        path = tmp_path / name
        path.write_text(
            "".join(json.dumps({"title": t, "url": f"https://e.com/{t[:4]}", "text": x}) + "\n" for t, x in rows)
        )
        return path

    query = "ferry pier repairs island"
    services.ingest([str(write(stories[:2], "a.jsonl"))])
    for step in ("first", "after another process's write", "after its delete"):
        if step == "after another process's write":
            Services(services.settings).ingest([str(write(stories[2:], "b.jsonl"))])
        elif step == "after its delete":
            other = Services(services.settings)
            [pier] = [p for p in other.lexical.passages() if p.title == "Pier Reopens"]
            other.store.delete_article(pier.article_id)
        hits = services.lexical.search(query, 10)
        expected = bm25_by_the_book(services.lexical.passages(), query)
        assert {p.chunk_id: pytest.approx(p.score, rel=1e-6) for p in hits} == expected, step
        assert [p.score for p in hits] == sorted((p.score for p in hits), reverse=True)
        fresh = Services(services.settings).lexical.search(query, 10)  # a new process's index
        assert [(p.chunk_id, p.score) for p in fresh] == [(p.chunk_id, p.score) for p in hits], step
    assert len(services.lexical.passages()) == 2 and services.lexical.idf("pier") == math.log(1 + 2.5 / 0.5)


def test_the_dense_side_is_exact_and_filtered_as_the_lexical_side(services: Services, tmp_path: Path) -> None:
    """The nearest passages are every passage's true cosine similarity, best first (not Chroma's
    approximate search, which differs from process to process); date filters leave out undated
    passages, "as of a day" keeps them, as BM25's filters do."""
    stories = [
        ("Ferry Fares Rise", "2025-06-02", "Ferry fares on the island route rise by a tenth in July."),
        ("Pier Reopens", "2025-06-09", "The old pier reopened to walkers after two years of repairs."),
        ("Storm Closes Schools", "2025-06-20", "A storm closed schools along the coast on Friday."),
        ("Harbour History", None, "The harbour was dug by hand two centuries ago, the museum says."),
    ]
    path = tmp_path / "stories.jsonl"
    path.write_text(
        "".join(
            json.dumps({"title": t, "url": f"https://e.com/{i}", "published_at": d, "text": x}) + "\n"
            for i, (t, d, x) in enumerate(stories)
        )
    )
    services.ingest([str(path)])
    services.lexical.refresh()
    vector = services.embeddings().embed_query("island ferry prices")
    stored = list(services.store.iter_chunk_vectors())
    exact = sorted(
        ((float(np.dot(v, vector) / np.linalg.norm(v) / np.linalg.norm(vector)), p.title) for p, v in stored),
        reverse=True,
    )
    nearest = services.lexical.nearest(vector, 10)
    assert [(pytest.approx(p.score, abs=1e-5), p.title) for p in nearest] == exact
    assert nearest[0].title == "Ferry Fares Rise"
    assert titles(services.lexical.nearest(vector, 2)) == [title for _, title in exact[:2]]

    june = SearchFilters(since=date(2025, 6, 1), until=date(2025, 6, 10))
    assert titles(services.lexical.nearest(vector, 10, june)) == ["Ferry Fares Rise", "Pier Reopens"]
    assert sorted(titles(services.lexical.search("ferry pier harbour storm", 10, june))) == [
        "Ferry Fares Rise",
        "Pier Reopens",
    ]
    as_of = SearchFilters(known_by=date(2025, 6, 10))  # what was out by then, and the undated
    assert sorted(titles(services.lexical.nearest(vector, 10, as_of))) == [
        "Ferry Fares Rise",
        "Harbour History",
        "Pier Reopens",
    ]
    assert services.lexical.nearest(vector, 10, SearchFilters(sources=("No Such Paper",))) == []


def test_the_same_question_gets_the_same_answer_in_every_process(library_settings: Settings) -> None:
    """Python orders sets of words differently in each process (PYTHONHASHSEED): nothing in the
    ranking or the answer may depend on that order."""
    env = {
        **os.environ,  # with NEWSDESK_CHROMA_URL when the run is in server mode
        "NEWSDESK_DATA_DIR": str(library_settings.data_dir),
        "NEWSDESK_COLLECTION": library_settings.collection,
    }
    script = (
        "import json\n"
        "from assistant.chain import answer\n"
        "for q in ['What did Medvedev argue?', 'What happened with the tram?', 'Who won the rowing title?']:\n"
        "    a = answer(q, k=10)\n"
        "    print(json.dumps([a.answer, [(p.chunk_id, p.score) for p in a.passages]]))\n"
    )

    def asked(seed: str) -> list[object]:
        done = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "-c", script],
            env={**env, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        return [json.loads(line) for line in done.stdout.splitlines()]

    first = asked("1")
    assert len(first) == 3 and all(passages for _, passages in first)
    assert asked("2") == first


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
