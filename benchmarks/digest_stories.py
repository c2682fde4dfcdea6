"""How a digest groups articles into stories, week by week, over the dev set's store.

    python benchmarks/digest_stories.py ../shared/bench/realtimeqa-dev [--data-dir DIR] [--show]

"What happened this week?" lists a time's stories, each the articles whose openings are close in
meaning (``digest.stories``, cosine ``digest.SAME_STORY`` or more, linked in chains). For each
quiz week, and for the 200 newest articles (what "What's the latest news?" groups), this prints
how many articles and stories there are at three thresholds and the sizes of the three largest
stories; ``--show`` names the articles of the two largest at the default. A threshold too low
chains unrelated stories into one (a large story of many topics); too high splits a story's
reports. Run on a folder that ``newsdesk eval`` has ingested.
"""

from __future__ import annotations

from datetime import timedelta

from eval_folder import eval_folder_parser, eval_folder_settings

from assistant.digest import SAME_STORY, stories
from assistant.filters import SearchFilters
from assistant.services import Services

THRESHOLDS = (0.6, SAME_STORY, 0.7)
POOL = 200


def main() -> None:
    parser = eval_folder_parser(__doc__)
    parser.add_argument("--show", action="store_true", help="name the articles of the two largest stories")
    args = parser.parse_args()
    lexical = Services(eval_folder_settings(args)).lexical
    lexical.refresh()
    newest = lexical.newest()
    assert newest is not None, "no dated article in the store"
    monday = newest - timedelta(days=newest.weekday())
    weeks: list[tuple[str, SearchFilters]] = [
        (f"week of {start}", SearchFilters(since=start, until=start + timedelta(days=6)))
        for start in (monday - timedelta(weeks=w) for w in range(5, -1, -1))
    ]
    weeks.append((f"{POOL} newest", SearchFilters()))
    print("articles  " + "  ".join(f"stories at {t:.2f} (largest)" for t in THRESHOLDS) + "  scope")
    for name, filters in weeks:
        leads, _ = lexical.latest(POOL, filters)
        vectors = lexical.vectors_of(leads) if leads else None
        cells = []
        for threshold in THRESHOLDS:
            groups = stories(vectors, threshold) if vectors is not None else []
            sizes = sorted((len(g) for g in groups), reverse=True)[:3]
            cells.append(f"{len(groups):>3} ({', '.join(map(str, sizes))})".ljust(26))
        print(f"{len(leads):>8}  " + "  ".join(cells) + f"  {name}")
        if args.show and vectors is not None:
            for group in sorted(stories(vectors), key=len, reverse=True)[:2]:
                print("          - " + " | ".join((leads[i].title or "")[:40] for i in group))


if __name__ == "__main__":
    main()
