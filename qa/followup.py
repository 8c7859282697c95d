"""Follow-up questions in a conversation: complete an elliptical turn from the previous one.

"còn khoản 7?" after a question on khoản 6 Điều 2, "thế còn năm 2025?" after a 2024 target,
"còn khu vực nông thôn?" after the urban figure, "khoản đó nói gì thêm về giảm nghèo?".
A question that stands on its own (a question word and enough words of its own, or a full
unit reference) is never rewritten. The completed question is shown to the user
("Hiểu là: …") so a wrong guess can be seen and corrected.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from corpus.figures import YEAR
from corpus.refs import find_unit_refs
from corpus.structure import POINT_LETTERS
from corpus.text import CONTRASTS, content_words, fold, has_diacritics, is_stopword
from qa.glossary import glossary
from qa.query import is_english
from qa.types import Answer

# Folded openings and endings that mark a turn as leaning on the previous one.
_LEAD = re.compile(r"^(?:(?:the con|vay con|va con|con ve|con lai|the thi|the|vay|con(?! so\b)|va|rieng|and what about|"
                   r"what about|how about|and)\b[\s,]*)+")
_TAIL = re.compile(r"(?:\s+(?:thi sao|thi the nao|the nao|ra sao|nhi|a|vay|then))*\s*\??\s*$")
_REFERS = re.compile(r"\b(?:khoan|dieu|muc|diem|chi tieu|con so|so lieu|muc tieu|noi dung|van ban|quy dinh)\s+"
                     r"(?:do|nay|ay|tren)\b|\b(?:con so|so lieu) (?:nay|do)\b|\bno\b"
                     r"|\bthat (?:figure|clause|article)\b")
_NEXT = re.compile(r"\b(?:khoan|muc|dieu|diem|chi tieu)\s+(?:tiep theo|ke tiep|sau|tiep)\b"
                   r"|\bnext (?:clause|item|article)\b")
_ASKS = re.compile(r"\b(?:bao nhieu|bao lau|khi nao|ngay nao|o dau|la gi|ai|nao|muc nao|may|noi gi|quy dinh gi|"
                   r"the nao|co khong|khong|how|what|when|which|who|where)\b")
# A follow-up with this many words of its own names its own subject ("còn tốc độ tăng vốn đầu tư thực hiện?").
_OWN_QUESTION = 7


@dataclass(frozen=True)
class Previous:
    """What the follow-up may lean on: the previous (completed) question and the unit its answer cited."""

    question: str
    doc_id: str = ""
    path: tuple[str, ...] = ()  # citation labels of the answer's unit: ("Điều 2", "khoản 6")

    @classmethod
    def of(cls, answer: Answer) -> Previous:
        """What a follow-up to ``answer`` may lean on: its question and the unit it was drawn from."""
        question = answer.understood or answer.question
        if answer.abstained or not answer.citations:
            return cls(question)
        chunk = next((h.chunk for h in answer.citations if answer.span and h.chunk.id == answer.span.chunk_id),
                     answer.citations[0].chunk)
        return cls(question, chunk.doc_id, chunk.path)


def _strip(question: str) -> str:
    """The follow-up without its leaning words: "thế còn năm 2025?" → "năm 2025"."""
    question = question.strip()
    folded = fold(question)
    start = _LEAD.match(folded)
    a = start.end() if start else 0
    tail = _TAIL.search(folded, a)
    b = tail.start() if tail else len(question)
    return question[a:b].strip(" ,?")


def leans_on_previous(question: str) -> bool:
    """Whether ``question`` cannot be answered alone ("còn năm 2025?", "khoản đó nói gì?")."""
    folded = fold(question).strip()
    if _REFERS.search(folded) or _NEXT.search(folded):
        return True
    refs = find_unit_refs(question)
    if refs and any(len(r.parts) >= 2 or r.task for r in refs):
        return False  # "khoản 6 Điều 2": a full reference stands alone
    own = set(content_words(_strip(question)))
    asks = bool(_ASKS.search(folded))
    leaning = bool(_LEAD.match(folded)) or bool(re.search(r"thi sao|thi the nao|\bthen\b", folded))
    if leaning:  # "còn X?" leans on the previous turn unless X is a whole question of its own
        return len(own) < _OWN_QUESTION and not (asks and len(own) >= 3)
    return len(own) <= 2 and not asks and len(question.split()) <= 5


def _unit_question(prev: Previous, question: str) -> str | None:
    """"còn khoản 7?", "mục tiếp theo?", "khoản đó nói gì thêm về X?" against the previous unit."""
    folded = fold(question)
    path = list(prev.path)
    if not path:
        return None
    m = _NEXT.search(folded)
    if m:
        last = path[-1]
        word, _, number = last.partition(" ")
        if number.isdigit():
            path[-1] = f"{word} {int(number) + 1}"
        elif number in POINT_LETTERS[:-1]:
            path[-1] = f"{word} {POINT_LETTERS[POINT_LETTERS.index(number) + 1]}"
        else:
            return None
        return f"{' '.join(reversed(path))} nói về gì?"
    refs = find_unit_refs(question)
    if refs and refs[0].parts and len(refs[0].parts) == 1:
        kind_label = refs[0].path[0]
        word = kind_label.split()[0].lower()
        # "còn khoản 7" keeps the Điều of the previous unit; "còn Điều 3" replaces it.
        kept = [p for p in path if not p.lower().startswith(word)]
        outer = [p for p in kept if p.split()[0].lower() in ("điều", "phụ")]
        unit = [kind_label, *outer] if word in ("khoản", "mục", "điểm") else [kind_label]
        rest = _strip(question[:refs[0].start] + question[refs[0].end:]).strip()
        return f"{' '.join(unit)} {rest or 'nói về gì'}?".replace("  ", " ")
    if _REFERS.search(folded) and re.search(r"\b(?:khoan|dieu|muc|diem)\s+(?:do|nay|ay)\b", folded):
        here = " ".join(reversed(path))
        return re.sub(r"\b(?:[Kk]hoản|[Đđ]iều|[Mm]ục|[Đđ]iểm|khoan|dieu|muc|diem)\s+(?:đó|này|ấy|do|nay|ay)\b",
                      here, question, count=1)
    return None


def _content_runs(question: str) -> list[tuple[int, int]]:
    """Spans of runs of content words (no question words, years, punctuation)."""
    runs: list[tuple[int, int]] = []
    start = end = None
    accented = has_diacritics(question)
    for m in re.finditer(r"[^\W\d_]+(?:/[^\W\d_]+)?", question):
        if is_stopword(m.group(), accented) or fold(m.group()) == "nam":
            if start is not None:
                runs.append((start, end))  # type: ignore[arg-type]
                start = None
            continue
        if start is None:
            start = m.start()
        end = m.end()
    if start is not None:
        runs.append((start, end))  # type: ignore[arg-type]
    return runs


def _substitute(prev_q: str, phrase: str, weight: Callable[[str], float]) -> str:
    """Put ``phrase`` in place of the matching part of the previous question.

    Aligned on a head word both share ("khu vực đô thị" → "khu vực nông thôn"), then on a
    last word both share ("trường công lập đạt chuẩn" → "trường ngoài công lập đạt chuẩn").
    """
    words = phrase.split()
    head, last = fold(words[0]), fold(words[-1])
    runs = _content_runs(prev_q)
    for a, b in runs:
        found = list(re.finditer(r"[^\W\d_]+", prev_q[a:b]))
        heads = [m for m in found if fold(m.group()) == head]
        if heads:
            start = a + heads[0].start()
            lasts = [m for m in found if fold(m.group()) == last and a + m.start() >= start]
            end = a + lasts[-1].end() if lasts and len(words) > 1 else b
            return prev_q[:start] + phrase + prev_q[end:]
        lasts = [m for m in found if fold(m.group()) == last]
        if lasts and len(words) > 1:
            end = a + lasts[-1].end()
            capitals = [m for m in found if m.group()[:1].isupper() and a + m.start() < end]
            start = a + capitals[-1].start() if capitals else max(a, end - len(phrase))
            return prev_q[:start] + phrase + prev_q[end:]
    if not runs:
        return f"{prev_q} {phrase}"
    # No shared word: replace the most specific run ("GRDP", not "phấn đấu tăng").
    a, b = max(runs, key=lambda r: max(weight(w) for w in content_words(prev_q[r[0]:r[1]]) or [""]))
    run_words = list(re.finditer(r"\S+", prev_q[a:b]))
    keep = max(0, len(run_words) - max(1, len(words) - 1))
    cut = a + run_words[keep].start() if keep < len(run_words) else b
    return prev_q[:cut] + phrase + prev_q[b:]


def _swapped(prev_q: str, phrase: str) -> str:
    """``prev_q`` with its word for one side of a contrast replaced by the phrase's word for the other.

    "What is the target for the urban unemployment rate?" + "rural areas" → "… the rural unemployment
    rate?": the sides are told by the glossary's Vietnamese ("thành thị" / "nông thôn"). "" if none.
    """
    def sides(word: str) -> set[str]:
        return {fold(t).lower() for t in glossary().translate(word)}

    olds = [(old, sides(old.group())) for old in re.finditer(r"[A-Za-z]+", prev_q)]
    for new in re.finditer(r"[A-Za-z]+", phrase):
        said = sides(new.group())
        for old, other in olds:
            if any((one in said and two in other and one not in other) for a, b in CONTRASTS
                   for one, two in ((a, b), (b, a))):
                return f"{prev_q[:old.start()]}{new.group()}{prev_q[old.end():]}"
    return ""


def complete(question: str, previous: Previous | None, weight: Callable[[str], float] = len) -> str | None:
    """The question ``question`` stands for after ``previous``; None when it stands on its own.

    ``weight`` tells how specific a folded word is (the index's IDF); by default its length.
    """
    if previous is None or not leans_on_previous(question):
        return None
    unit = _unit_question(previous, question)
    if unit is not None:
        return unit
    prev_q = previous.question.strip()
    folded = fold(question)
    if re.search(r"\b(?:con so|so lieu|chi tieu|muc tieu) (?:do|nay)\b|\bno\b", folded):
        what = re.sub(r"\b(?:là bao nhiêu|bao nhiêu|là gì|như thế nào|thế nào|ra sao)\b|\?", "", prev_q).strip()
        rest = _strip(re.sub(r"\b(?:con số|số liệu|chỉ tiêu|mục tiêu|con so|so lieu|chi tieu|muc tieu)\s+"
                             r"(?:đó|này|do|nay)\b|\bnó\b|\bno\b", "", question, flags=re.IGNORECASE))
        return f"{what} {rest}?".replace(" ?", "?")
    phrase = _strip(question)
    if not phrase:
        return None
    years = YEAR.findall(phrase)
    if years and not content_words(phrase):  # "thế còn năm 2025?"
        return YEAR.sub(years[0], prev_q, count=1) if YEAR.search(prev_q) else f"{prev_q.rstrip('?')} năm {years[0]}?"
    if is_english(question) or is_english(prev_q):
        return _swapped(prev_q, phrase) or f"{prev_q.rstrip('?')} — {phrase}?"
    return _substitute(prev_q, phrase, weight)
