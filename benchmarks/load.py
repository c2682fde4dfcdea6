"""Load on a running newsdesk server: N concurrent clients asking and searching, bounded in count and time.

    python benchmarks/load.py --url http://127.0.0.1:8000 --clients 8 --requests 400 --duration 120
    python benchmarks/load.py --clients 32 --questions ../shared/bench/realtimeqa-dev/questions.jsonl --json

Each client is a thread with its own HTTP connection that sends one request after another
(closed loop, no pause), once ``/readyz`` says the server is ready; requests alternate
between ``POST /v1/ask`` and ``POST /v1/search`` (``--search-share`` sets the mix). The
run stops at ``--requests`` requests or after ``--duration`` seconds, whichever comes
first; requests under way then are finished and counted. It prints throughput, latency
percentiles (all, and per kind) and the errors: any status but 200, or no answer within
``--timeout``.

Questions come from ``--questions`` (a text file, one per line, or JSON lines with
``question`` and optionally ``asked_on``/``as_of``, as the benchmark sets carry them), else
from a built-in mix about the example articles.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

DEFAULT_QUESTIONS = [
    "What did Medvedev argue?",
    "What did Putin offer to do with Iran's uranium?",
    "Who carried Khamenei's letter to Putin?",
    "What happened in the rowing final?",
    "When will the tram line open?",
    "What did the council decide about the tram line?",
    "How did Russia respond to the strikes on Iran?",
    "What is the news about the local rowing club?",
]


@dataclass(frozen=True)
class Query:
    """One question, and the date it was asked on (relative times are seen from it)."""

    text: str
    as_of: str | None = None


@dataclass
class Result:
    """One request: what it was, when it ran, and its error (None when it succeeded)."""

    kind: str
    started: float
    seconds: float
    error: str | None = None


@dataclass
class Run:
    """Everything one run measured."""

    url: str
    clients: int
    results: list[Result] = field(default_factory=list)
    seconds: float = 0.0


def read_questions(path: Path | None) -> list[Query]:
    """Questions from a text or JSON-lines file, or the built-in mix."""
    if path is None:
        return [Query(q) for q in DEFAULT_QUESTIONS]
    queries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            record = json.loads(line)
            queries.append(Query(str(record["question"]), record.get("as_of") or record.get("asked_on")))
        else:
            queries.append(Query(line))
    if not queries:
        raise SystemExit(f"no questions in {path}")
    return queries


def request_body(kind: str, query: Query, k: int | None) -> dict[str, Any]:
    """The JSON body of an ask or a search."""
    body: dict[str, Any] = {"question": query.text} if kind == "ask" else {"query": query.text}
    if query.as_of:
        body["as_of"] = query.as_of
    if k:
        body["k"] = k
    return body


def send(client: httpx.Client, kind: str, query: Query, k: int | None) -> str | None:
    """Send one request; its error, or None."""
    try:
        response = client.post(f"/v1/{kind}", json=request_body(kind, query, k))
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:200]}"
    return None


def wait_until_ready(url: str, timeout: float) -> str | None:
    """Poll ``/readyz`` until the server says it is ready; what was wrong, if it never did."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            response = httpx.get(f"{url}/readyz", timeout=timeout)
            if response.status_code == 200:
                return None
            problem = f"HTTP {response.status_code}: {response.text[:200]}"
        except httpx.HTTPError as exc:
            problem = f"{type(exc).__name__}: {exc}"
        if time.monotonic() > deadline:
            return problem
        time.sleep(0.5)


def run_load(
    url: str,
    clients: int,
    queries: list[Query],
    max_requests: int,
    duration: float,
    search_share: float = 0.5,
    api_key: str | None = None,
    timeout: float = 60.0,
    k: int | None = None,
) -> Run:
    """Drive the server with ``clients`` threads until ``max_requests`` are sent or ``duration`` passes."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    run = Run(url=url, clients=clients)
    lock = threading.Lock()
    counter = itertools.count()
    searches_per_100 = round(search_share * 100)
    start_gate = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client_loop() -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=timeout) as client:
            start_gate.wait()
            while time.perf_counter() < deadline[0]:
                n = next(counter)
                if n >= max_requests:
                    return
                # spread evenly: the n-th request is a search when the running share of searches falls behind
                kind = "search" if (n + 1) * searches_per_100 // 100 > n * searches_per_100 // 100 else "ask"
                query = queries[n % len(queries)]
                started = time.perf_counter()
                error = send(client, kind, query, k)
                result = Result(kind, started, time.perf_counter() - started, error)
                with lock:
                    run.results.append(result)

    threads = [threading.Thread(target=client_loop, name=f"client-{i}", daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + duration
    start_gate.wait()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - began
    return run


def percentiles(seconds: list[float]) -> dict[str, float | None]:
    """p50, p95, p99 and max of the latencies, in seconds."""
    if not seconds:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    if len(seconds) == 1:
        return {"p50": seconds[0], "p95": seconds[0], "p99": seconds[0], "max": seconds[0]}
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "max": max(seconds)}


def summarize(run: Run) -> dict[str, Any]:
    """The run's figures: throughput, latency percentiles (all, ask, search) and errors."""
    ok = [r for r in run.results if r.error is None]
    errors = [r for r in run.results if r.error is not None]
    by_kind = {
        kind: {
            "requests": sum(1 for r in run.results if r.kind == kind),
            **{name: _round(v) for name, v in percentiles([r.seconds for r in ok if r.kind == kind]).items()},
        }
        for kind in ("ask", "search")
    }
    return {
        "url": run.url,
        "clients": run.clients,
        "requests": len(run.results),
        "errors": len(errors),
        "seconds": round(run.seconds, 2),
        "throughput": round(len(ok) / run.seconds, 2) if run.seconds else 0.0,
        "latency": {name: _round(v) for name, v in percentiles([r.seconds for r in ok]).items()},
        **by_kind,
        "error_samples": [f"{msg} (x{n})" for msg, n in Counter(r.error for r in errors).most_common(5)],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def table(summary: dict[str, Any]) -> str:
    """The summary as a few aligned lines."""
    lat = summary["latency"]

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value * 1000:.0f} ms"

    lines = [
        f"{summary['clients']} clients, {summary['requests']} requests in {summary['seconds']} s against {summary['url']}",
        f"  throughput {summary['throughput']} requests/s, errors {summary['errors']}",
        f"  latency    p50 {ms(lat['p50'])}, p95 {ms(lat['p95'])}, p99 {ms(lat['p99'])}, max {ms(lat['max'])}",
    ]
    for kind in ("ask", "search"):
        part = summary[kind]
        lines.append(
            f"  {kind:<10} {part['requests']} requests: p50 {ms(part['p50'])}, p95 {ms(part['p95'])}, "
            f"p99 {ms(part['p99'])}"
        )
    lines += [f"  error: {sample}" for sample in summary["error_samples"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the load and print its figures; exit status 1 when any request failed."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the server (default %(default)s)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default %(default)s)")
    parser.add_argument("--requests", type=int, default=200, help="requests in all, at most (default %(default)s)")
    parser.add_argument("--duration", type=float, default=120.0, help="seconds, at most (default %(default)s)")
    parser.add_argument("--search-share", type=float, default=0.5, help="share of searches (default %(default)s)")
    parser.add_argument("--questions", type=Path, help="questions: text lines or JSON lines with 'question'")
    parser.add_argument("--api-key", help="the server's NEWSDESK_API_KEY, if it has one")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request (default %(default)s)")
    parser.add_argument("--k", type=int, help="passages per request (default: the server's)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.requests < 1 or args.duration <= 0 or not 0 <= args.search_share <= 1:
        parser.error("--clients and --requests must be at least 1, --duration positive, --search-share in [0, 1]")
    queries = read_questions(args.questions)
    problem = wait_until_ready(args.url, args.timeout)
    if problem:
        print(f"the server at {args.url} is not ready after {args.timeout:.0f} s: {problem}", file=sys.stderr)
        return 2
    run = run_load(
        args.url,
        args.clients,
        queries,
        args.requests,
        args.duration,
        args.search_share,
        args.api_key,
        args.timeout,
        args.k,
    )
    summary = summarize(run)
    print(json.dumps(summary) if args.json else table(summary))
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
