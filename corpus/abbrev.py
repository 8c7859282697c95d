"""Abbreviations both ways: a curated administrative list plus definitions found in the documents."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from corpus.text import VIETNAMESE_STOPWORDS, fold

# Common abbreviations of Vietnamese administrative documents.
CURATED: dict[str, str] = {
    "HĐND": "Hội đồng nhân dân",
    "UBND": "Ủy ban nhân dân",
    "MTTQ": "Mặt trận Tổ quốc",
    "UBMTTQ": "Ủy ban Mặt trận Tổ quốc",
    "BHXH": "bảo hiểm xã hội",
    "BHYT": "bảo hiểm y tế",
    "BHTN": "bảo hiểm thất nghiệp",
    "NTM": "nông thôn mới",
    "GRDP": "tổng sản phẩm trên địa bàn",
    "GDP": "tổng sản phẩm quốc nội",
    "CCHC": "cải cách hành chính",
    "TTHC": "thủ tục hành chính",
    "KHCN": "khoa học và công nghệ",
    "KH&CN": "khoa học và công nghệ",
    "ATTP": "an toàn thực phẩm",
    "CCN": "cụm công nghiệp",
    "KCN": "khu công nghiệp",
    "XLNT": "xử lý nước thải",
    "KTXH": "kinh tế - xã hội",
    "KT-XH": "kinh tế - xã hội",
    "PCI": "chỉ số năng lực cạnh tranh cấp tỉnh",
    "PAPI": "chỉ số hiệu quả quản trị và hành chính công cấp tỉnh",
    "SIPAS": "chỉ số hài lòng của người dân",
    "PAR-Index": "chỉ số cải cách hành chính",
    "CPI": "chỉ số giá tiêu dùng",
    "CQG": "chuẩn quốc gia",
    "THCS": "trung học cơ sở",
    "THPT": "trung học phổ thông",
    "TDTT": "thể dục thể thao",
    "VP": "văn phòng",
    "TP": "thành phố",
    "TU": "Thành ủy",
    "ĐBQH": "đại biểu Quốc hội",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội",
    "FTA": "hiệp định thương mại tự do",
    "ODA": "hỗ trợ phát triển chính thức",
    "FDI": "đầu tư trực tiếp nước ngoài",
    "PCCC": "phòng cháy chữa cháy",
    "ATGT": "an toàn giao thông",
    "ANTT": "an ninh trật tự",
    "GPMB": "giải phóng mặt bằng",
    "QPAN": "quốc phòng an ninh",
}

# A folded string that could be an ordinary Vietnamese syllable ("tu" = từ, tư, tự).
_SYLLABLE = re.compile(r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?$")
_DEFINITION = re.compile(r"([^\W\d_][\w\s\-–]{2,120}?)\s*\(([A-ZĐ][A-ZĐa-z&\-]{1,11})\)")
_GLUE = {"va", "cua", "ve", "cho"}


def _initial(syllable: str) -> str:
    return fold(syllable)[:1]


def _long_form_start(head: str, abbr: str) -> int | None:
    """Where, in ``head`` (the text before "(ABBR)"), the words whose initials spell ``abbr`` begin."""
    letters = [c for c in fold(abbr) if c.isalpha()]
    words = list(re.finditer(r"[^\s\-–]+", head))
    i, start = len(letters) - 1, None
    for m in reversed(words):
        if i < 0:
            break
        word = m.group().strip(",;:.()")
        if _initial(word) == letters[i] and m.group() == word:
            i, start = i - 1, m.start()
        elif start is not None and fold(word) in _GLUE:
            start = m.start()
        else:
            break
    return start if i < 0 else None


def harvest(text: str) -> dict[str, str]:
    """Definitions written in the text itself, e.g. "an toàn thực phẩm (ATTP)"."""
    found: dict[str, str] = {}
    for m in _DEFINITION.finditer(text):
        head, abbr = m.group(1).strip(), m.group(2)
        start = _long_form_start(head, abbr)
        if start is not None:
            found.setdefault(abbr, " ".join(re.split(r"[\s\-–]+", head[start:])))
    return found


# A phrase the corpus writes this often, and this many times more often than any other phrase
# with the same initials, is what an abbreviation it never defines stands for ("GPMT").
_MIN_PHRASE_COUNT = 3
_DOMINANCE = 3


def phrases_by_initials(texts: Iterable[str]) -> dict[str, str]:
    """Long forms for abbreviations the documents use but never define, from the documents' own phrases.

    Every run of 3–6 words inside a clause ("giấy phép môi trường") is counted by its initials
    ("gpmt"). An initials string maps to its most frequent phrase when that phrase occurs at
    least ``_MIN_PHRASE_COUNT`` times and ``_DOMINANCE`` times as often as the runner-up; a
    phrase that starts or ends with a function word ("trừ trường hợp có") is never one.
    """
    counts: Counter[str] = Counter()
    written: set[str] = set()  # an abbreviation the text writes ("USD", "XVI") is matched as it is
    for text in texts:
        for clause in re.split(r"[^\w\s]|\n|\d", text.lower()):
            words = clause.split()
            written.update(fold(w) for w in words)
            for n in range(3, 7):
                for i in range(len(words) - n + 1):
                    if words[i] not in VIETNAMESE_STOPWORDS and words[i + n - 1] not in VIETNAMESE_STOPWORDS:
                        counts[" ".join(words[i:i + n])] += 1
    by_initials: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for phrase, n in counts.items():
        by_initials["".join(_initial(w) for w in phrase.split())].append((n, phrase))
    out = {}
    for initials, found in by_initials.items():
        if initials in written or re.fullmatch(r"[ivxlc]+", initials):  # "XVI" is a number
            continue
        found.sort(reverse=True)
        best = found[0][0]
        if best >= _MIN_PHRASE_COUNT and (len(found) == 1 or best >= _DOMINANCE * found[1][0]):
            out[initials] = found[0][1]
    return out


def typed_freely(abbr: str) -> bool:
    """True when ``abbr`` may match however it is typed ("bhyt", "hdnd").

    An abbreviation of two letters, or one that folds to an ordinary syllable ("TU" → "tu":
    từ, tư, tự), matches only as written in capitals, on the original text.
    """
    letters = fold(abbr).replace("&", "").replace("-", "")
    return len(letters) >= 3 and not _SYLLABLE.match(letters)


class Abbreviations:
    """Expands a query with the long form of each abbreviation and vice versa."""

    def __init__(self, extra: Iterable[tuple[str, str]] = (), by_initials: dict[str, str] | None = None) -> None:
        """Curated list plus ``extra`` (abbreviation, long form) pairs.

        ``by_initials`` (:func:`phrases_by_initials`) expands an abbreviation neither defines,
        typed in capitals ("Cơ quan nào cấp GPMT").
        """
        pairs = {**CURATED, **dict(extra)}
        self.pairs: dict[str, str] = pairs
        self.by_initials = by_initials or {}
        self._free = {fold(a): long for a, long in pairs.items() if typed_freely(a)}
        self._strict = {fold(a): long for a, long in pairs.items() if not typed_freely(a)}
        self._by_long = {fold(long): a for a, long in pairs.items()}

    def long_form(self, abbr: str) -> str:
        """What ``abbr`` stands for: defined, curated, else the corpus's phrase with its initials ("")."""
        return self.pairs.get(abbr) or self.by_initials.get(fold(abbr), "")

    def spell_out(self, text: str) -> str:
        """``text`` with each abbreviation the documents never write followed by its phrase.

        For the dense model: "cấp GPMT" → "cấp GPMT (giấy phép môi trường)". An abbreviation the
        documents write is in their passages' vectors already.
        """
        folded = fold(text)

        def spelt(m: re.Match[str]) -> str:
            word = m.group()
            long = self.by_initials.get(fold(word), "") if word.isupper() and not text.isupper() else ""
            return f"{word} ({long})" if long and fold(long) not in folded else word
        return re.sub(r"[\w&\-]+", spelt, text)

    def expand(self, text: str) -> list[str]:
        """Long forms of abbreviations in ``text`` and abbreviations of long forms in it."""
        folded = fold(text)
        words = set(re.findall(r"[\w&\-]+", folded))
        capitals = {fold(w) for w in re.findall(r"[\w&\-]+", text) if w.isupper() and len(w) > 1}
        if text.isupper() and not capitals <= self._free.keys() | self._strict.keys():
            capitals = set()  # typed all in capitals ("TỶ LỆ TỪ …"): capitals say nothing
        extra = [long for abbr, long in self._free.items() if abbr in words]
        extra += [long for abbr, long in self._strict.items() if abbr in capitals]
        # the corpus's own phrase too where a curated one is known: "TTHC" over laws of procedure
        extra += [self.by_initials[c] for c in sorted(capitals) if c in self.by_initials]
        extra += [abbr for long, abbr in self._by_long.items()
                  if long in folded and re.search(rf"(?<!\w){re.escape(long)}(?!\w)", folded)]
        unique: dict[str, str] = {}
        for long in extra:
            unique.setdefault(fold(long), long)
        return list(unique.values())


def definition_in(text: str, abbr: str) -> tuple[int, int, str] | None:
    """Where ``text`` defines ``abbr``: "long form (ABBR)" or "ABBR (long form)".

    Returns the span of the whole definition and the long form as written ("kinh tế-xã hội"):
    the words whose initials spell the abbreviation, else the last words before it.
    """
    m = re.search(rf"\(\s*{re.escape(abbr)}\s*\)", text)
    if m:
        head = text[:m.start()].rstrip()
        start = _long_form_start(head, abbr)
        if start is None:
            cut = max(head.rfind(ch) for ch in ",;.:\n(") + 1
            words = head[cut:].split()[-12:]
            start = head.rfind(words[0], cut) if words else None
        if start is not None:
            return start, m.end(), head[start:].strip()
    m = re.search(rf"\b{re.escape(abbr)}\s*\(([^()]{{3,160}})\)", text)
    if m:
        return m.start(), m.end(), m.group(1).strip()
    return None
