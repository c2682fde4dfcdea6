"""Streamed answers that a proxy does not cut off: :class:`Relay` runs the answer on a thread of its own.

A streamed answer's first text can take long: a reasoning model thinks for a minute before
it writes, and the answer is held until it has (:mod:`assistant.answerers.chat`). A proxy in
front of the API (nginx's ``proxy_read_timeout`` is 60 s) closes a response that sends no
byte for that long. So the request waits for the answer's first item only ``FIRST_WAIT``
seconds: what fails at once (a bad request, the store, an LLM endpoint that refuses the
connection) is still a plain error response with its status; after that the response starts,
and while nothing comes the stream carries a comment (``: waiting``) every ``TICK`` seconds,
which SSE clients ignore.

    >>> relay = Relay(iter(["a", "b"]))
    >>> relay.first(), list(relay)
    ('a', ['b'])
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")

FIRST_WAIT = 5.0  # seconds the request waits for the first item before the response starts
TICK = 15.0  # seconds of quiet after which the stream sends a comment
COMMENT = ": waiting\n\n"


class Quiet:
    """Nothing came for ``TICK`` seconds (the stream sends :data:`COMMENT`)."""

    def __repr__(self) -> str:
        return "QUIET"


QUIET = Quiet()
_END = object()


class Relay(Generic[T]):
    """The items of an iterator, produced on a thread of their own, with :data:`QUIET` for each
    ``tick`` seconds that none comes. An error the iterator raises is raised where it would have come.
    Closing the relay (the client went away) stops the iterator at its next item."""

    def __init__(self, items: Iterator[T], *, tick: float | None = None) -> None:
        self.tick = TICK if tick is None else tick
        self._queue: queue.Queue[object] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._produce, args=(items,), name="newsdesk-stream", daemon=True)
        self._thread.start()

    def _produce(self, items: Iterator[T]) -> None:
        try:
            for item in items:
                if self._stop.is_set():
                    break
                self._queue.put(item)
        except BaseException as exc:  # raised again in the consumer, where the item would have come
            self._queue.put(_Raised(exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()
            self._queue.put(_END)

    def first(self, within: float | None = None) -> T | Quiet | None:
        """The first item, waiting at most ``within`` seconds (``FIRST_WAIT``): :data:`QUIET` if none
        came by then, None if there is none."""
        item = self._next(FIRST_WAIT if within is None else within)
        return None if item is _END else item  # type: ignore[return-value]

    def _next(self, timeout: float) -> object:
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty:
            return QUIET
        if item is _END:
            self._queue.put(_END)  # every later call ends too
        elif isinstance(item, _Raised):
            raise item.error
        return item

    def __iter__(self) -> Iterator[T | Quiet]:
        try:
            while (item := self._next(self.tick)) is not _END:
                yield item  # type: ignore[misc]
        finally:
            self.close()

    def close(self) -> None:
        """Stop the iterator at its next item (the client went away, or the stream ended)."""
        self._stop.set()


class _Raised:
    def __init__(self, error: BaseException) -> None:
        self.error = error
