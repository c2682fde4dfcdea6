"""The ``newsdesk`` command: a thin shell over the same functions the API and UI call.

Exit codes: 0 when everything asked for was done; 1 when some sources failed to ingest
(the rest were stored) or a check found problems; 2 for a usage, configuration or
store error (nothing was changed).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any, ClassVar

import typer
from rich.console import Console
from rich.table import Table

from assistant.config import Settings
from assistant.errors import NewsdeskError, NotFoundError
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
err = Console(stderr=True)


class _State:
    overrides: ClassVar[dict[str, Any]] = {}
    services: Services | None = None


def services() -> Services:
    """The Services for this invocation (settings with command-line overrides)."""
    if _State.services is None:
        try:
            settings = Settings(**_State.overrides)
        except Exception as exc:
            _fail(f"invalid settings: {exc}")
        _State.services = Services(settings)
    return _State.services


def _fail(message: str, code: int = 2) -> typer.Exit:
    """Print an error and exit with ``code``."""
    err.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    raise typer.Exit(code)


def _print_json(value: Any) -> None:
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


@app.command()
def ingest(
    sources: Annotated[
        list[str], typer.Argument(help="Files, folders, http(s) URLs of pages or feeds, or - for stdin.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object.")] = False,
) -> None:
    """Ingest articles; unchanged ones are skipped, changed ones replaced."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

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
        raise _fail(str(exc)) from None
    result = summary.to_dict()
    if as_json:
        _print_json(result)
    else:
        out.print(
            f"added {result['added']}, updated {result['updated']}, unchanged {result['unchanged']}, "
            f"failed {len(result['failed'])}; {result['chunks']} chunks written in {result['seconds']:.1f} s",
            highlight=False,
        )
        for failure in result["failed"]:
            err.print(f"  failed: {failure['source']}: {failure['error']}", highlight=False, markup=False)
    if result["failed"]:
        raise typer.Exit(1)


@sources_app.command("list")
def sources_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print the article records as a JSON list.")] = False,
) -> None:
    """List stored articles: title, source, date, chunks."""
    try:
        records = services().store.list_articles()
    except NewsdeskError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        _print_json([r.to_dict() for r in records])
        return
    if not records:
        out.print("No articles yet. Add some with: newsdesk ingest PATH_OR_URL")
        return
    table = Table("id", "title", "source", "date", "chunks")
    for r in records:
        table.add_row(r.id, r.title, r.source or "", r.published_at or "", str(r.chunk_count))
    out.print(table)
    out.print(f"{len(records)} articles")


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
        raise _fail(str(exc), 1) from None
    except NewsdeskError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        _print_json({**record.to_dict(), "text": text})
        return
    for key, value in record.to_dict().items():
        out.print(f"[bold]{key}:[/] {', '.join(value) if isinstance(value, list) else value}", highlight=False)
    out.print()
    out.print(text, markup=False, highlight=False)


@sources_app.command("delete")
def sources_delete(article_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """Delete an article and its passages."""
    try:
        removed = services().store.delete_article(article_id)
    except NotFoundError as exc:
        raise _fail(str(exc), 1) from None
    except NewsdeskError as exc:
        raise _fail(str(exc)) from None
    out.print(f"deleted {article_id} ({removed} chunks)", highlight=False)


@app.command("config")
def show_config(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Print the effective settings (secrets masked)."""
    values = services().settings.masked()
    if as_json:
        _print_json(values)
        return
    for key, value in values.items():
        out.print(f"{key} = {value}", highlight=False, markup=False)


def _print_sources(result: Any) -> None:
    if not result.citations:
        return
    out.print("\nSources:", style="bold")
    for citation in result.citations:
        p = citation.passage
        meta = ", ".join(x for x in (p.source, p.published_at) if x)
        line = f"[{citation.n}] {p.title}" + (f" ({meta})" if meta else "") + (f" {p.url}" if p.url else "")
        out.print(line, markup=False, highlight=False)


def _print_answer(result: Any) -> None:
    for note in result.notes:
        err.print(f"note: {note}", markup=False, highlight=False)
    if result.date_range:
        err.print(f"dates: {result.date_range['since']} to {result.date_range['until']}", highlight=False)
    _print_sources(result)
    for check in result.unsupported:
        err.print(f"unsupported: {check.sentence!r}", markup=False, highlight=False)


def _ask_options(
    k: int | None,
    since: str | None,
    until: str | None,
    as_of: str | None,
    source: list[str] | None,
    answerer: str | None,
) -> dict[str, Any]:
    return {"k": k, "since": since, "until": until, "as_of": as_of, "source": source or None, "answerer": answerer}


KOption = Annotated[int | None, typer.Option("--k", help="How many passages to retrieve.")]
SinceOption = Annotated[str | None, typer.Option("--since", help="Only articles published on or after (YYYY-MM-DD).")]
UntilOption = Annotated[str | None, typer.Option("--until", help="Only articles published on or before (YYYY-MM-DD).")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="The date 'this week', 'yesterday'... are seen from.")]
SourceOption = Annotated[list[str] | None, typer.Option("--source", help="Only this source (repeatable).")]
AnswererOption = Annotated[str | None, typer.Option("--answerer", help="extractive or openai (NEWSDESK_ANSWERER).")]


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question.")],
    k: KOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_of: AsOfOption = None,
    source: SourceOption = None,
    answerer: AnswererOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as one JSON object.")] = False,
) -> None:
    """Answer a question from the stored articles, with numbered citations."""
    from assistant.chain import answer

    try:
        result = answer(question, services=services(), **_ask_options(k, since, until, as_of, source, answerer))
    except NewsdeskError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        _print_json(result.to_dict())
        return
    out.print(result.answer, markup=False, highlight=False)
    _print_answer(result)


@app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: KOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_of: AsOfOption = None,
    source: SourceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the passages as JSON.")] = False,
) -> None:
    """Print the passages that best match a query, ranked."""
    from assistant.chain import search

    try:
        result = search(query, k=k, since=since, until=until, source=source or None, as_of=as_of, services=services())
    except NewsdeskError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        _print_json(
            {
                "query": result.query,
                "date_range": result.timeframe.to_dict() if result.timeframe else None,
                "notes": result.notes,
                "passages": [p.to_dict() for p in result.passages],
            }
        )
        return
    for note in result.notes:
        err.print(f"note: {note}", markup=False, highlight=False)
    if not result.passages:
        out.print("No passages found.")
    for rank, p in enumerate(result.passages, start=1):
        meta = ", ".join(x for x in (p.source, p.published_at) if x)
        out.print(
            f"{rank}. {p.title}" + (f" ({meta})" if meta else "") + f"  score {p.score:.4f}",
            style="bold",
            markup=False,
            highlight=False,
        )
        out.print(f"   {p.quote}", markup=False, highlight=False)


@app.command()
def chat(
    k: KOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_of: AsOfOption = None,
    source: SourceOption = None,
    answerer: AnswererOption = None,
) -> None:
    """An interactive conversation: follow-up questions keep their context. /new starts over, /quit leaves."""
    from assistant.chain import Answer, stream_answer

    options = _ask_options(k, since, until, as_of, source, answerer)
    history: list[dict[str, str]] = []
    err.print("Ask about the stored articles. /new starts a new conversation, /quit (or Ctrl-D) leaves.")
    while True:
        try:
            question = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            err.print()
            return
        if not question:
            continue
        if question in ("/quit", "/exit"):
            return
        if question == "/new":
            history.clear()
            err.print("(new conversation)")
            continue
        sys.stdout.write("newsdesk> ")
        final: Answer | None = None
        streamed = ""
        try:
            for item in stream_answer(question, history=history, services=services(), **options):
                if isinstance(item, Answer):
                    final = item
                else:
                    streamed += item
                    sys.stdout.write(item)
                    sys.stdout.flush()
        except NewsdeskError as exc:
            err.print(f"\nerror: {exc}", markup=False, highlight=False)
            continue
        sys.stdout.write("\n")
        if final is not None:
            if final.answer != streamed:
                out.print(f"checked: {final.answer}", markup=False, highlight=False)
            _print_answer(final)
            history += [{"role": "user", "content": question}, {"role": "assistant", "content": final.answer}]


@app.command("eval")
def eval_command(
    folder: Annotated[Path, typer.Argument(help="A folder with articles.jsonl and questions.jsonl.")],
    answerer: AnswererOption = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Only the first N questions.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report as one JSON object.")] = False,
) -> None:
    """Measure retrieval recall, answer accuracy and latency on a news QA set."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from assistant.evaluation import run_eval

    try:
        if not as_json and err.is_terminal:
            with Progress(TextColumn("asking"), BarColumn(), MofNCompleteColumn(), console=err) as bar:
                task = bar.add_task("eval", total=None)
                report = run_eval(
                    folder,
                    services().settings,
                    answerer,
                    limit,
                    lambda done, total: bar.update(task, completed=done, total=total),
                )
        else:
            report = run_eval(folder, services().settings, answerer, limit)
    except NewsdeskError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        _print_json(report)
        return
    table = Table("metric", "value")
    for key in (
        "n_questions",
        "n_answerable",
        "recall@1",
        "recall@5",
        "recall@10",
        "answer_accuracy",
        "refusal_rate_unanswerable",
    ):
        table.add_row(key, str(report[key]))
    table.add_row("latency p50 / p95 (ms)", f"{report['latency_ms']['p50']} / {report['latency_ms']['p95']}")
    ingest_info = report["ingest"]
    table.add_row(
        "ingest",
        f"{ingest_info['articles']} articles, {ingest_info['chunks']} chunks, {ingest_info['seconds']} s"
        + (" (reused)" if ingest_info["reused"] else ""),
    )
    table.add_row("answerer", report["config"]["answerer"])
    out.print(table)


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option("--host", help="Address to listen on (NEWSDESK_HOST, default 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None, typer.Option("--port", help="Port to listen on; 0 picks a free one (NEWSDESK_PORT, default 8000).")
    ] = None,
    allow_public: Annotated[
        bool,
        typer.Option(
            "--allow-public", help="Serve beyond this machine even without NEWSDESK_API_KEY (anyone may use it)."
        ),
    ] = False,
) -> None:
    """Serve the HTTP API and the chat UI in one process, and print the URL."""
    from assistant.serve import serve as run_server

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
        raise _fail(str(exc)) from None


@app.command()
def doctor(
    fix: Annotated[bool, typer.Option("--repair", help="Fix what can be fixed.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as one JSON object.")] = False,
) -> None:
    """Check the store: records against passages, orphans, the model, the index. Exits 1 on a problem."""
    from assistant.doctor import run_doctor

    svc = services()
    try:
        report = run_doctor(svc.settings, svc.embeddings, fix)
    except NewsdeskError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        _print_json(report.to_dict())
    else:
        for finding in report.findings:
            state = "repaired" if finding.repaired else ("cannot repair" if not finding.repairable else "problem")
            out.print(f"{state}: {finding.message}", markup=False, highlight=False)
        verdict = "healthy" if not report.findings else ("repaired" if report.ok else "has problems")
        out.print(f"store {verdict}: {report.articles} articles, {report.chunks} passages", highlight=False)
        if report.findings and not report.ok and not fix:
            out.print("run `newsdesk doctor --repair` to fix what can be fixed", highlight=False)
    if not report.ok:
        raise typer.Exit(1)
