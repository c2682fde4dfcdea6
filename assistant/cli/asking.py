"""Commands that answer: ask, search, chat."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from assistant.cli.app import app, err, fail, out, print_json, services
from assistant.errors import NewsdeskError
from assistant.timeframe import searched_dates


def _print_sources(result: Any) -> None:
    """One line per cited article, after all its markers: "[1][4] Title (source, date) url"."""
    if not result.citations:
        return
    out.print("\nSources:", style="bold")
    by_article: dict[str, list[Any]] = {}
    for citation in result.citations:
        by_article.setdefault(citation.passage.article_id, []).append(citation)
    for citations in by_article.values():
        p = citations[0].passage
        meta = ", ".join(x for x in (p.source, p.published_at) if x)
        markers = "".join(f"[{c.n}]" for c in citations)
        line = f"{markers} {p.title}" + (f" ({meta})" if meta else "") + (f" {p.url}" if p.url else "")
        out.print(line, markup=False, highlight=False)


def _print_answer(result: Any) -> None:
    for note in result.notes:
        err.print(f"note: {note}", markup=False, highlight=False)
    if result.date_range:
        err.print(f"dates: {searched_dates(result.date_range)}", highlight=False)
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
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Ask as of this date: 'this week', 'yesterday'... are seen from it, and articles dated after it are left out.",
    ),
]
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
        raise fail(str(exc)) from None
    if as_json:
        print_json(result.to_dict())
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
        raise fail(str(exc)) from None
    if as_json:
        print_json(
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
