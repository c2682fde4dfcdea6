"""Calibrate the relevance gate: when do the articles "not say"?

    python benchmarks/relevance_calibration.py ../shared/bench/realtimeqa-dev [--data-dir DIR]

An answer is attempted when the best passage is similar enough to the question
(``min_relevance``, cosine) or holds enough of its distinctive terms (``min_coverage``,
IDF-weighted), or when one of their sentences is similar enough (``min_sentence_relevance``,
measured only when the first two fall short). Three stores are measured: the dev corpus (1,190 articles of Jan-Feb 2023,
ingested by ``newsdesk eval``), the example articles, and a small library of short local
stories written for this script, asked short questions about one detail. Questions each store covers
should be answered; questions about other news, or general knowledge, should be
refused. The script prints, for a grid of thresholds, the share of covered questions
answered and of uncovered ones refused, and the pair that refuses most while answering
at least 95% of the covered ones, then the same for the sentence threshold with that pair.
"""

from __future__ import annotations

import itertools
import json
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from eval_folder import eval_folder_parser, eval_folder_settings

from assistant.chain import search
from assistant.config import Settings
from assistant.evaluation import read_jsonl
from assistant.services import Services

ROOT = Path(__file__).resolve().parents[1]

GENERAL = [
    "What is the capital of Australia?",
    "How do I bake sourdough bread at home?",
    "What is the boiling point of water at sea level?",
    "Who wrote Pride and Prejudice?",
    "How many moons does Mars have?",
    "What is the square root of 144?",
    "How do vaccines train the immune system?",
    "Which language has the most native speakers?",
    "How long should I boil an egg?",
    "What is the tallest mountain in Africa?",
    "Who painted the Mona Lisa?",
    "How does a refrigerator keep food cold?",
    "What year did the Berlin Wall fall?",
    "How do I reset my router?",
]
EXAMPLE_TOPICS = [  # what the example articles cover: not in the 2023 dev corpus
    "What did Medvedev argue about the June 2025 US strikes on Iran?",
    "Who carried Khamenei's letter to Putin in Moscow?",
    "Did Putin offer to store Iran's enriched uranium in Russia?",
    "How much will the Riverside tram line to the northern suburbs cost?",
    "Which rowing club with 60 members won the national eights title?",
    "What seeds can members borrow from the Market Street library?",
    "How many gigawatts did regional power demand reach in the heatwave?",
]
# Short local stories, each telling a few things; the questions ask about one detail in words
# the story does not all use ("forced the closure" for "closed ... after tests found").
LOCAL_STORIES = [
    {
        "title": "North basin of Lake Marrow shut after toxic algae found",
        "published": "2026-08-14",
        "text": "Swimming and boating in the north basin of Lake Marrow were banned on Thursday after tests "
        "found toxic blue-green algae, the county health office said. Samples taken on Tuesday showed "
        "microcystin at four times the safe level. The health office closed the basin until two clean tests "
        "in a row, a week apart. The south basin stays open. Fishing clubs said the closure would cost them "
        "the August tournament.",
    },
    {
        "title": "County budget adds two bus routes",
        "published": "2026-08-12",
        "text": "The county approved a budget on Monday that adds two bus routes to the hospital and the college. "
        "The routes start in October. Fares stay at two dollars, and the night service is cut to one bus an hour.",
    },
    {
        "title": "Bakery on Elm Street closes after 41 years",
        "published": "2026-08-10",
        "text": "Hollis Bakery, which opened on Elm Street in 1985, baked its last loaves on Saturday. The owners, "
        "Ruth and Sam Hollis, said rising flour and power bills and a rent increase made the shop unprofitable. "
        "A queue formed before dawn for the final batch of rye. The building's landlord plans to let it to a phone shop.",
    },
    {
        "title": "Volunteers clear three tonnes of litter from the river banks",
        "published": "2026-08-09",
        "text": "About 120 volunteers spent Sunday pulling shopping trolleys, tyres and plastic from the banks of the "
        "Esk. The river trust weighed the haul at just over three tonnes. Its organiser, Dee Carver, asked the "
        "council for more bins at the two footbridges, where most of the rubbish was found.",
    },
    {
        "title": "School term to start a week late while roof is repaired",
        "published": "2026-08-13",
        "text": "Pupils at Westgate Primary will go back on September 8, a week later than planned, because storm "
        "damage to the roof has not been repaired in time. The head teacher wrote to parents that contractors "
        "found more rot in the beams than expected. Breakfast club will run from the church hall that week.",
    },
]
LOCAL_QUESTIONS = [
    "What forced the closure of the north basin?",
    "What did the county health office find?",
    "When can people swim in the north basin again?",
    "What will the closure cost the fishing clubs?",
    "Where will the new bus routes go?",
    "How much will bus fares be?",
    "Why did the Elm Street bakery shut down?",
    "Who will move into the old bakery building?",
    "How much rubbish did the volunteers collect?",
    "What did the river clean-up organiser ask the council for?",
    "When do Westgate pupils go back to school?",
    "Why is the school term starting late?",
]
LOCAL_AS_OF = date(2026, 8, 15)
# Questions that name what a store's articles are about, but ask a fact they do not state: the
# hardest to refuse, since the passages about that thing are close to them in meaning.
LOCAL_UNSTATED = [
    "What is the population of the county?",
    "Who runs the county health office?",
    "How deep is Lake Marrow?",
    "How old are Ruth and Sam Hollis?",
    "How many pupils attend Westgate Primary?",
    "Who is the head teacher of Westgate Primary?",
    "How long is the river Esk?",
    "Who won the fishing clubs' tournament last year?",
    "How much rent will the phone shop pay?",
    "What does the college teach?",
]
# Questions that name what a story is about and ask what was done or said in a verb the story
# does not use ("decide" for "approved"): covered; the same asked about what no story names: not.
LOCAL_VAGUE = [
    "What did the county decide?",
    "What did the health office find?",
    "What did the head teacher tell parents?",
    "What happened to Hollis Bakery?",
    "What did the volunteers find?",
    "What did the river trust announce?",
    "What did the fishing clubs say?",
    "What happened at Lake Marrow?",
]
VAGUE_ELSEWHERE = [
    "What did the parliament decide?",
    "What did the senator announce?",
    "What happened in Tokyo?",
    "What did the prime minister say?",
    "What did the central bank decide?",
    "What did the union announce?",
    "What did the court rule?",
    "What did the mayor argue?",
]
EXAMPLE_UNSTATED = [
    "How old is Dmitry Medvedev?",
    "What is the population of Moscow?",
    "Who is the mayor of Riverside?",
    "How much does a tram ticket in Riverside cost?",
    "Who coaches Lakeside Rowing Club?",
    "How many books does the Market Street library hold?",
    "What is Iran's uranium enrichment level?",
    "Which company builds the Riverside trams?",
]


def scores(services: Services, questions: Sequence[tuple[str, date | None]]) -> list[tuple[float, float, float]]:
    """(top similarity, top coverage, best sentence similarity) of each question's retrieval."""
    out = []
    for question, as_of in questions:
        result = search(question, as_of=as_of, services=services)
        sentence = services.retriever.sentence_similarity(question, result.passages)
        out.append((result.top_similarity, result.top_coverage, sentence))
    return out


def answered(row: tuple[float, float, float], sim: float, cov: float, sentence: float, floor: float = 0.0) -> bool:
    """The gate: similar enough with at least ``floor`` of the terms, or most of the terms, or a close sentence."""
    return (row[0] >= sim and row[1] >= floor) or row[1] >= cov or row[2] >= sentence


def main() -> None:
    args = eval_folder_parser(__doc__).parse_args()
    dev = Services(eval_folder_settings(args))
    if not dev.store.count_articles():
        raise SystemExit("ingest the dev corpus first: newsdesk eval " + str(args.folder))
    bench = [
        (q["question"], date.fromisoformat(q["asked_on"]))
        for q in read_jsonl(args.folder / "questions.jsonl")
        if q["answerable"]
    ]
    examples = Services(Settings(data_dir=Path(tempfile.mkdtemp(prefix="calibration-")), collection="examples"))
    examples.ingest([str(ROOT / "examples" / "articles")])
    example_questions = [
        (q, None)
        for q in [
            *EXAMPLE_TOPICS,
            "What did Medvedev argue?",
            "Who carried Khamenei's letter to Putin?",
            "Why is the Kremlin treading carefully on Iran?",
            "What did the library start lending?",
        ]
    ]

    local = Services(Settings(data_dir=Path(tempfile.mkdtemp(prefix="calibration-")), collection="local"))
    local_file = Path(tempfile.mkdtemp(prefix="calibration-")) / "local.jsonl"
    local_file.write_text("".join(json.dumps(story) + "\n" for story in LOCAL_STORIES))
    local.ingest([str(local_file)])

    covered = (
        scores(dev, bench)
        + scores(examples, example_questions)
        + scores(local, [(q, LOCAL_AS_OF) for q in LOCAL_QUESTIONS])
    )
    uncovered = (
        scores(dev, [(q, None) for q in GENERAL + EXAMPLE_TOPICS])
        + scores(examples, bench[:60] + [(q, None) for q in GENERAL])
        + scores(local, bench[:40] + [(q, None) for q in GENERAL + EXAMPLE_TOPICS])
    )
    unstated = scores(local, [(q, LOCAL_AS_OF) for q in LOCAL_UNSTATED]) + scores(
        examples, [(q, None) for q in EXAMPLE_UNSTATED]
    )
    vague = scores(local, [(q, LOCAL_AS_OF) for q in LOCAL_VAGUE])
    vague_elsewhere = scores(local, [(q, LOCAL_AS_OF) for q in VAGUE_ELSEWHERE])
    print(f"covered questions: {len(covered)}, uncovered: {len(uncovered)}, unstated facts: {len(unstated)}")
    off = 2.0  # a similarity no sentence reaches: the sentence check left out
    print(f"{'min_relevance':>13} {'min_coverage':>12} {'answered':>9} {'refused':>8}   (no sentence check)")
    best = None
    for sim, cov in itertools.product([0.25, 0.3, 0.35, 0.4, 0.45, 0.5], [0.5, 0.6, 0.7, 0.8, 0.9, 1.01]):
        share, refused = rates(covered, uncovered, sim, cov, off)
        print(f"{sim:13.2f} {cov:12.2f} {share:9.3f} {refused:8.3f}")
        if share >= 0.95 and (best is None or refused > best[3]):
            best = (sim, cov, share, refused)
    if not best:
        return
    print(
        f"chosen: min_relevance={best[0]} min_coverage={best[1]} (answers {best[2]:.1%} of covered, refuses {best[3]:.1%} of uncovered)"
    )
    print(
        f"\nwith that pair, a sentence this similar answers too:\n{'min_sentence_relevance':>22} {'answered':>9} {'refused':>8}"
    )
    for sentence in [0.45, 0.5, 0.55, 0.6, 0.65, 0.7, off]:
        share, refused = rates(covered, uncovered, best[0], best[1], sentence)
        label = "off" if sentence == off else f"{sentence:.2f}"
        print(f"{label:>22} {share:9.3f} {refused:8.3f}")
    share, refused = rates(vague, vague_elsewhere, best[0], best[1], 0.55)
    print(
        f"\nwith that pair and 0.55, questions asking what was decided or said ({len(vague)} of what the"
        f"\nlocal stories name, {len(vague_elsewhere)} of what they do not): answered {share:.3f}, refused {refused:.3f}"
    )
    print(
        "\nwith that pair, similarity answers only with this share of the terms (a floor); the sentence"
        "\nthreshold as chosen, 0.55 (`unstated`: questions naming what the articles are about, asking"
        f"\na fact they do not state):\n{'min_coverage_floor':>18} {'sentence':>8} {'answered':>9} {'refused':>8} {'unstated refused':>16}"
    )
    for floor, sentence in itertools.product([0.0, 0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5], [0.5, 0.55, 0.6, 0.65]):
        share, refused = rates(covered, uncovered, best[0], best[1], sentence, floor)
        _, unstated_refused = rates(covered, unstated, best[0], best[1], sentence, floor)
        print(f"{floor:18.2f} {sentence:8.2f} {share:9.3f} {refused:8.3f} {unstated_refused:16.3f}")


def rates(
    covered: list, uncovered: list, sim: float, cov: float, sentence: float, floor: float = 0.0
) -> tuple[float, float]:
    """The share of covered questions answered and of uncovered ones refused."""
    share = sum(answered(r, sim, cov, sentence, floor) for r in covered) / len(covered)
    refused = sum(not answered(r, sim, cov, sentence, floor) for r in uncovered) / len(uncovered)
    return share, refused


if __name__ == "__main__":
    main()
