"""Reading .txt/.docx/.pdf/.html sources and reading metadata from the document header."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from corpus.errors import CorpusError
from corpus.ingest import load_source, read_source
from corpus.loader import clean_text, load_corpus
from corpus.metadata import header_metadata

ROOT = Path(__file__).resolve().parent.parent

BODY = [
    "Điều 1. Thông qua kế hoạch đầu tư công năm 2024 của tỉnh như sau:",
    "1. Tổng vốn đầu tư công năm 2024 là 12.500 tỷ đồng.",
    "2. Phân bổ vốn theo thứ tự ưu tiên:",
    "a) Các dự án chuyển tiếp hoàn thành trong năm;",
    "b) Các dự án khởi công mới đủ thủ tục đầu tư.",
    "Điều 2. Ủy ban nhân dân tỉnh tổ chức thực hiện Nghị quyết này.",
]


def _is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def _cp1258(text: str) -> bytes:
    """Windows-1258 bytes: base letters with ^, ˘, ơ/ư precomposed, tone marks as combining characters."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out: list[str] = []
    for ch in text:
        base, *marks = unicodedata.normalize("NFD", ch)
        shape = [m for m in marks if m not in tones]
        out.append(unicodedata.normalize("NFC", base + "".join(shape)) + "".join(m for m in marks if m in tones))
    return "".join(out).encode("cp1258")


def _dejavu() -> Path:
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSans.ttf"
    assert path.is_file()
    return path


def _make_docx(path: Path) -> None:
    from docx import Document

    doc = Document()
    header = doc.add_table(rows=2, cols=2)
    header.cell(0, 0).text = "HỘI ĐỒNG NHÂN DÂN\nTỈNH BẮC NINH"
    header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    header.cell(1, 0).text = "Số: 12/NQ-HĐND"
    header.cell(1, 1).text = "Bắc Ninh, ngày 5 tháng 3 năm 2024"
    doc.add_paragraph("NGHỊ QUYẾT")
    doc.add_paragraph("VỀ KẾ HOẠCH ĐẦU TƯ CÔNG NĂM 2024")
    doc.add_paragraph("HỘI ĐỒNG NHÂN DÂN TỈNH BẮC NINH")
    doc.add_paragraph("Căn cứ Luật Đầu tư công ngày 13 tháng 6 năm 2019;")
    doc.add_paragraph("QUYẾT NGHỊ:")
    for line in BODY:
        doc.add_paragraph(line)
    sign = doc.add_table(rows=1, cols=2)
    sign.cell(0, 0).text = "Nơi nhận:\n- Như Điều 2;\n- Lưu: VT."
    sign.cell(0, 1).text = "TM. HỘI ĐỒNG NHÂN DÂN\nCHỦ TỊCH\n(Đã ký)\nNguyễn Văn An"
    doc.save(str(path))


def _make_pdf(path: Path, lines: list[str], *, text: bool = True) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVuSans", str(_dejavu())))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    if text:
        pdf.setFont("DejaVuSans", 10)
        y = 800.0
        for line in lines:
            left, _, right = line.partition("|")
            pdf.drawString(50, y, left)
            if right:
                pdf.drawString(300, y, right)
            y -= 15
    else:
        pdf.rect(100, 400, 300, 200, fill=1)  # a "scan": drawing only, no text layer
    pdf.showPage()
    pdf.save()


# --------------------------------------------------------------------------- DOCX


def test_docx_keeps_header_table_body_and_signature_in_order(tmp_path: Path) -> None:
    path = tmp_path / "nq-12.docx"
    _make_docx(path)
    raw = read_source(path)
    assert _is_nfc(raw)
    lines = [ln for ln in raw.split("\n") if ln]
    # Every Điều/khoản/điểm line survives, in document order.
    positions = [lines.index(line) for line in BODY]
    assert positions == sorted(positions)
    # Header table: left cell before right cell, both before the title.
    title = lines.index("NGHỊ QUYẾT")
    for cell_line in ("HỘI ĐỒNG NHÂN DÂN", "TỈNH BẮC NINH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 12/NQ-HĐND"):
        assert lines.index(cell_line) < title
    assert lines.index("TỈNH BẮC NINH") < lines.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    # Signature table comes after the last Điều.
    assert lines.index("Nguyễn Văn An") > lines.index(BODY[-1])

    meta = header_metadata(clean_text(raw))
    assert meta == {
        "loai_van_ban": "Nghị quyết",
        "so_hieu": "12/NQ-HĐND",
        "co_quan_ban_hanh": "Hội đồng nhân dân tỉnh Bắc Ninh",
        "ngay_ban_hanh": "05/03/2024",
        "trich_yeu": "Về kế hoạch đầu tư công năm 2024",
        "nguoi_ky": "Nguyễn Văn An",
        "chuc_vu_nguoi_ky": "Chủ tịch",
    }


def test_docx_automatic_numbering_is_written_out(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("Điều 1. Mục tiêu")
    doc.add_paragraph("Tăng trưởng kinh tế", style="List Number")
    doc.add_paragraph("Giảm nghèo bền vững", style="List Number")
    path = tmp_path / "so.docx"
    doc.save(str(path))
    lines = [ln for ln in read_source(path).split("\n") if ln]
    assert lines == ["Điều 1. Mục tiêu", "1. Tăng trưởng kinh tế", "2. Giảm nghèo bền vững"]


def test_load_source_combines_header_metadata_and_sidecar(tmp_path: Path) -> None:
    path = tmp_path / "nq-12.docx"
    _make_docx(path)
    text, meta = load_source(path)
    assert text.startswith("HỘI ĐỒNG NHÂN DÂN")
    assert meta["so_hieu"] == "12/NQ-HĐND" and meta["nguoi_ky"] == "Nguyễn Văn An"
    (tmp_path / "nq-12.meta.json").write_text(
        json.dumps({"doc_id": "NQ-12-BN", "trich_yeu": "Kế hoạch đầu tư công 2024"}, ensure_ascii=False),
        encoding="utf-8",
    )
    _, meta = load_source(path)
    assert meta["doc_id"] == "NQ-12-BN"
    assert meta["trich_yeu"] == "Kế hoạch đầu tư công 2024"  # the sidecar wins
    assert meta["loai_van_ban"] == "Nghị quyết"  # header values still fill the rest


def test_damaged_docx_is_a_corpus_error(tmp_path: Path) -> None:
    path = tmp_path / "hong.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CorpusError, match="hong.docx"):
        read_source(path)


# --------------------------------------------------------------------------- PDF


def test_pdf_text_layer_with_vietnamese_diacritics(tmp_path: Path) -> None:
    path = tmp_path / "qd-7.pdf"
    _make_pdf(path, [
        "ỦY BAN NHÂN DÂN|CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "TỈNH BẮC NINH|Độc lập - Tự do - Hạnh phúc",
        "Số: 7/QĐ-UBND|Bắc Ninh, ngày 5 tháng 3 năm 2024",
        "QUYẾT ĐỊNH",
        "VỀ VIỆC PHÊ DUYỆT KẾ HOẠCH CHUYỂN ĐỔI SỐ NĂM 2024",
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
        "Điều 1. Phê duyệt kế hoạch chuyển đổi số năm 2024 của tỉnh Bắc Ninh với các nội dung chủ yếu",
        "sau đây, bảo đảm đúng tiến độ và chất lượng.",
        "1. Mục tiêu: nâng cao hiệu quả quản lý nhà nước trên môi trường số.",
        "Điều 2. Sở Thông tin và Truyền thông chủ trì tổ chức thực hiện.",
        "CHỦ TỊCH",
        "(Đã ký)",
        "Trần Thị Hương",
    ])
    raw = read_source(path)
    assert _is_nfc(raw)
    lines = raw.split("\n")
    # The wrapped visual line is glued back into its paragraph.
    assert (
        "Điều 1. Phê duyệt kế hoạch chuyển đổi số năm 2024 của tỉnh Bắc Ninh với các nội dung chủ yếu "
        "sau đây, bảo đảm đúng tiến độ và chất lượng."
    ) in lines
    assert "1. Mục tiêu: nâng cao hiệu quả quản lý nhà nước trên môi trường số." in lines
    meta = header_metadata(clean_text(raw))
    assert meta["so_hieu"] == "7/QĐ-UBND"
    assert meta["loai_van_ban"] == "Quyết định"
    assert meta["co_quan_ban_hanh"] == "Ủy ban nhân dân tỉnh Bắc Ninh"
    assert meta["ngay_ban_hanh"] == "05/03/2024"
    assert meta["trich_yeu"] == "Về việc phê duyệt kế hoạch chuyển đổi số năm 2024"
    assert meta["nguoi_ky"] == "Trần Thị Hương"


def test_scanned_pdf_without_text_layer_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "ban-scan.pdf"
    _make_pdf(path, [], text=False)
    with pytest.raises(CorpusError, match="quét") as err:
        read_source(path)
    assert "ban-scan.pdf" in str(err.value) and "OCR" in str(err.value)


def test_password_protected_and_corrupt_pdf_are_corpus_errors(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = tmp_path / "plain.pdf"
    _make_pdf(plain, ["Điều 1. Nội dung có chữ để kiểm tra việc mã hóa tệp PDF."])
    writer = PdfWriter()
    for page in PdfReader(str(plain)).pages:
        writer.add_page(page)
    writer.encrypt(user_password="matkhau", owner_password="chu", algorithm="RC4-128")
    locked = tmp_path / "khoa.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(CorpusError, match="mật khẩu"):
        read_source(locked)

    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"%PDF-1.4\n garbage without objects")
    with pytest.raises(CorpusError, match="hong.pdf"):
        read_source(broken)


def test_pdf_in_legacy_tcvn3_font_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "vntime.pdf"
    _make_pdf(path, ["Céng hoµ x· héi chñ nghÜa ViÖt Nam", "§éc lËp - Tù do - H¹nh phóc"] * 6)
    with pytest.raises(CorpusError, match="TCVN3") as err:
        read_source(path)
    assert "vntime.pdf" in str(err.value)


# --------------------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Nghị quyết 12/NQ-HĐND - Thư viện văn bản</title>
<style>.menu {{ color: red }}</style>
<script>var user = "khách"; document.write("Quảng cáo");</script></head>
<body>
<nav class="main-menu"><ul><li><a href="/">Trang chủ</a></li><li><a href="/vb">Văn bản mới</a></li></ul></nav>
<div id="login-box"><form action="/login"><p>Đăng nhập thành viên</p><input name="u"><button>Gửi</button></form></div>
<div class="wrapper">
 <div id="noidung-vanban" class="content-doc">
  <table><tr><td><p>HỘI ĐỒNG NHÂN DÂN<br>TỈNH BẮC NINH</p></td>
  <td><p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc</p></td></tr>
  <tr><td>Số: 12/NQ-HĐND</td><td><i>Bắc Ninh, ngày 5 tháng 3 năm 2024</i></td></tr></table>
  <p align="center"><b>NGHỊ QUYẾT</b></p>
  <p align="center"><b>VỀ KẾ HOẠCH ĐẦU TƯ CÔNG NĂM 2024</b></p>
  {body}
  <p><b>Điều 3.</b> Nghị quyết có hiệu lực từ ngày ký &amp; được công bố công khai &ndash; theo quy định.</p>
  <table><tr><td>Nơi nhận:<br>- Lưu: VT.</td>
  <td><b>TM. HỘI ĐỒNG NHÂN DÂN<br>CHỦ TỊCH</b><br><i>(Đã ký)</i><br><b>Nguyễn Văn An</b></td></tr></table>
 </div>
 <aside class="sidebar"><h3>Văn bản liên quan</h3><ul><li>Nghị quyết 11/NQ-HĐND</li></ul></aside>
</div>
<footer><p>Bản quyền © Thư viện văn bản. Liên hệ quảng cáo.</p></footer>
<script>trackVisit();</script>
</body></html>
"""


def test_html_page_keeps_document_and_drops_site_chrome(tmp_path: Path) -> None:
    body = "\n".join(f"<p>{line}</p>" for line in BODY)
    path = tmp_path / "nq-12.html"
    path.write_text(PAGE.format(body=body), encoding="utf-8")
    raw = read_source(path)
    lines = [ln for ln in raw.split("\n") if ln]
    positions = [lines.index(line) for line in BODY]
    assert positions == sorted(positions)
    assert "Điều 3. Nghị quyết có hiệu lực từ ngày ký & được công bố công khai – theo quy định." in lines
    assert lines.index("TỈNH BẮC NINH") < lines.index("NGHỊ QUYẾT") < positions[0]
    for chrome in ("Trang chủ", "Văn bản mới", "Đăng nhập", "Gửi", "Văn bản liên quan", "Bản quyền",
                   "Quảng cáo", "trackVisit", "color: red", "Thư viện văn bản"):
        assert chrome not in raw
    meta = header_metadata(clean_text(raw))
    assert meta["so_hieu"] == "12/NQ-HĐND"
    assert meta["co_quan_ban_hanh"] == "Hội đồng nhân dân tỉnh Bắc Ninh"
    assert meta["nguoi_ky"] == "Nguyễn Văn An"


def test_html_without_content_container_still_drops_chrome(tmp_path: Path) -> None:
    path = tmp_path / "trang.htm"
    path.write_bytes(_cp1258(
        "<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1258'></head><body>"
        "<header>Cổng thông tin</header><form id='aspnetForm'><div>"
        "<p>Điều 1. Phạm vi điều chỉnh</p><p>Nghị quyết này quy định mức hỗ trợ cho hộ nghèo.</p>"
        "</div></form><footer>Liên hệ</footer></body></html>"
    ))
    raw = read_source(path)
    assert raw.split("\n\n") == ["Điều 1. Phạm vi điều chỉnh", "Nghị quyết này quy định mức hỗ trợ cho hộ nghèo."]
    assert _is_nfc(raw)


# --------------------------------------------------------------------------- TXT and errors


def test_txt_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "vb.txt"
    decomposed = unicodedata.normalize("NFD", "Điều 1. Phạm vi điều chỉnh")
    path.write_bytes(b"\xef\xbb\xbf" + f"{decomposed}\r\nNội dung.\r\n".encode())
    assert read_source(path) == "Điều 1. Phạm vi điều chỉnh\nNội dung."


def test_non_utf8_txt_is_rejected_in_vietnamese(tmp_path: Path) -> None:
    path = tmp_path / "cu.txt"
    path.write_bytes(_cp1258("Điều 1. Phạm vi điều chỉnh"))
    with pytest.raises(CorpusError, match="UTF-8") as err:
        read_source(path)
    assert "cu.txt" in str(err.value) and "không phải văn bản" in str(err.value)


def test_unsupported_suffix_lists_supported_formats(tmp_path: Path) -> None:
    path = tmp_path / "bang.xlsx"
    path.write_bytes(b"x")
    with pytest.raises(CorpusError, match="Không hỗ trợ") as err:
        read_source(path)
    for suffix in (".txt", ".docx", ".pdf", ".html"):
        assert suffix in str(err.value)
    assert "bang.xlsx" in str(err.value)


# --------------------------------------------------------------------------- metadata on real documents


def test_header_metadata_of_bundled_resolution() -> None:
    doc = load_corpus()[0]
    meta = header_metadata(doc.text)
    assert meta == {
        "loai_van_ban": "Nghị quyết",
        "so_hieu": "31/NQ-HĐND",
        "co_quan_ban_hanh": "Hội đồng nhân dân thành phố Hà Nội",
        "ngay_ban_hanh": "06/12/2023",
        "trich_yeu": "Về kế hoạch phát triển kinh tế - xã hội năm 2024",
        "nguoi_ky": "Nguyễn Ngọc Tuấn",
        "chuc_vu_nguoi_ky": "Chủ tịch",
    }
    # Agrees with the hand-written sidecar on every key both have.
    assert all(doc.metadata[k] == v for k, v in meta.items())


def test_header_metadata_of_a_law() -> None:
    text = clean_text((ROOT / "eval/corpora/laws/Luat-Thanh-nien.txt").read_text(encoding="utf-8"))
    meta = header_metadata(text)
    assert meta["loai_van_ban"] == "Luật"
    assert meta["so_hieu"] == "57/2020/QH14"
    assert meta["nguoi_ky"] == "Nguyễn Thị Kim Ngân"
    assert meta["chuc_vu_nguoi_ky"] == "Chủ tịch Quốc hội"
    assert meta["co_quan_ban_hanh"] == "Quốc hội"
    assert meta["trich_yeu"] == "Luật Thanh niên"
    assert meta["ngay_ban_hanh"] == "16/06/2020"  # "thông qua ngày 16 tháng 6 năm 2020"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "CHÍNH PHỦ\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Số: 15/2023/NĐ-CP\nHà Nội, ngày 3 tháng 5 năm 2023\nNGHỊ ĐỊNH\nQUY ĐỊNH CHI TIẾT MỘT SỐ ĐIỀU\n"
            "CỦA LUẬT ĐẦU TƯ CÔNG\nCăn cứ Luật Tổ chức Chính phủ;\nĐiều 1. Phạm vi\n"
            "TM. CHÍNH PHỦ\nKT. THỦ TƯỚNG\nPHÓ THỦ TƯỚNG\n(Đã ký)\n\nTrần Lưu Quang",
            {"loai_van_ban": "Nghị định", "so_hieu": "15/2023/NĐ-CP", "co_quan_ban_hanh": "Chính phủ",
             "ngay_ban_hanh": "03/05/2023",
             "trich_yeu": "Quy định chi tiết một số điều của Luật Đầu tư công",
             "nguoi_ky": "Trần Lưu Quang", "chuc_vu_nguoi_ky": "Phó Thủ tướng"},
        ),
        (
            "BỘ TÀI CHÍNH\n--------\nSố: 40/2021/TT-BTC\nHà Nội, ngày 01 tháng 6 năm 2021\nTHÔNG TƯ\n"
            "HƯỚNG DẪN THUẾ GIÁ TRỊ GIA TĂNG\nCăn cứ Luật Quản lý thuế;\nĐiều 1. Phạm vi\n"
            "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\n\nCao Anh Tuấn",
            {"loai_van_ban": "Thông tư", "so_hieu": "40/2021/TT-BTC", "co_quan_ban_hanh": "Bộ Tài chính",
             "ngay_ban_hanh": "01/06/2021", "trich_yeu": "Hướng dẫn thuế giá trị gia tăng",
             "nguoi_ky": "Cao Anh Tuấn", "chuc_vu_nguoi_ky": "Thứ trưởng"},
        ),
        (  # PDF text where the two header columns ran together on one line
            "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTHÀNH PHỐ HÀ NỘI Độc lập - Tự do - Hạnh phúc\n"
            "Số: 25/KH-UBND Hà Nội, ngày 20 tháng 01 năm 2024\nKẾ HOẠCH\nTHỰC HIỆN CHUYỂN ĐỔI SỐ NĂM 2024\n"
            "Thực hiện Nghị quyết của Hội đồng nhân dân Thành phố;\nI. MỤC ĐÍCH\nNội dung.\n"
            "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nHà Minh Hải",
            {"loai_van_ban": "Kế hoạch", "so_hieu": "25/KH-UBND",
             "co_quan_ban_hanh": "Ủy ban nhân dân thành phố Hà Nội", "ngay_ban_hanh": "20/01/2024",
             "trich_yeu": "Thực hiện chuyển đổi số năm 2024", "nguoi_ky": "Hà Minh Hải",
             "chuc_vu_nguoi_ky": "Phó Chủ tịch"},
        ),
        (  # công văn: parent body above the issuing body, "V/v" subject, no title
            "BỘ TÀI CHÍNH\nTỔNG CỤC THUẾ\n-------\nSố: 1234/TCT-CS\nV/v hướng dẫn chính sách thuế\n"
            "Hà Nội, ngày 12 tháng 4 năm 2024\nKính gửi: Cục Thuế tỉnh Bắc Ninh.\nNội dung trả lời.\n"
            "TL. TỔNG CỤC TRƯỞNG\nVỤ TRƯỞNG VỤ CHÍNH SÁCH\n\nNguyễn Văn Bình",
            {"loai_van_ban": "Công văn", "so_hieu": "1234/TCT-CS", "co_quan_ban_hanh": "Tổng cục Thuế",
             "ngay_ban_hanh": "12/04/2024", "trich_yeu": "Về việc hướng dẫn chính sách thuế",
             "nguoi_ky": "Nguyễn Văn Bình", "chuc_vu_nguoi_ky": "Vụ trưởng Vụ Chính sách"},
        ),
    ],
)
def test_header_metadata_standard_layouts(header: str, expected: dict[str, str]) -> None:
    assert header_metadata(header) == expected


def test_header_metadata_omits_what_is_missing() -> None:
    assert header_metadata("Một đoạn văn không có phần đầu văn bản.") == {}
    assert header_metadata("MỤC LỤC\nPhần một. Giới thiệu chung") == {}
