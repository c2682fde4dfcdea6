from itertools import pairwise
from pathlib import Path

from ingest.chunking import split_article, split_sentences
from ingest.cleaning import clean_text

SENTENCES = [
    "The U.S. envoy met Dr. Smith in Geneva on Tuesday.",
    "Talks lasted 3.5 hours, officials said.",
    '"We made progress," the envoy told reporters.',
    "John F. Kennedy Airport was closed by snow.",
    "The craft was a surveillance balloon, said Air Force Brig. Gen. Ana Ruiz of Ft. Carson.",
    "It took Reps. Ana Ruiz and Tom Lee nine rounds, and Sens. Ng and Ortiz two.",
    "EASTPORT, Ky. (AP) — The ferry ran again on Monday.",
    "Was the deal signed?",
    "Nobody would say!",
]


def test_sentences_respect_abbreviations_initials_and_decimals() -> None:
    text = " ".join(SENTENCES)
    assert [text[s:e] for s, e in split_sentences(text)] == SENTENCES


def test_line_breaks_end_sentences() -> None:
    text = "A Headline Without A Full Stop\nThe body starts here. It goes on."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "A Headline Without A Full Stop",
        "The body starts here.",
        "It goes on.",
    ]


def _long_article(sentences: int = 120) -> str:
    parts = []
    for i in range(sentences):
        parts.append(f"Sentence number {i} reports that the council discussed item {i} at length today.")
        if i % 7 == 6:
            parts.append("\n")
    return " ".join(parts).replace(" \n ", "\n")


def test_chunks_hold_offsets_and_whole_sentences() -> None:
    text = _long_article()
    spans = split_sentences(text)
    starts, ends = {s for s, _ in spans}, {e for _, e in spans}
    chunks = split_article(text, target_words=200, max_words=250, overlap_words=30)
    assert len(chunks) > 3
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        assert chunk.start in starts and chunk.end in ends  # never cuts a sentence
    for chunk in chunks[:-1]:
        assert 150 <= chunk.words <= 250
    assert [c.position for c in chunks] == list(range(len(chunks)))
    # A small overlap: each chunk starts before the previous one ends.
    for before, after in pairwise(chunks):
        assert after.start < before.end
        assert len(text[after.start : before.end].split()) <= 30


def test_chunks_cover_the_whole_text() -> None:
    text = _long_article(50)
    chunks = split_article(text, 60, 90, 15)
    covered = set()
    for chunk in chunks:
        covered.update(range(chunk.start, chunk.end))
    for start, end in split_sentences(text):
        assert set(range(start, end)) <= covered


def test_one_overlong_sentence_is_cut_at_word_boundaries() -> None:
    text = " ".join(f"word{i}" for i in range(600))
    chunks = split_article(text, 200, 250, 30)
    assert all(c.words <= 250 for c in chunks)
    assert all(text[c.start : c.end] == c.text for c in chunks)
    assert " ".join(c.text for c in chunks[::1]).count("word599") >= 1


def test_seed_article_chunks(seed_path: Path) -> None:
    text = clean_text(seed_path.read_text(encoding="utf-8"))
    chunks = split_article(text, 200, 250, 30)
    assert chunks and all(text[c.start : c.end] == c.text for c in chunks)
    assert any("Medvedev argue" in c.text for c in chunks)


def test_empty_text_gives_no_chunks() -> None:
    assert split_article("", 200, 250, 30) == []
    assert split_article("   \n  ", 200, 250, 30) == []
