"""Restore Vietnamese diacritics in text typed without them, from the corpus's own vocabulary.

"chi tieu ho ngheo" → "chỉ tiêu hộ nghèo": each folded syllable has candidate accented
forms seen in the documents; a Viterbi pass picks the sequence with the best unigram and
bigram counts. Syllables the corpus never saw (English words, typos) are left as typed.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from corpus.text import fold

_SYLLABLE = re.compile(r"[^\W\d_]+", re.UNICODE)
_BIGRAM_WEIGHT = 3.0
# Question words rarely found in legal text, so that "bao nhieu" becomes "bao nhiêu".
_QUESTION_WORDS = ("bao nhiêu bao giờ khi nào ở đâu là gì cái gì những gì ai là ai như thế nào "
                   "thế nào mấy muốn cần phải không có không được bao lâu tại sao vì sao nào")
_MIN_KNOWN = 0.6  # restore only text that is mostly corpus vocabulary (not English)


class AccentRestorer:
    """Corpus-trained diacritic restoration for syllables."""

    def __init__(self, texts: Iterable[str]) -> None:
        """Count accented syllables and syllable bigrams in ``texts``."""
        self._uni: Counter[str] = Counter()
        self._bi: Counter[tuple[str, str]] = Counter()
        self._forms: dict[str, set[str]] = defaultdict(set)
        for text in [*texts, *[_QUESTION_WORDS] * 20]:
            sylls = [m.group().lower() for m in _SYLLABLE.finditer(text)]
            self._uni.update(sylls)
            self._bi.update(itertools.pairwise(sylls))
            for s in sylls:
                self._forms[fold(s)].add(s)

    def _candidates(self, token: str) -> list[str]:
        forms = self._forms.get(fold(token))
        return sorted(forms) if forms else [token.lower()]

    def restore(self, text: str) -> str:
        """``text`` with each syllable replaced by its most likely accented form."""
        matches = list(_SYLLABLE.finditer(text))
        known = sum(fold(m.group()) in self._forms for m in matches)
        if not matches or known < _MIN_KNOWN * len(matches):
            return text
        cands = [self._candidates(m.group()) for m in matches]
        # Viterbi over candidate forms: score = log unigram + weight · log(1 + bigram).
        best: list[dict[str, tuple[float, str | None]]] = [
            {c: (math.log(1 + self._uni[c]), None) for c in cands[0]}
        ]
        for i in range(1, len(cands)):
            column: dict[str, tuple[float, str | None]] = {}
            for c in cands[i]:
                uni = math.log(1 + self._uni[c])
                column[c] = max(
                    ((score + uni + _BIGRAM_WEIGHT * math.log(1 + self._bi[(p, c)]), p)
                     for p, (score, _) in best[-1].items()),
                    key=lambda x: x[0],
                )
            best.append(column)
        choice = max(best[-1], key=lambda c: best[-1][c][0])
        picked = [choice]
        for i in range(len(cands) - 1, 0, -1):
            prev = best[i][picked[-1]][1]
            assert prev is not None
            picked.append(prev)
        picked.reverse()
        out, last = [], 0
        for m, form in zip(matches, picked, strict=True):
            typed = m.group()
            # Keep the user's own spelling when it already has accents or the corpus lacks the word.
            keep = typed if fold(typed) != typed.lower() else _match_case(typed, form)
            out.append(text[last:m.start()] + keep)
            last = m.end()
        return "".join(out) + text[last:]


def _match_case(typed: str, form: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return form.upper()
    if typed[:1].isupper():
        return form[:1].upper() + form[1:]
    return form
