"""Loaders, one per source kind, chosen from a registry by file extension or content.

Each loader turns raw bytes into :class:`~ingest.articles.Article` items, or
:class:`LoadFailure` items for the parts it could not read; a bad part never stops
the rest of a batch.

    >>> for item in load_sources(["examples/articles"], get_settings()):
    ...     print(item)
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from assistant.config import Settings
from assistant.errors import IngestError, UnknownBackendError
from ingest.articles import Article, LoadFailure
from ingest.loaders import html, records, text, web

logger = logging.getLogger(__name__)

LoadItem = Article | LoadFailure
Loader = Callable[[bytes, str, Settings], Iterator[LoadItem]]

LOADERS: dict[str, Loader] = {
    "text": text.load_text,
    "html": html.load_html,
    "json": records.load_json,
    "jsonl": records.load_jsonl,
    "feed": web.load_feed,
}
EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
}


def get_loader(name: str) -> Loader:
    """The loader registered under ``name``."""
    try:
        return LOADERS[name]
    except KeyError:
        raise UnknownBackendError("loader", name, list(LOADERS)) from None


def sniff_kind(data: bytes) -> str:
    """Guess the loader for content with no file name (standard input, uploads)."""
    head = data.lstrip()[:2048].lower()
    if head.startswith((b"{", b"[")):
        first_line = data.lstrip().split(b"\n", 1)[0].strip()
        rest = data.lstrip()[len(first_line) :].strip()
        if head.startswith(b"{") and first_line.endswith(b"}") and rest.startswith(b"{"):
            return "jsonl"
        return "json"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    if head.startswith(b"<"):
        return "html"
    return "text"


def kind_for_name(name: str) -> str | None:
    """The loader name for a file name, or None when the extension is not supported."""
    return EXTENSIONS.get(Path(name).suffix.lower())


def load_bytes(data: bytes, origin: str, settings: Settings, kind: str | None = None) -> Iterator[LoadItem]:
    """Load content already in memory (an upload, standard input, a fetched page)."""
    if len(data) > settings.max_file_bytes:
        yield LoadFailure(
            origin,
            f"too large: {len(data):,} bytes, the limit is {settings.max_file_bytes:,} (NEWSDESK_MAX_FILE_BYTES)",
        )
        return
    loader = get_loader(kind or sniff_kind(data))
    try:
        yield from loader(data, origin, settings)
    except IngestError as exc:
        yield LoadFailure(origin, str(exc))
    except RecursionError:
        yield LoadFailure(origin, "malformed: nested too deeply to read")
    except Exception as exc:  # a loader's bug on one input must not stop the batch
        logger.exception("loading %s failed", origin)
        yield LoadFailure(origin, f"cannot read: {type(exc).__name__}: {exc}")


def _read_limited(stream: BinaryIO, limit: int) -> bytes:
    """Read at most one byte past ``limit`` (enough to tell that it is too large), a megabyte at a time:
    ``read(limit + 1)`` would set aside ``limit`` bytes for every file, however small."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = stream.read(min(1 << 20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def load_path(path: Path, settings: Settings) -> Iterator[LoadItem]:
    """Load a file by its extension, or every supported file under a folder, recursively."""
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and kind_for_name(p.name)
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not files:
            yield LoadFailure(str(path), f"no supported files in folder (extensions: {', '.join(sorted(EXTENSIONS))})")
        for file in files:
            yield from load_path(file, settings)
        return
    origin = str(path)
    kind = kind_for_name(path.name)
    if kind is None:
        yield LoadFailure(
            origin, f"unsupported file type {path.suffix or '(none)'!r}; supported: {', '.join(sorted(EXTENSIONS))}"
        )
        return
    try:
        size = path.stat().st_size
        if size > settings.max_file_bytes:
            yield LoadFailure(
                origin, f"too large: {size:,} bytes, the limit is {settings.max_file_bytes:,} (NEWSDESK_MAX_FILE_BYTES)"
            )
            return
        with path.open("rb") as handle:
            data = _read_limited(handle, settings.max_file_bytes)
    except OSError as exc:
        yield LoadFailure(origin, f"cannot read: {exc.strerror or exc}")
        return
    yield from load_bytes(data, origin, settings, kind)


def load_source(spec: str, settings: Settings, stdin: BinaryIO | None = None) -> Iterator[LoadItem]:
    """Load one command-line source: a file, a folder, an http(s) URL or ``-`` for standard input."""
    if spec == "-":
        stream = stdin or sys.stdin.buffer
        yield from load_bytes(_read_limited(stream, settings.max_file_bytes), "<stdin>", settings)
    elif web.is_url(spec):
        yield from web.load_url(spec, settings)
    else:
        path = Path(os.path.expanduser(spec))
        if not path.exists():
            yield LoadFailure(spec, "no such file or folder")
        else:
            yield from load_path(path, settings)


def load_sources(specs: Iterable[str], settings: Settings, stdin: BinaryIO | None = None) -> Iterator[LoadItem]:
    """Load every source in turn."""
    for spec in specs:
        yield from load_source(spec, settings, stdin)
