"""A real Chroma server (``chroma run``) on a free loopback port over a temporary folder, for server mode.

The test command runs the store, ingest and ask tests again through it::

    python -m tests.chroma_server pytest tests/ingest/test_pipeline.py   # NEWSDESK_CHROMA_URL set for the command

and the tests that need a server of their own use :func:`chroma_server`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import httpx

STARTS = 3  # another process may take the free port before the server binds it: try again


class ChromaServerError(RuntimeError):
    """The Chroma server did not start."""


def chroma_command() -> str:
    """The ``chroma`` command installed with chromadb (beside this Python, else on PATH)."""
    beside = Path(sys.executable).parent / "chroma"
    found = str(beside) if beside.exists() else shutil.which("chroma")
    if not found:
        raise ChromaServerError("no `chroma` command: install chromadb (`make setup` does)")
    return found


def free_port() -> int:
    """A loopback TCP port nothing listens on (at the moment of asking)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(process: subprocess.Popen[bytes], url: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(15)


@contextmanager
def chroma_server(folder: Path, timeout: float = 60.0) -> Iterator[str]:
    """Run ``chroma run`` on 127.0.0.1 (a free port) storing in ``folder/data``; yields its URL, stops it after."""
    command = chroma_command()
    log_path = folder / "chroma.log"
    for _ in range(STARTS):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                [command, "run", "--path", str(folder / "data"), "--host", "127.0.0.1", "--port", str(port)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            if _wait_until_up(process, url, timeout):
                yield url
                return
        finally:
            _stop(process)
    log_tail = log_path.read_text(errors="replace")[-3000:]
    raise ChromaServerError(f"`chroma run` did not answer its heartbeat after {STARTS} tries; its log:\n{log_tail}")


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def run_with_server(args: Sequence[str]) -> int:
    """Run a command with ``NEWSDESK_CHROMA_URL`` pointing at a fresh server; its exit code."""
    if not args:
        print("usage: python -m tests.chroma_server COMMAND [ARGS...]", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # a stopped run still stops its server
    with tempfile.TemporaryDirectory(prefix="newsdesk-chroma-") as folder, chroma_server(Path(folder)) as url:
        print(f"server mode: NEWSDESK_CHROMA_URL={url} (chroma run --path {folder}/data)", flush=True)
        try:
            return subprocess.run(list(args), env={**os.environ, "NEWSDESK_CHROMA_URL": url}).returncode
        except KeyboardInterrupt:
            return 130


if __name__ == "__main__":
    sys.exit(run_with_server(sys.argv[1:]))
