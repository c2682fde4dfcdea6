"""Who wrote an article: the people an author field or a byline names, organisations left out.

A byline names the authors and at most adds a role, an outlet and a date, in the languages news
sites write it: "By Jane Roe, Staff Writer", "By JANE ROE | Updated 3:45 PM ET, Tue June 3, 2025",
"Par Marie Dupont et Jean Martin", "Von Anna Schmidt und Peter Braun", "Por Ana López y Luis Gil",
"Di Giulia Bianchi e Marco Rossi".

>>> split_authors("By Jane Doe and John Roe, Global Wire")
['Jane Doe', 'John Roe']
>>> read_byline("By SAMPLE DESK, June 23, 2025")
Byline(authors=['Sample Desk'], published=datetime.date(2025, 6, 23))
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple

from ingest.dates import is_month_name, is_weekday_name, read_date_line


class Byline(NamedTuple):
    """What a byline says: the people it names (organisations left out) and the date it gives."""

    authors: list[str]
    published: date | None


# "By", and as sites in other languages write it: French "Par", German "Von", Spanish and
# Portuguese "Por", Italian "Di". All but "By" are ordinary words and name particles too ("Von
# Trier", "Di Maio"), so what follows must read as people's names.
_LEAD = re.compile(r"^(?:by|par|von|por|di)(?:\s*:\s*|\s+)", re.I)
_BY = re.compile(r"^\W*by\s+", re.I)
_SEPARATORS = re.compile(r"\s*[,;|]\s*")  # between the parts of an author field
# Between names: "&", "and", "et", "und"; "y" and "e" only between two whole names, for they
# also join one ("José Ortega y Gasset").
_JOINS = re.compile(r"\s*&\s*|\s+(?:and|et|und)\s+", re.I)
_Y_OR_E = re.compile(r"\s+(y|e)\s+", re.I)
# A byline's parts: the names, then an outlet, a role or a date ("By Jane Roe | Reuters | June 3, 2025").
_SEGMENTS = re.compile(r"\s*[|•·]\s*|\s+[—–-]\s+|\s+/\s+")
_SUFFIX = re.compile(r"(?:jr|sr|ii|iii|iv)\.?", re.I)  # "John Roe, Jr." is one name
# "et al." after the names stands for others, no one's name: "By Jane Roe et al.", "Jane Roe, et al";
# "et Al" before a name is French for "and Al" ("Par Marie Dupont et Al Gore").
_ET_AL = re.compile(r"(?:^|,?\s+)et\.?\s+al(?:ii|ia)?(?:\.|(?=\s*(?:[,;|•·]|[—–-]\s|$)))", re.I)
# Words that make a name an organisation's, not a person's: a wire, an agency, a newsroom. The
# agencies' initials count in capitals only ("Rhys ap Gruffydd" is a person).
_ORGANISATION = re.compile(
    r"\b(?:wire|wires|news|press|agency|agencies|reuters|staff|newsroom)\b|\b(?-i:AP|AFP|UPI|DPA|PA)\b", re.I
)
# In a byline, what follows the names: "Staff Writer", "Harbour Post", "Crime Reporter"; the jobs
# among them are never a person's name, wherever they stand ("By Our Correspondent").
_ROLE = re.compile(
    r"\b(?:writer|reporter|correspondent|editor|staff|press|news|times|post|desk|wire|contributor|columnist)\b", re.I
)
_JOB = re.compile(r"\b(?:writer|reporter|correspondent|editor|contributor|columnist)\b", re.I)
_DATE_WORD = re.compile(r"(?:published|updated|posted):?", re.I)  # "Updated 3:45 PM ET, Tue June 3, 2025"
# Lower-case words inside a name: "Anna van der Berg", "Rhys ap Tomos", "José Ortega y Gasset".
_PARTICLES = frozenset(
    {"de", "del", "della", "der", "den", "di", "du", "da", "das", "dos", "do", "van", "von", "la", "le", "zu"}
    | {"bin", "al", "ap", "ten", "ter", "y"}
)
_NAME_WORD = re.compile(r"(?:[dl]['’])?([^\W\d_])(?:[^\W\d_]|[.'’-])*")  # "Jane", "O'Neill", "J.", "d'Estaing"
_BYLINE_WORDS = 16  # a longer line is a paragraph, whatever it starts with
_OPENING_LINES = 3  # a byline sits among the first lines: the headline, the byline, a dateline
_ARTICLE_TYPES = re.compile(r"(?:article|posting|report)$", re.I)  # NewsArticle, LiveBlogPosting, Report


def is_organisation(name: str, publishers: Iterable[str | None] = ()) -> bool:
    """True for a name that is an organisation's: a wire or agency ("Global Wire", "Reuters",
    "AP"), "Staff", or the publication itself (one of ``publishers``)."""
    return bool(_ORGANISATION.search(name)) or any(p and _bare(p) == _bare(name) for p in publishers)


def _bare(name: str) -> str:
    """A publication's name as compared: "The Daily Courier" is "daily courier"."""
    return re.sub(r"^the\s+", "", " ".join(name.split()).casefold())


def _is_name_word(word: str) -> bool:
    match = _NAME_WORD.fullmatch(word)
    return match is not None and match.group(1).isupper()


def _is_person(name: str) -> bool:
    """True for what reads as a person's name: two to six capitalised words, particles between
    them ("Anna van der Berg", "José Ortega y Gasset"), no weekday ("Tuesday Night")."""
    words = name.split()
    return (
        2 <= len(words) <= 6
        and _is_name_word(words[0])
        and _is_name_word(words[-1])
        and all(_is_name_word(w) or w in _PARTICLES for w in words[1:-1])
        and not any(is_weekday_name(w) for w in words)
    )


def _is_organisation_name(name: str, publishers: list[str | None]) -> bool:
    """An organisation's name written as one: capitalised words, "the" before them ("Reuters", "the
    Associated Press"), and an organisation's (see :func:`is_organisation`)."""
    words = re.sub(r"^the\s+", "", name, flags=re.I).split()
    return 1 <= len(words) <= 6 and all(_is_name_word(w) for w in words) and is_organisation(name, publishers)


def _capitalised(word: str) -> str:
    """A run of letters of a name in capitals, capitalised: "Roe", and "McDonald", for Mc always
    takes a capital after it. "Mac" is left: "MacDonald" and "Macdonald" are both names, as are "Mack"
    and "Macy"."""
    return f"Mc{word[2:].capitalize()}" if len(word) > 2 and word.startswith("mc") else word.capitalize()


def _title_case(name: str) -> str:
    """A name written in capitals as it is written otherwise: "ANNA VAN DER BERG" is "Anna van der
    Berg", "JEAN-PIERRE O'NEILL" is "Jean-Pierre O'Neill", "MARY MCDONALD" is "Mary McDonald"; any
    other name as it is."""
    words = name.split()
    if len(words) < 2 or any(c.islower() for c in name):
        return name
    cased = []
    for i, word in enumerate(words):
        lower = word.lower()
        if 0 < i < len(words) - 1 and lower in _PARTICLES and lower != "di":  # Italian writes "Di Maio"
            cased.append(lower)
        elif re.fullmatch(r"i{1,3}|iv", lower):
            cased.append(word)
        else:
            cased.append(re.sub(r"[^\W\d_]+", lambda m: _capitalised(m.group(0)), lower))
    return " ".join(cased)


def _split_names(written: str) -> list[str]:
    """Names joined by "and", "et", "und", "&", "y" or "e": "Ana López y Luis Gil" is two, "José
    Ortega y Gasset" one."""
    names: list[str] = []
    for run in _JOINS.split(written):
        parts = _Y_OR_E.split(run)
        current = parts[0]
        for joiner, part in zip(parts[1::2], parts[2::2], strict=True):
            if len(current.split()) >= 2 and len(part.split()) >= 2:
                names.append(current)
                current = part
            else:
                current = f"{current} {joiner} {part}"
        names.append(current)
    return [name.strip() for name in names if name.strip()]


def _is_date_or_time(part: str) -> bool:
    """A part of an author field that is a date or a time, not a name: "June 23", "2025", "3:45 PM
    ET", "Updated", "Tue June" (a date whose figures were stripped)."""
    words = part.split()
    return any(c.isdigit() for c in part) or all(
        is_month_name(w) or is_weekday_name(w) or _DATE_WORD.fullmatch(w) for w in words
    )


def _is_sentence(part: str) -> bool:
    """Words of a sentence, not a name: "Tuesday the river had risen"."""
    return sum(1 for w in part.split() if w[:1].islower() and w not in _PARTICLES) >= 3


def split_authors(written: str, publishers: Iterable[str | None] = ()) -> list[str]:
    """The people an author field names: split at commas, semicolons, "and", "et", "und", "&" (and
    "y", "e" between two names), its "By" ("Par", "Von", "Por", "Di") and "et al." dropped, names
    in capitals written as names are; organisations (see :func:`is_organisation`), dates, times
    and, after the first name, roles ("Jane Roe, Correspondent") left out."""
    publishers = list(publishers)
    written = _ET_AL.sub("", _BY.sub("", written.strip()))
    lead = _LEAD.match(written)
    if lead and _is_person((_split_names(_SEPARATORS.split(written[lead.end() :])[0]) or [""])[0]):
        written = written[lead.end() :]  # "Par Marie Dupont"; but "Von Trier", "Di Maio" are names
    names: list[str] = []
    for part in (name for piece in _SEPARATORS.split(written) for name in _split_names(piece)):
        part = part.strip(" :")
        if not part or _is_date_or_time(part) or _is_sentence(part):
            continue
        if _SUFFIX.fullmatch(part):
            if names:
                names[-1] = f"{names[-1]}, {part}"
        elif is_organisation(part, publishers) or (names and _ROLE.search(part)):
            continue
        elif _title_case(part) not in names:
            names.append(_title_case(part))
    return names


def read_byline(line: str, publishers: Iterable[str | None] = (), marked: bool = False) -> Byline | None:
    """The byline a line is and nothing else: "By" (or "Par", "Von", "Por", "Di") and people's
    names, then at most a role, an outlet and a date or time ("By Jane Roe and John Doe, Associated
    Press", "Par MARIE DUPONT | Le Monde", "By Jane Roe | Updated 3:45 PM ET, Tue June 3, 2025");
    None for any other line ("By Tuesday the river had risen."). A ``marked`` line is known to be a
    byline (a page's byline element): its "By" may be missing."""
    line = _ET_AL.sub("", " ".join(line.split()).strip("*_ "))
    words = line.split()
    if not words or len(words) > _BYLINE_WORDS:
        return None
    if re.fullmatch(r"[^\W\d_]{3,}[.!?]", words[-1]) and words[-1][:-1].islower():  # "... had risen."
        return None
    publishers = list(publishers)
    lead = _LEAD.match(line)
    if lead:
        found = _read_names_and_date(line[lead.end() :].lstrip(" |•·—–-"), publishers)
        if found is not None or not marked:
            return found
    return _read_names_and_date(line, publishers) if marked else None


def _read_names_and_date(written: str, publishers: list[str | None]) -> Byline | None:
    """The names a byline's first part gives, and the date any part gives; None when the first
    part does not begin with people's names (or an agency's)."""
    authors: list[str] = []
    published: date | None = None
    for index, segment in enumerate(_SEGMENTS.split(written)):
        segment, day = _take_date(segment)
        published = published or day
        if index > 0:
            continue  # an outlet, a role, a time: said, and no one's name
        for number, piece in enumerate(p.strip() for p in segment.split(",")):
            if number > 0 and _SUFFIX.fullmatch(piece) and authors:
                authors[-1] = f"{authors[-1]}, {piece}"
                continue
            people = _people(piece, publishers, first=number == 0)
            if people is None:
                if number == 0:
                    return None
                break  # a role or an outlet after the names: "Staff Writer", "Harbour Post"
            authors += [p for p in people if p not in authors]
    return Byline(authors, published)


def _take_date(segment: str) -> tuple[str, date | None]:
    """A byline's part without the date it ends with ("Sample Desk, June 23, 2025", "Updated 3:45
    PM ET, Tue June 3, 2025"), and that date."""
    for start in [0, *(m.end() for m in re.finditer(r"\s+", segment))]:
        day = read_date_line(segment[start:])
        if day is not None:
            return segment[:start].rstrip(" ,"), day
    return segment, None


def _people(written: str, publishers: list[str | None], first: bool) -> list[str] | None:
    """The people a run of names names ("Jane Roe and John Doe"), agencies and jobs left out; None
    when it is not names, or (``first`` false) is a role or an outlet ("Harbour Post")."""
    people: list[str] = []
    for name in _split_names(written) or [""]:
        if _is_organisation_name(name, publishers):
            continue
        if not _is_person(name) or (not first and _ROLE.search(name)):
            return None
        if not _JOB.search(name):  # "By Our Correspondent": a byline, no one's name
            people.append(_title_case(name))
    return people


def byline(body: str, publishers: Iterable[str | None] = ()) -> tuple[Byline | None, str]:
    """The byline among the first lines of an article (see :func:`read_byline`), and the text
    without that line; None and the text as it was when there is none.

        >>> byline("By Kevin Aldridge, Staff Writer\n\nThe council met.")
        (Byline(authors=['Kevin Aldridge'], published=None), '\nThe council met.')
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
        found = read_byline(line, publishers)
        if found is not None:
            return found, "\n".join(lines[:i] + lines[i + 1 :])
    return None, body


# A page's byline: an element whose class or id names it ("byline", "article-byline", "author-name").
_BYLINE_MARKS = {"byline", "bylines", "byl", "author", "authors", "authorname"}
_BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "br", "section", "header", "footer", "time"}


def _is_byline_element(element: Any) -> bool:
    if not isinstance(element.tag, str):
        return False
    marks = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return (
        any(word in _BYLINE_MARKS for word in re.split(r"[\s_-]+", marks))
        or "author" in (element.get("itemprop") or "").lower()
        or (element.get("rel") or "").lower() == "author"
    )


def _element_line(element: Any) -> str:
    """An element's text as one line, its blocks and ``<time>`` kept apart: "By Jane Roe | June 3, 2025"."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        apart = " | " if node.tag.lower() in _BLOCK_TAGS else " "
        parts.extend((apart, node.text or ""))
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            parts.append(child.tail or "")
        parts.append(apart)

    walk(element)
    return re.sub(r"(?:\s*\|)+\s*", " | ", " ".join("".join(parts).split())).strip(" |")


def byline_element(root: Any, publishers: Iterable[str | None] = ()) -> Byline | None:
    """What a page's byline element says (an element whose class or id says "byline" or "author",
    or whose ``itemprop`` or ``rel`` does), read as a byline whose "By" may be missing: the people
    it names and the date it gives; the first that names anyone, None when none does."""
    publishers = list(publishers)
    for element in root.iter():
        if _is_byline_element(element):
            found = read_byline(_element_line(element), publishers, marked=True)
            if found is not None and found.authors:
                return found
    return None


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
