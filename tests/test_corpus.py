"""Corpus stage on the real resolution: cleaning, structure, chunks, Vietnamese text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpus.abbrev import Abbreviations, definition_in, harvest, phrases_by_initials
from corpus.accents import AccentRestorer
from corpus.chunker import ChunkerSettings, chunk_corpus, chunk_document
from corpus.errors import CorpusError
from corpus.figures import asked_units, asks_count, figures, unit_agrees
from corpus.loader import BUNDLED_CORPUS, clean_text, load_corpus
from corpus.refs import find_unit_refs
from corpus.structure import UnitKind, parse_structure
from corpus.text import canonical_number, clean_input, fold, lexical_terms, segment_words

RAW = next(BUNDLED_CORPUS.glob("*.txt")).read_text(encoding="utf-8")
BOILERPLATE = ["Đăng nhập", "Đang tải văn bản", "Bạn Chưa Đăng Nhập Thành Viên", "DMCA",
               "IP: 3.139", "Hãy để chúng tôi hỗ trợ bạn", "Từ khoá: Số Hiệu",
               "Nếu chưa là Thành Viên", "Văn bản này chưa cập nhật nội dung Tiếng Anh"]


@pytest.fixture(scope="module")
def doc():
    return load_corpus()[0]


def test_boilerplate_is_gone(doc):
    for phrase in BOILERPLATE:
        assert phrase not in doc.text, phrase


def test_no_resolution_line_is_lost(doc):
    # Every line from the header block to the last appendix item survives, verbatim.
    body = RAW[RAW.index("HỘI ĐỒNG NHÂN DÂN"):RAW.index("Văn bản này chưa cập nhật")]
    lines = [ln.strip() for ln in body.splitlines() if ln.strip()]
    assert len(lines) > 120
    missing = [ln for ln in lines if ln not in doc.text]
    assert missing == []
    assert doc.text.startswith("HỘI ĐỒNG NHÂN DÂN")
    assert doc.text.endswith("kiểu mẫu tăng thêm: 35 xã.")
    for must in ("Căn cứ Luật tổ chức chính quyền địa phương", "Nơi nhận:", "CHỦ TỊCH", "Nguyễn Ngọc Tuấn"):
        assert must in doc.text


def test_site_attribute_table_becomes_metadata_not_text(doc):
    assert "Loại văn bản:" not in doc.text
    assert doc.metadata["so_hieu"] == "31/NQ-HĐND"
    assert doc.metadata["ngay_ban_hanh"] == "06/12/2023"
    assert doc.title == "Nghị quyết 31/NQ-HĐND (06/12/2023)"


def test_structure_shape(doc):
    secs = parse_structure(doc.text, doc.profile)
    kinds = [s.kind for s in secs]
    assert kinds == [UnitKind.PREAMBLE, UnitKind.ARTICLE, UnitKind.ARTICLE, UnitKind.ARTICLE, UnitKind.CLOSING,
                     UnitKind.APPENDIX]
    dieu = {s.number: s for s in secs if s.kind is UnitKind.ARTICLE}
    assert [len(dieu[n].children) for n in ("1", "2", "3")] == [2, 12, 3]
    # A parent spans its children, the one-line last khoản included.
    assert all(s.start <= c.start and c.end <= s.end for s in secs for c in s.children)
    phuluc = secs[-1]
    assert phuluc.label == "Phụ lục"
    assert [c.number for c in phuluc.children] == [str(n) for n in range(1, 25)]
    assert doc.text[dieu["2"].children[5].start:].startswith("6. Thực hiện tốt các chính sách an sinh")
    assert doc.text[phuluc.children[12].start:].startswith("13. Giảm số hộ nghèo so với đầu năm: 300-400 hộ.")


@pytest.mark.parametrize("max_chars", [300, 800, 1200, 3000])
def test_chunk_offsets_round_trip(doc, max_chars):
    chunks = chunk_document(doc, ChunkerSettings(max_chars=max_chars, overlap=min(100, max_chars // 4)))
    assert chunks
    for c in chunks:
        assert doc.text[c.start:c.end] == c.text
    # Chunks cover every word of the document (the blank lines between units aside).
    covered = bytearray(len(doc.text))
    for c in chunks:
        covered[c.start:c.end] = b"\x01" * (c.end - c.start)
    assert all(covered[i] or doc.text[i].isspace() for i in range(len(doc.text)))


def test_chunks_never_cross_a_khoan(doc):
    secs = parse_structure(doc.text, doc.profile)
    units = [(ch.start, ch.end) for s in secs for ch in s.children]
    for c in chunk_document(doc, ChunkerSettings(max_chars=400, overlap=80)):
        if len(c.path) == 2:
            assert any(a <= c.start and c.end <= b for a, b in units), c.citation


def test_chunk_citations_and_ids(doc):
    chunks = chunk_document(doc)
    by_section = {c.section: c for c in chunks}
    assert by_section["Phụ lục mục 13"].citation == "Nghị quyết 31/NQ-HĐND (06/12/2023), Phụ lục, mục 13"
    assert "Điều 2 khoản 6" in by_section
    assert len({c.id for c in chunks}) == len(chunks)
    assert [c.id for c in chunks] == [c.id for c in chunk_document(doc)]  # stable


def test_second_document_is_picked_up(corpus_copy: Path):
    (corpus_copy / "quyet-dinh-99.txt").write_text(
        "Điều 1. Phê duyệt đề án thí điểm.\n\n1. Hỗ trợ 500 hộ cận nghèo.\n", encoding="utf-8")
    (corpus_copy / "quyet-dinh-99.meta.json").write_text(json.dumps(
        {"so_hieu": "99/QĐ-UBND", "loai_van_ban": "Quyết định", "ngay_ban_hanh": "01/02/2024"},
        ensure_ascii=False), encoding="utf-8")
    docs = load_corpus(corpus_copy)
    assert len(docs) == 2
    cites = {c.citation for c in chunk_corpus(docs)}
    assert "Quyết định 99/QĐ-UBND (01/02/2024), Điều 1, khoản 1" in cites


def test_corpus_errors_are_vietnamese(tmp_path: Path):
    with pytest.raises(CorpusError, match="Không tìm thấy thư mục"):
        load_corpus(tmp_path / "nope")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(CorpusError, match="UTF-8"):
        load_corpus(tmp_path)


def test_clean_text_keeps_document_words():
    raw = "Đăng nhập\n\nĐiều 1. Nội dung chính.\nDMCA.com Protection Status\n"
    assert clean_text(raw) == "Điều 1. Nội dung chính."


def test_fold_and_numbers():
    assert fold("Chỉ tiêu HỘ NGHÈO, Đường") == "chi tieu ho ngheo, duong"
    assert canonical_number("20.000") == "20000"
    assert canonical_number("4.5") == "4,5"
    assert "ho_ngheo" in lexical_terms("hộ nghèo")
    assert lexical_terms("chi tieu ho ngheo") == lexical_terms("chỉ tiêu hộ nghèo")


@given(st.text())
def test_fold_keeps_length_and_is_idempotent(s):
    f = fold(s)
    assert len(f) == len(s)
    assert fold(f) == f


@given(st.text())
def test_clean_input_never_fails_and_drops_controls(s):
    out = clean_input(s)
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", out)


def test_clause_references():
    def path(text):
        return find_unit_refs(text)[0].path

    assert path("khoản 6 Điều 2") == ("Điều 2", "khoản 6")
    assert path("khoan 6 dieu 2") == ("Điều 2", "khoản 6")
    assert path("Điều 2 khoản 6") == ("Điều 2", "khoản 6")
    assert path("mục 13 phụ lục") == ("Phụ lục", "mục 13")
    assert path("chỉ tiêu số 9") == ("mục 9",)
    assert path("điểm b khoản 2 Điều 10a") == ("Điều 10a", "khoản 2", "điểm b")
    assert path("Phụ lục II mục 3") == ("Phụ lục II", "mục 3")
    assert find_unit_refs("nhiệm vụ số 9")[0].task == "9"
    assert find_unit_refs("chi tieu ho ngheo 2024") == []


def test_abbreviations_both_ways(doc):
    found = harvest(doc.text)
    assert found["ATTP"] == "an toàn thực phẩm"
    assert found["CCHC"] == "cải cách hành chính"
    ab = Abbreviations(found.items())
    assert "bảo hiểm y tế" in ab.expand("tỷ lệ BHYT")
    assert "bảo hiểm y tế" in ab.expand("ty le bhyt")
    assert "BHYT" in ab.expand("ty le bao hiem y te")


def test_definition_is_the_words_whose_initials_spell_it():
    text = "Điều 4. Thông qua dự toán của Ủy ban kiểm tra tài chính-ngân sách (KTTCNS) năm 2025."
    a, b, phrase = definition_in(text, "KTTCNS")
    assert phrase == "kiểm tra tài chính-ngân sách"  # as written, hyphen kept; not "Thông qua dự toán…"
    assert text[a:b] == "kiểm tra tài chính-ngân sách (KTTCNS)"
    assert harvest(text)["KTTCNS"] == "kiểm tra tài chính ngân sách"


def test_figures_after_thi_diem_are_figures_but_point_numbers_are_not():
    assert [f.text for f in figures("lựa chọn thí điểm 02 trường/xã tại mỗi huyện")] == ["02 trường"]
    assert figures("theo quy định tại điểm 2 khoản 1") == []


def test_a_share_written_in_words_is_a_figure_of_its_counted_noun():
    found = figures("Hội đồng phải có ít nhất một phần ba tổng số thành viên là chuyên gia; "
                    "quyết định khi được quá nửa số đại biểu tán thành.")
    assert [(f.text, f.unit) for f in found] == [("ít nhất một phần ba tổng số thành viên", "thành viên"),
                                                  ("quá nửa số đại biểu", "đại biểu")]
    assert figures("trong nửa đầu năm, các bên không được vượt quá hạn mức") == []
    assert any(unit_agrees(f, "", asked_units("Hội đồng có ít nhất bao nhiêu thành viên là chuyên gia?"))
               for f in found)


@pytest.mark.parametrize(("question", "counts"), [
    ("Số hợp tác xã giải thể là bao nhiêu?", True),
    ("so hop tac xa giai the la bao nhieu", True),
    ("How many enterprises are founded?", True),
    ("Sở Tài chính cấp bao nhiêu?", False),  # a department, not a count
    ("Giao dịch qua môi trường số phải đạt bao nhiêu?", False),  # "số" after a noun: digital
    ("Số hợp tác xã tăng bao nhiêu phần trăm?", False),  # a rate is named
])
def test_a_count_is_told_from_a_department_digital_and_a_rate(question, counts):
    assert asks_count(question) is counts


def test_an_english_count_is_not_answered_in_another_unit():
    units = asked_units("How many kilometres of dyke will be raised?")
    assert units == {"km"}
    text = "thu hút 20-25 doanh nghiệp tham gia"
    assert not any(unit_agrees(f, text, units) for f in figures(text))


def test_nam_after_moi_or_hang_is_the_year_not_five():
    """"mỗi năm hai lần" counts "hai lần"; "năm năm" (five years) stays five years."""
    assert [f.text for f in figures("Tổ chức kiểm tra cây xanh ít nhất mỗi năm hai lần.")] == ["hai lần"]
    assert [f.text for f in figures("Hằng năm ba lần rà soát danh mục cây.")] == ["ba lần"]
    assert [f.text for f in figures("Giấy phép có thời hạn năm năm.")] == ["năm năm"]


def test_a_range_up_to_below_a_bound_is_one_figure():
    assert [f.text for f in figures("thanh niên từ đủ 16 tuổi đến dưới 18 tuổi được hỗ trợ")] \
        == ["từ đủ 16 tuổi đến dưới 18 tuổi"]


@pytest.mark.parametrize(("question", "text"), [
    ("Mỗi người có bao nhiêu mét vuông nhà ở?", "đạt 25m2/người"),
    ("Tỉnh xây mấy ngôi trường mới?", "xây dựng 12 trường liên cấp"),
    ("Diện tích rừng trồng mới bao nhiêu hecta?", "trồng mới 300 ha rừng"),
    ("How many kilometres of new road will be built?", "xây dựng mới 12 km đường"),
    ("How many public schools will be recognised?", "công nhận 57 trường"),
])
def test_a_unit_asked_in_other_words_agrees_with_the_text(question, text):
    units = asked_units(question)
    assert any(unit_agrees(f, text, units) for f in figures(text)), (units, figures(text))


@pytest.mark.parametrize("question", ["tăng trưởng từ 6,5%", "tu 2024 den 2025", "Bộ Tư pháp", "tư vấn",
                                      "vp ubnd", "TĂNG TRƯỞNG TỪ 6,5%", "tp ha noi"])
def test_abbreviations_that_fold_to_common_syllables_never_expand_from_them(question):
    # "TU" (Thành ủy), "VP" (văn phòng), "TP" (thành phố) fold to ordinary syllables or are too short:
    # they expand only when written in capitals by the user.
    expanded = Abbreviations().expand(question)
    assert "Thành ủy" not in expanded and "văn phòng" not in expanded and "thành phố" not in expanded


def test_an_abbreviation_the_documents_never_define_is_read_off_their_phrases():
    text = ("Cấp giấy phép môi trường cho dự án. Hồ sơ đề nghị cấp giấy phép môi trường gồm: đơn; "
            "báo cáo. Thời hạn của giấy phép môi trường là 07 năm. Gửi giấy phép mới tới Bộ. "
            "Giám sát môi trường tại khu công nghiệp; giám sát môi trường tại cụm công nghiệp. "
            "Ghi phiếu mẫu trước; ghi phiếu mẫu sau; ghi phiếu mẫu lại. Gửi phiếu mới trước. Kỳ họp thứ XVI.")
    table = phrases_by_initials([text])
    assert table["gpmt"] == "giấy phép môi trường"
    assert "gsmt" not in table  # "giám sát môi trường" twice only: too rare to guess from
    assert "gpmt" not in phrases_by_initials([text + " Ban hành GPMT số 1."])  # written as it is
    ab = Abbreviations(by_initials=table)
    assert "giấy phép môi trường" in ab.expand("Thời hạn GPMT là bao lâu?")
    assert "giấy phép môi trường" not in ab.expand("thoi han gpmt")  # a guess needs the capitals typed
    assert ab.long_form("GPMT") == "giấy phép môi trường"
    # the dense model reads the phrase beside an abbreviation the documents never write
    assert ab.spell_out("Thời hạn GPMT?") == "Thời hạn GPMT (giấy phép môi trường)?"
    assert ab.spell_out("Thời hạn giấy phép môi trường (GPMT)?") == "Thời hạn giấy phép môi trường (GPMT)?"
    assert ab.spell_out("Tỷ lệ BHYT?") == "Tỷ lệ BHYT?"  # curated: the documents may write it


def test_abbreviations_written_in_capitals_still_expand():
    ab = Abbreviations()
    assert "Thành ủy" in ab.expand("Chương trình của TU")
    assert "văn phòng" in ab.expand("VP UBND")


def test_may_before_a_counting_word_is_restored_as_how_many():
    from corpus.text import mark_question_words
    r = AccentRestorer(["Nhà máy xử lý rác. Máy móc, máy bơm và máy phát điện của nhà máy. Thời hạn 05 năm."])
    assert r.restore(mark_question_words("thoi han may nam")) == "thời hạn mấy năm"
    assert r.restore(mark_question_words("nha may xu ly rac o dau")).startswith("nhà máy xử lý rác")
    laws = AccentRestorer(["Công dân Việt Nam. Nhà nước Việt Nam. Nhà máy. Thời hạn 05 năm."])  # "Nam" > "năm"
    assert laws.restore(mark_question_words("thoi han may nam")) == "thời hạn mấy năm"


def test_accent_restoration_from_corpus(doc):
    r = AccentRestorer([doc.text])
    assert r.restore("chi tieu ho ngheo 2024") == "chỉ tiêu hộ nghèo 2024"
    assert r.restore("ty le bao phu bao hiem y te") == "tỷ lệ bao phủ bảo hiểm y tế"
    assert r.restore("what is the poverty target") == "what is the poverty target"


def test_pyvi_segmentation_is_available_and_folded():
    words = segment_words("Thành phố Hà Nội giảm số hộ nghèo")
    assert "thanh_pho" in words and "ha_noi" in words


def test_a_sentence_ending_in_a_year_is_its_own_sentence():
    from corpus.text import segments

    text = "Điều chỉnh quy hoạch đến năm 2030, tầm nhìn đến năm 2050. Hoàn thành 04 dự án cấp nước; tăng 6.5 lần."
    assert [text[a:b] for a, b in segments(text, clauses=True)] == [
        "Điều chỉnh quy hoạch đến năm 2030, tầm nhìn đến năm 2050.", "Hoàn thành 04 dự án cấp nước", "tăng 6.5 lần."]
    abbreviated = "Nghị quyết của BCH T.Ư Đảng khóa XIII và của UBND TP.HCM."  # "." inside a word ends nothing
    assert [abbreviated[a:b] for a, b in segments(abbreviated, clauses=True)] == [abbreviated]
    listed = "1. Tăng trưởng kinh tế.\n2. Giảm hộ nghèo."
    assert [listed[a:b] for a, b in segments(listed)] == ["1. Tăng trưởng kinh tế.", "2. Giảm hộ nghèo."]


def test_an_ellipsis_inside_a_sentence_does_not_end_it():
    """"Di dời các xưởng gây ồn... ra ngoại thành, dành đất làm công viên" is one sentence, so an answer quotes
    the purpose with the move; an ellipsis before a capital still ends one."""
    from corpus.text import segments

    text = "Di dời các xưởng gây ồn... ra ngoại thành, dành đất làm công viên. Rà soát các dự án chậm... Xử lý dứt điểm."
    for clauses in (False, True):
        assert [text[a:b] for a, b in segments(text, clauses=clauses)] == [
            "Di dời các xưởng gây ồn... ra ngoại thành, dành đất làm công viên.", "Rà soát các dự án chậm...",
            "Xử lý dứt điểm."]
