"""Following sources: feeds, pages or folders ingested again on a schedule, so that the library
keeps up with the news while newsdesk serves.

Ingesting again is cheap when nothing changed: unchanged articles are skipped without any
embedding work, so a feed checked every fifteen minutes costs a fetch and a comparison.

    >>> follower = Follower(services, ["https://example.com/feed.xml"], every=parse_interval("15m"))
    >>> follower.start()          # checks now, then every 15 minutes, in a background thread
    >>> follower.status()["last_check"]["summary"]["added"]
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from assistant.errors import ConfigError, NewsdeskError, StoreBusy
from assistant.ingest_lock import WriterWait
from assistant.records import counted
from assistant.services import Services

logger = logging.getLogger(__name__)

MIN_INTERVAL = 10.0  # seconds: more often than this would only hammer the sites followed
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400}
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", re.I)


def parse_interval(text: str | float) -> float:
    """Seconds in an interval written as ``900``, ``90s``, ``15m``, ``2h`` or ``1d``."""
    match = _INTERVAL.match(str(text))
    unit = (match.group(2) or "s").lower() if match else ""
    if not match or unit not in _UNITS:
        raise ConfigError(f"not an interval: {text!r}; write it like 900, 90s, 15m, 2h or 1d")
    seconds = float(match.group(1)) * _UNITS[unit]
    if seconds < MIN_INTERVAL:
        raise ConfigError(f"interval {text!r} is too short: the least is {MIN_INTERVAL:.0f} seconds")
    return seconds


@dataclass(frozen=True)
class FollowCheck:
    """One pass over the followed sources: when, how long, and what it ingested (or why it failed)."""

    started: datetime
    seconds: float
    summary: dict[str, Any] | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the API."""
        return {
            "started": self.started.isoformat(timespec="seconds"),
            "seconds": round(self.seconds, 2),
            "summary": self.summary,
            "error": self.error,
        }


class Follower:
    """Ingests ``sources`` now and then every ``every`` seconds, in a daemon thread, under the
    store's ingest lock (so it never runs beside an upload into the same store)."""

    def __init__(
        self,
        services: Services,
        sources: list[str],
        every: float,
        on_check: Callable[[FollowCheck], None] | None = None,
    ) -> None:
        if not sources:
            raise ConfigError("nothing to follow: name at least one feed, page or folder")
        self.services = services
        self.sources = list(sources)
        self.every = every
        self.on_check = on_check
        self.last: FollowCheck | None = None
        self.checks = 0
        self._next: datetime | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self, wait: WriterWait | None = None) -> FollowCheck:
        """Ingest the sources once, now. A failure is recorded, never raised: the next check retries.
        With a ``wait`` (a check asked for through the API), a store that another writer holds for
        longer than it allows raises :class:`StoreBusy`, and no check is recorded."""
        started = datetime.now(UTC)
        clock = time.monotonic()
        try:
            summary = self.services.ingest(self.sources, wait=wait)
            result = FollowCheck(started, time.monotonic() - clock, summary=summary.to_dict())
        except StoreBusy:  # only with a wait: the caller says so (503 store_busy), nothing was checked
            raise
        except NewsdeskError as exc:
            result = FollowCheck(started, time.monotonic() - clock, error=str(exc))
        except Exception as exc:  # a bug in one check must not end the following
            logger.exception("following: the check failed")
            result = FollowCheck(started, time.monotonic() - clock, error=f"{type(exc).__name__}: {exc}")
        self.last = result
        self.checks += 1
        if self.on_check:
            self.on_check(result)
        return result

    def start(self) -> None:
        """Check now, then every ``every`` seconds, until :meth:`stop`."""
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="newsdesk-follow", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.check()
            self._next = datetime.now(UTC) + timedelta(seconds=self.every)
            if self._stop.wait(self.every):
                break
        self._next = None

    def stop(self, timeout: float | None = None) -> None:
        """Stop following; a check under way finishes first (it is waited for up to ``timeout``)."""
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)

    def status(self) -> dict[str, Any]:
        """What is followed, how often, and the last check."""
        return {
            "sources": self.sources,
            "every_seconds": self.every,
            "running": bool(self._thread and self._thread.is_alive()),
            "checks": self.checks,
            "last_check": self.last.to_dict() if self.last else None,
            "next_check": self._next.isoformat(timespec="seconds") if self._next else None,
        }


def describe(check: FollowCheck) -> str:
    """One line for a log or a terminal."""
    when = check.started.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    if check.error:
        return f"{when} check failed: {check.error}"
    s = check.summary or {}
    return (
        f"{when} added {s.get('added', 0)}, updated {s.get('updated', 0)}, unchanged {s.get('unchanged', 0)}, "
        f"failed {len(s.get('failed', []))}; {counted(s.get('chunks', 0), 'passage')} written in {check.seconds:.1f} s"
    )


def log_check(check: FollowCheck) -> None:
    """Log a check: a warning when it failed or some sources did, else at info level."""
    failed = check.error or (check.summary or {}).get("failed")
    (logger.warning if failed else logger.info)("following: %s", describe(check))
