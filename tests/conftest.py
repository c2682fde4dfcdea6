"""Shared fixtures: a real Chroma in a temporary folder, the real embedding model, no network."""

from __future__ import annotations

import json
import os
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings, prepare_environment
from assistant.services import Services

prepare_environment()

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"
SHARED = Path(os.environ.get("NEWSDESK_SHARED_DIR", ROOT.parent / "shared"))
SEED = SHARED / "seed" / "iran-russia-2025-06-23.txt"

_LOOPBACK = ("127.", "::1", "localhost", "0:0:0:0:0:0:0:1")


def _is_loopback(address: object) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    if isinstance(address, tuple) and address:
        host = str(address[0])
        return host.startswith(_LOOPBACK) or host == ""
    return False


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests talk to loopback only: any other connection fails at the socket."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded_connect(self: socket.socket, address: object) -> None:
        if not _is_loopback(address):
            raise ConnectionRefusedError(f"network blocked in tests: {address!r}")
        return real_connect(self, address)  # type: ignore[arg-type]

    def guarded_connect_ex(self: socket.socket, address: object) -> int:
        if not _is_loopback(address):
            raise ConnectionRefusedError(f"network blocked in tests: {address!r}")
        return real_connect_ex(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No developer settings leak into tests (except the Chroma server the test command may start)."""
    for name in list(os.environ):
        if name.startswith(("NEWSDESK_", "OPENAI_")) and name not in ("NEWSDESK_CHROMA_URL", "NEWSDESK_SHARED_DIR"):
            monkeypatch.delenv(name, raising=False)


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Test settings: a private data dir, no .env file, the server mode if the run provides one."""
    values: dict[str, object] = {"data_dir": data_dir, "collection": "t" + os.urandom(4).hex()}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def write_articles(folder: Path, articles: dict[str, tuple[str, str, str]]) -> Path:
    """Markdown articles in ``folder``: file name -> (title, published date, text); the folder. The
    title is quoted, as YAML needs a title holding a colon ("Week in Brief: ...") to be."""
    for name, (title, published, text) in articles.items():
        front = f"---\ntitle: {json.dumps(title)}\npublished: {published}\n---\n"
        (folder / name).write_text(f"{front}{text}\n", encoding="utf-8")
    return folder


def llm_services(settings: Settings, base_url: str, **overrides: object) -> Services:
    """Services on ``settings``' store answering with the ``openai`` answerer at ``base_url`` (a test
    server): no retries, a short timeout."""
    values: dict[str, object] = {
        "openai_base_url": base_url,
        "llm_model": "test-model",
        "llm_timeout": 2.0,
        "llm_max_retries": 0,
    }
    values.update(overrides)
    return Services(settings.model_copy(update=values))


# Three reports of one story (a strike), close in meaning, and a newer story of its own.
STRIKE_REPORTS = {
    "strike-monday.md": (
        "Harwick Bus Drivers Walk Out Over Pay",
        "2026-03-02",
        "Harwick's bus drivers went on strike on Monday over pay, leaving the town without buses.",
    ),
    "strike-tuesday.md": (
        "Harwick Bus Strike Enters Second Day",
        "2026-03-03",
        "The strike by Harwick's bus drivers over pay entered its second day on Tuesday, with no buses running in the town.",
    ),
    "strike-wednesday.md": (
        "Harwick Bus Strike Talks Resume",
        "2026-03-04",
        "Talks to end the Harwick bus drivers' strike over pay resumed on Wednesday as the town went a third day without buses.",
    ),
    "library.md": (
        "Harwick Library Opens a Reading Garden",
        "2026-03-05",
        "The Harwick library opened a reading garden with benches and a small pond on Thursday.",
    ),
}


@pytest.fixture(scope="session", autouse=True)
def _no_lock_files_left() -> Iterator[None]:
    """With a Chroma server, each store's writer lock is a file in the system's temporary folder
    (``assistant.ingest_lock.lock_path``), and each test's store is new: remove the session's."""
    folder = Path(tempfile.gettempdir())
    before = set(folder.glob("newsdesk-ingest-*.lock"))
    yield
    for path in set(folder.glob("newsdesk-ingest-*.lock")) - before:
        path.unlink(missing_ok=True)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on a fresh data dir (and a fresh collection, so server mode stays isolated)."""
    return make_settings(tmp_path / "data")


@pytest.fixture
def services(settings: Settings) -> Iterator[object]:
    """Services over a fresh store."""

    yield Services(settings)


@pytest.fixture
def seed_path() -> Path:
    """The article the project started from."""
    if not SEED.exists():
        pytest.skip(f"seed article not found at {SEED} (set NEWSDESK_SHARED_DIR)")
    return SEED


@pytest.fixture(scope="session")
def library_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a store holding the examples and the seed article, ingested once per session."""

    settings = make_settings(tmp_path_factory.mktemp("library"))
    sources = [str(EXAMPLES)] + ([str(SEED)] if SEED.exists() else [])
    summary = Services(settings).ingest(sources)
    assert not summary.failed, summary.failed
    return settings


@pytest.fixture
def library(library_settings: Settings) -> Services:
    """Services over the shared, already ingested library (read-only: do not write to it)."""

    return Services(library_settings)


def until_logged(caplog: pytest.LogCaptureFixture, text: str, failure: str, timeout: float = 10) -> None:
    """Wait until ``text`` is logged; fail with ``failure`` if it is not within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while text not in caplog.text:
        assert time.monotonic() < deadline, failure
        time.sleep(0.02)
