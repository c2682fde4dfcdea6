"""One ingest at a time per store, within a process.

An ingest decides what is new (by article id, and by content hash for the same content
under another id) from what the store holds when it starts, then embeds and writes. Two
ingests over the same store at once would each decide before the other wrote, and could
store the same content twice (the same file uploaded under two names) or clean up passages
the other has just written. The API and the UI ingest under this lock; embedding runs one
batch at a time anyway, so waiting costs no throughput.

    >>> with ingest_lock(services.settings):
    ...     ingest_uploads(services, files)
"""

from __future__ import annotations

import threading

from assistant.config import Settings

_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


def store_key(settings: Settings) -> str:
    """What names one store: the Chroma server or folder, and the collection."""
    return f"{settings.chroma_url or settings.chroma_path}|{settings.collection}"


def ingest_lock(settings: Settings) -> threading.Lock:
    """The lock for the store ``settings`` name: the same lock for every Services over that store."""
    with _guard:
        return _locks.setdefault(store_key(settings), threading.Lock())
