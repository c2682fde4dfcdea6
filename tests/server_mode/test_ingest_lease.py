"""Writers on different machines sharing one Chroma server take turns, through a lease kept in the store.

A lock file only covers one machine; the machines are stood in for by processes with temporary
folders of their own (so their lock files differ) and stores with clients of their own.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.ingest_lock import Lease, StoreLease
from assistant.store import ChromaStore
from tests.conftest import make_settings
from tests.robust.test_crash_safety import assert_consistent, beside_a_paused_ingest, env_for, newsdesk, write_corpus


@pytest.fixture
def settings(chroma_url: str, tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data", chroma_url=chroma_url)


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
        deadline = time.monotonic() + 10
        while "waiting for another ingest" not in caplog.text:
            assert time.monotonic() < deadline, "the second writer did not wait"
            time.sleep(0.02)
        assert f"{socket.gethostname()} pid" in caplog.text  # it says whom it waits for
        turns.append("first")
    waiting.join(10)
    assert turns == ["first", "second"]
    assert here.lease() is None  # let go at the end


def test_a_lease_whose_holder_stopped_is_taken_over(settings: Settings) -> None:
    store = ChromaStore(settings)
    # A writer on another machine that stopped renewing: its lease ran out a second ago.
    store.take_lease(Lease("elsewhere", "other-host", 4242, time.time() - 1))
    with StoreLease(store, poll=0.05) as lease:
        assert store.lease().owner == lease.owner  # type: ignore[union-attr]
    # A writer on this machine that was killed: no need to wait for its lease to run out.
    killed = subprocess.Popen([sys.executable, "-c", "pass"])
    killed.wait()
    store.take_lease(Lease("killed", socket.gethostname(), killed.pid, time.time() + 600))
    started = time.monotonic()
    with StoreLease(store, poll=0.05) as lease:
        assert store.lease().owner == lease.owner  # type: ignore[union-attr]
    assert time.monotonic() - started < 10
    # A live writer elsewhere is waited for, not taken over.
    live = Lease("alive", "other-host", 4242, time.time() + 600)
    assert store.take_lease(live) == live
    assert store.take_lease(Lease("me", socket.gethostname(), 1, time.time() + 600)) == live


def test_a_held_lease_is_renewed_and_only_its_holder_lets_it_go(settings: Settings) -> None:
    store = ChromaStore(settings)
    with StoreLease(store, ttl=0.8, poll=0.05) as lease:
        first = store.lease()
        time.sleep(0.5)  # two renewals, a quarter of the lease apart
        renewed = store.lease()
        assert first is not None and renewed is not None and renewed.expires > first.expires
        store.end_lease("someone else")
        assert store.lease() == renewed  # not theirs to let go
        assert store.renew_lease("someone else", time.time() + 600) is False
        assert store.lease().owner == lease.owner  # type: ignore[union-attr]
    assert store.lease() is None


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
