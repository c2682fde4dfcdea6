"""One ingest at a time per store: across threads, and across processes on this machine.

An ingest decides what is new (by article id, and by content hash for the same content
under another id) from what the store holds when it starts, then embeds and writes, then
deletes the passages of versions it replaced. Two ingests over the same store at once would
each decide before the other wrote: they could store the same content twice (the same file
uploaded under two names), and two updates of one article could each delete the other's new
passages, leaving it with none. So every ingest (``Ingestor.ingest``: the CLI's, the API's,
the UI's, the follower's) decides and writes under this lock, once its sources are read: a
lock file in the data folder (for a Chroma server, one in the temporary folder named for the
server and collection), held with ``flock``, plus a thread lock inside a process. Embedding
runs one batch at a time anyway, so waiting costs little throughput.

    >>> with ingest_lock(settings):
    ...     decide_and_write(items)

Processes on other machines sharing one Chroma server are not covered; an update they
interleave is repaired by the next ingest of that article (see ``Pipeline._incomplete``).
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import IO

from assistant.config import Settings

try:
    import fcntl
except ImportError:  # not on Windows: threads only
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)


class IngestLock:
    """Held by one ingest at a time: a thread lock, then an exclusive ``flock`` on ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread = threading.Lock()
        self._file: IO[str] | None = None

    def __enter__(self) -> IngestLock:
        self._thread.acquire()
        try:
            self._file = self._lock_file()
        except BaseException:
            self._thread.release()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._file is not None:
            self._file.close()  # closing releases the flock
            self._file = None
        self._thread.release()

    def _lock_file(self) -> IO[str] | None:
        if fcntl is None:
            return None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a")
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                logger.warning("waiting for another ingest into this store to finish (lock file %s)", self.path)
                fcntl.flock(handle, fcntl.LOCK_EX)
        except BaseException:
            handle.close()
            raise
        return handle


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


def ingest_lock(settings: Settings) -> IngestLock:
    """The lock for the store ``settings`` name: the same lock for every Services over that store."""
    with _guard:
        return _locks.setdefault(store_key(settings), IngestLock(lock_path(settings)))
