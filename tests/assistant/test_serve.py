"""`newsdesk serve`: where it may listen, and how it reports a port it cannot have."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from assistant.api.security import check_bind_address, is_loopback
from assistant.cli import app
from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.serve import bind_socket, serve, url_of
from assistant.services import Services

runner = CliRunner()


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LOCALHOST", "api.localhost"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "10.0.0.1", "example.com", ""])
def test_other_hosts_are_not_loopback(host: str) -> None:
    assert not is_loopback(host)


def test_public_bind_needs_a_key_or_an_explicit_flag(settings: Settings) -> None:
    with pytest.raises(ConfigError, match=r"refusing to serve on '0\.0\.0\.0' without an API key"):
        check_bind_address("0.0.0.0", settings, allow_public=False)
    check_bind_address("0.0.0.0", settings, allow_public=True)
    check_bind_address("0.0.0.0", settings.model_copy(update={"api_key": SecretStr("k")}), allow_public=False)
    with pytest.raises(ConfigError):  # an empty key is no key
        check_bind_address("0.0.0.0", settings.model_copy(update={"api_key": SecretStr("")}), allow_public=False)
    check_bind_address("127.0.0.1", settings, allow_public=False)


def test_serve_command_refuses_a_public_address_without_a_key(settings: Settings) -> None:
    result = runner.invoke(
        app,
        ["--data-dir", str(settings.data_dir), "serve", "--host", "0.0.0.0", "--port", "0"],
        env={"NEWSDESK_COLLECTION": settings.collection},
    )
    assert result.exit_code == 2
    assert "refusing to serve on '0.0.0.0' without an API key" in result.stderr
    assert "--allow-public" in result.stderr and "NEWSDESK_API_KEY" in result.stderr


def test_a_taken_port_is_a_clear_error() -> None:
    first = bind_socket("127.0.0.1", 0)
    try:
        port = first.getsockname()[1]
        assert url_of(first) == f"http://127.0.0.1:{port}"
        with pytest.raises(ConfigError, match=f"cannot listen on 127.0.0.1:{port}: .*choose another port with --port"):
            bind_socket("127.0.0.1", port)
    finally:
        first.close()


def test_a_taken_port_is_said_before_the_models_load(settings: Settings) -> None:
    first = bind_socket("127.0.0.1", 0)
    said: list[str] = []
    try:
        with pytest.raises(ConfigError, match="cannot listen on"):
            serve(Services(settings), "127.0.0.1", first.getsockname()[1], status=said.append)
    finally:
        first.close()
    assert said == []  # no "loading the embedding model..." first: the error comes at once


@pytest.mark.parametrize("port", ["65536", "188132", "-1"])
def test_serve_command_refuses_a_port_out_of_range(settings: Settings, port: str) -> None:
    result = runner.invoke(app, ["--data-dir", str(settings.data_dir), "serve", "--port", port])
    assert result.exit_code == 2
    assert "Invalid value for '--port'" in result.stderr and (
        "65535" in result.stderr or "than or equal to 0" in result.stderr
    )
