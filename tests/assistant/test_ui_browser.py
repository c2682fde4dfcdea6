"""The chat UI in a real browser: Debian's Chromium, headless, driven by Playwright, against the live server.

Screenshots land in ``test-artifacts/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, FloatRect, Page, expect, sync_playwright
from pydantic import SecretStr

from assistant.config import Settings
from assistant.serve import create_server_app
from assistant.services import Services
from assistant.uploads import ingest_records
from tests.assistant.test_ui import QUAY_PAGE
from tests.conftest import ROOT, make_settings
from tests.httpserver import Route, serve_routes
from tests.live_server import live_server
from tests.openai_server import Reply, openai_server

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
ANSWER_TIMEOUT = 120_000  # ms: the machine may be busy; nothing here asserts on speed
expect.set_options(timeout=ANSWER_TIMEOUT)

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
HOSTILE = {
    "title": f"Harbour Ferry Timetable {IMG}",
    "url": "javascript:window.__pwned=1",
    "source": "Harbour <b>Post</b>",
    "published_at": "2025-06-20",
    "text": f"The harbour council approved a new ferry timetable on Monday. {SCRIPT} Officials said {IMG} the "
    "ferries will run every twenty minutes from July.",
}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium (the test setup installs it: see the Makefile's test target)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make test` (it installs Debian's chromium) or apt-get install chromium"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(ANSWER_TIMEOUT)
    yield page
    context.close()


@pytest.fixture(scope="module")
def library_url(library_settings: Settings) -> Iterator[str]:
    """The server over the example library (read-only)."""
    with live_server(create_server_app(Services(library_settings))) as url:
        yield url


@pytest.fixture
def fresh_server(services: Services) -> Iterator[tuple[str, Services]]:
    """The server over an empty store of its own."""
    with live_server(create_server_app(services)) as url:
        yield url, services


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def ask(page: Page, question: str) -> None:
    box = page.locator("#nd-question textarea")
    box.fill(question)
    box.press("Enter")


def bot_messages(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("#nd-chat [data-testid=bot]")


def box_of(page: Page, selector: str) -> FloatRect:
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not laid out"
    return box


def bottom(box: FloatRect) -> float:
    return box["y"] + box["height"]


def scroll_to_the_end(page: Page) -> None:
    """Scroll to the page's end once any smooth scroll has stopped (one still running takes over)."""
    page.evaluate(
        """() => new Promise((done) => {
          const settled = () => { removeEventListener("scroll", wait); done(); };
          let quiet = setTimeout(settled, 200);
          const wait = () => { clearTimeout(quiet); quiet = setTimeout(settled, 200); };
          addEventListener("scroll", wait);
        })"""
    )
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")


def test_a_question_gets_a_cited_answer_with_its_source(library_url: str, page: Page) -> None:
    page.goto(library_url)
    expect(page.locator("#nd-examples")).to_contain_text("What did Medvedev argue?")
    expect(page.get_by_role("textbox", name="Question")).to_be_visible()  # named for screen readers
    ask(page, "What did Medvedev argue?")
    answer = bot_messages(page).last
    expect(answer).to_contain_text("Dmitry Medvedev")
    expect(page.locator("#nd-sources .nd-source").first).to_be_visible()
    markers = answer.locator("a.nd-cite")
    cited = sorted(set(markers.all_inner_texts()))
    cards = page.locator("#nd-sources .nd-source")
    expect(cards).to_have_count(len(cited))  # only the cited articles, though more passages were retrieved
    assert sorted(cards.locator(".nd-n").all_inner_texts()) == cited
    marker = answer.locator(
        'a.nd-cite[title="Medvedev Says U.S. Strikes Left Khamenei Stronger — Newsdesk Examples, 2025-06-22"]'
    )
    expect(marker.first).to_be_visible()
    assert marker.count() >= 2  # after the article's headline, which opens the answer, and after its quotes
    marker = marker.last
    n = marker.inner_text().strip("[]")
    expect(marker).to_have_attribute("href", f"#nd-a0-source-{n}")
    card = page.locator(f"#nd-a0-source-{n}")
    expect(card.locator("header")).to_contain_text(f"[{n}] Medvedev Says U.S. Strikes Left Khamenei Stronger")
    expect(card.locator("header a")).to_have_attribute(
        "href", "https://example.com/world/2025/06/22/medvedev-strikes-khamenei"
    )
    expect(card.locator(".nd-meta")).to_have_text("Newsdesk Examples · 2025-06-22")
    expect(card.locator("mark").first).to_contain_text(
        "argued on Sunday that the American strikes on Iran had backfired"
    )
    expect(card.locator(".nd-context")).to_contain_text("In a series of posts")  # the text around the quote
    marker.hover()
    expect(card).to_have_class(re.compile(r"\bnd-hover\b"))  # pointing at a marker outlines its source
    marker.click()
    expect(card).to_be_in_viewport()
    assert screenshot(page, "ui-answer.png").stat().st_size > 10_000


def test_on_a_phone_the_sources_sit_under_the_answer_and_on_a_desktop_beside_it(library_url: str, page: Page) -> None:
    page.set_viewport_size(PHONE)
    page.goto(library_url)
    ask(page, "What did Medvedev argue?")
    answer = bot_messages(page).last
    expect(answer).to_contain_text("Dmitry Medvedev")
    expect(page.locator("#nd-sources .nd-source").first).to_be_visible()
    chat, heading, sources, question = (
        box_of(page, selector) for selector in ("#nd-chat", "#nd-sources-heading", "#nd-sources", "#nd-question")
    )
    assert bottom(chat) <= heading["y"] < sources["y"]  # the answer, then its sources...
    assert bottom(sources) <= question["y"]  # ...then the question box (and the other controls)
    assert box_of(page, "#nd-new-chat")["y"] < box_of(page, "#nd-filters")["y"]
    # Tab and a screen reader take them in the same order: back from the question box is a source
    page.locator("#nd-question textarea").focus()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("!!document.activeElement.closest('#nd-sources')")
    in_reading_order = [
        "nd-chat",
        "nd-sources-heading",
        "nd-sources",
        "nd-question",
        "nd-ask",
        "nd-new-chat",
        "nd-filters",
    ]
    assert page.evaluate(
        """(ids) => ids.every((id, i) => i === 0 || document.getElementById(ids[i - 1])
            .compareDocumentPosition(document.getElementById(id)) & Node.DOCUMENT_POSITION_FOLLOWING)""",
        in_reading_order,
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing to scroll sideways
    page.evaluate("window.scrollTo(0, 0)")
    marker = answer.locator("a.nd-cite").last
    card = page.locator(str(marker.get_attribute("href")))  # "#nd-a0-source-1"
    expect(card).not_to_be_in_viewport(ratio=0.95)  # below the answer, at most its top in sight
    marker.click()
    expect(card).to_be_in_viewport(ratio=0.95)  # a marker still takes the reader to its source (whole)
    screenshot(page, "ui-phone.png")

    page.set_viewport_size(DESKTOP)
    chat, sources, question = (box_of(page, selector) for selector in ("#nd-chat", "#nd-sources", "#nd-question"))
    assert sources["x"] >= chat["x"] + chat["width"] and sources["y"] < bottom(chat)  # beside the chat
    assert question["x"] < sources["x"] and question["y"] >= bottom(chat)  # the question box under the chat
    screenshot(page, "ui-desktop.png")


def test_on_a_phone_asking_again_brings_the_conversation_back_into_view(library_url: str, page: Page) -> None:
    page.set_viewport_size(PHONE)
    page.goto(library_url)
    ask(page, "What did Medvedev argue?")
    expect(page.locator("#nd-sources").get_by_text("For: What did Medvedev argue?")).to_be_visible()
    chat, sources = page.locator("#nd-chat"), page.locator("#nd-sources")
    scroll_to_the_end(page)  # the reader reads on, past the sources, down to the question box
    expect(chat).not_to_be_in_viewport(ratio=1)
    ask(page, "How much will the Riverside tram line cost?")
    expect(bot_messages(page).last).to_contain_text("640 million euros")
    expect(chat).to_be_in_viewport(ratio=1)  # the new answer, and under it its sources
    expect(sources.get_by_text("For: How much will the Riverside tram line cost?")).to_be_in_viewport()
    screenshot(page, "ui-phone-again.png")

    scroll_to_the_end(page)
    expect(chat).not_to_be_in_viewport(ratio=1)
    page.locator("#nd-examples").get_by_text("Who carried Khamenei's letter to Putin?").click()  # an example, likewise
    expect(bot_messages(page).last).to_contain_text("Araqchi")
    expect(chat).to_be_in_viewport(ratio=1)


def test_examples_filters_and_new_chat(library_url: str, page: Page) -> None:
    page.goto(library_url)
    page.locator("#nd-examples").get_by_text("Who carried Khamenei's letter to Putin?").click()
    expect(bot_messages(page).last).to_contain_text("Araqchi")
    expect(page.locator("#nd-sources")).to_contain_text("Araqchi Brings Khamenei's Letter to Putin in Moscow")

    page.locator("#nd-new-chat").click()
    expect(bot_messages(page)).to_have_count(0)
    expect(page.locator("#nd-sources")).to_contain_text("The sources of an answer appear here.")

    page.locator("#nd-filters").get_by_text("Filters").click()
    page.locator("#nd-until textarea, #nd-until input").first.fill("2025-06-20")
    ask(page, "What did Medvedev argue?")
    expect(page.locator("#nd-sources")).to_contain_text("No sources")
    expect(bot_messages(page).last).to_contain_text("don't cover")
    expect(bot_messages(page).last.locator(".nd-note")).to_have_text(
        "Note: Only articles dated 2025-06-20 or earlier were searched."
    )


def test_article_html_shows_as_text_and_never_runs(fresh_server: tuple[str, Services], page: Page) -> None:
    url, services = fresh_server
    assert ingest_records(services, HOSTILE).added == 1
    page.goto(url)
    ask(page, "What did the harbour council approve?")
    card = page.locator("#nd-sources .nd-source")
    expect(card).to_have_count(1)
    answer = bot_messages(page).last
    expect(answer).to_contain_text(SCRIPT)
    expect(answer).to_contain_text(IMG)
    expect(card.locator("header")).to_contain_text(HOSTILE["title"])
    expect(card.locator(".nd-meta")).to_contain_text("Harbour <b>Post</b>")
    expect(card.locator(".nd-context")).to_contain_text(SCRIPT)
    expect(card.locator("header a")).to_have_count(0)  # a javascript: url is not made a link
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    screenshot(page, "ui-xss-chat.png")

    page.get_by_role("tab", name="Library").click()
    expect(page.locator("#nd-library")).to_contain_text(HOSTILE["title"])
    page.locator("#nd-find textarea, #nd-find input").first.fill("tram depot")  # words no title holds
    expect(page.locator("#nd-library")).to_contain_text("No article matches “tram depot”.")
    page.locator("#nd-find textarea, #nd-find input").first.fill("FERRY timetable")
    expect(page.locator("#nd-library")).to_contain_text("1 of 1 article match “FERRY timetable”")
    page.locator("#nd-article input").click()
    page.get_by_role("option", name="Harbour Ferry Timetable").click()
    expect(page.locator("#nd-article-view")).to_contain_text(SCRIPT)
    expect(page.locator("#nd-article-view")).to_contain_text(IMG)
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    screenshot(page, "ui-xss-library.png")

    page.locator("#nd-delete").click()
    expect(page.locator("#nd-status")).to_contain_text("This cannot be undone.")
    assert services.store.count_articles() == 1  # nothing is deleted before it is confirmed
    page.locator("#nd-confirm").click()
    expect(page.locator("#nd-status")).to_contain_text("Deleted “Harbour Ferry Timetable")
    expect(page.locator("#nd-confirm")).to_be_hidden()
    expect(page.locator("#nd-library")).to_contain_text("No articles yet")
    assert services.store.count_articles() == 0


def test_a_marker_of_an_earlier_answer_shows_that_answers_source(library_url: str, page: Page) -> None:
    page.goto(library_url)
    ask(page, "What did Medvedev argue?")
    expect(page.locator("#nd-sources").get_by_text("For: What did Medvedev argue?")).to_be_visible()
    ask(page, "How much will the Riverside tram line cost?")
    expect(bot_messages(page)).to_have_count(2)
    expect(page.locator("#nd-sources").get_by_text("For: How much will the Riverside tram line cost?")).to_be_visible()
    first = bot_messages(page).first.locator('a.nd-cite[title^="Medvedev Says"]').last
    n = first.inner_text().strip("[]")
    card = page.locator(f"#nd-a0-source-{n}")
    expect(card).to_be_hidden()  # the panel shows the latest answer's sources
    first.click()
    expect(card).to_be_visible()
    expect(card.locator("header")).to_contain_text("Medvedev Says U.S. Strikes Left Khamenei Stronger")
    latest = page.locator("#nd-sources").get_by_text("For: How much will the Riverside tram line cost?")
    expect(latest).to_be_hidden()  # one answer's sources at a time
    bot_messages(page).last.locator("a.nd-cite").first.click()  # and back
    expect(card).to_be_hidden()
    expect(latest).to_be_visible()


FILLER = " ".join(
    f"The harbour board's {word} committee met for the {n} time this year and heard routine reports on moorings."
    for n, word in enumerate(["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"])
)


def test_a_quoted_passage_opens_at_its_highlighted_sentence(fresh_server: tuple[str, Services], page: Page) -> None:
    url, services = fresh_server
    story = {
        "title": "Harbour Board Closes the North Basin",
        "published_at": "2025-06-20",
        "text": f"{FILLER} Silt from the spring floods forced the closure of the north basin to all shipping. "
        "Dredging starts in August.",
    }
    assert ingest_records(services, story).added == 1
    page.set_viewport_size({"width": 1000, "height": 900})
    page.goto(url)
    ask(page, "What forced the closure of the north basin?")
    box = page.locator("#nd-sources .nd-context").first
    expect(box.locator("mark").first).to_contain_text("Silt from the spring floods")
    page.wait_for_function(
        "() => { const b = document.querySelector('#nd-sources .nd-context'); return b && b.scrollTop > 0; }"
    )
    assert box.evaluate("b => b.scrollHeight > b.clientHeight")  # the passage is longer than its box...
    expect(box.locator("mark").first).to_be_in_viewport()  # ...and opens at the quoted sentence
    screenshot(page, "ui-long-passage.png")


def test_ingest_tab_uploads_files_and_reports_the_summary(
    fresh_server: tuple[str, Services], page: Page, tmp_path: Path
) -> None:
    url, services = fresh_server
    story = tmp_path / "tram-line.md"
    story.write_text(
        "---\ntitle: Riverside Tram Line Opens\nsource: Riverside Post\npublished: 2025-06-18\n---\n\n"
        "The first tram on the new northern line left the central station at six on Wednesday morning. "
        "The 11-kilometre line has 14 stops.\n",
        encoding="utf-8",
    )
    page.goto(url)
    page.get_by_role("tab", name="Ingest").click()
    page.locator("#nd-files input[type=file]").set_input_files(str(story))
    # Gradio draws the name and the extension apart, sometimes with a space between ("tram-line .md")
    expect(page.locator("#nd-files")).to_contain_text(re.compile(r"tram-line\s*\.md"))
    page.locator("#nd-urls textarea").fill("ftp://example.com/story")
    page.locator("#nd-ingest").click()
    summary = page.locator("#nd-summary")
    expect(summary).to_contain_text("added 1, updated 0, unchanged 0, failed 1")
    expect(summary).to_contain_text("ftp://example.com/story: not an http(s) URL")
    expect(summary).to_contain_text("added: Riverside Tram Line Opens")
    assert [r.title for r in services.store.list_articles()] == ["Riverside Tram Line Opens"]

    page.get_by_role("tab", name="Library").click()
    expect(page.locator("#nd-library")).to_contain_text("Riverside Tram Line Opens")
    page.get_by_role("tab", name="Chat").click()
    expect(page.locator("#nd-examples")).to_contain_text("Riverside Tram Line Opens")
    ask(page, "How many stops does the tram line have?")
    expect(bot_messages(page).last).to_contain_text("14 stops")
    expect(page.locator("#nd-sources")).to_contain_text("Riverside Post · 2025-06-18")
    screenshot(page, "ui-ingest.png")


def test_the_ui_asks_for_the_api_key_when_one_is_set(library_settings: Settings, page: Page) -> None:
    services = Services(library_settings.model_copy(update={"api_key": SecretStr("k-123")}))
    with live_server(create_server_app(services)) as url:
        page.goto(url)
        page.get_by_label("username").fill("anyone")
        page.get_by_label("password").fill("wrong")
        page.get_by_role("button", name="Login").click()
        expect(page.get_by_text("Incorrect Credentials")).to_be_visible()
        expect(page.locator("#nd-question")).to_have_count(0)
        page.get_by_label("username").fill("anyone")  # the form clears after a failed attempt
        page.get_by_label("password").fill("k-123")
        page.get_by_role("button", name="Login").click()
        ask(page, "What did Medvedev argue?")
        expect(bot_messages(page).last).to_contain_text("Medvedev")
        page.close()  # before the server stops: no open event stream to cut


def test_ingest_tab_fetches_a_url_the_allow_list_lets_through(
    page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDESK_FETCH_ALLOW_HOSTS", "127.0.0.1")
    services = Services(make_settings(tmp_path / "data"))
    with serve_routes({"/quay": Route(QUAY_PAGE)}) as base, live_server(create_server_app(services)) as url:
        page.goto(url)
        page.get_by_role("tab", name="Ingest").click()
        page.locator("#nd-urls textarea").fill(f"{base}/quay")
        page.locator("#nd-ingest").click()
        summary = page.locator("#nd-summary")
        expect(summary).to_contain_text("added 1, updated 0, unchanged 0, failed 0")
        expect(summary).to_contain_text("added: Quay Works Begin")
        expect(page.locator("#nd-urls textarea")).to_have_value("")
        page.get_by_role("tab", name="Library").click()
        expect(page.locator("#nd-library")).to_contain_text("Quay Works Begin")
        screenshot(page, "ui-ingest-url.png")
        page.close()  # before the server stops: no open event stream to cut
    assert [(r.title, r.url) for r in services.store.list_articles()] == [("Quay Works Begin", f"{base}/quay")]


def test_while_a_models_reply_is_awaited_the_answers_place_says_so(library_settings: Settings, page: Page) -> None:
    """A model's first reply comes whole (a reasoning model's after its thoughts, every time): until
    then the answer's place says it is being found, not an empty bubble."""
    good = "Putin proposed that Iran's enriched uranium could be moved to Russia and stored there [1]."
    with openai_server(Reply(good, delay=3.0)) as llm:
        settings = library_settings.model_copy(
            update={"openai_base_url": llm.base_url, "llm_model": "test-model", "llm_max_retries": 0}
        )
        with live_server(create_server_app(Services(settings))) as url:
            page.goto(url)
            ask(page, "What did Putin offer to do with Iran's uranium?")
            answer = bot_messages(page).last
            expect(answer.locator(".nd-waiting")).to_have_text("Finding the answer in the articles…", timeout=2_500)
            screenshot(page, "ui-waiting.png")
            expect(answer).to_contain_text("stored there")
            expect(answer.locator(".nd-waiting")).to_have_count(0)
