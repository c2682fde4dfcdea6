"""Commands that check: eval (quality on a QA set) and doctor (the store)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from assistant.cli.app import app, err, fail, out, print_json, services
from assistant.cli.asking import AnswererOption
from assistant.errors import NewsdeskError


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
        raise fail(str(exc)) from None
    if as_json:
        print_json(report)
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
    if ingest_info["failed"]:
        reasons = Counter(f["error"] for f in ingest_info["failures"])
        table.add_row(
            "ingest failures",
            f"{ingest_info['failed']} not ingested: "
            + escape("; ".join(f"{error} ({n})" for error, n in reasons.most_common())),
        )
    table.add_row("answerer", report["config"]["answerer"])
    out.print(table)


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
        raise fail(str(exc)) from None
    if as_json:
        print_json(report.to_dict())
    else:
        for finding in report.findings:
            state = "repaired" if finding.repaired else ("cannot repair" if not finding.repairable else "problem")
            out.print(f"{state}: {finding.message}", markup=False, highlight=False)
        verdict = "healthy" if not report.findings else ("repaired" if report.ok else "has problems")
        out.print(f"store {verdict}: {report.articles} articles, {report.chunks} passages", highlight=False)
        if not fix and any(f.repairable and not f.repaired for f in report.findings):
            out.print("run `newsdesk doctor --repair` to fix what can be fixed", highlight=False)
    if not report.ok:
        raise typer.Exit(1)
