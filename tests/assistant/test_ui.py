"""The UI's HTML (escaping, markers, passages in context) and its handlers, without a browser."""

from __future__ import annotations

import os
import re
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest

from assistant.chain import Answer, answer
from assistant.citations import Citation
from assistant.ingest_lock import IngestLock, lock_path
from assistant.records import ArticleRecord, Passage
from assistant.services import Services
from assistant.timeline import timeline_topic
from assistant.ui.app import NewsdeskUI
from assistant.ui.examples import MAX_EXAMPLES, example_questions, read_curated
from assistant.ui.render import (
    EMPTY_SOURCES,
    WAITING,
    answer_html,
    article_html,
    context_html,
    library_html,
    panel_html,
    safe_url,
    sources_html,
    summary_html,
)
from assistant.uploads import ingest_records
from tests.conftest import make_settings
from tests.httpserver import Route, serve_routes

EVIL = '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=1">'


def passage(**overrides: object) -> Passage:
    values: dict[str, object] = {
        "chunk_id": "c1",
        "article_id": "a1",
        "title": 'Ferry <b>"Timetable"</b>',
        "url": "https://example.com/ferry?a=1&b=2",
        "source": "Harbour Post",
        "published_at": "2025-06-20",
        "quote": "The council approved it.",
        "start": 0,
        "end": 24,
    }
    values.update(overrides)
    return Passage(**values)  # type: ignore[arg-type]


def record(title: str, published_at: str = "2025-06-20", url: str | None = None) -> ArticleRecord:
    return ArticleRecord(title[:8], title, url, "Post", published_at, [], "h", 1, "now")


def test_answer_text_is_escaped_and_markers_link_to_their_source() -> None:
    html = answer_html(f"Ferries *now* run {EVIL} [1]. Also [2].", [Citation(1, passage())])
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x" in html
    assert r"\*now\*" in html  # Markdown punctuation shows as itself
    assert '<a class="nd-cite" href="#nd-a0-source-1" title="Ferry &lt;b&gt;&quot;Timetable&quot;&lt;/b&gt;' in html
    # the third answer of a conversation links to its own sources; its notes follow it
    later = answer_html("Ferries run [1].", [Citation(1, passage())], answer=2, notes=["Searched *all* dates."])
    assert 'href="#nd-a2-source-1"' in later and later.endswith(
        '<span class="nd-note">Note: Searched \\*all\\* dates\\.</span>'
    )
    assert '<span class="nd-cite">[2]</span>' in html  # no citation behind [2]: shown, not linked


def test_only_http_urls_become_links() -> None:
    assert safe_url("https://example.com/a?b=1&c=2") == "https://example.com/a?b=1&amp;c=2"
    assert safe_url('http://example.com/"onmouseover=x') == "http://example.com/&quot;onmouseover=x"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>", "/relative", "", None):
        assert safe_url(bad) is None


def test_passage_shown_in_its_surrounding_text_with_the_supporting_sentence_marked() -> None:
    text = "Intro words here. " * 30 + "First <b>claim</b>. Second claim. " + "Closing words. " * 30
    start = text.index("First")
    end = text.index("Closing")
    second = text.index("Second")
    html = context_html(text, start, end, [(second, second + len("Second claim."))])
    assert html.startswith("…") and html.endswith("…")  # a window around the passage, not the whole article
    assert "Intro words here." in html and "Closing words." in html
    assert '<span class="nd-passage">First &lt;b&gt;claim&lt;/b&gt;. <mark>Second claim.</mark> </span>' in html
    whole = context_html(text, start, end, [])
    assert "<mark>First &lt;b&gt;claim&lt;/b&gt;. Second claim. </mark>" in whole  # no highlight: the passage
    assert context_html(text, 5, 10_000, []) == ""  # offsets that do not fit the text


def test_sources_panel_lists_only_the_cited_articles(library: Services) -> None:
    result = answer("What did Medvedev argue?", services=library)
    panel = sources_html(result, library.store.get_article_text, answer=3)
    cited = {c.passage.article_id for c in result.citations}
    assert panel.count('class="nd-source"') == len(cited) < len(result.passages)  # one card per cited article
    assert sorted(int(n) for n in re.findall(r'id="nd-a3-source-(\d+)"', panel)) == [c.n for c in result.citations]
    assert "For: What did Medvedev argue?" in panel
    assert "Medvedev Says U.S. Strikes Left Khamenei Stronger" in panel
    assert "<mark>Dmitry Medvedev, the deputy chairman" in panel
    assert 'href="https://example.com/world/2025/06/22/medvedev-strikes-khamenei"' in panel
    assert 'rel="noopener noreferrer nofollow"' in panel
    refused = answer("What is the capital of Australia?", services=library)
    assert "No sources" in sources_html(refused, library.store.get_article_text)


def test_library_article_and_summary_are_escaped() -> None:
    evil = record(f"Title {EVIL}", url="javascript:alert(1)")
    for html in (
        library_html([evil]),
        article_html(evil, f"Body {EVIL}"),
        summary_html(
            {
                "added": 1,
                "updated": 0,
                "unchanged": 0,
                "chunks": 1,
                "seconds": 0.1,
                "failed": [],
                "articles": [{"status": "added", "title": evil.title}],
            }
        ),
    ):
        assert "<script" not in html and "<img" not in html and "javascript:" not in html
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "No articles yet" in library_html([])


def test_the_library_lists_the_newest_articles_and_finds_the_others(library: Services) -> None:
    # A newsroom's archive holds thousands of articles: the library lists the newest and a few
    # words find the rest, in the table and in the picker alike.
    day = date(2025, 6, 30)
    records = [record(f"Ferry story {i:04}", (day - timedelta(days=i)).isoformat()) for i in range(450)]  # newest first
    listing = library_html(records)
    assert "450 articles; the 200 newest are listed (find narrows them)" in listing
    assert listing.count("<tr>") == 201  # the header row and 200
    assert "Ferry story 0199" in listing and "Ferry story 0200" not in listing
    found = library_html(records, "story 0300")
    assert "1 of 450 articles match “story 0300”" in found and "Ferry story 0300" in found
    assert "1 of 450" in library_html(records, (day - timedelta(days=300)).isoformat())  # by its date
    assert "No article matches “&lt;b&gt;”." in library_html(records, "<b>")
    ui = NewsdeskUI(library)
    listing, picker = ui.find("ROWING eights")
    assert "Small Rowing Club Wins the National Eights Title" in listing and "Medvedev" not in listing
    assert [label for label, _ in picker.choices] == [
        "Small Rowing Club Wins the National Eights Title — Newsdesk Examples, 2025-06-15"
    ]
    assert len(ui.library("")[1].choices) == library.store.count_articles() == len(ui.find("")[1].choices)
    # a Find box the page has not drawn yet (its tab not opened) sends None: everything is listed
    assert ui.library(None)[0] == ui.listing(None) == ui.listing("") and len(ui.find(None)[1].choices) > 1


def test_a_summary_says_which_article_is_a_copy_of_one_stored() -> None:
    copy = {"id": "abc", "status": "unchanged", "title": "Pier Lights", "copy_of": "abc"}
    same = {"id": "def", "status": "unchanged", "title": "Quay Works"}
    shown = summary_html(
        {"added": 0, "updated": 0, "unchanged": 2, "chunks": 0, "seconds": 0.1, "failed": [], "articles": [copy, same]}
    )
    assert "unchanged (a copy of an article already stored): Pier Lights" in shown
    assert "unchanged: Quay Works" in shown


def test_example_questions_fit_what_is_stored() -> None:
    curated = [("What did Medvedev argue?", "Medvedev Says"), ("Unrelated?", "Not Stored")]
    records = [record("Newest Story", "2025-06-30"), record("Medvedev Says"), record("Old Story", "2025-01-01")]
    assert example_questions(records, curated, limit=3) == [
        "What did Medvedev argue?",
        "What does the article “Newest Story” report?",
        "What does the article “Old Story” report?",
    ]
    assert example_questions([], curated) == []
    shipped = read_curated()
    assert ("What did Medvedev argue?", "Medvedev Says U.S. Strikes Left Khamenei Stronger") in shipped
    # among those the UI shows, one asks how a story went: a timeline
    assert any(timeline_topic(question) for question, _ in shipped[:MAX_EXAMPLES])


def test_chat_handler_streams_then_cites_and_keeps_the_history(library: Services) -> None:
    ui = NewsdeskUI(library)
    steps = list(ui.respond("What did Medvedev argue?", [], [], [], "", "", []))
    assert len(steps) >= 3  # the question shown at once, then the answer as it streams, then the checked one
    assert steps[0][1] == "" and all(step[1] != "" for step in steps[1:])  # then left alone
    display, _, history, _, panel, answers = steps[-1]
    assert display[0] == {"role": "user", "content": "What did Medvedev argue?"}
    cited = re.findall(r'class="nd-cite" href="#nd-a0-source-(\d+)"', display[1]["content"])
    assert cited and all(f'id="nd-a0-source-{n}"' in panel for n in cited)
    assert history[0]["content"] == "What did Medvedev argue?" and history[1]["content"].endswith("]")
    assert len(answers) == 1 and panel == panel_html(answers)

    # A follow-up's markers link to its own sources; the first answer's stay in the panel, hidden, for its markers.
    display, _, history, _, panel, answers = list(
        ui.respond("And what did Putin offer?", history, display, answers, "", "", [])
    )[-1]
    assert len(display) == 4 and "uranium" in display[3]["content"]
    later = re.findall(r'class="nd-cite" href="#nd-a1-source-(\d+)"', display[3]["content"])
    assert later and all(f'id="nd-a1-source-{n}"' in panel for n in later)
    assert all(f'id="nd-a0-source-{n}"' in panel for n in cited)
    first, second = panel.split('<div class="nd-answer-sources"')[1:]
    assert first.startswith(" hidden>") and "For: What did Medvedev argue?" in first
    assert second.startswith(">") and "For: And what did Putin offer?" in second
    assert ui.new_chat() == ([], "", [], [], EMPTY_SOURCES, [])


def test_the_answers_place_says_it_is_being_found_until_its_first_words_come(library: Services) -> None:
    shown = [
        dict(step[0][-1]) for step in NewsdeskUI(library).respond("What did Medvedev argue?", [], [], [], "", "", [])
    ]
    assert shown[0] == {"role": "assistant", "content": WAITING}  # not an empty bubble
    assert all(WAITING not in message["content"] for message in shown[1:])
    assert "Finding the answer in the articles" in WAITING


def test_the_dates_a_question_meant_show_under_its_answer(library: Services) -> None:
    ui = NewsdeskUI(library)
    with_time = list(ui.respond("What did Putin offer in June 2025?", [], [], [], "", "", []))[-1][0]
    without = list(ui.respond("What did Putin offer?", [], [], [], "", "", []))[-1][0]
    assert (
        "Searched articles dated" in with_time[1]["content"] and "Searched articles dated" not in without[1]["content"]
    )


def test_chat_handler_shows_bad_filters_as_an_error_and_keeps_the_history(library: Services) -> None:
    ui = NewsdeskUI(library)
    steps = list(ui.respond("What did Medvedev argue?", [], [], [], "last week", "", []))
    display, _, history, _, _, answers = steps[-1]
    error = display[1]["content"]
    # named as the fields are labelled; Markdown-escaped text
    assert "nd-error" in error and r"From must be a date like 2025\-06\-23, got 'last week'" in error
    assert history == [] and answers == []
    backwards = list(ui.respond("What did Medvedev argue?", [], [], [], "2025-6-30", "2025-06-01", []))[-1]
    assert r"From \(2025\-06\-30\) is after To \(2025\-06\-01\)" in backwards[0][1]["content"]

    # A refusal under filters says what was searched, under the answer.
    filtered = list(ui.respond("What did Medvedev argue?", [], [], [], "", "2025-6-20", []))[-1]
    assert "No sources" in filtered[4]
    assert "Note: Only articles dated 2025\\-06\\-20 or earlier were searched\\." in filtered[0][1]["content"]
    only_other_source = list(ui.respond("What did Medvedev argue?", [], [], [], "", "", ["Nope"]))[-1]
    assert "No sources" in only_other_source[4]
    assert "Only articles from Nope were searched" in only_other_source[0][1]["content"]


def test_ingest_show_and_delete_handlers(services: Services, tmp_path: Path) -> None:
    ui = NewsdeskUI(services)
    story = tmp_path / "ferry.md"
    story.write_text("---\ntitle: Ferry Timetable Approved\n---\n\n" + "The council approved ferries. " * 10)
    summary, files, urls = ui.ingest([str(story)], "not-a-url\n")
    assert "added 1, updated 0, unchanged 0, failed 1" in summary
    assert "not-a-url</b>: not an http(s) URL" in summary and files is None and urls == ""
    listing, picker, source_filter, examples = ui.library()
    assert "Ferry Timetable Approved" in listing
    article_id = services.store.list_articles()[0].id
    assert picker.choices == [("Ferry Timetable Approved", article_id)]
    assert source_filter.choices == []  # the story names no source
    assert examples.raw_samples == [["What does the article “Ferry Timetable Approved” report?"]] and examples.visible
    assert "The council approved ferries." in ui.show(article_id)
    # Deleting takes two steps: the first asks, the second deletes.
    asked, confirm = ui.confirm_delete(article_id)
    assert "Delete “Ferry Timetable Approved” and its 1 passage? This cannot be undone." in asked
    assert confirm.visible is True and services.store.count_articles() == 1
    deleted, confirm = ui.delete(article_id)
    assert "Deleted “Ferry Timetable Approved” (1 passage)" in deleted and confirm.visible is False
    assert services.store.count_articles() == 0
    assert "Could not delete: no article with id" in ui.delete(article_id)[0]
    assert "Could not delete: no article with id" in ui.confirm_delete(article_id)[0]
    assert "Could not show the article: no article with id" in ui.show(article_id)
    assert "Choose an article first" in ui.confirm_delete(None)[0]
    assert "Choose files or paste URLs first" in ui.ingest([], "")[0]


class RecordedProgress:
    """Stands in for gr.Progress: records what the Ingest tab reports."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, str | None]] = []

    def __call__(self, value: object, desc: str | None = None, **_: object) -> None:
        self.calls.append((value, desc))


def test_ingest_tab_reports_progress_article_by_article(services: Services, tmp_path: Path) -> None:
    files = []
    for i, topic in enumerate(["ferries", "orchards", "bridges", "libraries", "tram lines"]):
        path = tmp_path / f"story-{i}.md"
        path.write_text(f"---\ntitle: Story {i} on {topic}\n---\n\n" + f"The council discussed {topic} on Monday. " * 5)
        files.append(str(path))
    progress = RecordedProgress()
    summary, _, _ = NewsdeskUI(services).ingest(files, "", progress=progress)  # type: ignore[arg-type]
    assert "added 5, updated 0, unchanged 0, failed 0" in summary
    assert progress.calls[0] == (0, "Ingesting")
    counts = [value for value, _ in progress.calls[1:]]
    assert counts and all(isinstance(c, tuple) and c[1] == 5 for c in counts)
    done = [c[0] for c in counts]  # type: ignore[index]
    assert done == sorted(done) and done[-1] == 5


def test_an_ingest_kept_waiting_by_another_writer_says_whom_it_waits_for_then_gives_up(tmp_path: Path) -> None:
    """While another writer holds the store, the Ingest tab's progress line says whom the ingest waits
    for; after NEWSDESK_WRITE_WAIT it stops waiting and says why, rather than spinning on 'Ingesting'."""
    services = Services(make_settings(tmp_path / "data", write_wait=1.0))
    story = tmp_path / "story.md"
    story.write_text("---\ntitle: Ferry Fares Rise\n---\n\nFerry fares rise by a tenth in July, the operator said.")
    progress = RecordedProgress()
    results: list[tuple[object, ...]] = []
    with IngestLock(lock_path(services.settings)):  # another process's hold, over the same file
        ingest = threading.Thread(
            target=lambda: results.append(NewsdeskUI(services).ingest([str(story)], "", progress=progress)),  # type: ignore[arg-type]
            daemon=True,
        )
        ingest.start()
        ingest.join(20)
        answered_while_held = not ingest.is_alive()
    ingest.join(60)
    assert answered_while_held, "the ingest waited for as long as the other writer held the store"
    summary = str(results[0][0])
    assert "Could not ingest: the store is busy" in summary and "WRITE" in summary, summary
    waits = [desc for _, desc in progress.calls if desc and desc.startswith("Waiting for another ingest")]
    assert waits and f"pid {os.getpid()} on this machine" in waits[0], progress.calls


def test_records_ingested_through_the_helper_are_answerable(services: Services) -> None:
    summary = ingest_records(
        services,
        {
            "title": "Ferry Timetable Approved",
            "source": "Harbour Post",
            "text": "The harbour council approved a new ferry timetable on Monday. " * 3,
        },
    )
    assert summary.added == 1
    result = answer("What did the harbour council approve?", services=services)
    assert [c.passage.title for c in result.citations] == ["Ferry Timetable Approved"]


QUAY_PAGE = (
    b"<html><head><title>Quay Works Begin</title><meta name='date' content='2025-06-16'></head><body><article>"
    b"<h1>Quay Works Begin</h1>"
    b"<p>Work on the eastern quay began on Monday and will last until the autumn, the harbour board said.</p>"
    b"<p>The board expects the rebuilt quay to take ferries of up to 120 metres from next spring.</p>"
    b"</article></body></html>"
)


def test_ingest_tab_fetches_an_allowed_loopback_url_and_shows_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve_routes({"/quay": Route(QUAY_PAGE)}) as base:
        url = f"{base}/quay"
        refused, _, _ = NewsdeskUI(Services(make_settings(tmp_path / "refused"))).ingest(None, url)
        assert "added 0, updated 0, unchanged 0, failed 1" in refused  # loopback, unless allowed
        assert "refusing to fetch from" in refused and "NEWSDESK_FETCH_ALLOW_HOSTS" in refused

        monkeypatch.setenv("NEWSDESK_FETCH_ALLOW_HOSTS", "127.0.0.1")
        services = Services(make_settings(tmp_path / "allowed"))
        ui = NewsdeskUI(services)
        summary, files, urls = ui.ingest(None, f"\n{url}\n\n")
        again, _, _ = ui.ingest(None, url)
    assert "added 1, updated 0, unchanged 0, failed 0" in summary
    assert "<li>added: Quay Works Begin</li>" in summary and "Failed" not in summary
    assert files is None and urls == ""  # the boxes are cleared
    assert "added 0, updated 0, unchanged 1, failed 0" in again
    [record] = services.store.list_articles()
    assert (record.title, record.url, record.published_at) == ("Quay Works Begin", url, "2025-06-16")
    assert "Quay Works Begin" in ui.library()[0]
    display, _, _, _, panel, _ = list(ui.respond("When did work on the eastern quay begin?", [], [], [], "", "", []))[
        -1
    ]
    assert "Monday" in display[-1]["content"] and "Quay Works Begin" in panel


def test_passages_of_one_article_cited_apart_share_its_card() -> None:
    text = "The ferry runs hourly. " * 30 + "Fares stay at two euros. " * 30
    second = text.index("Fares")

    def passage(n: int, article: str, start: int, end: int) -> Passage:
        return Passage(
            f"{article}-{n}",
            article,
            f"Story {article}",
            None,
            "Harbour Post",
            "2025-06-20",
            text[start:end],
            start,
            end,
        )

    ferry, fares, other = passage(1, "a", 0, 200), passage(2, "a", second, second + 200), passage(3, "b", 0, 100)
    result = Answer("What changed?", "Hourly [1]. Other [2]. Fares [3].", [], [ferry, other, fares], "extractive")
    result.citations = [Citation(1, ferry, [(0, 22)]), Citation(2, other), Citation(3, fares, [(second, second + 24)])]
    panel = sources_html(result, lambda article_id: text if article_id == "a" else None)
    cards = re.findall(r'<article class="nd-source" id="([^"]+)" data-n="([^"]+)">', panel)
    assert cards == [("nd-a0-source-1", "1 3"), ("nd-a0-source-2", "2")]  # one card an article, first cited first
    assert panel.count('<span class="nd-n">') == 3 and panel.count('class="nd-context"') == 3
    assert '<blockquote class="nd-context" id="nd-a0-source-3">' in panel  # marker [3] points at its own passage
    long = Answer("Why? " * 200, "x", [], [], "extractive", refused=True)
    assert len(re.search(r'<div class="nd-for">For: ([^<]*)</div>', sources_html(long, lambda _: None))[1]) < 210
