"""Which articles a timeline tells a story with, at several thresholds, and how long one takes.

    python benchmarks/timelines.py ../shared/bench/realtimeqa-dev [--data-dir DIR] [--as-of DAY]
        [--topic "the Chinese spy balloon" ...] [--show]

"How did X unfold?" lists the articles reporting X (``NewsRetriever.timeline``): those whose passage
is within ``_SAME_TOPIC`` (cosine) of the closest passage found for X and holds at least
``_SAME_WORDS`` of the best share of X's words. For each topic this prints how many reports each
pair of thresholds finds, the articles the default finds (``--show``) and those only a looser
pair adds (to read whether they are X's reports), and the seconds a whole timeline answer takes
in a warm process (median of three). The default topics are the dev weeks' most reported stories,
as a reader would name them. Run on a folder that ``newsdesk eval`` has ingested.
"""

from __future__ import annotations

import statistics
import time
from datetime import date

from eval_folder import eval_folder_parser, eval_folder_settings

from assistant import retrieval
from assistant.chain import answer
from assistant.filters import SearchFilters
from assistant.services import Services

TOPICS = (
    "the Chinese spy balloon",
    "the earthquake in Turkey and Syria",
    "Kevin McCarthy's speaker vote",
    "George Santos",
    "Damar Hamlin",
    "Biden's classified documents",
    "the Tyre Nichols case",
    "the FAA outage",
)
GRID = ((0.25, 0.8), (0.2, 0.8), (0.3, 0.8), (0.25, 0.6), (0.25, 1.0))


def main() -> None:
    parser = eval_folder_parser(__doc__)
    parser.add_argument("--as-of", default="2023-02-10", help="the day asked on (the dev set's last quiz)")
    parser.add_argument("--topic", action="append", help="a topic (repeatable); the dev weeks' stories by default")
    parser.add_argument("--show", action="store_true", help="list the reports the default finds")
    args = parser.parse_args()
    services = Services(eval_folder_settings(args))
    retriever, k = services.retriever, services.settings.k
    as_of = date.fromisoformat(args.as_of)
    filters = SearchFilters(known_by=as_of)
    default = (retrieval._SAME_TOPIC, retrieval._SAME_WORDS)
    print("reports found at (same topic, same words): " + "  ".join(f"{a:.2f}/{b:.1f}" for a, b in GRID))
    for topic in args.topic or TOPICS:
        found: dict[tuple[float, float], list[str]] = {}
        for pair in GRID:
            retrieval._SAME_TOPIC, retrieval._SAME_WORDS = pair
            result = retriever.timeline(topic, 100, filters)  # every report, not only k
            found[pair] = [f"{p.published_at} {p.title[:70]}" for p in result.passages if p.signals.get("timeline")]
        retrieval._SAME_TOPIC, retrieval._SAME_WORDS = default
        question = f"How did {topic} unfold?"
        answer(question, as_of=as_of, services=services)  # warm
        seconds = []
        for _ in range(3):
            started = time.perf_counter()
            answer(question, as_of=as_of, services=services)
            seconds.append(time.perf_counter() - started)
        counts = "  ".join(f"{len(found[pair]):>8}" for pair in GRID)
        print(f"{counts}   {statistics.median(seconds) * 1000:5.0f} ms  {topic} (k={k})")
        if args.show:
            for line in found[GRID[0]]:
                print(f"      {line}")
        for pair in GRID[1:]:
            for line in sorted(set(found[pair]) - set(found[GRID[0]])):
                print(f"      + at {pair[0]:.2f}/{pair[1]:.1f}: {line}")


if __name__ == "__main__":
    main()
