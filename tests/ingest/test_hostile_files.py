"""Hostile files through the loaders and `newsdesk ingest`: each fails with its reason or is stored
safely, in bounded time and memory, and nothing stored before is lost."""

from __future__ import annotations

import io
import json
import os
import time
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.config import Settings
from assistant.services import Services
from assistant.ui.render import safe_url
from ingest.articles import Article, LoadFailure, prepare_article
from ingest.chunking import split_article
from ingest.loaders import load_path
from ingest.pipeline import index_signature
from tests.conftest import EXAMPLES, make_settings
from tests.hostile import FORBIDDEN, INVISIBLE, SIXTY_MB, Hostile, hostile_files, write_corpus

SIXTY = "sixty-mb-of-a.txt"
MB = 1_000_000
runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Hostile]]:
    """The hostile corpus, written once for this module."""
    folder = tmp_path_factory.mktemp("hostile")
    return folder, write_corpus(folder)


def assert_clean(title: str, text: str) -> None:
    """Nothing executable, no control or invisible characters, in what is stored."""
    for value in (title, text):
        assert value.strip()
        assert not any(word in value.lower() for word in FORBIDDEN), value[:200]
        assert not any(ch in value for ch in INVISIBLE), repr(value[:200])


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", [h.name for h in hostile_files()] + [SIXTY])
def test_each_hostile_file_fails_with_its_reason_or_loads_clean_in_bounded_time_and_memory(
    corpus: tuple[Path, dict[str, Hostile]], settings: Settings, name: str
) -> None:
    folder, files = corpus
    path, expected = folder / name, files[name]
    list(load_path(path, settings))  # once untraced: what a loader loads on first use is not this file's cost
    tracemalloc.start()
    started = time.perf_counter()
    try:
        items = list(load_path(path, settings))
        prepared = [prepare_article(a, index_signature(settings)) for a in items if isinstance(a, Article)]
        chunks = [split_article(p.text, settings.chunk_words, settings.chunk_max_words) for p in prepared]
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    size = path.stat().st_size
    assert seconds < 30, f"{name} took {seconds:.1f} s"
    # Never read at all when over the size limit; else a bounded multiple of the file (JSON objects are ~25x).
    assert peak < (MB if name == SIXTY else 16 * MB + 40 * size), f"{name}: peak {peak / MB:.0f} MB"
    failures = [i for i in items if isinstance(i, LoadFailure)]
    if expected.error:
        assert not any(p.text.strip() for p in prepared), items[:3]
        # the pipeline refuses an article that cleaning left empty with this reason
        reasons = [f.error for f in failures] + ["no article text left after cleaning" for _ in prepared]
        assert any(expected.error in reason for reason in reasons), reasons[:3]
        assert len(failures) <= 25  # a reason per bad record, the rest counted in one line
        return
    assert failures == [] and prepared, items[:3]
    for article, pieces in zip(prepared, chunks, strict=True):
        assert_clean(article.title, article.text)
        assert pieces and all(article.text[c.start : c.end] == c.text for c in pieces)


def test_what_the_hostile_articles_keep(corpus: tuple[Path, dict[str, Hostile]], settings: Settings) -> None:
    folder, _ = corpus

    def load_one(name: str) -> Article:
        [article] = [i for i in load_path(folder / name, settings) if isinstance(i, Article)]
        return article

    page = prepare_article(load_one("hostile.html"), "v1")
    assert page.title == "Harbour Council & the Ferry <Plan>"
    assert "ferries will run every twenty minutes" in page.text and "£4 million & take two years" in page.text
    assert "written by a script" not in page.text
    control = prepare_article(load_one("control-bidi.txt"), "v1")
    assert control.title == "Ferry ecalp Plan"
    assert control.text.startswith("The harbour council [31m met [0m gnidaer on Monday and approved the timetable.")
    assert "still the same line" in load_one("line-separator.jsonl").text  # U+2028 does not end a JSON line
    assert prepare_article(load_one("yaml-alias-bomb.md"), "v1").title == "The alias bomb did not go off."
    odd = prepare_article(load_one("wrong-types.json"), "v1")
    assert odd.title.startswith("The wrong types") and odd.published is None
    assert odd.authors == ("A. Writer",)  # 5 is no one's name
    assert odd.url is None and safe_url("javascript:alert(1)") is None  # not an article's address: not kept


def test_many_bad_records_are_counted_not_listed(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"title": "Good", "text": "A good line."}\n' + "{}\n" * 500 + "not json\n" * 500)
    items = list(load_path(path, settings))
    assert [i.title for i in items if isinstance(i, Article)] == ["Good"]
    failures = [i for i in items if isinstance(i, LoadFailure)]
    assert len(failures) == 21 and failures[0].source == f"{path}:2"
    assert failures[-1] == LoadFailure(str(path), "980 more records failed (only the first 20 are listed)")


@pytest.mark.timeout(600)
def test_newsdesk_ingest_of_the_hostile_corpus_keeps_the_store_whole(
    corpus: tuple[Path, dict[str, Hostile]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, files = corpus
    data_dir = tmp_path / "data"
    collection = "hostile" + os.urandom(4).hex()
    monkeypatch.setenv("NEWSDESK_COLLECTION", collection)  # isolated in the Chroma server mode too
    store = Services(make_settings(data_dir, collection=collection)).store

    def ingest(*sources: str, stdin: bytes = b"") -> tuple[int, dict]:
        result = runner.invoke(app, ["--data-dir", str(data_dir), "ingest", *sources, "--json"], input=stdin)
        return result.exit_code, json.loads(result.stdout)

    code, seeded = ingest(str(EXAMPLES))
    assert code == 0 and seeded["added"] == 8
    before_hashes, before_chunks = store.article_hashes(), store.count_chunks()
    unsupported = tmp_path / "payload.exe"
    unsupported.write_bytes(b"MZ\x90\x00" * 100)

    started = time.perf_counter()
    code, summary = ingest(str(folder), str(unsupported), "-", stdin=bytes(range(256)) * 64)
    seconds = time.perf_counter() - started

    assert code == 1 and seconds < 300, seconds
    stored = [h for h in files.values() if h.error is None]
    assert summary["added"] == len(stored) and summary["updated"] == 0
    reasons = {f["source"]: f["error"] for f in summary["failed"]}
    for hostile in files.values():
        if hostile.error:
            path = str(folder / hostile.name)
            assert any(src.startswith(path) and hostile.error in why for src, why in reasons.items()), hostile.name
    assert "unsupported file type '.exe'" in reasons[str(unsupported)]
    assert "binary content" in reasons["<stdin>"]

    after = store.article_hashes()
    assert {a: after.get(a) for a in before_hashes} == before_hashes  # nothing stored before was touched
    assert len(after) == len(before_hashes) + len(stored) == store.count_articles()
    records = store.list_articles()
    assert store.count_chunks() == sum(r.chunk_count for r in records) == before_chunks + summary["chunks"]
    for record in records:
        if record.id not in before_hashes:
            assert_clean(record.title, store.get_article_text(record.id))

    code, again = ingest(str(folder))
    assert code == 1 and (again["added"], again["updated"], again["unchanged"]) == (0, 0, len(stored))
    assert store.article_hashes() == after


def test_standard_input_over_the_size_limit_is_refused_without_reading_it_all(settings: Settings) -> None:
    from ingest.loaders import load_source

    small = settings.model_copy(update={"max_file_bytes": 1000})
    stream = io.BytesIO(b"a" * SIXTY_MB)
    [failure] = list(load_source("-", small, stdin=stream))
    assert isinstance(failure, LoadFailure) and "too large" in failure.error
    assert stream.tell() == 1001  # one byte past the limit, no more
