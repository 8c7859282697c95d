"""Answers on the real index: figures copied from cited passages, discrepancies, abstention."""

from __future__ import annotations

import re

import pytest

from corpus.figures import numbers
from eval.dataset import DEFAULT_QA, load_qa

pytestmark = pytest.mark.model


def _citation_numbers(answer) -> set[str]:
    # Numbers that belong to citation labels ("31/NQ-HĐND (06/12/2023), Điều 2, khoản 6").
    out: set[str] = set()
    for h in answer.citations:
        out |= set(numbers(h.chunk.citation))
    return out


def test_no_answer_contains_a_figure_missing_from_its_cited_passages(assistant):
    items = load_qa(DEFAULT_QA, list(assistant.index.documents.values()))
    extra = ["số hộ nghèo cần giảm", "bao nhiêu khách du lịch nội địa", "GRDP/người", "what is the CPI target"]
    for q in [i.question for i in items] + extra:
        ans = assistant.ask(q)
        cited = set()
        for h in ans.citations:
            cited |= set(numbers(h.chunk.text))
        stray = set(numbers(ans.text)) - cited - _citation_numbers(ans) - set(numbers(ans.question))
        assert not stray, (q, ans.text, stray)


def test_answer_span_points_at_the_figure(assistant):
    ans = assistant.ask("tỷ lệ bao phủ bảo hiểm y tế năm 2024")
    chunk = next(h.chunk for h in ans.citations if h.chunk.id == ans.span.chunk_id)
    assert chunk.text[ans.span.start:ans.span.end] == ans.figure == "94,5%"


@pytest.mark.parametrize(("question", "both"), [
    ("GRDP bình quân đầu người năm 2024", ("160,8-162", "160-162")),
    ("giảm tỷ lệ sinh con thứ 3 trở lên", ("0,15%", "0,1%")),
])
def test_figures_stated_differently_are_both_given(assistant, question, both):
    ans = assistant.ask(question)
    assert not ans.abstained
    assert ans.notes and "không thống nhất" in ans.notes[0]
    for fig in both:
        assert fig in ans.notes[0]
    sections = {h.chunk.path[0] for h in ans.citations}
    assert "Phụ lục" in sections and any(s.startswith("Điều") for s in sections)


def test_targets_are_structured(assistant):
    targets = assistant.targets
    assert [t.number for t in targets] == list(range(1, 25))
    by_no = {t.number: t for t in targets}
    assert by_no[13].values[0].value == "300-400" and by_no[13].values[0].unit == "hộ"
    assert by_no[5].values[0].comparator == "dưới"
    assert {v.value for v in by_no[20].values} == {"100", "95"}
    assert all(t.year == 2024 for t in targets)


@pytest.mark.parametrize("question", [
    "Tổng vốn đầu tư cho tuyến tàu điện ngầm số 9 là bao nhiêu?",
    "chỉ tiêu GRDP năm 2026",
])
def test_abstains_when_the_resolution_does_not_say(assistant, question):
    ans = assistant.ask(question)
    assert ans.abstained
    assert ans.text.startswith("Nghị quyết 31/NQ-HĐND (06/12/2023) không")  # names what was searched
    assert ans.citations  # the closest passages are still shown
    assert not re.search(r"\d+(,\d+)?%", ans.text)


def test_clause_lookup_answers_with_the_heading(assistant):
    ans = assistant.ask("khoản 9 Điều 2 nói gì")
    assert "phòng, chống tham nhũng" in ans.text and ans.answer_type == "clause"
    assert ans.citations[0].chunk.section == "Điều 2 khoản 9"
    missing = assistant.ask("Điều 9 quy định gì")
    assert missing.abstained and "không có Điều 9" in missing.text


def test_abbreviation_definition_is_quoted(assistant):
    ans = assistant.ask("ATTP là viết tắt của gì?")
    assert "an toàn thực phẩm" in ans.text and not ans.abstained


def test_a_list_question_takes_the_listing_over_the_definition(tmp_path):
    """"Những trường hợp nào là X": "X là …" defines it; "X bao gồm: a) … b) …" lists it.

    The real model ranks the definition first here, as it does on the laws.
    """
    from test_documents import LAW, _write

    from qa.assistant import Assistant

    law = LAW.replace("2. Cây cổ thụ là cây có tuổi từ 100 năm trở lên.",
                      "2. Cây cổ thụ là cây có tuổi từ 100 năm trở lên.\n\n3. Tình huống nguy hiểm cho cây xanh là "
                      "sự việc xảy ra khi cây xanh có nguy cơ gãy đổ, gây thiệt hại cho người và tài sản.")
    law = law.replace("Điều 6. Các hành vi bị nghiêm cấm", "Điều 7. Phòng ngừa tình huống nguy hiểm cho cây xanh\n\n"
                      "1. Tình huống nguy hiểm cho cây xanh bao gồm:\n\na) Bão có sức gió trên cấp 8;\n\n"
                      "b) Sạt lở đất quanh gốc cây.\n\n2. Ủy ban nhân dân cấp xã chủ trì phòng ngừa tình huống "
                      "nguy hiểm cho cây xanh.\n\nĐiều 6. Các hành vi bị nghiêm cấm")
    _write(tmp_path / "corpus", "luat-cay-xanh", law)
    assistant = Assistant.open(tmp_path / "index", tmp_path / "corpus")
    answer = assistant.ask("Những trường hợp nào được coi là tình huống nguy hiểm cho cây xanh?")
    assert "Bão có sức gió trên cấp 8" in answer.short and "Sạt lở đất" in answer.short, answer.text
