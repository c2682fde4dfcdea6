"""The README's commands are the contract: they are run here, so they cannot rot."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = ROOT / ".venv" / "bin"


def sh_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, re.S)


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


@pytest.mark.slow
def test_main_command_runs_on_its_own(tmp_path: Path) -> None:
    result = subprocess.run(
        ["make", "run"], cwd=ROOT, env=_env(tmp_path / "data"), capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "added 8, updated 0, unchanged 0, failed 0" in result.stdout
    assert "Medvedev Says U.S. Strikes Left Khamenei Stronger" in result.stdout
    again = subprocess.run(
        ["make", "run"], cwd=ROOT, env=_env(tmp_path / "data"), capture_output=True, text=True, timeout=900
    )
    assert "added 0, updated 0, unchanged 8, failed 0" in again.stdout


@pytest.mark.slow
def test_usage_commands_in_the_readme_run(tmp_path: Path) -> None:
    """Every documented newsdesk command that needs no internet, in order, against one store."""
    env = _env(tmp_path / "data")
    ran = 0
    for command in commands():
        if "newsdesk" not in command or "https://" in command:
            continue  # make targets are run above; URLs need the internet (URL ingest is tested on loopback)
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
