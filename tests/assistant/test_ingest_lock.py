"""The lock file that makes the writers of one machine take turns."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest

from assistant.ingest_lock import IngestLock
from tests.conftest import until_logged


def test_a_writer_waiting_for_the_lock_file_says_which_process_holds_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="assistant.ingest_lock")
    path = tmp_path / "ingest.lock"
    order: list[str] = []
    with IngestLock(path) as first:  # another lock over the same file: as another process has

        def second() -> None:
            with IngestLock(path) as lock:
                order.append("second")
                assert lock.machine == first_machine  # one machine, one name

        first_machine = first.machine
        waiting = threading.Thread(target=second)
        waiting.start()
        until_logged(caplog, "waiting for another ingest", "the second writer did not wait")
        assert f"pid {os.getpid()} on this machine" in caplog.text, caplog.text
        order.append("first")
    waiting.join(10)
    assert order == ["first", "second"]
