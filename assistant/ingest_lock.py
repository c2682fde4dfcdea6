"""One writer at a time per store: across threads, processes, and machines sharing a Chroma server.

An ingest decides what is new (by article id, and by content hash for the same content
under another id) from what the store holds when it starts, then embeds and writes, then
deletes the passages of versions it replaced. Two ingests over the same store at once would
each decide before the other wrote: they could store the same content twice (the same file
uploaded under two names), and two updates of one article could each delete the other's new
passages, leaving it with none. ``newsdesk doctor --repair`` would take an ingest's new
passages, written before their article's record, for orphans. So every ingest
(``Ingestor.ingest``: the CLI's, the API's, the UI's, the follower's), every deletion of an
article and the doctor decide and write under this lock:

- a thread lock inside a process;
- an exclusive ``flock`` on a lock file in the data folder (for a Chroma server, one in the
  temporary folder named for the server and collection), for processes on this machine;
- with a Chroma server, a lease held in the store itself (:class:`StoreLease`), for
  processes on other machines: the one place they all share.

Embedding runs one batch at a time anyway, so waiting costs little throughput.

    >>> with ingest_lock(settings, store):
    ...     decide_and_write(items)
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
import socket
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

from assistant.config import Settings
from assistant.errors import StoreBusy, WriterLeaseLost

if TYPE_CHECKING:
    from assistant.store import ChromaStore

try:
    import fcntl
except ImportError:  # not on Windows: threads only
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WriterWait:
    """How long a writer waits for its turn at the store, and whom it tells that it waits.

    ``deadline`` is a :func:`time.monotonic` time after which a writer that finds the store busy gives
    up (:class:`StoreBusy`, naming the writer it waited for); None waits as long as it takes, as the
    CLI does. ``on_wait`` hears, once, whom it waits for (the UI shows it)."""

    deadline: float | None = None
    seconds: float | None = None
    on_wait: Callable[[str], None] | None = None

    @classmethod
    def up_to(cls, seconds: float, on_wait: Callable[[str], None] | None = None) -> WriterWait:
        """Wait at most ``seconds`` from now."""
        return cls(time.monotonic() + seconds, seconds, on_wait)

    def waiting(self, whom: str) -> None:
        """Say that this writer waits, and for whom."""
        message = f"waiting for another ingest into this store to finish ({whom})"
        logger.warning("%s", message)
        if self.on_wait is not None:
            self.on_wait(message)

    def timeout(self) -> float:
        """Seconds left to wait (-1: no end, as :meth:`threading.Lock.acquire` takes it)."""
        return -1 if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def over(self) -> bool:
        """True once the wait has run out."""
        return self.deadline is not None and time.monotonic() >= self.deadline

    def give_up(self, whom: str) -> StoreBusy:
        """The error of a wait that ran out."""
        return StoreBusy(
            f"the store is busy: another ingest into it ({whom}) did not finish within the {self.seconds or 0:.0f} s "
            "a write through the API or the UI waits for its turn (NEWSDESK_WRITE_WAIT); try again when it is done"
        )


class IngestLock:
    """Held by one ingest at a time: a thread lock, then an exclusive ``flock`` on ``path``.

    Its holder writes itself into the file (its pid and program), for a writer that waits to say
    whom it waits for. The file also keeps a random name for the machine it is on (made by its
    first holder), ``machine`` while the lock is held: a lease in the store made under that name
    was made on this machine by a writer holding this lock file, so while this process holds it,
    that writer is at work no more. Unlike a host name and pid, this holds for containers with host
    networking too, which share the host name but neither their pids nor their temporary folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.machine: str | None = None
        self._thread = threading.Lock()
        self._file: IO[str] | None = None

    def __enter__(self) -> IngestLock:
        self._take(WriterWait())
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._let_go()

    @contextmanager
    def held(self, wait: WriterWait) -> Iterator[IngestLock]:
        """Hold the lock, waiting for it as ``wait`` says."""
        self._take(wait)
        try:
            yield self
        finally:
            self._let_go()

    def _take(self, wait: WriterWait) -> None:
        if not self._thread.acquire(blocking=False):
            wait.waiting("another ingest of this process")
            if not self._thread.acquire(timeout=wait.timeout()):
                raise wait.give_up("another ingest of this process")
        try:
            self._file = self._lock_file(wait)
        except BaseException:
            self._thread.release()
            raise

    def _let_go(self) -> None:
        if self._file is not None:
            self._file.close()  # closing releases the flock
            self._file = None
        self.machine = None
        self._thread.release()

    def _lock_file(self, wait: WriterWait) -> IO[str] | None:
        if fcntl is None:
            return None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                wait.waiting(f"{self._holder(handle)}; lock file {self.path}")
                self._wait_for_file(handle, wait)
            self.machine = self._write_holder(handle)
        except BaseException:
            handle.close()
            raise
        return handle

    def _wait_for_file(self, handle: IO[str], wait: WriterWait) -> None:
        if wait.deadline is None:
            fcntl.flock(handle, fcntl.LOCK_EX)
            return
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if wait.over():
                    raise wait.give_up(self._holder(handle)) from None
                time.sleep(0.1)

    @staticmethod
    def _write_holder(handle: IO[str]) -> str:
        """Write this process in as the holder (under the flock); the machine's name, made if the file has none."""
        handle.seek(0)
        name = handle.readline().strip() or uuid.uuid4().hex
        program = [Path(sys.argv[0]).name] if sys.argv and sys.argv[0] else []
        command = " ".join(program + [arg for arg in sys.argv[1:2] if arg.isalpha()]) or "python"  # no paths or URLs
        handle.truncate(0)
        handle.write(f"{name}\n{command}, pid {os.getpid()} on this machine\n")
        handle.flush()
        return name

    @staticmethod
    def _holder(handle: IO[str]) -> str:
        """Who holds the lock file, as its holder wrote it in."""
        handle.seek(0)
        lines = handle.read(1000).splitlines()
        return lines[1].strip() if len(lines) > 1 and lines[1].strip() else "another process on this machine"


_locks: dict[str, IngestLock] = {}
_guard = threading.Lock()


def store_key(settings: Settings) -> str:
    """What names one store: the Chroma server or folder, and the collection."""
    return f"{settings.chroma_url or settings.chroma_path}|{settings.collection}"


def lock_path(settings: Settings) -> Path:
    """The lock file of the store ``settings`` name."""
    if settings.chroma_url:
        digest = hashlib.sha256(store_key(settings).encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"newsdesk-ingest-{digest}.lock"
    return settings.data_dir / f"ingest-{settings.collection}.lock"


def local_lock(settings: Settings) -> IngestLock:
    """This machine's lock for the store ``settings`` name: the same lock for every Services over that store."""
    with _guard:
        return _locks.setdefault(store_key(settings), IngestLock(lock_path(settings)))


@contextmanager
def ingest_lock(settings: Settings, store: ChromaStore | None = None, wait: WriterWait | None = None) -> Iterator[None]:
    """Hold the store's writer lock: this machine's, then (with a Chroma server) the store's lease;
    waiting for them as ``wait`` says (by default, as long as it takes)."""
    wait = wait or WriterWait()
    with local_lock(settings).held(wait) as lock:
        if settings.chroma_url and store is not None:
            with StoreLease(store, ttl=settings.lease_seconds, machine=lock.machine, wait=wait):
                yield
        else:
            yield


@dataclass(frozen=True)
class Lease:
    """One claim on the store's lease (a record :meth:`ChromaStore.claim_lease` adds): who made it,
    until when it holds (Unix time), its number (the claim numbered highest is the lease) and
    whether its holder let it go."""

    owner: str
    host: str
    pid: int
    expires: float
    number: int = 1
    released: bool = False
    machine: str = ""

    @property
    def about(self) -> str:
        """Whom a waiting writer waits for."""
        return f"{self.host} pid {self.pid}"

    def to_metadata(self) -> dict[str, Any]:
        """The claim's record, as the store keeps it."""
        return {"kind": "lease", **asdict(self)}

    @classmethod
    def from_metadata(cls, meta: dict[str, Any]) -> Lease:
        """A claim from its record."""
        return cls(
            str(meta.get("owner", "")),
            str(meta.get("host", "")),
            int(meta.get("pid", 0)),
            float(meta.get("expires", 0.0)),
            int(meta.get("number", 0)),
            bool(meta.get("released", False)),
            str(meta.get("machine", "")),
        )


class StoreLease:
    """The store's lease (:meth:`ChromaStore.claim_lease`): held by one writer among every machine on a server.

    The lease is a numbered claim: the claim numbered highest holds it. A writer that finds it free
    (let go, run out, or its holder on this machine dead) claims the next number, by adding a record
    that only the first claim of that number creates, so that of any number of claimants exactly one
    wins. Nobody deletes or rewrites a claim it did not make, so that no takeover can undo another's
    (Chroma finds what a filtered delete matches before it deletes it, and a check-then-write renewal
    could land over a takeover). Held for ``ttl`` seconds and renewed by a background thread every
    quarter of that while the work goes on; let go at the end. A holder that dies stops renewing,
    and once its lease has run out the next claimant takes the next number. Expiry is read against
    each machine's clock: machines sharing a server must keep their clocks within ``ttl`` of each
    other (NTP does).
    """

    def __init__(
        self,
        store: ChromaStore,
        ttl: float = 60.0,
        poll: float = 0.5,
        machine: str | None = None,
        wait: WriterWait | None = None,
    ) -> None:
        self.store = store
        self.ttl = ttl
        self.poll = poll
        self.machine = machine
        self.wait = wait or WriterWait()
        self.owner = uuid.uuid4().hex
        self.claim: Lease | None = None
        self._lost: str | None = None  # why this writer holds the lease no more
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def __enter__(self) -> StoreLease:
        warned = False
        while True:
            current = self.store.lease()
            why = None if current is None or current.released else self._why_free(current)
            if current is None or current.released or why:
                number = current.number + 1 if current is not None else 1
                claim = Lease(
                    self.owner,
                    socket.gethostname(),
                    os.getpid(),
                    time.time() + self.ttl,
                    number,
                    False,
                    self.machine or "",
                )
                if self.store.claim_lease(claim).owner == self.owner:
                    if current is not None and why:
                        logger.warning("took over the ingest lease of %s: %s", current.about, why)
                    self.claim = claim
                    self.store.writer = self
                    break
                continue  # another writer claimed that number first: wait for it
            runs_out = _clock(current.expires)
            whom = (
                f"{current.about}, on the same Chroma server; should it have stopped, its lease runs out at {runs_out}"
            )
            if not warned:
                self.wait.waiting(whom)
                warned = True
            if self.wait.over():
                raise self.wait.give_up(whom)
            time.sleep(self.poll * random.uniform(0.5, 1.5))  # spread out claimants that woke together
        self._renewer = threading.Thread(target=self._renew, args=(claim,), name="newsdesk-lease", daemon=True)
        self._renewer.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
        if self.store.writer is self:
            self.store.writer = None
        if self.claim is None or self._lost is not None:
            return
        try:
            self.store.end_lease(self.claim)
        except Exception as exc:  # the server went away: the lease runs out on its own
            logger.warning("could not let the ingest lease go (%s); it runs out in %.0f s", exc, self.ttl)

    def _why_free(self, held: Lease) -> str | None:
        """Why a claim someone else holds can be taken over (it ran out, its holder here stopped), or None."""
        if held.expires < time.time():
            return f"its lease ran out at {_clock(held.expires)}"
        if self.machine and held.machine == self.machine:
            return "its writer, on this machine, is at work no more (it stopped, or could not let the lease go)"
        return None

    def check(self) -> None:
        """Before a write: raise :class:`WriterLeaseLost` unless this writer still holds the lease, for a
        while yet (renewing it now if its renewals are late), so that a writer stalled past its lease (a
        machine paused, the server out of its reach) never writes over the writer that took it over."""
        if self._lost is None and self.claim is not None:
            current = self.store.lease()
            now = time.time()
            if current is None or current.owner != self.owner:
                self._lose(current)
            elif current.expires <= now:
                self._lose(None)
            elif current.expires - now < self.ttl / 2 and not self.store.renew_lease(self.claim, now + self.ttl):
                self._lose(self.store.lease())
        if self._lost is not None:
            raise WriterLeaseLost(self._lost)

    def _lose(self, holder: Lease | None) -> None:
        taken = f" and {holder.about} took the lease over" if holder is not None and holder.owner != self.owner else ""
        self._lost = (
            f"this writer's lease on the store ran out{taken}: it was not renewed for {self.ttl:.0f} s (the Chroma "
            "server out of its reach, or this process stalled); it stopped before its next write, so what it "
            "committed stands and no other writer's work is undone; run it again"
        )

    def _renew(self, claim: Lease) -> None:
        while not self._stop.wait(self.ttl / 4):
            try:
                if not self.store.renew_lease(claim, time.time() + self.ttl):
                    self._lose(self.store.lease())
                    logger.error("%s", self._lost)  # said here, as it happens; the next write raises it
                    return
            except Exception as exc:  # a passing server error: try again at the next beat
                logger.warning("could not renew the ingest lease: %s", exc)


def _clock(when: float) -> str:
    """A Unix time as this machine's time of day."""
    return time.strftime("%H:%M:%S", time.localtime(when))
