"""The Chroma store: passages with their vectors, and the article records beside them.

Two collections per store, so every process sharing a Chroma server sees the same state:

- ``<name>_chunks``: one entry per passage (document = the passage, vector = the
  embedded header + passage, metadata = article id, hash, offsets, title, date...);
- ``<name>_articles``: one entry per article (document = the cleaned article text,
  metadata = the :class:`~assistant.records.ArticleRecord`), plus a revision marker
  that every write changes, so readers know when to refresh what they cache, and the
  claims on the lease of the writer at work (:mod:`assistant.ingest_lock`), when one is.

Writes are ordered so that a crash at any point leaves the last committed state
readable: new chunks first (their ids carry the content hash, so they never overwrite
the live ones), then the article record (the commit), then the stale chunks go.
Chunks whose hash does not match their article's record are orphans: invisible to
retrieval, removed by the next write of that article or by ``newsdesk doctor --repair``.

    >>> store = ChromaStore(get_settings())
    >>> [r.title for r in store.list_articles()]
"""

from __future__ import annotations

import functools
import logging
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar

import numpy as np

from assistant.chroma_client import is_connection_error, open_client
from assistant.config import Settings
from assistant.errors import EmbeddingModelMismatch, NewsdeskError, NotFoundError, StoreError
from assistant.ingest_lock import Lease, StoreLease, WriterWait, ingest_lock
from assistant.records import ArticleRecord, Passage

logger = logging.getLogger(__name__)

REVISION_ID = "__revision__"
LEASE_PREFIX = "__ingest_lease__:"
_PAGE = 2000

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _store_call(
    action: str,
) -> Callable[[Callable[Concatenate[ChromaStore, _P], _R]], Callable[Concatenate[ChromaStore, _P], _R]]:
    """Whatever Chroma raises in ``action`` (a refused connection, a server error) becomes a
    :class:`StoreError` that says so: the API's 503, the CLI's message, never a bare 500."""

    def wrap(method: Callable[Concatenate[ChromaStore, _P], _R]) -> Callable[Concatenate[ChromaStore, _P], _R]:
        @functools.wraps(method)
        def call(self: ChromaStore, *args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return method(self, *args, **kwargs)
            except NewsdeskError:
                raise
            except Exception as exc:
                raise StoreError(self.failure(action, exc)) from exc

        return call

    return wrap


@dataclass
class ChunkWrite:
    """One passage to store: its id, text, vector and metadata."""

    id: str
    text: str
    vector: np.ndarray
    metadata: dict[str, Any]


@dataclass
class ArticleWrite:
    """One article to commit: its record, its full text and its passages."""

    record: ArticleRecord
    text: str
    chunks: list[ChunkWrite]


class ChromaStore:
    """Passages and article records in Chroma, for one embedding model.

    The model's name is recorded with the collection; opening it with another model
    raises :class:`EmbeddingModelMismatch` rather than mixing vectors.
    """

    def __init__(self, settings: Settings, client: Any = None) -> None:
        self.settings = settings
        self.name = settings.collection
        self.embedding_model = settings.embedding_model
        self._client = client if client is not None else open_client(settings)
        self._lock = threading.RLock()
        self.writer: StoreLease | None = None  # this process's writer while it holds the store's lease
        self._open_collections()
        # An embedded client keeps its vector index in memory and never re-reads what other
        # processes write: this is the revision its index reflects (see revision()).
        self._embedded = client is None and not settings.chroma_url
        self._revision_seen = self._read_revision()
        try:
            self.max_batch = int(self._client.get_max_batch_size())
        except Exception:
            self.max_batch = 1000

    def _open_collections(self) -> None:
        try:
            self.chunks = self._client.get_or_create_collection(
                f"{self.name}_chunks",
                metadata={"embedding_model": self.embedding_model, "newsdesk_schema": 1},
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,
            )
            self.articles = self._client.get_or_create_collection(
                f"{self.name}_articles", metadata={"newsdesk_schema": 1}, embedding_function=None
            )
        except Exception as exc:
            raise StoreError(f"cannot open collection {self.name!r}: {exc}") from exc
        recorded = (self.chunks.metadata or {}).get("embedding_model")
        if recorded and recorded != self.embedding_model:
            raise EmbeddingModelMismatch(
                f"collection {self.name!r} was built with embedding model {recorded!r}, but the configured model is "
                f"{self.embedding_model!r}; set NEWSDESK_EMBEDDING_MODEL={recorded!r}, or choose another "
                "NEWSDESK_COLLECTION (or data dir) to index with the new model"
            )

    def _reopen(self) -> None:
        """A fresh embedded client, whose vector index holds what other processes wrote. The old
        one is left to whatever still holds it (reads running on it, another store of this process)
        and freed with its last user: stopping it would break those (80 reopens in a row level off
        at about 140 MB over a fresh client's memory)."""
        from chromadb.api.shared_system_client import SharedSystemClient

        with self._lock:
            SharedSystemClient._identifier_to_system.pop(str(self.settings.chroma_path), None)
            self._client = open_client(self.settings)
            self._open_collections()
        logger.info("chroma: reopened the embedded store to see another process's writes")

    def failure(self, action: str, exc: Exception) -> str:
        """What to tell the user when Chroma fails at ``action``."""
        if self.settings.chroma_url and is_connection_error(exc):
            return (
                f"{action} collection {self.name!r}: cannot reach the Chroma server at {self.settings.chroma_url!r} ({exc}); "
                "is it running? (`chroma run --path DIR --host 127.0.0.1 --port N`)"
            )
        return f"{action} collection {self.name!r} failed: {exc}"

    # ---- records -------------------------------------------------------------------

    @_store_call("listing articles in")
    def list_articles(self) -> list[ArticleRecord]:
        """Every article record, newest first (then by title)."""
        records = [
            ArticleRecord.from_metadata(rid, meta or {})
            for rid, meta, _ in self._paged_get(self.articles, where={"kind": "article"}, include=["metadatas"])
        ]
        records.sort(key=lambda r: r.title.casefold())
        records.sort(key=lambda r: r.published_at or "", reverse=True)
        return records

    @_store_call("reading")
    def article_hashes(self) -> dict[str, str]:
        """``article id -> content hash`` for every committed article."""
        records = self._paged_get(self.articles, where={"kind": "article"}, include=["metadatas"])
        return {rid: str((meta or {}).get("content_hash", "")) for rid, meta, _ in records}

    @_store_call("reading")
    def get_article(self, article_id: str) -> ArticleRecord:
        """One article's record, or :class:`NotFoundError`."""
        got = self.articles.get(ids=[article_id], include=["metadatas"])
        if not got["ids"] or (got["metadatas"][0] or {}).get("kind") != "article":
            raise NotFoundError(f"no article with id {article_id!r}")
        return ArticleRecord.from_metadata(article_id, got["metadatas"][0] or {})

    @_store_call("reading")
    def get_article_text(self, article_id: str) -> str:
        """The cleaned text of one article (the text chunk offsets point into)."""
        got = self.articles.get(ids=[article_id], include=["documents", "metadatas"])
        if not got["ids"] or (got["metadatas"][0] or {}).get("kind") != "article":
            raise NotFoundError(f"no article with id {article_id!r}")
        return str(got["documents"][0] or "")

    @_store_call("reading")
    def chunk_census(self, article_ids: Sequence[str] | None = None) -> dict[str, dict[str, list[str]]]:
        """``article id -> content hash -> chunk ids`` for every stored passage (or those of some articles)."""
        census: dict[str, dict[str, list[str]]] = {}
        if article_ids is None:
            wheres: list[dict[str, Any] | None] = [None]
        else:
            ids = list(article_ids)
            wheres = [{"article_id": {"$in": list(batch)}} for batch in _batched(ids, 500)]
        for where in wheres:
            for cid, meta, _ in self._paged_get(self.chunks, where=where, include=["metadatas"]):
                meta = meta or {}
                article = census.setdefault(str(meta.get("article_id", "")), {})
                article.setdefault(str(meta.get("content_hash", "")), []).append(cid)
        return census

    @_store_call("counting articles in")
    def count_articles(self) -> int:
        """How many articles are stored."""
        return sum(1 for _ in self._paged_get(self.articles, where={"kind": "article"}, include=[]))

    @_store_call("counting passages in")
    def count_chunks(self) -> int:
        """How many passages are stored (orphans included)."""
        return int(self.chunks.count())

    @_store_call("reading")
    def revision(self) -> str:
        """A token that changes whenever any process writes to this store.

        Embedded, a change this process did not make (a ``newsdesk ingest`` beside a running
        ``newsdesk serve``) reopens the store first, so that vector search finds the new passages."""
        current = self._read_revision()
        if current != self._revision_seen:
            with self._lock:
                if self._embedded and current != self._revision_seen:
                    self._reopen()
                self._revision_seen = current
        return current

    def _read_revision(self) -> str:
        got = self.articles.get(ids=[REVISION_ID], include=["metadatas"])
        if not got["ids"]:
            return ""
        return str((got["metadatas"][0] or {}).get("revision", ""))

    # ---- writes --------------------------------------------------------------------

    def write_articles(self, writes: Sequence[ArticleWrite]) -> None:
        """Store articles with their passages: chunks, then records (the commit), then cleanup."""
        if not writes:
            return
        with self._lock:
            chunks = [c for w in writes for c in w.chunks]
            recorded_dim = (self.chunks.metadata or {}).get("embedding_dim")
            if recorded_dim is None and chunks:  # another process may have written the first vectors since we opened
                self.chunks = self._client.get_collection(f"{self.name}_chunks", embedding_function=None)
                recorded_dim = (self.chunks.metadata or {}).get("embedding_dim")
            if chunks:
                dim = int(chunks[0].vector.shape[-1])
                if recorded_dim is not None and int(recorded_dim) != dim:
                    raise EmbeddingModelMismatch(
                        f"collection {self.name!r} holds {recorded_dim}-dimensional vectors, the model gives {dim}"
                    )
                if recorded_dim is None:
                    self.chunks.modify(metadata={**(self.chunks.metadata or {}), "embedding_dim": dim})
            try:
                self._check_writer()
                for batch in _batched(chunks, self.max_batch):
                    self.chunks.upsert(
                        ids=[c.id for c in batch],
                        documents=[c.text for c in batch],
                        embeddings=np.stack([c.vector for c in batch]),
                        metadatas=[c.metadata for c in batch],
                    )
                self._check_writer()
                for wbatch in _batched(list(writes), self.max_batch):
                    self.articles.upsert(
                        ids=[w.record.id for w in wbatch],
                        documents=[w.text for w in wbatch],
                        embeddings=[[0.0]] * len(wbatch),
                        metadatas=[w.record.to_metadata() for w in wbatch],
                    )
                self._delete_stale({w.record.id: w.record.content_hash for w in writes})
                self._bump_revision()
            except StoreError:
                raise
            except Exception as exc:
                raise StoreError(self.failure("writing to", exc)) from exc
            logger.info("chroma: wrote %d articles, %d chunks", len(writes), len(chunks))

    def _delete_stale(self, live: dict[str, str]) -> None:
        """Delete chunks of these articles whose hash is not the committed one."""
        self._check_writer()
        items = list(live.items())
        for batch in _batched(items, 200):
            clauses = [{"$and": [{"article_id": a}, {"content_hash": {"$ne": h}}]} for a, h in batch]
            where = clauses[0] if len(clauses) == 1 else {"$or": clauses}
            self.chunks.delete(where=where)

    @_store_call("deleting from")
    def delete_article(self, article_id: str, wait: WriterWait | None = None) -> int:
        """Remove an article and its passages; returns how many passages went (under the writers'
        lock, so that an ingest of the same article does not write around it; waiting for it as
        ``wait`` says)."""
        with ingest_lock(self.settings, self, wait), self._lock:
            existing = self.articles.get(ids=[article_id], include=["metadatas"])
            has_record = bool(existing["ids"]) and (existing["metadatas"][0] or {}).get("kind") == "article"
            chunk_ids = [
                cid for cid, _, _ in self._paged_get(self.chunks, where={"article_id": article_id}, include=[])
            ]
            if not has_record and not chunk_ids:
                raise NotFoundError(f"no article with id {article_id!r}")
            self._check_writer()
            if has_record:
                self.articles.delete(ids=[article_id])  # the commit: from here on it is gone
            for batch in _batched(chunk_ids, self.max_batch):
                self.chunks.delete(ids=batch)
            self._bump_revision()
            logger.info("chroma: deleted article %s (%d chunks)", article_id, len(chunk_ids))
            return len(chunk_ids)

    @_store_call("deleting from")
    def delete_chunks(self, chunk_ids: Sequence[str]) -> None:
        """Delete passages by id (used to remove orphans)."""
        with self._lock:
            self._check_writer()
            for batch in _batched(list(chunk_ids), self.max_batch):
                self.chunks.delete(ids=batch)
            if chunk_ids:
                self._bump_revision()

    def _check_writer(self) -> None:
        """Before a write: stop (:class:`WriterLeaseLost`) if this process's writer lost the store's lease."""
        if self.writer is not None:
            self.writer.check()

    def _bump_revision(self) -> None:
        revision = uuid.uuid4().hex
        with self._lock:
            others_wrote = self._read_revision() != self._revision_seen
            self.articles.upsert(
                ids=[REVISION_ID],
                documents=[""],
                embeddings=[[0.0]],
                metadatas=[{"kind": "state", "revision": revision}],
            )
            if not others_wrote:  # only this process's write: its index has it (else revision() reopens)
                self._revision_seen = revision

    # ---- the writers' lease ---------------------------------------------------------

    @_store_call("taking the writers' lease of")
    def claim_lease(self, claim: Lease) -> Lease:
        """Add ``claim`` unless a claim of its number exists; returns the lease after it (``claim``
        when it won).

        Chroma's ``add`` leaves an id that exists as it is, and the server applies one write at a
        time, so of any number of processes claiming one number exactly one finds its own name.
        The winner deletes the claims it follows: their holders find they hold the lease no more."""
        self.articles.add(
            ids=[lease_id(claim.number)], documents=[""], embeddings=[[0.0]], metadatas=[claim.to_metadata()]
        )
        claims = self._lease_claims()
        current = claims[-1]
        if current.owner == claim.owner and len(claims) > 1:
            self.articles.delete(ids=[lease_id(c.number) for c in claims[:-1]])
        return current

    @_store_call("reading the writers' lease of")
    def lease(self) -> Lease | None:
        """The store's lease: the claim numbered highest (let go or not), or None when none was made."""
        claims = self._lease_claims()
        return claims[-1] if claims else None

    def _lease_claims(self) -> list[Lease]:
        got = self.articles.get(where={"kind": "lease"}, include=["metadatas"])
        return sorted((Lease.from_metadata(meta or {}) for meta in got["metadatas"]), key=lambda c: c.number)

    @_store_call("renewing the writers' lease of")
    def renew_lease(self, claim: Lease, expires: float) -> bool:
        """Push ``claim``'s expiry on while it is the lease; False when another claim has taken over.
        Only that claim's own record is written: a renewal landing after a takeover changes nothing."""
        current = self.lease()
        if current is None or current.owner != claim.owner:
            return False
        self.articles.update(ids=[lease_id(claim.number)], metadatas=[{"expires": expires}])
        return True

    @_store_call("letting go of the writers' lease of")
    def end_lease(self, claim: Lease) -> None:
        """Let ``claim`` go: the next writer claims the lease at once (a claim taken over is left as it is)."""
        self.articles.update(ids=[lease_id(claim.number)], metadatas=[{"released": True}])

    # ---- reads ---------------------------------------------------------------------

    @_store_call("searching")
    def query(self, vector: Sequence[float], n: int, where: dict[str, Any] | None = None) -> list[Passage]:
        """The ``n`` passages nearest to ``vector`` (cosine), best first, score = similarity."""
        got = self.chunks.query(
            query_embeddings=[list(vector)],
            n_results=max(1, min(n, 1000)),
            where=where or None,
            include=["documents", "metadatas", "distances"],
        )
        out = []
        for cid, doc, meta, dist in zip(
            got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0], strict=False
        ):
            passage = Passage.from_chroma(cid, doc, meta)
            passage.score = 1.0 - float(dist)
            out.append(passage)
        return out

    def iter_chunks(self, where: dict[str, Any] | None = None, with_text: bool = True) -> Iterator[Passage]:
        """Every stored passage (optionally filtered), page by page."""
        include = ["documents", "metadatas"] if with_text else ["metadatas"]
        for cid, meta, doc in self._paged_get(self.chunks, where=where, include=include):
            yield Passage.from_chroma(cid, doc, meta)

    @_store_call("reading")
    def get_chunks(self, chunk_ids: Sequence[str]) -> list[Passage]:
        """Passages by id, in the order asked (missing ones left out)."""
        if not chunk_ids:
            return []
        got = self.chunks.get(ids=list(chunk_ids), include=["documents", "metadatas"])
        found = {
            cid: Passage.from_chroma(cid, doc, meta)
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=False)
        }
        return [found[c] for c in chunk_ids if c in found]

    def iter_chunk_vectors(self, where: dict[str, Any] | None = None) -> Iterator[tuple[Passage, np.ndarray]]:
        """Every stored passage (optionally filtered) with its vector, page by page."""
        for got in self._pages(self.chunks, where, ["documents", "metadatas", "embeddings"]):
            vectors = np.asarray(got["embeddings"], dtype=np.float32)
            for i, (cid, meta, doc) in enumerate(_rows(got)):
                yield Passage.from_chroma(cid, doc, meta), vectors[i]

    def _paged_get(
        self, collection: Any, where: dict[str, Any] | None, include: list[str]
    ) -> Iterator[tuple[str, dict[str, Any] | None, str | None]]:
        """``(id, metadata, document)`` for every match, fetched a page at a time."""
        for got in self._pages(collection, where, include):
            yield from _rows(got)

    def _pages(self, collection: Any, where: dict[str, Any] | None, include: list[str]) -> Iterator[dict[str, Any]]:
        """Chroma's ``get`` for every match, a page at a time."""
        offset = 0
        while True:
            try:
                got = collection.get(where=where or None, include=include, limit=_PAGE, offset=offset)
            except Exception as exc:
                raise StoreError(self.failure("reading", exc)) from exc
            yield got
            if len(got["ids"]) < _PAGE:
                return
            offset += _PAGE


def _rows(got: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any] | None, str | None]]:
    """``(id, metadata, document)`` of each record of one Chroma ``get`` (None where not included)."""
    ids = got["ids"]
    metas = got.get("metadatas") or [None] * len(ids)
    docs = got.get("documents") or [None] * len(ids)
    yield from zip(ids, metas, docs, strict=True)


def lease_id(number: int) -> str:
    """The id of the lease's claim numbered ``number``."""
    return f"{LEASE_PREFIX}{number}"


def _batched(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
