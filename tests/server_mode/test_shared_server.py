"""Two `newsdesk serve` processes on one Chroma server: what one writes, the other finds; what one deletes, both lose."""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT
from tests.live_server import interrupt

BIN = ROOT / ".venv" / "bin"
SERVING = re.compile(r"newsdesk is serving on (http://\S+)")

CRANE = {
    "title": "Crane Collapses at the Eastport Container Terminal",
    "url": "https://example.com/eastport/crane-collapse",
    "source": "Eastport Gazette",
    "published_at": "2025-06-24",
    "text": "A crane collapsed at the Eastport container terminal on Tuesday night. The crane was operated by "
    "Lena Voss, who climbed out of the cab with minor injuries. Loading at the terminal stopped until Thursday.",
}
BAKERY = {
    "title": "Old Town Bakery Reopens After Fire",
    "url": "https://example.com/oldtown/bakery-reopens",
    "source": "Eastport Gazette",
    "published_at": "2025-06-23",
    "text": "The Old Town bakery reopened on Monday, four months after a fire gutted its kitchen. Queues formed "
    "before dawn for the first loaves.",
}
QUESTION = "Who operated the crane that collapsed at Eastport?"


class Server:
    """One `newsdesk serve --port 0` process, its output in a log file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [str(BIN / "newsdesk"), "serve", "--port", "0"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_for_url(self, timeout: float = 300) -> str:
        """The URL it announces once warmed up; fails if it ends or takes too long."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = SERVING.search(self.log.read_text(errors="replace"))
            if found:
                return found.group(1)
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        pytest.fail(f"newsdesk serve did not announce its URL (exit {self.process.poll()}):\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        """Ctrl+C, as a user stops it; killed if it lingers."""
        interrupt(self.process)


@contextmanager
def serving(chroma_url: str, collection: str, folders: list[Path]) -> Iterator[list[str]]:
    """One `newsdesk serve` per folder (its data dir), all on ``chroma_url`` and ``collection``; yields their URLs."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "OPENAI_"))}
    with ExitStack() as stack:
        servers = []
        for folder in folders:
            env = {
                **base,
                "NEWSDESK_CHROMA_URL": chroma_url,
                "NEWSDESK_COLLECTION": collection,
                "NEWSDESK_DATA_DIR": str(folder / "data"),
            }
            folder.mkdir(parents=True)
            server = Server(env, folder / "serve.log")
            stack.callback(server.stop)
            servers.append(server)
        yield [server.wait_for_url() for server in servers]  # started together, warming up side by side


def ask(url: str, question: str) -> dict[str, Any]:
    reply = httpx.post(f"{url}/v1/ask", json={"question": question}, timeout=120)
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def search_ids(url: str, query: str) -> set[str]:
    reply = httpx.post(f"{url}/v1/search", json={"query": query, "k": 5}, timeout=120)
    assert reply.status_code == 200, reply.text
    return {p["article_id"] for p in reply.json()["passages"]}


def library(url: str) -> list[str]:
    return [a["id"] for a in httpx.get(f"{url}/v1/articles", timeout=60).json()["articles"]]


@pytest.mark.slow
def test_two_api_processes_share_one_chroma_server(chroma_url: str, tmp_path: Path) -> None:
    """A writes, B (warmed up before the write) finds and cites it; B deletes, A (which had it indexed) loses it."""
    collection = "shared" + os.urandom(4).hex()
    with serving(chroma_url, collection, [tmp_path / "a", tmp_path / "b"]) as (a, b):
        assert httpx.get(f"{b}/readyz").json()["articles"] == 0

        added = httpx.post(f"{a}/v1/articles", json=[CRANE, BAKERY], timeout=120)
        assert added.status_code == 200, added.text
        assert added.json()["added"] == 2
        crane_id = next(x["id"] for x in added.json()["articles"] if x["title"] == CRANE["title"])
        assert "Lena Voss" in ask(a, QUESTION)["answer"]  # A's own index holds it now

        assert crane_id in library(b) and len(library(b)) == 2
        assert httpx.get(f"{b}/v1/articles/{crane_id}").json()["text"].startswith("A crane collapsed")
        assert crane_id in search_ids(b, "crane operator Lena Voss")
        reply = ask(b, QUESTION)
        assert "Lena Voss" in reply["answer"] and not reply["refused"], reply["answer"]
        cited = {c["article_id"]: c["n"] for c in reply["citations"]}
        assert crane_id in cited and f"[{cited[crane_id]}]" in reply["answer"]

        deleted = httpx.delete(f"{b}/v1/articles/{crane_id}", timeout=60)
        assert deleted.status_code == 200 and deleted.json()["deleted"] == crane_id

        assert library(a) == library(b) and crane_id not in library(a) and len(library(a)) == 1
        assert httpx.get(f"{a}/v1/articles/{crane_id}").status_code == 404
        assert crane_id not in search_ids(a, "crane operator Lena Voss")
        after = ask(a, QUESTION)
        assert "Lena Voss" not in after["answer"] and crane_id not in {c["article_id"] for c in after["citations"]}
        assert crane_id not in {p["article_id"] for p in after["passages"]}
    for name in ("a", "b"):
        assert not (tmp_path / name / "data" / "chroma").exists()  # the server held everything
