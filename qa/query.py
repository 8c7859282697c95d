"""Question understanding: clean, fold, expand abbreviations, find clause references."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.abbrev import Abbreviations
from corpus.accents import AccentRestorer
from corpus.errors import InputError
from corpus.text import clean_input, fold, has_diacritics

MAX_QUESTION_CHARS = 1000

_NUM = r"(\d{1,3})"
# Patterns run on folded text ("khoản 6 Điều 2" → "khoan 6 dieu 2").
_KHOAN_DIEU = re.compile(rf"\bkhoan\s*{_NUM}\s*(?:,|cua|thuoc|tai)?\s*dieu\s*{_NUM}\b")
_DIEU_KHOAN = re.compile(rf"\bdieu\s*{_NUM}\s*(?:,|cua)?\s*khoan\s*{_NUM}\b")
_DIEU = re.compile(rf"\bdieu\s*{_NUM}\b")
_MUC_PL = re.compile(rf"\bmuc\s*(?:so\s*)?{_NUM}\s*(?:,|cua|thuoc|tai|trong)?\s*(?:phan\s*)?phu\s*luc\b")
_PL_MUC = re.compile(rf"\bphu\s*luc\s*(?:,|-)?\s*(?:muc|chi\s*tieu)\s*(?:so\s*)?{_NUM}\b")
_CHI_TIEU_SO = re.compile(rf"\bchi\s*tieu\s*(?:so|thu)\s*{_NUM}\b")
_NHIEM_VU_SO = re.compile(rf"\b(?:nhiem\s*vu|giai\s*phap)\s*(?:so|thu)\s*{_NUM}\b")
_PHU_LUC = re.compile(r"\bphu\s*luc\b")


@dataclass(frozen=True)
class ClauseRef:
    """A reference to a unit: ("Điều 2", "khoản 6"), ("Phụ lục", "mục 13"), or a task number.

    ``task`` is set for "nhiệm vụ số N": the khoản N of the Điều about tasks, which is
    resolved against the document's own headings.
    """

    path: tuple[str, ...]
    task: int | None = None

    @property
    def label(self) -> str:
        """Human form, e.g. "Điều 2 khoản 6"."""
        return " ".join(self.path) if self.path else f"nhiệm vụ số {self.task}"


@dataclass(frozen=True)
class Query:
    """A question as every retriever sees it."""

    text: str  # cleaned, NFC, as typed
    folded: str  # lower-case, no diacritics
    expanded: str  # text plus abbreviation expansions (for lexical matching)
    clause_ref: ClauseRef | None
    has_diacritics: bool
    restored: str = ""  # text with diacritics restored when typed without (for the dense model)

    @property
    def for_dense(self) -> str:
        """What the dense retriever embeds."""
        return self.restored or self.text


def parse_clause_ref(text: str) -> ClauseRef | None:
    """Find "khoản 6 Điều 2", "Điều 3", "mục 13 phụ lục", "chỉ tiêu số 9", "nhiệm vụ số 9"."""
    f = fold(text)
    if m := _KHOAN_DIEU.search(f):
        return ClauseRef((f"Điều {int(m.group(2))}", f"khoản {int(m.group(1))}"))
    if m := _DIEU_KHOAN.search(f):
        return ClauseRef((f"Điều {int(m.group(1))}", f"khoản {int(m.group(2))}"))
    if m := (_MUC_PL.search(f) or _PL_MUC.search(f) or _CHI_TIEU_SO.search(f)):
        return ClauseRef(("Phụ lục", f"mục {int(m.group(1))}"))
    if m := _NHIEM_VU_SO.search(f):
        return ClauseRef((), task=int(m.group(1)))
    if m := _DIEU.search(f):
        return ClauseRef((f"Điều {int(m.group(1))}",))
    if _PHU_LUC.fullmatch(f.strip(" ?.")):
        return ClauseRef(("Phụ lục",))
    return None


def validate_question(question: object) -> str:
    """Clean a question or raise :class:`InputError` with a Vietnamese message."""
    if not isinstance(question, str):
        raise InputError("Câu hỏi phải là văn bản.")
    if len(question) > 20 * MAX_QUESTION_CHARS:
        raise InputError(f"Câu hỏi quá dài ({len(question):,} ký tự); tối đa {MAX_QUESTION_CHARS} ký tự.")
    text = clean_input(question)
    if not text:
        raise InputError("Câu hỏi đang trống. Hãy nhập câu hỏi, ví dụ: \"chỉ tiêu hộ nghèo 2024\".")
    if len(text) > MAX_QUESTION_CHARS:
        raise InputError(f"Câu hỏi quá dài ({len(text):,} ký tự); tối đa {MAX_QUESTION_CHARS} ký tự.")
    return text


def make_query(question: str, abbreviations: Abbreviations,
               restorer: AccentRestorer | None = None) -> Query:
    """Validate and analyse a question."""
    text = validate_question(question)
    accented = has_diacritics(text)
    restored = restorer.restore(text) if restorer and not accented else ""
    extra = abbreviations.expand(text)
    expanded = " ".join([text, *extra]) if extra else text
    return Query(text=text, folded=fold(text), expanded=expanded,
                 clause_ref=parse_clause_ref(text), has_diacritics=accented,
                 restored=restored if restored != text else "")
