"""Two-part and comparison questions: split into parts that can each be answered alone.

"GRDP tăng bao nhiêu và xuất khẩu tăng bao nhiêu?" (two question words), "hộ nghèo 2024 so
với 2025" (a comparison), "tỷ lệ nước sạch khu vực đô thị và nông thôn" (a coordinated
phrase: the short right side replaces the end of the left). A coordinated split is only a
proposal: the answerer keeps it when the parts land on different evidence, so names that
contain "và" ("thu gom và vận chuyển") stay whole.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from corpus.figures import YEAR
from corpus.text import content_words, fold, has_diacritics
from qa.query import is_english

_SEPARATORS = re.compile(r"\s*(?:;|,\s*(?:va|con)\s|,\s|(?<!doi)\s(?:va|cung voi|voi|so voi|dong thoi|and|versus|vs\.?|"
                         r"compared (?:with|to))\s)\s*")
_COMPARE = re.compile(r"\b(?:so voi|so sanh|lan luot|moi noi|tung|hai cho|ca hai|khac nhau|khop|compare|"
                      r"respectively|each|both)\b")
# A leading "theo/trong/tại …," (according to a document, in a part of it) or a condition
# ("khi/nếu …,", "when/if/where …,") is no part of its own; "khi nào …", "when is …" ask.
_FRAME = re.compile(r"(?:theo|trong|tai|can cu|according to|under|in|khi(?! nao)|neu|truong hop|sau khi|truoc khi|"
                    r"if|once|after|before|(?:when|where)(?! (?:is|are|was|were|do|does|did|will|would|shall|should|"
                    r"must|can|could|may|has|have|had)\b))\b[^,?]*?,")
# First words of a measured quantity: số, tỷ lệ, tổng, mức, chỉ số/tiêu, tốc độ, diện tích, kim ngạch.
_MEASURES = frozenset("so ty ti tong muc chi toc dien kim".split())
_ASKS = re.compile(r"\b(?:bao nhieu|bao lau|khi nao|ngay nao|nam nao|o dau|la gi|ai|nao|muc nao|may|"
                   r"how (?:much|many|long)|what|when|which|who|where)\b")


@dataclass(frozen=True)
class Split:
    """Parts of a question and whether the split is certain (two questions, a comparison)."""

    parts: tuple[str, ...]
    certain: bool

    def __post_init__(self) -> None:
        # A year said once holds for every part: "… đô thị và nông thôn năm 2024".
        years = [y for p in self.parts for y in YEAR.findall(p)]
        if years:
            parts = tuple(p if YEAR.search(p) else f"{p} {_year_word(p)} {years[0]}" for p in self.parts)
            object.__setattr__(self, "parts", parts)


def _year_word(part: str) -> str:
    """How ``part`` says "in the year": "năm", "nam" typed without accents, "in" in English."""
    return "in" if is_english(part) else "năm" if has_diacritics(part) else "nam"


def _substitute(left: str, right: str) -> str:
    """"tỷ lệ nước sạch khu vực đô thị" + "nông thôn" → "tỷ lệ nước sạch khu vực nông thôn".

    A right side that names its own indicator ("tỷ lệ tham gia BH thất nghiệp") stands alone.
    """
    if len(content_words(right)) >= 4:
        return right
    right_words = right.split()
    if YEAR.fullmatch(right.strip()) or not content_words(right):
        years = YEAR.findall(right)
        if years and YEAR.search(left):
            return YEAR.sub(years[0], left, count=1)
        return f"{left} {right}"
    left_words = left.split()
    size = len([w for w in right_words if not YEAR.fullmatch(w) and fold(w) != "nam"])
    keep = max(1, len(left_words) - size)
    shared = [i for i, w in enumerate(left_words) if fold(w) == fold(right_words[0])]
    capitals = [i for i in range(1, len(left_words)) if left_words[i][:1].isupper()
                and not left_words[i - 1][:1].isupper()]
    if shared:  # a head word both share: "khu vực đô thị" / "khu vực nông thôn"
        keep = shared[-1]
    elif right_words[0][:1].isupper() and capitals:  # names: "… danh hiệu Gia đình văn hóa" / "Làng văn hóa"
        keep = capitals[-1]
    return " ".join(left_words[:keep] + right_words)


def split_question(text: str) -> Split | None:
    """The parts of a two-part or comparison question, or None for a single question."""
    body = text.strip().rstrip("?").strip()
    folded = fold(body)  # same length as ``body``: offsets found in it hold in ``body``
    frame = _FRAME.match(folded)
    if frame:  # "Theo Luật Thanh niên, …" frames the question: split the rest, keep the frame on each part
        inner = split_question(body[frame.end():])
        return inner and Split(tuple(f"{body[:frame.end()]} {part}" for part in inner.parts), inner.certain)
    matches = [m for m in _SEPARATORS.finditer(folded) if m.start() > 0]
    if not matches:
        return None
    compare = bool(_COMPARE.search(folded))
    for m in matches:
        left, right = body[:m.start()].strip(), body[m.end():].strip()
        if not left or not right:
            continue
        both_ask = bool(_ASKS.search(fold(left))) and bool(_ASKS.search(fold(right)))
        if both_ask and len(content_words(right)) >= 1 and len(content_words(left)) >= 1:
            return Split((left, right), certain=True)
        if compare and (content_words(right) or YEAR.search(right)) \
                and (len(content_words(right)) <= 3 or _ASKS.search(fold(right))):
            # a long side that asks nothing is the rest of one question ("… thành từng nhóm và trả tiền …")
            return Split((left, _substitute(left, right) if len(content_words(right)) <= 3 else right),
                         certain=True)
    # Coordinated short phrases: "… khu vực đô thị và nông thôn (là bao nhiêu)", "A, B và C".
    coordinated = [m for m in matches if not re.search(r"so voi|compared|versus|vs|;", m.group())]
    if not coordinated:
        return None
    left = body[:coordinated[0].start()].strip()
    items = [body[a.end():b.start()].strip() for a, b in itertools.pairwise(coordinated)]
    items.append(body[coordinated[-1].end():].strip())
    tail = ""
    ask = _ASKS.search(fold(items[-1]))
    if ask is not None and _ASKS.search(fold(left)) is None:
        last = items[-1]
        head = last[:ask.start()].rstrip()
        verb = fold(head).endswith((" la", " dat", " tang", " giam", " chiem"))  # goes with the ask: "tăng bao nhiêu"
        cut = last.rfind(" ", 0, len(head)) if verb else ask.start()
        items[-1], tail = last[:max(cut, 0)].strip(), " " + last[max(cut, 0):].strip()
    if _ASKS.search(fold(left)) and any(len(content_words(it)) >= 4 and fold(it).split()[0] not in _MEASURES
                                        for it in items):
        return None  # the ask, said first, covers a long coordinated predicate: "… ngày nào … phải A và B"
    if len(content_words(left)) >= 1 and all(1 <= len(content_words(it)) <= 14 and not _ASKS.search(fold(it))
                                              for it in items):
        # Each item repeating a measure word ("số dự án A và số dự án B", "tỷ lệ A và tỷ lệ B") names
        # an indicator of its own: two questions. A repeated name ("Luật A và Luật B") may be one title.
        head = fold(left).split()[0]
        repeated = head in _MEASURES and all(
            fold(it).split()[0] == head and len(content_words(it)) >= 2 for it in items)
        return Split((left + tail, *(_substitute(left, it) + tail for it in items)), certain=repeated)
    return None
