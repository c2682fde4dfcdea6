"""Writers on different machines sharing one Chroma server take turns, through a lease kept in the store.

A lock file only covers one machine; the machines are stood in for by processes with temporary
folders of their own (so their lock files differ) and stores with clients of their own.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import Any
from unittest.mock import Mock

import pytest
from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.config import Settings
from assistant.errors import StoreError
from assistant.ingest_lock import Lease, StoreLease, ingest_lock
from assistant.services import Services
from assistant.store import ChromaStore
from tests.conftest import ROOT, make_settings, until_logged
from tests.robust.test_crash_safety import assert_consistent, beside_a_paused_ingest, env_for, newsdesk, write_corpus
from tests.server_mode.test_server_down import STORY


@pytest.fixture
def settings(chroma_url: str, tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data", chroma_url=chroma_url)


def _next(store: ChromaStore) -> int:
    """The number a claim made now takes."""
    current = store.lease()
    return current.number + 1 if current else 1


def start_writer(hold: Callable[[], AbstractContextManager[object]]) -> tuple[threading.Thread, threading.Event]:
    """A writer in a thread of its own, taking its turn with ``hold()``, and the event it sets once it has it."""
    entered = threading.Event()

    def take() -> None:
        with hold():
            entered.set()

    writer = threading.Thread(target=take, daemon=True)
    writer.start()
    return writer, entered


def waits_for(
    held: Lease,
    store: ChromaStore,
    seconds: float = 1.5,
    hold: Callable[[], AbstractContextManager[object]] | None = None,
) -> bool:
    """True when a writer on ``store`` (taking ``hold()``, by default the lease alone) has not got its turn
    after ``seconds``; then ``held`` is let go, and the writer takes its turn."""
    writer, entered = start_writer(hold or (lambda: StoreLease(store, poll=0.05)))
    waited = not entered.wait(seconds)
    store.end_lease(held)
    writer.join(10)
    return waited and entered.is_set()


def test_one_writer_holds_the_lease_and_the_next_waits_for_it(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    here, there = ChromaStore(settings), ChromaStore(settings)  # two clients, as two machines have
    caplog.set_level(logging.WARNING, logger="assistant.ingest_lock")
    turns: list[str] = []
    with StoreLease(here, poll=0.05) as first:
        assert here.lease() == there.lease() and there.lease() is not None
        assert there.lease().owner == first.owner  # type: ignore[union-attr]

        def second() -> None:
            with StoreLease(there, poll=0.05):
                turns.append("second")

        waiting = threading.Thread(target=second)
        waiting.start()
        until_logged(caplog, "waiting for another ingest", "the second writer did not wait")
        assert f"{socket.gethostname()} pid" in caplog.text  # it says whom it waits for
        turns.append("first")
    waiting.join(10)
    assert turns == ["first", "second"]
    assert here.lease().released  # type: ignore[union-attr]  # let go at the end


def test_a_lease_whose_holder_stopped_is_taken_over(settings: Settings) -> None:
    store = ChromaStore(settings)
    # A writer on another machine that stopped renewing: its lease ran out a second ago.
    store.claim_lease(Lease("elsewhere", "other-host", 4242, time.time() - 1))
    with StoreLease(store, poll=0.05) as lease:
        assert store.lease().owner == lease.owner  # type: ignore[union-attr]
    # A live writer elsewhere is waited for, not taken over.
    live = Lease("alive", "other-host", 4242, time.time() + 600, _next(store))
    assert store.claim_lease(live).owner == live.owner  # (expiry times come back within a microsecond)
    assert store.claim_lease(replace(live, owner="me", host=socket.gethostname())).owner == live.owner  # one a number
    assert waits_for(live, store)


def test_a_held_lease_is_renewed_and_only_its_holder_lets_it_go(settings: Settings) -> None:
    store = ChromaStore(settings)
    with StoreLease(store, ttl=0.8, poll=0.05) as lease:
        first = store.lease()
        time.sleep(0.5)  # two renewals, a quarter of the lease apart
        renewed = store.lease()
        assert first is not None and renewed is not None and renewed.expires > first.expires
        someone_else = replace(renewed, owner="someone else")
        store.end_lease(replace(someone_else, number=renewed.number - 1))
        assert store.lease() == renewed  # not theirs to let go
        assert store.renew_lease(someone_else, time.time() + 600) is False
        assert store.lease().owner == lease.owner  # type: ignore[union-attr]
    assert store.lease().released  # type: ignore[union-attr]


def test_an_api_ingest_kept_waiting_by_another_machine_is_refused_and_says_by_whom(settings: Settings) -> None:
    """Another machine's writer holds the lease (for 15 s more): an ingest sent to this machine's API
    waits NEWSDESK_WRITE_WAIT, then answers 503 store_busy naming that writer; once it let go, the
    ingest goes through."""
    services = Services(settings.model_copy(update={"write_wait": 1.0}))
    store = services.store
    elsewhere = Lease("elsewhere", "other-host", 4242, time.time() + 15, _next(store))
    assert store.claim_lease(elsewhere).owner == elsewhere.owner
    client = TestClient(create_app(services))
    started = time.monotonic()
    busy = client.post("/v1/articles", json=STORY)
    assert time.monotonic() - started < 10, "the ingest waited for the other machine's lease to run out"
    assert busy.status_code == 503 and busy.headers["retry-after"] == "10", busy.text
    error = busy.json()["error"]
    assert error["type"] == "store_busy" and "other-host pid 4242, on the same Chroma server" in error["message"]
    runs_out = time.strftime("%H:%M:%S", time.localtime(elsewhere.expires))
    assert f"should it have stopped, its lease runs out at {runs_out}" in error["message"], error["message"]
    store.end_lease(elsewhere)
    added = client.post("/v1/articles", json=STORY)
    assert added.status_code == 200 and added.json()["added"] == 1, added.text


def test_ingests_on_two_machines_updating_the_same_articles_take_turns(chroma_url: str, tmp_path: Path) -> None:
    """An update paused after its commit, before it deletes the passages it replaced: an update of
    the same articles from another machine waits for it (without the lease each would delete the
    other's new passages, leaving the articles with none)."""
    corpus, later = tmp_path / "corpus.jsonl", tmp_path / "later.jsonl"
    write_corpus(corpus, 20, "v1")
    env = {**env_for(tmp_path / "data"), "NEWSDESK_CHROMA_URL": chroma_url}
    env.setdefault("NEWSDESK_COLLECTION", "lease" + os.urandom(3).hex())
    machines = []
    for name in ("one", "two"):  # a temporary folder each: their lock files differ, as on two machines
        (tmp_path / name).mkdir()
        machines.append({**env, "TMPDIR": str(tmp_path / name)})
    assert newsdesk(machines[0], "ingest", str(corpus)).returncode == 0
    write_corpus(corpus, 20, "v2")
    write_corpus(later, 20, "v3")  # the same articles (same URLs), a third version
    beside_a_paused_ingest(
        "pause-before-cleanup", machines[0], corpus, ["ingest", str(later)], machines[1], "on the same Chroma server"
    )
    assert_consistent(machines[1], 20, "v3")  # the later update, whole


def machines_on(chroma_url: str, tmp_path: Path, **settings: str) -> list[dict[str, str]]:
    """The environments of two machines on one Chroma server and collection: a temporary folder each,
    so that their lock files differ, as on two machines."""
    env = {**env_for(tmp_path / "data"), "NEWSDESK_CHROMA_URL": chroma_url, **settings}
    env.setdefault("NEWSDESK_COLLECTION", "lease" + os.urandom(3).hex())
    machines = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        machines.append({**env, "TMPDIR": str(tmp_path / name)})
    return machines


def test_a_writer_stalled_past_its_lease_stops_before_its_next_write(chroma_url: str, tmp_path: Path) -> None:
    """An update paused after its commit, before it deletes the passages it replaced, is stalled there
    (SIGSTOP: a machine paused or suspended) until its lease runs out; another machine's update of the
    same articles takes the lease over and finishes. The stalled one, resumed, must not go on to delete
    that update's passages as stale ones of its own update (the articles would be left with none): it
    stops before writing, and says why."""
    corpus, later = tmp_path / "corpus.jsonl", tmp_path / "later.jsonl"
    write_corpus(corpus, 20, "v1")
    one, two = machines_on(chroma_url, tmp_path, NEWSDESK_LEASE_SECONDS="4")
    assert newsdesk(one, "ingest", str(corpus)).returncode == 0
    write_corpus(corpus, 20, "v2")
    write_corpus(later, 20, "v3")  # the same articles (same URLs), a third version
    pause = tmp_path / "pause"
    stalled = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "crashpoint.py"), "pause-before-cleanup", "ingest", str(corpus)],
        env={**one, "NEWSDESK_TEST_PAUSE": str(pause)},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 300
        while not Path(f"{pause}.paused").exists():
            assert stalled.poll() is None and time.monotonic() < deadline, "the first ingest never paused"
            time.sleep(0.1)
        stalled.send_signal(signal.SIGSTOP)
        time.sleep(5)  # its lease ran out
        took_over = newsdesk(two, "ingest", str(later))
        assert took_over.returncode == 0 and "took over the ingest lease" in took_over.stderr, took_over.stderr
    finally:
        stalled.send_signal(signal.SIGCONT)
        Path(f"{pause}.go").touch()
        stalled.wait(timeout=300)
    said = stalled.stderr.read() if stalled.stderr else ""
    assert stalled.returncode == 2, said
    assert "took the lease over" in said and "run it again" in said, said
    assert_consistent(two, 20, "v3")  # the later update, whole


def _stopped_holder(store: ChromaStore, ttl: float) -> StoreLease:
    """A writer that took the lease and then stopped renewing it (killed, or stalled): it runs out after ``ttl``."""
    lease = StoreLease(store, ttl=ttl, poll=0.05)
    store.renew_lease = lambda *args, **kwargs: True  # type: ignore[method-assign]
    lease.__enter__()
    return lease


def test_two_writers_taking_over_a_lease_that_ran_out_never_both_hold_it(settings: Settings) -> None:
    """Chroma deletes by a ``where`` filter in two steps (it finds the matching ids, then deletes those ids),
    and any write of another client may land between them. Here the other writer's whole takeover lands
    there, in the first write this writer makes once it has seen the lease ran out: it must still wait
    for that writer, not take its lease from under it."""
    stopped, here, there = ChromaStore(settings), ChromaStore(settings), ChromaStore(settings)
    _stopped_holder(stopped, ttl=0.3)
    time.sleep(0.5)  # its lease ran out
    theirs: list[StoreLease] = []
    seen: list[bool] = []

    def their_takeover() -> None:
        if seen and not theirs:
            theirs.append(StoreLease(there, poll=0.05).__enter__())

    real_add, real_delete, real_get = here.articles.add, here.articles.delete, here.articles.get

    def get(*args: Any, **kwargs: Any) -> Any:
        seen.append(True)
        return real_get(*args, **kwargs)

    def add(*args: Any, **kwargs: Any) -> Any:
        their_takeover()
        return real_add(*args, **kwargs)

    def delete(ids: Any = None, where: Any = None, **kwargs: Any) -> Any:
        if where is not None:  # as the server does it: the ids first, then the delete
            ids = real_get(ids=ids, where=where, include=[])["ids"]
            their_takeover()
            return real_delete(ids=ids) if ids else None
        their_takeover()
        return real_delete(ids=ids, **kwargs)

    here.articles.get = get  # type: ignore[method-assign]
    here.articles.add, here.articles.delete = add, delete  # type: ignore[method-assign]
    mine, entered = start_writer(lambda: StoreLease(here, poll=0.05))
    assert not entered.wait(2), "both writers hold the lease"
    assert theirs and there.lease().owner == theirs[0].owner  # type: ignore[union-attr]
    theirs[0].__exit__(None, None, None)
    assert entered.wait(10)  # and it takes its turn once they let go
    mine.join(10)


def test_a_stalled_writer_renewing_after_its_lease_was_taken_over_does_not_take_it_back(settings: Settings) -> None:
    """A writer stalled (a paused machine, a long pause of its process) past its lease's end, its renewal
    read done and its write not yet: another writer takes the lease over meanwhile. The late renewal must
    not make the lease the stalled writer's again (both would then write)."""
    stalled, there = ChromaStore(settings), ChromaStore(settings)
    ttl = 1.0
    theirs: list[StoreLease] = []
    real_update = stalled.articles.update

    def update(*args: Any, **kwargs: Any) -> Any:
        if not theirs:
            time.sleep(ttl + 0.3)  # stalled: the lease runs out, and another writer takes it over
            theirs.append(StoreLease(there, poll=0.05).__enter__())
        return real_update(*args, **kwargs)

    stalled.articles.update = update  # type: ignore[method-assign]
    late = StoreLease(stalled, ttl=ttl, poll=0.05)
    late.__enter__()
    deadline = time.monotonic() + 10
    while not theirs:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.2)  # the late renewal's write lands
    assert there.lease().owner == theirs[0].owner  # type: ignore[union-attr]
    theirs[0].__exit__(None, None, None)
    late.__exit__(None, None, None)


def dead_pid() -> int:
    """The pid of a process that has ended."""
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    return ended.pid


def test_a_live_writer_with_this_host_name_on_another_lock_file_is_waited_for(settings: Settings) -> None:
    """Containers with host networking (docker --network host, a Kubernetes hostNetwork pod) share the
    machine's host name, but not its pids or its temporary folder. A writer in one, alive, has a pid that
    names no process in another: its lease must be waited for, not taken over as a dead writer's."""
    store = ChromaStore(settings)
    live = Lease("container", socket.gethostname(), dead_pid(), time.time() + 600, _next(store))
    assert store.claim_lease(live).owner == live.owner
    assert waits_for(live, store, 3.0, lambda: ingest_lock(settings, store))


HOLD = """
import sys, time
from assistant.api import create_app
from assistant.config import Settings
from assistant.ingest_lock import ingest_lock
from assistant.services import Services
from assistant.store import ChromaStore
settings = Settings(_env_file=None, chroma_url=sys.argv[1], collection=sys.argv[2], data_dir=sys.argv[3])
with ingest_lock(settings, ChromaStore(settings)):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_writer_killed_on_this_machine_is_taken_over_at_once(settings: Settings, tmp_path: Path) -> None:
    store = ChromaStore(settings)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, settings.chroma_url or "", settings.collection, str(tmp_path / "other")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    holder.kill()  # SIGKILL: its lease stays in the store, its lock file is let go
    holder.wait()
    held = store.lease()
    assert held is not None and not held.released and held.pid == holder.pid
    started = time.monotonic()
    with ingest_lock(settings, store):
        assert store.lease().owner != held.owner  # type: ignore[union-attr]
    assert time.monotonic() - started < 10  # not the minute its lease had left


def test_a_writer_killed_on_another_machine_is_taken_over_once_its_lease_runs_out(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The machine stood in for by a temporary folder of its own; its lease lasts NEWSDESK_LEASE_SECONDS."""
    caplog.set_level(logging.WARNING, logger="assistant.ingest_lock")
    settings = settings.model_copy(update={"lease_seconds": 3.0})
    store = ChromaStore(settings)
    (tmp_path / "elsewhere").mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, settings.chroma_url or "", settings.collection, str(tmp_path / "other")],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp_path / "elsewhere"), "NEWSDESK_LEASE_SECONDS": "3"},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait()
    started = time.monotonic()
    with ingest_lock(settings, store):
        waited = time.monotonic() - started
    assert 1.0 < waited < 10, waited  # the three seconds the lease had left, at most
    assert f"pid {holder.pid}: its lease ran out at" in caplog.text


def test_a_lease_this_process_could_not_let_go_does_not_hold_up_its_next_ingest(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Chroma server restarted while an ingest of `newsdesk serve` held the lease: the ingest failed,
    and so did letting the lease go. The next ingest of that server must not wait a minute for it."""
    store = ChromaStore(settings)
    with monkeypatch.context() as patch:
        patch.setattr(store, "end_lease", Mock(side_effect=StoreError("cannot reach the Chroma server")))
        with ingest_lock(settings, store):
            pass
    left = store.lease()
    assert left is not None and not left.released and left.pid == os.getpid()
    writer, entered = start_writer(lambda: ingest_lock(settings, store))
    assert entered.wait(5), "the next ingest waits for the lease its own process left"
    writer.join(10)
