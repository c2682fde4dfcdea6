"""One server, many requests at once: asks and searches stay correct while a 200-article ingest runs,
and overlapping ingests leave every article exactly once, its passages matching its record."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.api import create_app
from assistant.chain import answer
from assistant.ingest_lock import IngestLock, lock_path
from assistant.services import Services
from tests.conftest import EXAMPLES, make_settings
from tests.live_server import live_server

pytestmark = pytest.mark.slow

MEDVEDEV = "What did Medvedev argue?"
MEDVEDEV_TITLE = "Medvedev Says U.S. Strikes Left Khamenei Stronger"
URANIUM = "uranium stored in Russia"
URANIUM_TITLE = "Putin Offers to Mediate and to Hold Iran's Uranium"
TOWNS = ["Ashby", "Brackley", "Corfe", "Dunmore", "Eskdale", "Fenwick", "Garston", "Hartley", "Ilkley", "Jarrow"]
CROPS = ["marrows", "leeks", "parsnips", "onions", "beans", "pumpkins", "carrots", "radishes"]


def synthetic_article(n: int, version: int = 1) -> dict[str, Any]:
    """A short local-news record, different for every ``n`` (and every ``version``)."""
    town, crop = TOWNS[n % len(TOWNS)], CROPS[n % len(CROPS)]
    return {
        "url": f"https://synthetic.example/shows/{n}",
        "title": f"{town} Show Number {n} Crowns Its Best {crop.title()}",
        "source": "Synthetic Wire",
        "published_at": f"2025-05-{1 + n % 28:02d}",
        "text": (
            f"The {town} horticultural show number {n} crowned {n + 3} prize {crop} on Saturday. "
            f"Judge {town} Warden{n} said entry {n * 7 + version} was the heaviest seen in {version} years. "
            f"The show raised {n * 11 + version} pounds for the village hall roof."
        ),
    }


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Services]]:
    """A real uvicorn server on loopback over a fresh store holding the example articles."""
    services = Services(make_settings(tmp_path / "data"))
    assert services.ingest([str(EXAMPLES)]).added == 8
    with live_server(create_app(services)) as url:
        wait_ready(url)
        yield url, services


def wait_ready(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while httpx.get(f"{url}/readyz").status_code != 200:
        assert time.monotonic() < deadline, "the server never became ready"
        time.sleep(0.2)


def assert_consistent(services: Services, expected_ids: set[str]) -> None:
    """Each article once; every article's passages are exactly those its record counts; no others."""
    records = services.store.list_articles()
    ids = Counter(r.id for r in records)
    assert [i for i, n in ids.items() if n > 1] == []
    assert expected_ids <= set(ids)
    per_article = Counter(p.article_id for p in services.store.iter_chunks(with_text=False))
    hashes = Counter((p.article_id, p.content_hash) for p in services.store.iter_chunks(with_text=False))
    for record in records:
        assert per_article[record.id] == record.chunk_count, record.title
        assert hashes[(record.id, record.content_hash)] == record.chunk_count, record.title
    assert services.store.count_chunks() == sum(r.chunk_count for r in records)


class Readers:
    """Threads that ask and search over and over, checking every answer, until stopped."""

    def __init__(self, url: str, threads: int = 4) -> None:
        self.url = url
        self.stop = threading.Event()
        self.results: list[tuple[float, float, str, str | None]] = []  # (start, end, kind, problem)
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def _check(self, client: httpx.Client, kind: str) -> str | None:
        if kind == "ask":
            response = client.post("/v1/ask", json={"question": MEDVEDEV})
            if response.status_code != 200:
                return f"ask: {response.status_code} {response.text[:200]}"
            titles = [c["title"] for c in response.json()["citations"]]
            return None if MEDVEDEV_TITLE in titles else f"ask cited {titles}"
        dates = {"since": "2025-06-01", "until": "2025-06-30"} if kind == "search-dated" else {}
        response = client.post("/v1/search", json={"query": URANIUM, "k": 2, **dates})
        if response.status_code != 200:
            return f"search: {response.status_code} {response.text[:200]}"
        passages = response.json()["passages"]
        return None if passages and passages[0]["title"] == URANIUM_TITLE else f"search found {passages[:1]}"

    def _run(self, index: int) -> None:
        kinds = ["ask", "search", "search-dated"]
        with httpx.Client(base_url=self.url, timeout=120) as client:
            turn = index
            while not self.stop.is_set():
                kind = kinds[turn % len(kinds)]
                started = time.monotonic()
                try:
                    problem = self._check(client, kind)
                except httpx.HTTPError as exc:
                    problem = f"{kind}: {exc!r}"
                with self._lock:
                    self.results.append((started, time.monotonic(), kind, problem))
                turn += 1

    def __enter__(self) -> Readers:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(180)

    def during(self, start: float, end: float) -> list[tuple[float, float, str, str | None]]:
        """The requests that overlapped ``[start, end]``."""
        return [r for r in self.results if r[0] < end and r[1] > start]


def post_articles(url: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    response = httpx.post(f"{url}/v1/articles", json=records, timeout=600)
    assert response.status_code == 200, response.text[:500]
    return response.json()


def all_at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls on threads released together; their results, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(i: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[i] = call()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(900)
    assert not errors, errors
    return results


@pytest.mark.timeout(900)
def test_asks_and_searches_stay_correct_while_200_articles_are_ingested(served: tuple[str, Services]) -> None:
    url, services = served
    records = [synthetic_article(n) for n in range(200)]
    with Readers(url) as readers:
        time.sleep(1.0)  # the readers are under way before the ingest starts
        started = time.monotonic()
        summary = post_articles(url, records)
        ended = time.monotonic()
        time.sleep(1.0)
    assert (summary["added"], summary["failed"]) == (200, []), summary
    overlapping = readers.during(started, ended)
    problems = [r for r in readers.results if r[3] is not None]
    assert problems == [], problems[:5]
    assert len(overlapping) >= 4, f"only {len(overlapping)} requests ran during the {ended - started:.1f} s ingest"
    assert {kind for _, _, kind, _ in overlapping} >= {"ask", "search"}

    assert services.store.count_articles() == 8 + 200
    assert_consistent(services, {a["id"] for a in summary["articles"]})
    last = synthetic_article(199)
    found = httpx.post(f"{url}/v1/search", json={"query": last["title"], "k": 3}).json()
    # the indexes caught up (shows 79 and 199 share all but their number, and 79 is dated later)
    assert last["title"] in [p["title"] for p in found["passages"]]


@pytest.mark.timeout(900)
def test_overlapping_ingests_at_once_store_every_article_exactly_once(served: tuple[str, Services]) -> None:
    url, services = served
    first = [synthetic_article(n) for n in range(0, 60)]
    overlapping = [synthetic_article(n) for n in range(30, 90)]
    summaries = all_at_once(
        lambda: post_articles(url, first),
        lambda: post_articles(url, overlapping),
        lambda: post_articles(url, first),  # the very same set, twice at once
    )
    assert all(s["failed"] == [] for s in summaries)
    ids = {a["id"] for s in summaries for a in s["articles"]}
    assert len(ids) == 90
    assert services.store.count_articles() == 8 + 90
    assert_consistent(services, ids)

    again = post_articles(url, first + overlapping)
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 120)


@pytest.mark.timeout(900)
def test_overlapping_ingests_of_changed_articles_leave_one_version_each(served: tuple[str, Services]) -> None:
    url, services = served
    post_articles(url, [synthetic_article(n) for n in range(40)])
    old = [synthetic_article(n) for n in range(40)]
    new = [synthetic_article(n, version=2) for n in range(20, 40)]
    all_at_once(lambda: post_articles(url, new), lambda: post_articles(url, old))
    assert services.store.count_articles() == 8 + 40
    assert_consistent(services, set())


@pytest.mark.timeout(900)
def test_the_same_files_uploaded_under_other_names_at_once_are_stored_once(served: tuple[str, Services]) -> None:
    from assistant.ui.app import NewsdeskUI

    url, services = served
    stories = [
        f"Title: River Festival {n}\n\nThe river festival number {n} drew {n * 13} visitors on Sunday, organisers said."
        for n in range(30)
    ]
    folder = services.settings.data_dir / "ui-uploads"
    folder.mkdir()
    for n, story in enumerate(stories):
        (folder / f"c-{n}.txt").write_text(story)

    def upload(prefix: str) -> dict[str, Any]:
        files = [("file", (f"{prefix}-{n}.txt", story.encode(), "text/plain")) for n, story in enumerate(stories)]
        response = httpx.post(f"{url}/v1/articles", files=files, timeout=600)
        assert response.status_code == 200, response.text[:300]
        return response.json()

    a, b, _ = all_at_once(
        lambda: upload("a"),
        lambda: upload("b"),
        lambda: NewsdeskUI(services).ingest([str(folder / f"c-{n}.txt") for n in range(30)], ""),
    )
    assert a["added"] + b["added"] <= 30
    records = services.store.list_articles()
    assert len(records) == 8 + 30
    assert len({r.content_hash for r in records}) == len(records)  # the same content is never stored twice
    assert_consistent(services, set())


DOG_PARK = """---
title: Council Opens a Dog Park on Elm Street
published: 2025-09-10
---

The city council opened a dog park on Elm Street on Wednesday. It cost 320,000 dollars and has separate runs for small and large dogs.
"""

LIBRARY_HOURS = """---
title: Central Library Extends Its Weekend Hours
published: 2025-09-11
---

The central library will stay open until nine on Saturdays from October, the library board said on Thursday. The longer hours cost 45,000 dollars a year.
"""


def test_a_running_process_answers_from_what_another_process_ingests(services: Services, tmp_path: Path) -> None:
    """A ``newsdesk ingest`` (or delete) beside a running ``newsdesk serve``, both on one store: the
    running process finds the new passages at once (embedded, it reopens the store to see them)."""
    (tmp_path / "dog-park.md").write_text(DOG_PARK, encoding="utf-8")
    (tmp_path / "library-hours.md").write_text(LIBRARY_HOURS, encoding="utf-8")
    services.ingest([str(tmp_path / "dog-park.md")])
    assert "320,000 dollars" in answer("How much did the dog park cost?", services=services).answer

    newsdesk = [str(Path(sys.executable).parent / "newsdesk"), "--data-dir", str(services.settings.data_dir)]
    env = {**os.environ, "NEWSDESK_COLLECTION": services.settings.collection}
    other = subprocess.run([*newsdesk, "ingest", str(tmp_path / "library-hours.md")], env=env, capture_output=True)
    assert other.returncode == 0, other.stderr
    question = "How much do the library's longer weekend hours cost?"
    result = answer(question, services=services)
    assert not result.refused and "45,000 dollars a year" in result.answer
    assert result.citations[0].passage.title == "Central Library Extends Its Weekend Hours"

    article_id = result.citations[0].passage.article_id
    other = subprocess.run([*newsdesk, "sources", "delete", article_id], env=env, capture_output=True)
    assert other.returncode == 0, other.stderr
    assert "45,000" not in answer(question, services=services).answer
    assert "320,000 dollars" in answer("How much did the dog park cost?", services=services).answer


def test_two_services_of_one_process_on_one_store_both_see_each_others_writes(
    services: Services, tmp_path: Path
) -> None:
    """One process, two handles on one store (the eval beside the library, a test beside a server):
    a write through one reopens the other's embedded client, and neither stops working."""
    (tmp_path / "dog-park.md").write_text(DOG_PARK, encoding="utf-8")
    (tmp_path / "library-hours.md").write_text(LIBRARY_HOURS, encoding="utf-8")
    other = Services(services.settings)
    services.ingest([str(tmp_path / "dog-park.md")])
    assert "320,000 dollars" in answer("How much did the dog park cost?", services=other).answer
    other.ingest([str(tmp_path / "library-hours.md")])
    for handle in (services, other):
        assert "45,000 dollars" in answer("How much do the longer library hours cost?", services=handle).answer
        assert "320,000 dollars" in answer("How much did the dog park cost?", services=handle).answer


@pytest.mark.timeout(600)
def test_the_server_keeps_answering_while_its_ingests_wait_for_another_writer(served: tuple[str, Services]) -> None:
    """Ingests sent while another writer holds the store (a `newsdesk ingest` beside the server, here its
    lock file; another machine's, through the lease) wait their turn. Sixty of them waiting must not
    leave the server unable to answer an ask, its library or its readiness check: a writer waiting
    must not hold one of the threads those are worked on in."""
    url, services = served
    pool = ThreadPoolExecutor(60)
    with IngestLock(lock_path(services.settings)):  # another process's hold, over the same file
        posts = [
            pool.submit(httpx.post, f"{url}/v1/articles", json=synthetic_article(n), timeout=300) for n in range(60)
        ]
        time.sleep(3)  # all sent, and waiting
        started = time.monotonic()
        with httpx.Client(base_url=url, timeout=60) as client:
            assert client.get("/readyz").status_code == 200
            assert client.get("/v1/articles", params={"limit": 1}).status_code == 200
            assert client.post("/v1/ask", json={"question": MEDVEDEV}).status_code == 200
        answered_in = time.monotonic() - started
        assert not any(post.done() for post in posts)  # the ingests were still waiting
    pool.shutdown(wait=True)
    assert answered_in < 10, f"the server answered only after {answered_in:.0f} s, once the writer let go"
    assert [post.result().status_code for post in posts] == [200] * 60
    assert services.store.count_articles() == 8 + 60
