"""``newsdesk doctor``: check the store's consistency and, when asked, repair it.

Checks: every article record has exactly its passages (the chunk count it records,
positions 0..n-1, the committed content hash); no passage without a record or from an
older version (orphans left by an interrupted write); the collection's embedding model
is the configured one; the vector index answers a query; each record keeps its text.

Repairs: orphan and stale passages are deleted; an article whose passages are missing
or incomplete is re-chunked and re-embedded from the text its record keeps. A model
mismatch or an unreadable index cannot be repaired in place: re-ingest into another
collection.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from assistant.config import Settings
from assistant.embeddings import SentenceTransformerEmbeddings
from assistant.errors import EmbeddingModelMismatch, StoreError
from assistant.ingest_lock import ingest_lock
from assistant.records import ArticleRecord
from assistant.store import ArticleWrite, ChromaStore, ChunkWrite
from ingest.articles import PreparedArticle
from ingest.chunking import split_article
from ingest.pipeline import chunk_metadata, embedding_text

logger = logging.getLogger(__name__)


@dataclass
class Finding:
    """One problem found in the store."""

    kind: str  # orphan_chunks, stale_chunks, missing_chunks, missing_text, model_mismatch, index_unreadable
    message: str
    article_id: str | None = None
    chunk_ids: list[str] = field(default_factory=list)
    repairable: bool = True
    repaired: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON form (chunk ids summarised by their count)."""
        values = asdict(self)
        values["chunks"] = len(values.pop("chunk_ids"))
        return values


@dataclass
class Report:
    """What the doctor found (and did)."""

    articles: int = 0
    chunks: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong, or everything wrong was repaired."""
        return all(f.repaired for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` object."""
        return {
            "ok": self.ok,
            "articles": self.articles,
            "chunks": self.chunks,
            "problems": [f.to_dict() for f in self.findings],
            "repaired": sum(f.repaired for f in self.findings),
        }


def examine(store: ChromaStore) -> Report:
    """Check records against passages, look for orphans, and query the index once."""
    records = {r.id: r for r in store.list_articles()}
    try:
        census = store.chunk_census()
    except StoreError as exc:  # Chroma reads passages through the vector index: a broken one fails this too
        return Report(
            articles=len(records),
            findings=[Finding("index_unreadable", f"the passages cannot be read: {exc}", repairable=False)],
        )
    report = Report(
        articles=len(records), chunks=sum(len(ids) for by_hash in census.values() for ids in by_hash.values())
    )
    for article_id, by_hash in census.items():
        record = records.get(article_id)
        if record is None:
            ids = [cid for chunk_ids in by_hash.values() for cid in chunk_ids]
            report.findings.append(
                Finding(
                    "orphan_chunks",
                    f"{len(ids)} passages of article {article_id!r}, which has no record",
                    article_id,
                    ids,
                )
            )
            continue
        stale = [cid for h, chunk_ids in by_hash.items() if h != record.content_hash for cid in chunk_ids]
        if stale:
            report.findings.append(
                Finding(
                    "stale_chunks", f"{len(stale)} passages of an older version of {article_id!r}", article_id, stale
                )
            )
    for article_id, record in records.items():
        live = census.get(article_id, {}).get(record.content_hash, [])
        positions = sorted(int(cid.rsplit("-", 1)[-1]) for cid in live if cid.rsplit("-", 1)[-1].isdigit())
        if len(live) != record.chunk_count or positions != list(range(record.chunk_count)):
            report.findings.append(
                Finding(
                    "missing_chunks",
                    f"article {article_id!r} records {record.chunk_count} passages, {len(live)} are stored",
                    article_id,
                    live,
                )
            )
    missing_text = (
        [r for r in records.values() if not store.get_article_text(r.id).strip()] if len(records) <= 5000 else []
    )
    for record in missing_text:
        report.findings.append(
            Finding("missing_text", f"article {record.id!r} keeps no text", record.id, repairable=False)
        )
    probe = _probe_index(store)
    if probe:
        report.findings.append(Finding("index_unreadable", probe, repairable=False))
    return report


def _probe_index(store: ChromaStore) -> str | None:
    """None when a stored vector finds its own passage; else what went wrong."""
    try:
        got = store.chunks.get(limit=1, include=["embeddings"])
        if not got["ids"]:
            return None
        vector = got["embeddings"][0]
        found = store.query(vector, 1)
        if not found:
            return "the vector index returned nothing for a stored vector"
    except Exception as exc:  # any failure here means the index cannot be used
        return f"the vector index cannot be queried: {exc}"
    return None


def repair(
    store: ChromaStore, report: Report, embeddings: Callable[[], SentenceTransformerEmbeddings], settings: Settings
) -> Report:
    """Fix what can be fixed; marks each finding repaired or not."""
    doomed = [cid for f in report.findings if f.kind in ("orphan_chunks", "stale_chunks") for cid in f.chunk_ids]
    if doomed:
        store.delete_chunks(doomed)
        for f in report.findings:
            if f.kind in ("orphan_chunks", "stale_chunks"):
                f.repaired = True
    for f in report.findings:
        if f.kind == "missing_chunks" and f.article_id:
            try:
                rewrite_article(store, store.get_article(f.article_id), embeddings(), settings, stale_ids=f.chunk_ids)
                f.repaired = True
            except (StoreError, ValueError) as exc:
                f.message += f" (repair failed: {exc})"
    return report


def rewrite_article(
    store: ChromaStore,
    record: ArticleRecord,
    model: SentenceTransformerEmbeddings,
    settings: Settings,
    stale_ids: list[str] | None = None,
) -> None:
    """Re-chunk and re-embed an article from the text its record keeps."""
    text = store.get_article_text(record.id)
    if not text.strip():
        raise ValueError("no stored text to rebuild from")
    article = PreparedArticle(
        id=record.id,
        title=record.title,
        text=text,
        url=record.url,
        source=record.source,
        published=date.fromisoformat(record.published_at) if record.published_at else None,
        authors=tuple(record.authors),
        content_hash=record.content_hash,
        origin=record.origin,
    )
    chunks = split_article(text, settings.chunk_words, settings.chunk_max_words, settings.chunk_overlap_words)
    vectors = model.encode([embedding_text(article, c, settings.embed_header) for c in chunks])
    writes = [
        ChunkWrite(
            f"{record.id}-{record.content_hash[:10]}-{c.position}", c.text, vectors[i], chunk_metadata(article, c)
        )
        for i, c in enumerate(chunks)
    ]
    if stale_ids:
        keep = {w.id for w in writes}
        store.delete_chunks([cid for cid in stale_ids if cid not in keep])
    record.chunk_count = len(chunks)
    store.write_articles([ArticleWrite(record=record, text=text, chunks=writes)])


def run_doctor(settings: Settings, embeddings: Callable[[], SentenceTransformerEmbeddings], fix: bool) -> Report:
    """Open the store, examine it, and repair it when ``fix`` is set."""
    try:
        store = ChromaStore(settings)
    except EmbeddingModelMismatch as exc:
        return Report(findings=[Finding("model_mismatch", str(exc), repairable=False)])
    with ingest_lock(settings, store):  # an ingest's new passages are not orphans while it writes
        report = examine(store)
        if fix and report.findings:
            repair(store, report, embeddings, settings)
            logger.info(
                "doctor: repaired %d of %d findings", sum(f.repaired for f in report.findings), len(report.findings)
            )
    return report
