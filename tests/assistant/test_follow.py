"""Following sources: a feed ingested again on a schedule, from the API's lifespan and from `ingest --every`."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.errors import ConfigError
from assistant.follow import Follower, parse_interval
from assistant.ingest_lock import IngestLock, lock_path
from assistant.services import Services
from tests.conftest import ROOT, make_settings
from tests.httpserver import Route, serve_routes
from tests.live_server import interrupt

STORY = "The ferry operator raised fares on the island route by a tenth, starting in July. " * 3


def feed(base: str, *titles: str) -> bytes:
    items = "".join(
        f"<item><title>{title}</title><link>{base}/{i}</link><pubDate>Tue, 17 Jun 2025 08:00:00 GMT</pubDate>"
        f"<description>{title}: {STORY}</description></item>"
        for i, title in enumerate(titles)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Island Wire</title>{items}</channel></rss>'.encode()
    )


@pytest.mark.parametrize(
    ("text", "seconds"), [("900", 900), ("90s", 90), ("15m", 900), ("2h", 7200), ("1d", 86400), ("1.5h", 5400)]
)
def test_intervals_are_written_with_a_unit(text: str, seconds: float) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize(("text", "says"), [("soon", "900, 90s, 15m"), ("5s", "too short"), ("15 weeks", "15m")])
def test_a_bad_interval_says_how_to_write_one(text: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        parse_interval(text)


def test_a_follower_checks_at_once_then_on_schedule_and_finds_new_entries(tmp_path: Path) -> None:
    services = Services(make_settings(tmp_path / "data", fetch_allow_hosts=["127.0.0.1"]))
    routes: dict[str, Route] = {}
    with serve_routes(routes) as base:
        routes["/feed.xml"] = Route(feed(base, "Fares Rise"), "application/rss+xml")
        follower = Follower(services, [f"{base}/feed.xml"], every=parse_interval("10s"))
        follower.start()
        deadline = time.monotonic() + 60
        while follower.checks < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        status = follower.status()
        routes["/feed.xml"] = Route(feed(base, "Fares Rise", "Pier Reopens"), "application/rss+xml")
        second = follower.check()  # what the next scheduled check does, without waiting for it
        follower.stop(timeout=30)
    assert status["running"] and status["checks"] == 1 and status["next_check"]
    assert status["last_check"]["summary"]["added"] == 1 and status["last_check"]["error"] is None
    assert second.summary is not None and (second.summary["added"], second.summary["unchanged"]) == (1, 1)
    assert sorted(r.title for r in services.store.list_articles()) == ["Fares Rise", "Pier Reopens"]
    assert not follower.status()["running"]


def test_a_failed_check_is_recorded_and_the_next_one_runs(tmp_path: Path) -> None:
    services = Services(make_settings(tmp_path / "data", chroma_url="http://127.0.0.1:9"))
    follower = Follower(services, [str(tmp_path)], every=10)
    check = follower.check()
    assert check.summary is None and "cannot reach the Chroma server" in (check.error or "")
    assert follower.check().error and follower.checks == 2


def test_the_api_follows_what_the_settings_name_and_reports_it(tmp_path: Path) -> None:
    routes: dict[str, Route] = {}
    with serve_routes(routes) as base:
        routes["/feed.xml"] = Route(feed(base, "Fares Rise"), "application/rss+xml")
        settings = make_settings(
            tmp_path / "data", fetch_allow_hosts=["127.0.0.1"], follow=f"{base}/feed.xml", follow_every="1h"
        )
        with TestClient(create_app(Services(settings))) as client:
            deadline = time.monotonic() + 60
            while (status := client.get("/v1/follow").json())["checks"] < 1 and time.monotonic() < deadline:
                time.sleep(0.1)
            routes["/feed.xml"] = Route(feed(base, "Fares Rise", "Pier Reopens"), "application/rss+xml")
            now = client.post("/v1/follow/check")
            listed = client.get("/v1/articles").json()["articles"]
    assert status["sources"] == [f"{base}/feed.xml"] and status["every_seconds"] == 3600
    assert status["last_check"]["summary"]["added"] == 1
    assert now.status_code == 200 and now.json()["summary"]["added"] == 1
    assert sorted(a["title"] for a in listed) == ["Fares Rise", "Pier Reopens"]
    with TestClient(create_app(Services(make_settings(tmp_path / "other")))) as client:
        missing = client.get("/v1/follow")
    assert missing.status_code == 404 and "NEWSDESK_FOLLOW" in missing.json()["error"]["message"]


def test_a_check_asked_for_while_another_writer_holds_the_store_is_refused_after_the_write_wait(
    tmp_path: Path,
) -> None:
    """POST /v1/follow/check waits NEWSDESK_WRITE_WAIT for its turn, as an upload does, then answers
    503 store_busy; the refused check is not counted as one."""
    folder = tmp_path / "wire"
    folder.mkdir()
    (folder / "ferry.md").write_text("---\ntitle: Fares Rise\n---\n" + STORY)
    settings = make_settings(tmp_path / "data", follow=str(folder), follow_every="1h", write_wait=1.0)
    with TestClient(create_app(Services(settings))) as client:
        deadline = time.monotonic() + 60
        while client.get("/v1/follow").json()["checks"] < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        with IngestLock(lock_path(settings)):  # another process's ingest, over the same file
            started = time.monotonic()
            refused = client.post("/v1/follow/check")
            waited = time.monotonic() - started
        status = client.get("/v1/follow").json()
        again = client.post("/v1/follow/check")
    assert refused.status_code == 503 and refused.json()["error"]["type"] == "store_busy", refused.text
    assert refused.headers["retry-after"] and waited < 20
    assert status["checks"] == 1 and status["last_check"]["summary"]["added"] == 1
    assert again.status_code == 200 and again.json()["summary"]["unchanged"] == 1


def test_ingest_every_prints_a_check_then_stops_on_ctrl_c(tmp_path: Path) -> None:
    story = tmp_path / "ferry.md"
    story.write_text("---\ntitle: Fares Rise\n---\n" + STORY)
    env = {**os.environ, "NEWSDESK_DATA_DIR": str(tmp_path / "data"), "NEWSDESK_COLLECTION": "follow"}
    env.pop("NEWSDESK_CHROMA_URL", None)  # the embedded store: this test is about the command, not the store
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "newsdesk"), "ingest", str(story), "--every", "10s", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        first = json.loads(process.stdout.readline())
    finally:
        interrupt(process)
    assert first["summary"]["added"] == 1 and first["error"] is None
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    bad = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "newsdesk"), "ingest", str(story), "--every", "soon"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "not an interval: 'soon'" in bad.stderr


def test_the_ui_shows_what_is_followed_and_checks_it_now(tmp_path: Path) -> None:
    from assistant.ui.app import NewsdeskUI

    services = Services(make_settings(tmp_path / "data", fetch_allow_hosts=["127.0.0.1"]))
    routes: dict[str, Route] = {}
    with serve_routes(routes) as base:
        routes["/feed.xml"] = Route(feed(base, "Fares <Rise>"), "application/rss+xml")
        ui = NewsdeskUI(services, Follower(services, [f"{base}/feed.xml"], every=900))
        before = ui.follow_status()
        after = ui.check_now()
    assert "Following" in before and f"<li>{base}/feed.xml</li>" in before and "not checked yet" in before
    assert "added 1, updated 0, unchanged 0, failed 0" in after
    assert NewsdeskUI(services).follow_status() == ""


def test_an_open_page_sees_what_a_scheduled_check_ingested(tmp_path: Path) -> None:
    from assistant.ui.app import NewsdeskUI

    services = Services(make_settings(tmp_path / "data"))
    ui = NewsdeskUI(services, Follower(services, [str(tmp_path / "news")], every=900))
    (tmp_path / "news").mkdir()
    assert "No articles yet" in ui.listing()
    (tmp_path / "news" / "pier.md").write_text("---\ntitle: Pier Reopens\n---\nThe pier reopened on Thursday.\n")
    ui.follower.check()  # type: ignore[union-attr]  # what the schedule does in the background
    assert "Pier Reopens" in ui.listing() and "added 1" in ui.follow_status()
