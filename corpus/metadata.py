"""Metadata read from a document's own header and signature block.

Follows the standard layout of Vietnamese administrative documents (Nghị định
30/2020/NĐ-CP, thể thức văn bản) and of laws: issuing body in capitals at the top left,
national motto at the top right, "Số: …", "<place>, ngày … tháng … năm …", the document
type in capitals with the subject below it, and the signature block (title, "(Đã ký)",
signer's name) after the last article.
"""

from __future__ import annotations

import re

from corpus.text import fold, nfc

# Document types by the folded title word(s), longest first.
_TYPES: list[tuple[str, str]] = [
    ("thong tu lien tich", "Thông tư liên tịch"),
    ("nghi quyet lien tich", "Nghị quyết liên tịch"),
    ("bo luat", "Bộ luật"),
    ("hien phap", "Hiến pháp"),
    ("phap lenh", "Pháp lệnh"),
    ("luat", "Luật"),
    ("nghi quyet", "Nghị quyết"),
    ("nghi dinh", "Nghị định"),
    ("quyet dinh", "Quyết định"),
    ("thong tu", "Thông tư"),
    ("chi thi", "Chỉ thị"),
    ("ke hoach", "Kế hoạch"),
    ("thong bao", "Thông báo"),
    ("huong dan", "Hướng dẫn"),
    ("bao cao", "Báo cáo"),
    ("to trinh", "Tờ trình"),
    ("chuong trinh", "Chương trình"),
    ("quy che", "Quy chế"),
    ("quy dinh", "Quy định"),
    ("de an", "Đề án"),
    ("phuong an", "Phương án"),
    ("ket luan", "Kết luận"),
    ("cong dien", "Công điện"),
    ("cong van", "Công văn"),
    ("bien ban", "Biên bản"),
    ("lenh", "Lệnh"),
]
# Types whose subject is a name ("LUẬT AN NINH MẠNG" → "Luật An ninh mạng").
_NAMED_TYPES = {"Luật", "Bộ luật", "Pháp lệnh", "Hiến pháp"}
# Type code inside a số hiệu ("31/NQ-HĐND", "15/2023/NĐ-CP"), folded.
_CODES = {
    "nq": "Nghị quyết", "nqlt": "Nghị quyết liên tịch", "nd": "Nghị định", "qd": "Quyết định",
    "tt": "Thông tư", "ttlt": "Thông tư liên tịch", "ct": "Chỉ thị", "kh": "Kế hoạch", "tb": "Thông báo",
    "hd": "Hướng dẫn", "bc": "Báo cáo", "ttr": "Tờ trình", "cd": "Công điện", "l": "Lệnh",
}

_MOTTO = re.compile(r"cong\s+hoa\s+xa\s+hoi\s+chu\s+nghia\s+viet\s+nam|doc\s+lap\s*[-–]\s*tu\s+do\s*[-–]\s*hanh\s+phuc")
_SEPARATOR = re.compile(r"^[-_=*.…·~–—\s]+$")
_SO_HIEU = re.compile(r"^(?:[^\W\d_]+\s+){0,3}[Ss]ố\s*:\s*(.+)$")
_DATE = r"ngày\s+(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})"
_PLACE_DATE = re.compile(r"(?:^|,)\s*" + _DATE, re.IGNORECASE)
_PASSED_DATE = re.compile(r"thông\s+qua\s+" + _DATE, re.IGNORECASE)
# Where the body starts: the header zone ends here.
_BODY_START = re.compile(r"^(?:Điều\s+\d+|Chương\s+[IVXLC\d]+\b|Căn\s+cứ|Phần\s+(?:thứ|[IVXLC\d]))")
_HEADER_MAX_LINES = 40
# Lines after the subject that name the enacting authority, not the subject (folded).
_AUTHORITY = re.compile(
    r"^(?:hoi dong nhan dan|uy ban nhan dan|uy ban thuong vu|quoc hoi|chinh phu|chu tich|thu tuong|bo truong"
    r"|thong doc|giam doc|tong kiem toan|chanh an|vien truong|hoi dong tham phan|ban chap hanh|khoa\s+[ivxlc\d]+"
    r"|ky hop)\b"
)
# Signature block: authority prefixes and position words, on lines in capitals.
_SIGN_PREFIX = re.compile(r"^(TM|KT|TL|TUQ|Q|PP)\s*\.\s*(.+)$")
_POSITION = re.compile(
    r"\b(?:CHỦ TỊCH|THỦ TƯỚNG|TRƯỞNG|GIÁM ĐỐC|THỐNG ĐỐC|CHÁNH ÁN|CHÁNH VĂN PHÒNG|CHÁNH THANH TRA|TỔNG THANH TRA"
    r"|TỔNG KIỂM TOÁN|BÍ THƯ|TỔNG THƯ KÝ|CHỦ NHIỆM|ỦY VIÊN|UỶ VIÊN|PHÓ)\b"
)
# Lines between a signer's title and name: "(Đã ký)", seal notes, digital-signature stamps.
_SIGN_NOTE = re.compile(
    r"^(?:[(\[].*[)\]]|đã\s+ký.*|ký\s+bởi.*|thời\s+gian\s+ký.*|chữ\s+ký.*|đóng\s+dấu.*|\[?daky\]?)$",
    re.IGNORECASE,
)
_NAME_SEARCH_LINES = 8

# Casing: words that stay capitalised wherever they appear (folded → written form).
_PROPER_TERMS = [
    ("uy ban thuong vu quoc hoi", "Ủy ban Thường vụ Quốc hội"),
    ("mat tran to quoc", "Mặt trận Tổ quốc"),
    ("ngan hang nha nuoc", "Ngân hàng Nhà nước"),
    ("kho bac nha nuoc", "Kho bạc Nhà nước"),
    ("kiem toan nha nuoc", "Kiểm toán nhà nước"),
    ("quoc hoi", "Quốc hội"),
    ("chinh phu", "Chính phủ"),
    ("viet nam", "Việt Nam"),
    ("thu do ha noi", "Thủ đô Hà Nội"),
    ("ha noi", "Hà Nội"),
    ("ho chi minh", "Hồ Chí Minh"),
]
_ADMIN_UNITS = r"thành phố|tỉnh|huyện|quận|thị xã|thị trấn|phường|xã|đặc khu"
_PROVINCES = [
    "Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế", "An Giang", "Bà Rịa - Vũng Tàu",
    "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre", "Bình Dương", "Bình Định", "Bình Phước",
    "Bình Thuận", "Cà Mau", "Cao Bằng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai",
    "Hà Giang", "Hà Nam", "Hà Tĩnh", "Hải Dương", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang",
    "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình",
    "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị",
    "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang",
    "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
]
_ORG_HEADS = r"tổng cục|chi cục|bộ|sở|cục|vụ"
_GENERIC_BODIES = r"hội đồng nhân dân|ủy ban nhân dân|uỷ ban nhân dân|tòa án nhân dân|viện kiểm sát nhân dân"
# A Vietnamese syllable (folded): onset, vowel nucleus, coda. Anything else in capitals is an abbreviation.
_SYLLABLE = re.compile(r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?$")


def header_metadata(text: str) -> dict[str, str]:
    """Metadata found in the header and signature block of cleaned document ``text``.

    Keys (only those found): ``loai_van_ban``, ``so_hieu``, ``co_quan_ban_hanh``,
    ``ngay_ban_hanh`` (dd/mm/yyyy), ``trich_yeu``, ``nguoi_ky``, ``chuc_vu_nguoi_ky``.
    """
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in nfc(text).replace("\r", "\n").split("\n")]
    body_start = _body_start(lines)
    header = _split_header_lines(lines[:body_start])
    meta: dict[str, str] = {}

    so_index = None
    for i, line in enumerate(header):
        m = _SO_HIEU.match(line)
        if m and (number := _clean_number(m.group(1))):
            meta["so_hieu"] = number
            so_index = i
            break

    body_lines = _issuing_body_lines(header)
    title = _find_title(header, (so_index + 1) if so_index is not None else len(body_lines))
    # Capitals at the top are the issuing body only in a real header (number, motto or type title).
    if body_lines and (so_index is not None or title is not None or any(_is_motto(line) for line in header)):
        meta["co_quan_ban_hanh"] = _case_org(" ".join(body_lines))
    if title is not None:
        kind, rest, index = title
        meta["loai_van_ban"] = kind
        subject = _subject_lines(header, index + 1, rest, body_lines)
        if kind in _NAMED_TYPES:
            name = " ".join(subject)
            if name:
                meta["trich_yeu"] = f"{kind} {_case_name(name)}"
        elif subject:
            meta["trich_yeu"] = _case_sentence(" ".join(subject))
    elif "so_hieu" in meta and (kind_from_code := _type_from_number(meta["so_hieu"])):
        meta["loai_van_ban"] = kind_from_code
    if "trich_yeu" not in meta:
        for line in header:
            m = re.match(r"^V/v\.?\s*(.+)$", line, re.IGNORECASE)
            if m:
                meta["trich_yeu"] = "Về việc " + m.group(1).strip()
                if "loai_van_ban" not in meta and title is None:
                    meta["loai_van_ban"] = "Công văn"
                break

    date = _find_date(header, _PLACE_DATE) or _find_date(lines, _PASSED_DATE, last=True)
    if date:
        meta["ngay_ban_hanh"] = date

    signer = _signature(lines[body_start:] if body_start < len(lines) else lines)
    if signer:
        position, name = signer
        meta["nguoi_ky"] = name
        if position:
            meta["chuc_vu_nguoi_ky"] = position
    return meta


# --------------------------------------------------------------------------- header


def _is_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and not any(c.islower() for c in letters)


def _body_start(lines: list[str]) -> int:
    seen = 0
    for i, line in enumerate(lines):
        if not line:
            continue
        if _BODY_START.match(line):
            return i
        seen += 1
        if seen > _HEADER_MAX_LINES:
            return i
    return len(lines)


def _split_header_lines(lines: list[str]) -> list[str]:
    """Non-empty header lines, with the motto cut out of lines where columns ran together."""
    out: list[str] = []
    for line in lines:
        if not line or _SEPARATOR.match(line):
            continue
        folded = fold(line)
        pos = 0
        for m in _MOTTO.finditer(folded):
            before = line[pos:m.start()].strip(" -–")
            if before:
                out.append(before)
            out.append(line[m.start():m.end()])
            pos = m.end()
        rest = line[pos:].strip(" -–") if pos else line
        if rest:
            out.append(rest)
    return out


def _is_motto(line: str) -> bool:
    return bool(_MOTTO.fullmatch(fold(line).strip()))


def _clean_number(value: str) -> str:
    value = re.sub(r"\s*([/\-–])\s*", r"\1", value.strip())
    token = value.split(" ")[0].rstrip(".,;")
    return token if "/" in token and any(c.isalpha() for c in token) else ""


def _type_from_number(number: str) -> str | None:
    last = number.split("/")[-1]
    code = fold(last.split("-")[0]) if "-" in last else ""
    return _CODES.get(code)


def _title_match(line: str) -> tuple[str, str] | None:
    """``(type, rest)`` when ``line`` is a document-type title in capitals."""
    if not _is_caps(line) or line.endswith(":"):
        return None
    folded = fold(line)
    for key, kind in _TYPES:
        if folded == key or folded.startswith(key + " "):
            return kind, line[len(key):].strip()
    return None


def _issuing_body_lines(header: list[str]) -> list[str]:
    """Capitalised lines at the top left, before the "Số:" line or the title."""
    found: list[str] = []
    for line in header:
        if _is_motto(line):
            continue
        if _is_caps(line) and not _title_match(line) and not _SO_HIEU.match(line):
            found.append(line)
            continue
        if found:
            break
        if _SO_HIEU.match(line) or _title_match(line):
            break
    return _own_body(found)


def _own_body(lines: list[str]) -> list[str]:
    """Drop a parent body line ("BỘ TÀI CHÍNH" above "TỔNG CỤC THUẾ"): keep the issuing body."""
    heads = re.compile(
        r"^(?:tong cuc|chi cuc|cuc|vu|so|ban|van phong|phong|vien|truong|benh vien|trung tam|thanh tra|uy ban"
        r"|hoi dong|kho bac|bao hiem|cong an|doan|hoc vien|dai hoc)\b"
    )
    for i in range(len(lines) - 1, 0, -1):
        if heads.match(fold(lines[i])):
            return lines[i:]
    return lines


def _find_title(header: list[str], start: int) -> tuple[str, str, int] | None:
    for i in range(min(start, len(header)), len(header)):
        found = _title_match(header[i])
        if found:
            return found[0], found[1], i
    if start:
        return _find_title(header, 0)
    return None


def _subject_lines(header: list[str], start: int, rest: str, body_lines: list[str]) -> list[str]:
    """Capitalised lines under the title up to the enacting authority, the body or a separator."""
    body_text = fold(" ".join(body_lines))
    subject = [rest] if rest else []
    for line in header[start:]:
        folded = fold(line)
        if (
            not _is_caps(line)
            or line.endswith(":")
            or _is_motto(line)
            or _AUTHORITY.match(folded)
            or (body_text and folded.startswith(body_text))
            or _is_signer_title(line)
            or len(subject) >= 4
        ):
            break
        subject.append(line)
    return subject


def _find_date(lines: list[str], pattern: re.Pattern[str], last: bool = False) -> str | None:
    found: str | None = None
    for line in lines:
        for m in pattern.finditer(line):
            day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
            if 1 <= day <= 31 and 1 <= month <= 12:
                found = f"{day:02d}/{month:02d}/{year}"
                if not last:
                    return found
    return found


# --------------------------------------------------------------------------- signature


def _is_signer_title(line: str) -> bool:
    return _is_caps(line) and bool(_SIGN_PREFIX.match(line) or _POSITION.search(line))


def _is_name(line: str) -> bool:
    syllables = line.split()
    return 2 <= len(syllables) <= 5 and all(
        s.isalpha() and s[0].isupper() and (len(s) == 1 or s[1:].islower()) for s in syllables
    )


def _signature(lines: list[str]) -> tuple[str, str] | None:
    """``(position, name)`` of the first signature block: title lines, notes, then the name."""
    for i, line in enumerate(lines):
        if not _is_signer_title(line):
            continue
        titles = [line]
        for nxt in lines[i + 1:i + 1 + _NAME_SEARCH_LINES]:
            if not nxt or _SIGN_NOTE.match(nxt):
                continue
            if _is_signer_title(nxt):
                titles.append(nxt)
                continue
            name = re.sub(r"\s*\(.*\)$", "", nxt).strip()
            if _is_name(name):
                return _position(titles), name
            break
    return None


def _position(titles: list[str]) -> str:
    """The signer's own title: "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" → "Phó Chủ tịch"."""
    for title in reversed(titles):
        m = _SIGN_PREFIX.match(title)
        if not m:
            return _case_org(title)
        if m.group(1) == "Q":
            return "Quyền " + _case_org(m.group(2))
    return ""


# --------------------------------------------------------------------------- casing


def _lower_words(upper: str) -> str:
    """Lower-case text written in capitals, keeping abbreviations (HĐND, TP.) and Roman numerals after khóa."""
    out: list[str] = []
    prev = ""
    for token in upper.split(" "):
        letters = re.sub(r"[\W_]", "", fold(token))
        is_abbrev = any(c.isdigit() for c in token) or bool(letters and not _SYLLABLE.match(letters))
        is_roman = bool(re.fullmatch(r"[IVXLC]+", token)) and prev in ("khóa", "khoá", "kỳ", "phần", "chương")
        word = token if (is_abbrev or is_roman) and any(c.isalpha() for c in token) else token.lower()
        out.append(word)
        prev = word
    return " ".join(out)


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _title_words(text: str) -> str:
    return " ".join(_capitalize(w) for w in text.split(" "))


def _apply_proper_terms(text: str) -> str:
    folded = fold(text)
    for key, written in _PROPER_TERMS:
        for m in reversed(list(re.finditer(rf"(?<!\w){key}(?!\w)", folded))):
            original = text[m.start():m.end()]
            # Keep the document's own tone marks (hoà/hòa) but the standard capitalisation.
            cased = "".join(o.upper() if c.isupper() else o.lower() for c, o in zip(written, original, strict=True))
            text = text[:m.start()] + cased + text[m.end():]
    return text


def _capitalize_provinces(text: str, after: str) -> str:
    """Capitalise a province/city name that follows one of the words in ``after``."""
    folded = fold(text)
    for province in sorted(_PROVINCES, key=len, reverse=True):
        key = fold(province)
        for m in re.finditer(rf"(?<!\w)(?:{fold(after)})\s+({re.escape(key)})(?!\w)", folded):
            text = text[:m.start(1)] + _title_words(text[m.start(1):m.end(1)]) + text[m.end(1):]
    return text


def _case_org(upper: str) -> str:
    """Name of a body or position written in capitals → standard capitalisation.

    "HỘI ĐỒNG NHÂN DÂN THÀNH PHỐ HÀ NỘI" → "Hội đồng nhân dân thành phố Hà Nội";
    "BỘ TRƯỞNG BỘ TÀI CHÍNH" → "Bộ trưởng Bộ Tài chính"; "PHÓ CHỦ TỊCH" → "Phó Chủ tịch".
    """
    text = _capitalize(_lower_words(upper.strip()))
    text = re.sub(rf"(?<!\w)({_GENERIC_BODIES})(?!\w)", lambda m: _capitalize(m.group(1)), text, flags=re.IGNORECASE)
    text = re.sub(r"^(Phó|Quyền)\s+(\w)", lambda m: f"{m.group(1)} {m.group(2).upper()}", text)

    # "Bộ Tài nguyên và Môi trường", "Sở Giáo dục và Đào tạo": each part of the name capitalised.
    def org(m: re.Match[str]) -> str:
        parts = re.split(r"(\s+và\s+|,\s+|\s+-\s+)", m.group(2))
        return _capitalize(m.group(1)) + "".join(p if i % 2 else _capitalize(p) for i, p in enumerate(parts))

    text = re.sub(
        rf"(?:^|(?<=\s))((?:{_ORG_HEADS})\s+)(?!trưởng|phó)(.+?)(?=\s+(?:{_ADMIN_UNITS})\s+(?!hội\b)|$)",
        org, text, count=1, flags=re.IGNORECASE,
    )
    # The place name at the end: "... tỉnh Bắc Ninh", "... huyện Gia Lâm".
    text = re.sub(
        rf"(?<!\w)({_ADMIN_UNITS})\s+(?!hội\b)(\S+(?:\s+\S+){{0,4}})$",
        lambda m: f"{m.group(1)} {_title_words(m.group(2))}", text,
    )
    return _apply_proper_terms(text)


def _case_name(upper: str) -> str:
    """Name of a law written in capitals: "AN NINH MẠNG" → "An ninh mạng"."""
    text = _lower_words(upper.strip())
    if not fold(text).startswith("sua doi"):
        text = _capitalize(text)
    return _case_references(_apply_proper_terms(text))


def _case_sentence(upper: str) -> str:
    """A subject line written in capitals, as a sentence: "VỀ KẾ HOẠCH …" → "Về kế hoạch …"."""
    text = _capitalize(_lower_words(upper.strip()))
    text = _capitalize_provinces(text, "tỉnh|thành phố|thủ đô")
    return _case_references(_apply_proper_terms(text))


def _case_references(text: str) -> str:
    """Capitalise cited documents: "của luật đất đai" → "của Luật Đất đai", "nghị định số" → "Nghị định số"."""
    text = re.sub(
        r"(?<!\w)(nghị quyết|nghị định|quyết định|thông tư|chỉ thị|luật|bộ luật|pháp lệnh|hiến pháp)(?=\s+số\b)",
        lambda m: _capitalize(m.group(1)),
        text,
    )
    return re.sub(
        r"(?<!\w)(của|thi hành|hướng dẫn)\s+(luật|bộ luật)\s+(?!sư\b)(\w)",
        lambda m: f"{m.group(1)} {_capitalize(m.group(2))} {m.group(3).upper()}",
        text,
    )
