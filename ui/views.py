"""HTML for the app: answers, search hits, the full text with anchors, the chat log.

Everything that comes from a document, a question or a user goes through
:func:`html.escape`; the only markup is the one written here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from typing import Any

from corpus.loader import Document
from corpus.structure import leaves, parse_structure
from corpus.text import fold
from qa.highlight import match_spans
from qa.query import Query
from qa.types import Answer, Hit
from ui.feedback import VERDICTS

ABSTAIN_HEADER = "Các đoạn gần nhất (có thể liên quan)"
SOURCES_HEADER = "Nguồn"
GOTO_LABEL = "Xem trong văn bản"
EMPTY_CHAT = ("Hãy đặt một câu hỏi về Nghị quyết, ví dụ \u201cchỉ tiêu hộ nghèo 2024\u201d. "
              "Mỗi câu hỏi được trả lời độc lập, kèm trích dẫn điều khoản.")
_QUESTION_SHOWN = 400  # characters of a (too long) question echoed back in the chat

_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """ASCII id fragment: "Điều 2 khoản 6" → "dieu-2-khoan-6"."""
    return _SLUG.sub("-", fold(text).lower()).strip("-")


@dataclass(frozen=True)
class Anchors:
    """Anchor ids of units in the Văn bản tab; the first document's ids carry no prefix."""

    prefixes: Mapping[str, str]

    @classmethod
    def for_documents(cls, doc_ids: Iterable[str]) -> Anchors:
        """Prefix every document but the first with its own slug, so ids never collide."""
        ids = list(doc_ids)
        return cls({d: ("" if i == 0 else f"{slug(d)}--") for i, d in enumerate(ids)})

    def unit(self, doc_id: str, path: Sequence[str]) -> str:
        """Id of a unit: ``dieu-2-khoan-6``, ``phu-luc-muc-13``, ``phan-mo-dau``."""
        return self.prefixes.get(doc_id, f"{slug(doc_id)}--") + (slug(" ".join(path)) or "van-ban")

    def document(self, doc_id: str) -> str:
        """Id of a document's heading."""
        return self.prefixes.get(doc_id, f"{slug(doc_id)}--") + "van-ban"


def highlight(text: str, words: Sequence[tuple[int, int]] = (),
              answer: tuple[int, int] | None = None) -> str:
    """Escaped ``text``: the answer in one ``<mark class="ans">``, query words in ``<mark class="qw">``."""
    cuts = {0, len(text)}
    for a, b in words:
        cuts.update((a, b))
    if answer:
        cuts = {c for c in cuts if not answer[0] < c < answer[1]} | set(answer)
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    out: list[str] = []
    for a, b in pairwise(points):
        piece = escape(text[a:b])
        if answer and answer[0] <= a < answer[1]:
            out.append(f'<mark class="ans">{piece}</mark>')
        elif any(s <= a < e for s, e in words):
            out.append(f'<mark class="qw">{piece}</mark>')
        else:
            out.append(piece)
    return "".join(out)


def _answer_offsets(answer: Answer, hit: Hit, first: bool) -> tuple[int, int] | None:
    """Where the answer is inside this cited passage, if it is there."""
    span = answer.span
    if span is not None:
        if span.chunk_id == hit.chunk.id and 0 <= span.start < span.end <= len(hit.chunk.text):
            return (span.start, span.end)
        return None
    if first and answer.figure and not answer.abstained:
        pos = hit.chunk.text.find(answer.figure)
        if pos >= 0:
            return (pos, pos + len(answer.figure))
    return None


def goto_link(anchors: Anchors, hit: Hit, label: str = GOTO_LABEL) -> str:
    """Link to the unit in the Văn bản tab (the page script switches tab and scrolls)."""
    anchor = anchors.unit(hit.chunk.doc_id, hit.chunk.path)
    return (f'<a class="qa-goto" href="#{escape(anchor)}" data-anchor="{escape(anchor)}" '
            f'title="{escape(GOTO_LABEL)}">{escape(label)}</a>')


def passage(hit: Hit, query: Query | None, answer_span: tuple[int, int] | None = None) -> str:
    """Render a passage block with highlights."""
    words = match_spans(hit.chunk.text, query) if query is not None else []
    return f'<div class="qa-passage">{highlight(hit.chunk.text, words, answer_span)}</div>'


def answer_html(answer: Answer, query: Query | None, anchors: Anchors) -> str:
    """Render the answer (figure in bold first), notes, then numbered expandable citations."""
    kind = "abstained" if answer.abstained else "answered"
    parts = [f'<div class="qa-answer {kind}">']
    if answer.figure and not answer.abstained:
        parts.append(f'<p class="qa-lead"><strong class="qa-figure">{escape(answer.figure)}</strong></p>')
        if answer.text.strip() and answer.text.strip() != answer.figure.strip():
            parts.append(f'<p class="qa-text">{escape(answer.text)}</p>')
    else:
        parts.append(f'<p class="qa-lead qa-text">{escape(answer.text)}</p>')
    for note in answer.notes:
        parts.append(f'<p class="qa-note">⚠ {escape(note)}</p>')
    if answer.citations:
        header = ABSTAIN_HEADER if answer.abstained else SOURCES_HEADER
        parts.append(f'<div class="qa-sources-h">{escape(header)}</div><ol class="qa-cites">')
        for i, hit in enumerate(answer.citations, 1):
            span = _answer_offsets(answer, hit, first=i == 1)
            parts.append(
                f'<li class="qa-cite"><details><summary><span class="qa-cite-n">[{i}]</span> '
                f'<span class="qa-cite-t">{escape(hit.chunk.citation)}</span></summary>'
                f'{passage(hit, query, span)}</details>{goto_link(anchors, hit)}</li>'
            )
        parts.append("</ol>")
    parts.append("</div>")
    return "".join(parts)


def hits_html(hits: Sequence[Hit], query: Query, anchors: Anchors) -> str:
    """Search results: citation (linking to the text), score, highlighted passage."""
    if not hits:
        return '<div class="qa-hits"><p class="qa-empty">Không tìm thấy đoạn nào phù hợp.</p></div>'
    parts = ['<div class="qa-hits">']
    ref = query.unit_ref
    if ref is not None and ref.path and hits[0].chunk.path[:len(ref.path)] == ref.path:
        parts.append(f'<p class="qa-jump">Đã chuyển thẳng tới <b>{escape(ref.label)}</b>.</p>')
    for hit in hits:
        parts.append(
            f'<div class="qa-hit"><div class="qa-hit-h"><span class="qa-cite-n">[{hit.rank}]</span> '
            f'{goto_link(anchors, hit, hit.chunk.citation)} '
            f'<span class="qa-score">điểm {hit.score:.3f}</span></div>{passage(hit, query)}</div>'
        )
    parts.append("</div>")
    return "".join(parts)


def error_html(message: str) -> str:
    """Render a user-facing error line."""
    return f'<div class="qa-error">⚠ {escape(message)}</div>'


def _paragraphs(text: str, heading_first: bool) -> str:
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    out = []
    for i, line in enumerate(lines):
        cls = ' class="qa-unit-h"' if heading_first and i == 0 else ""
        out.append(f"<p{cls}>{escape(line)}</p>")
    return "".join(out)


def document_html(docs: Sequence[Document], anchors: Anchors) -> str:
    """Every document in full, paragraph by paragraph, one anchored block per Điều/khoản/mục."""
    parts = ['<div class="qa-doc">']
    for doc in docs:
        sections = parse_structure(doc.text)
        parts.append(f'<article class="qa-document" id="{escape(anchors.document(doc.doc_id))}">')
        parts.append(f"<h2>{escape(doc.title)}</h2>")
        if doc.metadata.get("trich_yeu"):
            parts.append(f'<p class="qa-doc-sub">{escape(doc.metadata["trich_yeu"])}</p>')
        toc = [f'<a href="#{escape(a)}" data-anchor="{escape(a)}">{escape(s.label)}</a>'
               for s in sections for a in [anchors.unit(doc.doc_id, (s.label,))]]
        if toc:
            parts.append(f'<nav class="qa-toc">Mục lục: {" · ".join(toc)}</nav>')
        pos = 0
        for ancestry, start, end in leaves(doc.text, sections):
            gap = doc.text[pos:start]
            if gap.strip():
                parts.append(f'<div class="qa-unit">{_paragraphs(gap, False)}</div>')
            unit = ancestry[-1]
            anchor = anchors.unit(doc.doc_id, tuple(s.label for s in ancestry))
            heading = unit.kind in ("dieu", "khoan", "phuluc")
            parts.append(f'<section class="qa-unit qa-{unit.kind}" id="{escape(anchor)}">'
                         f"{_paragraphs(doc.text[start:end], heading)}</section>")
            pos = max(pos, end)
        tail = doc.text[pos:]
        if tail.strip():
            parts.append(f'<div class="qa-unit">{_paragraphs(tail, False)}</div>')
        parts.append("</article>")
    parts.append("</div>")
    return "".join(parts)


def shown_question(question: str) -> str:
    """Return the question as echoed in the chat (very long ones cut)."""
    if len(question) > _QUESTION_SHOWN:
        return question[:_QUESTION_SHOWN] + f"… ({len(question):,} ký tự)"
    return question


def feedback_bar(turn: int, verdict: str | None) -> str:
    """Đúng / Sai buttons under an answer, or the recorded verdict."""
    if verdict:
        return (f'<div class="qa-fb qa-fb-done">Đã ghi nhận đánh giá: <b>{escape(verdict)}</b>. '
                f"Cảm ơn bạn!</div>")
    buttons = "".join(
        f'<button type="button" class="qa-fb-btn" data-turn="{turn}" data-verdict="{escape(v)}">'
        f"{escape(label)}</button>" for v, label in VERDICTS.items()
    )
    return f'<div class="qa-fb">Câu trả lời này: {buttons}</div>'


def chat_html(turns: Sequence[Mapping[str, Any]]) -> str:
    """Render the conversation: each question, its answer (or error) and feedback buttons."""
    if not turns:
        return f'<div class="qa-chat"><p class="qa-empty">{escape(EMPTY_CHAT)}</p></div>'
    parts = ['<div class="qa-chat">']
    for i, turn in enumerate(turns):
        parts.append(f'<div class="qa-turn" data-turn="{i}">'
                     f'<div class="qa-q"><span class="qa-who">Hỏi:</span> '
                     f'{escape(shown_question(str(turn["question"])))}</div>{turn["html"]}')
        if turn.get("record") is not None:
            parts.append(feedback_bar(i, turn.get("verdict")))
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def status_html(text: str, ready: bool, failed: bool) -> str:
    """Banner shown while the index is opened or built."""
    cls = "qa-status-err" if failed else ("qa-status-ok" if ready else "qa-status-busy")
    return f'<div class="qa-status {cls}">{escape(text)}</div>'
