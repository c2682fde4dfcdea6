"""How long a process's search index takes to catch up with the store: on its first search, and
on the first search after another process wrote one article.

    python benchmarks/index_catch_up.py --data-dir /tmp/ndeval --collection eval-realtimeqa-dev-f6f1fcbc

The store is copied to a scratch folder first (the write and its undoing touch only the copy).
Prints the seconds for: the first refresh (every passage and vector read from Chroma, tokenised,
indexed), a rebuild of the index alone, and the first search after another process (a second
``Services`` over the same store) ingests one article, then after it deletes it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from assistant.config import Settings, prepare_environment

prepare_environment()

from assistant.services import Services  # noqa: E402  (after the environment is set)

ARTICLE = {
    "title": "Harbour Board Approves Night Ferries",
    "url": "https://bench.example/night-ferries",
    "published_at": "2023-01-20",
    "text": "The harbour board approved night ferries on the island route from March. "
    "Crews will run two late crossings on Fridays and Saturdays, the board said, "
    "after a trial last summer carried more riders than expected.",
}


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="the folder of an existing store")
    parser.add_argument("--collection", default="newsdesk")
    parser.add_argument("--repeat", type=int, default=3, help="rebuilds and write rounds to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nd-catch-up-") as scratch:
        copy = Path(scratch) / "store"
        shutil.copytree(args.data_dir, copy)
        settings = Settings(_env_file=None, data_dir=copy, collection=args.collection)  # type: ignore[call-arg]
        reader, writer = Services(settings), Services(settings)
        index = reader.lexical
        first = timed(index.refresh)
        passages = len(index.passages())
        rebuilds = [timed(index._rebuild) for _ in range(args.repeat)]
        source = Path(scratch) / "article.jsonl"
        source.write_text(json.dumps(ARTICLE) + "\n")
        after_write, after_delete = [], []
        for _ in range(args.repeat):
            writer.ingest([str(source)])
            after_write.append(timed(lambda: index.search("night ferries harbour", 5)))
            [added] = [p for p in writer.lexical.passages() if p.title == ARTICLE["title"]]
            writer.store.delete_article(added.article_id)
            after_delete.append(timed(lambda: index.search("night ferries harbour", 5)))
    print(f"passages: {passages}")
    print(f"first refresh (read, tokenise, index): {first:.2f} s")
    print(f"index rebuild alone: median {statistics.median(rebuilds):.3f} s over {len(rebuilds)}")
    print(f"first search after another process added an article: median {statistics.median(after_write):.3f} s")
    print(f"first search after it deleted the article: median {statistics.median(after_delete):.3f} s")


if __name__ == "__main__":
    main()
