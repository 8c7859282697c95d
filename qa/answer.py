"""Extractive answers: the figure or phrase, where it is written, and the sentence quoted.

Nothing is generated: every figure in an answer is copied from a cited passage. When the
best evidence is too weak, the answer says the documents do not cover the question and
lists the closest passages instead.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from corpus.chunker import Chunk
from corpus.text import fold, lexical_terms, tokens, with_bigrams
from qa.query import Query
from qa.retrieve import clause_rows
from qa.targets import FIGURE, YEAR, Target, link_restatements, parse_targets
from qa.types import Answer, Hit, Span

if TYPE_CHECKING:
    from qa.assistant import Assistant

# Question words and fillers: they say what is asked, not what it is about.
_QUESTION_WORDS = set(
    "bao nhieu gi nao la the ai dau khi co khong duoc nhu ra sao nhung cac cua va "
    "what which how many much is are the of in to for a an by does do".split()
)
_WANTS_NUMBER = re.compile(
    r"\b(bao nhieu|may|ty le|so luong|muc nao|bao lau|how many|how much|what percent|"
    r"what share|what proportion|what rate)\b")
_SIGNER = re.compile(r"\b(ai|nguoi) (da )?ky\b|\bwho signed\b|\bsigned by\b|\bsigner\b")
_CLAUSE_WORDS = re.compile(r"\b(khoan|dieu|muc|phu luc|nhiem vu|chi tieu|so|thu|noi|ve|quy dinh|noi dung|"
                           r"de cap|van de|gi|the nao|nhung|what|does|say|about)\b")
_DEFINE = re.compile(r"(?P<abbr>\b[A-ZĐ][A-ZĐ&\-]{1,10}\b)\s+(?:là|la|nghĩa là|nghia la|có nghĩa|co nghia|"
                     r"được giải thích|duoc giai thich|viết tắt|viet tat|là chỉ số|la chi so|"
                     r"trong nghị quyết|trong nghi quyet)")
_SENTENCE = re.compile(r"(?<!\d)[.!?](?!\d)\s+|\n+")
# Calibrated on eval/data/qa.jsonl (see README): below this weighted term coverage the best
# sentence does not answer the question.
MIN_COVERAGE = 0.40
# When term coverage is this low everywhere (English, loose paraphrase), sentences are
# re-ranked by the dense model instead.
DENSE_FALLBACK_BELOW = 0.25
MIN_DENSE_SENTENCE = 0.78
_CACHE_LIMIT = 50_000  # sentences whose terms / vectors are kept between questions


@dataclass(frozen=True)
class _Sentence:
    hit: Hit
    start: int
    end: int
    coverage: float
    dense: float | None = None  # cosine, when picked by the dense fallback

    @property
    def text(self) -> str:
        return self.hit.chunk.text[self.start:self.end]


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a passage (split at ``.``/``!``/``?`` and line breaks)."""
    spans, start = [], 0
    for m in _SENTENCE.finditer(text):
        if text[start:m.start()].strip():
            spans.append((start, m.start() + (1 if text[m.start()] in ".!?" else 0)))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def definition_in(text: str, abbr: str) -> tuple[int, int, str] | None:
    """Where ``text`` defines ``abbr``: "long form (ABBR)" or "ABBR (long form)".

    Returns the span of the whole definition and the long form.
    """
    m = re.search(rf"\(\s*{re.escape(abbr)}\s*\)", text)
    if m:
        head = text[:m.start()].rstrip()
        cut = max(head.rfind(ch) for ch in ",;.:\n(") + 1
        words = head[cut:].split()[-12:]
        phrase = " ".join(words)
        if phrase:
            start = head.rfind(words[0], cut)
            return start, m.end(), phrase
    m = re.search(rf"\b{re.escape(abbr)}\s*\(([^()]{{3,160}})\)", text)
    if m:
        return m.start(), m.end(), m.group(1).strip()
    return None


def figures(text: str) -> list[re.Match[str]]:
    """Figures in ``text``, leaving out dates, document numbers and bare years."""
    out = []
    for m in FIGURE.finditer(text):
        if not m.group("val"):
            continue
        before, after = text[max(0, m.start() - 4):m.start()], text[m.end():m.end() + 1]
        if after == "/" or before.endswith("/") or "/" in m.group("val"):
            continue
        if not m.group("unit") and YEAR.fullmatch(m.group("val").strip()):
            continue
        if re.match(r"\d+\.\s", text[m.start():m.start() + 6]) and (m.start() == 0 or text[m.start() - 1] == "\n"):
            continue  # the number of a khoản/mục ("9. Quyết liệt …"), not a figure
        out.append(m)
    return out


class Answerer:
    """Precomputes term weights and the structured targets of an index."""

    def __init__(self, assistant: Assistant) -> None:
        """Build IDF weights, appendix targets and their restatements for ``assistant``'s index."""
        self._assistant = assistant
        chunks = assistant.index.chunks
        df: Counter[str] = Counter()
        for c in chunks:
            df.update(set(lexical_terms(c.indexed_text)))
        n = len(chunks)
        self.idf = {t: math.log(1 + n / (1 + k)) for t, k in df.items()}
        self._max_idf = math.log(1 + n)
        self.targets: list[Target] = link_restatements(
            parse_targets(chunks), chunks, self.idf, assistant.abbreviations.expand)
        self._target_by_chunk = {t.chunk_id: t for t in self.targets}
        self._chunk_by_id = {c.id: c for c in chunks}
        self._terms_cache: dict[str, frozenset[str]] = {}
        self._vec_cache: dict[str, np.ndarray] = {}

    def clear_caches(self) -> None:
        """Forget sentence terms and vectors computed for earlier questions."""
        self._terms_cache.clear()
        self._vec_cache.clear()

    # --- scoring -------------------------------------------------------------------------
    def _query_terms(self, query: Query) -> set[str]:
        toks = [t for t in tokens(query.text) if t not in _QUESTION_WORDS]
        return set(with_bigrams(toks))

    def _terms_of(self, text: str) -> frozenset[str]:
        """Terms of a passage sentence plus its abbreviation expansions (cached: passages repeat)."""
        terms = self._terms_cache.get(text)
        if terms is None:
            terms = frozenset(lexical_terms(" ".join([text, *self._assistant.abbreviations.expand(text)])))
            if len(self._terms_cache) > _CACHE_LIMIT:
                self._terms_cache.clear()
            self._terms_cache[text] = terms
        return terms

    def _coverage(self, want: set[str], text: str) -> float:
        if not want:
            return 0.0
        have = self._terms_of(text)
        weight = {w: self.idf.get(w, self._max_idf) for w in want}
        return sum(v for w, v in weight.items() if w in have) / sum(weight.values())

    def _best_sentence(self, query: Query, hits: list[Hit]) -> _Sentence | None:
        want = self._query_terms(query)
        cands: list[_Sentence] = []
        for hit in hits[:3]:
            context = hit.chunk.context
            for a, b in sentences(hit.chunk.text):
                if len(re.findall(r"\w+", hit.chunk.text[a:b])) < 3:
                    continue
                # A sentence inherits its unit's heading: "hộ nghèo" under "Phụ lục, chỉ tiêu".
                cov = self._coverage(want, context + " " + hit.chunk.text[a:b])
                cands.append(_Sentence(hit, a, b, cov))
        if not cands:
            return None
        wants_number = bool(_WANTS_NUMBER.search(query.folded))

        def score(s: _Sentence) -> float:
            bonus = 0.1 if wants_number and figures(s.text) else 0.0
            return s.coverage + bonus - 0.03 * (s.hit.rank - 1)

        best = max(cands, key=score)
        if best.coverage < DENSE_FALLBACK_BELOW:
            best = self._dense_pick(query, cands) or best
        return best

    def _dense_pick(self, query: Query, cands: list[_Sentence]) -> _Sentence | None:
        """For English or loosely worded questions: the sentence closest in meaning."""
        emb = self._assistant.embedder
        q = emb.embed_queries([query.for_dense])[0]
        missing = list(dict.fromkeys(c.text for c in cands if c.text not in self._vec_cache))
        if missing:  # passages repeat across questions: each sentence is embedded once
            if len(self._vec_cache) > _CACHE_LIMIT:
                self._vec_cache.clear()
            self._vec_cache.update(zip(missing, emb.embed_passages(missing), strict=True))
        vecs = np.stack([self._vec_cache[c.text] for c in cands])
        sims = vecs @ q
        i = int(np.argmax(sims))
        c = cands[i]
        return _Sentence(c.hit, c.start, c.end, max(c.coverage, MIN_COVERAGE), float(sims[i]))

    # --- answering -----------------------------------------------------------------------
    def answer(self, question: str) -> Answer:
        """Answer ``question`` from the index, or abstain with the closest passages."""
        result = self._assistant.search(question, top_k=5)
        query, hits = result.query, result.hits
        if not hits:
            return self._abstain(query, hits)
        if query.clause_ref:
            rows = clause_rows(self._assistant.index, query.clause_ref)
            if not rows:
                return self._abstain(query, hits, f"Nghị quyết không có {query.clause_ref.label}.")
            if self._asks_only_about_clause(query):
                return self._clause_answer(query, hits)
        definition = self._definition_answer(query, hits)
        if definition is not None:
            return definition
        if _SIGNER.search(query.folded):
            signed = self._signer_answer(query, hits)
            if signed is not None:
                return signed
        best = self._best_sentence(query, hits)
        if best is None or best.coverage < MIN_COVERAGE or self._foreign_year(query, best) or (
                best.dense is not None and best.dense < MIN_DENSE_SENTENCE):
            return self._abstain(query, hits)
        if _WANTS_NUMBER.search(query.folded) and not figures(best.text) \
                and best.hit.chunk.id not in self._target_by_chunk:
            return self._abstain(query, hits)
        target = self._target_by_chunk.get(best.hit.chunk.id)
        if target is not None:
            return self._target_answer(query, hits, best, target)
        return self._sentence_answer(query, hits, best)

    def _asks_only_about_clause(self, query: Query) -> bool:
        """"khoản 6 Điều 2 nói gì" (show the unit) vs "GRDP ghi ở Điều 1 là bao nhiêu" (a fact in it)."""
        rest = _CLAUSE_WORDS.sub(" ", query.folded)
        return len([t for t in tokens(rest) if t not in _QUESTION_WORDS and not t[0].isdigit()]) <= 1

    def _definition_answer(self, query: Query, hits: list[Hit]) -> Answer | None:
        """"ATTP là viết tắt của gì", "JCI là gì": the definition written beside it in the text."""
        m = _DEFINE.search(query.text)
        if not m:
            return None
        abbr = m.group("abbr")
        for chunk in self._assistant.index.chunks:
            found = definition_in(chunk.text, abbr)
            if found:
                a, b, phrase = found
                text = f"{abbr}: {phrase} — theo {chunk.citation}: “{chunk.text[a:b]}”"
                return Answer(query.text, text, False, _lead_with(chunk, hits), phrase, Span(chunk.id, a, b))
        return None

    def _signer_answer(self, query: Query, hits: list[Hit]) -> Answer | None:
        """Who signed: the signer named in the document's metadata, cited where the text says it."""
        index = self._assistant.index
        for doc in index.documents.values():
            name = doc.metadata.get("nguoi_ky", "")
            chunk = next((c for c in index.chunks if c.doc_id == doc.doc_id and name and name in c.text
                          and c.path[0] == "Phần kết"), None)
            if chunk is None:
                continue
            pos = chunk.text.find(name)
            role = doc.metadata.get("chuc_vu_nguoi_ky", "")
            text = f"{name}{f' ({role})' if role else ''} — ký {doc.title}, theo {chunk.citation}."
            return Answer(query.text, text, False, _lead_with(chunk, hits), name,
                          Span(chunk.id, pos, pos + len(name)))
        return None

    def _foreign_year(self, query: Query, best: _Sentence) -> bool:
        """A year asked about that the cited unit never mentions (e.g. 2025 for a 2024 plan)."""
        years = set(YEAR.findall(query.text))
        seen = set(YEAR.findall(best.hit.chunk.indexed_text))
        return bool(years) and not years & seen

    def _figure_in(self, query: Query, text: str) -> re.Match[str] | None:
        """The figure in ``text`` nearest to the question's words."""
        figs = figures(text)
        if not figs:
            return None
        want = {t for t in tokens(query.expanded) if t not in _QUESTION_WORDS}
        folded = fold(text)
        anchors = [m.start() for m in re.finditer(r"\w+", folded) if m.group() in want]
        if not anchors:
            return figs[0]
        # Figures usually follow their indicator ("… đạt 74,2%"), so prefer the first
        # figure after a matched word, then the nearest one.
        return min(figs, key=lambda f: min((f.start() - a if f.start() >= a else 3 * (a - f.start()))
                                           for a in anchors))

    def _sentence_answer(self, query: Query, hits: list[Hit], best: _Sentence) -> Answer:
        chunk = best.hit.chunk
        fig = self._figure_in(query, best.text)
        if fig is not None:
            figure = fig.group().strip()
            a = best.start + fig.start() + (len(fig.group()) - len(fig.group().lstrip()))
            span = Span(chunk.id, a, a + len(figure))
        else:
            figure, span = "", Span(chunk.id, best.start, best.end)
        sentence = best.text.strip()
        lead = f"{figure} — " if figure else ""
        text = f"{lead}theo {chunk.citation}: “{sentence}”"
        notes, extra = self._restatement_notes(chunk, best)
        return Answer(query.text, text, False, _with(hits, extra), figure, span, None, notes)

    def _target_answer(self, query: Query, hits: list[Hit], best: _Sentence, target: Target) -> Answer:
        chunk = best.hit.chunk
        value = target.values[0] if target.values else None
        if value is not None and len(target.values) > 1:
            want = self._query_terms(query)
            value = max(target.values, key=lambda v: self._coverage(want, v.label or target.indicator))
        figure = value.text if value else ""
        pos = chunk.text.find(figure) if figure else -1
        span = Span(chunk.id, pos, pos + len(figure)) if pos >= 0 else Span(chunk.id, best.start, best.end)
        text = f"{figure} — theo {chunk.citation}: “{chunk.text.strip()}”" if figure else \
            f"Theo {chunk.citation}: “{chunk.text.strip()}”"
        notes, extra = self._differences(target)
        return Answer(query.text, text, False, _with(hits, extra), figure, span, target.to_json(), notes)

    def _differences(self, target: Target) -> tuple[list[str], list[Chunk]]:
        """Notes for body statements whose figure differs from the appendix row."""
        differ = [r for r in target.restated if r["differs"]]
        if not differ:
            return [], []
        where = "; ".join(f"{r['citation']} ghi “{r['figure']}” (“{r['text']}”)" for r in differ)
        note = (f"Lưu ý: con số không thống nhất giữa các phần của văn bản — {target.citation} ghi "
                f"“{target.value_text}”, còn {where}.")
        by_id = self._chunk_by_id
        return [note], [by_id[r["chunk_id"]] for r in differ if r["chunk_id"] in by_id]

    def _restatement_notes(self, chunk: Chunk, best: _Sentence) -> tuple[list[str], list[Chunk]]:
        """When the quoted body sentence restates an appendix target with another figure."""
        for t in self.targets:
            for r in t.restated:
                if r["chunk_id"] == chunk.id and r["differs"] and r["text"] in best.text:
                    notes, _ = self._differences(t)
                    return notes, [self._chunk_by_id[t.chunk_id]]
        return [], []

    def _clause_answer(self, query: Query, hits: list[Hit]) -> Answer:
        chunk = hits[0].chunk
        heading = re.sub(r"^(Điều\s+\d+|\d+)\.\s*", "", chunk.heading).strip()
        pos = chunk.text.find(heading)
        span = Span(chunk.id, pos, pos + len(heading)) if pos >= 0 else None
        text = f"{chunk.section}: {heading} — theo {chunk.citation}."
        return Answer(query.text, text, False, hits, heading, span)

    def _abstain(self, query: Query, hits: list[Hit], reason: str | None = None) -> Answer:
        text = reason or f"Nghị quyết không đề cập nội dung này (“{query.text}”)."
        text += " Các đoạn gần nhất được liệt kê dưới đây, có thể liên quan." if hits else ""
        return Answer(query.text, text, True, hits)


def _lead_with(chunk: Chunk, hits: list[Hit], keep: int = 5) -> list[Hit]:
    """``chunk`` cited first (it holds the answer), then the other hits, ranks renumbered."""
    scores = {h.chunk.id: h.score for h in hits}
    ordered = [chunk, *(h.chunk for h in hits if h.chunk.id != chunk.id)][:keep]
    return [Hit(rank, scores.get(c.id, 0.0), c) for rank, c in enumerate(ordered, 1)]


def _with(hits: list[Hit], extra: list[Chunk]) -> list[Hit]:
    """Hits plus extra cited chunks (ranked after them) that are not already there."""
    have = {h.chunk.id for h in hits}
    out = list(hits)
    for c in extra:
        if c.id not in have:
            out.append(Hit(len(out) + 1, 0.0, c))
            have.add(c.id)
    return out
