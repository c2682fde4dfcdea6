"""The README's commands are the contract: they are run here, so they cannot rot."""

from __future__ import annotations

import json
import os
import queue
import re
import shlex
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.assistant.test_evaluation import make_eval_folder
from tests.conftest import ROOT
from tests.live_server import interrupt

README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = ROOT / ".venv" / "bin"


def sh_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, re.S)


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, re.S)


def commands() -> list[str]:
    lines = []
    for block in sh_blocks():
        for line in block.splitlines():
            command = line.split("  #", 1)[0].strip()
            if command:
                lines.append(command)
    return lines


def test_two_commands_open_the_readme() -> None:
    run, test = sh_blocks()[:2]
    assert run.strip() == "make run"
    assert test.strip() == "make test"


def test_ci_runs_the_readme_test_command_exactly() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    test_command = sh_blocks()[1].strip()
    assert test_command in [line.strip() for line in ci.splitlines()]
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "OPENAI_"))}
    env["NEWSDESK_DATA_DIR"] = str(data_dir)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Running:
    """A command started in its own process group, its output collected line by line."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output = ""
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 900) -> str:
        """The output up to the line holding ``text``; fails if the command ends first."""
        deadline = time.monotonic() + timeout
        while text not in self.output:
            try:
                self.output += self.lines.get(timeout=1)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    pytest.fail(f"the command ended (code {self.process.returncode}) before {text!r}:\n{self.output}")
                if time.monotonic() > deadline:
                    pytest.fail(f"no {text!r} after {timeout} s:\n{self.output}")
        return self.output

    def stop(self) -> None:
        """Ctrl+C to the command's own process group, as a user would stop it."""
        interrupt(self.process)


@contextmanager
def running(args: list[str], env: dict[str, str]) -> Iterator[Running]:
    command = Running(args, env)
    try:
        yield command
    finally:
        command.stop()


@pytest.mark.slow
def test_main_command_runs_on_its_own(tmp_path: Path) -> None:
    """`make run` sets up, ingests the examples and serves; a newcomer's question gets a cited answer."""
    env = _env(tmp_path / "data")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running(["make", "run", f"PORT={port}"], env) as make_run:
        output = make_run.wait_for(f"newsdesk is serving on {url}")
        assert "added 8, updated 0, unchanged 0, failed 0" in output
        assert f"chat UI:  {url}/" in make_run.wait_for("Ctrl+C stops it.")
        assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
        assert httpx.get(f"{url}/readyz").json()["articles"] == 8
        reply = httpx.post(f"{url}/v1/ask", json={"question": "What did Medvedev argue?"}, timeout=120).json()
        assert "Medvedev" in reply["answer"]
        cited = {c["title"]: c["n"] for c in reply["citations"]}
        assert f"[{cited['Medvedev Says U.S. Strikes Left Khamenei Stronger']}]" in reply["answer"]
        assert httpx.get(f"{url}/", timeout=60).status_code == 200  # the chat UI (the browser tests drive it)
        assert httpx.get(f"{url}/config", timeout=60).json()["title"] == "newsdesk"
        assert "/v1/ask" in httpx.get(f"{url}/openapi.json").json()["paths"]
        assert httpx.get(f"{url}/docs").status_code == 200
    with running(["make", "run", f"PORT={port}"], env) as again:
        assert "added 0, updated 0, unchanged 8, failed 0" in again.wait_for(f"newsdesk is serving on {url}")


def readme_serving_commands() -> list[str]:
    return [c for c in commands() if c.startswith("curl ")]


@pytest.mark.slow
def test_serving_examples_in_the_readme_run(tmp_path: Path) -> None:
    """The README's curl commands and OpenAI-client example, against `newsdesk serve` over the examples."""
    env = _env(tmp_path / "data")
    ingest = subprocess.run(["newsdesk", "ingest", "examples/"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert ingest.returncode == 0, ingest.stderr
    port = free_port()
    local = f"127.0.0.1:{port}"
    with running(["newsdesk", "serve", "--port", str(port)], env) as server:
        server.wait_for(f"newsdesk is serving on http://{local}")
        results = {}
        for command in readme_serving_commands():
            assert "127.0.0.1:8000" in command
            result = subprocess.run(
                command.replace("127.0.0.1:8000", local),
                shell=True,
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert result.returncode == 0 and result.stdout, f"{command}: {result.stderr}"
            results[command] = result.stdout
        assert len(results) >= 7
        for command, out in results.items():
            if '"stream": true' in command:
                events = re.findall(r"^event: (\w+)$", out, re.M)
                assert events[-1] == "answer" and set(events[:-1]) == {"delta"}, out[:500]
                continue
            body = json.loads(out)
            assert "error" not in body, f"{command}: {body}"
            if "/v1/ask" in command:
                assert "Medvedev" in body["answer"] and body["citations"]
            elif "/v1/search" in command:
                assert body["passages"][0]["title"] == "Putin Offers to Mediate and to Hold Iran's Uranium"
            elif "-F file=" in command:
                assert body["unchanged"] == 1
            elif "Riverside Tram Line Opens" in command:
                assert body["added"] == 1
            elif "limit=5" in command:
                assert body["total"] == 9 and len(body["articles"]) == 5
            elif "/readyz" in command:
                assert body["status"] == "ready"

        (example,) = python_blocks()
        assert "127.0.0.1:8000" in example
        ran = subprocess.run(
            [sys.executable, "-c", example.replace("127.0.0.1:8000", local)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert ran.returncode == 0, ran.stderr
        assert "Medvedev" in ran.stdout
        assert "'https://example.com/world/2025/06/22/medvedev-strikes-khamenei'" in ran.stdout


@pytest.mark.slow
def test_usage_commands_in_the_readme_run(tmp_path: Path) -> None:
    """Every documented newsdesk command that needs no internet, in order, against one store."""
    env = _env(tmp_path / "data")
    ran = 0
    for command in commands():
        if "newsdesk" not in command or "https://" in command or command.startswith(("curl ", "newsdesk serve")):
            continue  # make targets and the serving examples are run above; URLs need the internet (URL ingest is tested on loopback)
        if "realtimeqa-dev" in command:  # the real set takes minutes to ingest: the same command on a small folder
            command = command.replace("../shared/bench/realtimeqa-dev", str(make_eval_folder(tmp_path / "eval")))
        if " ID" in command:
            listing = subprocess.run(
                ["newsdesk", "sources", "list", "--json"], cwd=ROOT, env=env, capture_output=True, text=True
            )
            article_id = json.loads(listing.stdout)[0]["id"]
            command = command.replace(" ID", f" {shlex.quote(article_id)}")
        result = subprocess.run(command, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"{command}: {result.stderr[-2000:]}"
        ran += 1
    assert ran >= 8


def test_every_setting_in_the_configuration_table_exists() -> None:
    """Each `NEWSDESK_...` name in the table (shorthand `_X` repeats the row's prefix) is a setting, with its default."""
    from assistant.config import Settings

    section = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert len(rows) >= 15
    fields = Settings.model_fields
    named = set()
    for row in rows:
        for name in re.findall(r"`((?:NEWSDESK_)?_?[A-Z][A-Z_]+)`", row.split("|")[1]):
            if name.startswith("OPENAI_"):
                name = "NEWSDESK_" + name
            elif name.startswith("_"):
                name = "NEWSDESK" + name
            field = name.removeprefix("NEWSDESK_").lower()
            assert field in fields, f"README names {name}, which is no setting"
            named.add(field)
    assert set(fields) <= named, f"settings missing from the README: {sorted(set(fields) - named)}"
