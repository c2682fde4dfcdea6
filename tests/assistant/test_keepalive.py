"""The relay behind streamed answers: items from a thread of their own, a tick while none comes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from assistant.api.keepalive import QUIET, Relay
from assistant.errors import AnswererError


def slow(items: list[str], pause: float, closed: threading.Event | None = None) -> Iterator[str]:
    try:
        for item in items:
            time.sleep(pause)
            yield item
    finally:
        if closed is not None:
            closed.set()


def test_items_come_in_order_with_a_tick_for_each_quiet_spell() -> None:
    relay = Relay(slow(["a", "b"], pause=0.35), tick=0.1)
    assert relay.first(within=0.05) is QUIET
    seen = list(relay)
    assert [item for item in seen if item is not QUIET] == ["a", "b"]
    assert seen.count(QUIET) >= 4  # about three ticks before each item


def test_an_error_is_raised_where_its_item_would_have_come() -> None:
    def failing() -> Iterator[str]:
        yield "a"
        raise AnswererError("the model server failed")

    relay = Relay(failing())
    assert relay.first() == "a"
    with pytest.raises(AnswererError, match="model server"):
        list(relay)
    assert Relay(iter([])).first() is None


def test_a_client_that_goes_away_stops_the_answer_at_its_next_item() -> None:
    closed, made = threading.Event(), []
    relay = Relay((made.append(item) or item for item in slow([str(n) for n in range(100)], 0.02, closed)), tick=1)
    events = iter(relay)
    assert next(events) == "0"
    events.close()  # what the server does with the body of a response whose client left
    assert closed.wait(timeout=5)
    assert len(made) < 100  # closed, not drained
