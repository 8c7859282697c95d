"""Vietnamese text utilities shared by every stage: normalisation, accent folding, tokens.

Folding keeps string length (one character in, one character out), so offsets found in
folded text are valid in the displayed text too.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

# Control characters (except tab/newline) are dropped from user input; NUL and friends
# have no meaning in a question and break terminals and JSON consumers.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
# A token is a number (keeping Vietnamese decimal/thousand separators) or a word.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|\d+", re.UNICODE)
_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_SPACES = re.compile(r"[ \t\u00a0]+")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC form (how Vietnamese text is stored and shown)."""
    return unicodedata.normalize("NFC", text)


def clean_input(text: str) -> str:
    """NFC-normalise user input, drop control characters and squeeze spaces."""
    text = _CONTROL.sub(" ", nfc(text))
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    low = base.lower()
    if len(low) == 1:
        return low
    low = ch.lower()
    return low if len(low) == 1 else ch


def fold(text: str) -> str:
    """Lower-case and strip diacritics (đ→d) without changing the string's length."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) for c in text)


def has_diacritics(text: str) -> bool:
    """True when ``text`` carries Vietnamese diacritics (or đ)."""
    return fold(text) != text.lower()


def canonical_number(token: str) -> str:
    """Write a number one way: ``20.000``/``20000`` → ``20000``; ``4.5``/``4,5`` → ``4,5``."""
    if _THOUSANDS.match(token):
        return token.replace(".", "")
    if "." in token and "," not in token:
        return token.replace(".", ",")
    return token


def iter_tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield ``(folded token, start, end)`` for words and numbers in ``text``."""
    folded = fold(text)
    for m in _TOKEN.finditer(folded):
        tok = m.group()
        if tok[0].isdigit():
            tok = canonical_number(tok)
        yield tok, m.start(), m.end()


def tokens(text: str) -> list[str]:
    """Folded syllable/number tokens of ``text``."""
    return [t for t, _, _ in iter_tokens(text)]


def lexical_terms(text: str, bigrams: bool = True) -> list[str]:
    """Terms for BM25: folded syllables plus adjacent-syllable bigrams.

    Vietnamese words are mostly two syllables ("hộ nghèo", "bảo hiểm"), so bigrams
    recover word identity without a segmenter and work for input typed without accents.
    """
    toks = tokens(text)
    return with_bigrams(toks) if bigrams else toks


def with_bigrams(toks: list[str]) -> list[str]:
    """Tokens followed by the bigrams of adjacent tokens ("ho", "ngheo", "ho_ngheo")."""
    return toks + [f"{a}_{b}" for a, b in itertools.pairwise(toks)]


# Question words, as typed: they say what is asked, not what it is about.
QUESTION_WORDS = ("bao nhiêu bao giờ bao lâu khi nào ở đâu là gì cái gì những gì ai là ai như thế nào "
                  "thế nào mấy có không được không tại sao vì sao nào gì đâu hay")
_FUNCTION_WORDS = ("và của các là có cho trong với như thế về được những một này đó thì mà để tại theo từ hoặc "
                   "cũng khi sẽ đã đang ra sao vậy à ơi nhé hả")
_ENGLISH_FILLERS = ("what which when where who whom how many much long is are was were the of in to "
                    "for a an by does do did on at under according")
# Stop words as written, for text typed with diacritics ("đô" in "đô thị" is not "đó").
STOPWORDS_ACCENTED = frozenset(f"{QUESTION_WORDS} {_FUNCTION_WORDS} {_ENGLISH_FILLERS}".split())
# Vietnamese question and function words as written ("bảo", "vệ", "an" are none of them).
VIETNAMESE_STOPWORDS = frozenset(f"{QUESTION_WORDS} {_FUNCTION_WORDS}".split())
# Folded stop words, for matching whatever was typed.
STOPWORDS = frozenset(fold(w) for w in STOPWORDS_ACCENTED)

# Terms that name the two sides of one measure, folded: what speaks of one side only says nothing
# of the other ("nhập khẩu" asked, "kim ngạch xuất khẩu" read).
CONTRASTS = tuple((fold(a), fold(b)) for a, b in (
    ("nhập khẩu", "xuất khẩu"), ("nhập cảnh", "xuất cảnh"), ("nội địa", "quốc tế"), ("trong nước", "nước ngoài"),
    ("nông thôn", "thành thị"), ("ngoài công lập", "công lập")))


def content_terms(text: str) -> set[str]:
    """What ``text`` is about: folded syllables (no numbers, no stop words) and their bigrams."""
    toks = [t for t in tokens(text) if not t[0].isdigit() and t not in STOPWORDS]
    return set(with_bigrams(toks))


# "may" typed without accents before a counting word is "mấy" (how many), not "máy" (machine).
_COUNTED = {"lan": "lần", "ngay": "ngày", "thang": "tháng", "nam": "năm", "tuan": "tuần", "gio": "giờ",
            "nguoi": "người", "ho": "hộ", "xa": "xã", "du an": "dự án", "chi tieu": "chỉ tiêu", "loai": "loại",
            "muc": "", "cap": "cấp", "khoan": "khoản", "dieu": "điều", "truong": "trường",
            "doanh nghiep": "doanh nghiệp", "phuong": "phường", "thanh vien": "thành viên",
            "tham phan": "thẩm phán"}  # "muc": mục or mức, left to the restorer
_MAY_COUNTING = re.compile(rf"\b([mM])ay ({'|'.join(_COUNTED)})\b")


def fold_question(question: str) -> str:
    """Fold a question, keeping apart the question words that folding would confuse.

    "mức" (level) and "mục" (item) fold alike, as do "mấy" (how many), "máy" (machine) and
    "mây" (cloud): typed with accents they are told apart ("muc bao", "mayq"); typed
    without, "may" counts as "how many" only before a counting word.
    """
    text = re.sub(r"\bmức\b", "muc bao", question, flags=re.IGNORECASE)
    text = re.sub(r"\bmấy\b", "mayq", text, flags=re.IGNORECASE)
    folded = fold(text).strip()
    if not has_diacritics(question):
        folded = _MAY_COUNTING.sub(r"mayq \2", folded)
    return folded


def mark_question_words(typed: str) -> str:
    """``typed`` (without accents) with "mấy" and the noun it counts accented, for the accent restorer.

    The corpus says "máy" far more often than "mấy": "thoi han may nam" is "thời hạn mấy năm".
    """
    def marked(m: re.Match[str]) -> str:
        return f"{'Mấy' if m.group(1) == 'M' else 'mấy'} {_COUNTED[m.group(2)] or m.group(2)}"
    return _MAY_COUNTING.sub(marked, typed)


def is_stopword(word: str, accented: bool) -> bool:
    """Whether ``word`` is a question or function word; with ``accented`` text, judged as written."""
    return word.lower() in STOPWORDS_ACCENTED if accented else fold(word) in STOPWORDS


def content_words(text: str) -> list[str]:
    """The folded words that say what ``text`` is about: no numbers, years, "năm" or stop words."""
    accented = has_diacritics(text)
    words = re.findall(r"[^\W\d_]+", text)
    return [fold(w) for w in words if not is_stopword(w, accented) and fold(w) != "nam"]


def segment_words(text: str) -> list[str]:
    """Vietnamese word segmentation with pyvi ("Hà Nội" → "Hà_Nội"), folded."""
    from pyvi import ViTokenizer

    return [fold(w) for w in ViTokenizer.tokenize(text).split() if any(c.isalnum() for c in w)]


# Not after a digit ("1. Tăng trưởng", "6.5"), except a year closing a sentence ("đến năm 2050. Tập trung …").
_YEAR_END = r"(?<=\d{4})\.\s+(?=[^\W\d_])"
_SENTENCE_END = re.compile(rf"(?<!\d)[.!?](?!\d)\s+|{_YEAR_END}|\n+")
# A "." ends a clause only before white space: "BCH T.Ư Đảng", "TP.HCM" are one word.
_CLAUSE_END = re.compile(rf"(?<!\d)(?:[.!?](?=\s|$)|;)\s*|{_YEAR_END}|\n+")


def segments(text: str, clauses: bool = False) -> list[tuple[int, int]]:
    """Sentence spans of a passage (split at ``.``/``!``/``?`` and line breaks).

    With ``clauses`` also at ``;``: Vietnamese plans list one indicator per clause
    ("GRDP tăng 6,5-7%; vốn đầu tư tăng 10,5-11,5%; …"). An ellipsis before a lower-case word
    ends nothing. A final ``.``/``!``/``?`` stays with its sentence; spans are trimmed of
    surrounding white space.
    """
    pattern = _CLAUSE_END if clauses else _SENTENCE_END
    spans, start = [], 0
    for m in pattern.finditer(text):
        if text[max(0, m.start() - 2):m.start() + 1] == "..." and text[m.end():m.end() + 1].islower():
            continue  # "quy hoạch... ra khỏi nội thành": an ellipsis before a lower-case word ends nothing
        end = m.start() + (1 if text[m.start():m.start() + 1] in ".!?" else 0)
        spans.append((start, end))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        piece = text[a:b]
        if piece.strip():
            a += len(piece) - len(piece.lstrip())
            b -= len(piece) - len(piece.rstrip())
            out.append((a, b))
    return out
