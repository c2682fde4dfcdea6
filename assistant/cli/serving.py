"""The serve command: the HTTP API and the chat UI in one process."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from assistant.cli.app import app, err, fail, out, services
from assistant.errors import NewsdeskError


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option("--host", help="Address to listen on (NEWSDESK_HOST, default 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(
            "--port", min=0, max=65535, help="Port to listen on; 0 picks a free one (NEWSDESK_PORT, default 8000)."
        ),
    ] = None,
    allow_public: Annotated[
        bool,
        typer.Option(
            "--allow-public", help="Serve beyond this machine even without NEWSDESK_API_KEY (anyone may use it)."
        ),
    ] = False,
    follow: Annotated[
        list[str] | None,
        typer.Option(
            "--follow",
            metavar="SOURCE",
            help="A feed, page or folder to ingest again on a schedule while serving (repeatable; NEWSDESK_FOLLOW).",
        ),
    ] = None,
    every: Annotated[
        str | None,
        typer.Option(
            "--every",
            metavar="INTERVAL",
            help="How often to check them: 900, 90s, 15m, 2h (NEWSDESK_FOLLOW_EVERY, default 15m).",
        ),
    ] = None,
) -> None:
    """Serve the HTTP API and the chat UI in one process, and print the URL."""
    from assistant.cli.app import override
    from assistant.serve import serve as run_server

    if follow:
        override(follow=follow)
    if every:
        override(follow_every=every)
    settings = services().settings
    verbose = logging.getLogger().getEffectiveLevel() <= logging.INFO
    try:
        run_server(
            services(),
            host or settings.host,
            settings.port if port is None else port,
            allow_public=allow_public,
            announce=lambda line: out.print(line, markup=False, highlight=False),
            status=lambda line: err.print(line, markup=False, highlight=False),
            log_level="info" if verbose else "warning",
        )
    except NewsdeskError as exc:
        raise fail(str(exc)) from None
