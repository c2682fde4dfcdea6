"""HTML for the chat UI: answers with linked ``[n]`` markers, the sources panel, the library.

Everything taken from articles (titles, sources, text, urls) is escaped here, so it
shows as text and never runs; only http(s) urls become links. The UI module passes
these strings to Gradio as they are.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from assistant.chain import Answer
from assistant.citations import Citation
from assistant.records import ArticleRecord, counted, find_articles
from ingest.articles import UPLOAD_PREFIX

_MARKER = re.compile(r"\[(\d+)\]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")
CONTEXT_CHARS = 320
FOR_CHARS = 200  # of the question shown over its sources
LIBRARY_ROWS = 200  # articles listed (and offered to pick) at once: a newsroom's archive holds thousands

EMPTY_SOURCES = '<div class="nd-sources nd-empty">The sources of an answer appear here.</div>'
# in the answer's place until its first words come (an LLM's first reply comes whole, a reasoning model's after its thoughts)
WAITING = '<span class="nd-waiting">Finding the answer in the articles…</span>'


def escape_text(text: str) -> str:
    """Text shown as itself inside Markdown: Markdown punctuation backslash-escaped, HTML escaped."""
    return html.escape(_MARKDOWN_SPECIAL.sub(r"\\\1", text), quote=False)


def safe_url(url: str | None) -> str | None:
    """The url, attribute-escaped, when it is an http(s) link; None otherwise (javascript:, data:, ...)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return html.escape(url.strip(), quote=True)


def describe(citation: Citation) -> str:
    """'Title — Source, date' for a citation (plain text)."""
    p = citation.passage
    meta = ", ".join(x for x in (p.source, p.published_at) if x)
    return f"{p.title} — {meta}" if meta else p.title


def card_id(answer: int, n: int) -> str:
    """The element id of source ``n`` of the conversation's ``answer``-th answer (from 0)."""
    return f"nd-a{answer}-source-{n}"


def marker_html(n: int, citation: Citation | None, answer: int = 0) -> str:
    """One ``[n]`` marker: a link to its source card (of its own answer), its title as a tooltip."""
    if citation is None:
        return f'<span class="nd-cite">[{n}]</span>'
    title = html.escape(describe(citation), quote=True)
    return f'<a class="nd-cite" href="#{card_id(answer, n)}" title="{title}">[{n}]</a>'


def answer_html(text: str, citations: Sequence[Citation] = (), answer: int = 0, notes: Sequence[str] = ()) -> str:
    """An answer for the chat: text escaped, each ``[n]`` linked to its source, then any notes
    (the dates searched instead, the filters that left nothing)."""
    by_n = {c.n: c for c in citations}
    out, last = [], 0
    for match in _MARKER.finditer(text):
        out.append(escape_text(text[last : match.start()]))
        n = int(match.group(1))
        out.append(marker_html(n, by_n.get(n), answer))
        last = match.end()
    out.append(escape_text(text[last:]))
    out.extend(f'\n\n<span class="nd-note">Note: {escape_text(note)}</span>' for note in notes)
    return "".join(out)


def error_html(message: str, failed: str = "Could not answer") -> str:
    """An error shown in place of an answer (or of what ``failed`` says could not be done)."""
    return f'<span class="nd-error">{escape_text(failed)}: {escape_text(message)}</span>'


def _merge(spans: Sequence[Sequence[int]], low: int, high: int) -> list[tuple[int, int]]:
    clipped = sorted((max(low, int(s)), min(high, int(e))) for s, e in spans)
    merged: list[tuple[int, int]] = []
    for start, end in clipped:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marked(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    out, position = [], start
    for s, e in spans:
        out.append(html.escape(text[position:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        position = e
    out.append(html.escape(text[position:end]))
    return "".join(out)


def context_html(text: str, start: int, end: int, highlights: Sequence[Sequence[int]]) -> str:
    """The passage inside its surrounding text, the supporting sentences marked."""
    if not (0 <= start < end <= len(text)):
        return ""
    before = max(0, start - CONTEXT_CHARS)
    after = min(len(text), end + CONTEXT_CHARS)
    if before > 0:
        space = text.find(" ", before, start)
        before = space + 1 if space != -1 else start
    if after < len(text):
        space = text.rfind(" ", end, after)
        after = space if space != -1 else end
    spans = _merge(highlights, start, end) or [(start, end)]
    return (
        ("…" if before > 0 else "")
        + html.escape(text[before:start])
        + f'<span class="nd-passage">{_marked(text, start, end, spans)}</span>'
        + html.escape(text[end:after])
        + ("…" if after < len(text) else "")
    )


def _title_html(title: str, url: str | None) -> str:
    link = safe_url(url)
    text = html.escape(title or "(untitled)")
    if link:
        return f'<a href="{link}" target="_blank" rel="noopener noreferrer nofollow">{text}</a>'
    return text


def _meta_html(source: str | None, published_at: str | None) -> str:
    return html.escape(" · ".join(x for x in (source, published_at) if x))


def source_card(citations: Sequence[Citation], article_text: str | None, answer: int = 0) -> str:
    """One cited article: its numbers, title (linked), source and date, and each quoted passage in
    context. Passages of one article cited apart ([1], [3]) share its card: one article, one
    source. The card is the target of its first marker, each further passage of the others'."""
    first = citations[0]
    p = first.passage
    quotes = []
    for citation in citations:
        q = citation.passage
        context = context_html(article_text or "", q.start, q.end, citation.highlights) if article_text else ""
        if not context:
            context = f'<span class="nd-passage"><mark>{html.escape(q.quote)}</mark></span>'
        anchor = "" if citation is first else f' id="{card_id(answer, citation.n)}"'
        quotes.append(f'<blockquote class="nd-context"{anchor}>{context}</blockquote>')
    numbers = "".join(f'<span class="nd-n">[{c.n}]</span>' for c in citations)
    return (
        f'<article class="nd-source" id="{card_id(answer, first.n)}" data-n="{" ".join(str(c.n) for c in citations)}">'
        f"<header>{numbers} {_title_html(p.title, p.url)}</header>"
        f'<div class="nd-meta">{_meta_html(p.source, p.published_at)}</div>' + "".join(quotes) + "</article>"
    )


def sources_html(result: Answer, article_text: Callable[[str], str | None], answer: int = 0) -> str:
    """The sources of the conversation's ``answer``-th answer: only the cited articles, one card
    each, in the order first cited, under the question they answer (a long one shortened)."""
    asked = result.question if len(result.question) <= FOR_CHARS else result.question[:FOR_CHARS].rstrip() + "…"
    question = f'<div class="nd-for">For: {html.escape(asked)}</div>'
    if not result.citations:
        reason = "the articles don't cover this question" if result.refused else "the answer cites no article"
        return (
            f'<div class="nd-sources nd-empty" data-answer="{answer}">{question}'
            f"No sources: {html.escape(reason)}.</div>"
        )
    by_article: dict[str, list[Citation]] = {}
    for citation in result.citations:
        by_article.setdefault(citation.passage.article_id, []).append(citation)
    cards = [source_card(cited, article_text(article_id), answer) for article_id, cited in by_article.items()]
    return f'<div class="nd-sources" data-answer="{answer}">{question}' + "".join(cards) + "</div>"


def panel_html(answers: Sequence[str]) -> str:
    """The sources panel: every answer's sources, the latest shown; a marker of an earlier answer
    shows that answer's (see ``HEAD``)."""
    if not answers:
        return EMPTY_SOURCES
    hidden = [f'<div class="nd-answer-sources" hidden>{a}</div>' for a in answers[:-1]]
    return "".join([*hidden, f'<div class="nd-answer-sources">{answers[-1]}</div>'])


def library_html(records: Sequence[ArticleRecord], find: str | None = "", rows: int = LIBRARY_ROWS) -> str:
    """The stored articles as a table: those matching ``find``, the ``rows`` newest of them."""
    find = find or ""  # a Find box the page has not drawn yet (a tab not opened) sends None
    if not records:
        return '<div class="nd-library nd-empty">No articles yet: add some in the Ingest tab.</div>'
    found = find_articles(records, find)
    if not found:
        return f'<div class="nd-library nd-empty">No article matches “{html.escape(find.strip())}”.</div>'
    count = counted(len(records), "article")
    said = f"{len(found)} of {count} match “{html.escape(find.strip())}”" if find.strip() else count
    if len(found) > rows:
        said += f"; the {rows} newest are listed (find narrows them)"
    table = "".join(
        "<tr>"
        f"<td>{_title_html(r.title, r.url)}</td>"
        f"<td>{html.escape(r.source or '')}</td>"
        f"<td>{html.escape(r.published_at or '')}</td>"
        f"<td>{r.chunk_count}</td>"
        f"<td><code>{html.escape(r.id)}</code></td>"
        "</tr>"
        for r in found[:rows]
    )
    return (
        f'<div class="nd-library"><p>{said}</p>'
        '<div class="nd-table"><table>'
        "<thead><tr><th>title</th><th>source</th><th>date</th><th>passages</th><th>id</th></tr></thead>"
        f"<tbody>{table}</tbody></table></div></div>"
    )


def article_html(record: ArticleRecord, text: str) -> str:
    """One article in full, as stored."""
    return (
        '<div class="nd-article">'
        f"<h3>{_title_html(record.title, record.url)}</h3>"
        f'<div class="nd-meta">{_meta_html(record.source, record.published_at)}</div>'
        f'<div class="nd-article-text">{html.escape(text)}</div>'
        "</div>"
    )


def summary_html(summary: dict[str, Any]) -> str:
    """An ingest summary: the counts, each failure with its reason, the articles touched."""
    line = (
        f"added {summary['added']}, updated {summary['updated']}, unchanged {summary['unchanged']}, "
        f"failed {len(summary['failed'])}; {counted(summary['chunks'], 'passage')} written in {summary['seconds']:.1f} s"
    )
    failures = "".join(
        f"<li><b>{html.escape(f['source'].removeprefix(UPLOAD_PREFIX))}</b>: {html.escape(f['error'])}</li>"
        for f in summary["failed"]
    )
    warnings = "".join(
        f"<li><b>{html.escape(w['source'].removeprefix(UPLOAD_PREFIX))}</b>: {html.escape(w['warning'])}</li>"
        for w in summary.get("warnings", [])
    )
    articles = "".join(
        f"<li>{html.escape(a.get('status', ''))}{' (a copy of an article already stored)' if a.get('copy_of') else ''}"
        f": {html.escape(a.get('title', ''))}</li>"
        for a in summary.get("articles", [])
    )
    return (
        f'<div class="nd-summary"><p>{html.escape(line)}</p>'
        + (f'<p>Failed:</p><ul class="nd-failed">{failures}</ul>' if failures else "")
        + (f'<p>Warnings:</p><ul class="nd-warnings">{warnings}</ul>' if warnings else "")
        + (f'<p>Articles:</p><ul class="nd-articles">{articles}</ul>' if articles else "")
        + "</div>"
    )


CSS = """
.nd-cite { font-size: 0.8em; vertical-align: super; text-decoration: none; font-weight: 600;
  padding: 0 0.15em; border-radius: 3px; background: var(--color-accent-soft); color: var(--color-accent); }
.nd-sources .nd-source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.6em 0.8em;
  margin-bottom: 0.6em; transition: box-shadow 0.3s; }
.nd-source.nd-flash, .nd-source.nd-hover { box-shadow: 0 0 0 3px var(--color-accent); }
.nd-source header { font-weight: 600; }
.nd-n { color: var(--color-accent); margin-right: 0.2em; }
.nd-meta { color: var(--body-text-color); opacity: 0.78; font-size: 0.9em; margin: 0.2em 0 0.4em; }
.nd-context { position: relative; white-space: pre-wrap; margin: 0; padding-left: 0.6em; border-left: 3px solid var(--border-color-primary);
  font-size: 0.9em; max-height: 16em; overflow-y: auto; }
.nd-passage { background: var(--background-fill-secondary); }
.nd-context mark { background: #fde68a; color: #1f2937; }
.nd-empty { color: var(--body-text-color-subdued); }
.nd-error { color: var(--error-text-color); }
.nd-waiting { color: var(--body-text-color); opacity: 0.78; animation: nd-pulse 1.6s ease-in-out infinite; }
@keyframes nd-pulse { 50% { opacity: 0.55; } }
@media (prefers-reduced-motion: reduce) { .nd-waiting { animation: none; } }
.nd-for { color: var(--body-text-color); opacity: 0.78; font-size: 0.9em; margin-bottom: 0.4em; }
.nd-note { color: var(--body-text-color); opacity: 0.78; font-size: 0.95em; }
.nd-sources, .nd-for, .nd-context { overflow-wrap: anywhere; }
.nd-context + .nd-context { margin-top: 0.5em; }
.nd-library td:nth-child(3) { white-space: nowrap; }
.nd-table { overflow-x: auto; }
.nd-library table { width: 100%; border-collapse: collapse; }
@media (max-width: 640px) { .nd-library td:nth-child(5), .nd-library th:nth-child(5) { display: none; } }
.nd-library td, .nd-library th { text-align: left; padding: 0.25em 0.5em; border-bottom: 1px solid var(--border-color-primary); }
.nd-article-text { white-space: pre-wrap; max-height: 24em; overflow-y: auto; }
/* The chat tab's parts come in reading order (answers, sources, question box and controls). From
   768px wide they sit in two columns: the answers with the controls under them, the sources
   beside both. Narrower, they stack in that order. */
@media (min-width: 768px) {
  #nd-chat-tab { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); grid-template-rows: auto 1fr;
    align-items: start; }
  #nd-conversation { grid-column: 1; grid-row: 1; }
  #nd-side { grid-column: 2; grid-row: 1 / span 2; }
  #nd-controls { grid-column: 1; grid-row: 2; }
}
"""

# Clicking a marker shows the sources of its own answer (an earlier answer's are kept, hidden),
# scrolls to its card and flashes it; hovering one outlines the card. Each quoted passage's box
# opens scrolled to its first highlighted sentence. Where the chat tab is stacked (a phone, see
# CSS) the question box sits under the last answer's sources: asking (Enter, Ask, an example)
# brings the conversation back into view, so the new answer is seen as it arrives, its sources under it.
HEAD = """
<script>
(() => {
  const card = (event) => {
    const link = event.target.closest && event.target.closest("a.nd-cite");
    const anchor = link && document.getElementById((link.getAttribute("href") || "").slice(1));
    return link ? [link, anchor && (anchor.closest(".nd-source") || anchor), anchor] : [null, null, null];
  };
  const reveal = (root) => {
    root.querySelectorAll(".nd-context:not([data-revealed])").forEach((box) => {
      const mark = box.querySelector("mark");
      if (!mark || !box.offsetParent) return;  // not laid out yet (a hidden answer's sources)
      box.scrollTop = Math.max(0, mark.offsetTop - 24);
      box.dataset.revealed = "1";
    });
  };
  document.addEventListener("click", (event) => {
    const [link, target, anchor] = card(event);
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    if (!target) return;
    const group = target.closest(".nd-answer-sources");
    if (group && group.hidden) {
      group.parentElement.querySelectorAll(".nd-answer-sources").forEach((el) => { el.hidden = el !== group; });
    }
    reveal(group || target);
    (anchor || target).scrollIntoView({behavior: "smooth", block: "nearest"});
    target.classList.add("nd-flash");
    setTimeout(() => target.classList.remove("nd-flash"), 1500);
  }, true);
  document.addEventListener("mouseover", (event) => {
    const [, target] = card(event);
    document.querySelectorAll(".nd-source.nd-hover").forEach((el) => el !== target && el.classList.remove("nd-hover"));
    if (target) target.classList.add("nd-hover");
  });
  const showConversation = () => {
    const chat = document.getElementById("nd-chat");
    const tab = document.getElementById("nd-chat-tab");
    if (!chat || !tab || getComputedStyle(tab).display === "grid") return;  // side by side: in view
    if (chat.getBoundingClientRect().top < 0) chat.scrollIntoView({behavior: "smooth", block: "start"});
  };
  const asking = () => !!(document.querySelector("#nd-question textarea")?.value || "").trim();
  document.addEventListener("keydown", (event) => {
    const inBox = event.target.closest && event.target.closest("#nd-question");
    if (inBox && event.key === "Enter" && !event.shiftKey && !event.isComposing && asking()) showConversation();
  }, true);
  document.addEventListener("click", (event) => {
    const control = event.target.closest && event.target.closest("#nd-ask, #nd-examples button");
    if (control && (control.id !== "nd-ask" || asking())) showConversation();
  }, true);
  new MutationObserver(() => reveal(document)).observe(document.documentElement, {childList: true, subtree: true});
})();
</script>
"""
