"""The ingest pipeline: loaded articles -> cleaned, identified -> chunks -> vectors -> store.

Unchanged articles (same id, same content hash) are skipped before any embedding work;
changed ones are re-chunked and replace their old passages; the same content under
another id is skipped as a duplicate. Passages from many articles are embedded
together in large batches, the way the model is fastest, and one batch is written to
Chroma while the next is embedded. Writes stay one at a time and in order, each in the
store's crash-safe order (passages, then the article records, then stale passages).

    >>> summary = ingest_sources(["examples/articles"], store, lambda: get_embeddings())
    >>> summary.to_dict()
    {'added': 8, 'updated': 0, 'unchanged': 0, 'failed': [], 'warnings': [], 'chunks': 19, 'seconds': 2.1}
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, BinaryIO

from assistant.config import Settings
from assistant.embeddings import SentenceTransformerEmbeddings
from assistant.ingest_lock import WriterWait, ingest_lock
from assistant.records import ArticleRecord
from assistant.store import ArticleWrite, ChromaStore, ChunkWrite
from ingest.articles import (
    Article,
    LoadFailure,
    PreparedArticle,
    is_other_story,
    origin_file,
    prepare_article,
    sibling_id,
)
from ingest.chunking import Chunk, split_article
from ingest.dates import to_day_number
from ingest.loaders import load_sources

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
EmbeddingsFactory = Callable[[], SentenceTransformerEmbeddings]


@dataclass
class IngestSummary:
    """What one ingest run did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0
    articles: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The summary as the CLI's ``--json`` prints it."""
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": list(self.failed),
            "warnings": list(self.warnings),
            "chunks": self.chunks,
            "seconds": round(self.seconds, 3),
        }


def index_signature(settings: Settings) -> str:
    """The chunking and embedding-text settings, folded into every content hash."""
    header = "" if settings.embed_header else ":bare"
    return f"v1:{settings.chunk_words}:{settings.chunk_max_words}:{settings.chunk_overlap_words}{header}"


def embedding_text(article: PreparedArticle, chunk: Chunk, header: bool = True) -> str:
    """What is embedded for a passage: a short header (title, date) and the passage."""
    if not header:
        return chunk.text
    date = f" ({article.published.isoformat()})" if article.published else ""
    return f"{article.title}{date}\n{chunk.text}"


def chunk_metadata(article: PreparedArticle, chunk: Chunk) -> dict[str, Any]:
    """The metadata stored with a passage (no ``None`` values: Chroma refuses them)."""
    meta: dict[str, Any] = {
        "article_id": article.id,
        "content_hash": article.content_hash,
        "position": chunk.position,
        "start": chunk.start,
        "end": chunk.end,
        "title": article.title,
    }
    if article.source:
        meta["source"] = article.source
    if article.url:
        meta["url"] = article.url
    if article.published:
        meta["published_at"] = article.published.isoformat()
        meta["published_day"] = to_day_number(article.published)
    return meta


class OrderedWriter:
    """Runs store writes one at a time, in order, on a worker thread, so that the caller can
    embed the next batch meanwhile. What follows a write (counting it) runs in the caller's
    thread once the write is done; a failed write raises there, and nothing after it is written."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsdesk-write")
        self._last: tuple[Future[None], Callable[[], None]] | None = None

    def submit(self, write: Callable[[], None], then: Callable[[], None]) -> None:
        self.wait()
        self._last = (self._pool.submit(write), then)

    def wait(self) -> None:
        if self._last is not None:
            (future, then), self._last = self._last, None
            future.result()
            then()

    def __enter__(self) -> OrderedWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._last is not None:  # leaving on an error: let the write in flight finish, don't mask the error
            wait_for([self._last[0]])
        self._pool.shutdown(wait=True)


class Ingestor:
    """Runs articles into a store, skipping what is already there.

    The embedding model is asked for only when some article needs embedding, so a
    re-ingest of an unchanged corpus never loads it.
    """

    def __init__(self, store: ChromaStore, embeddings: EmbeddingsFactory, settings: Settings) -> None:
        self.store = store
        self.embeddings = embeddings
        self.settings = settings
        self.batch_chunks = max(64, settings.embedding_batch_size * 4)

    def ingest(
        self, items: Iterable[Article | LoadFailure], progress: Progress | None = None, wait: WriterWait | None = None
    ) -> IngestSummary:
        """Ingest loaded items; failures are collected, never raised, except a store failure (and
        :class:`StoreBusy` when another writer holds the store longer than ``wait`` allows)."""
        started = time.perf_counter()
        loaded = list(items)  # fetched and read before the lock: another ingest may be writing
        with ingest_lock(self.settings, self.store, wait):
            summary = self._ingest(loaded, progress)
        summary.seconds = time.perf_counter() - started
        logger.info("ingest: %s", summary.to_dict())
        return summary

    def _ingest(self, loaded: list[Article | LoadFailure], progress: Progress | None) -> IngestSummary:
        """Decide what is new from what the store holds, then embed and write it (under the lock)."""
        summary = IngestSummary()
        total = len(loaded)
        records = {r.id: r for r in self.store.list_articles()}
        known = {article_id: r.content_hash for article_id, r in records.items()}
        known_hashes = {h: i for i, h in known.items()}
        signature = index_signature(self.settings)
        pending: dict[str, tuple[PreparedArticle, list[Chunk], bool]] = {}
        unchanged: dict[str, PreparedArticle] = {}
        claimed: dict[str, PreparedArticle] = {}  # the articles of this run, by id
        done = 0
        writer = OrderedWriter()

        def count(batch: list[tuple[PreparedArticle, list[Chunk], bool]]) -> None:
            nonlocal done
            self._count(batch, summary)
            done += len(batch)

        def flush(force: bool = False) -> None:
            nonlocal pending
            if pending and (force or sum(len(p[1]) for p in pending.values()) >= self.batch_chunks):
                batch = list(pending.values())
                writes = self._embed(batch)
                writer.submit(lambda: self.store.write_articles(writes), lambda: count(batch))
                for article, _, _ in batch:
                    known[article.id] = article.content_hash
                pending = {}
            if progress:
                progress(done, total)

        with writer:
            for item in loaded:
                if isinstance(item, LoadFailure):
                    summary.failed.append({"source": item.source, "error": item.error})
                    done += 1
                    continue
                prepared = prepare_article(item, signature)
                summary.warnings.extend({"source": item.origin, "warning": w} for w in item.warnings)
                prepared = self._keep_former_id(prepared, records, known)
                prepared, clash = self._claim(prepared, claimed)
                if clash:
                    summary.warnings.append({"source": item.origin, "warning": clash})
                status, copy_of = self._status(prepared, known, known_hashes, list(pending.values()))
                if item.stand_in and status == "updated":  # never replace a stored article with less of it
                    summary.failed.append(
                        {"source": item.origin, "error": f"{item.stand_in}; the stored version is kept"}
                    )
                    done += 1
                    continue
                if status == "unchanged":
                    earlier = pending.get(prepared.id)
                    if earlier and earlier[0].content_hash != prepared.content_hash:
                        del pending[prepared.id]  # an earlier version in this run yields to this later, stored one
                    summary.unchanged += 1
                    if copy_of:  # not stored again: named by the id its stored copy has
                        entry = {"id": copy_of, "title": prepared.title, "status": "unchanged", "copy_of": copy_of}
                    else:
                        entry = {"id": prepared.id, "title": prepared.title, "status": "unchanged"}
                    summary.articles.append(entry)
                    if known.get(prepared.id) == prepared.content_hash:
                        unchanged[prepared.id] = prepared
                    done += 1
                    continue
                chunks = self._split(prepared)
                if not chunks:
                    summary.failed.append({"source": item.origin, "error": "no article text left after cleaning"})
                    done += 1
                    continue
                if item.stand_in:  # new: stored as it is, which is less than the article
                    stand_in = f"{item.stand_in}; stored from the feed's summary until an ingest can fetch its page"
                    summary.warnings.append({"source": item.origin, "warning": stand_in})
                pending[prepared.id] = (prepared, chunks, status == "updated")  # the same article twice: last wins
                known_hashes[prepared.content_hash] = prepared.id
                flush()
            writer.wait()  # stale passages are judged against what is committed
            for article in self._incomplete(unchanged, records):
                summary.unchanged -= 1
                pending[article.id] = (article, self._split(article), True)
            flush(force=True)
            writer.wait()
        if progress:
            progress(done, total)
        return summary

    @staticmethod
    def _keep_former_id(
        article: PreparedArticle, records: dict[str, ArticleRecord], known: dict[str, str]
    ) -> PreparedArticle:
        """The article under the id it was stored under before its identity was scoped (a record
        stored by its bare id), when that stored record is this one's: from the same file, or the
        same source. An edit then replaces it, rather than sitting beside it; a record of another
        file or source that once took that id is left alone."""
        former = records.get(article.former_id) if article.former_id else None
        if former is None or article.id in known:
            return article
        same_file = origin_file(former.origin) == origin_file(article.origin)
        same_source = bool(article.source) and (former.source or "").casefold() == (article.source or "").casefold()
        return replace(article, id=former.id) if same_file or same_source else article

    @staticmethod
    def _claim(article: PreparedArticle, claimed: dict[str, PreparedArticle]) -> tuple[PreparedArticle, str | None]:
        """The article under the id it keeps in this run, and a warning when an earlier article of
        the run held its id with other content: a different story is stored beside it (under
        :func:`sibling_id`), another version of the same story replaces it, and either is said."""
        earlier = claimed.get(article.id)
        other_story = None
        while earlier is not None and earlier.content_hash != article.content_hash and is_other_story(earlier, article):
            other_story = other_story or earlier
            article = replace(article, id=sibling_id(article))
            earlier = claimed.get(article.id)
        clash = None
        if earlier is not None and earlier.content_hash != article.content_hash:
            clash = f"another version of {earlier.title!r} ({earlier.origin}) in this ingest; the later one is kept"
        elif other_story is not None:
            clash = (
                f"its address or id is also that of {other_story.title!r} ({other_story.origin}), a different story;"
                " both are stored"
            )
        claimed[article.id] = article
        return article, clash

    def _split(self, article: PreparedArticle) -> list[Chunk]:
        if not article.text.strip():
            return []
        settings = self.settings
        return split_article(article.text, settings.chunk_words, settings.chunk_max_words, settings.chunk_overlap_words)

    def _incomplete(
        self, unchanged: dict[str, PreparedArticle], records: dict[str, ArticleRecord]
    ) -> list[PreparedArticle]:
        """Finish what an interrupted run left of unchanged articles: stale passages of an earlier
        version are deleted; an article missing passages is returned, to be written again."""
        if not unchanged:
            return []
        census = self.store.chunk_census(list(unchanged))
        stale: list[str] = []
        redo = []
        for article_id, article in unchanged.items():
            by_hash = census.get(article_id, {})
            stale += [cid for h, ids in by_hash.items() if h != article.content_hash for cid in ids]
            if len(by_hash.get(article.content_hash, [])) != records[article_id].chunk_count:
                redo.append(article)
        if stale:
            logger.warning("ingest: removing %d passages left by an interrupted update", len(stale))
            self.store.delete_chunks(stale)
        return redo

    @staticmethod
    def _status(
        article: PreparedArticle,
        known: dict[str, str],
        known_hashes: dict[str, str],
        pending: list[tuple[PreparedArticle, list[Chunk], bool]],
    ) -> tuple[str, str | None]:
        """``added``, ``updated`` or ``unchanged``, and for an exact copy of an article stored (or
        about to be, in this run) under another id, that id."""
        if known.get(article.id) == article.content_hash:
            return "unchanged", None
        for earlier, _, _ in pending:
            if earlier.content_hash == article.content_hash:
                return "unchanged", earlier.id if earlier.id != article.id else None
        other = known_hashes.get(article.content_hash)
        if other is not None and other != article.id and known.get(other) == article.content_hash:
            return "unchanged", other  # the same content already stored under another id
        return ("updated" if article.id in known else "added"), None

    def _embed(self, pending: list[tuple[PreparedArticle, list[Chunk], bool]]) -> list[ArticleWrite]:
        header = self.settings.embed_header
        texts = [embedding_text(article, chunk, header) for article, chunks, _ in pending for chunk in chunks]
        vectors = self.embeddings().encode(texts)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        writes, row = [], 0
        for article, chunks, _ in pending:
            chunk_writes = []
            for chunk in chunks:
                chunk_writes.append(
                    ChunkWrite(
                        id=f"{article.id}-{article.content_hash[:10]}-{chunk.position}",
                        text=chunk.text,
                        vector=vectors[row],
                        metadata=chunk_metadata(article, chunk),
                    )
                )
                row += 1
            record = ArticleRecord(
                id=article.id,
                title=article.title,
                url=article.url,
                source=article.source,
                published_at=article.published.isoformat() if article.published else None,
                authors=list(article.authors),
                content_hash=article.content_hash,
                chunk_count=len(chunks),
                ingested_at=now,
                origin=article.origin,
            )
            writes.append(ArticleWrite(record=record, text=article.text, chunks=chunk_writes))
        return writes

    @staticmethod
    def _count(pending: list[tuple[PreparedArticle, list[Chunk], bool]], summary: IngestSummary) -> None:
        for article, chunks, is_update in pending:
            if is_update:
                summary.updated += 1
            else:
                summary.added += 1
            summary.chunks += len(chunks)
            summary.articles.append(
                {"id": article.id, "title": article.title, "status": "updated" if is_update else "added"}
            )


def ingest_sources(
    specs: Iterable[str],
    store: ChromaStore,
    embeddings: EmbeddingsFactory,
    settings: Settings,
    progress: Progress | None = None,
    stdin: BinaryIO | None = None,
    wait: WriterWait | None = None,
) -> IngestSummary:
    """Ingest files, folders, URLs or ``-`` (standard input), waiting for another writer as
    ``wait`` says (by default as long as it takes)."""
    return Ingestor(store, embeddings, settings).ingest(load_sources(specs, settings, stdin), progress, wait)
