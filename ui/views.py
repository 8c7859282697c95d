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

from corpus.chunker import unit_title
from corpus.loader import Document
from corpus.structure import Unit, UnitKind, citation_path, leaves
from corpus.text import fold
from qa.highlight import match_spans
from qa.query import Query
from qa.types import Answer, Hit
from ui.feedback import VERDICTS

ABSTAIN_HEADER = "Các đoạn gần nhất (có thể liên quan)"
UNDERSTOOD = "Hiểu là:"
_OUTLINED = (UnitKind.PART, UnitKind.CHAPTER, UnitKind.SECTION, UnitKind.ARTICLE, UnitKind.APPENDIX)
SOURCES_HEADER = "Nguồn"
GOTO_LABEL = "Xem trong văn bản"
EMPTY_CHAT = ("Hãy đặt một câu hỏi về các văn bản đã nạp, ví dụ \u201cchỉ tiêu hộ nghèo 2024\u201d. "
              "Có thể hỏi nối tiếp (\u201ccòn năm 2025?\u201d): câu hỏi được hiểu theo lượt trước và "
              "hiện rõ là đã hiểu thế nào.")
_QUESTION_SHOWN = 400  # characters of a (too long) question echoed back in the chat

_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """ASCII id fragment: "Điều 2 khoản 6" → "dieu-2-khoan-6"."""
    return _SLUG.sub("-", fold(text).lower()).strip("-")


@dataclass(frozen=True)
class Anchors:
    """Anchor ids of units in the Văn bản tab; every id starts with its document's slug."""

    prefixes: Mapping[str, str]

    @classmethod
    def for_documents(cls, doc_ids: Iterable[str]) -> Anchors:
        """One prefix per document (its slug), so ids never collide across documents."""
        return cls({d: _prefix(d) for d in doc_ids})

    def unit(self, doc_id: str, path: Sequence[str]) -> str:
        """Id of a unit: ``vb-31-nq-hdnd-2023--dieu-2-khoan-6``, ``…--phu-luc-muc-13``, ``…--chuong-ii``."""
        return self.prefixes.get(doc_id, _prefix(doc_id)) + (slug(" ".join(path)) or "van-ban")

    def document(self, doc_id: str) -> str:
        """Id of a document's heading."""
        return self.prefixes.get(doc_id, _prefix(doc_id)) + "van-ban"


def _prefix(doc_id: str) -> str:
    # "vb-" first: an id that starts with a digit ("31-…") is not a valid CSS selector.
    return f"vb-{slug(doc_id)}--"


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


def _answer_offsets(answer: Answer, hit: Hit) -> tuple[int, int] | None:
    """Where the answer (or one of its parts) is inside this cited passage, if it is there."""
    for span in [answer.span, *(p.span for p in answer.parts)]:
        if span is not None and span.chunk_id == hit.chunk.id and 0 <= span.start < span.end <= len(hit.chunk.text):
            return (span.start, span.end)
    return None


def goto_link(anchors: Anchors, hit: Hit, label: str = GOTO_LABEL) -> str:
    """Link to the unit in the Văn bản tab (the page script opens that document and scrolls)."""
    anchor = anchors.unit(hit.chunk.doc_id, hit.chunk.path)
    return (f'<a class="qa-goto" href="#{escape(anchor)}" data-anchor="{escape(anchor)}" '
            f'data-doc="{escape(hit.chunk.doc_id)}" title="{escape(GOTO_LABEL)}">{escape(label)}</a>')


def passage(hit: Hit, query: Query | None, answer_span: tuple[int, int] | None = None) -> str:
    """Render a passage block with highlights."""
    words = match_spans(hit.chunk.text, query) if query is not None else []
    return f'<div class="qa-passage">{highlight(hit.chunk.text, words, answer_span)}</div>'


def answer_html(answer: Answer, anchors: Anchors) -> str:
    """Render the answer (figure in bold first), one line per part, notes, then the cited passages.

    A follow-up completed from the conversation shows what it was understood as ("Hiểu là: …").
    """
    query = answer.query
    kind = "abstained" if answer.abstained else "answered"
    parts = [f'<div class="qa-answer {kind}">']
    if answer.understood:
        parts.append(f'<p class="qa-understood">{escape(UNDERSTOOD)} <i>{escape(answer.understood)}</i></p>')
    if answer.parts and not answer.abstained:
        parts.append('<ul class="qa-parts">')
        for part in answer.parts:
            if part.abstained:
                said = "văn bản không đề cập."
            elif part.figure:
                said = (f'<strong class="qa-figure">{escape(part.figure)}</strong> '
                        f'<span class="qa-part-cite">({escape(part.citation)})</span>')
            else:
                said = escape(part.answer)
            parts.append(f'<li class="qa-part"><span class="qa-part-q">{escape(part.question)}:</span> {said}</li>')
        parts.append("</ul>")
    elif answer.figure and not answer.abstained:
        parts.append(f'<p class="qa-lead"><strong class="qa-figure">{escape(answer.figure)}</strong></p>')
        rest = answer.text.strip().removeprefix(f"{answer.figure} — ").strip()  # the figure is shown above
        if rest and rest != answer.figure.strip():
            parts.append(f'<p class="qa-text">{escape(rest[:1].upper() + rest[1:])}</p>')
    else:
        parts.append(f'<p class="qa-lead qa-text">{escape(answer.text)}</p>')
    for note in answer.notes:
        parts.append(f'<p class="qa-note">⚠ {escape(note)}</p>')
    if answer.citations:
        header = ABSTAIN_HEADER if answer.abstained else SOURCES_HEADER
        parts.append(f'<div class="qa-sources-h">{escape(header)}</div><ol class="qa-cites">')
        for i, hit in enumerate(answer.citations, 1):
            span = _answer_offsets(answer, hit)
            parts.append(
                f'<li class="qa-cite"><details><summary><span class="qa-cite-n">[{i}]</span> '
                f'<span class="qa-cite-t">{escape(hit.chunk.citation)}</span></summary>'
                f'{passage(hit, query, span)}</details>{goto_link(anchors, hit)}</li>'
            )
        parts.append("</ol>")
    parts.append("</div>")
    return "".join(parts)


def hits_html(hits: Sequence[Hit], query: Query, anchors: Anchors, titles: Mapping[str, str] | None = None) -> str:
    """Search results grouped by document: citation (linking to the text), score, highlighted passage."""
    if not hits:
        return '<div class="qa-hits"><p class="qa-empty">Không tìm thấy đoạn nào phù hợp.</p></div>'
    parts = ['<div class="qa-hits">']
    ref = query.unit_ref
    if ref is not None and ref.path and hits[0].chunk.path[:len(ref.path)] == ref.path:
        parts.append(f'<p class="qa-jump">Đã chuyển thẳng tới <b>{escape(ref.label)}</b>.</p>')
    by_doc: dict[str, list[Hit]] = {}
    for hit in hits:
        by_doc.setdefault(hit.chunk.doc_id, []).append(hit)
    for doc_id, group in by_doc.items():
        if len(by_doc) > 1:
            title = (titles or {}).get(doc_id, doc_id)
            parts.append(f'<h4 class="qa-hits-doc">{escape(title)} <span class="qa-score">'
                         f"({len(group)} kết quả)</span></h4>")
        for hit in group:
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


def document_html(doc: Document, units: Sequence[Unit], anchors: Anchors) -> str:
    """One document: title, an outline (Phần / Chương / Điều / Phụ lục) and the text, one block per unit.

    Anchors come from the index's own units, the same structure the chunks were cut from.
    """
    parts = [f'<article class="qa-doc qa-document" id="{escape(anchors.document(doc.doc_id))}">',
             f"<h2>{escape(doc.title)}</h2>"]
    if doc.metadata.get("trich_yeu"):
        parts.append(f'<p class="qa-doc-sub">{escape(doc.metadata["trich_yeu"])}</p>')
    parts.append(_outline(doc, units, anchors))
    pos = 0
    for chain, start, end in leaves(doc.text, list(units)):
        gap = doc.text[pos:start]
        if gap.strip():
            parts.append(f'<div class="qa-unit">{_paragraphs(gap, False)}</div>')
        unit = chain[-1]
        anchor = anchors.unit(doc.doc_id, unit_path(chain))
        heading = unit.kind not in (UnitKind.PREAMBLE, UnitKind.CLOSING)
        parts.append(f'<section class="qa-unit qa-{unit.kind.value}" id="{escape(anchor)}">'
                     f"{_paragraphs(doc.text[start:end], heading)}</section>")
        pos = max(pos, end)
    if doc.text[pos:].strip():
        parts.append(f'<div class="qa-unit">{_paragraphs(doc.text[pos:], False)}</div>')
    parts.append("</article>")
    return "".join(parts)


def unit_path(chain: Sequence[Unit]) -> tuple[str, ...]:
    """The path an anchor is made of: the citation path ("Điều 8", "khoản 1"), or Phần/Chương/Mục."""
    cited = citation_path(tuple(chain))
    return cited or tuple(u.label for u in chain)


def _outline(doc: Document, units: Sequence[Unit], anchors: Anchors) -> str:
    """Links to the Phần, Chương, Mục, Điều and Phụ lục of a document (long lists folded)."""
    links = []
    for top in units:
        for ancestry, unit in top.walk():
            if unit.kind in _OUTLINED:
                chain = (*ancestry, unit)
                a = anchors.unit(doc.doc_id, unit_path(chain))
                depth = sum(u.kind in _OUTLINED for u in ancestry)
                title = unit_title(doc.text, unit)
                label = unit.label if title.startswith(unit.label) else f"{unit.label}. {title}"
                links.append(f'<li class="qa-toc-{depth}"><a href="#{escape(a)}" data-anchor="{escape(a)}">'
                             f"{escape(label[:90])}</a></li>")
    if not links:
        return ""
    open_attr = " open" if len(links) <= 40 else ""
    return (f'<details class="qa-toc"{open_attr}><summary>Mục lục ({len(links)})</summary>'
            f'<ul>{"".join(links)}</ul></details>')


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
