"""Where a question's words occur in a passage (for highlighting), found on folded text."""

from __future__ import annotations

from corpus.text import iter_tokens
from qa.query import Query

# Very common syllables that would light up every passage.
_STOP = {"va", "cua", "cac", "la", "co", "cho", "trong", "voi", "nhu", "the", "nao", "gi",
         "bao", "nhieu", "of", "is", "what", "how", "a", "an", "to", "in", "ve", "duoc"}


def match_spans(text: str, query: Query) -> list[tuple[int, int]]:
    """Merged ``(start, end)`` spans of ``text`` whose tokens appear in the query."""
    wanted = {t for t, _, _ in iter_tokens(query.expanded)} - _STOP
    spans: list[tuple[int, int]] = []
    for tok, start, end in iter_tokens(text):
        if tok in wanted:
            if spans and start - spans[-1][1] <= 1:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    return spans
