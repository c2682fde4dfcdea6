"""Fact checks: the claim an article checks is what a post said, not what the article reports.

A fact check opens with the claim ("The claim: A vigilante shot down the balloon", then the post
that made it) and gives its verdict after ("Our rating: False", then what happened). Quoted as an
answer, the claim's sentences would pass a debunked post off as news; the verdict's are the
reporting.

    >>> claim_spans("The claim: Cats can vote\\nA post said so.\\nOur rating: False\\nThey cannot.")
    [(0, 41)]
"""

from __future__ import annotations

import re

# The line opening a fact check's claim ("The claim:", AP's "CLAIM:") ...
_OPENS = re.compile(r"^[ \t]*(?:the )?claim[ \t]*:", re.I | re.M)
# ... and the line giving the verdict that ends it ("Our rating: False", "Our ruling: Missing
# context", AP's "AP'S ASSESSMENT:" and "THE FACTS:", "Verdict:", "Conclusion:")
_VERDICT = re.compile(
    r"^[ \t]*(?:our (?:rating|ruling)|rating|ruling|verdict|conclusion|the facts|ap['’]s assessment)[ \t]*:",
    re.I | re.M,
)


def claim_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that state a claim being checked: from each claim line to the verdict
    line after it, or to the end of ``text`` when it holds no verdict (a passage cut before it)."""
    spans: list[tuple[int, int]] = []
    for opening in _OPENS.finditer(text):
        if spans and opening.start() < spans[-1][1]:
            continue  # a second claim line inside the first claim's span
        verdict = _VERDICT.search(text, opening.end())
        spans.append((opening.start(), verdict.start() if verdict else len(text)))
    return spans


def is_claim_line(line: str) -> bool:
    """Whether ``line`` opens a fact check's claim ("The claim: ..."): no heading for an answer."""
    return bool(_OPENS.match(line))


def in_claim(spans: list[tuple[int, int]], start: int) -> bool:
    """Whether the text at ``start`` lies in one of ``spans`` (:func:`claim_spans`)."""
    return any(s <= start < e for s, e in spans)
