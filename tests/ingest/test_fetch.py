"""URL fetching safety: public addresses only (unless allowed), checked after DNS and on every redirect,
http(s) only, bounded size, time and redirects; the same through the CLI, the API and the UI's path."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.api import create_app
from assistant.cli import app
from assistant.errors import FetchError
from assistant.services import Services
from assistant.uploads import load_urls
from ingest.articles import LoadFailure
from ingest.fetch import fetch_url, resolve_checked
from tests.conftest import make_settings
from tests.httpserver import Route, serve_routes

PAGE = (
    b"<html><head><title>Quay Works</title></head><body><article><h1>Quay Works Begin</h1>"
    b"<p>Work on the quay began on Monday and will last until the autumn, the harbour board said.</p></article></body></html>"
)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost/",
        "http://[::1]/",
        "http://10.0.0.8/",
        "http://192.168.1.1/",
        "http://172.16.4.2/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/",
        "http://metadata.google.internal/",
        "http://[fd00:ec2::254]/",
        "http://100.64.0.1/",
    ],
)
def test_internal_addresses_are_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(FetchError, match="refusing to fetch"):
        fetch_url(url, make_settings(tmp_path))


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/x", "gopher://example.com/", "javascript:alert(1)"]
)
def test_only_http_and_https(tmp_path: Path, url: str) -> None:
    with pytest.raises(FetchError, match=r"only http and https|not a URL"):
        fetch_url(url, make_settings(tmp_path))


def test_hostname_checked_after_dns_resolution(tmp_path: Path) -> None:
    """A name is judged by the addresses it resolves to, not by how it looks."""
    with pytest.raises(FetchError, match=re.escape("resolves to 127.0.0.1")):
        resolve_checked("localhost", 80, make_settings(tmp_path))
    assert resolve_checked("localhost", 80, make_settings(tmp_path, fetch_allow_hosts=["localhost"]))


def test_allow_list_lets_chosen_hosts_through(tmp_path: Path) -> None:
    with serve_routes({"/page": Route(PAGE)}) as base:
        fetched = fetch_url(f"{base}/page", make_settings(tmp_path, fetch_allow_hosts=["127.0.0.1"]))
    assert b"Quay Works" in fetched.body


def test_every_redirect_is_checked(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, fetch_allow_hosts=["127.0.0.1"])
    routes = {
        "/to-metadata": Route(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}),
        "/to-localhost": Route(status=301, headers={"Location": "/page"}),
        "/page": Route(PAGE),
    }
    with serve_routes(routes) as base:
        routes["/to-name"] = Route(status=302, headers={"Location": base.replace("127.0.0.1", "localhost") + "/page"})
        with pytest.raises(FetchError, match=re.escape("169.254.169.254")):
            fetch_url(f"{base}/to-metadata", settings)
        with pytest.raises(FetchError, match="'localhost'"):
            fetch_url(f"{base}/to-name", settings)  # same machine by another name: not on the allow list
        assert fetch_url(f"{base}/to-localhost", settings).url == f"{base}/page"


def test_redirects_size_and_time_are_bounded(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path, fetch_allow_hosts=["127.0.0.1"], fetch_max_redirects=3, fetch_max_bytes=10_000, fetch_timeout=1.5
    )
    routes = {f"/loop{i}": Route(status=302, headers={"Location": f"/loop{i + 1}"}) for i in range(10)}
    routes["/big"] = Route(b"x" * 50_000)
    with serve_routes(routes) as base, slow_server() as slow:
        with pytest.raises(FetchError, match="too many redirects"):
            fetch_url(f"{base}/loop0", settings)
        with pytest.raises(FetchError, match="too large"):
            fetch_url(f"{base}/big", settings)
        started = time.monotonic()
        with pytest.raises(FetchError, match="timed out"):
            fetch_url(slow, settings)
        assert time.monotonic() - started < 10


@contextmanager
def slow_server() -> Iterator[str]:
    """A server that sends its body one byte a second, forever (a slow-loris page)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(60):
                    self.wfile.write(b"<")
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_same_rules_for_cli_api_and_ui(tmp_path: Path) -> None:
    with serve_routes({"/page": Route(PAGE)}) as base:
        url = f"{base}/page"
        cli = CliRunner().invoke(app, ["--data-dir", str(tmp_path / "cli"), "ingest", url, "--json"])
        assert cli.exit_code == 1
        assert "refusing to fetch" in json.loads(cli.stdout)["failed"][0]["error"]

        client = TestClient(create_app(Services(make_settings(tmp_path / "api"))))
        response = client.post("/v1/articles", json={"url": url})
        assert response.status_code == 422  # nothing was ingested
        assert "refusing to fetch" in response.json()["error"]["message"]
        assert client.post("/v1/articles", json={"url": "file:///etc/passwd"}).status_code in (400, 422)

        [ui] = list(load_urls([url], make_settings(tmp_path / "ui")))  # what the UI's Ingest tab calls
        assert isinstance(ui, LoadFailure) and "refusing to fetch" in ui.error
        [ok] = [i for i in load_urls([url], make_settings(tmp_path / "ui", fetch_allow_hosts=["127.0.0.1"]))]
        assert not isinstance(ok, LoadFailure) and ok.title == "Quay Works Begin"
