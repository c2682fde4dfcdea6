"""Who wrote an article: the people an author field or a byline names, organisations left out.

>>> split_authors("By Jane Doe and John Roe, Global Wire")
['Jane Doe', 'John Roe']
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

_BY = re.compile(r"^\W*by\s+", re.I)
_SEPARATORS = re.compile(r"\s*(?:[,;&|]|\band\b)\s*", re.I)
_SUFFIX = re.compile(r"(?:jr|sr|ii|iii|iv)\.?", re.I)  # "John Roe, Jr." is one name
# Words that make a name an organisation's, not a person's: a wire, an agency, a newsroom. The
# agencies' initials count in capitals only ("Rhys ap Gruffydd" is a person).
_ORGANISATION = re.compile(
    r"\b(?:wire|wires|news|press|agency|agencies|reuters|staff|newsroom)\b|\b(?-i:AP|AFP|UPI|DPA|PA)\b", re.I
)

_BYLINE = re.compile(r"^\W*by\s+(.+?)\W*$", re.I)
_NAME = re.compile(
    r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|der|den|di|du|van|von|da|del|la|le|bin|al))*\s+[A-Z][\w.'’-]+"
)
# In a byline line, what follows the names: "Staff Writer", "Harbour Post", "Crime Reporter".
_ROLE = re.compile(
    r"\b(?:writer|reporter|correspondent|editor|staff|press|news|times|post|desk|wire|contributor)\b", re.I
)
_OPENING_LINES = 3  # a byline sits among the first lines: the headline, the byline, a dateline
_ARTICLE_TYPES = re.compile(r"(?:article|posting|report)$", re.I)  # NewsArticle, LiveBlogPosting, Report


def is_organisation(name: str, publishers: Iterable[str | None] = ()) -> bool:
    """True for a name that is an organisation's: a wire or agency ("Global Wire", "Reuters",
    "AP"), "Staff", or the publication itself (one of ``publishers``)."""
    return bool(_ORGANISATION.search(name)) or any(p and _bare(p) == _bare(name) for p in publishers)


def _bare(name: str) -> str:
    """A publication's name as compared: "The Daily Courier" is "daily courier"."""
    return re.sub(r"^the\s+", "", " ".join(name.split()).casefold())


def split_authors(written: str, publishers: Iterable[str | None] = ()) -> list[str]:
    """The people an author field names: split at commas, semicolons, "and" and "&", its "By "
    dropped, and organisations (see :func:`is_organisation`) left out."""
    publishers = list(publishers)
    names: list[str] = []
    for part in _SEPARATORS.split(_BY.sub("", written.strip())):
        part = part.strip(" :")
        if not part:
            continue
        if _SUFFIX.fullmatch(part):
            if names:
                names[-1] = f"{names[-1]}, {part}"
        elif not is_organisation(part, publishers) and part not in names:
            names.append(part)
    return names


def byline_names(written: str, publishers: Iterable[str | None] = ()) -> list[str]:
    """The people a byline line names, after its "By": "Jane Doe and John Roe, Staff Writer"; only
    what reads as a person's name (capitalised words: "the end of the meeting" is none)."""
    return [name for name in split_authors(written, publishers) if _NAME.fullmatch(name) and not _ROLE.search(name)]


def byline(body: str, publishers: Iterable[str | None] = ()) -> tuple[list[str], str]:
    """Authors from a "By Jane Doe and John Roe" line among the first lines of an article, and the
    text without that line; no authors and the text as it was when there is none.

        >>> byline("By Kevin Aldridge, Staff Writer\n\nThe council met.")
        (['Kevin Aldridge'], '\nThe council met.')
    """
    publishers = list(publishers)
    lines = body.split("\n")
    seen = 0
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        seen += 1
        if seen > _OPENING_LINES:
            break
        match = _BYLINE.match(line.strip())
        if not match or len(line.split()) > 14:
            continue
        names = byline_names(match.group(1), publishers)
        if names:
            return names, "\n".join(lines[:i] + lines[i + 1 :])
    return [], body


def json_ld_authors(root: Any, publishers: Iterable[str | None] = ()) -> list[str]:
    """The people a page's JSON-LD (``<script type="application/ld+json">``) names as the authors of
    its article, a live blog's included; organisations left out."""
    publishers = list(publishers)
    names: list[str] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):
            continue
        for item in _ld_items(data):
            kinds = item.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds):
                names += [n for n in _ld_names(item.get("author"), publishers) if n not in names]
    return names


def _ld_items(data: Any) -> list[dict[str, Any]]:
    """The top-level objects of a JSON-LD block: one, a list, or a ``@graph``."""
    items = data if isinstance(data, list) else [data]
    found: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, dict):
            found.append(item)
            graph = item.get("@graph")
            found += [g for g in graph if isinstance(g, dict)] if isinstance(graph, list) else []
    return found


def _ld_names(author: Any, publishers: list[str | None]) -> list[str]:
    authors = author if isinstance(author, list) else [author]
    names: list[str] = []
    for one in authors:
        if isinstance(one, dict):
            if str(one.get("@type", "")).lower() == "organization":
                continue
            one = one.get("name")
        if isinstance(one, str):
            names += split_authors(one, publishers)
    return names
