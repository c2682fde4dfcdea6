"""BM25 over the stored passages, and their vectors, kept in step with the store.

The local Chroma engine offers no ranked full-text search (its ``Search`` API is
Chroma Cloud only; ``$contains`` filters but does not rank), so the lexical side of
hybrid retrieval is a BM25 index built from the passages in Chroma. Before each
search the store's revision marker is read (one small ``get``); when any process has
written since, only the articles that changed are re-read, and the index is rebuilt
from each passage's cached word counts in a few array operations (tens of milliseconds
for 10,000 passages; bm25s, used before, rebuilt from the tokens in about 3 s). The
scores are those of bm25s's default (Lucene's BM25, k1 1.5, b 0.75, float32), to the bit.

The dense side searches the same passages' vectors, read from Chroma with them, exactly
(one matrix product: under a millisecond for 10,000 passages). Chroma's own HNSW search is
approximate, and not the same from one process to the next: over the 180 dev questions, 7
to 10 top-200 lists lost a passage another process found (once at rank 33), so the same
question could get another answer after a restart (BENCHMARKS.md, Retrieval levers).
"""

from __future__ import annotations

import itertools
import logging
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
from scipy import sparse

from assistant.casing import Casing
from assistant.filters import SearchFilters
from assistant.records import Passage
from assistant.store import ChromaStore
from assistant.terms import ASKING_TERMS, QUESTION_WORDS, terms
from ingest.dates import from_day_number, to_day_number

logger = logging.getLogger(__name__)

_UNDATED = -(10**9)  # the day number of an undated passage: before any date range
_K1, _B = 1.5, 0.75  # BM25's term-frequency saturation and length normalisation (Lucene's defaults)


@dataclass
class _Entry:
    passage: Passage
    tokens: list[str]
    published_day: int | None
    vector: np.ndarray
    words: np.ndarray  # the ids of its distinct index terms (LexicalIndex._word_ids), first written first
    counts: np.ndarray  # how often each occurs


@dataclass(frozen=True)
class _Postings:
    """BM25's score of each (term, passage) pair, by term: the passages holding term ``t`` are
    ``passages[starts[t]:starts[t + 1]]``, with their scores in ``scores``."""

    starts: np.ndarray
    passages: np.ndarray
    scores: np.ndarray

    def score(self, words: Sequence[int], n_passages: int) -> np.ndarray:
        """Each passage's score for a query of these term ids (a repeated term counts again)."""
        total = np.zeros(n_passages, dtype=np.float32)
        for word in words:
            start, end = self.starts[word], self.starts[word + 1]
            np.add.at(total, self.passages[start:end], self.scores[start:end])
        return total


class LexicalIndex:
    """BM25 over the committed passages of a store; also knows which passages are live."""

    def __init__(self, store: ChromaStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._revision: str | None = None
        self._article_hashes: dict[str, str] = {}
        self._entries: dict[str, _Entry] = {}
        self._order: list[str] = []
        self._word_ids: dict[str, int] = {}  # every index term met, numbered as first met (only grows)
        self._df = np.zeros(0, dtype=np.int64)  # by term id: how many live passages hold it
        self._postings: _Postings | None = None
        self._days = np.zeros(0, dtype=np.int64)
        self._newest: date | None = None
        self._sources: np.ndarray = np.zeros(0, dtype=object)
        self._articles: np.ndarray = np.zeros(0, dtype=object)
        self._vectors: np.ndarray = np.zeros((0, 0), dtype=np.float32)
        self.casing = Casing()  # how the live passages write each word: which words are names

    @property
    def live_hashes(self) -> dict[str, str]:
        """``article id -> content hash`` of committed articles, as of the last refresh."""
        return self._article_hashes

    def refresh(self) -> None:
        """Catch up with writes from any process since the last refresh."""
        revision = self.store.revision()
        if revision == self._revision:
            return
        with self._lock:
            if revision == self._revision:
                return
            started = time.perf_counter()
            hashes = self.store.article_hashes()
            changed = [a for a, h in hashes.items() if self._article_hashes.get(a) != h]
            gone = {a for a, h in self._article_hashes.items() if hashes.get(a) != h}
            if gone:
                self.casing.remove(
                    "\n".join(e.passage.quote for e in self._entries.values() if e.passage.article_id in gone)
                )
                self._entries = {cid: e for cid, e in self._entries.items() if e.passage.article_id not in gone}
            if changed:
                self._load(changed, hashes)
            self._article_hashes = hashes
            self._rebuild()
            self._revision = revision
            logger.info(
                "lexical index: %d passages (%d articles changed, %d removed) in %.2f s",
                len(self._entries),
                len(changed),
                len(gone),
                time.perf_counter() - started,
            )

    def _load(self, article_ids: list[str], hashes: dict[str, str]) -> None:
        if len(article_ids) > 200 and len(article_ids) > len(hashes) // 2:
            batches: list[list[str] | None] = [None]  # most of the store: one full read is cheaper
        else:
            batches = [article_ids[i : i + 200] for i in range(0, len(article_ids), 200)]
        wanted = set(article_ids)
        quotes: list[str] = []  # counted for their casing in one go (a third faster than one by one)
        for batch in batches:
            where = None if batch is None else {"article_id": {"$in": batch}}
            for passage, vector in self.store.iter_chunk_vectors(where):
                if passage.article_id in wanted and hashes.get(passage.article_id) == passage.content_hash:
                    tokens = index_terms(passage.title + "\n" + passage.quote)
                    quotes.append(passage.quote)
                    counts: dict[int, int] = {}
                    for token in tokens or ["\u2205"]:  # a passage with no terms still has a length
                        word = self._word_ids.setdefault(token, len(self._word_ids))
                        counts[word] = counts.get(word, 0) + 1
                    self._entries[passage.chunk_id] = _Entry(
                        passage,
                        tokens,
                        _day(passage),
                        vector,
                        np.fromiter(counts, dtype=np.int64, count=len(counts)),
                        np.fromiter(counts.values(), dtype=np.float32, count=len(counts)),
                    )
        self.casing.add("\n".join(quotes))

    def _rebuild(self) -> None:
        # Passages in a fixed order (not the order articles were loaded in): passages that score the
        # same keep the same rank, and the same question gets the same answer in every process. Term
        # ids differ from process to process (numbered as first met), but no score depends on them:
        # a passage's sums its query terms in the query's order.
        self._order = sorted(self._entries)
        entries = [self._entries[c] for c in self._order]
        self._days = np.array(
            [e.published_day if e.published_day is not None else _UNDATED for e in entries], dtype=np.int64
        )
        latest = int(self._days.max()) if len(self._days) else _UNDATED
        self._newest = from_day_number(latest) if latest != _UNDATED else None
        self._sources = np.array([e.passage.source or "" for e in entries], dtype=object)
        self._articles = np.array([e.passage.article_id for e in entries], dtype=object)
        if entries:
            vectors = np.vstack([e.vector for e in entries]).astype(np.float32)
            self._vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        else:
            self._vectors = np.zeros((0, 0), dtype=np.float32)
        self._postings, self._df = _bm25_postings(entries, len(self._word_ids))

    def _mask(self, filters: SearchFilters) -> np.ndarray | None:
        if filters.empty:
            return None
        from ingest.dates import to_day_number

        mask = np.ones(len(self._order), dtype=bool)
        if filters.since:
            mask &= self._days >= to_day_number(filters.since)
        if filters.until:  # an undated passage is in no date range (SearchFilters.accepts)
            mask &= (self._days <= to_day_number(filters.until)) & (self._days != _UNDATED)
        if filters.known_by:
            mask &= self._days <= to_day_number(filters.known_by)  # undated passages are far below
        if filters.sources:
            mask &= np.isin(self._sources, list(filters.sources))
        if filters.article_ids:
            mask &= np.isin(self._articles, list(filters.article_ids))
        return mask

    def search(self, query: str, n: int, filters: SearchFilters | None = None) -> list[Passage]:
        """The ``n`` best BM25 matches (score = BM25 score), best first."""
        self.refresh()
        with self._lock:  # the passages and the postings of one rebuild
            order, entries, postings, df = self._order, self._entries, self._postings, self._df
            mask = self._mask(filters or SearchFilters())
        words = [w for w in map(self._word_ids.get, index_terms(query)) if w is not None and w < len(df) and df[w]]
        if postings is None or not words or (mask is not None and not mask.any()):
            return []
        scores = postings.score(words, len(order))
        if mask is not None:
            scores *= mask
        n = min(n, len(order))
        head = np.argpartition(scores, -n)[-n:]  # the n best, then best first (as bm25s ranks them)
        ranked = head[np.flip(np.argsort(scores[head]))]
        return [
            replace(entries[order[i]].passage, score=float(scores[i]), signals={})
            for i in ranked.tolist()
            if scores[i] > 0
        ]

    def nearest(self, vector: Sequence[float], n: int, filters: SearchFilters | None = None) -> list[Passage]:
        """The ``n`` passages nearest to ``vector`` (score = cosine similarity), best first; equal
        scores in index order. Over the index as of the last :meth:`refresh`, as :meth:`passage` is
        (retrieval refreshes once per search)."""
        with self._lock:  # the passages and the vectors of one rebuild
            order, entries, vectors = self._order, self._entries, self._vectors
            mask = self._mask(filters or SearchFilters())
        if not order or n <= 0:
            return []
        query = np.asarray(vector, dtype=np.float32)
        similarity = vectors @ (query / max(float(np.linalg.norm(query)), 1e-12))
        allowed = np.arange(len(order)) if mask is None else np.flatnonzero(mask)
        if not len(allowed):
            return []
        n = min(n, len(allowed))
        head = allowed[np.argpartition(-similarity[allowed], n - 1)[:n]] if n < len(allowed) else allowed
        ranked = head[np.lexsort((head, -similarity[head]))]
        return [replace(entries[order[i]].passage, score=float(similarity[i]), signals={}) for i in ranked.tolist()]

    def idf(self, term: str) -> float:
        """Inverse document frequency of a term over the live passages (BM25's formula)."""
        n = len(self._order)
        word = self._word_ids.get(term)
        df = int(self._df[word]) if word is not None and word < len(self._df) else 0
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def coverage(self, query: str, passage: Passage, topic_only: bool = False) -> float:
        """The IDF-weighted share of the query's content terms that a passage (or its title) contains;
        ``topic_only`` leaves out verbs that only ask what was done or said (``ASKING_VERBS``) when
        the question names something else."""
        entry = self._entries.get(passage.chunk_id)
        present = set(entry.tokens) if entry else set(terms(passage.title + "\n" + passage.quote))
        return self.share(query, present, topic_only)

    def share(self, query: str, present: set[str] | str, topic_only: bool = False) -> float:
        """The IDF-weighted share of the query's content terms among ``present`` (terms, or a text's)."""
        present = set(terms(present)) if isinstance(present, str) else present
        query_terms = {t for t in terms(query) if t not in QUESTION_WORDS}
        if topic_only and query_terms - ASKING_TERMS:
            query_terms -= ASKING_TERMS
        if not query_terms:
            return 0.0
        weights = {t: self.idf(t) for t in query_terms}
        total = math.fsum(weights.values()) or 1.0  # fsum: exact, whatever order the set of terms gives
        return math.fsum(w for t, w in weights.items() if t in present) / total

    def passages(self) -> list[Passage]:
        """Every live passage, in index order (after a refresh)."""
        self.refresh()
        return [self._entries[c].passage for c in self._order]

    def passage(self, chunk_id: str) -> Passage | None:
        """A live passage by id, if the index holds it."""
        entry = self._entries.get(chunk_id)
        return entry.passage if entry else None

    def latest(self, n: int, filters: SearchFilters, as_of: date | None = None) -> tuple[list[Passage], int]:
        """The opening passage of each of the ``n`` newest articles under ``filters``, newest first
        (dated articles first; with ``as_of``, none dated after it unless none is dated before it:
        undated articles alone are not the news of a time), and how many articles there were to choose from."""
        self.refresh()
        leads: dict[str, _Entry] = {}
        for entry in self._entries.values():
            p = entry.passage
            if not filters.accepts(entry.published_day, p.source, p.article_id):
                continue
            lead = leads.get(p.article_id)
            if lead is None or p.start < lead.passage.start:
                leads[p.article_id] = entry
        newest = sorted(
            leads.values(),
            key=lambda e: (e.published_day is not None, e.published_day or 0, e.passage.title),
            reverse=True,
        )
        if as_of is not None:
            until = to_day_number(as_of)
            before = [e for e in newest if e.published_day is None or e.published_day <= until]
            if any(e.published_day is not None for e in before) or not any(e.published_day for e in newest):
                newest = before
        return [e.passage for e in newest[:n]], len(newest)

    def vectors_of(self, passages: Sequence[Passage]) -> np.ndarray:
        """The stored vectors of ``passages`` (as of the last :meth:`refresh`), one row each; zeros
        for one deleted since it was read, which is then like no other."""
        with self._lock:
            entries = self._entries
        found = [entries.get(p.chunk_id) for p in passages]
        width = next((len(e.vector) for e in found if e is not None), 0)
        return np.vstack(
            [e.vector if e is not None else np.zeros(width, dtype=np.float32) for e in found]
            or [np.zeros((0, width), dtype=np.float32)]
        ).astype(np.float32)

    def newest(self) -> date | None:
        """The date of the newest dated passage, as of the last refresh; None when none is dated."""
        return self._newest

    def known_sources(self) -> list[str]:
        """The distinct sources of live passages."""
        self.refresh()
        return sorted({s for s in self._sources.tolist() if s})


def _bm25_postings(entries: Sequence[_Entry], n_words: int) -> tuple[_Postings | None, np.ndarray]:
    """BM25 over ``entries`` (their word counts): the postings, and each term id's document
    frequency. Lucene's BM25 as bm25s computes it: idf ``log(1 + (N - df + 0.5) / (df + 0.5))`` in
    float32, times ``tf / (k1 (1 - b + b len / avg len) + tf)`` in float64, stored as float32."""
    if not entries:
        return None, np.zeros(n_words, dtype=np.int64)
    sizes = np.array([len(e.words) for e in entries], dtype=np.int64)
    words = np.concatenate([e.words for e in entries])
    counts = np.concatenate([e.counts for e in entries])
    passages = np.repeat(np.arange(len(entries), dtype=np.int64), sizes)
    bounds = np.zeros(len(entries) + 1, dtype=np.int64)
    np.cumsum(sizes, out=bounds[1:])
    lengths = np.add.reduceat(counts.astype(np.float64), bounds[:-1])  # every occurrence, as bm25s counts
    df = np.bincount(words, minlength=n_words)
    n = len(entries)
    # by document frequency 0..n, with math.log as bm25s takes it (numpy's may differ in the last bit)
    by_df = np.array([math.log(1 + (n - d + 0.5) / (d + 0.5)) for d in range(n + 1)], dtype=np.float32)
    idf = by_df[df]
    norm = _K1 * ((1 - _B) + _B * lengths / lengths.mean())
    scores = (idf[words] * (counts / (norm[passages] + counts))).astype(np.float32)
    # passage by passage to term by term (scipy's transpose keeps each term's passages in index order)
    by_word = sparse.csr_array((scores, words, bounds), shape=(n, n_words)).tocsc()
    return _Postings(by_word.indptr, by_word.indices, by_word.data), df


def index_terms(text: str) -> list[str]:
    """What BM25 indexes: the stemmed content words, and each adjacent pair of them (so names and
    phrases like "white_hous" match as units)."""
    base = terms(text)
    return base + [f"{a}_{b}" for a, b in itertools.pairwise(base)]


def _day(passage: Passage) -> int | None:
    if not passage.published_at:
        return None
    from datetime import date

    from ingest.dates import to_day_number

    try:
        return to_day_number(date.fromisoformat(passage.published_at))
    except ValueError:
        return None
