"""Where a question's words occur in a passage (for highlighting): whole words and phrases only.

Vietnamese words are mostly two syllables, so a syllable alone says little: "tế" of "quốc tế"
is not "y tế", and the "Y" of "Y học" is not either. A passage syllable is marked only as part
of a run whose adjacent pairs are adjacent in the question ("bảo hiểm y tế"), or when it is a
number or an abbreviation written in capitals ("BHYT", "GRDP") that the question contains.
"""

from __future__ import annotations

import itertools
import re

from corpus.text import STOPWORDS, fold, iter_tokens
from qa.query import Query


def _pairs(text: str) -> set[tuple[str, str]]:
    toks = [t for t, _, _ in iter_tokens(text)]
    return {(a, b) for a, b in itertools.pairwise(toks) if a not in STOPWORDS or b not in STOPWORDS}


def match_spans(text: str, query: Query) -> list[tuple[int, int]]:
    """Merged ``(start, end)`` spans of whole matched words and phrases of ``query`` in ``text``."""
    pairs = _pairs(query.expanded)
    singles = {t for t, _, _ in iter_tokens(query.expanded) if t[0].isdigit()}
    singles |= {fold(w) for w in re.findall(r"\b[A-ZĐ]{2,}\b", query.expanded)}
    toks = list(iter_tokens(text))
    marked = [False] * len(toks)
    for i, ((a, _, a_end), (b, b_start, _)) in enumerate(itertools.pairwise(toks)):
        if (a, b) in pairs and not text[a_end:b_start].strip():
            marked[i] = marked[i + 1] = True
    for i, (tok, start, end) in enumerate(toks):
        if tok in singles and (tok[0].isdigit() or text[start:end].isupper()):
            marked[i] = True
    spans: list[tuple[int, int]] = []
    for (_, start, end), on in zip(toks, marked, strict=True):
        if not on:
            continue
        if spans and not text[spans[-1][1]:start].strip():
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans
