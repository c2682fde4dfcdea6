"""Example questions that fit what is stored.

Curated questions (``examples/questions.yaml``: question + the title of the article it
is about) come first, each only while its article is stored; the newest other
articles fill the rest with a question about their headline.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import yaml

from assistant.records import ArticleRecord

logger = logging.getLogger(__name__)

QUESTIONS_FILE = Path(__file__).resolve().parents[2] / "examples" / "questions.yaml"
MAX_EXAMPLES = 4


def read_curated(path: Path = QUESTIONS_FILE) -> list[tuple[str, str]]:
    """``(question, article title)`` pairs from a questions file; none if it is missing or unreadable."""
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        logger.info("no curated example questions (%s)", exc)
        return []
    return [
        (str(e["question"]), str(e["title"]))
        for e in entries
        if isinstance(e, dict) and e.get("question") and e.get("title")
    ]


def example_questions(
    records: Sequence[ArticleRecord], curated: Sequence[tuple[str, str]] | None = None, limit: int = MAX_EXAMPLES
) -> list[str]:
    """Up to ``limit`` questions about stored articles, curated ones first."""
    curated = read_curated() if curated is None else curated
    stored = {r.title.casefold(): r for r in records}
    questions: list[str] = []
    covered: set[str] = set()
    for question, title in curated:
        if title.casefold() in stored and len(questions) < limit:
            questions.append(question)
            covered.add(title.casefold())
    for record in records:  # newest first
        if len(questions) >= limit:
            break
        if record.title and record.title.casefold() not in covered:
            questions.append(f"What does the article “{record.title}” report?")
            covered.add(record.title.casefold())
    return questions
