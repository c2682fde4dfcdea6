"""Commands over the library: ingest, sources list/show/delete, config."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from assistant.cli.app import app, err, fail, out, print_json, services, sources_app
from assistant.errors import NewsdeskError, NotFoundError
from assistant.records import counted, find_articles


@app.command()
def ingest(
    sources: Annotated[
        list[str], typer.Argument(help="Files, folders, http(s) URLs of pages or feeds, or - for stdin.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object.")] = False,
    every: Annotated[
        str | None,
        typer.Option(
            "--every",
            metavar="INTERVAL",
            help="Follow: ingest the sources again every INTERVAL (900, 90s, 15m, 2h, 1d) until Ctrl+C; "
            "one line (or JSON object) per check.",
        ),
    ] = None,
) -> None:
    """Ingest articles; unchanged ones are skipped, changed ones replaced."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    if every is not None:
        _follow(sources, every, as_json)
        return

    show_bar = not as_json and err.is_terminal
    try:
        if show_bar:
            with Progress(
                TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
            ) as bar:
                task = bar.add_task("ingest", total=None)
                summary = services().ingest(
                    sources, progress=lambda done, total: bar.update(task, completed=done, total=total)
                )
        else:
            summary = services().ingest(sources)
    except NewsdeskError as exc:
        raise fail(str(exc)) from None
    result = summary.to_dict()
    if as_json:
        print_json(result)
    else:
        out.print(
            f"added {result['added']}, updated {result['updated']}, unchanged {result['unchanged']}, "
            f"failed {len(result['failed'])}; {counted(result['chunks'], 'chunk')} written in {result['seconds']:.1f} s",
            highlight=False,
        )
        for failure in result["failed"]:
            err.print(f"  failed: {failure['source']}: {failure['error']}", highlight=False, markup=False)
        for warning in result["warnings"]:
            err.print(f"  warning: {warning['source']}: {warning['warning']}", highlight=False, markup=False)
    if result["failed"]:
        raise typer.Exit(1)


@sources_app.command("list")
def sources_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print the article records as a JSON list.")] = False,
    find: Annotated[
        str,
        typer.Option(
            "--find",
            help="Only articles where each word begins a word of the title, source or date, or (6+ characters) the id.",
        ),
    ] = "",
) -> None:
    """List stored articles, newest first: title, source, date, chunks."""
    try:
        stored = services().store.list_articles()
    except NewsdeskError as exc:
        raise fail(str(exc)) from None
    records = find_articles(stored, find)
    if as_json:
        print_json([r.to_dict() for r in records])
        return
    if not stored:
        out.print("No articles yet. Add some with: newsdesk ingest PATH_OR_URL")
        return
    if not records:
        out.print(f"No article matches {find.strip()!r}.", markup=False, highlight=False)
        return
    table = Table("id", "title", "source", "date", "chunks")
    for r in records:
        table.add_row(r.id, escape(r.title), escape(r.source or ""), r.published_at or "", str(r.chunk_count))
    out.print(table)
    out.print(
        f"{len(records)} of {counted(len(stored), 'article')}" if find.strip() else counted(len(records), "article")
    )


@sources_app.command("show")
def sources_show(
    article_id: Annotated[str, typer.Argument(metavar="ID")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show one article's record and text."""
    try:
        store = services().store
        record = store.get_article(article_id)
        text = store.get_article_text(article_id)
    except NotFoundError as exc:
        raise fail(str(exc), 1) from None
    except NewsdeskError as exc:
        raise fail(str(exc)) from None
    if as_json:
        print_json({**record.to_dict(), "text": text})
        return
    for key, value in record.to_dict().items():
        shown = ", ".join(value) if isinstance(value, list) else "" if value is None else str(value)
        out.print(f"[bold]{key}:[/] {escape(shown)}", highlight=False)  # a title's "[video]" is text, not markup
    out.print()
    out.print(text, markup=False, highlight=False)


@sources_app.command("delete")
def sources_delete(article_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """Delete an article and its passages."""
    try:
        removed = services().store.delete_article(article_id)
    except NotFoundError as exc:
        raise fail(str(exc), 1) from None
    except NewsdeskError as exc:
        raise fail(str(exc)) from None
    out.print(f"deleted {article_id} ({removed} chunks)", highlight=False)


@app.command("config")
def show_config(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Print the effective settings (secrets masked)."""
    values = services().settings.masked()
    if as_json:
        print_json(values)
        return
    for key, value in values.items():
        out.print(f"{key} = {value}", highlight=False, markup=False)


def _follow(sources: list[str], every: str, as_json: bool) -> None:
    """``ingest --every``: check the sources now and then every interval, until interrupted."""
    import time

    from assistant.follow import FollowCheck, Follower, describe, parse_interval

    if "-" in sources:
        raise fail("standard input cannot be followed: name files, folders or URLs")
    try:
        interval = parse_interval(every)
    except NewsdeskError as exc:
        raise fail(str(exc)) from None

    def show(check: FollowCheck) -> None:
        if as_json:
            print_json(check.to_dict())
            return
        out.print(describe(check), highlight=False, markup=False)
        for failure in (check.summary or {}).get("failed", []):
            err.print(f"  failed: {failure['source']}: {failure['error']}", highlight=False, markup=False)

    follower = Follower(services(), sources, interval, on_check=show)
    if not as_json:
        err.print(f"following {len(sources)} source(s) every {every}; Ctrl+C stops", highlight=False, markup=False)
    try:
        while True:
            follower.check()
            time.sleep(interval)
    except KeyboardInterrupt:
        if not as_json:
            err.print("stopped following", highlight=False, markup=False)
