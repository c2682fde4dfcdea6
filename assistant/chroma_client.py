"""Opening Chroma: a server's ``HttpClient`` when ``NEWSDESK_CHROMA_URL`` is set, else the embedded
``PersistentClient`` in the data folder; and telling a server out of reach from other failures.

    >>> client = open_client(get_settings())
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from assistant.config import Settings
from assistant.errors import ConfigError, StoreError

logger = logging.getLogger(__name__)


def open_client(settings: Settings) -> Any:
    """A Chroma client: ``HttpClient`` when ``chroma_url`` is set, else an embedded ``PersistentClient``."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        parts = urlsplit(settings.chroma_url if "://" in settings.chroma_url else f"http://{settings.chroma_url}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(
                f"NEWSDESK_CHROMA_URL {settings.chroma_url!r} is not an http(s) URL like http://127.0.0.1:8001"
            )
        port = parts.port or (443 if parts.scheme == "https" else 8000)
        try:
            client = chromadb.HttpClient(
                host=parts.hostname, port=port, ssl=parts.scheme == "https", settings=chroma_settings
            )
            client.heartbeat()
        except Exception as exc:
            raise StoreError(
                f"cannot reach the Chroma server at {settings.chroma_url!r} ({exc}); start one with "
                "`chroma run --path DIR --host 127.0.0.1 --port N` or unset NEWSDESK_CHROMA_URL to use the embedded store"
            ) from exc
        logger.info("chroma: server %s", settings.chroma_url)
        return client
    path = settings.chroma_path
    try:
        path.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:
        raise StoreError(f"cannot open the Chroma store in {str(path)!r}: {exc}") from exc
    logger.info("chroma: embedded at %s", path)
    return client


def is_connection_error(exc: BaseException) -> bool:
    """True for a failure to reach the server (refused, reset, timed out), found along the causes."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, (ConnectionError, TimeoutError)) or type(seen).__name__ in (
            "ConnectError",
            "ConnectTimeout",
            "ReadTimeout",
            "RemoteProtocolError",
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
