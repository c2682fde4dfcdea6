"""``newsdesk serve``: one uvicorn process with the HTTP API and the chat UI, both over the same services.

    >>> app = create_server_app(Services(get_settings()))   # the API, the UI mounted at /
    >>> serve(services, host="127.0.0.1", port=8000, announce=print)

The services are warmed up (store opened, embedding model and indexes loaded) before
the socket is bound, so the URL is announced once the first question will be fast.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from assistant.api import create_app
from assistant.api.health import Readiness
from assistant.api.security import api_key_of, check_bind_address, key_matches
from assistant.errors import ConfigError
from assistant.services import Services

logger = logging.getLogger(__name__)


def create_server_app(services: Services) -> FastAPI:
    """The API with the Gradio UI mounted at ``/`` (behind the API key as its password, when one is set)."""
    import gradio as gr

    from assistant.ui import CSS, HEAD, build_ui

    app = create_app(services)
    key = api_key_of(services.settings)
    auth = (lambda _user, password: key_matches(password, key)) if key else None
    return gr.mount_gradio_app(
        app,
        build_ui(services, app.state.follower),
        path="/",
        auth=auth,
        auth_message="Enter the server's API key (NEWSDESK_API_KEY) as the password; any user name." if key else None,
        max_file_size=services.settings.max_upload_bytes,
        footer_links=[],
        run_history=False,
        ssr_mode=False,
        css=CSS,
        head=HEAD,
    )


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: a free one)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ConfigError(f"cannot resolve host {host!r}: {exc.strerror}") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another port with --port"
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    """The http URL a bound socket serves."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve(
    services: Services,
    host: str,
    port: int,
    allow_public: bool = False,
    announce: Callable[[str], None] = lambda _: None,
    status: Callable[[str], None] = lambda _: None,
    log_level: str = "warning",
) -> None:
    """Warm up, bind, ``announce`` the URL, then serve the API and the UI until interrupted."""
    check_bind_address(host, services.settings, allow_public)
    sock = bind_socket(host, port)  # first: a port in use is said at once, not after the warm-up
    try:
        app = create_server_app(services)
        readiness: Readiness = app.state.readiness
        status("loading the embedding model and the indexes…")
        readiness.warm_up()
        url = url_of(sock)
        following = ""
        if app.state.follower:
            settings = services.settings
            following = f"  following {len(settings.follow)} source(s) every {settings.follow_every}: {url}/v1/follow\n"
        announce(
            f"newsdesk is serving on {url}\n  chat UI:  {url}/\n  API docs: {url}/docs\n{following}Ctrl+C stops it."
        )
        config = uvicorn.Config(app, log_level=log_level, access_log=log_level == "info", timeout_graceful_shutdown=5)
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
