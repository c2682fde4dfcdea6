"""Every source kind and every bad-input kind, through the loaders."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from assistant.config import Settings
from ingest.articles import Article, LoadFailure, prepare_article
from ingest.loaders import load_source, load_sources
from tests.conftest import EXAMPLES, make_settings
from tests.httpserver import Route, serve_routes

PAGE = b"""<!doctype html><html><head><title>Site | Tram Vote</title>
<meta property="og:title" content="Council Backs the Tram Plan">
<meta property="article:published_time" content="2025-06-17T09:00:00Z">
<script>document.write("EVIL SCRIPT TEXT")</script><style>.x{color:red}</style></head>
<body><nav><a href="/">Home</a> <a href="/news">News navigation link</a></nav>
<!-- secret editorial comment -->
<article><h1>Council Backs the Tram Plan</h1>
<p>The city council voted on Tuesday to build a tram line to the northern suburbs after years of argument about its cost.</p>
<p>Supporters said journeys would become much shorter for tens of thousands of commuters who now sit in traffic every day.</p>
<p>Work is expected to start next spring and the first trams should run before the end of the decade, officials said.</p></article>
<footer>Copyright 2025 Example. All rights reserved.</footer></body></html>"""


def _story_page(title: str, body: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{body}</p></article></body></html>".encode()


def articles(items: list[Article | LoadFailure]) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def failures(items: list[Article | LoadFailure]) -> list[LoadFailure]:
    return [i for i in items if isinstance(i, LoadFailure)]


def load(path: Path, settings: Settings) -> list[Article | LoadFailure]:
    return list(load_source(str(path), settings))


def test_text_with_front_matter(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "a.md"
    path.write_text(
        "---\ntitle: Dam Opens\nurl: https://example.com/dam\npublished: 2025-06-02\nsource: Example Post\n"
        "author: A. Writer\n---\n# Dam Opens\n\nThe new **dam** opened on [Monday](https://x.example).\n"
    )
    [article] = articles(load(path, settings))
    assert article.title == "Dam Opens"
    assert article.url == "https://example.com/dam"
    assert article.published == date(2025, 6, 2)
    assert article.source == "Example Post"
    assert article.authors == ["A. Writer"]
    assert "The new dam opened on Monday." in article.text


def test_text_with_title_line_and_first_line(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "b.txt").write_text("Title: Rail Strike Ends\nDate: 2025-06-10\n\nTrains run again after talks.\n")
    (tmp_path / "c.txt").write_text("\n\nBridge Reopens\nThe bridge reopened on Friday after repairs.\n")
    b, c = articles(list(load_sources([str(tmp_path / "b.txt"), str(tmp_path / "c.txt")], settings)))
    assert (b.title, b.published, b.text.strip()) == (
        "Rail Strike Ends",
        date(2025, 6, 10),
        "Trains run again after talks.",
    )
    assert c.title == "Bridge Reopens" and c.text.strip() == "The bridge reopened on Friday after repairs."


@pytest.mark.parametrize("gap", ["\n", "\n\n", "\n\n\n"])
def test_a_headline_then_header_lines(tmp_path: Path, settings: Settings, gap: str) -> None:
    path = tmp_path / "marathon.txt"  # right under the headline, or after a blank line or two
    path.write_text(
        f"Harbour Marathon Won in Record Time{gap}Date: 2026-11-22\nSource: Coastline Daily\n\nA teacher won.\n"
    )
    [article] = articles(load(path, settings))
    assert (article.title, article.published, article.source) == (
        "Harbour Marathon Won in Record Time",
        date(2026, 11, 22),
        "Coastline Daily",
    )
    assert article.text.strip() == "A teacher won."  # the header lines are not part of the story


def test_html_main_text_extracted(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(PAGE)
    [article] = articles(load(path, settings))
    assert article.title == "Council Backs the Tram Plan"
    assert article.published == date(2025, 6, 17)
    assert "voted on Tuesday to build a tram line" in article.text
    for junk in (
        "EVIL SCRIPT TEXT",
        "color:red",
        "secret editorial comment",
        "News navigation link",
        "All rights reserved",
    ):
        assert junk not in article.text


def test_json_object_list_and_wrapper(tmp_path: Path, settings: Settings) -> None:
    one = {
        "title": "One",
        "body": "Body text one.",
        "date": "2025-01-02",
        "link": "https://e.com/1",
        "author": "X and Y",
    }
    many = [
        {"headline": "Two", "content": "<p>Body <b>two</b>.</p>", "published": "2025-01-03"},
        {"title": "Three", "text": "Body three.", "source": {"name": "Wire"}},
    ]
    (tmp_path / "one.json").write_text(json.dumps(one))
    (tmp_path / "many.json").write_text(json.dumps(many))
    (tmp_path / "wrapped.json").write_text(json.dumps({"articles": [{"title": "Four", "text": "Body four."}]}))
    got = articles(list(load_sources([str(tmp_path / n) for n in ("one.json", "many.json", "wrapped.json")], settings)))
    assert [a.title for a in got] == ["One", "Two", "Three", "Four"]
    assert got[0].url == "https://e.com/1" and got[0].authors == ["X", "Y"] and got[0].published == date(2025, 1, 2)
    assert got[1].text.strip() == "Body two." and got[1].published == date(2025, 1, 3)
    assert got[2].source == "Wire"


def test_jsonl_bench_field_names(tmp_path: Path, settings: Settings) -> None:
    record = {
        "id": "abc",
        "url": "https://news.example/x",
        "title": "X",
        "published_at": "2023/01/05",
        "authors": ["A"],
        "source": "news.example",
        "text": "Some body text.",
    }
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(record) + "\n\n" + json.dumps({**record, "url": "https://news.example/y"}) + "\n")
    got = articles(load(path, settings))
    assert len(got) == 2
    assert got[0].published == date(2023, 1, 5) and got[0].source == "news.example" and got[0].authors == ["A"]


def test_folder_is_walked_recursively_by_extension(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "deeper" / "x.txt").write_text("Deep\nDeep text.")
    (tmp_path / "y.md").write_text("Top\nTop text.")
    (tmp_path / "ignored.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "z.txt").write_text("Hidden\nHidden text.")
    got = articles(load(tmp_path, settings))
    assert sorted(a.title for a in got) == ["Deep", "Top"]


def test_examples_folder_loads_every_format(settings: Settings) -> None:
    items = load(EXAMPLES, settings)
    assert not failures(items)
    got = articles(items)
    assert 6 <= len(got) <= 10
    assert {Path(a.origin.split(":")[0]).suffix for a in got} >= {".md", ".html", ".json"}


def test_standard_input(settings: Settings) -> None:
    stdin = io.BytesIO(b'{"title": "From stdin", "text": "Piped in."}')
    [article] = articles(list(load_source("-", settings, stdin=stdin)))
    assert article.title == "From stdin"
    stdin = io.BytesIO(b"Plain Title\nPlain piped body.")
    [article] = articles(list(load_source("-", settings, stdin=stdin)))
    assert (article.title, article.text.strip()) == ("Plain Title", "Plain piped body.")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.md", b"   \n\n  ", "empty"),
        ("binary.txt", bytes(range(256)) * 4, "binary"),
        ("latin1.txt", "Caf\u00e9 society\nA story.".encode("latin-1"), "not UTF-8"),
        ("utf16.txt", "No BOM here\nText.".encode("utf-16-le"), "binary"),
        ("bad.json", b'{"title": "x", "text": ', "malformed JSON"),
        ("notext.json", b'{"title": "only a title"}', "no text"),
        ("scalar.json", b"42", "expected an article object"),
        ("deep.json", b"[" * 100000 + b"]" * 100000, "nested too deeply"),
        ("bad.yaml.md", b"---\ntitle: [unclosed\n---\nBody", "front matter"),
        ("file.pdf", b"%PDF-1.4 ...", "unsupported file type"),
    ],
)
def test_bad_input_fails_with_a_reason(
    tmp_path: Path, settings: Settings, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    items = load(path, settings)
    assert not articles(items)
    [failure] = failures(items)
    assert failure.source == str(path)
    assert reason.lower() in failure.error.lower()


def test_over_the_size_limit(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "d", max_file_bytes=1000)
    path = tmp_path / "big.txt"
    path.write_text("Big\n" + "word " * 1000)
    [failure] = failures(load(path, settings))
    assert "too large" in failure.error and "NEWSDESK_MAX_FILE_BYTES" in failure.error


def test_malformed_jsonl_line_fails_alone(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        '{"title": "Good", "text": "Fine."}\n{not json}\n{"title": "No text"}\n{"title": "Also good", "text": "Ok."}\n'
        '{"title": "Tab", "text": "a\tb"}\n'
    )
    items = load(path, settings)
    assert [a.title for a in articles(items)] == ["Good", "Also good"]
    assert [f.source for f in failures(items)] == [f"{path}:2", f"{path}:3", f"{path}:5"]
    assert "malformed JSON line" in failures(items)[0].error
    assert failures(items)[2].error == "malformed JSON line: Invalid control character at column 28"


def test_missing_path(settings: Settings) -> None:
    [failure] = failures(list(load_source("/no/such/file.txt", settings)))
    assert failure.error == "no such file or folder"


def test_url_page_and_feed(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "d", fetch_allow_hosts=["127.0.0.1"])
    long_text = "The regional parliament passed the water bill after a long night of debate. " * 30
    routes = {
        "/page": Route(PAGE),
        "/full": Route(
            b"<html><head><title>Full</title></head><body><article><h1>Summary Only Story</h1><p>"
            + long_text.encode()
            + b"</p></article></body></html>"
        ),
        "/moved": Route(status=302, headers={"Location": "/page"}),
    }
    with serve_routes(routes) as base:
        feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Test Wire</title>
        <item><title>Full Entry</title><link>{base}/nowhere</link><pubDate>Tue, 17 Jun 2025 08:00:00 GMT</pubDate>
        <description>{"A complete story carried in the feed itself, long enough to stand alone. " * 20}</description></item>
        <item><title>Summary Only Story</title><link>{base}/full</link><pubDate>Wed, 18 Jun 2025 08:00:00 GMT</pubDate>
        <description>Just a teaser.</description></item>
        <item><title>Page Gone Story</title><link>{base}/gone</link><pubDate>Thu, 19 Jun 2025 08:00:00 GMT</pubDate>
        <description>The ferry pier reopened on Thursday after repairs.</description></item>
        <item><title>Nothing At All</title><link>{base}/gone-too</link></item></channel></rss>"""
        routes["/feed.xml"] = Route(feed.encode(), "application/rss+xml")
        page = articles(list(load_source(f"{base}/moved", settings)))
        entries = list(load_source(f"{base}/feed.xml", settings))
    assert page[0].title == "Council Backs the Tram Plan" and page[0].published == date(2025, 6, 17)
    got = articles(entries)
    assert [a.title for a in got] == ["Full Entry", "Summary Only Story", "Page Gone Story"]
    assert got[0].source == "Test Wire" and got[0].published == date(2025, 6, 17)
    assert "parliament passed the water bill" in got[1].text  # fetched from the entry's page
    assert got[1].published == date(2025, 6, 18)
    # the page cannot be fetched: the feed's summary is kept; with no summary either, the entry fails
    assert got[2].text == "The ferry pier reopened on Thursday after repairs." and got[2].url == f"{base}/gone"
    [failed] = failures(entries)
    assert failed.source == f"{base}/gone-too" and "feed entry's page" in failed.error and "HTTP 404" in failed.error


def test_url_errors_land_in_failures(tmp_path: Path) -> None:
    allowed = make_settings(tmp_path / "d", fetch_allow_hosts=["127.0.0.1"], fetch_timeout=2)
    with serve_routes({"/gone": Route(status=500)}) as base:
        [server_error] = failures(list(load_source(f"{base}/gone", allowed)))
        [missing] = failures(list(load_source(f"{base}/missing", allowed)))
    [unreachable] = failures(list(load_source("http://127.0.0.1:9/", allowed)))
    assert "HTTP 500" in server_error.error and "HTTP 404" in missing.error
    assert "cannot fetch" in unreachable.error


def test_loopback_urls_refused_unless_allowed(settings: Settings) -> None:
    with serve_routes({"/page": Route(PAGE)}) as base:
        [refused] = failures(list(load_source(f"{base}/page", settings)))
    assert "refusing to fetch" in refused.error and "NEWSDESK_FETCH_ALLOW_HOSTS" in refused.error


@pytest.mark.parametrize(
    ("dateline", "source", "authors"),
    [
        ("Tern Valley Wire, November 13, 2026", "Tern Valley Wire", []),
        ("Tern Valley Wire — Friday, 13 November 2026", "Tern Valley Wire", []),
        ("November 13, 2026", None, []),
        ("*Updated: Nov 13, 2026 4:10 PM*", None, []),
        ("By Mira Okafor | Tern Valley Wire | 2026-11-13", "Tern Valley Wire", ["Mira Okafor"]),
    ],
)
def test_a_dateline_under_the_headline_gives_source_and_date_and_leaves_the_text(
    tmp_path: Path, settings: Settings, dateline: str, source: str | None, authors: list[str]
) -> None:
    path = tmp_path / "ferry.md"
    path.write_text(f"Ferry Crew Rescue Two Kayakers\n{dateline}\n\nThe ferry crew pulled two kayakers from the bay.\n")
    [article] = articles(load(path, settings))
    assert (article.title, article.source, article.published, article.authors) == (
        "Ferry Crew Rescue Two Kayakers",
        source,
        date(2026, 11, 13),
        authors,
    )
    assert article.text.strip() == "The ferry crew pulled two kayakers from the bay."


def test_a_dateline_yields_to_header_lines_and_a_sentence_is_no_dateline(tmp_path: Path, settings: Settings) -> None:
    given = tmp_path / "given.txt"
    given.write_text(
        "Title: Ferry Crew Rescue Two Kayakers\nSource: Bay Courier\nDate: 2026-11-14\n\n"
        "Tern Valley Wire, November 13, 2026\n\nThe ferry crew pulled two kayakers from the bay.\n"
    )
    sentence = tmp_path / "sentence.txt"
    sentence.write_text("Ferry Crew Rescue Two Kayakers\nNovember 13, 2026 was the windiest day of the year.\n")
    headline = tmp_path / "headline.txt"  # a headline that reads like a dateline stays the headline
    headline.write_text("Harbour Gala — November 13, 2026\nThe gala raised money for the lifeboat.\n")
    [from_headers] = articles(load(given, settings))
    [from_sentence] = articles(load(sentence, settings))
    [from_headline] = articles(load(headline, settings))
    assert (from_headers.source, from_headers.published) == ("Bay Courier", date(2026, 11, 14))
    assert from_headers.text.strip() == "The ferry crew pulled two kayakers from the bay."
    assert from_sentence.text.strip() == "November 13, 2026 was the windiest day of the year."
    assert (from_sentence.source, from_sentence.published) == (None, None)
    assert from_headline.title == "Harbour Gala — November 13, 2026" and from_headline.source is None


@pytest.mark.parametrize(
    ("fields", "authors"),
    [
        ({"byline": "By Nadia Ferrell and Owen Tarrant"}, ["Nadia Ferrell", "Owen Tarrant"]),
        ({"author": "Lise Hamm, Owen Tarrant and Nadia Ferrell"}, ["Lise Hamm", "Owen Tarrant", "Nadia Ferrell"]),
        ({"author": "Lise Hamm & Owen Tarrant; Nadia Ferrell"}, ["Lise Hamm", "Owen Tarrant", "Nadia Ferrell"]),
        ({"author": "Lise Hamm, Harbour Wire"}, ["Lise Hamm"]),
        ({"authors": ["Lise Hamm", "Reuters", "AP", "Staff"]}, ["Lise Hamm"]),
        ({"author": "Lise Hamm, The Bay Courier", "source": "Bay Courier"}, ["Lise Hamm"]),
        ({"author": "Rhys ap Tomos, Jr."}, ["Rhys ap Tomos, Jr."]),
    ],
)
def test_an_author_field_names_the_people_not_the_agency(
    tmp_path: Path, settings: Settings, fields: dict[str, object], authors: list[str]
) -> None:
    path = tmp_path / "record.json"
    path.write_text(json.dumps({"title": "Pier Reopens", "text": "The pier reopened on Monday.", **fields}))
    [article] = articles(load(path, settings))
    assert article.authors == authors


def test_a_pages_authors_from_its_metadata_its_json_ld_or_its_byline(tmp_path: Path, settings: Settings) -> None:
    story = "<p>The harbour board voted on Monday to raise mooring fees for the first time in a decade.</p>"
    (tmp_path / "meta.html").write_text(
        '<html><head><title>Fees Rise</title><meta name="author" content="Lise Hamm, Harbour Wire"></head>'
        f"<body><article><h1>Fees Rise</h1>{story}</article></body></html>"
    )
    live = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "headline": "Storm live",
        "author": [{"@type": "Person", "name": "Owen Tarrant"}, {"@type": "Organization", "name": "Bay Courier"}],
        "liveBlogUpdate": [{"@type": "BlogPosting", "headline": "Gusts", "author": {"name": "Not Him"}}],
    }
    (tmp_path / "live.html").write_text(
        f'<html><head><title>Storm live</title><script type="application/ld+json">{json.dumps(live)}</script>'
        f"</head><body><main><h1>Storm live</h1>{story}</main></body></html>"
    )
    (tmp_path / "byline.html").write_text(
        "<html><head><title>Fees Rise</title></head><body><div class='story'><h1>Fees Rise</h1>"
        f"<p>By Nadia Ferrell and Owen Tarrant</p>{story}</div></body></html>"
    )
    meta, live_blog, by_line = (articles(load(tmp_path / f"{n}.html", settings))[0] for n in ("meta", "live", "byline"))
    assert meta.authors == ["Lise Hamm"]
    assert live_blog.authors == ["Owen Tarrant"]
    assert by_line.authors == ["Nadia Ferrell", "Owen Tarrant"] and "By Nadia" not in by_line.text
    assert "raise mooring fees" in by_line.text


def test_an_untitled_record_is_titled_by_its_first_words_cut_at_a_word(tmp_path: Path, settings: Settings) -> None:
    text = (
        "The harbour board voted on Monday evening to raise mooring fees by a fifth, the first rise since "
        "the marina opened in 2009, after a debate that ran past midnight.\nSkippers said they would appeal."
    )
    path = tmp_path / "untitled.json"
    path.write_text(json.dumps({"text": text}))
    [article] = articles(load(path, settings))
    prepared = prepare_article(article, "v1")
    assert prepared.title == (
        "The harbour board voted on Monday evening to raise mooring fees by a fifth, the first rise since "
        "the marina opened in…"
    )
    short = prepare_article(Article(title="", text="Pier reopens.\nThe pier reopened on Friday."), "v1")
    assert short.title == "Pier reopens."  # a first line that fits is the title as it is
    # known by its content, it keeps the id it had when titled by its first 120 characters
    assert prepare_article(Article(title="", text=text, origin="request"), "v1").id == "ef7776e80c27d3ab"


def test_a_home_page_address_is_not_an_articles_address(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "d", fetch_allow_hosts=["127.0.0.1"])
    page = (
        b'<html><head><title>Quay Lights Fixed</title><link rel="canonical" href="https://quay.example/"></head>'
        b"<body><article><h1>Quay Lights Fixed</h1><p>The quay lights were fixed on Monday night.</p></article></body></html>"
    )
    record = {"title": "Quay Lights Fixed", "url": "https://quay.example", "text": "The quay lights were fixed."}
    (tmp_path / "quay.json").write_text(json.dumps(record))
    with serve_routes({"/news/quay-lights": Route(page)}) as base:
        [fetched] = articles(list(load_source(f"{base}/news/quay-lights", settings)))
    [from_json] = articles(load(tmp_path / "quay.json", settings))
    assert fetched.url == f"{base}/news/quay-lights"  # where it was fetched from, not the home page
    assert from_json.url is None
    assert from_json.warnings == [
        "url 'https://quay.example' is not an article's own address (a site's home page?); not used to identify it"
    ]


def test_relative_links_in_a_feed_are_resolved(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "d", fetch_allow_hosts=["127.0.0.1"])
    body = "The harbour master said the dredger would start work in the outer basin in January. " * 3
    routes = {
        "/town/stories/dredging": Route(_story_page("Dredging Starts in January", body)),
        "/town/stories/lights": Route(_story_page("Pier Lights On", body.replace("dredger", "electrician"))),
    }
    whole = "The coast path reopened at the headland after the landslip was cleared by volunteers. " * 20
    feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Town Wire</title><link>BASE/town/</link>
    <item><title>Dredging Starts in January</title><link>/town/stories/dredging</link><description>Soon.</description></item>
    <item><title>Pier Lights On</title><link>stories/lights</link><description>Tonight.</description></item>
    <item><title>Coast Path Reopens</title><link>/town/stories/path</link><description>{whole}</description></item>
    </channel></rss>"""
    with serve_routes(routes) as base:
        routes["/feeds/town.xml"] = Route(feed.replace("BASE", base).encode(), "application/rss+xml")
        items = list(load_source(f"{base}/feeds/town.xml", settings))
    assert failures(items) == []
    dredging, lights, path = articles(items)
    assert dredging.url == f"{base}/town/stories/dredging" and "dredger would start" in dredging.text  # its page
    assert lights.url == f"{base}/town/stories/lights" and "electrician" in lights.text  # under the site's <link>
    assert path.url == f"{base}/town/stories/path" and path.text.startswith("The coast path")  # carried whole


def test_a_feed_entry_keeps_the_date_its_publisher_wrote(tmp_path: Path, settings: Settings) -> None:
    whole = "The late council session approved the harbour budget shortly before midnight on Thursday. " * 20
    path = tmp_path / "late.rss"
    path.write_text(
        f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Evening Wire</title>
        <item><title>Budget Passed Late</title><link>https://evening.example/budget</link>
        <pubDate>Thu, 26 Nov 2026 23:40 -0500</pubDate><description>{whole}</description></item>
        <item><title>Early Ferry</title><link>https://evening.example/ferry</link>
        <pubDate>Fri, 27 Nov 2026 00:15:00 +0900</pubDate><description>{whole}</description></item>
        </channel></rss>"""
    )
    late, early = articles(load(path, settings))
    assert late.published == date(2026, 11, 26)  # 04:40 on the 27th in UTC
    assert early.published == date(2026, 11, 27)  # 15:15 on the 26th in UTC


_LEVY = "The council’s “green” levy adds €2 – or more – to every takeaway cup, the café owners said on Monday."


def test_a_page_labelled_iso_8859_1_is_read_as_windows_1252(tmp_path: Path, settings: Settings) -> None:
    page = f'<html><head><meta charset="ISO-8859-1"><title>Cup Levy</title></head><body><article><h1>Cup Levy</h1><p>{_LEVY}</p></article></body></html>'
    path = tmp_path / "levy.html"
    path.write_bytes(page.encode("cp1252"))
    [article] = articles(load(path, settings))
    assert _LEVY in article.text  # the euro sign, quotes and dashes were lost as control characters


def test_a_charset_given_only_in_the_http_header_is_used(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "d", fetch_allow_hosts=["127.0.0.1"])
    page = f"<html><head><title>Cup Levy</title></head><body><article><h1>Cup Levy</h1><p>{_LEVY}</p></article></body></html>"
    with serve_routes({"/levy": Route(page.encode("cp1252"), "text/html; charset=windows-1252")}) as base:
        [article] = articles(list(load_source(f"{base}/levy", settings)))
    assert _LEVY in article.text


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/notes/pier.md", "text/markdown"),
        ("/notes/pier.md", "text/plain; charset=utf-8"),
        ("/wire/pier.jsonl", "application/octet-stream"),
        ("/wire/pier.jsonl", "application/json"),
    ],
)
def test_a_file_fetched_by_url_with_a_generic_type_is_read_by_its_extension(
    tmp_path: Path, path: str, content_type: str
) -> None:
    settings = make_settings(tmp_path / "d", fetch_allow_hosts=["127.0.0.1"])
    bodies = {
        ".md": b"---\ntitle: Pier Reopens\n---\nThe **pier** reopened on Thursday.\n",
        ".jsonl": b'{"title": "Pier Reopens", "text": "The pier reopened on Thursday."}\n'
        b'{"title": "Pier Cafe Opens", "text": "The pier cafe opened too."}\n',
    }
    body = bodies[Path(path).suffix]
    with serve_routes({path: Route(body, content_type)}) as base:
        items = list(load_source(f"{base}{path}", settings))
    assert failures(items) == []
    assert (
        articles(items)[0].title == "Pier Reopens"
        and articles(items)[0].text.strip() == "The pier reopened on Thursday."
    )


def test_comments_sign_ups_paywall_prompts_and_captions_are_not_reporting(tmp_path: Path, settings: Settings) -> None:
    paragraphs = [
        "The county fire service said the barn fire on Mill Lane was started by a faulty heater on Sunday.",
        "Crews from three stations spent five hours at the farm, and no animals were hurt, the service said.",
        "The farmer, Ellen Tosh, said the barn would be rebuilt before lambing begins in the spring.",
    ]
    page = f"""<html><head><title>Barn Fire Cause Found</title></head><body class="single comments-open">
    <article><h1>Barn Fire Cause Found</h1>
    <figure><img src="barn.jpg"><figcaption>Smoke over the farm on Sunday. Photo: A. Reader</figcaption></figure>
    <p>{paragraphs[0]}</p>
    <div class="newsletter-signup-box"><h3>Get the Morning Briefing</h3><p>Sign up for our free newsletter and get the top local stories every weekday.</p></div>
    <p>{paragraphs[1]}</p>
    <div class="paywalled"><p>{paragraphs[2]}</p></div>
    <div id="piano-offer" class="paywall-prompt"><p>Subscribe now for just $1 for your first three months of unlimited access.</p></div>
    </article>
    <div class="reader-responses"><h3>What readers are saying</h3><p>FarmFan: I heard it was arson and twelve cows died.</p></div>
    </body></html>"""
    path = tmp_path / "barn.html"
    path.write_text(page)
    [article] = articles(load(path, settings))
    assert prepare_article(article, "v1").text.split("\n") == paragraphs


def test_a_feeds_captions_and_appeared_first_on_line_are_not_reporting(tmp_path: Path, settings: Settings) -> None:
    story = "The harbour commissioners were granted a licence to dredge the inner harbour in January. " * 20
    path = tmp_path / "wp.rss"
    path.write_text(
        f"""<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
        <channel><title>Harbour Gazette</title><item><title>Dredging Licence Granted</title>
        <link>https://harbour.example/dredging</link><description>Short.</description>
        <content:encoded><![CDATA[<figure><img src="d.jpg"><figcaption>The dredger in 2019. Picture: Harbour Office</figcaption></figure>
        <p>{story}</p><p>The post <a href="https://harbour.example/dredging">Dredging Licence Granted</a> appeared first on
        <a href="https://harbour.example">Harbour Gazette</a>.</p>]]></content:encoded></item></channel></rss>"""
    )
    [article] = articles(load(path, settings))
    text = prepare_article(article, "v1").text
    assert text == story.strip()


def test_markdown_images_and_their_captions_are_dropped(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "route.md"
    path.write_text(
        "---\ntitle: New Winter Route\n---\nThe airport will start flights to Belfast in February.\n\n"
        "![The terminal building](/img/terminal.jpg)\n*The terminal building. Photo: the airport*\n\n"
        "Fares start at £39, *the airline said*, and ![a plane](/p.png) the route will be reviewed.\n\n"
        "*Bookings open on Monday.*\n"
    )
    [article] = articles(load(path, settings))
    assert [line.strip() for line in article.text.split("\n") if line.strip()] == [
        "The airport will start flights to Belfast in February.",
        "Fares start at £39, the airline said, and  the route will be reviewed.",
        "Bookings open on Monday.",  # an emphasised paragraph that captions no picture stays
    ]


_STORY = "The ferry company will add a late sailing on Fridays from March, its director said on Monday."


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "newsapi.json",
            {
                "status": "ok",
                "articles": [
                    {
                        "source": {"id": None, "name": "Quay Post"},
                        "author": "Nia Penrose",
                        "title": "Late Ferry Added",
                        "url": "https://quaypost.example/late-ferry",
                        "publishedAt": "2026-11-24T09:00:00Z",
                        "content": _STORY,
                    }
                ],
            },
        ),
        (
            "feed.json",
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": "Quay Post",
                "items": [
                    {
                        "id": "qp-1",
                        "url": "https://quaypost.example/late-ferry",
                        "title": "Late Ferry Added",
                        "content_html": f"<p>{_STORY}</p>",
                        "date_published": "2026-11-24T09:00:00+00:00",
                        "authors": [{"name": "Nia Penrose"}],
                    }
                ],
            },
        ),
        (
            "wp-posts.json",
            [
                {
                    "id": 9120,
                    "date": "2026-11-24T09:00:00",
                    "link": "https://quaypost.example/late-ferry",
                    "title": {"rendered": "Late Ferry Added"},
                    "content": {"rendered": f"<p>{_STORY}</p>\n", "protected": False},
                    "author": 7,
                }
            ],
        ),
    ],
)
def test_newsapi_json_feed_and_wordpress_exports(
    tmp_path: Path, settings: Settings, name: str, content: object
) -> None:
    path = tmp_path / name
    path.write_text(json.dumps(content))
    [article] = load(path, settings)
    assert isinstance(article, Article), article
    assert (article.title, article.url, article.published, article.warnings) == (
        "Late Ferry Added",
        "https://quaypost.example/late-ferry",
        date(2026, 11, 24),
        [],
    )
    assert article.text.strip() == _STORY
    assert article.authors == ([] if name == "wp-posts.json" else ["Nia Penrose"])  # WordPress: a user number
    assert article.source == (None if name == "wp-posts.json" else "Quay Post")


def test_a_wordpress_title_is_unescaped_and_a_json_feed_is_read_by_url(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "d", fetch_allow_hosts=["127.0.0.1"])
    post = {"title": {"rendered": "Ferry&#8217;s Late Sailing"}, "content": {"rendered": f"<p>{_STORY}</p>"}}
    (tmp_path / "post.json").write_text(json.dumps(post))
    [wordpress] = articles(load(tmp_path / "post.json", settings))
    feed = {"version": "https://jsonfeed.org/version/1", "title": "Quay Post", "items": [{"content_text": _STORY}]}
    with serve_routes({"/feed.json": Route(json.dumps(feed).encode(), "application/feed+json")}) as base:
        [from_url] = articles(list(load_source(f"{base}/feed.json", settings)))
    assert wordpress.title == "Ferry’s Late Sailing"
    assert (from_url.source, from_url.text) == ("Quay Post", _STORY)


def test_hugo_toml_front_matter(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "ferry.md"
    path.write_text(
        '+++\ntitle = "Late Ferry Added"\ndate = 2026-11-24T09:00:00Z\nauthor = "Nia Penrose"\n'
        'tags = ["ferries"]\n+++\n\n' + _STORY + "\n"
    )
    (tmp_path / "bad.md").write_text('+++\ntitle = "Unclosed\n+++\nText.\n')
    [article] = articles(load(path, settings))
    [bad] = load(tmp_path / "bad.md", settings)
    assert (article.title, article.published, article.authors) == (
        "Late Ferry Added",
        date(2026, 11, 24),
        ["Nia Penrose"],
    )
    assert article.text.strip() == _STORY
    assert isinstance(bad, LoadFailure) and bad.error.startswith("malformed TOML front matter")


def test_an_app_shell_and_a_page_not_found_are_refused_but_short_news_is_not(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "d", fetch_allow_hosts=["127.0.0.1"])
    shell = b'<html><head><title>Loading...</title></head><body><div id="app"></div><noscript>Please enable JavaScript to use this site.</noscript></body></html>'
    missing = b"<html><head><title>Not Found | Quay Post</title></head><body><h1>Oops, we can't find that story</h1><p>It may have moved. Search the archive or go back to the front page.</p></body></html>"
    short = b"<html><head><title>Boat Not Found</title></head><body><article><h1>Boat Not Found</h1><p>Police could not find the missing boat on Monday, the coastguard said.</p></article></body></html>"
    routes = {"/app": Route(shell), "/gone": Route(missing), "/boat": Route(short)}
    with serve_routes(routes) as base:
        app, gone, boat = (list(load_source(f"{base}/{name}", settings)) for name in ("app", "gone", "boat"))
    assert [f.error for f in failures(app)] == [
        "not an article: a page that needs JavaScript to show its text (an app's empty shell)"
    ]
    assert [f.error for f in failures(gone)] == ["not an article: a 'page not found' page (served as a success)"]
    assert articles(boat)[0].title == "Boat Not Found"


def test_a_malformed_feed_stores_what_it_can_and_says_so(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "broken.rss"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Broken Wire</title>\n'
        "<item><title>Pier Reopens</title><link>https://wire.example/pier</link>"
        "<description>The pier reopened & the cafe too.</description></item>\n<item><title>Cut off"
    )
    [pier] = [item for item in load(path, settings) if isinstance(item, Article)]
    assert pier.title == "Pier Reopens" and "reopened" in pier.text
    [warning] = pier.warnings
    assert warning.startswith("the feed is malformed (") and "some may be missing" in warning
