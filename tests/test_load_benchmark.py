"""benchmarks/load.py against a real server on loopback: it counts, times and reports errors."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import SecretStr

from assistant.api import create_app
from assistant.config import Settings
from assistant.services import Services
from tests.conftest import ROOT
from tests.live_server import live_server


def load_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("load_benchmark", ROOT / "benchmarks" / "load.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_load_runs_mixed_requests_and_reports_percentiles(
    library_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load = load_module()
    questions = tmp_path / "questions.jsonl"
    questions.write_text(
        json.dumps({"question": "What did Medvedev argue?", "asked_on": "2025-06-23"}) + "\n"
        "What did Putin offer to do with Iran's uranium?\n"
    )
    with live_server(create_app(Services(library_settings))) as url:
        code = load.main(["--url", url, "--clients", "3", "--requests", "8", "--questions", str(questions), "--json"])
        summary = json.loads(capsys.readouterr().out)
        assert code == 0
        assert (summary["clients"], summary["requests"], summary["errors"]) == (3, 8, 0)
        assert summary["ask"]["requests"] == summary["search"]["requests"] == 4
        latency = summary["latency"]
        assert 0 < latency["p50"] <= latency["p95"] <= latency["p99"] <= latency["max"]
        assert summary["throughput"] > 0

        assert load.main(["--url", url, "--clients", "2", "--requests", "50", "--duration", "0.5"]) == 0
        table = capsys.readouterr().out
        assert "2 clients" in table and "p95" in table and "errors 0" in table


def test_load_counts_refused_requests_as_errors(library_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    load = load_module()
    keyed = Services(library_settings.model_copy(update={"api_key": SecretStr("k")}))
    with live_server(create_app(keyed)) as url:
        assert load.main(["--url", url, "--clients", "2", "--requests", "4", "--api-key", "wrong", "--json"]) == 1
        summary = json.loads(capsys.readouterr().out)
        assert summary["errors"] == 4 and "HTTP 401" in summary["error_samples"][0]
        assert load.main(["--url", url, "--clients", "2", "--requests", "4", "--api-key", "k", "--json"]) == 0
