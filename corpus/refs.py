"""References to units and documents written in text: "điểm a khoản 1 Điều 8 Luật An ninh mạng".

Shared by the question analyser (a user asks for a unit) and the relation detector (a
document amends a unit of another). Patterns run on folded text, so "khoan 6 dieu 2"
typed without accents is the same reference.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from corpus.figures import DOCUMENT_NUMBER, YEAR
from corpus.loader import Document
from corpus.structure import Unit, UnitKind
from corpus.text import fold

_N = r"(\d{1,4}[a-z]?)"
_L = r"([a-z])"  # a folded point letter (đ folds to d)
_ROMAN = r"([ivxlc]+|\d+)"
_SEP = r"\s*(?:,|cua|thuoc|tai|trong|o)?\s*"
# Finest first: each pattern lists its groups outermost-last as written by officials.
_PATTERNS: list[tuple[re.Pattern[str], tuple[UnitKind, ...]]] = [
    (re.compile(rf"\bdiem\s*{_L}{_SEP}khoan\s*{_N}{_SEP}dieu\s*{_N}\b"),
     (UnitKind.POINT, UnitKind.CLAUSE, UnitKind.ARTICLE)),
    (re.compile(rf"\bdieu\s*{_N}{_SEP}khoan\s*{_N}{_SEP}diem\s*{_L}\b"),
     (UnitKind.ARTICLE, UnitKind.CLAUSE, UnitKind.POINT)),
    (re.compile(rf"\bdiem\s*{_L}{_SEP}dieu\s*{_N}\b"), (UnitKind.POINT, UnitKind.ARTICLE)),
    (re.compile(rf"\bkhoan\s*{_N}{_SEP}dieu\s*{_N}\b"), (UnitKind.CLAUSE, UnitKind.ARTICLE)),
    (re.compile(rf"\bdieu\s*{_N}{_SEP}khoan\s*{_N}\b"), (UnitKind.ARTICLE, UnitKind.CLAUSE)),
    (re.compile(rf"\bmuc\s*(?:so\s*)?{_N}{_SEP}(?:phan\s*)?phu\s*luc(?:\s*(?:so\s*)?{_ROMAN}\b)?"),
     (UnitKind.ITEM, UnitKind.APPENDIX)),
    (re.compile(rf"\bphu\s*luc(?:\s*(?:so\s*)?{_ROMAN})?\s*(?:,|-)?\s*(?:muc|chi\s*tieu)\s*(?:so\s*)?{_N}\b"),
     (UnitKind.APPENDIX, UnitKind.ITEM)),
    (re.compile(rf"\bchi\s*tieu\s*(?:so|thu)\s*{_N}{_SEP}(?:phan\s*)?phu\s*luc(?:\s*(?:so\s*)?{_ROMAN}\b)?"),
     (UnitKind.ITEM, UnitKind.APPENDIX)),
    (re.compile(rf"\bchi\s*tieu\s*(?:so|thu)\s*{_N}\b"), (UnitKind.ITEM,)),
    (re.compile(rf"\bdieu\s*{_N}\b"), (UnitKind.ARTICLE,)),
    (re.compile(rf"\bkhoan\s*{_N}\b"), (UnitKind.CLAUSE,)),  # bare: only a follow-up can place it
    (re.compile(rf"\bdiem\s*{_L}\b"), (UnitKind.POINT,)),
    (re.compile(rf"\bmuc\s*(?:so\s*)?{_N}\b"), (UnitKind.ITEM,)),
    (re.compile(rf"\bchuong\s*{_ROMAN}\b"), (UnitKind.CHAPTER,)),
    (re.compile(r"\bphan\s*(thu\s*\w+)\b"), (UnitKind.PART,)),
    (re.compile(rf"\bphu\s*luc(?:\s*(?:so\s*)?{_ROMAN}\b)?"), (UnitKind.APPENDIX,)),
]
_TASK = re.compile(rf"\b(?:nhiem\s*vu|giai\s*phap)\s*(?:so|thu)\s*{_N}\b")
_LABEL_WORD = {UnitKind.PART: "Phần", UnitKind.CHAPTER: "Chương", UnitKind.ARTICLE: "Điều",
               UnitKind.CLAUSE: "khoản", UnitKind.POINT: "điểm", UnitKind.APPENDIX: "Phụ lục",
               UnitKind.ITEM: "mục"}
_ORDER = (UnitKind.PART, UnitKind.CHAPTER, UnitKind.APPENDIX, UnitKind.ITEM, UnitKind.ARTICLE,
          UnitKind.CLAUSE, UnitKind.POINT)


@dataclass(frozen=True)
class UnitRef:
    """A reference to a unit: ``((ARTICLE, "8"), (CLAUSE, "1"), (POINT, "a"))``, outermost first.

    ``task`` is set for "nhiệm vụ số N": khoản N of the Điều about tasks, resolved against
    the document's own headings. ``start``/``end`` locate the reference in the text.
    """

    parts: tuple[tuple[UnitKind, str | None], ...]
    task: str | None = None
    start: int = 0
    end: int = 0

    @property
    def path(self) -> tuple[str, ...]:
        """Citation labels: ("Điều 8", "khoản 1", "điểm a"), ("Phụ lục", "mục 13")."""
        return tuple(f"{_LABEL_WORD[k]} {n}" if n else _LABEL_WORD[k] for k, n in self.parts)

    @property
    def label(self) -> str:
        """Human form: "Điều 8 khoản 1 điểm a", "Phụ lục mục 13", "nhiệm vụ số 9"."""
        return f"nhiệm vụ số {self.task}" if self.task is not None else " ".join(self.path)


def _number(kind: UnitKind, raw: str | None) -> str | None:
    if raw is None:
        return None
    if kind in (UnitKind.CHAPTER, UnitKind.APPENDIX) and not raw.isdigit():
        return raw.upper()
    if kind is UnitKind.POINT:
        return raw
    return raw.lstrip("0") or "0" if raw[:1].isdigit() else raw


def find_unit_refs(text: str) -> list[UnitRef]:
    """Every unit reference in ``text``, finest and longest first where they overlap, in order."""
    folded = fold(text)
    taken: list[tuple[int, int]] = []
    found: list[UnitRef] = []
    for m in _TASK.finditer(folded):
        taken.append(m.span())
        found.append(UnitRef((), task=m.group(1), start=m.start(), end=m.end()))
    for pattern, kinds in _PATTERNS:
        for m in pattern.finditer(folded):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append(m.span())
            parts = {k: _number(k, g) for k, g in zip(kinds, m.groups(), strict=True)}
            ordered = tuple((k, parts[k]) for k in _ORDER if k in parts)
            found.append(UnitRef(ordered, start=m.start(), end=m.end()))
    return sorted(found, key=lambda r: r.start)


def unit_matches(chain: tuple[Unit, ...], ref: UnitRef) -> bool:
    """True when the unit at the end of ``chain`` is the one ``ref`` names (kinds and numbers)."""
    have = {(u.kind, fold(u.number or "")) for u in chain}
    kinds = {u.kind for u in chain}
    if not ref.parts or chain[-1].kind is not ref.parts[-1][0]:
        return False
    for kind, number in ref.parts:
        if kind not in kinds:
            return False
        if number is not None and (kind, fold(number)) not in have:
            return False
    return True


# --------------------------------------------------------------------------- documents



def document_number_mentions(text: str) -> list[tuple[str, int, int]]:
    """Document numbers written in ``text`` ("31/NQ-HĐND", "24/2018/QH14"), folded, with spans."""
    return [(fold(m.group()).upper(), m.start(), m.end()) for m in DOCUMENT_NUMBER.finditer(text)]


def document_names(doc: Document) -> list[str]:
    """Folded names a user may call ``doc`` by, longest first.

    "luat an ninh mang", "24/2018/qh14", "luat so 24/2018/qh14", "nghi quyet 31",
    "nghi quyet so 31/nq-hdnd", "nghi quyet 31/nq-hdnd".
    """
    meta = doc.metadata
    kind = fold(meta.get("loai_van_ban", ""))
    number = fold(meta.get("so_hieu", ""))
    subject = fold(meta.get("trich_yeu", ""))
    names = set()
    if subject and kind and subject.startswith(kind + " ") and len(subject) <= 80:
        names.add(subject)
        year = issue_year(doc)
        if year:  # "Bộ luật Dân sự 2015", "Luật Thanh niên năm 2020"
            names.update({f"{subject} {year}", f"{subject} nam {year}"})
    if number:
        names.add(number)
        if kind:
            head = number.split("/")[0]
            names.update({f"{kind} {number}", f"{kind} so {number}", f"{kind} {head}", f"{kind} so {head}"})
    names.add(fold(doc.doc_id))
    return sorted((n for n in names if len(n) >= 4), key=len, reverse=True)


def issue_year(doc: Document) -> str | None:
    """The year ``doc`` was issued: from its date, else from its number ("91/2015/QH13")."""
    for field in ("ngay_ban_hanh", "so_hieu"):
        found = YEAR.findall(doc.metadata.get(field, ""))
        if found:
            return found[-1]
    return None


def find_documents(text: str, docs: Iterable[Document]) -> list[tuple[Document, int, int]]:
    """Documents named in ``text`` with where: by short name, number or type + number.

    A name inside a longer name of another document ("Luật sửa đổi Luật X") counts for the longer one.
    """
    folded = fold(text)
    found: list[tuple[Document, int, int]] = []
    for doc in docs:
        for name in document_names(doc):
            m = re.search(rf"(?<![\w/]){re.escape(name)}(?![\w/])", folded)
            if m:
                found.append((doc, m.start(), m.end()))
                break
    kept = [f for f in found if not any(o is not f and o[1] <= f[1] and f[2] <= o[2] and o[2] - o[1] > f[2] - f[1]
                                        for o in found)]
    return sorted(kept, key=lambda t: t[1])
