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

from corpus.text import QUESTION_WORDS, fold, has_diacritics

_SYLLABLE = re.compile(r"[^\W\d_]+", re.UNICODE)
_BIGRAM_WEIGHT = 3.0
_MIN_KNOWN = 0.6  # restore only text that is mostly corpus vocabulary (not English)


class AccentRestorer:
    """Corpus-trained diacritic restoration for syllables."""

    def __init__(self, texts: Iterable[str] = ()) -> None:
        """Count accented syllables and syllable bigrams in ``texts``."""
        self._uni: Counter[str] = Counter()
        self._bi: Counter[tuple[str, str]] = Counter()
        self._forms: dict[str, set[str]] = defaultdict(set)
        # Question words are rare in legal text: count them in, so that "bao nhieu" becomes "bao nhiêu".
        for text in [*texts, *[QUESTION_WORDS] * 20]:
            sylls = [m.group().lower() for m in _SYLLABLE.finditer(text)]
            self._uni.update(sylls)
            self._bi.update(itertools.pairwise(sylls))
        self._index_forms()

    def _index_forms(self) -> None:
        self._forms.clear()
        for s in self._uni:
            self._forms[fold(s)].add(s)

    def to_json(self) -> dict[str, dict[str, int]]:
        """The counts, to store in the index folder (no need to re-read the corpus at open)."""
        return {"uni": dict(self._uni), "bi": {f"{a} {b}": n for (a, b), n in self._bi.items()}}

    @classmethod
    def from_json(cls, data: dict[str, dict[str, int]]) -> AccentRestorer:
        """Inverse of :meth:`to_json`."""
        new = cls.__new__(cls)
        new._uni = Counter(data["uni"])
        new._bi = Counter({tuple(k.split(" ", 1)): n for k, n in data["bi"].items()})  # type: ignore[misc]
        new._forms = defaultdict(set)
        new._index_forms()
        return new

    def _candidates(self, token: str) -> list[str]:
        forms = self._forms.get(fold(token))
        if has_diacritics(token) or not forms:  # what the user accented stays as typed
            return [token.lower()]
        return sorted(forms)

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
