"""The Gradio chat UI: a thin shell over :func:`stream_answer`, the store and the ingest helpers.

Three tabs: Chat (streamed answers whose ``[n]`` markers link to a panel listing only
the cited articles, each passage highlighted in its surrounding text; date and source
filters; a new-chat button; example questions about what is stored), Ingest (files or
URLs, with progress and the summary; what is followed, and a button to check it now) and Library (the stored articles, each viewable
and deletable). :class:`NewsdeskUI` holds the handlers, :func:`build_ui` lays them out.
"""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

from assistant.chain import MAX_QUESTION_CHARS, Answer, stream_answer
from assistant.errors import NewsdeskError, NotFoundError
from assistant.follow import Follower, describe
from assistant.ingest_lock import WriterWait
from assistant.records import ArticleRecord, counted, find_articles
from assistant.retrieval import parse_filters
from assistant.services import Services
from assistant.timeframe import searched_dates
from assistant.ui.examples import example_questions
from assistant.ui.render import (
    EMPTY_SOURCES,
    LIBRARY_ROWS,
    WAITING,
    answer_html,
    article_html,
    error_html,
    escape_text,
    library_html,
    panel_html,
    sources_html,
    summary_html,
)
from assistant.uploads import ingest_uploads, summary_dict

logger = logging.getLogger(__name__)

Message = dict[str, str]
FOLLOW_REFRESH_SECONDS = 30  # how often an open page re-reads the library while sources are followed
UPLOAD_TYPES = [".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl", ".ndjson", ".xml", ".rss", ".atom"]


def article_label(record: ArticleRecord) -> str:
    """How an article is named in a picker: title — source, date."""
    meta = ", ".join(x for x in (record.source, record.published_at) if x)
    return f"{record.title} — {meta}" if meta else record.title


def _picker(records: Sequence[ArticleRecord], find: str | None) -> Any:
    """The article picker, offering the articles the library lists (those matching ``find``)."""
    shown = find_articles(records, find)[:LIBRARY_ROWS]
    return gr.Dropdown(choices=[(article_label(r), r.id) for r in shown], value=None)


class NewsdeskUI:
    """The UI's handlers over one set of services (plain Python, callable without a browser)."""

    def __init__(self, services: Services, follower: Follower | None = None) -> None:
        self.services = services
        self.follower = follower

    def follow_status(self) -> str:
        """What is followed and the last check, as HTML (empty when nothing is)."""
        if self.follower is None:
            return ""
        status = self.follower.status()
        sources = "".join(f"<li>{html.escape(source)}</li>" for source in status["sources"])
        last = self.follower.last
        when = describe(last) if last else "not checked yet"
        every = self.services.settings.follow_every
        return (
            f'<div class="nd-follow"><b>Following</b>, every {html.escape(every)}:<ul>{sources}</ul>'
            f"Last check: {html.escape(when)}</div>"
        )

    def check_now(self) -> str:
        """Check the followed sources now: the status after it."""
        if self.follower is not None:
            self.follower.check()
        return self.follow_status()

    def article_text(self, article_id: str) -> str | None:
        """An article's stored text, or None if it is gone."""
        try:
            return self.services.store.get_article_text(article_id)
        except NotFoundError:
            return None

    def respond(
        self,
        question: str,
        history: list[Message],
        display: list[Message],
        answers: list[str],
        since: str,
        until: str,
        sources: list[str] | None,
    ) -> Iterator[tuple[Any, ...]]:
        """Stream an answer: yields (chat, question box, history, display, sources panel, answers).

        ``answers`` holds each answer's sources; the panel shows the latest, and a marker of an
        earlier answer links to that answer's own."""
        question = (question or "").strip()
        if not question:
            yield display, "", history, display, gr.skip(), answers
            return
        display = [
            *display,
            {"role": "user", "content": escape_text(question)},
            {"role": "assistant", "content": WAITING},
        ]
        yield display, "", history, display, gr.skip(), answers
        streamed, final, n = "", None, len(answers)
        try:
            parse_filters(since, until, labels=("From", "To"))  # the fields' own names in any message
            for item in stream_answer(
                question,
                history=history,
                since=(since or "").strip() or None,
                until=(until or "").strip() or None,
                source=list(sources or []) or None,
                services=self.services,
            ):
                if isinstance(item, Answer):
                    final = item
                else:
                    streamed += item
                    display[-1] = {"role": "assistant", "content": answer_html(streamed, answer=n)}
                    yield display, gr.skip(), history, display, gr.skip(), answers
        except NewsdeskError as exc:
            display[-1] = {"role": "assistant", "content": error_html(str(exc))}
            yield display, gr.skip(), history, display, gr.skip(), answers
            return
        if final is None:  # stream_answer always ends with the Answer; guard against a silent change
            return
        notes = list(final.notes)
        if final.date_range and not final.refused:  # "this week", "yesterday": the dates the question meant
            notes.insert(0, f"Searched articles dated {searched_dates(final.date_range)}.")
        display[-1] = {"role": "assistant", "content": answer_html(final.answer, final.citations, n, notes)}
        history = [*history, {"role": "user", "content": question}, {"role": "assistant", "content": final.answer}]
        answers = [*answers, sources_html(final, self.article_text, n)]
        yield display, gr.skip(), history, display, panel_html(answers), answers

    def new_chat(self) -> tuple[Any, ...]:
        """Forget the conversation: (chat, question box, history, display, sources panel, answers)."""
        return [], "", [], [], EMPTY_SOURCES, []

    def listing(self, find: str | None = "") -> Any:
        """The library table alone, as it is now: the articles matching ``find``."""
        try:
            return library_html(self.services.store.list_articles(), find)
        except NewsdeskError as exc:
            logger.warning("cannot read the library: %s", exc)
            return gr.skip()

    def find(self, find: str | None) -> tuple[Any, ...]:
        """The articles matching ``find``: (library table, article picker offering them)."""
        try:
            records = self.services.store.list_articles()
        except NewsdeskError as exc:
            gr.Warning(f"Cannot read the library: {exc}")
            return gr.skip(), gr.skip()
        return library_html(records, find), _picker(records, find)

    def library(self, find: str | None = "") -> tuple[Any, ...]:
        """Refresh everything that lists articles: (library, article picker, source filter, examples)."""
        try:
            records = self.services.store.list_articles()
        except NewsdeskError as exc:
            gr.Warning(f"Cannot read the library: {exc}")
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        sources = sorted({r.source for r in records if r.source}, key=str.casefold)
        samples = [[q] for q in example_questions(records)]
        return (
            library_html(records, find),
            _picker(records, find),
            gr.Dropdown(choices=sources),
            gr.Dataset(samples=samples, visible=bool(samples)),
        )

    def ingest(self, files: Sequence[str] | None, urls: str, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
        """Ingest uploaded files and pasted URLs: (summary, cleared file box, cleared URL box)."""
        uploads = [(Path(path).name, Path(path).read_bytes()) for path in files or []]
        url_list = [line.strip() for line in (urls or "").splitlines() if line.strip()]
        if not uploads and not url_list:
            return '<div class="nd-summary nd-empty">Choose files or paste URLs first.</div>', gr.skip(), gr.skip()
        progress(0, desc="Ingesting")
        # While another writer holds the store, the progress line says whom this ingest waits for.
        wait = WriterWait.up_to(
            self.services.settings.write_wait,
            on_wait=lambda message: progress(0, desc=message[:1].upper() + message[1:]),
        )
        try:
            summary = ingest_uploads(
                self.services,
                uploads,
                url_list,
                progress=lambda done, total: progress((done, total), desc="Ingesting", unit="articles"),
                wait=wait,
            )
        except NewsdeskError as exc:
            return error_html(str(exc), "Could not ingest"), gr.skip(), gr.skip()
        return summary_html(summary_dict(summary)), None, ""

    def show(self, article_id: str | None) -> str:
        """One article in full, or nothing."""
        if not article_id:
            return ""
        try:
            return article_html(
                self.services.store.get_article(article_id), self.services.store.get_article_text(article_id)
            )
        except NewsdeskError as exc:
            return error_html(str(exc), "Could not show the article")

    def confirm_delete(self, article_id: str | None) -> tuple[Any, ...]:
        """The first step of a delete: (status line asking to confirm, the confirm button shown)."""
        if not article_id:
            return '<div class="nd-empty">Choose an article first.</div>', gr.Button(visible=False)
        try:
            record = self.services.store.get_article(article_id)
        except NewsdeskError as exc:
            return error_html(str(exc), "Could not delete"), gr.Button(visible=False)
        question = f"Delete “{escape_text(record.title)}” and its {counted(record.chunk_count, 'passage')}? This cannot be undone."
        return f'<div class="nd-confirm">{question}</div>', gr.Button(visible=True)

    def delete(self, article_id: str | None) -> tuple[Any, ...]:
        """Delete the chosen article: (status line, the confirm button hidden)."""
        if not article_id:
            return '<div class="nd-empty">Choose an article first.</div>', gr.Button(visible=False)
        try:
            record = self.services.store.get_article(article_id)
            removed = self.services.store.delete_article(
                article_id, wait=WriterWait.up_to(self.services.settings.write_wait)
            )
        except NewsdeskError as exc:
            return error_html(str(exc), "Could not delete"), gr.Button(visible=False)
        deleted = f"Deleted “{escape_text(record.title)}” ({counted(removed, 'passage')})."
        return f'<div class="nd-deleted">{deleted}</div>', gr.Button(visible=False)


def build_ui(services: Services, follower: Follower | None = None) -> gr.Blocks:
    """The chat UI over ``services``, ready to mount (see :mod:`assistant.serve`); with ``follower``,
    the Ingest tab shows what is followed and can check it now."""
    ui = NewsdeskUI(services, follower)
    with gr.Blocks(title="newsdesk", analytics_enabled=False) as blocks:
        gr.Markdown("## newsdesk\nAsk questions of the stored news articles; every answer cites its sources.")
        history = gr.State([])
        display = gr.State([])
        answers = gr.State([])
        with gr.Tabs():
            # In reading order, which is the order Tab and a screen reader take: the answers, their
            # sources, then the question box and the other controls. A desktop lays them out in two
            # columns, the sources beside the answers (see CSS); a phone stacks them.
            with gr.Tab("Chat", id="chat"), gr.Column(elem_id="nd-chat-tab"):
                with gr.Column(elem_id="nd-conversation"):
                    chat = gr.Chatbot(
                        elem_id="nd-chat",
                        label="Answers",
                        show_label=False,  # the label floats over the first message once the chat scrolls
                        height=460,
                        sanitize_html=True,
                        render_markdown=True,
                        feedback_options=None,
                        buttons=["copy"],
                        group_consecutive_messages=False,
                        placeholder="Ask about the stored articles; answers cite them as [1], [2]…",
                    )
                with gr.Column(elem_id="nd-side"):
                    gr.Markdown("**Sources**", elem_id="nd-sources-heading")
                    panel = gr.HTML(EMPTY_SOURCES, elem_id="nd-sources")
                with gr.Column(elem_id="nd-controls"):
                    with gr.Row(elem_id="nd-ask-row"):
                        question = gr.Textbox(
                            label="Question",  # what a screen reader names it (hidden on screen)
                            elem_id="nd-question",
                            show_label=False,
                            placeholder="Ask a question about the stored articles",
                            scale=5,
                            max_lines=4,
                            max_length=MAX_QUESTION_CHARS,
                        )
                        ask = gr.Button("Ask", variant="primary", elem_id="nd-ask", scale=1)
                    examples = gr.Dataset(
                        elem_id="nd-examples", label="Examples", components=[question], samples=[], visible=False
                    )
                    new_chat = gr.Button("New chat", elem_id="nd-new-chat", size="sm")
                    with gr.Accordion("Filters", open=False, elem_id="nd-filters"):
                        since = gr.Textbox(label="From (YYYY-MM-DD)", elem_id="nd-since", max_lines=1)
                        until = gr.Textbox(label="To (YYYY-MM-DD)", elem_id="nd-until", max_lines=1)
                        source = gr.Dropdown(label="Sources", multiselect=True, choices=[], elem_id="nd-source")
            with gr.Tab("Ingest", id="ingest"):
                files = gr.File(label="Files", file_count="multiple", file_types=UPLOAD_TYPES, elem_id="nd-files")
                urls = gr.Textbox(label="URLs of pages or feeds, one per line", lines=3, elem_id="nd-urls")
                ingest = gr.Button("Ingest", variant="primary", elem_id="nd-ingest")
                summary = gr.HTML(elem_id="nd-summary")
                following = gr.HTML(elem_id="nd-following", visible=follower is not None)
                check = gr.Button("Check followed sources now", elem_id="nd-check", visible=follower is not None)
            with gr.Tab("Library", id="library"):
                find = gr.Textbox(
                    label="Find",
                    placeholder="Words of a title, a source, a date or an id",
                    max_lines=1,
                    elem_id="nd-find",
                )
                listing = gr.HTML(elem_id="nd-library")
                with gr.Row():
                    picked = gr.Dropdown(label="Article", choices=[], elem_id="nd-article", scale=4)
                    delete = gr.Button("Delete", variant="stop", elem_id="nd-delete", scale=1)
                status = gr.HTML(elem_id="nd-status")
                confirm = gr.Button("Yes, delete it", variant="stop", elem_id="nd-confirm", visible=False, size="sm")
                article = gr.HTML(elem_id="nd-article-view")

        chat_outputs = [chat, question, history, display, panel, answers]
        chat_inputs = [question, history, display, answers, since, until, source]
        library_outputs = [listing, picked, source, examples]
        private: dict[str, Any] = {"api_visibility": "private"}
        question.submit(ui.respond, chat_inputs, chat_outputs, **private)
        ask.click(ui.respond, chat_inputs, chat_outputs, **private)
        examples.click(lambda sample: sample[0], examples, question, **private).then(
            ui.respond, chat_inputs, chat_outputs, **private
        )
        new_chat.click(ui.new_chat, None, chat_outputs, **private)
        chat.clear(ui.new_chat, None, chat_outputs, **private)
        ingest.click(ui.ingest, [files, urls], [summary, files, urls], **private).then(
            ui.library, find, library_outputs, **private
        )
        files.upload(lambda: "", None, summary, **private)  # the last summary, or a nudge, is out of date
        picked.change(ui.show, picked, article, **private)
        picked.input(lambda: ("", gr.Button(visible=False)), None, [status, confirm], **private)
        delete.click(ui.confirm_delete, picked, [status, confirm], **private)
        confirm.click(ui.delete, picked, [status, confirm], **private).then(
            ui.library, find, library_outputs, **private
        )
        find.change(ui.find, find, [listing, picked], trigger_mode="always_last", **private)
        check.click(ui.check_now, None, following, **private).then(ui.library, find, library_outputs, **private)
        if follower is not None:  # what a scheduled check ingested shows without a reload
            refresh = gr.Timer(FOLLOW_REFRESH_SECONDS)
            refresh.tick(ui.follow_status, None, following, **private).then(
                ui.listing, find, listing, **private
            )  # the listing only: a picker or filter being used is left alone
        blocks.load(ui.library, None, library_outputs, **private)
        blocks.load(ui.follow_status, None, following, **private)
    return blocks
