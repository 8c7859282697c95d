"""Question understanding: references to units and documents, and the kind of answer wanted.

Clean, fold, expand abbreviations, find "khoản 6 Điều 2" and the documents named, and tell
what is asked (a figure, a date, a body, a list…).

Everything here is general (Vietnamese and English question forms); nothing is keyed to
one document's wording.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from corpus.abbrev import Abbreviations
from corpus.accents import AccentRestorer
from corpus.errors import InputError
from corpus.figures import YEAR
from corpus.loader import Document
from corpus.refs import UnitRef, find_documents, find_unit_refs
from corpus.structure import UnitKind
from corpus.text import (
    STOPWORDS,
    clean_input,
    content_terms,
    fold,
    fold_question,
    has_diacritics,
    mark_question_words,
    tokens,
)
from qa.glossary import glossary

MAX_QUESTION_CHARS = 1000


class AnswerType(Enum):
    """What the question asks for; decides what is extracted from the chosen passage."""

    QUANTITY = "quantity"  # a figure with its comparator and unit
    DURATION = "duration"  # a number of time units
    DATE = "date"  # a date, month or year
    WHO = "who"  # a person or body
    DEFINITION = "definition"  # the defining clause
    LIST = "list"  # enumerated items with their lead-in
    YESNO = "yesno"  # Có / Không when a sentence decides it
    WHERE = "where"  # the citation itself
    CLAUSE = "clause"  # what a named unit says
    FACT = "fact"  # anything else: the sentence that answers


# Patterns on folded questions, most specific first.
_TYPE_PATTERNS: list[tuple[AnswerType, re.Pattern[str]]] = [
    (AnswerType.WHERE, re.compile(
        r"\b(?:(?:quy dinh|neu|ghi|nam|de cap|the hien)\s+(?:o|tai)\s+(?:dau|dieu nao|khoan nao|muc nao|phan nao)"
        r"|(?:o|tai|thuoc)\s+(?:dieu|khoan|phan|chuong|phu luc)\s+nao|(?:nam|quy dinh|ghi) (?:o|tai) muc nao"
        r"|(?:dieu|khoan|muc) nao (?:quy dinh|neu|ghi|cua|trong)|muc nao (?:cua|trong) phu luc"
        r"|(?:o|tai) dieu, khoan nao"
        r"|where in the"
        r"|o dau trong|nam o dau|which (?:article|clause|section|item|part)|where (?:is|are|does)\b.*\b(?:set|stated|"
        r"defined|regulated|provided|found|mentioned))")),
    (AnswerType.DURATION, re.compile(
        r"\b(?:bao lau|thoi han|trong vong bao|thoi hieu|(?:bao nhieu|mayq) (?:ngay|thang|nam|tuan|gio)(?! \d{4})|"
        r"how long|within how many|within what (?:period|time)|how soon|how many (?:days|months|years|"
        r"hours|weeks)|time limit|deadline for)\b")),
    (AnswerType.DATE, re.compile(
        r"\b(?:khi nao|ngay nao|thang nao|nam nao|thoi diem nao|bao gio|tu ngay nao|tu khi nao|vao ngay|ky nao|"
        r"giai doan nao|nhiem ky nao|(?<![a-z] )when|from when|what date|which date|which year|what year|"
        r"effective from)\b")),  # "when" as the question word, not "… staff when they retire"
    (AnswerType.DEFINITION, re.compile(
        r"\b(?:la gi|la (?:\w+ ){1,2}gi|nghia la gi|co nghia la|duoc hieu (?:la|nhu the nao)|viet tat cua|la viet tat|"
        r"what is meant by|"
        r"what does \w+ (?:mean|stand for)|define|definition of|what is an?|what is the meaning)\b")),
    (AnswerType.WHO, re.compile(
        r"(?:(?<!nhung )\bai\b|(?<!dia )\b(?:co quan|nguoi|don vi|to chuc|ben|chu the|cap|bo|ban|uy ban) nao\b|"
        r"(?<!chi )\bso nao\b|"
        r"(?:^|[,;:]\s*|\b(?:and|or|to|by|from|with) )(?:who|whom)\b|"  # not "workers who have …"
        r"\bwhich (?:body|agency|authority|organi[sz]ation|office|ministry|person|official|court|level)\b)")),
    (AnswerType.LIST, re.compile(
        r"\b(?:gom nhung|bao gom nhung|nhung ai|bao gom gi|gom gi|"
        r"nhung (?:gi|noi dung nao|hanh vi nao|viec nao|quyen nao|"
        r"nghia vu nao|truong hop nao|loai nao|chi so nao|doi tuong nao|nhiem vu nao|linh vuc nao|yeu cau gi|"
        r"\w+ \w+ nao|\w+ nao)|cac \w+(?: \w+)? nao|"
        r"liet ke|what are the|list the|which \w+s are)\b")),
    (AnswerType.QUANTITY, re.compile(
        r"\b(?:bao nhieu|muc nao|muc bao|ty le|so luong|mayq|how much|how many|what percent|what percentage|"
        r"what share|what proportion|what \w+ ?(?:rate|target|growth|level)|what is the (?:target|rate|level|amount|"
        r"number)|what target|chi tieu|muc tieu|dinh muc|target|rate)\b|^so \w+"
        r"|^tong (?:so|chi|thu|von|muc|gia tri|kinh phi|dien tich|san luong|kim ngach)\b")),  # "tong chi ngan sach"
]
# English function words: a question made mostly of them is English.
_ENGLISH = frozenset("the a an of to in for on is are does do can must should what which who when where how "
                     "and or with under by from that this there any all be has have will was were "
                     "if their they whether would could into been".split())
_YESNO = re.compile(r"\b(?:co|duoc|phai|da|se|can|bi)\b.*\bkhong\s*\??\s*$|\bdung hay sai\b|\bhay khong\b|"
                    r"\bphai khong\b|\bdung khong\b")
_YESNO_EN = re.compile(r"^(?:is|are|does|do|can|must|should|was|were|has|have|will|may)\b")
# "nói gì", "quy định (nhiệm vụ) gì", "what does … say": what a named unit sets out, not a fact in it.
_ONLY_ABOUT_UNIT = re.compile(r"\b(?:noi (?:ve )?gi|quy dinh (?:ve )?(?:\w+ ){0,3}gi|ve (?:van de )?gi|"
                              r"noi dung (?:gi|la gi)|la gi|"
                              r"the nao|de cap (?:den )?gi|what does .* (?:say|provide|cover|regulate)|about what)\b")


@dataclass(frozen=True)
class Filters:
    """Which documents a search or a question may draw on (empty: all)."""

    doc_ids: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()  # loại văn bản: "Luật", "Nghị quyết", …
    bodies: tuple[str, ...] = ()  # cơ quan ban hành
    years: tuple[str, ...] = ()
    parts: tuple[str, ...] = field(default=())  # top-level part: "Điều 2", "Phụ lục", …

    def keeps(self, doc: Document, year: str | None) -> bool:
        """Whether ``doc`` passes the document filters."""
        meta = doc.metadata
        return ((not self.doc_ids or doc.doc_id in self.doc_ids)
                and (not self.kinds or fold(meta.get("loai_van_ban", "")) in {fold(k) for k in self.kinds})
                and (not self.bodies or any(fold(b) in fold(meta.get("co_quan_ban_hanh", "")) for b in self.bodies))
                and (not self.years or year in self.years))


@dataclass(frozen=True)
class Query:
    """A question as every retriever and the answerer see it."""

    text: str  # cleaned, NFC, as typed
    folded: str  # lower-case, no diacritics
    expanded: str  # text plus abbreviation expansions and an English question's glossary terms (lexical matching)
    has_diacritics: bool
    restored: str = ""  # text with diacritics restored when typed without (for the dense model)
    spelled: str = ""  # (restored) text with abbreviations spelt out and glossary terms, if any (for the dense model)
    unit_ref: UnitRef | None = None
    documents: tuple[str, ...] = ()  # doc ids the question names
    years: tuple[str, ...] = ()
    answer_type: AnswerType = AnswerType.FACT
    terms: frozenset[str] = field(default=frozenset())  # content terms (question words removed)
    about_unit_only: bool = False  # "khoản 6 Điều 2 nói gì": show the unit, not a fact in it
    filters: Filters = field(default_factory=lambda: Filters())
    glossed: tuple[str, ...] = ()  # an English question's terms in the documents' words (glossary)
    dense_text: str = ""  # embedded instead, when set (a part probed with its whole question's vector)

    @property
    def for_dense(self) -> str:
        """What the dense retriever embeds."""
        return self.dense_text or self.spelled or self.restored or self.text


def _about_unit_only(folded: str, spans: list[tuple[int, int]]) -> bool:
    """"khoản 6 Điều 2 nói gì" (show the unit) vs "GRDP ghi ở Điều 1 là bao nhiêu" (a fact in it)."""
    rest = folded
    for a, b in sorted(spans, reverse=True):
        rest = rest[:a] + " " + rest[b:]
    asks = bool(_ONLY_ABOUT_UNIT.search(rest))
    words = [t for t in tokens(_ONLY_ABOUT_UNIT.sub(" ", rest)) if t not in STOPWORDS and not t[0].isdigit()]
    return len(words) <= 1 or (asks and len(words) <= 3)


# English words that are not also Vietnamese syllables typed without accents ("the", "can", "do", "to" are).
_ENGLISH_ONLY = frozenset("what which when where who whom how many much is are was were of for does did and "
                          "with from that this there will has have should must under "
                          "if their they whether would could into been".split())


# A question fewer than half of whose syllables occur in the corpus is foreign to it (English,
# say): BM25 and word-overlap signals then match noise (fusion leans on dense, the gate ignores them).
FOREIGN_KNOWN = 0.5


def is_english(text: str) -> bool:
    """True when a fifth of the words are English function words, one of them unambiguously English."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    english = [w for w in words if w in _ENGLISH]
    return bool(words) and len(english) >= 0.2 * len(words) and any(w in _ENGLISH_ONLY for w in english)


def answer_type_of(question: str) -> AnswerType:
    """The kind of answer ``question`` wants (Vietnamese or English, with or without accents)."""
    folded = fold_question(question)
    found = next((t for t, p in _TYPE_PATTERNS if p.search(folded)), None)
    yesno = _YESNO_EN.search(folded) if is_english(question) else _YESNO.search(folded)
    # A yes/no form wrapped around another question word is that other question ("có bao nhiêu … không").
    if yesno and found in (None, AnswerType.QUANTITY, AnswerType.DATE) and \
            not re.search(r"\bco bao nhieu\b|\bco mayq\b|\bhow (?:many|much)\b", folded):
        return AnswerType.YESNO
    if found is None and _ONLY_ABOUT_UNIT.search(folded) and find_unit_refs(question):
        return AnswerType.CLAUSE
    return found or AnswerType.FACT


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


def _asked_years(folded: str, named: Sequence[tuple[object, int, int]]) -> tuple[str, ...]:
    """Years the question asks about: not those inside a document's name ("Bộ luật Dân sự 2015")."""
    return tuple(dict.fromkeys(m.group() for m in YEAR.finditer(folded)
                               if not any(a <= m.start() and m.end() <= b for _, a, b in named)))


def make_query(question: str, abbreviations: Abbreviations, restorer: AccentRestorer | None = None,
               documents: Iterable[Document] = ()) -> Query:
    """Validate and analyse a question."""
    text = validate_question(question)
    accented = has_diacritics(text)
    restored = restorer.restore(mark_question_words(text)) if restorer and not accented else ""
    english = glossary().translate(text) if is_english(text) else []  # the documents' words for its terms
    extra = [*abbreviations.expand(text), *english]
    expanded = " ".join([text, *extra]) if extra else text
    # A bare "khoản 7" names no unit on its own (every Điều has one); a follow-up may place it.
    refs = [r for r in find_unit_refs(text) if r.task or {k for k, _ in r.parts} - {UnitKind.CLAUSE, UnitKind.POINT}]
    named = find_documents(text, documents)
    unit_ref = refs[0] if refs else None
    only = unit_ref is not None and _about_unit_only(
        fold(text), [(unit_ref.start, unit_ref.end), *((a, b) for _, a, b in named)])
    answer_type = answer_type_of(text)
    if only and answer_type in (AnswerType.FACT, AnswerType.LIST, AnswerType.DEFINITION):
        answer_type = AnswerType.CLAUSE
    restored = restored if restored != text else ""
    spelled = " ".join([abbreviations.spell_out(restored or text), *english])
    return Query(text=text, folded=fold(text), expanded=expanded, has_diacritics=accented, restored=restored,
                 spelled=spelled if spelled != (restored or text) else "", unit_ref=unit_ref,
                 documents=tuple(d.doc_id for d, _, _ in named), years=_asked_years(fold(text), named),
                 answer_type=answer_type, terms=frozenset(content_terms(expanded)), about_unit_only=only,
                 glossed=tuple(english))
