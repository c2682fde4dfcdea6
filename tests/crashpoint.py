"""Run the newsdesk CLI and SIGKILL it at a chosen point of a store write (for crash-safety tests).

    python tests/crashpoint.py POINT [newsdesk arguments...]

POINT is where the process kills itself: ``before-commit`` (passages written, article
records not), ``before-cleanup`` (records committed, stale passages not yet deleted),
``mid-delete`` (a record deleted, its passages not yet), or ``none``. ``pause-before-commit``
and ``pause-before-cleanup`` do not die: they create the file ``$NEWSDESK_TEST_PAUSE.paused``
there, and wait for ``$NEWSDESK_TEST_PAUSE.go`` before they go on.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

# Run as a script, this folder comes first on the path, and its test package `tests/assistant` would be
# imported as `assistant` (the real modules then found through the editable install: in a git worktree,
# another checkout's). The checkout this file is in comes first instead.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from assistant.store import ChromaStore  # noqa: E402


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _pause() -> None:
    pause = os.environ["NEWSDESK_TEST_PAUSE"]
    Path(f"{pause}.paused").touch()
    while not Path(f"{pause}.go").exists():
        time.sleep(0.05)


def install(point: str) -> None:
    """Patch the store so the process dies (or pauses) at ``point``."""
    if point in ("before-commit", "pause-before-commit"):
        original = ChromaStore.write_articles
        stop = _die if point == "before-commit" else _pause

        def write_articles(self: ChromaStore, writes: Any) -> None:
            upsert = self.articles.upsert

            def stop_at_records(*args: Any, **kwargs: Any) -> Any:
                if kwargs.get("ids") and kwargs["ids"] != ["__revision__"]:
                    stop()
                return upsert(*args, **kwargs)

            self.articles.upsert = stop_at_records  # type: ignore[method-assign]
            original(self, writes)

        ChromaStore.write_articles = write_articles  # type: ignore[method-assign]
    elif point == "before-cleanup":
        ChromaStore._delete_stale = lambda self, live: _die()  # type: ignore[method-assign, assignment]
    elif point == "mid-delete":
        original_delete = ChromaStore.delete_article

        def delete_article(self: ChromaStore, article_id: str) -> int:
            delete = self.chunks.delete

            def die(*args: Any, **kwargs: Any) -> Any:
                _die()

            self.chunks.delete = die  # type: ignore[method-assign]
            try:
                return original_delete(self, article_id)
            finally:
                self.chunks.delete = delete  # type: ignore[method-assign]

        ChromaStore.delete_article = delete_article  # type: ignore[method-assign]
    elif point == "pause-before-cleanup":
        original_stale = ChromaStore._delete_stale

        def delete_stale(self: ChromaStore, live: Any) -> None:
            _pause()
            original_stale(self, live)

        ChromaStore._delete_stale = delete_stale  # type: ignore[method-assign]
    elif point != "none":
        raise SystemExit(f"unknown crash point {point!r}")


if __name__ == "__main__":
    install(sys.argv[1])
    from assistant.cli import app

    app(sys.argv[2:], prog_name="newsdesk")
