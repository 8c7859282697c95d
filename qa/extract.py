"""Typed extraction: from the chosen passage, the short answer the question asks for.

Every function returns offsets into the given text (nothing is generated), or None when
the text holds no answer of that type; the answerer then looks at the next candidate or
says the documents do not answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from corpus.figures import (
    DOCUMENT_NUMBER,
    YEAR,
    Figure,
    asked_units,
    asks_count,
    dates,
    figure_values,
    figures,
    is_money,
    number_values,
    numbers,
    unit_agrees,
)
from corpus.text import STOPWORDS, content_terms, fold, fold_question, is_stopword, iter_tokens
from qa.query import AnswerType, Query

# Head words of bodies and office holders ("Bộ Công an", "Ủy ban nhân dân cấp tỉnh", "Chủ tịch nước").
_BODY_HEADS = (
    r"Bộ trưởng|Bộ|Ủy ban|Uỷ ban|UBND|HĐND|Hội đồng|Chính phủ|Thủ tướng|Quốc hội|Tòa án|Toà án|Viện kiểm sát|"
    r"Sở|Cục|Tổng cục|Văn phòng|Thường trực|Ban|Mặt trận|Cơ quan|Người đứng đầu|Chủ tịch|Chánh án|Viện trưởng|"
    r"Thủ trưởng|Công an|Thanh tra|"
    r"Kiểm toán|Ngân hàng|Đoàn|Hội|Tổ chức|Trung tâm|Cảnh sát|Bộ đội|Quân đội|Người|Cá nhân|Doanh nghiệp|"
    r"Chủ đầu tư|Chủ|Tổ|Đơn vị|Cơ sở|Nhà nước|Thành ủy|Tỉnh ủy|Đảng"
)
_BODY = re.compile(rf"(?<![\w/\-])(?:{_BODY_HEADS})(?![\w\-])(?:\s+[^\s,;.:()]+){{0,8}}")
# A question about who holds an office ("Chủ tịch UBND tỉnh là ai", "Who is the Chairman of …") asks
# for a person: a body ("UBND Thành phố") does not answer it.
_HOLDER_ASKED = re.compile(
    r"\b(?:(?:pho )?chu tich|giam doc|bo truong|thu tuong|chanh an|vien truong|truong ban)\b[^?]*\bla ai\b|"
    r"\bai la (?:pho )?(?:chu tich|giam doc|bo truong|thu tuong|chanh an|vien truong|truong ban)\b|"
    r"\bwho (?:is|was) (?:the )?(?:vice )?(?:chair(?:man|woman|person)?|director|minister|prime minister|"
    r"president|chief justice|head)\b")
_PERSON_HEADS = re.compile(r"(?:Người|Cá nhân|Chủ tịch|Chánh án|Viện trưởng|Bộ trưởng|Thủ tướng|Thủ trưởng)\b")
# Where a body's name stops: a verb or connective that starts the predicate.
_BODY_STOP = re.compile(
    r"\s+(?:có trách nhiệm|chịu trách nhiệm|có thẩm quyền|có quyền|có nghĩa vụ|chủ trì|phối hợp|thực hiện|"
    r"tổ chức thực hiện|tổ chức|quyết định|ban hành|quy định|hướng dẫn|giám sát|kiểm tra|"
    r"cấp(?! (?:tỉnh|huyện|xã|trung ương|thành phố|quận|cơ sở|bộ|có thẩm quyền))|là|được|phải|"
    r"và các|theo|trong|tại|về|để|thuộc|của|với|khi|nếu|trừ|đối với|giúp|tham gia|chỉ đạo|triển khai|"
    r"nghiên cứu|xây dựng|trình|báo cáo|kêu gọi|thông qua|gồm|bao gồm|thì|nơi|"
    r"(?:và )?(?:Nghị quyết|Nghị định|Quyết định|Chỉ thị|Kết luận|Thông tư|Kế hoạch|Chương trình) số)\b")
_PLURAL = re.compile(r"\b(?:nhung|cac|bodies|agencies|authorities|organi[sz]ations|offices|ministries)\b")
_NEGATION = re.compile(r"\b(?:khong duoc|nghiem cam|cam|khong phai|khong co|khong ap dung|khong the|chua)\b")
# A unit title that forbids its items: "Các hành vi bị nghiêm cấm", "Những việc không được làm".
_FORBIDDEN = re.compile(r"\b(?:nghiem cam|bi cam|khong duoc)\b")
_ONLY = re.compile(r"\bchi (?:duoc|co the)\b")  # a restriction: "chỉ được", "chỉ có thể"
_DEFINITION = re.compile(r"\s(?:là|nghĩa là|được hiểu là|bao gồm)\s")
_ENUM = re.compile(r"(?m)^[ \t]*(?:[a-zđ]\)|\d+\.|[-–•+])[ \t]+\S")


@dataclass(frozen=True)
class Extract:
    """A short answer inside a text: its offsets, the short form shown, and the figure if any."""

    start: int
    end: int
    short: str
    figure: str = ""

    def shifted(self, offset: int) -> Extract:
        """The same extract with offsets ``offset`` further on (from a sentence's to its passage's)."""
        return replace(self, start=self.start + offset, end=self.end + offset)


# "lâu", "giờ" are stop words only inside "bao lâu", "bao giờ"; elsewhere they say what is asked about
# ("giống cây trồng lâu năm", "24 giờ").
_BAO = re.compile(r"\bbao (?:lau|gio)\b")
_OWN_WORDS = ("lau", "gio")


def _wanted(query: Query) -> set[str]:
    """The question's content words, folded."""
    rest = _BAO.sub(" ", query.folded).split()
    return {t for t in query.terms if "_" not in t and t not in STOPWORDS} | {w for w in _OWN_WORDS if w in rest}


def _anchors(text: str, query: Query) -> list[int]:
    """Positions of the question's content words in ``text``."""
    wanted = _wanted(query)
    return [s for tok, s, _ in iter_tokens(text) if tok in wanted]


def _nearest(items: list[Figure], anchors: list[int]) -> Figure:
    """The item that follows a question word most closely (figures follow their indicator)."""
    if not anchors:
        return items[0]
    return min(items, key=lambda f: min((f.start - a if f.start >= a else 3 * (a - f.start)) for a in anchors))


# Where a figure's own noun phrase ends: punctuation, a connective, or the shared predicate of
# a coordination ("100% hồ sơ … cấp Thành phố, … và 70% hồ sơ … cấp xã | được xử lý …").
_TAIL_END = re.compile(r"[,;:.()\n]|\s(?:trong đó|và|hoặc|(?<!đối )với|được|đạt|phải|là)\s")


# Nouns that count people, folded: what "bao nhiêu người" may be answered in.
_PEOPLE = frozenset(fold(w) for w in ("người", "lao động", "khách", "học sinh", "sinh viên", "bệnh nhân",
                                      "thanh niên", "cán bộ", "công chức", "viên chức", "đại biểu", "thành viên",
                                      "hội viên", "đoàn viên", "trẻ", "cử tri", "nhân viên"))
_PEOPLE_ASKED = re.compile(r"\b(?:bao nhieu|mayq) nguoi\b|\bhow many people\b")


def names_a_body_for_a_person(query: Query, short: str) -> bool:
    """The question asks who holds an office and ``short`` names a body, not a person."""
    return bool(_HOLDER_ASKED.search(query.folded)) and _BODY.match(short) is not None \
        and not _PERSON_HEADS.match(short)


def people_counted(query: Query) -> set[str]:
    """The nouns that count people when the question asks how many people ("bao nhiêu người …"), else none."""
    return set(_PEOPLE) if _PEOPLE_ASKED.search(fold_question(query.text)) else set()


def _described(items: list[Figure], every: list[Figure], text: str, query: Query) -> list[Figure]:
    """Among ``items``, those in the unit asked, then those whose own noun phrase names the question.

    ``every`` holds all figures of ``text`` (where a figure's phrase stops).
    "bao nhiêu doanh nghiệp" keeps "20-25 doanh nghiệp" over "30-35 sản phẩm". A figure
    counts what follows it ("4,5 triệu lượt khách du lịch quốc tế, trong đó khoảng 3,2 triệu
    khách có lưu trú; 21 triệu khách du lịch nội địa"): the words from the figure to the next
    comma, connective or figure describe it; the figure whose phrase holds most question words
    (not its unit, not "năm") is kept. ``items`` as they are when nothing tells them apart.
    """
    units = asked_units(query.text)
    if units == {"%"} and not re.search(r"%|phan tram|percent", fold(query.text)):
        units = set()  # "tỷ lệ cây xanh" may be in m2/người: only a "%" asked in words counts here
    units = units or people_counted(query)  # "bao nhiêu người …": "4.000 lao động", not "230 phiên"
    items = [f for f in items if unit_agrees(f, text, units)] or items
    if asks_count(query.text):  # "how many": not a rate or a sum of money
        items = [f for f in items if f.unit != "%" and not is_money(f)] or items
    unit_words = {t for f in items for t, _, _ in iter_tokens(f.unit)} | {t for u in units for t in u.split()}
    wanted = _wanted(query) - unit_words - {"nam"}
    starts = sorted(f.start for f in every)
    scores = []
    for f in items:
        end = _TAIL_END.search(text, f.end)
        stop = min([end.start() if end else len(text), *(s for s in starts if s >= f.end)])
        scores.append(len({tok for tok, _, _ in iter_tokens(text[f.end:stop])} & wanted))
    top = max(scores, default=0)
    best = [f for f, n in zip(items, scores, strict=True) if n == top] if top else items
    return _led(best, every, text, wanted) if len(best) > 1 else best


# A figure stated as the value of what precedes it: "… có thời hạn là 10 năm", "Tỷ lệ …: 78,5%".
_STATED = re.compile(r"(?:\blà|:|\bbằng)\s*$")


def _led(items: list[Figure], every: list[Figure], text: str, wanted: set[str]) -> list[Figure]:
    """Among figures stated in parallel, those whose own lead names more of the question.

    "… giống cây trồng hằng năm có thời hạn là 10 năm, giống cây trồng lâu năm có thời hạn là 20 năm":
    each figure's lead runs back to the figure before it, all cut to the shortest lead's length from
    the right, so the context the sentence states once counts for none ("lâu năm" asked keeps 20 năm).
    """
    if not all(_STATED.search(text, 0, f.start) for f in items):
        return items  # "40 xã đạt chuẩn …, 35 xã …": what follows a count describes it, not what precedes
    ends = sorted(f.end for f in every)
    leads = [[tok for tok, _, _ in iter_tokens(text[max([0, *(e for e in ends if e <= f.start)]):f.start])]
             for f in items]
    size = min(len(lead) for lead in leads)
    if not size:
        return items
    scores = [len(set(lead[len(lead) - size:]) & wanted) for lead in leads]
    top = max(scores)
    return [f for f, n in zip(items, scores, strict=True) if n == top]


def quantity(text: str, query: Query, durations: bool = False) -> Extract | None:
    """The figure nearest the question's words ("dưới 4%", "300-400 hộ"); durations for "bao lâu"."""
    every = figures(text)
    found = [f for f in every if f.is_duration] if durations else every
    if not found:
        return None
    asked_numbers = {n for n in numbers(query.text) if not YEAR.fullmatch(n)}
    # A figure the question itself gives ("dưới 3%") is not the answer unless it is the only one.
    fresh = [f for f in found if not set(f.numbers) <= asked_numbers] or found
    best = _nearest(_described(fresh, every, text, query), _anchors(text, query))
    end = best.end if fold(best.unit).lower() not in _MAGNITUDES else _counted_end(text, best.end, query)
    return Extract(best.start, end, text[best.start:end], text[best.start:end])


# Units that only scale a number: "21 triệu" still counts what follows it.
_MAGNITUDES = frozenset(("", "nghin", "ngan", "trieu", "ty", "van", "tram"))


def _counted_end(text: str, end: int, query: Query) -> int:
    """Where a bare or scaled number ends with the noun the question counts.

    "mấy thẩm phán" → "03 Thẩm phán"; "how many domestic tourists" → "21 triệu khách du lịch nội địa"
    (an English question's count is read in its glossary terms).
    """
    asked = re.search(r"\b(?:bao nhieu|mayq|how many)\s+([a-z]+(?: [a-z]+){0,5})", fold_question(query.text))
    start = end
    for word in asked.group(1).split() if asked else []:
        m = re.match(r"\s+([^\W\d_]+)", text[end:])
        if m is None or fold(m.group(1)) != word:
            break
        end += m.end()
    if end == start and asked:
        after = fold(text[end:]).lower()
        for phrase in sorted(query.glossed, key=len, reverse=True):
            m = re.match(rf"\s+{re.escape(fold(phrase).lower())}\b", after)
            if m:
                return end + m.end()
    return end


# A span of years ("giai đoạn 2021-2030", "2026 - 2030"), for a question that asks which period.
_PERIOD = re.compile(r"(?:\b[Gg]iai đoạn\s+)?\b(?:19|20)\d{2}\s*[-–]\s*(?:19|20)\d{2}\b")
_PERIOD_ASKED = re.compile(r"\b(?:(?:giai doan|thoi ky|nhiem ky) nao|(?:which|what) (?:period|term))\b")


def date(text: str, query: Query) -> Extract | None:
    """A date, month or year ("ngày 01 tháng 01 năm 2021", "tháng 5/2024", "năm 2025").

    A question asking for a period ("giai đoạn nào") gets one ("giai đoạn 2021-2030") when the text has it.
    """
    spans = [m.span() for m in _PERIOD.finditer(text)] if _PERIOD_ASKED.search(query.folded) else []
    spans = spans or dates(text)
    if not spans:
        codes = [m.span() for m in DOCUMENT_NUMBER.finditer(text)]  # the 2018 of "35/2018/QH14" is no date
        years = [m.span() for m in re.finditer(r"\bnăm\s+(?:19|20)\d{2}\b|\b(?:19|20)\d{2}\b", text)
                 if not any(a <= m.start() < b for a, b in codes)]
        asked = set(query.years)
        spans = [s for s in years if text[s[0]:s[1]][-4:] not in asked] or years
    if not spans:  # "Tháng 3 hằng năm là Tháng Thanh niên": a month with no year
        spans = [m.span() for m in re.finditer(r"\b[Tt]háng\s+(?:0?[1-9]|1[0-2])\b(?!\s*[/.-]?\s*\d)", text)]
    if not spans:
        return None
    anchors = _anchors(text, query)
    a, b = min(spans, key=lambda s: min((abs(s[0] - x) for x in anchors), default=0))
    return Extract(a, b, text[a:b], text[a:b])


# A time told by an event: "kể từ ngày ký", "kể từ thời điểm đăng ký", "sau khi có quyết định …".
_RELATIVE_TIME = re.compile(r"(?:\b[Kk]ể\s+)?\b(?:[Tt]ừ|[Ss]au|[Tt]rước)\s+(?:ngày|thời điểm|khi)\s+"
                            r"[^\W\d][^,.;:()\n]{1,60}")


def relative_time(text: str) -> Extract | None:
    """A time the sentence tells by an event rather than a date ("kể từ thời điểm đăng ký …"), or None."""
    m = _RELATIVE_TIME.search(text)
    return Extract(m.start(), m.end(), m.group().strip()) if m else None


# A law naming itself ("Bộ luật này", "Luật này") is no body.
_DOCUMENT_NAME = re.compile(r"(?:Bộ luật|Luật)(?:\s+này)?\b")
# What a who-question asks about ("ai", "cơ quan nào", "bộ nào" …), and the auxiliaries before its predicate.
_WHO_SLOT = re.compile(r"\b(?:ai|(?:co quan|to chuc|bo|nguoi|cap|don vi|chu the|ca nhan|luc luong)"
                       r"(?: nha nuoc)? nao)\s+")
_AUXILIARIES = frozenset("có được phải đã sẽ co duoc phai da se".split())


def body(text: str, query: Query) -> Extract | None:
    """The person or body a sentence names as doing what is asked ("Bộ Công an", "UBND Thành phố").

    A question in the plural ("những cơ quan nào", "which bodies") gets every body named.
    """
    candidates = []
    pos = 0
    predicate = _predicate(query)
    while (m := _BODY.search(text, pos)) is not None:
        # the name stops at a verb, even one cut off by the name's length limit ("… Hồ Chí Minh chủ trì"),
        # or where the question's own predicate starts ("Cơ quan nào dự báo …": "Bộ Công Thương dự báo …")
        stop = _BODY_STOP.search(text, m.start(), min(len(text), m.end() + 20))
        cut = stop.start() if stop and stop.start() < m.end() else m.end()
        said = fold(text[m.start():cut]).find(predicate) if predicate else -1
        name = text[m.start():m.start() + said if said > 0 else cut]
        document = _DOCUMENT_NAME.match(name)
        # a name after the predicate, or after the law's own name, is read on its own
        pos = m.start() + (document.end() if document else max(len(name), 1))
        name = name.rstrip(" ,;.:")
        if len(name) < 3 or document:
            continue
        # A body the question already names is the subject asked about, not the answer.
        if fold(name) in fold(query.text):
            continue
        candidates.append((m.start(), m.start() + len(name), name))
    if not candidates:
        return None
    said = fold(text).find(predicate) if predicate else -1
    if said > 0:  # those named before the predicate are its subject: "A, B có thẩm quyền kháng nghị … của C"
        candidates = [c for c in candidates if c[0] < said] or candidates
    if _PLURAL.search(query.folded) and len(candidates) > 1:
        names = list(dict.fromkeys(n for _, _, n in candidates))
        return Extract(candidates[0][0], candidates[-1][1], ", ".join(names))
    a, b, name = candidates[0]
    return Extract(a, b, name)


def _predicate(query: Query) -> str:
    """The first two words after a who-question's slot, folded (" du bao" in "Cơ quan nào dự báo …"), or ""."""
    m = _WHO_SLOT.search(query.folded)
    words = re.findall(r"[^\W\d_]+", query.text[m.end():]) if m else []
    while words and words[0].lower() in _AUXILIARIES:  # "ai có thẩm quyền …": the predicate is "thẩm quyền"
        words.pop(0)
    if len(words) < 2 or any(is_stopword(w, query.has_diacritics) for w in words[:2]):
        return ""
    return fold(" " + " ".join(words[:2]))


def names_end(text: str, end: int) -> int:
    """Where the bare names that go on listing past a ";" after ``end`` stop.

    "…, Viện kiểm sát nhân dân Thành phố; Cục Thi hành án dân sự Thành phố; các báo cáo thẩm tra …"
    goes on to the Cục, not to the reports.
    """
    while (m := re.match(r"\s*;\s*([^;.\n]+)", text[end:])) and _BODY.fullmatch(name := m.group(1).strip()) \
            and not _BODY_STOP.search(name):
        end += m.end()
    return end


def definition(text: str, query: Query) -> Extract | None:
    """The defining clause: what follows "là" / "nghĩa là" / "được hiểu là" in the sentence."""
    m = _DEFINITION.search(text)
    if not m:
        return None
    a, b = m.end(), len(text.rstrip(" .;"))
    return Extract(a, b, text[a:b]) if b - a >= 3 else None


def enumeration(text: str) -> Extract | None:
    """The enumerated items of a passage (lines starting with "a)", "1.", "-"), with the lead-in."""
    items = list(_ENUM.finditer(text))
    if len(items) < 2:
        parts = [p.strip() for p in re.split(r"[;:]", text) if p.strip()]
        if len(parts) < 3:
            return None
        return Extract(0, len(text), "; ".join(parts[1:]))
    lines = [text[m.start():text.find("\n", m.start()) if "\n" in text[m.start():] else len(text)].strip().rstrip(" ;")
             for m in items]
    return Extract(items[0].start(), len(text), "; ".join(lines))


_INLINE_LEAD = re.compile(r"\b(?:bao gom|gom|gom co|la)\s*:\s*|\b(?:bao gom|gom)\s+(?=[^,.;]*,)")


def inline_list(text: str) -> Extract | None:
    """Items one sentence lists after its lead-in: "Hàng thừa kế thứ nhất gồm: vợ, chồng, cha đẻ…"."""
    lead = _INLINE_LEAD.search(fold(text))
    if lead is None:
        return None
    items = text[lead.end():].rstrip(" ;.\n")
    if items.count(",") < 1 or "\n" in items:
        return None
    return Extract(lead.end(), lead.end() + len(items), items)


# A run of at least three short names: "Hòa Lạc, Sơn Tây, Sóc Sơn", "Chương Mỹ, Quốc Oai và Thạch Thất".
_NAME = r"[^\W\d_][^,;:.()\n]{0,50}?"
_NAME_RUN = re.compile(rf"{_NAME}(?:,\s+{_NAME})+(?:,\s+|\s+và\s+){_NAME}(?=\s*(?:[;.:()\n]|$))")
_MAX_NAME_WORDS = 5


def listed_after(text: str, query: Query) -> Extract | None:
    """The names a sentence lists right after a word of the question, with no lead-in.

    "… quy hoạch phân khu các đô thị vệ tinh Hòa Lạc, Sơn Tây, Sóc Sơn" answers "những đô thị vệ tinh nào".
    """
    wanted = {t for t in query.terms if "_" not in t}
    ends = [end for tok, _, end in iter_tokens(text) if tok in wanted and tok not in STOPWORDS]
    for end in reversed(ends):  # the question word nearest the names
        m = _NAME_RUN.match(text, end + 1)
        if m is None:
            continue
        names = [n.strip() for part in m.group().split(",") for n in re.split(r"\s+và\s+", part)]
        if len(names) >= 3 and all(0 < len(n.split()) <= _MAX_NAME_WORDS for n in names):
            return Extract(m.start(), m.end(), ", ".join(names))
    return None


# The words before a figure (or after it: "trở lên") that make it a bound: (pattern, lower?, inclusive?).
_BOUNDS = ((re.compile(r"(?:chua du|duoi|khong du)$"), False, False),
           (re.compile(r"(?:den|khong qua|toi da)$"), False, True),
           (re.compile(r"(?:tren|hon)$"), True, False),
           (re.compile(r"(?:tu du|tu|du|it nhat|toi thieu|khong duoi)$"), True, True))


_BOUND_ASKED = re.compile(r"\b(?:duoi|tren|hon|tu|den|it nhat|toi thieu|toi da|khong qua|below|under|above|over|"
                          r"more than|less than|at least|at most)\s+\d|\d[\d.,]*\s*%?\s*(?:tro len|tro xuong)")


def _within(value: float, text: str, found: list[Figure]) -> bool | None:
    """Whether ``value`` lies within the bounds the figures of ``text`` set; None when they set none."""
    checks = []
    for f in found:
        values = figure_values(f)
        if len(values) != 1:
            continue
        before = " ".join(fold(f"{text[max(0, f.start - 16):f.start]} {f.comparator}").lower().split())
        after = fold(f.text).lower()
        bound = next(((low, inclusive) for pattern, low, inclusive in _BOUNDS if pattern.search(before)), None)
        if bound is None and after.endswith(("tro len", "tro xuong")):
            bound = (after.endswith("tro len"), True)
        if bound is not None:
            low, inclusive = bound
            limit = values[0]
            checks.append(value >= limit if low and inclusive else value > limit if low
                          else value <= limit if inclusive else value < limit)
    return all(checks) if checks else None


def yes_no(text: str, query: Query, heading: str = "") -> Extract | None:
    """"Có" or "Không" when the sentence decides the question, else None (quote it without a verdict).

    ``heading`` is the title of the unit the sentence belongs to: an item of "Các hành vi bị
    nghiêm cấm" is forbidden although the item itself has no negation.
    """
    asked = [v for v in number_values(query.text) if not 1900 <= v <= 2100]
    found = figures(text)
    have = [v for f in found for v in figure_values(f)]
    if asked and have:
        # "16 tuổi" against "từ đủ mười lăm tuổi đến chưa đủ mười tám tuổi"; a bound asked ("dưới 3%") is compared
        bounded = [] if _BOUND_ASKED.search(query.folded) else [_within(v, text, found) for v in asked]
        if bounded and all(b is not None for b in bounded):
            return Extract(0, len(text), "Có" if all(bounded) else "Không")
        verdict = "Có" if all(v in have for v in asked) else "Không"
        return Extract(0, len(text), verdict)
    q_neg = bool(_NEGATION.search(query.folded))
    t_neg = bool(_NEGATION.search(fold(text))) or bool(_FORBIDDEN.search(fold(heading)))
    if not asked and not q_neg and _ONLY.search(fold(text)):
        # "chỉ được sử dụng vào mục đích nông nghiệp" answers "được dùng vào mục đích phi nông
        # nghiệp không" with No: the question names something the restriction leaves out.
        said = content_terms(text)
        if any(t not in said for t in content_terms(query.text) if "_" not in t):
            return Extract(0, len(text), "Không")
    if not asked:
        return Extract(0, len(text), "Có" if q_neg == t_neg else "Không")
    return None


def extract(kind: AnswerType, text: str, query: Query) -> Extract | None:
    """What ``kind`` of question wants from ``text``; None when the text does not hold it."""
    if kind is AnswerType.QUANTITY:
        return quantity(text, query)
    if kind is AnswerType.DURATION:
        return quantity(text, query, durations=True)
    if kind is AnswerType.DATE:
        return date(text, query)
    if kind is AnswerType.WHO:
        return body(text, query)
    if kind is AnswerType.DEFINITION:
        return definition(text, query)
    if kind is AnswerType.LIST:
        return enumeration(text)
    if kind is AnswerType.YESNO:
        return yes_no(text, query)
    return None


# "Trách nhiệm của Bộ Nội vụ", "Nhiệm vụ, quyền hạn của Chánh án": the title names who acts in every item.
_ACTOR_TITLE = re.compile(r"^(?:trach nhiem|nhiem vu|quyen han|tham quyen)\b[^,]*(?:,[^,]*)? cua ")


def titled_body(title: str, query: Query) -> Extract | None:
    """The body an article's title makes responsible for its items ("Trách nhiệm của Bộ Nội vụ" → "Bộ Nội vụ").

    Whoever the title names is the actor, capitalised or not ("Trách nhiệm của tổ chức xã hội").
    """
    head = _ACTOR_TITLE.match(fold(title))
    if head is None:
        return None
    name = title[head.end():]
    stop = _BODY_STOP.search(name)
    name = name[:stop.start() if stop else len(name)].rstrip(" ,;.:")
    if len(name) < 3 or fold(name) in fold(query.text):
        return None
    return Extract(head.end(), head.end() + len(name), name)


def has_type(kind: AnswerType, text: str, query: Query, context: str = "") -> bool:
    """Whether ``text`` (under headings ``context``) holds an answer of ``kind`` (for the type feature)."""
    if kind in (AnswerType.FACT, AnswerType.CLAUSE, AnswerType.WHERE, AnswerType.YESNO):
        return True
    if kind is AnswerType.WHO and titled_body(context.rpartition(" › ")[2], query) is not None:
        return True
    return extract(kind, text, query) is not None
