"""The Typer application, its shared options and helpers; the commands live beside it."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any, ClassVar

import typer
from rich.console import Console
from rich.markup import escape

from assistant.config import Settings
from assistant.services import Services

app = typer.Typer(
    help="newsdesk: ask questions of news articles, get answers with citations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
sources_app = typer.Typer(help="List, show and delete stored articles.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")

out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 240)
err = Console(stderr=True, soft_wrap=True)  # messages are not broken mid-path: a suggested command stays pasteable


class _State:
    overrides: ClassVar[dict[str, Any]] = {}
    services: Services | None = None


def services() -> Services:
    """The Services for this invocation (settings with command-line overrides)."""
    if _State.services is None:
        try:
            settings = Settings(**_State.overrides)
        except Exception as exc:
            fail(f"invalid settings: {exc}")
        _State.services = Services(settings)
    return _State.services


def override(**settings: Any) -> None:
    """Command-line values for settings, before the services are built."""
    _State.overrides.update(settings)
    _State.services = None


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print an error and exit with ``code``."""
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)  # a path's "[1]" is text
    raise typer.Exit(code)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")


@app.callback()
def main(
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where everything is stored (NEWSDESK_DATA_DIR).")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens.")] = False,
) -> None:
    """newsdesk: ask questions of news articles, get answers with citations."""
    _State.overrides = {"data_dir": data_dir} if data_dir else {}
    _State.services = None
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
