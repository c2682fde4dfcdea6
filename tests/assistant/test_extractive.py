"""The extractive answerer (the default, no LLM) on the seed article and the examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answerers import REFUSAL
from assistant.chain import answer
from assistant.services import Services


def test_medvedev_on_the_seed_article(services: Services, seed_path: Path) -> None:
    services.ingest([str(seed_path)])
    result = answer("What did Medvedev argue?", services=services)
    assert result.answerer == "extractive" and not result.refused
    assert result.answer.startswith(
        "Meanwhile, Russian voices like Dmitry Medvedev argue the U.S. strikes have only "
        "strengthened Khamenei’s hold and underestimated Iran’s resolve. [1]"
    )
    [citation] = result.citations[:1]
    assert citation.n == 1 and citation.passage.title.startswith("Iran’s Supreme Leader Appeals to Putin")
    text = services.store.get_article_text(citation.passage.article_id)
    start, end = citation.highlights[0]
    assert text[start:end].startswith("Meanwhile, Russian voices like Dmitry Medvedev argue")
    assert text[citation.passage.start : citation.passage.end] == citation.passage.quote


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What did Medvedev argue?", "strikes"),
        ("Who carried Khamenei's letter to Putin?", "Araqchi"),
        ("What did Putin offer to do with Iran's uranium?", "uranium could be moved to Russia"),
        ("Why is Putin cautious about confronting the United States?", "Ukraine"),
        ("How much will the Riverside tram line cost?", "640 million euros"),
    ],
)
def test_examples_questions(library: Services, question: str, expected: str) -> None:
    result = answer(question, services=library)
    assert expected in result.answer, result.answer
    assert result.citations and all(f"[{c.n}]" in result.answer for c in result.citations)
    cited = {c.n for c in result.citations}
    assert cited <= set(range(1, len(result.passages) + 1))
    for citation in result.citations:
        assert citation.passage.chunk_id == result.passages[citation.n - 1].chunk_id


@pytest.mark.parametrize(
    "question",
    ["What is the capital of Australia?", "How do I bake sourdough bread?", "Who won the 1998 football World Cup?"],
)
def test_out_of_scope_questions_are_refused(library: Services, question: str) -> None:
    result = answer(question, services=library)
    assert result.refused and result.answer == REFUSAL and result.citations == []


def test_answer_sentences_are_quoted_verbatim(library: Services) -> None:
    result = answer("What did the grid operator ask households to do?", services=library)
    for citation in result.citations:
        text = library.store.get_article_text(citation.passage.article_id)
        for start, end in citation.highlights:
            assert text[start:end] in result.answer


def test_follow_up_without_llm(library: Services) -> None:
    first = answer("What did Medvedev argue about the US strikes?", services=library)
    history = [{"role": "user", "content": first.question}, {"role": "assistant", "content": first.answer}]
    follow = answer("and what did Putin offer?", history=history, services=library)
    assert "Medvedev" in follow.query and "Putin" in follow.query
    assert "Putin" in follow.answer and ("mediat" in follow.answer or "uranium" in follow.answer)
    pronoun = answer(
        "Where did he fly to?", history=[("Who carried Khamenei's letter?", "Abbas Araqchi [1]")], services=library
    )
    assert "Moscow" in pronoun.answer
