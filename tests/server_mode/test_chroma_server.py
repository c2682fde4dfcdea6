"""The helper that gives the test command its Chroma server: up before the command, down after, however it ends."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.chroma_server import chroma_server
from tests.conftest import ROOT

CHILD = """
import os, sys, httpx
url = os.environ["NEWSDESK_CHROMA_URL"]
print("child sees", url)
assert httpx.get(url + "/api/v2/heartbeat").status_code == 200
sys.exit(3)
"""


def heartbeat(url: str) -> int:
    return httpx.get(f"{url}/api/v2/heartbeat", timeout=5).status_code


def test_the_server_answers_inside_the_block_and_is_gone_after_a_failure(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="the block failed"), chroma_server(tmp_path) as url:
        assert url.startswith("http://127.0.0.1:")
        assert heartbeat(url) == 200
        raise RuntimeError("the block failed")
    with pytest.raises(httpx.ConnectError):
        heartbeat(url)
    assert (tmp_path / "data" / "chroma.sqlite3").exists()  # it stored in the folder given


def test_the_command_runs_with_the_server_and_its_exit_code_is_kept() -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "tests.chroma_server", sys.executable, "-c", CHILD],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 3, ran.stderr
    first, second = ran.stdout.splitlines()[:2]
    url = first.split("NEWSDESK_CHROMA_URL=", 1)[1].split()[0]
    assert first.startswith("server mode: ") and second == f"child sees {url}"
    with pytest.raises(httpx.ConnectError):
        heartbeat(url)
