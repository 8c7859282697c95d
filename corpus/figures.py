"""Figures in Vietnamese text: a number or range with its comparator and unit.

"dưới 4%", "300-400 hộ", "160,8-162 triệu đồng", "3 cm x 4 cm", "01 năm", "10 ngày làm
việc", "từ đủ 16 tuổi đến 30 tuổi", "mười tám tuổi". One pattern serves the targets
table, the answerer and the evaluation, so a figure is the same thing everywhere.
Heading numbers ("9. …", "Điều 23"), document numbers ("31/NQ-HĐND") and dates are not
figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from corpus.text import STOPWORDS, canonical_number, fold, fold_question, has_diacritics

# Time units (a duration is a number with one of these), in folded form.
TIME_UNITS = ("nam", "thang", "tuan", "ngay", "ngay lam viec", "gio", "phut", "quy")
_MONEY = ("nghìn tỷ đồng", "tỷ đồng", "triệu đồng", "nghìn đồng", "đồng", "tỷ USD", "triệu USD", "USD")
# Units that measure (money, rates, sizes, time), as against nouns a figure counts.
_MEASURES = (
    *_MONEY,
    # rates written as a unit
    "bác sỹ/vạn dân", "bác sĩ/vạn dân", "giường bệnh/vạn dân", "m2/người", "m²/người", "%/năm",
    "lượt/năm", "%",
    # sizes and measures
    "km2", "km²", "km", "m2", "m²", "m3", "mét vuông", "mét khối", "mét", "cm", "mm", "ha", "hecta",
    "kg", "tấn", "lít",
    # time
    "ngày làm việc", "ngày", "tháng", "năm", "tuần", "giờ", "phút", "quý", "tuổi",
)
_UNITS = [
    *_MEASURES,
    # counts
    "triệu lượt", "lượt khách", "lượt", "triệu người", "triệu", "nghìn", "tỷ", "hộ", "xã", "phường",
    "trường", "lao động", "doanh nghiệp", "sản phẩm", "đơn vị", "người", "dự án", "phiên", "khách",
    "lần", "bản", "thành viên", "đại biểu", "cơ sở", "bệnh viện", "km đường", "tuyến", "công trình",
    "hợp tác xã", "làng nghề", "chợ", "điểm", "cụm", "khu", "con", "cây", "vụ", "hồ sơ",
]
_MONEY_UNITS = frozenset(fold(u) for u in _MONEY)
# Units the text writes after a figure (folded); a counted noun outside it is only a hint.
KNOWN_UNITS = frozenset(fold(u) for u in _UNITS)
_UNIT_RE = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_NUM = r"\d+(?:[.,]\d+)*"
_FIRST_WORD = r"(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|nửa)"
_NEXT_WORD = r"(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mươi|mốt|lăm|tư|trăm|nghìn|linh|lẻ)"
_NUMBER_WORDS = rf"{_FIRST_WORD}(?:\s+{_NEXT_WORD})*"
# "năm" after "mỗi", "hằng", "hàng", "cả" is the year, not five: "mỗi năm một lần" counts "một lần".
_NOT_YEAR_WORD = r"(?<!\w)(?<!mỗi )(?<!hằng )(?<!hàng )(?<!cả )"
# Shares written in words, as laws set quorums and portions: "một phần ba", "ba phần tư", "một nửa".
_FRACTION = (r"(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín)\s+phần\s+(?:hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười)"
             r"|(?:quá\s+)?một\s+nửa|quá\s+nửa")
_COMPARATOR = (r"(?P<cmp>không vượt quá|không quá|không dưới|không thấp hơn|không ít hơn|tối thiểu|tối đa|"
               r"ít nhất|nhiều nhất|dưới|trên|khoảng|gần|hơn|từ đủ|từ|đủ)?\s*")
# A number or range (digits, or number words before a unit), optional "x N" for sizes, or a share in words.
_VALUE = (rf"(?P<val>(?:{_NUM}\s*(?:%|{_UNIT_RE})?\s*(?:[-–]|đến|tới)\s*(?:đủ\s+|dưới\s+)?{_NUM}|{_NUM})"
          rf"(?:\s*(?:{_UNIT_RE})?\s*[x×]\s*{_NUM})?|{_NOT_YEAR_WORD}{_NUMBER_WORDS}(?=\s+(?:{_UNIT_RE})\b)"
          rf"|(?<!\w)(?:{_FRACTION})(?!\w))")
_SUFFIX = r"(?P<post>\s+(?:trở lên|trở xuống|trở đi))?"
FIGURE = re.compile(rf"{_COMPARATOR}{_VALUE}\s*(?P<unit>(?:{_UNIT_RE})(?!\w))?{_SUFFIX}", re.IGNORECASE)
_SHARE_OF = re.compile(rf"\s*(?:tổng\s+)?số\s+(?P<unit>{_UNIT_RE})(?!\w)", re.IGNORECASE)
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_NUMBER = re.compile(_NUM)
# A day/month must be one ("35/2018/QH14" is a document number, not 35/20).
_DATE = re.compile(r"(?<![\d/])(?:0?[1-9]|[12]\d|3[01])/(?:0?[1-9]|1[0-2])(?:/(?:\d{4}|\d{2}))?(?![\d/])"
                   r"|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?"
                   r"|tháng\s+\d{1,2}(?:\s*/\s*|\s+năm\s+)\d{4}", re.IGNORECASE)


# Document numbers: "31/NQ-HĐND", "24/2018/QH14", "48-KL/TW".
DOCUMENT_NUMBER = re.compile(r"\b\d{1,4}(?:(?:/\d{4})?/[A-ZĐ][A-ZĐ0-9]*(?:-[A-ZĐ0-9]+)*"
                             r"|(?-i:-[A-ZĐ]+/[A-ZĐ]+))", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    """A figure found in a text: where it is, its parts and how it is written."""

    start: int
    end: int
    text: str  # as written: "dưới 4%", "01 năm", "3 cm x 4 cm"
    value: str  # the number or range: "4", "300-400", "3 cm x 4"
    unit: str  # "%", "hộ", "năm", "" when none
    comparator: str  # "dưới", "từ", "" when none

    @property
    def is_duration(self) -> bool:
        """A number of time units ("01 năm", "10 ngày làm việc")."""
        return fold(self.unit) in TIME_UNITS

    @property
    def numbers(self) -> list[str]:
        """Its numbers in canonical form ("160,8-162" → ["160,8", "162"])."""
        return numbers(self.value)


def numbers(text: str) -> list[str]:
    """Numbers in ``text`` in canonical form ("20.000" → "20000", "4.5" → "4,5")."""
    return [canonical_number(n) for n in _NUMBER.findall(text)]


def number_values(text: str) -> list[float]:
    """Numeric values in ``text`` (Vietnamese separators), for comparing figures."""
    out = []
    for n in numbers(text):
        try:
            out.append(float(n.replace(",", ".")))
        except ValueError:
            continue
    return out


def figure_values(fig: Figure) -> list[float]:
    """The figure's numeric values, a number in words included ("mười lăm tuổi" → 15)."""
    if fig.numbers:
        return number_values(fig.value)
    spelt = re.fullmatch(_NUMBER_WORDS, fig.value.lower().strip())
    return [_spelt_value(spelt.group().split())] if spelt else []


_DIGIT_WORDS = {"một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "sáu": 6, "bảy": 7,
                "tám": 8, "chín": 9}


def _spelt_value(words: list[str]) -> float:
    """"mười lăm" → 15, "hai mươi mốt" → 21, "một trăm linh năm" → 105, "nửa" → 0.5."""
    total, current = 0.0, 0.0
    for w in words:
        if w in _DIGIT_WORDS:
            current += _DIGIT_WORDS[w]
        elif w == "mười":
            current += 10
        elif w == "mươi":
            current *= 10
        elif w == "trăm":
            total, current = total + current * 100, 0.0
        elif w == "nghìn":
            total, current = (total + current) * 1000, 0.0
        elif w == "nửa":
            current += 0.5
    return total + current


def _heading_number(text: str, start: int) -> bool:
    """"9. Quyết liệt …" at the start of a line, or the N of "Điều N"/"khoản N"/"mục N"/"số N"."""
    line_start = text.rfind("\n", 0, start) + 1
    if not text[line_start:start].strip() and re.match(r"\d+[.)]\s", text[start:start + 6]):
        return True
    before = fold(text[max(0, start - 12):start])
    # "điểm 2" is a point, "thí điểm 01 phường" / "thời điểm" are not
    return bool(re.search(r"\b(dieu|khoan|(?<!thi )(?<!thoi )(?<!dia )(?<!trong )diem|muc|chuong|phan|phu luc|"
                          r"so|thu|nam)\s*$", before))


def figures(text: str) -> list[Figure]:
    """Figures in ``text``, leaving out dates, document numbers, bare years and heading numbers."""
    return list(_figures(text))


@lru_cache(maxsize=20_000)  # the same passages come back question after question
def _figures(text: str) -> tuple[Figure, ...]:
    skipped = [m.span() for pattern in (_DATE, DOCUMENT_NUMBER) for m in pattern.finditer(text)]
    out = []
    for m in FIGURE.finditer(text):
        val = m.group("val")
        if not val:
            continue
        vstart = m.start("val")
        if any(a <= vstart < b for a, b in skipped):
            continue
        after, before = text[m.end("val"):m.end("val") + 1], text[max(0, vstart - 1):vstart]
        if after == "/" or (before in ("/", "-") and not m.group("unit")) or "/" in val:
            continue  # 31/NQ-HĐND, 24/2018/QH14, 48-KL/TW
        unit = m.group("unit") or ""
        digits = _NUMBER.findall(val)
        if not unit and digits and all(YEAR.fullmatch(n) for n in digits):
            continue  # a year or a period ("2021-2025"), not a figure
        if not m.group("cmp") and digits and _heading_number(text, vstart):
            continue  # (number words are never headings: "mỗi năm một lần")
        start = m.start("cmp") if m.group("cmp") else vstart
        end = m.end("post") if m.group("post") else (m.end("unit") if unit else m.end("val"))
        share = None if digits else _SHARE_OF.match(text, end)
        if share:  # "một phần ba tổng số thành viên": the share is of the counted noun
            end, unit = share.end(), share.group("unit")
        out.append(Figure(start, end, text[start:end], val.strip(), unit, (m.group("cmp") or "").strip()))
    return tuple(out)


def dates(text: str) -> list[tuple[int, int]]:
    """Spans of dates and month/years: "06/12/2023", "ngày 01 tháng 01 năm 2021", "tháng 5/2024"."""
    return [m.span() for m in _DATE.finditer(text)]


_PERCENT_WORDS = re.compile(r"\b(?:phan tram|percent|percentage|ty le|ti le|rate|share|proportion)\b|%")


# Words after "bao nhiêu" that do not name what is counted.
_NOT_COUNTERS = frozenset("la dat tang giam con phan ty trieu nghin nguoi so muc lan thoi".split())
# Classifiers before the counted noun: "mấy ngôi trường" counts "trường".
_CLASSIFIERS = frozenset("ngoi cai chiec can toa buc quyen tam".split())
# Spellings of one unit (folded): a question's "mét vuông" is the text's "m2".
_SAME_UNIT = [frozenset(g) for g in (
    {"m2", "m²", "met vuong"}, {"m3", "met khoi"}, {"ha", "hecta"}, {"km2", "km²"},
    {"bac sy/van dan", "bac si/van dan"}, {"m2/nguoi", "m²/nguoi"})]


# "số giường bệnh trên một vạn dân": the rate unit "giường bệnh/vạn dân", as the text writes it.
_PER_TEN_THOUSAND = re.compile(r"\s+tren\s+(?:mot\s+|1\s+)?van dan\b")
# "(Chỉ tiêu) số km …" opening the question: a measure asked ("số doanh nghiệp" may be "đơn vị").
_COUNT_OF = r"^(?:chi tieu )?so"


def asked_units(question: str) -> set[str]:
    """Units a question asks its figure in (folded): "bao nhiêu tỷ USD" → {"ty usd"}, "tỷ lệ" → {"%"}.

    A counted noun that is no known unit ("bao nhiêu căn nhà", "bao nhiêu MW") is returned as
    its first word ("can", "mw"): the figure must be followed by it.
    """
    folded = _PER_TEN_THOUSAND.sub("/van dan", fold_question(question))
    units = {fold(u) for u in _UNITS if u not in ("%", "người") and fold(u) in folded and re.search(
        rf"\b(?:bao nhieu|mayq|how many|how much)\s+{re.escape(fold(u))}(?!\w)(?!\s*(?:19|20)\d\d)", folded)}
    if not asks_rate(question):  # "Số giường bệnh trên vạn dân là bao nhiêu"; "Số vụ … giảm bao nhiêu" may be in %
        units |= {fold(u) for u in _MEASURES if re.match(rf"{_COUNT_OF}\s+{re.escape(fold(u))}(?!\w)", folded)}
    if re.search(r"\bbao nhieu phan\b|\bbao nhieu %|phan tram", folded):
        units.add("%")
    if not units:
        classifier = "|".join(_CLASSIFIERS)
        m = re.search(rf"\b(?:bao nhieu|mayq)\s+(?:(?:{classifier})\s+)?([a-z]+)\b(?!\s*(?:19|20)\d\d)", folded)
        if m and m.group(1) not in _NOT_COUNTERS and m.group(1) not in STOPWORDS:
            units.add(m.group(1))
    english = _ENGLISH_COUNT.search(folded)
    if english and not units:
        units.add(_ENGLISH_UNITS[english.group(1)])
    units |= {same for u in units for group in _SAME_UNIT if u in group for same in group}
    if _PERCENT_WORDS.search(folded) and not units:
        units.add("%")
    return units


# Units an English question counts in ("how many kilometres"), as the text writes them (folded).
_ENGLISH_UNITS = {
    "kilometres": "km", "kilometers": "km", "km": "km", "hectares": "ha", "households": "ho",
    "enterprises": "doanh nghiep", "businesses": "doanh nghiep", "projects": "du an", "schools": "truong",
    "communes": "xa", "products": "san pham", "tourists": "khach", "visitors": "khach", "days": "ngay",
    "months": "thang", "years": "nam", "tonnes": "tan", "tons": "tan", "members": "thanh vien",
    "markets": "cho", "routes": "tuyen", "sessions": "phien", "cooperatives": "hop tac xa",
}
_ENGLISH_COUNT = re.compile(rf"\bhow many (?:\w+ ){{0,2}}?({'|'.join(_ENGLISH_UNITS)})\b")
# "how many", "số lượng", "Số doanh nghiệp … là bao nhiêu": a count, unless a rate is named too.
_COUNT = re.compile(r"\b(?:how many|so luong|tong so|bao nhieu nguoi)\b")
# "Số …" opening the question or a clause; after a noun "số" means "digital" ("môi trường số").
_COUNT_HEAD = re.compile(r"(?:^|,\s*)(so) (?!sanh\b|hoa\b)\w")
_RATE = re.compile(r"\b(?:ty le|ti le|toc do|tang|giam|phan tram|chiem|rate|growth|percent|share|increase|"
                   r"decrease|proportion)\b|%")


def asks_rate(question: str) -> bool:
    """Whether the question names a rate, a growth or a share (its answer may be in %)."""
    return _RATE.search(fold_question(question)) is not None


def asks_count(question: str) -> bool:
    """Whether the question asks how many of something and names no rate.

    Typed with accents, "Sở" (a department) is told from "Số".
    """
    if asks_rate(question):
        return False
    if _COUNT.search(fold_question(question)):
        return True
    head = _COUNT_HEAD.search(fold(question))
    return head is not None and (not has_diacritics(question) or question[head.start(1):head.end(1)].lower() == "số")


def is_money(fig: Figure) -> bool:
    """Whether the figure is a sum of money (đồng, USD)."""
    return fold(fig.unit) in _MONEY_UNITS


def unit_agrees(fig: Figure, text: str, units: set[str]) -> bool:
    """The figure is in one of the asked ``units`` (or is followed by the counted noun asked)."""
    unit = fold(fig.unit)
    # the counted noun may follow "(tổng) số": "một phần ba tổng số thành viên"
    after = re.sub(r"^(?:tong so|so)\s+", "", " ".join(fold(text[fig.end:fig.end + 40]).split()))
    return any(unit == u or u in re.split(r"[\s/]+", unit) or re.match(rf"{re.escape(u)}(?!\w)", after) for u in units)
