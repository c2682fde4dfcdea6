"""The pipeline into a real Chroma with the real embedding model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import EmbeddingModelMismatch, NotFoundError, StoreError
from assistant.services import Services
from assistant.store import ChromaStore
from ingest.articles import Article
from ingest.pipeline import Ingestor
from tests.conftest import EXAMPLES, make_settings
from tests.httpserver import Route, serve_folder, serve_routes


def stored_chunks(services: Services) -> list:
    return list(services.store.iter_chunks())


def test_seed_article_ingested_with_metadata_and_offsets(services: Services, seed_path: Path) -> None:
    summary = services.ingest([str(seed_path)])
    assert (summary.added, summary.updated, summary.unchanged, summary.failed) == (1, 0, 0, [])
    [record] = services.store.list_articles()
    assert record.title == "Iran’s Supreme Leader Appeals to Putin Amid Regional Turmoil"
    assert record.published_at == "2025-06-23"  # stated in the opening line
    assert record.chunk_count == summary.chunks >= 1
    text = services.store.get_article_text(record.id)
    assert "Post a Comment" not in text
    chunks = stored_chunks(services)
    assert len(chunks) == record.chunk_count
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.quote
        assert chunk.article_id == record.id and chunk.title == record.title
        assert chunk.published_at == "2025-06-23"
    got = services.store.chunks.get(ids=[chunks[0].chunk_id], include=["metadatas"])
    assert got["metadatas"][0]["published_day"] == 20262  # 2025-06-23 as days since 1970


def test_embedded_text_carries_a_header_but_stored_passage_does_not(services: Services, seed_path: Path) -> None:
    services.ingest([str(seed_path)])
    chunk = stored_chunks(services)[0]
    model = services.embeddings()
    stored = services.store.chunks.get(ids=[chunk.chunk_id], include=["embeddings", "documents"])
    vector = stored["embeddings"][0]
    with_header = model.encode([f"{chunk.title} (2025-06-23)\n{chunk.quote}"])[0]
    bare = model.encode([chunk.quote])[0]
    assert not stored["documents"][0].startswith(chunk.title)
    assert float(vector @ with_header) > 0.999
    assert float(vector @ bare) < 0.999


def test_examples_every_format(services: Services) -> None:
    summary = services.ingest([str(EXAMPLES)])
    assert summary.failed == []
    records = services.store.list_articles()
    assert summary.added == len(records) == 8
    titles = {r.title for r in records}
    assert "Putin Offers to Mediate and to Hold Iran's Uranium" in titles  # html
    assert "Analysis: Why the Kremlin Is Treading Carefully on Iran" in titles  # json
    assert "Small Rowing Club Wins the National Eights Title" in titles  # txt with Title: line
    assert sum(r.chunk_count for r in records) == services.store.count_chunks() == summary.chunks


def test_reingest_is_idempotent_and_does_no_embedding_work(services: Services) -> None:
    first = services.ingest([str(EXAMPLES)])
    model = services.embeddings()
    calls = model.calls
    chunks_before = services.store.count_chunks()
    second = services.ingest([str(EXAMPLES)])
    assert second.to_dict()["added"] == 0 and second.updated == 0
    assert second.unchanged == first.added
    assert second.chunks == 0
    assert model.calls == calls  # not one embedding call
    assert services.store.count_chunks() == chunks_before
    assert len(services.store.list_articles()) == first.added


def test_changed_article_replaces_its_old_chunks(services: Services, tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text(
        "---\ntitle: Bridge Vote\nurl: https://example.com/bridge\n---\nThe council will vote on the bridge on Friday.\n"
    )
    services.ingest([str(path)])
    [old] = stored_chunks(services)
    path.write_text(
        "---\ntitle: Bridge Vote\nurl: https://example.com/bridge\n---\nThe council approved the bridge on Friday by seven votes to two.\n"
    )
    summary = services.ingest([str(path)])
    assert (summary.added, summary.updated, summary.unchanged) == (0, 1, 0)
    [new] = stored_chunks(services)
    assert new.chunk_id != old.chunk_id and "approved" in new.quote
    assert not services.store.chunks.get(ids=[old.chunk_id])["ids"]
    [record] = services.store.list_articles()
    assert record.content_hash == new.content_hash and record.chunk_count == 1


def test_edited_file_without_url_is_an_update_and_moved_copy_is_no_duplicate(
    services: Services, tmp_path: Path
) -> None:
    path = tmp_path / "note.txt"
    path.write_text("Harbour Works\nThe harbour wall will be repaired this summer.")
    services.ingest([str(path)])
    path.write_text("Harbour Works\nThe harbour wall repairs were postponed to next year.")
    assert services.ingest([str(path)]).updated == 1
    copy = tmp_path / "copy.txt"
    copy.write_text(path.read_text())
    again = services.ingest([str(copy)])
    assert again.unchanged == 1 and again.added == 0
    [record] = services.store.list_articles()
    assert again.articles == [{"id": record.id, "title": "Harbour Works", "status": "unchanged", "copy_of": record.id}]


def test_same_article_twice_in_one_batch_is_stored_once(services: Services, tmp_path: Path) -> None:
    record = {"title": "Twice", "url": "https://example.com/twice", "text": "Said once, sent twice."}
    path = tmp_path / "dup.jsonl"
    path.write_text(json.dumps(record) + "\n" + json.dumps(record) + "\n")
    summary = services.ingest([str(path)])
    assert (summary.added, summary.unchanged) == (1, 1)
    assert services.store.count_chunks() == 1
    assert "copy_of" not in summary.articles[0]  # the same article twice, not a copy of another
    copies = tmp_path / "copies"
    copies.mkdir()
    for name in ("a.txt", "b.txt"):  # one story in two files of one run: the second names the first
        (copies / name).write_text("Pier Lights\nThe pier lights came on again on Friday.")
    by_status = {a["status"]: a for a in services.ingest([str(copies)]).articles}
    added = by_status["added"]
    assert by_status["unchanged"] == {**added, "status": "unchanged", "copy_of": added["id"]}


def test_delete_removes_record_and_chunks(services: Services) -> None:
    services.ingest([str(EXAMPLES)])
    target = services.store.list_articles()[0]
    before = services.store.count_chunks()
    removed = services.store.delete_article(target.id)
    assert removed == target.chunk_count
    assert services.store.count_chunks() == before - target.chunk_count
    assert not [c for c in stored_chunks(services) if c.article_id == target.id]
    with pytest.raises(NotFoundError):
        services.store.get_article(target.id)
    with pytest.raises(NotFoundError, match=repr(target.id)):
        services.store.delete_article(target.id)


def test_bad_input_in_a_batch_harms_nothing_stored(services: Services, tmp_path: Path) -> None:
    services.ingest([str(EXAMPLES)])
    records_before = {r.id: r.content_hash for r in services.store.list_articles()}
    chunks_before = services.store.count_chunks()
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "bad.json").write_text("{oops")
    (tmp_path / "lines.jsonl").write_text('{"title": "Fine", "text": "A fine new story about a ferry."}\nnot json\n')
    summary = services.ingest([str(tmp_path), "/does/not/exist", str(EXAMPLES)])
    assert summary.added == 1 and summary.unchanged == len(records_before)
    reasons = {
        Path(f["source"].split(":")[0]).name if f["source"] != "/does/not/exist" else f["source"]: f["error"]
        for f in summary.failed
    }
    assert set(reasons) == {"empty.txt", "bin.txt", "bad.json", "lines.jsonl", "/does/not/exist"}
    after = {r.id: r.content_hash for r in services.store.list_articles()}
    assert {k: after[k] for k in records_before} == records_before
    assert services.store.count_chunks() == chunks_before + 1


def test_model_mismatch_is_a_clear_error(settings: Settings, seed_path: Path) -> None:
    Services(settings).ingest([str(seed_path)])
    other = settings.model_copy(update={"embedding_model": "some-other-model"})
    with pytest.raises(EmbeddingModelMismatch, match="all-MiniLM-L6-v2"):
        ChromaStore(other)


def test_records_are_shared_through_chroma_not_process_memory(settings: Settings, seed_path: Path) -> None:
    Services(settings).ingest([str(seed_path)])
    fresh = Services(settings)  # a second process would open the store like this
    assert [r.title for r in fresh.store.list_articles()] == [
        "Iran’s Supreme Leader Appeals to Putin Amid Regional Turmoil"
    ]
    summary = fresh.ingest([str(seed_path)])
    assert summary.unchanged == 1


def test_changing_chunk_settings_rechunks(tmp_path: Path, seed_path: Path) -> None:
    settings = make_settings(tmp_path / "d")
    Services(settings).ingest([str(seed_path)])
    smaller = settings.model_copy(update={"chunk_words": 40, "chunk_max_words": 60})
    summary = Services(smaller).ingest([str(seed_path)])
    assert summary.updated == 1
    [record] = Services(smaller).store.list_articles()
    assert record.chunk_count == Services(smaller).store.count_chunks() > 2


def one_passage_notes(folder: Path, count: int) -> Path:
    """``count`` short Markdown articles of one passage each, all different."""
    folder.mkdir()
    for i in range(count):
        (folder / f"note-{i:03d}.md").write_text(
            f"---\ntitle: Harbour Note {i}\n---\n\nThe harbour board met on day {i} and approved berth {i * 3} "
            f"for the autumn season, with {i + 2} votes in favour.\n",
            encoding="utf-8",
        )
    return folder


def test_progress_counts_every_source_as_the_run_goes_and_ends_at_the_total(tmp_path: Path) -> None:
    folder = one_passage_notes(tmp_path / "many", 70)
    (folder / "broken.json").write_text("[{]")
    # Passages are written in batches of 4 x the embedding batch size (at least 64): 70 one-passage
    # articles make two batches, so the count moves before the end.
    services = Services(make_settings(tmp_path / "data", embedding_batch_size=16))
    calls: list[tuple[int, int]] = []
    summary = services.ingest([str(folder)], progress=lambda done, total: calls.append((done, total)))
    assert summary.added == 70 and len(summary.failed) == 1 and summary.chunks == 70
    assert {total for _, total in calls} == {71}  # the failed source counts too
    done = [d for d, _ in calls]
    assert done == sorted(done) and calls[-1] == (71, 71)
    assert any(1 < d < 71 for d in done), done  # articles were reported written while the run went on
    assert services.store.count_articles() == 70

    again: list[tuple[int, int]] = []
    services.ingest([str(folder)], progress=lambda d, t: again.append((d, t)))
    assert again and again[-1] == (71, 71)  # nothing to write: the count still reaches the total


def test_a_failed_write_stops_the_run_and_keeps_what_was_committed(tmp_path: Path) -> None:
    # One batch is written while the next is embedded: a write that fails must still stop the run
    # with a StoreError, before anything after it is written, leaving earlier batches whole.
    folder = one_passage_notes(tmp_path / "notes", 150)
    services = Services(make_settings(tmp_path / "data", embedding_batch_size=16))  # batches of 64 passages
    store = services.store
    real_write = store.write_articles
    written: list[int] = []

    def failing_second_write(writes: list) -> None:
        if written:
            raise StoreError("disk full (simulated)")
        real_write(writes)
        written.append(len(writes))

    store.write_articles = failing_second_write  # type: ignore[method-assign]
    with pytest.raises(StoreError, match="disk full"):
        services.ingest([str(folder)])
    assert written == [64]
    records = store.list_articles()
    assert len(records) == 64 and all(r.chunk_count == 1 for r in records)
    assert len(stored_chunks(services)) == 64

    store.write_articles = real_write  # type: ignore[method-assign]
    summary = services.ingest([str(folder)])
    assert (summary.added, summary.unchanged) == (86, 64)
    assert store.count_articles() == 150 and len(stored_chunks(services)) == 150


def test_a_web_folder_listing_ingests_the_articles_it_lists_and_reingests_in_place(tmp_path: Path) -> None:
    site = tmp_path / "site" / "news"
    (site / "2025").mkdir(parents=True)
    (site / "ferry.md").write_text("---\ntitle: Ferry Fares Rise\n---\nFerry fares rise by a tenth in July.\n")
    (site / "2025" / "pier.txt").write_text("Pier Reopens\nThe old pier reopened on Saturday after repairs.\n")
    (site / "wire.jsonl").write_text(
        json.dumps({"id": "w1", "title": "Tram Line Approved", "text": "The council approved the tram line."}) + "\n"
    )
    (site / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (site / "index-notes.bin").write_bytes(b"\x00\x01")
    settings = make_settings(tmp_path / "data", fetch_allow_hosts=["127.0.0.1"])
    services = Services(settings)
    with serve_folder(tmp_path / "site") as base:
        first = services.ingest([f"{base}/news/"])
        titles = sorted(r.title for r in services.store.list_articles())
        (site / "ferry.md").write_text("---\ntitle: Ferry Fares Rise\n---\nFerry fares rise by a fifth in July.\n")
        second = services.ingest([f"{base}/news"])
        empty = tmp_path / "site" / "empty"
        empty.mkdir()
        (empty / "readme.pdf").write_bytes(b"%PDF")
        nothing = services.ingest([f"{base}/empty/"])
    assert titles == ["Ferry Fares Rise", "Pier Reopens", "Tram Line Approved"]  # not the listing page itself
    assert (first.added, first.failed) == (3, [])
    ferry = next(r for r in services.store.list_articles() if r.title == "Ferry Fares Rise")
    assert ferry.url == f"{base}/news/ferry.md"  # a file on the web is known by its address
    assert (second.added, second.updated, second.unchanged) == (0, 1, 2)  # the edit replaced its article
    assert len(services.store.list_articles()) == 3
    assert "fifth" in services.store.get_article_text(ferry.id)
    assert nothing.added == 0 and "no supported files" in nothing.failed[0]["error"]


def _page(title: str, body: str, site: str | None = None) -> bytes:
    meta = f'<meta property="og:site_name" content="{site}">' if site else ""
    meta += '<meta property="article:published_time" content="2025-06-17T08:00:00Z">'
    return f"<html><head><title>{title}</title>{meta}</head><body><article><h1>{title}</h1><p>{body}</p></article></body></html>".encode()


def test_a_feed_entry_whose_page_fails_never_replaces_the_stored_article(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", fetch_allow_hosts=["127.0.0.1"])
    services = Services(settings)
    full = "The mayor will stand for a third term, facing the harbour pilot Victor Hale in the September vote. " * 3
    routes = {"/mayor": Route(_page("Mayor Runs Again", full, site="Coastal Tribune"))}
    with serve_routes(routes) as base:
        feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Local Wire</title>
        <item><title>Mayor Runs Again</title><link>{base}/mayor</link>
        <pubDate>Tue, 17 Jun 2025 08:00:00 GMT</pubDate><description>The mayor is running again.</description></item>
        </channel></rss>"""
        routes["/feed.xml"] = Route(feed.encode(), "application/rss+xml")
        first = services.ingest([f"{base}/feed.xml"])
        routes["/mayor"] = Route(status=404)
        second = services.ingest([f"{base}/feed.xml"])
        routes["/mayor"] = Route(_page("Mayor Runs Again", full, site="Coastal Tribune"))
        direct = services.ingest([f"{base}/mayor"])
    assert first.added == 1
    [record] = services.store.list_articles()
    assert record.source == "Coastal Tribune"  # the page's own name, not the feed's: the same from either
    assert (second.added, second.updated) == (0, 0)
    [failed] = second.failed
    assert "page could not be fetched" in failed["error"] and "HTTP 404" in failed["error"]
    assert "the stored version is kept" in failed["error"]
    assert "Victor Hale" in services.store.get_article_text(record.id)  # not the feed's one-line summary
    assert direct.unchanged == 1  # the page itself is the same article, unchanged


def test_a_feed_entry_whose_page_fails_is_stored_from_its_summary_when_new(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", fetch_allow_hosts=["127.0.0.1"])
    services = Services(settings)
    routes: dict[str, Route] = {}
    with serve_routes(routes) as base:
        feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Local Wire</title>
        <item><title>Pier Reopens</title><link>{base}/pier</link>
        <description>The pier reopened on Thursday after repairs.</description></item></channel></rss>"""
        routes["/feed.xml"] = Route(feed.encode(), "application/rss+xml")
        summary = services.ingest([f"{base}/feed.xml"])
    assert (summary.added, summary.failed) == (1, [])
    [record] = services.store.list_articles()
    assert record.source == "Local Wire" and "reopened on Thursday" in services.store.get_article_text(record.id)
    [warning] = summary.warnings  # stored, but only its summary: said
    assert warning["source"] == f"{base}/pier"
    assert "page could not be fetched" in warning["warning"] and "HTTP 404" in warning["warning"]
    assert "stored from the feed's summary" in warning["warning"]


@pytest.mark.parametrize(("given", "stored"), [("31/02/2025", None), ("yesterday", None), ("1750000000", "2025-06-15")])
def test_a_date_not_understood_is_a_warning_and_the_article_is_stored_undated(
    services: Services, tmp_path: Path, given: str, stored: str | None
) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"title": "Pier Reopens", "published_at": given, "text": "The pier reopened."}) + "\n")
    summary = services.ingest([str(path)])
    [record] = services.store.list_articles()
    assert summary.added == 1 and record.published_at == stored
    if stored:
        assert summary.warnings == []
    else:
        [warning] = summary.to_dict()["warnings"]
        assert warning["source"] == f"{path}:1"
        assert warning["warning"] == f"date {given!r} not understood (write it like 2025-06-23); stored undated"


def _home_linked_page(title: str, body: str) -> str:
    return (
        f'<html><head><title>{title}</title><link rel="canonical" href="https://www.hillsideherald.example/">'
        '<meta property="og:url" content="https://www.hillsideherald.example/"></head>'
        f"<body><article><h1>{title}</h1><p>{body}</p></article></body></html>"
    )


def test_pages_whose_canonical_link_is_the_home_page_are_each_their_own_article(
    services: Services, tmp_path: Path
) -> None:
    (tmp_path / "rink.html").write_text(
        _home_linked_page("Ice Rink Opens Early", "The town ice rink opens a fortnight early after a cold snap.")
    )
    (tmp_path / "market.html").write_text(
        _home_linked_page("Night Market Returns", "The night market returns to the quay with forty stalls on Friday.")
    )
    first = services.ingest([str(tmp_path)])
    again = services.ingest([str(tmp_path)])
    records = services.store.list_articles()
    assert (first.added, again.unchanged, again.updated) == (2, 2, 0)
    assert sorted(r.title for r in records) == ["Ice Rink Opens Early", "Night Market Returns"]
    assert all(r.url is None for r in records)  # known by their files, not by the site's address
    assert [w["source"] for w in first.warnings] == [str(tmp_path / "market.html"), str(tmp_path / "rink.html")]
    assert "'https://www.hillsideherald.example/' is not an article's own address" in first.warnings[0]["warning"]


def test_two_stories_under_one_address_in_one_ingest_are_both_kept_and_said(services: Services, tmp_path: Path) -> None:
    url = "https://example.com/story"
    lines = [
        {
            "url": url,
            "title": "Lifeboat Crew Honoured",
            "text": "The lifeboat crew received medals for a night rescue.",
        },
        {"url": url, "title": "School Roof Repaired", "text": "The primary school roof was repaired over half term."},
        {"url": url, "title": "School Roof Repaired", "text": "The primary school roof was repaired in a week."},
    ]
    path = tmp_path / "shared-url.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    first = services.ingest([str(path)])
    again = services.ingest([str(path)])
    records = {r.title: r for r in services.store.list_articles()}
    assert sorted(records) == ["Lifeboat Crew Honoured", "School Roof Repaired"]
    assert "in a week" in services.store.get_article_text(records["School Roof Repaired"].id)  # the later version
    assert first.added == 2 and (again.added, again.updated) == (0, 0)  # the same two, not flipping
    said = [w["warning"] for w in first.warnings]
    assert (
        said[0].startswith("its address or id is also that of 'Lifeboat Crew Honoured'")
        and "both are stored" in said[0]
    )
    assert said[1].startswith("another version of 'School Roof Repaired'") and "the later one is kept" in said[1]


def test_a_records_own_id_is_unique_only_within_its_source(services: Services, tmp_path: Path) -> None:
    (tmp_path / "quay-courier.jsonl").write_text(
        json.dumps({"id": 7, "title": "Quay Bakery Closes", "text": "The quay bakery closes after sixty years."}) + "\n"
    )
    (tmp_path / "moor-gazette.jsonl").write_text(
        json.dumps(
            {
                "id": 7,
                "title": "Moor Road Resurfaced",
                "text": "The moor road was resurfaced.",
                "source": "Moor Gazette",
            }
        )
        + "\n"
    )
    first = services.ingest([str(tmp_path / "quay-courier.jsonl"), str(tmp_path / "moor-gazette.jsonl")])
    again = services.ingest([str(tmp_path)])
    assert (first.added, first.updated, first.warnings) == (2, 0, [])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert sorted(r.title for r in services.store.list_articles()) == ["Moor Road Resurfaced", "Quay Bakery Closes"]


def test_a_record_stored_under_its_bare_id_is_updated_in_place_not_duplicated(
    services: Services, tmp_path: Path
) -> None:
    path = tmp_path / "quay-courier.jsonl"
    # what an ingest before ids were scoped stored: the record known by "record:7" alone
    ingestor = Ingestor(services.store, services.embeddings, services.settings)
    old = Article(
        title="Quay Bakery Closes", text="The quay bakery closes in May.", origin=f"{path}:1", identity="record:7"
    )
    ingestor.ingest([old])
    [stored] = services.store.list_articles()
    path.write_text(
        json.dumps({"id": 7, "title": "Quay Bakery Closes", "text": "The quay bakery closes in June."}) + "\n"
    )
    other = tmp_path / "moor-gazette.jsonl"
    other.write_text(
        json.dumps({"id": 7, "title": "Moor Road Resurfaced", "text": "The moor road was resurfaced."}) + "\n"
    )
    edited = services.ingest([str(path), str(other)])
    assert (edited.added, edited.updated) == (1, 1)  # the edit replaced its stored version; the other file's 7 is new
    records = {r.title: r for r in services.store.list_articles()}
    assert records["Quay Bakery Closes"].id == stored.id
    assert "June" in services.store.get_article_text(stored.id)
    assert (services.ingest([str(path), str(other)]).unchanged, len(records)) == (2, 2)
