"""Small documents written here: law structure, every answer type, references, relations, years.

Everything runs on the fake embedder: these pin behaviour that must not depend on the model
(what is parsed, what is extracted, what is cited), on texts no eval question was written from.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import LAWS

from corpus.loader import Document, load_corpus
from corpus.structure import UnitKind, citation_path, parse_structure
from index.embedders import HashEmbedder
from index.store import build_index
from qa.assistant import Assistant
from qa.glossary import Glossary
from qa.query import AnswerType, Filters

LAW = """QUỐC HỘI

Luật số: 99/2024/QH15

LUẬT THỬ NGHIỆM QUẢN LÝ CÂY XANH

Chương I
QUY ĐỊNH CHUNG

Điều 1. Phạm vi điều chỉnh

Luật này quy định về trồng, chăm sóc và quản lý cây xanh đô thị.

Điều 2. Giải thích từ ngữ

Trong Luật này, các từ ngữ dưới đây được hiểu như sau:

1. Cây xanh đô thị là cây được trồng trên đất công cộng trong đô thị.

2. Cây cổ thụ là cây có tuổi từ 100 năm trở lên.

Chương II
TRỒNG VÀ CHĂM SÓC CÂY

Điều 3. Thời hạn cấp phép

1. Cơ quan cấp phép phải trả lời trong thời hạn 10 ngày làm việc kể từ ngày nhận đủ hồ sơ.

2. Giấy phép chặt hạ cây có thời hạn 01 năm.

Điều 4. Hồ sơ đề nghị chặt hạ cây

Hồ sơ đề nghị chặt hạ cây gồm:

a) Đơn đề nghị chặt hạ;

b) Ảnh chụp cây cỡ 3 cm x 4 cm;

c) Bản vẽ vị trí cây.

Điều 5. Trách nhiệm quản lý

1. Ủy ban nhân dân cấp tỉnh chịu trách nhiệm quản lý cây xanh trên địa bàn.

2. Tổ chức, cá nhân không được tự ý chặt hạ cây xanh đô thị.

Điều 6. Các hành vi bị nghiêm cấm

1. Đốt lá cây trên vỉa hè.

2. Đổ chất thải vào gốc cây.

Điều 10a. Cây trồng ưu tiên

1. Trồng cây có bóng mát.

2. Trồng cây theo thứ tự ưu tiên:

a) Cây có hoa;

b) Cây bản địa có rễ cọc.

Chương III
ĐIỀU KHOẢN THI HÀNH

Điều 11. Hiệu lực thi hành

Luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2025.

Luật này đã được Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam khóa XV, kỳ họp thứ 8 thông qua ngày 20 tháng 11 năm 2024.

CHỦ TỊCH QUỐC HỘI

Trần Văn An

PHỤ LỤC I
DANH MỤC CÂY CẤM TRỒNG

1. Cây có độc tố.

2. Cây dễ gãy đổ.

PHỤ LỤC II
DANH MỤC CÂY KHUYẾN KHÍCH TRỒNG

1. Cây sao đen.

2. Cây dầu rái.
"""

AMENDMENT = """QUỐC HỘI

Luật số: 120/2025/QH15

LUẬT SỬA ĐỔI LUẬT THỬ NGHIỆM QUẢN LÝ CÂY XANH

Điều 1. Sửa đổi Luật số 99/2024/QH15

Sửa đổi khoản 2 Điều 3 Luật số 99/2024/QH15 như sau: Giấy phép chặt hạ cây có thời hạn 02 năm.

Điều 2. Hiệu lực thi hành

Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2026.
"""


def _plan(year: int, poor: str) -> str:
    return f"""HỘI ĐỒNG NHÂN DÂN
TỈNH THỬ NGHIỆM

Số: {year - 2000}/NQ-HĐND

NGHỊ QUYẾT

VỀ KẾ HOẠCH PHÁT TRIỂN KINH TẾ - XÃ HỘI NĂM {year}

Điều 1. Thông qua kế hoạch năm {year}

Thông qua các chỉ tiêu chủ yếu tại Phụ lục kèm theo.

Điều 2. Tổ chức thực hiện

Giao Ủy ban nhân dân tỉnh tổ chức thực hiện Nghị quyết.

Nghị quyết này đã được Hội đồng nhân dân tỉnh thông qua ngày 10 tháng 12 năm {year - 1}.

CHỦ TỊCH

Lê Thị Bình

PHỤ LỤC

CHỈ TIÊU PHÁT TRIỂN KINH TẾ - XÃ HỘI NĂM {year}

1. Tốc độ tăng trưởng kinh tế: 7%.

2. Giảm số hộ nghèo: {poor}.
"""


def _write(folder: Path, name: str, text: str, meta: dict[str, str] | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    if meta:
        (folder / f"{name}.meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def _assistant(root: Path) -> Assistant:
    """An assistant over ``root/corpus``, indexed into ``root/index`` with the fake embedder."""
    embedder = HashEmbedder()
    return Assistant(build_index(root / "index", embedder, root / "corpus"), embedder)


def _law_assistant_with(root: Path, article: str) -> Assistant:
    """An assistant over the small law with ``article`` added before its Điều 6."""
    _write(root / "corpus", "luat-cay-xanh", LAW.replace("Điều 6. Các hành vi bị nghiêm cấm",
                                                         f"{article}\n\nĐiều 6. Các hành vi bị nghiêm cấm"))
    return _assistant(root)


def _plan_assistant(root: Path, task: str) -> Assistant:
    """An assistant over one 2030 plan whose Điều 2 sets ``task``."""
    _write(root / "corpus", "ke-hoach", _plan_with_task(2030, task))
    return _assistant(root)


def _assert_refused(answer, *absent: str) -> None:
    """``answer`` is a refusal whose own words (before the closest passages) state none of ``absent``."""
    shown = answer.text.split("Các đoạn")[0]
    assert answer.abstained and not any(f in shown for f in absent), (answer.question, answer.text)


def _plan_with_task(year: int, task: str) -> str:
    """A small plan whose Điều 2 sets ``task`` before its closing assignment."""
    return _plan(year, "500 hộ").replace("Giao Ủy ban nhân dân tỉnh tổ chức thực hiện Nghị quyết.",
                                         f"{task}\n\nGiao Ủy ban nhân dân tỉnh tổ chức thực hiện.")


@pytest.fixture(scope="module")
def law_assistant(tmp_path_factory):
    root = tmp_path_factory.mktemp("laws")
    _write(root / "corpus", "luat-cay-xanh", LAW)
    _write(root / "corpus", "luat-sua-doi", AMENDMENT)
    return _assistant(root)


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    root = tmp_path_factory.mktemp("plans")
    _write(root / "corpus", "ke-hoach-2024", _plan(2024, "500 hộ"))
    _write(root / "corpus", "ke-hoach-2025", _plan(2025, "300 hộ"))
    return _assistant(root)


# --------------------------------------------------------------------------- structure


def test_law_structure_from_its_own_layout():
    doc = Document("luat", LAW, {"loai_van_ban": "Luật", "so_hieu": "99/2024/QH15"})
    units = parse_structure(doc.text, doc.profile)
    kinds = [u.kind for u in units]
    assert kinds == [UnitKind.PREAMBLE, UnitKind.CHAPTER, UnitKind.CHAPTER, UnitKind.CHAPTER, UnitKind.CLOSING,
                     UnitKind.APPENDIX, UnitKind.APPENDIX]
    chapters = [u for u in units if u.kind is UnitKind.CHAPTER]
    assert [c.label for c in chapters] == ["Chương I", "Chương II", "Chương III"]
    # "Chương II" is not glued into khoản 2 of Điều 2.
    dieu2 = chapters[0].children[1]
    assert dieu2.label == "Điều 2" and "Chương II" not in doc.text[dieu2.start:dieu2.end]
    # The closing formula and the signer are not absorbed into the last khoản.
    last = chapters[2].children[-1]
    assert "thông qua ngày" not in doc.text[last.start:last.end]
    closing = units[4]
    assert "CHỦ TỊCH QUỐC HỘI" in doc.text[closing.start:closing.end]
    # Two appendices keep their numbers; each has its own items.
    assert [u.label for u in units[-2:]] == ["Phụ lục I", "Phụ lục II"]
    assert [len(u.children) for u in units[-2:]] == [2, 2]
    # Điều 10a and its points.
    dieu10a = next(a for a in chapters[1].children if a.number == "10a")
    point_b = dieu10a.children[1].children[1]
    assert (point_b.kind, point_b.number) == (UnitKind.POINT, "b")
    assert doc.text[point_b.start:point_b.end].startswith("b) Cây bản địa")


def test_citation_to_the_finest_unit(law_assistant):
    answer = law_assistant.ask("điểm b khoản 2 Điều 10a nói gì")
    assert not answer.abstained
    assert answer.citations[0].chunk.citation.endswith("Điều 10a, khoản 2")
    assert "Cây bản địa" in answer.text
    ans = law_assistant.ask("Ảnh chụp cây cỡ bao nhiêu?")
    assert "Điều 4, điểm b:" in ans.text


@pytest.mark.parametrize("name", ["Bo-luat-Dan-su", "Luat-An-ninh-mang", "Luat-Thanh-nien"])
def test_shapes_of_real_laws(name):
    doc = next(d for d in load_corpus(LAWS) if d.doc_id == name)
    units = parse_structure(doc.text, doc.profile)
    articles = [u for top in units for _, u in top.walk() if u.kind is UnitKind.ARTICLE]
    expected = {"Bo-luat-Dan-su": 689, "Luat-An-ninh-mang": 43, "Luat-Thanh-nien": 41}[name]
    assert len(articles) == expected
    numbers = [int(a.number) for a in articles]
    assert numbers == sorted(numbers)
    assert units[-1].kind is UnitKind.CLOSING
    assert "thông qua" in doc.text[units[-1].start:units[-1].end]
    assert all("Luật này" not in doc.text[a.start:a.end] or "thông qua ngày" not in doc.text[a.start:a.end]
               for a in articles)


def test_every_chunk_of_the_laws_cites_its_article():
    from corpus.chunker import chunk_document

    for doc in load_corpus(LAWS)[:3]:
        for chunk in chunk_document(doc):
            assert doc.text[chunk.start:chunk.end] == chunk.text
            if chunk.path and chunk.path[0].startswith("Điều"):
                assert chunk.citation.startswith(doc.title + ", Điều ")


# --------------------------------------------------------------------------- answer types


@pytest.mark.parametrize(("question", "kind", "expected"), [
    ("Giấy phép chặt hạ cây có thời hạn bao lâu?", AnswerType.DURATION, "01 năm"),
    ("Cơ quan cấp phép phải trả lời trong bao lâu?", AnswerType.DURATION, "10 ngày làm việc"),
    ("Ảnh chụp cây cỡ bao nhiêu?", AnswerType.QUANTITY, "3 cm x 4 cm"),
    ("Luật thử nghiệm quản lý cây xanh có hiệu lực từ ngày nào?", AnswerType.DATE, "ngày 01 tháng 7 năm 2025"),
    # the year names the law (issued 2024), it does not ask about 2024
    ("Luật thử nghiệm quản lý cây xanh 2024 có hiệu lực từ ngày nào?", AnswerType.DATE, "ngày 01 tháng 7 năm 2025"),
    ("Cơ quan nào chịu trách nhiệm quản lý cây xanh trên địa bàn?", AnswerType.WHO, "Ủy ban nhân dân cấp tỉnh"),
    ("Cây cổ thụ là gì?", AnswerType.DEFINITION, "cây có tuổi từ 100 năm trở lên"),
    ("Cá nhân có được tự ý chặt hạ cây xanh đô thị không?", AnswerType.YESNO, "Không"),
    ("Điều nào quy định thời hạn cấp phép?", AnswerType.WHERE, "Điều 3"),
    ("Có được đổ chất thải vào gốc cây không?", AnswerType.YESNO, "Không"),  # an item of "bị nghiêm cấm"
])
def test_each_answer_type(law_assistant, question, kind, expected):
    answer = law_assistant.ask(question)
    assert answer.answer_type == kind.value
    assert not answer.abstained, answer.text
    assert expected in answer.short, (answer.short, answer.text)


def test_where_question_names_the_kind_of_unit_it_asks_for(plans):
    answer = plans.ask("Chỉ tiêu giảm số hộ nghèo năm 2025 nằm ở mục nào của phụ lục?")
    assert answer.answer_type == "where" and not answer.abstained, answer.text
    assert answer.short.endswith("mục 2"), answer.short  # the item, not the appendix's own heading


def test_dia_ban_nao_asks_for_a_place_not_a_body():
    from qa.query import answer_type_of
    assert answer_type_of("Thuế khoán tập trung rà soát ở địa bàn nào?") is not AnswerType.WHO
    assert answer_type_of("Ban nào của HĐND giám sát?") is AnswerType.WHO


def test_english_who_and_when_ask_only_as_the_question_word():
    """"farmers who use …" is a relative clause: the question still asks for a figure."""
    from qa.query import answer_type_of
    assert answer_type_of("What is the 2030 target for the share of farmers who use drip irrigation?") \
        is AnswerType.QUANTITY
    assert answer_type_of("Under the Youth Law, who determines the duties of the committee?") is AnswerType.WHO
    assert answer_type_of("What happens to a permit when the owner dies?") is not AnswerType.DATE
    assert answer_type_of("When does the law take effect?") is AnswerType.DATE


@pytest.mark.parametrize("question", ["CXĐT là gì?", "cay xanh do thi la gi",
                                      "Theo Luật thử nghiệm, cây xanh đô thị được hiểu là gì?"])
def test_a_definition_question_gets_the_item_that_defines_the_term(law_assistant, question):
    """The item that opens "Cây xanh đô thị là …", even typed as the abbreviation the law never writes."""
    answer = law_assistant.ask(question)
    assert not answer.abstained and answer.short == "cây được trồng trên đất công cộng trong đô thị", answer.text
    assert "Điều 2, khoản 1" in answer.text


def test_who_acts_on_an_enumerated_item_is_read_from_its_lead_in(tmp_path):
    """"a) Cây trong công viên" names no body; "1. Ủy ban nhân dân cấp huyện cấp giấy phép … sau đây:" does."""
    assistant = _law_assistant_with(tmp_path, "Điều 7. Thẩm quyền cấp giấy phép\n\n1. Ủy ban nhân dân cấp huyện "
                                    "cấp giấy phép chặt hạ đối với các trường hợp sau đây:\n\na) Cây xanh trên "
                                    "đường phố;\n\nb) Cây cổ thụ trong công viên.")
    answer = assistant.ask("Cơ quan nào cấp giấy phép chặt hạ cây cổ thụ trong công viên?")
    assert not answer.abstained and answer.short == "Ủy ban nhân dân cấp huyện", answer.text
    assert "Ủy ban nhân dân cấp huyện cấp giấy phép chặt hạ" in answer.text  # the lead-in is quoted


def test_who_acts_on_an_article_item_is_read_from_the_article_title(tmp_path):
    """"Điều 7. Trách nhiệm của Bộ Xây dựng … 2. Biên soạn tài liệu …": the item names no one, the title does."""
    assistant = _law_assistant_with(tmp_path, "Điều 7. Trách nhiệm của Bộ Xây dựng\n\n1. Hướng dẫn các địa phương "
                                    "lập danh mục cây cần bảo tồn.\n\n2. Biên soạn tài liệu hướng dẫn chăm sóc cây "
                                    "cổ thụ cho công chức.\n\nĐiều 8. Trách nhiệm của hội nghề nghiệp về cây cảnh\n\n"
                                    "1. Vận động hội viên góp giống cây quý cho vườn ươm.")
    answer = assistant.ask("Cơ quan nào biên soạn tài liệu hướng dẫn chăm sóc cây cổ thụ?")
    assert not answer.abstained and answer.short == "Bộ Xây dựng", answer.text
    assert "Trách nhiệm của Bộ Xây dựng … " in answer.text  # the title is quoted with the item
    lower_case = assistant.ask("Tổ chức nào vận động hội viên góp giống cây quý cho vườn ươm?")
    assert lower_case.short == "hội nghề nghiệp", lower_case.text  # "… về cây cảnh" is what it is responsible for


def test_of_figures_stated_in_parallel_the_one_whose_own_words_match_is_the_answer(tmp_path):
    """"X loại nhỏ có thời hạn là 02 năm, X loại lớn có thời hạn là 05 năm", "lưu tạm … là 02 giờ, lưu lâu dài
    … là 10 năm" ("lâu" outside "bao lâu" is asked about) and "… là 10 năm đối với A, 03 năm đối với B": the figure
    is told by the words that lead it or follow it, not by the context said once."""
    assistant = _law_assistant_with(tmp_path, "Điều 7. Thời hạn chứng chỉ\n\n1. Chứng chỉ kiểm định thiết bị tưới "
                                    "loại nhỏ có thời hạn là 02 năm, thiết bị tưới loại lớn có thời hạn là 05 năm.\n\n"
                                    "2. Bản ghi lưu tạm có thời hạn là 02 giờ, bản ghi lưu lâu dài có thời hạn là 10 "
                                    "năm.\n\n3. Thời hạn lưu giữ hồ sơ là 10 năm đối với cây di sản, 03 năm đối với "
                                    "cây bóng mát.")
    assert assistant.ask("Chứng chỉ kiểm định thiết bị tưới loại lớn có thời hạn bao lâu?").short == "05 năm"
    assert assistant.ask("Bản ghi lưu lâu dài có thời hạn bao lâu?").short == "10 năm"
    assert assistant.ask("Hồ sơ cây bóng mát được lưu giữ trong thời hạn bao lâu?").short == "03 năm"


def test_how_many_people_is_answered_by_a_count_of_people(tmp_path):
    """"bao nhiêu người" against "… tổ chức 25 đợt khám lưu động, khám cho 800 bệnh nhân": people, not rounds."""
    assistant = _plan_assistant(tmp_path, "Năm 2030 các bệnh viện tổ chức 25 đợt khám lưu động, khám cho 800 bệnh "
                                          "nhân.")
    answer = assistant.ask("Năm 2030 các bệnh viện tổ chức khám lưu động cho bao nhiêu người?")
    assert answer.short == "800", answer.text  # "bệnh nhân" is no unit the figures know: the number alone


def test_a_time_told_by_an_event_answers_when_no_date_is_written(tmp_path):
    """"… được áp dụng sau khi Ủy ban nhân dân cấp xã niêm yết công khai": a when-question gets that, not a
    refusal."""
    assistant = _law_assistant_with(tmp_path, "Điều 7. Áp dụng giấy phép trồng cây\n\nGiấy phép trồng cây trên vỉa "
                                    "hè được áp dụng sau khi Ủy ban nhân dân cấp xã niêm yết công khai.")
    answer = assistant.ask("Giấy phép trồng cây trên vỉa hè được áp dụng khi nào?")
    assert not answer.abstained and answer.short == "sau khi Ủy ban nhân dân cấp xã niêm yết công khai", answer.text


def test_bodies_listed_after_gom_and_past_a_semicolon_are_all_named(tmp_path):
    """"Hội đồng … gồm Sở A, Sở B; Ban C; đại diện …": the bodies after "gồm" and the one past ";" are named,
    the words that follow them are not."""
    assistant = _law_assistant_with(tmp_path, "Điều 7. Hội đồng thẩm định phương án trồng cây\n\nHội đồng thẩm "
                                    "định phương án trồng cây gồm Sở Xây dựng, Sở Tài chính; Ban Quản lý rừng phòng hộ; "
                                    "đại diện cộng đồng dân cư nơi trồng cây.")
    answer = assistant.ask("Hội đồng thẩm định phương án trồng cây gồm những cơ quan nào?")
    assert answer.short == "Sở Xây dựng, Sở Tài chính, Ban Quản lý rừng phòng hộ", answer.text
    assert "Sở Tài chính; Ban Quản lý rừng phòng hộ”" in answer.text  # quoted to the last body named


_DUTIES = ("Điều 7. Tổ chức thực hiện\n\n"
           "1. Hội Người cao tuổi tỉnh Thử Nghiệm Mới chủ trì ngày hội trồng cây.\n\n"
           "2. Hằng năm, Sở Công Thương dự báo nhu cầu cây giống.\n\n"
           "3. Chánh án Tòa án cấp tỉnh xem xét khiếu nại về việc chặt hạ cây.\n\n"
           "4. Trường hợp có tranh chấp về người chăm sóc cây quy định tại Điều 3 của Bộ luật này thì Tòa án chỉ "
           "định người chăm sóc cây.\n\n"
           "5. Thực hiện Chỉ thị số 12-CT/TU của Tỉnh ủy và Quyết định số 05/QĐ-UBND về phát triển cây xanh.\n\n"
           "6. Người phát hiện cây đổ phải báo ngay cho Ủy ban nhân dân cấp xã nơi có cây.\n\n"
           "7. Tổ kiểm tra cây xanh gồm 03 Kiểm lâm viên, do Sở Công Thương thành lập.\n\n"
           "8. Chánh án Tòa án cấp tỉnh, Viện trưởng Viện kiểm sát cấp tỉnh được quyền kiến nghị hủy quyết định xử "
           "phạt của Tòa án cấp huyện về chặt hạ cây.")


@pytest.fixture(scope="module")
def duties_law(tmp_path_factory):
    return _law_assistant_with(tmp_path_factory.mktemp("duties"), _DUTIES)


@pytest.mark.parametrize(("question", "short"), [
    ("Tổ chức nào chủ trì ngày hội trồng cây?", "Hội Người cao tuổi tỉnh Thử Nghiệm Mới"),  # a verb past the limit
    ("Hằng năm, cơ quan nào dự báo nhu cầu cây giống?", "Sở Công Thương"),  # where the question's predicate starts
    ("Ai xem xét khiếu nại về việc chặt hạ cây?", "Chánh án Tòa án cấp tỉnh"),  # an office holder
    ("Ai chỉ định người chăm sóc cây khi có tranh chấp về người chăm sóc?", "Tòa án"),  # not "Bộ luật này"
    ("Chỉ thị số 12-CT/TU là của cơ quan nào?", "Tỉnh ủy"),  # before another document
    ("Người phát hiện cây đổ phải báo cho cơ quan nào?", "Ủy ban nhân dân cấp xã"),  # at "nơi"
    # "những ai": every subject of the predicate, not the court named after it
    ("Những ai được quyền kiến nghị hủy quyết định xử phạt về chặt hạ cây?",
     "Chánh án Tòa án cấp tỉnh, Viện trưởng Viện kiểm sát cấp tỉnh"),
    ("Tổ kiểm tra cây xanh gồm mấy kiểm lâm viên?", "03 Kiểm lâm viên"),  # a bare number with the noun counted
], ids=["verb-past-limit", "predicate", "office-holder", "not-the-law", "before-document", "at-noi",
        "plural-subjects", "counted-noun"])
def test_short_answers_name_the_body_alone_and_the_noun_counted(duties_law, question, short):
    """A who-answer names the body alone; a count carries the noun the question counts."""
    answer = duties_law.ask(question)
    assert answer.short == short, answer.text


def test_list_answer_gives_the_items_with_their_lead_in(law_assistant):
    answer = law_assistant.ask("Hồ sơ đề nghị chặt hạ cây gồm những gì?")
    assert answer.answer_type == "list" and not answer.abstained
    for item in ("Đơn đề nghị chặt hạ", "Ảnh chụp cây", "Bản vẽ vị trí cây"):
        assert item in answer.short
    assert "gồm:" in answer.text


def test_a_list_written_inside_one_sentence_is_the_answer():
    from qa.extract import inline_list
    from qa.query import answer_type_of

    assert answer_type_of("Thành phần hội đồng gồm những ai?") is AnswerType.LIST
    found = inline_list("b) Thành phần hội đồng gồm: chủ tịch, phó chủ tịch, các ủy viên;")
    assert found is not None and found.short == "chủ tịch, phó chủ tịch, các ủy viên"
    assert inline_list("Hồ sơ đề nghị chặt hạ cây gồm:\na) Đơn;\nb) Ảnh.") is None  # items on their own lines


def test_a_month_without_a_year_answers_which_month(law_assistant):
    from qa.extract import date

    query = law_assistant.query("Tết trồng cây được tổ chức vào tháng nào?")
    found = date("Tháng 3 hằng năm là tháng Tết trồng cây.", query)
    assert query.answer_type is AnswerType.DATE and found is not None and found.short == "Tháng 3"
    assert date("Trồng cây vào mùa xuân.", query) is None


def test_only_allowed_for_one_thing_answers_no_for_another(law_assistant):
    from qa.extract import yes_no

    text = "Giấy phép chỉ được cấp cho tổ chức có trụ sở tại địa phương."
    no = yes_no(text, law_assistant.query("Giấy phép có được cấp cho cá nhân không?"))
    yes = yes_no(text, law_assistant.query("Giấy phép có được cấp cho tổ chức không?"))
    assert no is not None and no.short == "Không"
    assert yes is not None and yes.short == "Có"


def test_doi_voi_is_not_and():
    from qa.parts import split_question

    assert split_question("Thời hạn khiếu nại đối với quyết định kỷ luật là bao lâu?") is None


def test_a_repeated_measure_word_makes_two_questions_but_a_repeated_name_does_not(tmp_path):
    """"số dự án A và số dự án B": one figure each; "Luật A và Luật B" may be one title."""
    from qa.parts import split_question

    assistant = _plan_assistant(tmp_path, "Hoàn thành 05 dự án cải tạo nguồn điện; đầu tư 09 dự án lưới điện, "
                                          "trạm biến áp.")
    answer = assistant.ask("so du an nguon dien phai hoan thanh va so du an luoi dien tram bien ap duoc dau tu")
    assert "05 dự án" in answer.figure and "09 dự án" in answer.figure, answer.text
    title = split_question("Luật sửa đổi Luật Đất đai và Luật Nhà ở được ban hành ngày nào?")
    assert title is None or not title.certain


def test_a_year_said_once_holds_for_every_part_in_the_parts_language():
    from qa.parts import split_question

    assert split_question("How many enterprises and how many products in 2030?").parts[0] == \
        "How many enterprises in 2030"
    assert split_question("ty le ho ngheo va ho can ngheo nam 2030").parts[0] == "ty le ho ngheo nam 2030"


def test_a_leading_theo_frames_the_question_and_is_no_part():
    from qa.parts import split_question

    assert split_question("Theo Luật thử nghiệm, cơ quan nào cấp phép chặt hạ cây?") is None
    split = split_question("Theo Luật thử nghiệm, giấy phép có thời hạn bao lâu và ai cấp phép?")
    assert split is not None and split.parts == ("Theo Luật thử nghiệm, giấy phép có thời hạn bao lâu",
                                                  "Theo Luật thử nghiệm, ai cấp phép")


def test_a_leading_condition_is_no_part_but_a_leading_question_is():
    from qa.parts import split_question

    assert split_question("Khi người dân phản ánh thông tin sai, cơ quan phải đính chính trong bao nhiêu ngày?") is None
    assert split_question("When a citizen reports wrong information, how many days does the agency have?") is None
    assert split_question("Under the Law on Trees, where no other law applies, within how many days is it felled?") is None
    split = split_question("When is the plant expected to operate, and what is its capacity?")
    assert split is not None and len(split.parts) == 2


def test_a_slot_conflict_needs_a_phrase_the_corpus_uses(tmp_path):
    """"nông thôn" asked where the text says "thành thị" conflicts; other wording ("người thất nghiệp") does not."""
    from qa.scoring import FEATURES

    _write(tmp_path / "corpus", "ke-hoach", _plan(2024, "500 hộ").replace(
        "2. Giảm số hộ nghèo: 500 hộ.", "2. Tỷ lệ thất nghiệp khu vực thành thị: dưới 4%.\n\n"
        "3. Tỷ lệ hộ dân khu vực nông thôn dùng nước sạch: 95%."))
    assistant = _assistant(tmp_path)

    def conflict(question: str) -> float:
        cands = assistant.answerer.scored(assistant.query(question)).candidates
        return next(c.features[FEATURES.index("slot_conflict")] for c in cands if "thành thị" in c.text)

    assert conflict("Tỷ lệ thất nghiệp khu vực nông thôn là bao nhiêu?") > 0
    assert conflict("Tỷ lệ người thất nghiệp thành thị là bao nhiêu?") == 0


def test_a_capitalised_first_word_is_not_part_of_a_name():
    from qa.scoring import unknown_name

    vocabulary = {"bo", "luat", "dan", "su", "bo_luat", "luat_dan", "dan_su", "da", "nang", "ke", "so"}
    assert unknown_name("Theo Bộ luật Dân sự, người thành niên là ai?", vocabulary) == 0.0
    assert unknown_name("Đà Nẵng đặt mục tiêu bao nhiêu?", vocabulary) == 1.0  # "da_nang" never occurs
    assert unknown_name("Sở Kế hoạch được giao gì?", vocabulary) == 1.0


def test_an_abbreviation_in_mixed_case_is_not_an_unknown_name():
    """"ThS", "PGS.TS", "NĐ-CP" abbreviate words the documents write out: the question is not refused as
    naming something they never mention, while a name in title case ("Nhổn") still is."""
    from qa.scoring import unknown_name

    vocabulary = {"bang", "thac", "si", "ky", "nghi", "dinh"}
    assert unknown_name("Người có bằng ThS cần mấy năm kinh nghiệm?", vocabulary) == 0.0
    assert unknown_name("Hồ sơ gửi PGS.TS nào?", vocabulary) == 0.0
    assert unknown_name("Ga Nhổn ở đâu?", vocabulary) == 1.0


def test_clause_question_gives_the_heading(law_assistant):
    answer = law_assistant.ask("Điều 4 Luật thử nghiệm quản lý cây xanh nói về gì?")
    assert answer.short == "Hồ sơ đề nghị chặt hạ cây"
    missing = law_assistant.ask("Điều 45 Luật thử nghiệm quản lý cây xanh quy định gì?")
    assert missing.abstained and "không có Điều 45" in missing.text


def test_heading_numbers_and_document_numbers_are_never_figures(law_assistant):
    for question in ("Điều 3 quy định thời hạn bao lâu?", "Luật số 99/2024/QH15 quy định giấy phép thời hạn bao lâu?"):
        answer = law_assistant.ask(question)
        assert answer.figure not in ("3", "99", "2024", "99/2024/QH15")
        if not answer.abstained:
            assert any(unit in answer.figure for unit in ("năm", "ngày"))


def test_a_document_number_is_neither_a_date_nor_a_figure():
    from corpus.figures import dates, figures

    text = "Luật số 53/2005/QH11 hết hiệu lực kể từ ngày 01/01/2021; Quyết định 48-KL/TW."
    assert [text[a:b] for a, b in dates(text)] == ["01/01/2021"]  # not "53/20"
    assert figures(text) == []  # not the "11" of QH11


def test_refusals_name_what_was_searched(law_assistant):
    answer = law_assistant.ask("Mức phạt tiền khi chặt cây trái phép là bao nhiêu tỷ đồng?")
    assert answer.abstained
    assert answer.text.startswith("Các văn bản đã nạp không")
    assert "Nghị quyết" not in answer.text


# --------------------------------------------------------------------------- references and relations


def test_unit_reference_names_its_document_or_lists_each(law_assistant):
    named = law_assistant.search("Điều 1 Luật sửa đổi Luật thử nghiệm quản lý cây xanh").hits[0]
    assert named.chunk.doc_id == "luat-sua-doi" and named.chunk.path == ("Điều 1",)
    by_number = law_assistant.search("Điều 1 Luật số 99/2024/QH15").hits[0]
    assert by_number.chunk.doc_id == "luat-cay-xanh"
    both = law_assistant.ask("Điều 1 nói về gì?")
    assert not both.abstained and len(both.parts) == 2
    titles = {d.title for d in law_assistant.documents}
    assert {p.citation.split(", Điều")[0] for p in both.parts} == titles


def test_an_amended_unit_says_so_and_cites_both(law_assistant):
    relations = law_assistant.index.derived.relations
    assert [(r.source_doc, r.action, r.target_doc, r.target_path) for r in relations] == [
        ("luat-sua-doi", "sửa đổi", "luat-cay-xanh", ("Điều 3", "khoản 2"))]
    answer = law_assistant.ask("Giấy phép chặt hạ cây theo Luật số 99/2024/QH15 có thời hạn bao lâu?")
    assert "01 năm" in answer.short
    assert any("đã được sửa đổi" in note and "120/2025/QH15" in note for note in answer.notes)
    assert {h.chunk.doc_id for h in answer.citations} == {"luat-cay-xanh", "luat-sua-doi"}


# --------------------------------------------------------------------------- several plans


def test_a_year_prefers_that_year_plan(plans):
    for year, figure in (("2024", "500 hộ"), ("2025", "300 hộ")):
        answer = plans.ask(f"chỉ tiêu giảm hộ nghèo năm {year}")
        assert answer.figure == figure, answer.text
        assert answer.citations[0].chunk.doc_id == f"ke-hoach-{year}"


def test_comparison_across_plans_answers_per_document(plans):
    answer = plans.ask("giảm hộ nghèo năm 2024 so với năm 2025")
    assert [p.figure for p in answer.parts] == ["500 hộ", "300 hộ"]
    assert "ke-hoach-2024" in answer.parts[0].citation.lower() or "24/NQ-HĐND" in answer.parts[0].citation


def test_filters_keep_to_a_document_type_or_year(plans, law_assistant):
    hits = plans.search("hộ nghèo", top_k=5, filters=Filters(years=("2025",))).hits
    assert hits and {h.chunk.doc_id for h in hits} == {"ke-hoach-2025"}
    hits = law_assistant.search("thời hạn", top_k=5, filters=Filters(doc_ids=("luat-sua-doi",))).hits
    assert hits and {h.chunk.doc_id for h in hits} == {"luat-sua-doi"}


def test_two_part_question_gives_one_line_per_part(plans):
    answer = plans.ask("Năm 2025 tốc độ tăng trưởng kinh tế là bao nhiêu và giảm bao nhiêu hộ nghèo?")
    assert len(answer.parts) == 2
    assert answer.parts[0].figure == "7%" and answer.parts[1].figure == "300 hộ"
    assert answer.figure == "7%; 300 hộ"


def test_parts_of_a_question_are_embedded_together_and_once(plans, monkeypatch):
    """One model call for both parts (cheaper than one call each), and no question embedded twice.

    Coordinated items ("A và B … là bao nhiêu") are looked up with the whole question's vector.
    """
    calls: list[list[str]] = []
    embedder = plans._dense._embedder
    real = embedder.embed_queries
    monkeypatch.setattr(embedder, "embed_queries", lambda texts: calls.append(list(texts)) or real(texts))
    plans.clear_caches()
    question = "Năm 2025 tốc độ tăng trưởng kinh tế là bao nhiêu và giảm bao nhiêu hộ nghèo?"
    first = plans.ask(question)
    assert len(calls) == 1 and len(calls[0]) == 2
    assert plans.ask(question) == first and len(calls) == 1
    coordinated = "Tốc độ tăng trưởng kinh tế và giảm số hộ nghèo năm 2025 là bao nhiêu?"
    answer = plans.ask(coordinated)
    assert calls[1:] == [[coordinated]]
    assert [p.figure for p in answer.parts] == ["7%", "300 hộ"]


def test_copying_a_folder_of_laws_keeps_metadata(tmp_path):
    shutil.copy2(LAWS / "Luat-Thanh-nien.txt", tmp_path / "Luat-Thanh-nien.txt")
    doc = load_corpus(tmp_path)[0]  # no sidecar: the header and signature give the metadata
    assert doc.metadata["loai_van_ban"] == "Luật" and doc.metadata["so_hieu"] == "57/2020/QH14"
    assert doc.title == "Luật Thanh niên 57/2020/QH14"
    units = parse_structure(doc.text, doc.profile)
    first = next(u for top in units for _, u in top.walk() if u.kind is UnitKind.ARTICLE)
    assert citation_path((first,)) == ("Điều 1",)


def test_coordinated_items_share_the_question_even_when_the_first_is_one_word():
    from qa.parts import split_question
    split = split_question("CPI và tổng vốn đầu tư năm 2025 tăng bao nhiêu?")
    assert split is not None and not split.certain  # kept only if each part finds its own figure
    assert split.parts == ("CPI tăng bao nhiêu năm 2025", "tổng vốn đầu tư năm 2025 tăng bao nhiêu")


def test_definition_comes_from_the_document_asked_about(tmp_path):
    one = "NGHỊ QUYẾT\n\nĐiều 1. Thông qua Chương trình phát triển đô thị (CTĐT) của tỉnh.\n"
    two = "QUYẾT ĐỊNH\n\nĐiều 1. Phê duyệt Chương trình đào tạo (CTĐT) cho cán bộ.\n"
    _write(tmp_path / "corpus", "nq-do-thi", one)
    _write(tmp_path / "corpus", "qd-dao-tao", two)
    assistant = _assistant(tmp_path)
    for doc_id, phrase in (("nq-do-thi", "phát triển đô thị"), ("qd-dao-tao", "đào tạo")):
        answer = assistant.ask("CTĐT là viết tắt của gì?", Filters(doc_ids=(doc_id,)))
        assert answer.answer_type == "definition" and phrase in answer.short, answer.text


def test_the_figure_is_the_one_that_counts_what_is_asked(law_assistant):
    """A figure counts the noun phrase after it; the asked unit and that phrase pick it, not proximity."""
    from qa.extract import quantity

    tourists = ("Phấn đấu năm 2030 thu hút: 2 triệu lượt khách du lịch quốc tế, trong đó khoảng 1 triệu "
                "khách có lưu trú; 9 triệu khách du lịch nội địa.")
    files = ("Phấn đấu 100% hồ sơ công việc tại cấp tỉnh, 90% hồ sơ công việc tại cấp huyện và 70% hồ sơ "
             "công việc tại cấp xã được xử lý trên môi trường mạng.")
    firms = "Thu hút sự tham gia của 20-25 doanh nghiệp với khoảng 30-35 sản phẩm chủ lực."
    cases = [(tourists, "Năm 2030 đón bao nhiêu khách quốc tế?", "2 triệu lượt"),
             (tourists, "Năm 2030 đón bao nhiêu khách nội địa?", "9 triệu"),
             (files, "Bao nhiêu phần trăm hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng?", "100%"),
             (files, "Bao nhiêu phần trăm hồ sơ công việc cấp xã được xử lý trên môi trường mạng?", "70%"),
             (firms, "Thu hút bao nhiêu doanh nghiệp tham gia chương trình sản phẩm chủ lực?", "20-25 doanh nghiệp")]
    for text, question, figure in cases:
        found = quantity(text, law_assistant.query(question))
        assert found is not None and found.short.startswith(figure), (question, found)


def test_each_part_of_a_two_part_question_gets_its_own_figure(tmp_path):
    """"… bao nhiêu khách quốc tế và bao nhiêu khách nội địa": two figures, not one twice."""
    assistant = _plan_assistant(tmp_path, "Năm 2030 tỉnh thu hút khách quốc tế và khách nội địa với quy mô "
                                          "2 triệu lượt khách quốc tế. Thị trường trong nước đạt 9 triệu lượt "
                                          "khách nội địa.")
    answer = assistant.ask("Năm 2030 tỉnh thu hút bao nhiêu khách quốc tế và bao nhiêu khách nội địa?")
    assert [p.figure for p in answer.parts] == ["2 triệu lượt", "9 triệu lượt"], answer.text


def test_word_overlap_does_not_decide_whether_a_foreign_question_is_answered():
    """An English question shares no words with a Vietnamese text: its gate ignores overlap, not the question."""
    import numpy as np

    from qa.scoring import GATE_FEATURES, AnswerModel

    model = AnswerModel.load()
    base = model.gate.mean.copy()
    low = base.copy()
    for name in ("coverage", "coverage_pairs", "best_probability"):
        low[GATE_FEATURES.index(name)] = 0.0
    known = GATE_FEATURES.index("known")
    for share, same in ((0.1, True), (1.0, False)):
        a, b = base.copy(), low.copy()
        a[known] = b[known] = share
        assert bool(np.isclose(model.answerable(a), model.answerable(b))) is same


def test_an_amount_asked_is_not_answered_by_a_growth_rate(tmp_path):
    """"Tổng vốn đầu tư … là bao nhiêu" against "vốn đầu tư tăng 10-12%": another indicator, refused."""
    assistant = _plan_assistant(tmp_path, "Tổng vốn đầu tư phát triển trên địa bàn tăng 10-12% so với năm trước.")
    amount = assistant.ask("Tổng vốn đầu tư phát triển trên địa bàn năm 2030 là bao nhiêu?")
    growth = assistant.ask("Tổng vốn đầu tư phát triển trên địa bàn năm 2030 tăng bao nhiêu?")
    _assert_refused(amount, "10-12%")
    assert not growth.abstained and growth.short == "10-12%", growth.text


@pytest.mark.parametrize(("other", "figure", "question", "own", "short"), [
    # "tong chi ngan sach …" (typed as a search) is a sum of money: "24 chỉ tiêu" is no answer, "… tỷ đồng" is
    ("Thông qua 24 chỉ tiêu phát triển kinh tế - xã hội và ngân sách năm 2030.", "24", "tong chi ngan sach nam 2030",
     "Tổng chi ngân sách địa phương năm 2030 là 120.000 tỷ đồng.", "120.000 tỷ đồng"),
    # "bao nhiêu người …" is not answered by "17 nhà văn hóa"; "3.000 lao động" counts people
    ("Năm 2030 xây mới 17 nhà văn hóa thôn.", "17", "Năm 2030 bao nhiêu người được dùng nhà văn hóa thôn?",
     "Năm 2030 nhà văn hóa thôn được dùng cho 3.000 lao động nông thôn.", "3.000 lao động"),
], ids=["money", "people"])
def test_a_quantity_is_answered_in_what_it_counts_only(tmp_path, other, figure, question, own, short):
    """A figure counting something else than asked is refused; the plan that counts it is answered."""
    _assert_refused(_plan_assistant(tmp_path, other).ask(question), figure)
    assert _plan_assistant(tmp_path / "b", own).ask(question).short == short


def test_a_figure_bound_to_another_year_does_not_answer_the_year_asked(tmp_path):
    """"… giai đoạn 2026-2035 …, hộ dùng điện mặt trời 12% vào năm 2035": no figure for 2030, though the period
    covers it."""
    assistant = _plan_assistant(tmp_path, "Triển khai Chương trình năng lượng sạch giai đoạn 2026-2035, hoàn thành "
                                          "mục tiêu tỷ lệ hộ dùng điện mặt trời 12% vào năm 2035.")
    asked_2030 = assistant.ask("Tỷ lệ hộ dùng điện mặt trời năm 2030 đạt bao nhiêu?")
    _assert_refused(asked_2030, "12%")
    assert assistant.ask("Tỷ lệ hộ dùng điện mặt trời năm 2035 đạt bao nhiêu?").short == "12%"


def test_a_count_asked_is_not_answered_by_a_rate_or_a_sum_of_money(tmp_path):
    """"Số hợp tác xã … là bao nhiêu" / "how many": not "tỷ lệ hợp tác xã … 60%", not "… 5 tỷ đồng"."""
    assistant = _plan_assistant(tmp_path, "Tỷ lệ hợp tác xã ứng dụng công nghệ số đạt 60%; Sở Tài chính hỗ trợ "
                                          "hợp tác xã 5 tỷ đồng. Thành lập mới 45 hợp tác xã nông nghiệp.")
    for question in ("Số hợp tác xã ứng dụng công nghệ năm 2030 là bao nhiêu?",
                     "so hop tac xa ung dung cong nghe nam 2030 la bao nhieu",
                     "How many hợp tác xã ứng dụng công nghệ in 2030?"):
        answer = assistant.ask(question)
        shown = answer.text.split("Các đoạn")[0]
        assert "60%" not in shown and "5 tỷ đồng" not in shown, (question, answer.text)
    rate = assistant.ask("Tỷ lệ hợp tác xã ứng dụng công nghệ năm 2030 là bao nhiêu?")
    assert rate.short == "60%", rate.text
    department = assistant.ask("Sở Tài chính hỗ trợ hợp tác xã năm 2030 bao nhiêu?")  # "Sở", not "Số"
    assert department.short == "5 tỷ đồng", department.text


def test_a_list_whose_items_are_units_of_their_own_is_answered_whole(tmp_path):
    """A lead-in that ends its passage ("… các yêu cầu sau đây:") is answered with every khoản under it."""
    law = ("QUỐC HỘI\n\nLuật số: 98/2024/QH15\n\nLUẬT THỬ NGHIỆM NUÔI ONG\n\n"
           "Điều 1. Phạm vi điều chỉnh\n\nLuật này quy định về nuôi ong mật.\n\n"
           "Điều 2. Yêu cầu đối với chủ trại ong\n\nChủ trại ong phải thực hiện các yêu cầu sau đây:\n\n"
           "1. Đăng ký trại ong với Ủy ban nhân dân cấp xã;\n\n"
           "2. Đặt thùng ong cách nhà dân ít nhất 50 mét;\n\n"
           "3. Báo cáo dịch bệnh của đàn ong trong 24 giờ.\n\n"
           "Điều 3. Hiệu lực thi hành\n\nLuật này có hiệu lực từ ngày 01 tháng 01 năm 2025.\n")
    _write(tmp_path / "corpus", "luat-nuoi-ong", law)
    assistant = _assistant(tmp_path)
    answer = assistant.ask("Chủ trại ong phải thực hiện những yêu cầu gì?")
    assert not answer.abstained, answer.text
    for item in ("1. Đăng ký trại ong", "2. Đặt thùng ong", "3. Báo cáo dịch bệnh"):
        assert item in answer.short, answer.short
    assert ";;" not in answer.short
    cited = {h.chunk.section for h in answer.citations}
    assert {"Điều 2 khoản 1", "Điều 2 khoản 2", "Điều 2 khoản 3"} <= cited, cited


def test_what_a_unit_sets_out_is_the_unit_itself(law_assistant):
    """"Điều 3 quy định những nội dung gì?" shows Điều 3; a question about a fact in it does not."""
    for question in ("Điều 3 quy định gì?", "Điều 3 quy định nhiệm vụ gì?", "Điều 3 quy định những nội dung gì?"):
        assert law_assistant.query(question).about_unit_only, question
    assert not law_assistant.query("Điều 3 quy định thời hạn giấy phép là bao lâu?").about_unit_only


def test_names_listed_right_after_the_question_words_are_the_list_answer(tmp_path):
    """"Những thôn nào …" against "… tại các thôn An Bình, Phú Mỹ và Tân Lập": the names, with no lead-in."""
    assistant = _plan_assistant(tmp_path, "Xây mới nhà văn hóa tại các thôn An Bình, Phú Mỹ và Tân Lập.")
    answer = assistant.ask("Những thôn nào được xây mới nhà văn hóa năm 2030?")
    assert answer.short == "An Bình, Phú Mỹ, Tân Lập", answer.text


def test_a_question_asking_which_period_gets_the_span_of_years(tmp_path):
    """"… giai đoạn nào" gets "giai đoạn 2026-2035", not the decision's date or one year of the span."""
    assistant = _plan_assistant(tmp_path, "Triển khai Đề án phát triển du lịch cộng đồng giai đoạn 2026-2035 theo "
                                          "Quyết định số 12/QĐ-UBND ngày 05/3/2029.")
    assert assistant.ask("Đề án phát triển du lịch cộng đồng áp dụng cho giai đoạn nào?").short == \
        "giai đoạn 2026-2035"
    assert assistant.ask("Quyết định về Đề án phát triển du lịch cộng đồng ban hành ngày nào?").short == "05/3/2029"


def test_a_rate_asked_is_not_answered_by_another_things_rate(tmp_path):
    """"Tỷ lệ học sinh biết bơi" asked of a plan that sets the rate of auto-watered street trees and a growth
    only: refused, however the question is typed; the rate it does set is still answered, in other words."""
    assistant = _plan_assistant(tmp_path, "Năm 2030, tỷ lệ cây xanh đường phố được tưới tự động đạt 82%; thu ngân "
                                          "sách tăng 9%.")
    for question in ("Tỷ lệ học sinh biết bơi năm 2030 đạt bao nhiêu?",
                     "ty le hoc sinh biet boi nam 2030"):
        _assert_refused(assistant.ask(question), "82%", "9%")
    for question in ("Tỷ lệ cây trên đường phố có hệ thống tưới tự động năm 2030 là bao nhiêu?",
                     "ty le cay xanh tuoi tu dong nam 2030"):
        assert assistant.ask(question).short == "82%", question


def test_a_figure_for_one_side_of_a_contrast_does_not_answer_the_other(tmp_path):
    """A plan that sets departures and public clinics only: arrivals and private clinics are refused, however typed;
    the side it sets is still answered."""
    assistant = _plan_assistant(tmp_path, "Năm 2030, số lượt khách xuất cảnh qua cửa khẩu tăng 12%; tỷ lệ phòng "
                                          "khám công lập có bác sĩ gia đình đạt 95%.")
    for question in ("Số lượt khách nhập cảnh qua cửa khẩu năm 2030 tăng bao nhiêu?",
                     "so luot khach nhap canh qua cua khau nam 2030 tang bao nhieu",
                     "Tỷ lệ phòng khám ngoài công lập có bác sĩ gia đình năm 2030 là bao nhiêu?"):
        _assert_refused(assistant.ask(question), "12%", "95%")
    assert assistant.ask("so luot khach xuat canh qua cua khau nam 2030 tang bao nhieu").short == "12%"
    assert assistant.ask("Tỷ lệ phòng khám công lập có bác sĩ gia đình năm 2030 là bao nhiêu?").short == "95%"


def test_an_english_question_is_not_answered_with_a_figure_that_measures_something_else(tmp_path):
    """"infant mortality rate" (glossary: "tỷ suất tử vong trẻ em dưới 1 tuổi") against a plan that sets health
    insurance cover and growth only: no figure is given; the health insurance target is."""
    assistant = _plan_assistant(tmp_path, "Chỉ tiêu chủ yếu năm 2030 về y tế: tỷ lệ bao phủ bảo hiểm y tế đạt 95%.")
    _assert_refused(assistant.ask("What is the 2030 health target for the infant mortality rate in the province?"),
                    "95%", "7%")
    assert assistant.ask("What is the 2030 target for health insurance coverage in the province?").short == "95%"


_POVERTY = ("Năm 2030, tỷ lệ hộ nghèo khu vực thành thị dưới 1%; tỷ lệ dân số khu vực nông thôn dùng nước sạch đạt "
            "90%; giảm 3 nghìn hộ nghèo khu vực thành thị, trong đó 1 nghìn hộ có người khuyết tật; giảm 12 nghìn hộ "
            "nghèo khu vực nông thôn.")


def test_an_english_follow_up_naming_the_other_side_of_a_contrast_swaps_it(tmp_path):
    """"what about rural areas?" after the urban poverty rate asks the rural one, which this plan does not set
    (its rural rate is of clean water): refused, and shown as understood. After the urban count of poor
    households it asks the rural count, which the plan sets."""
    assistant = _plan_assistant(tmp_path, _POVERTY)
    urban = assistant.ask("What is the 2030 target for the urban poverty rate?")
    assert urban.short == "dưới 1%", urban.text
    rural = assistant.ask("what about rural areas?", previous=urban)
    assert rural.understood == "What is the 2030 target for the rural poverty rate?"
    _assert_refused(rural, "1%", "90%")
    households = assistant.ask("How many urban poor households will be lifted out of poverty in 2030?")
    rural = assistant.ask("and rural areas?", previous=households)
    assert rural.understood == "How many rural poor households will be lifted out of poverty in 2030?"
    assert rural.short.startswith("12 nghìn"), rural.text


@pytest.mark.parametrize(("question", "short"), [
    ("Năm 2030 giảm bao nhiêu hộ nghèo khu vực nông thôn?", "12 nghìn hộ nghèo khu vực nông thôn"),
    ("How many rural poor households will be lifted out of poverty in 2030?", "12 nghìn hộ nghèo"),
])
def test_a_count_in_thousands_carries_the_noun_it_counts(tmp_path, question, short):
    """"12 nghìn" alone does not say of what: the short answer runs on to the counted noun asked (for an English
    question, in its glossary terms)."""
    assert _plan_assistant(tmp_path, _POVERTY).ask(question).short == short


def test_who_holds_an_office_is_not_answered_with_a_body(tmp_path):
    """A plan that names no director: "Who is the Director of …" is refused, not answered with the department;
    which body acts is still answered."""
    assistant = _plan_assistant(tmp_path, "Giao Sở Giáo dục và Đào tạo chỉ đạo xây dựng 5 trường học mới.")
    for question in ("Who is the Director of the provincial Department of Education and Training?",
                     "Giám đốc Sở Giáo dục và Đào tạo năm 2030 là ai?"):
        _assert_refused(assistant.ask(question), "Sở Giáo dục và Đào tạo —")
    assert assistant.ask("Cơ quan nào chỉ đạo xây dựng trường học mới?").short == "Sở Giáo dục và Đào tạo"


def test_an_english_question_on_one_side_of_a_contrast_is_not_answered_with_the_other(tmp_path):
    """"rural" is read through the glossary as "nông thôn": never the urban figure."""
    assistant = _plan_assistant(tmp_path, "Năm 2030 giảm 3 nghìn hộ nghèo khu vực thành thị, trong đó 1 nghìn hộ "
                                          "thoát nghèo bền vững; 12 nghìn hộ khu vực nông thôn.")
    answer = assistant.ask("How many rural poor households will be lifted out of poverty in 2030?")
    assert "3 nghìn" not in answer.text.split("Các đoạn")[0], answer.text


def test_the_rate_asked_is_named_in_the_sentence_that_sets_it(tmp_path):
    """"Tỷ lệ tiêm phòng cúm cho người cao tuổi" shares "người cao tuổi" with the rate of their health checks,
    but the rate asked is of vaccination: refused. The health-check rate is answered."""
    assistant = _plan_assistant(tmp_path, "Năm 2030, tỷ lệ người cao tuổi được khám sức khỏe định kỳ đạt 80%.")
    refused = assistant.ask("Tỷ lệ tiêm phòng cúm cho người cao tuổi năm 2030 đạt bao nhiêu?")
    _assert_refused(refused, "80%")
    answered = assistant.ask("Tỷ lệ người cao tuổi được khám sức khỏe định kỳ năm 2030 là bao nhiêu?")
    assert answered.short == "80%", answered.text


def test_an_english_question_is_matched_on_the_documents_words(tmp_path):
    """"Within how many working days …" finds "trong thời hạn 10 ngày làm việc" through the glossary's Vietnamese
    terms, with no help from the (fake) dense model."""
    _write(tmp_path / "corpus", "luat-cay-xanh", LAW)
    answer = _assistant(tmp_path).ask("Within how many working days must the licensing agency reply?")
    assert answer.short == "10 ngày làm việc", answer.text
    assert answer.citations[0].chunk.section == "Điều 3 khoản 1"


def test_the_glossary_takes_the_longest_phrase_and_plain_forms_of_words():
    glossary = Glossary.parse(["# comment\tbỏ qua", "people's committee\tủy ban nhân dân",
                               "committee\tủy ban", "household\thộ gia đình|hộ", "poor household\thộ nghèo",
                               "licence\tgiấy phe\u0301p"])
    assert glossary.translate("Which People’s Committees approve it?") == ["ủy ban nhân dân"]
    assert glossary.translate("the poor households and other households") == ["hộ nghèo", "hộ gia đình", "hộ"]
    assert glossary.translate("Licences") == ["giấy phép"]  # NFC, whatever the file's form
    assert glossary.translate("comment") == []


def test_an_unreadable_glossary_leaves_english_questions_to_the_dense_model(tmp_path, caplog):
    """A missing or corrupt glossary file is logged and read as empty: nothing breaks."""
    missing = Glossary.load(tmp_path / "none.tsv")
    (tmp_path / "bad.tsv").write_bytes(b"licence\t\xff\xfe gi\xe1y")
    corrupt = Glossary.load(tmp_path / "bad.tsv")
    assert missing.translate("licence") == corrupt.translate("licence") == []
    assert "unreadable" in caplog.text


def test_a_rate_is_of_the_first_two_words_asked(tmp_path):
    """"tỷ lệ hộ nghèo khu vực nông thôn" is not answered with the rural clean-water rate of households, though
    that sentence names "hộ" and "khu vực nông thôn"; the clean-water rate itself is."""
    assistant = _plan_assistant(tmp_path, "Năm 2030, tỷ lệ hộ dân khu vực nông thôn dùng nước sạch đạt 90%.")
    _assert_refused(assistant.ask("Năm 2030 tỷ lệ hộ nghèo khu vực nông thôn là bao nhiêu?"), "90%")
    assert assistant.ask("Tỷ lệ hộ dân nông thôn dùng nước sạch năm 2030 là bao nhiêu?").short == "90%"


def test_a_rate_of_people_is_the_rate_of_what_follows_người(tmp_path):
    """"người lao động" is "lao động": the rate asked of "người lao động" is answered by the sentence on "lao động"."""
    assistant = _plan_assistant(tmp_path, "Năm 2030, tỷ lệ lao động có việc làm sau đào tạo đạt 85%.")
    assert assistant.ask("Tỷ lệ người lao động có việc làm sau đào tạo năm 2030 là bao nhiêu?").short == "85%"


@pytest.mark.parametrize("question", [
    "Số bác sĩ trên một vạn dân năm 2030 là bao nhiêu?",
    "Mức tiền phạt khi bỏ qua lịch khám sức khỏe định kỳ là bao nhiêu?",
    "Một hội đồng khám có bao nhiêu bác sĩ chuyên khoa?",
    "How many specialist doctors sit on an examination board?",
])
def test_a_figure_in_another_unit_than_the_one_asked_is_no_answer(tmp_path, question):
    """The plan gives hospital beds per ten thousand people, how often check-ups are held and how long results
    take: not doctors per ten thousand, a fine, or how many doctors sit on a board."""
    assistant = _plan_assistant(tmp_path, "Năm 2030, đạt 32 giường bệnh/vạn dân; bác sĩ chuyên khoa tổ chức khám sức "
                                          "khỏe định kỳ mỗi năm một lần; kết quả khám trả trong 10 ngày.")
    _assert_refused(assistant.ask(question), "32 giường", "một lần", "10 ngày")
    assert assistant.ask("Số giường bệnh trên vạn dân năm 2030 là bao nhiêu?").short == "32 giường bệnh/vạn dân"


def test_after_a_best_match_turned_down_a_far_less_probable_neighbour_is_no_answer(tmp_path, monkeypatch):
    """"nội địa" asked: the sentence on international visitors, most probable, is turned down as the other side
    of the pair, and the growth sentence, a sixth as probable, is a neighbour, not the answer. Scores are fixed
    to test the rule."""
    assistant = _plan_assistant(tmp_path, "Năm 2030, GRDP tăng 7%. Lượng khách du lịch quốc tế năm 2030 tăng 5%.")
    scored = assistant.answerer.scored

    def fixed(query):
        s = scored(query)
        probs = [0.6 if "quốc tế" in c.text else 0.1 if "GRDP" in c.text else 0.0 for c in s.candidates]
        return dataclasses.replace(s, probs=np.array(probs), answerable=0.9)

    monkeypatch.setattr(assistant.answerer, "scored", fixed)
    _assert_refused(assistant.ask("Lượng khách du lịch nội địa năm 2030 tăng bao nhiêu phần trăm?"), "7%", "5%")
    assert assistant.ask("Lượng khách du lịch quốc tế năm 2030 tăng bao nhiêu phần trăm?").short == "5%"


_AGES = "Người từ đủ mười lăm tuổi đến chưa đủ mười tám tuổi được tham gia đội tình nguyện nếu được cha, mẹ đồng ý."


@pytest.mark.parametrize(("question", "verdict"), [
    ("Người 16 tuổi có được tham gia đội tình nguyện không?", "Có"),
    ("Người 14 tuổi có được tham gia đội tình nguyện không?", "Không"),
    ("Người 18 tuổi có được tham gia đội tình nguyện không?", "Không"),
    ("Can a 17-year-old join the volunteer team with their parents' consent?", "Có"),
])
def test_an_age_asked_is_judged_against_the_range_the_text_sets(law_assistant, question, verdict):
    """"16 tuổi" is within "từ đủ mười lăm tuổi đến chưa đủ mười tám tuổi" (a range written in words):
    the verdict says whether the age asked falls in it, not whether the text names that very number."""
    from qa.extract import yes_no

    query = law_assistant.query(question)
    found = yes_no(_AGES, query)
    assert query.answer_type is AnswerType.YESNO and found is not None and found.short == verdict


def test_a_bound_asked_is_compared_with_the_bound_written(law_assistant):
    """"có được giữ dưới 2% không" asks about the target itself: "dưới 3,5%" does not say yes."""
    from qa.extract import yes_no

    found = yes_no("Giữ tỷ lệ thất nghiệp khu vực thành thị dưới 3,5%.",
                   law_assistant.query("Tỷ lệ thất nghiệp thành thị có được giữ dưới 2% không?"))
    assert found is not None and found.short == "Không"


_PLACES = ("Nâng cấp Nhà văn hóa trung tâm của tỉnh. Xây dựng bến xe khách liên tỉnh tại xã An Bình, huyện Đông Sơn. "
           "Mở rộng các trạm vệ tinh quan trắc Phú Lạc, Tân Sơn.")


def test_where_something_is_answers_with_the_place_or_says_the_plan_names_none(tmp_path):
    """A place asked is answered with the place the sentence names; a sentence that names none does not say where.
    "vệ tinh nào" (which satellite stations) asks for no province."""
    assistant = _plan_assistant(tmp_path, _PLACES)
    _assert_refused(assistant.ask("Nhà văn hóa trung tâm của tỉnh được nâng cấp tại địa điểm nào?"), "Nâng cấp Nhà")
    assert assistant.ask("Bến xe khách liên tỉnh đặt ở đâu?").short == "xã An Bình, huyện Đông Sơn"
    assert assistant.ask("ben xe khach lien tinh xay dung o huyen nao").short == "xã An Bình, huyện Đông Sơn"
    assert "Phú Lạc, Tân Sơn" in assistant.ask("Những trạm vệ tinh quan trắc nào được mở rộng?").text


@pytest.mark.parametrize("question", [
    "Luật Đất đai sửa đổi được Quốc hội xem xét tại kỳ họp nào?",
    "Kỳ họp thứ mấy xem xét Luật Đất đai sửa đổi?",
    "In which session will the National Assembly consider the amended Land Law?",
])
def test_which_session_answers_with_the_session(tmp_path, question):
    """"kỳ họp nào", "thứ mấy", "which session": the session named, not a sentence that mentions sessions."""
    assistant = _plan_assistant(tmp_path, "Tổ chức tốt các kỳ họp của Hội đồng nhân dân tỉnh. Góp ý dự thảo Luật Đất "
                                          "đai (sửa đổi) để Quốc hội xem xét tại Kỳ họp thứ 9 (tháng 10/2030).")
    assert assistant.ask(question).short == "Kỳ họp thứ 9 (tháng 10/2030)"


def test_an_english_rate_is_of_its_head_noun(tmp_path):
    """"share of urban solid waste" is a rate of waste: the urban clean-water rate, which shares "urban" with it,
    is no answer; the share of the urban population with clean water is."""
    assistant = _plan_assistant(tmp_path, "Năm 2030, tỷ lệ dân số khu vực đô thị được dùng nước sạch đạt 98%.")
    _assert_refused(assistant.ask("What share of urban solid waste will be recycled in 2030?"), "98%")
    assert assistant.ask("What share of the urban population will use clean water in 2030?").short == "98%"


def test_a_question_word_said_first_covers_a_coordinated_predicate():
    """"Đến ngày nào … phải kê khai thành từng đợt và nộp báo cáo …" is one question ("từng" is no comparison);
    two indicators under one ask are still two parts."""
    from qa.parts import split_question

    assert split_question("Đến ngày nào thì doanh nghiệp phải kê khai thành từng đợt và nộp báo cáo theo mẫu "
                          "quy định?") is None
    split = split_question("Tỷ lệ trường đạt chuẩn năm 2030 là bao nhiêu và tỷ lệ trạm y tế đạt chuẩn?")
    assert split is not None and len(split.parts) == 2
