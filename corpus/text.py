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


def segment_words(text: str) -> list[str]:
    """Vietnamese word segmentation with pyvi ("Hà Nội" → "Hà_Nội"), folded."""
    from pyvi import ViTokenizer

    return [fold(w) for w in ViTokenizer.tokenize(text).split() if any(c.isalnum() for c in w)]
