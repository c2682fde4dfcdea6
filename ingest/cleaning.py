"""Text cleaning: Unicode normalised, whitespace collapsed, page furniture dropped."""

from __future__ import annotations

import re
import unicodedata

# Bidi overrides/isolates and zero-width characters: invisible, and a known way to
# make text read differently from what it says.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\u00ad"),
    None,
)
# Unicode tag characters (U+E0000-U+E007F): invisible letters that can smuggle text past a
# reader to a language model.
_INVISIBLE.update(dict.fromkeys(range(0xE0000, 0xE0080)))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Halves of UTF-16 pairs on their own ("\ud800" in JSON): no character at all, and text holding
# one cannot be encoded, embedded or stored.
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

# Lines that are page furniture, not reporting. Matched against a whole, short line.
_FURNITURE = re.compile(
    r"""^(?:
        comments?(?:\s*\(\d+\))? | post\s+a\s+comment | leave\s+a\s+(?:comment|reply) | add\s+a\s+comment
      | \d+\s+comments? | no\s+comments(?:\s+yet)? | show\s+comments | view\s+comments
      | share(?:\s+this(?:\s+(?:article|story|page|post))?)?(?:\s+(?:on|via|to|with)\s+[\w ,&]{1,40})? | tweet | email | print
      | advertisement | sponsored(?:\s+content)? | ad
      | related(?:\s+(?:articles?|stories|posts|content|coverage))? | read\s+more | more\s+stories
      | recommended(?:\s+for\s+you)? | you\s+may\s+also\s+like | trending(?:\s+now)?
      | subscribe(?:\s+now)? | sign\s+up(?:\s+for\s+.{0,60})? | newsletter | follow\s+us(?:\s+on\s+.{0,40})?
      | tags?\s*:.{0,200} | topics?\s*:.{0,200} | filed\s+under\s*:?.{0,200}
      | (?:copyright\s+)?©.{0,120} | copyright\s+\d{4}.{0,120} | all\s+rights\s+reserved\.?
      | back\s+to\s+top | skip\s+to\s+(?:main\s+)?content | loading\.{0,3} | click\s+here.{0,60}
    )[\s.!:]*$""",
    re.IGNORECASE | re.VERBOSE,
)
# A standalone "Advertisement" can sit anywhere in scraped text; so can the line WordPress feeds
# close each post with ("The post Harbour dredging to begin appeared first on Coastline Gazette.").
_INLINE_FURNITURE = re.compile(
    r"^(?:advertisement|ad|sponsored content|story continues below(?: advertisement)?"
    r"|the post [^\n]{1,300} appeared first on [^\n]{1,120})$",
    re.I,
)

# A line that speaks to the reader about a newsletter or their data: sign-up boxes and consent
# notices scraped with the page ("We will use the details you have shared to manage your
# registration...", "Get '5 Things' in your inbox", "A version of this story appeared in CNN's
# What Matters newsletter. To get it in your inbox, sign up for free here."). Not reporting, and
# a digest took one for an article's opening sentence.
_ADDRESSED = re.compile(r"\byou(?:r)?\b", re.I)
_SIGN_UP = re.compile(
    r"privacy (?:policy|notice)|\binbox\b|\byour (?:data|registration|subscription)\b|\bdetails you have shared\b"
    r"|\b(?:sign(?:ed)? up|subscri\w*|receive|like to get)\b.{0,80}\bnewsletter\b"
    r"|\bnewsletter\b.{0,80}\b(?:sign(?:ed)? up|subscri\w*|provides you|delivered)\b"
    r"|\bappeared in\b.{0,60}\bnewsletter\b|\bsubscri\w*\b.{0,100}\bhere\b",
    re.I,
)
# A call to action, addressed to the reader by the imperative alone: "Sign up for our trending
# newsletter", "Subscribe here!", "Follow us on Facebook!", "Support quality journalism like
# this?", "This coverage will help you stay updated". A sentence must begin with the verb, so
# reporting that a town "asked residents to sign up for alerts" is kept.
_CALL_TO_ACTION = re.compile(
    r"(?:^|[.!?:]\s*)(?:sign up|subscribe|register)\b.{0,80}?\b(?:our|here|now|newsletters?|texts?|emails?|alerts?)\b"
    r"|(?:^|[.!?:]\s*)follow us\b|\blike our page\b|\bsupport (?:quality )?journalism like this\b"
    r"|\b(?:keep|help) you (?:stay )?(?:updated|informed|posted|up to date)\b",
    re.I,
)
# A consent notice saying who "we" are: "'We' includes The Gazette and other brands as detailed here."
_WE_DEFINED = re.compile(
    r"""^\s*['‘"“]we['’"”],?\s+(?:includes?|means|refers to)\b.{0,200}"""
    r"\b(?:brands?|titles|publications|companies|affiliates|subsidiaries)\b",
    re.I,
)
# A link to another story, on a line of its own: "More:Storm closes schools", "Read more: ...",
# "More on the vote: ...", "OPINION:Why the vote matters", "Photo gallery: Dozens killed in plane
# crash.", "Live updates: Rescuers pull victims from roofs". Pages paste them between paragraphs;
# they are not the article's reporting, and quoted as an answer they say something else.
_STORY_LINK = re.compile(
    r"^(?:more|read\s+more|read\s+this|related|see\s+also|also\s+read|watch|listen|previously|opinion|analysis|"
    r"explainer|timeline|live\s+updates?|(?:photo\s+)?gallery|photos|pictures|in\s+pictures|slideshow)"
    r"(?:\s+(?:on|about)\s+[^:]{1,60})?\s*:\s*\S.{0,200}$",
    re.I,
)
# A correction under a section's label ("Opinion: A Nov. 6 column misspelled the author's surname."):
# a corrections page's entries are its reporting, not links.
_CORRECTION = re.compile(
    r"\b(?:misspell|misstat|misidentif|misquot|misattribut|incorrect|erroneous|should have (?:said|been|read)|"
    r"(?:previous|prior|earlier) version|editing error|as (?:stated|reported) in)",
    re.I,
)
# "Label:Headline": a label of up to 14 words glued to a headline ("OPINION:Why the vote matters", "'A huge
# windfall':Automakers look to hire", "Federal officials:Civil rights investigation opened.", "What happens
# if the US hits the debt ceiling?:Here's what to expect if we reach debt limit."), as
# pages paste links to other stories. Reporting puts a space after a colon. A glued line without a
# sentence's closing stop is a link whatever its label; one with a stop is, when short, unless its
# label is a place's name ("Springfield:The council voted on Monday to ...", a dateline) or what
# follows is a quotation ('Ferry operator:"We will run a reduced service."').
_GLUED = re.compile(r"^(?P<label>[^\s:][^:\n]{0,80}?) ?:(?P<text>[A-Z\"“‘'][^\n]{2,})$")
_DATELINE_LABEL = re.compile(r"(?:St\. )?[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}")
_QUOTATION = re.compile(r"^[\"“][^\n]*[\"”]$")


# Bullets and pictographs that open a line ("• Colorado: ...", "►Baby formula shortage ...",
# "👉 Can he be impeached?"): list marks and decoration, quoted as part of a sentence otherwise.
_BULLETS = frozenset("•‣⁃◦∙·")
_KEPT_SYMBOLS = frozenset("©®℗™°")  # they say something: a copyright line, a trademark, a temperature


def drop_surrogates(text: str) -> str:
    """``text`` without lone UTF-16 surrogates."""
    return _SURROGATE.sub("", text)


def normalize_text(text: str) -> str:
    """Normalise Unicode (NFKC), drop control and invisible characters, collapse whitespace."""
    text = drop_surrogates(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = _CONTROL.sub(" ", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    out: list[str] = []
    for line in lines:
        if line:
            out.append(line)
    return "\n".join(out)


def drop_furniture(text: str) -> str:
    """Drop trailing page furniture (comments, share, tags, copyright), standalone ad labels, links
    to other stories and newsletter or consent boxes."""
    lines = [
        line
        for line in text.split("\n")
        if not (_INLINE_FURNITURE.match(line) or _is_story_link(line) or _is_sign_up(line))
    ]
    while lines and len(lines[-1]) <= 240 and _FURNITURE.match(lines[-1]):
        lines.pop()
    return "\n".join(lines)


def drop_line_marks(text: str) -> str:
    """Each line without the bullets and pictographs it opens with; lines with no letter or
    digit at all (separators such as "___", "♦", "* * *") left out."""
    lines = []
    for line in text.split("\n"):
        start = 0
        while start < len(line) and _is_mark(line[start]):
            start += 1
        line = line[start:].lstrip() if start else line
        if any(ch.isalnum() for ch in line):
            lines.append(line)
    return "\n".join(lines)


def _is_mark(char: str) -> bool:
    """A list bullet, a pictograph or what goes with one (a skin tone, a variation selector)."""
    if char in _BULLETS:
        return True
    if char in _KEPT_SYMBOLS:
        return False
    return unicodedata.category(char) == "So" or "\U0001f3fb" <= char <= "\U0001f3ff" or "\ufe00" <= char <= "\ufe0f"


def _is_sign_up(line: str) -> bool:
    """A newsletter sign-up, a call to follow or subscribe or a data-consent notice addressed to the
    reader, not reporting; or the notice's note of who "we" are ("'We' includes the Gazette and its
    sister titles")."""
    if len(line) > 500:
        return False
    return bool(
        _WE_DEFINED.match(line) or _CALL_TO_ACTION.search(line) or (_ADDRESSED.search(line) and _SIGN_UP.search(line))
    )


def _is_story_link(line: str) -> bool:
    """A line that links to another story ("More:Storm closes schools") rather than reporting.
    A longer line is a paragraph, whatever it starts with: it is not run through the patterns."""
    if len(line) > 260 or _CORRECTION.search(line):
        return False
    return bool(_STORY_LINK.match(line) or _is_glued_headline(line))


def _is_glued_headline(line: str) -> bool:
    glued = _GLUED.match(line)
    if glued is None or len(glued["label"].split()) > 14:
        return False
    if not line.endswith((".", "!", '"', "”")):
        return True
    return len(line) <= 200 and not _DATELINE_LABEL.fullmatch(glued["label"]) and not _QUOTATION.match(glued["text"])


def clean_text(text: str) -> str:
    """The cleaned article text that is chunked, stored and cited into."""
    return drop_furniture(drop_line_marks(normalize_text(text)))


def collapse_inline(text: str) -> str:
    """A single-line value (title, source, author): normalised and on one line."""
    return " ".join(normalize_text(text).split())
