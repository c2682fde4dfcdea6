"""A corpus of hostile files, written into a temporary folder by the tests that use it (never committed).

Each :class:`Hostile` file says what must become of it: a failure whose reason holds
``error``, or an article stored safely (``error`` is None). Time and memory are bounded
by the tests, which also check that nothing stored before is lost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

SIXTY_MB = 60_000_000
LONG = 400_000  # characters on one line: under NEWSDESK_MAX_ARTICLE_CHARS, far over any sane line

HOSTILE_HTML = b"""<!doctype html><html><head><title>Harbour Council &amp; the Ferry &lt;Plan&gt;</title>
<script>alert('head-script')</script><meta http-equiv="refresh" content="0;url=javascript:alert('meta')"></head>
<body onload="alert('body')"><iframe src="javascript:alert('iframe')"></iframe>
<article><h1>Harbour Council &amp; the Ferry &lt;Plan&gt;</h1>
<p>The harbour council approved the ferry plan on Monday &mdash; ferries will run every twenty minutes from
July &amp; a night service will follow.</p>
<img src="x" onerror="alert('onerror')">
<p onmouseover="alert('hover')">Councillors said the plan would cost &pound;4 million &#x26; take two years.</p>
<script>document.write('<p>written by a script</p>')</script>
<svg onload="alert('svg')"><script>alert('svg-script')</script></svg>
<a href="javascript:alert('link')">a link</a>
</article></body></html>"""

CONTROL_TEXT = (
    "Title: Ferry \u202eecalp\u202c Plan\x07\n\n"
    "The harbour\x01 council\x1b[31m met\x1b[0m \u202egnidaer\u202c on \u2066Monday\u2069 and "
    "\u200bapproved\x7f the\x85 timetable\U000e0049\U000e0067\U000e006e. Ferries run every twenty minutes."
)

# What a safely stored article may not contain.
FORBIDDEN = ("<script", "alert(", "onerror", "onload", "javascript:", "<iframe")
INVISIBLE = "\x00\x01\x07\x1b\x7f\x85\u200b\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\U000e0049"


@dataclass(frozen=True)
class Hostile:
    """One hostile file: its name, its bytes, and a word of its failure reason (None: it is stored)."""

    name: str
    data: bytes
    error: str | None


def hostile_files() -> list[Hostile]:
    """Every hostile file but the 60 MB one (see :func:`write_sixty_mb`)."""
    return [
        Hostile("zero-bytes.txt", b"", "empty file"),
        Hostile("binary.txt", bytes(range(256)) * 4096, "binary content"),
        Hostile("binary.json", b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 100, "binary content"),
        Hostile("nul-in-text.txt", b"Title: Nul\n\nThe council met\x00 on Monday.", "binary content"),
        Hostile("invalid-utf8.txt", b"Title: Bad\n\nThe council met \xff\xfe\xc3\x28 on Monday.", "not UTF-8"),
        Hostile("utf16-no-bom.txt", "Title: UTF-16\n\nThe council met on Monday.".encode("utf-16-le"), "UTF-16"),
        Hostile("utf16be-no-bom.md", "The council met on Monday.".encode("utf-16-be"), "UTF-16"),
        Hostile("nested-array.json", b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
        Hostile("nested-object.json", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nested too deeply"),
        Hostile("nested-line.jsonl", b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n", "nested too deeply"),
        Hostile("huge-number.json", b'{"title": "N", "text": "Words.", "id": ' + b"9" * 5000 + b"}", "malformed JSON"),
        Hostile(
            "huge-number.jsonl", b'{"title": "N", "text": "Words.", "n": ' + b"9" * 5000 + b"}\n", "malformed JSON"
        ),
        Hostile("many-records.json", json.dumps([{} for _ in range(300_000)]).encode(), "records per file"),
        Hostile("huge-text.json", json.dumps({"title": "Huge", "text": "word " * 2_000_000}).encode(), "too long"),
        Hostile("only-invisible.txt", ("\x01\x02\u202e\u200b\x1b\U000e0041" * 2000).encode(), "no article text"),
        Hostile("hostile.html", HOSTILE_HTML, None),
        Hostile("control-bidi.txt", CONTROL_TEXT.encode(), None),
        Hostile("long-line-dots.txt", b"Title: Dots\n\n" + b"." * LONG + b" The dots end here.", None),
        Hostile("only-dots.txt", b"Title: Only dots\n\n" + b"." * LONG, "no article text"),
        Hostile("long-line-links.md", b"Links\n\n" + b"[a](" * (LONG // 4), None),
        Hostile("long-line-images.md", b"Images\n\n" + b"![" * (LONG // 2) + b" The images end here.", None),
        Hostile("long-line-brackets.md", b"Brackets\n\n" + b"[" * LONG + b"] The brackets end here.", None),
        Hostile("long-line-emphasis.md", b"Emphasis\n\n" + b"(*a" * (LONG // 3), None),
        Hostile("long-word.txt", b"Title: Long word\n\n" + b"x" * LONG, None),
        Hostile(
            "line-separator.jsonl",
            json.dumps(
                {"title": "Separator", "url": "https://h.example/sep", "text": "One line\u2028still the same line."},
                ensure_ascii=False,
            ).encode(),
            None,
        ),
        Hostile(
            "yaml-alias-bomb.md",
            b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            b"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
            b"title: *f\nauthor: *f\n---\nThe alias bomb did not go off.\n",
            None,
        ),
        Hostile(
            "wrong-types.json",
            json.dumps(
                {
                    "id": {"not": "an id"},
                    "title": ["a", "list"],
                    "text": "The wrong types did not stop the council meeting on Monday.",
                    "url": "javascript:alert(1)",
                    "published_at": "2025-02-30",
                    "authors": [[["deep"]], 5, None, {"name": "A. Writer"}],
                    "source": {"name": ["x"]},
                }
            ).encode(),
            None,
        ),
    ]


def write_sixty_mb(path: Path) -> Path:
    """60 MB of one character, written a megabyte at a time."""
    with path.open("wb") as handle:
        for _ in range(SIXTY_MB // 1_000_000):
            handle.write(b"a" * 1_000_000)
    return path


def write_corpus(folder: Path) -> dict[str, Hostile]:
    """Write the hostile corpus into ``folder`` (the 60 MB file included); returns it by name."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus = {h.name: h for h in hostile_files()}
    for hostile in corpus.values():
        (folder / hostile.name).write_bytes(hostile.data)
    write_sixty_mb(folder / "sixty-mb-of-a.txt")
    corpus["sixty-mb-of-a.txt"] = Hostile("sixty-mb-of-a.txt", b"", "too large")
    return corpus
