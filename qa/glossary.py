"""English → Vietnamese terms, so that an English question is also matched on the documents' words.

The multilingual e5 model reads English, but keyword search (BM25), term coverage and the choice of
a figure among figures ("domestic" tourists, not "quốc tế") work on the documents' own words. An
English question gets the Vietnamese wording of its terms added to its expansion, the way an
abbreviation gets its long form. The glossary (``en_vi.tsv``: ``english<TAB>việt[|việt…]``) holds
general administrative and legal vocabulary, written without sight of the eval questions.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

GLOSSARY_PATH = Path(__file__).with_name("en_vi.tsv")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


@dataclass(frozen=True)
class Glossary:
    """English phrases (as word tuples) and their Vietnamese renderings."""

    entries: dict[tuple[str, ...], tuple[str, ...]]
    longest: int

    @classmethod
    def parse(cls, lines: list[str]) -> Glossary:
        """Entries from ``english<TAB>việt[|việt…]`` lines ("#" starts a comment)."""
        entries: dict[tuple[str, ...], tuple[str, ...]] = {}
        for line in lines:
            english, _, vietnamese = line.partition("\t")
            key = tuple(_words(english))
            found = tuple(unicodedata.normalize("NFC", v.strip()) for v in vietnamese.split("|") if v.strip())
            if key and found and not line.startswith("#"):
                entries[key] = tuple(dict.fromkeys(entries.get(key, ()) + found))
        return cls(entries, max(map(len, entries), default=0))

    def translate(self, text: str) -> list[str]:
        """The Vietnamese terms of ``text``'s English phrases, longest phrase first at each word."""
        words, i = _words(text), 0
        out: list[str] = []
        while i < len(words):
            for n in range(min(self.longest, len(words) - i), 0, -1):
                found = self._lookup(words[i:i + n])
                if found:
                    out.extend(found)
                    i += n
                    break
            else:
                i += 1
        return list(dict.fromkeys(out))

    def _lookup(self, words: list[str]) -> tuple[str, ...]:
        """The entry for ``words``, or for them with a plural or possessive last word made singular."""
        last = words[-1]
        for form in (last, last.removesuffix("'s"), re.sub(r"ies$", "y", last), re.sub(r"s$", "", last),
                     re.sub(r"es$", "", last)):
            found = self.entries.get((*words[:-1], form))
            if found:
                return found
        return ()


    @classmethod
    def load(cls, path: Path) -> Glossary:
        """The glossary in ``path``; an empty one (English then matched by e5 alone) if it cannot be read."""
        try:
            return cls.parse(path.read_text(encoding="utf-8").splitlines())
        except (OSError, UnicodeDecodeError) as exc:
            logging.getLogger("qa").warning("glossary %s unreadable (%s): English questions get no Vietnamese terms",
                                            path, exc)
            return cls({}, 0)


@cache
def glossary() -> Glossary:
    """The bundled glossary."""
    return Glossary.load(GLOSSARY_PATH)
