"""Extractive answers: the short answer the question asks for, where it is written, the sentence quoted.

Nothing is generated: every figure in an answer is copied from a cited passage. The
segment is chosen, and the answer refused, by one learned score (:mod:`qa.scoring`); what
is taken from the segment depends on the question's answer type (:mod:`qa.extract`).
Two-part questions are answered part by part (:mod:`qa.parts`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from corpus.abbrev import definition_in
from corpus.chunker import Chunk, unit_title
from corpus.figures import KNOWN_UNITS, TIME_UNITS, asked_units, asks_count, asks_rate, figures, is_money, unit_agrees
from corpus.relations import relations_for
from corpus.structure import UnitKind, citation_path
from corpus.targets import Target, TargetValue
from corpus.text import CONTRASTS, content_terms, fold, has_diacritics, is_stopword
from index.store import Index
from qa.extract import (
    Extract,
    body,
    enumeration,
    extract,
    inline_list,
    listed_after,
    names_a_body_for_a_person,
    names_end,
    people_counted,
    relative_time,
    titled_body,
    yes_no,
)
from qa.glossary import glossary
from qa.locate import Located, Locator, covered_years, plan_year
from qa.parts import split_question
from qa.query import AnswerType, Query, is_english
from qa.scoring import FEATURES, GATE_FEATURES, AnswerModel, Candidate, Featurizer, gate_features, unknown_name
from qa.types import Answer, AnswerPart, Hit, Span

_SIGNER = re.compile(r"\b(ai|nguoi) (da )?ky\b|\bwho signed\b|\bsigned by\b|\bsigner\b")
# "X là gì" (after a leading "Theo …,"): X, the term a definition question asks about.
_DEFINED_SUBJECT = re.compile(r"^(?:(?:theo|trong) [^,]+,\s*)?(?P<subject>[^,?]+?)\s+(?:la gi|nghia la gi|"
                              r"co nghia la gi|duoc hieu la gi|duoc hieu nhu the nao|la nhu the nao)\b")
# A word written in capitals: the abbreviation a definition question asks about ("KTXH", "PAR-Index").
_ABBREVIATION = re.compile(r"(?<![\w-])[A-ZĐ][A-ZĐ&]+(?:-[A-Za-zĐ]+)?(?![\w-])")
# Answer types whose short answer must be found in the passage (else try the next passage).
_NEEDS_EXTRACT = (AnswerType.QUANTITY, AnswerType.DURATION, AnswerType.DATE, AnswerType.WHO)

Retrieve = Callable[[Query, int], list[Hit]]
_UNIT_MATCH = FEATURES.index("unit_match")
_UNKNOWN_NAME = GATE_FEATURES.index("unknown_name")
# "ở mục nào", "which article": the kind of unit a where-question wants named.
_KIND_WORDS = {"dieu": {UnitKind.ARTICLE}, "article": {UnitKind.ARTICLE}, "khoan": {UnitKind.CLAUSE},
               "clause": {UnitKind.CLAUSE}, "diem": {UnitKind.POINT}, "point": {UnitKind.POINT},
               "muc": {UnitKind.SECTION, UnitKind.ITEM}, "item": {UnitKind.ITEM}, "section": {UnitKind.SECTION},
               "chuong": {UnitKind.CHAPTER}, "chapter": {UnitKind.CHAPTER}}
_ASKED_KIND = re.compile(rf"\b({'|'.join(_KIND_WORDS)}) nao\b|\bwhich ({'|'.join(_KIND_WORDS)})\b")
# A question about a sum of money ("tổng vốn đầu tư … là bao nhiêu", "tổng chi ngân sách") that
# names no rate is answered only by a sum of money: not by another indicator's growth or share
# ("vốn đầu tư tăng 10%"), nor by a count ("24 chỉ tiêu"). A count ("số doanh nghiệp …", "how
# many") is not answered by a rate or a sum of money either.
# Units of time and frequency: what they measure is never a count of things.
_NO_COUNT = frozenset((*TIME_UNITS, "lan"))
_MONEY_ASKED = re.compile(r"\b(?:tong (?:von|muc|kinh phi|chi phi|gia tri|chi|thu)|kinh phi|ngan sach|so tien|"
                          r"bao nhieu tien|phat tien|tien phat|total (?:cost|investment|amount|budget|capital)|"
                          r"how much money|how much [\w ]{0,40}\bfined?)\b")
# A later candidate is looked at only if at least this share as probable as the best (train
# split, share 0 / 0.05 / 0.1 / 0.2: accuracy 0.818 / 0.829 / 0.829 / 0.829, wrong refusals 0.013 /
# 0.013 / 0.020 / 0.020, unanswerable refused 0.531 / 0.594 / 0.594 / 0.594).
_FALLBACK_SHARE = 0.05
# ... and at least this share once a more probable one was turned down as answering another thing (its
# year, unit or measure): the documents' best match is then a neighbour, and so is what follows it (train
# split, 0.05 / 0.25 / 0.5: resolution 0.878 / 0.882 / 0.886, laws 0.794 / 0.794 / 0.784).
_VETOED_SHARE = 0.25
_MAX_ITEMS = 40  # units read after a list's lead-in
_TRIED = 3  # most probable candidates looked at for the short answer the question wants


class Refusal:
    """Why an answer was refused (``Answer.refusal``)."""

    GATE = "not_in_documents"  # the calibrated score says the documents do not answer
    UNKNOWN_NAME = "unknown_name"  # the question names something the corpus never mentions
    YEAR = "other_year"  # the passages speak of another year than asked
    UNIT = "other_unit"  # their figures are in another unit than asked
    NOT_STATED = "not_stated"  # the passages hold no answer of the kind asked (no figure, date, body…)
    NO_UNIT = "no_such_unit"  # the Điều/khoản asked for does not exist


@dataclass(frozen=True)
class Scored:
    """Everything the answerer computed for one question before deciding."""

    hits: list[Hit]
    candidates: list[Candidate]
    probs: np.ndarray  # per candidate: P(answers the question)
    gate: np.ndarray  # the question's gate features
    answerable: float  # P(the documents answer the question)


@dataclass(frozen=True)
class _Pick:
    """The chosen candidate and what was taken from it.

    ``items``: the passages of a list's items; ``title``: the article title the answer was read from.
    """

    cand: Candidate
    prob: float
    extract: Extract | None
    target: Target | None
    items: tuple[Chunk, ...] = ()
    title: str = ""


class Answerer:
    """Answers from one index, given how to retrieve passages and embed a question."""

    def __init__(self, index: Index, locator: Locator, retrieve: Retrieve,
                 query_vector: Callable[[Query], np.ndarray], known_share: Callable[[Query], float],
                 year_of: Callable[[str], str | None], model: AnswerModel | None = None,
                 prefetch: Callable[[Sequence[Query]], None] = lambda queries: None) -> None:
        """Answer over ``index``; ``retrieve(query, k)`` gives ranked passages for a question.

        ``prefetch(queries)`` may embed several questions at once before ``query_vector`` asks
        for them one by one (the parts of a two-part question).
        """
        self.index = index
        self.locator = locator
        self._retrieve = retrieve
        self._query_vector = query_vector
        self._prefetch = prefetch
        self._known = known_share
        self.model = model or AnswerModel.load()
        self.featurizer = Featurizer(index, index.derived.abbreviations.expand, year_of, self._in_unit)
        self._targets = {t.chunk_id: t for t in index.derived.targets}
        self._row = {c.id: i for i, c in enumerate(index.chunks)}

    def clear_caches(self) -> None:
        """Forget per-question caches (term sets of segments)."""
        self.featurizer.clear_caches()

    # --- candidates and their scores -------------------------------------------------------
    def _in_unit(self, query: Query, chunk: Chunk, start: int, end: int) -> bool:
        ref = query.unit_ref
        if ref is None:
            return False
        return any(loc.doc.doc_id == chunk.doc_id and loc.unit.start <= chunk.start + start
                   and chunk.start + end <= loc.unit.end for loc in self.locator.resolve(ref, query.documents))

    def scored(self, query: Query) -> Scored:
        """Passages, candidate segments, their probabilities and the gate's (the trainer uses exactly this)."""
        hits = list(self._retrieve(query, 5))
        rows = [self._row[h.chunk.id] for h in hits]
        known = self._known(query)
        cands = self.featurizer.candidates(query, hits, rows, self._query_vector(query), known)
        if query.unit_ref is not None:  # "GRDP ghi ở Điều 1 là bao nhiêu": only what that unit says
            inside = [c for c in cands if c.features[_UNIT_MATCH]]
            cands = inside or cands
        probs = self.model.probability(cands)
        gate = gate_features(np.array([c.features for c in cands]).reshape(-1, len(FEATURES)), probs, query, known,
                             unknown_name(query.text, self.index.lexical.vocabulary))
        return Scored(hits, cands, probs, gate, self.model.answerable(gate))

    # --- answering ---------------------------------------------------------------------------
    def answer(self, query: Query) -> Answer:
        """Answer an analysed question, or say the documents do not cover it (closest passages shown).

        Pieces of one split khoản are cited once, as the whole unit (the answer's span moves with them).
        """
        return merge_units(self._answer(query), self.index)

    def _answer(self, query: Query) -> Answer:
        if not query.terms and query.unit_ref is None:  # only digits or question words: nothing to look for
            return self._abstain(query, [], f"Câu hỏi chưa nêu nội dung cần tìm (“{query.text[:80]}”).",
                                 reason=Refusal.NOT_STATED)
        if query.unit_ref is not None and query.about_unit_only:
            return self._unit_answer(query)
        special = self._definition_answer(query) or self._signer_answer(query)
        if special is not None:
            return special
        split = split_question(query.text)
        if split is not None:
            multi = self._multi_answer(query, split.parts, split.certain)
            if multi is not None:
                return multi
        return self._single(query)

    def _pick(self, query: Query, taken: frozenset[tuple[str, int]] = frozenset()
              ) -> tuple[list[Hit], _Pick | None, float, str]:
        """The most probable candidate that holds what is asked, else why there is none.

        A figure in ``taken`` (chunk id, offset) answers another part of the question already.
        """
        s = self.scored(query)
        if s.gate[_UNKNOWN_NAME] and not is_english(query.text):
            return s.hits, None, s.answerable, Refusal.UNKNOWN_NAME
        if s.answerable < self.model.threshold:
            return s.hits, None, s.answerable, Refusal.GATE
        reasons = []
        best = 0.0  # probability of the best candidate not already another part's answer
        first: _Pick | None = None  # for a list question, the most probable pick, listing or not
        share = _FALLBACK_SHARE
        for i in np.argsort(-s.probs, kind="stable")[:_TRIED]:
            if s.probs[i] < share * best:
                break  # far less likely than the best: a neighbour's figure, not the answer
            reason = self._off_target(query, s.candidates[i])
            pick = None if reason else self._take(query, s.candidates[i], s.answerable)
            if pick is not None and _other_year(query, pick):
                pick, reason = None, Refusal.YEAR
            if pick is not None and self._answers_another_thing(query, pick):
                pick, reason = None, Refusal.NOT_STATED
            if reason:
                share = _VETOED_SHARE
            if pick is not None and pick.extract is not None and pick.extract.figure \
                    and (pick.cand.chunk.id, pick.extract.start) in taken:
                continue
            best = best or float(s.probs[i])
            if pick is not None and query.answer_type is AnswerType.LIST:
                # "X là …" defines X; a later "X bao gồm:" followed by its items lists them
                first = first or pick
                if pick.extract is not None and (pick is first or pick.cand.text.rstrip().endswith(":")):
                    return s.hits, pick, s.answerable, ""
                continue
            if pick is not None:
                return s.hits, pick, s.answerable, ""
            if not reason and first is None and query.answer_type is AnswerType.DATE:
                # "có hiệu lực kể từ thời điểm đăng ký": a time told by an event, when no candidate has a date
                cand = s.candidates[i]
                found = relative_time(cand.text)
                if found is not None:
                    first = _Pick(cand, s.answerable, found.shifted(cand.start), None)
            reasons.append(reason or Refusal.NOT_STATED)
        if first is not None:
            if first.extract is None:  # no candidate lists under a lead-in: the names the sentence lists or bodies
                found = listed_after(first.cand.text, query) or body(first.cand.text, query)
                if found is not None:
                    first = replace(first, extract=found.shifted(first.cand.start))
            return s.hits, first, s.answerable, ""
        return s.hits, None, s.answerable, reasons[0] if reasons else Refusal.GATE

    def _off_target(self, query: Query, cand: Candidate) -> str:
        """Why the candidate speaks of another year, or states its figures in another unit, than asked.

        "BHYT năm 2025" against a 2024 target, "bao nhiêu tỷ USD" against a growth rate in %:
        the figure of a neighbouring indicator is a refusal, not an answer. "" when on target.
        """
        chunk = cand.chunk
        if query.years:
            headings = chunk.context.split(" › ", 1)[1] if " › " in chunk.context else ""
            named = covered_years(f"{headings} {cand.text}")
            plan = plan_year(self.index.documents[chunk.doc_id])
            if (named and not set(query.years) & named) or (not named and plan and plan not in query.years):
                return Refusal.YEAR
        if query.answer_type is not AnswerType.QUANTITY:
            return ""
        found = figures(cand.text)
        asked = asked_units(query.text)
        units = asked & KNOWN_UNITS  # "bao nhiêu thầy thuốc" may be "bác sỹ": no veto
        units = units or people_counted(query)  # "bao nhiêu người" is not answered by "24 chỉ tiêu"
        if units and found and not any(unit_agrees(f, cand.text, units) for f in found):
            return Refusal.UNIT
        if found and _MONEY_ASKED.search(query.folded) and not asks_rate(query.text) \
                and not any(is_money(f) for f in found):
            return Refusal.UNIT
        if found and asks_count(query.text) and all(f.unit == "%" or is_money(f) for f in found):
            return Refusal.UNIT
        counting = asks_count(query.text) or bool(asked - KNOWN_UNITS)  # "bao nhiêu thẩm phán"
        if found and counting and not asked & _NO_COUNT and all(fold(f.unit) in _NO_COUNT for f in found):
            return Refusal.UNIT  # "how many judges" is not answered by "15 ngày" or "mỗi năm một lần"
        return ""

    def _answers_another_thing(self, query: Query, pick: _Pick) -> bool:
        """The pick answers a neighbouring question, not this one.

        Another thing's rate, the other side of a contrast, a measure an English question's terms do not
        name, a body where a person is asked, or no place where a place is asked.
        """
        return (self._other_measure(query, pick) or _contrasted(query, pick.cand.text) or _unglossed(query, pick)
                or (pick.extract is not None and names_a_body_for_a_person(query, pick.extract.short))
                or (asks_place(query) and _PLACE.search(pick.cand.text) is None))

    def _other_measure(self, query: Query, pick: _Pick) -> bool:
        """The rate picked is another thing's: "tỷ lệ hộ nghèo" asked, "tỷ lệ lao động qua đào tạo đạt 74,2%" read.

        What a figure measures is said after the last "tỷ lệ" before it in its sentence, else in its own
        clause ("GRDP tăng 6,5-7,0%"); it must share a word with what the question asks the rate of, and
        the sentence must name its first two words ("tiêm chủng" of "tỷ lệ tiêm chủng … cho trẻ em").
        An English question is read in its glossary terms ("rural unemployment rate" → "tỷ lệ thất nghiệp"),
        and what it measures must name a term of its head noun ("nước thải" of "share of rural wastewater").
        """
        found = pick.extract
        english = bool(query.glossed)
        question = " ".join(query.glossed) if english else query.text
        asked = _RATE_OF.search(fold(question).lower())
        if asked is None or found is None or not found.figure:
            return False
        before = pick.cand.chunk.text[pick.cand.start:found.start]
        heads = list(_RATE_OF.finditer(fold(before)))
        said = before[heads[-1].end():] if heads else _CLAUSE.split(before)[-1]
        said_of = _measured(" ".join([said, *self.index.derived.abbreviations.expand(said)]))
        rest = question[asked.end():]
        asked_of = _measured(rest) | (set() if english else _measured(query.expanded[len(query.text):]))
        if bool(said_of and asked_of) and not said_of & asked_of:
            return True
        if english:  # the glossary terms come in no phrase order: the English head noun is read instead
            noun = _ENGLISH_RATE_OF.search(query.text.lower())
            if noun is None:
                return False
            terms = glossary().translate(noun.group("of") or noun.group("before"))
            said_text = fold(" ".join([said, *self.index.derived.abbreviations.expand(said)])).lower()
            return bool(terms) and not _says_any(terms, said_text)
        # the head of what is asked, its first two words ("tiêm chủng" of "tỷ lệ tiêm chủng … cho trẻ em",
        # "hộ nghèo" of "tỷ lệ hộ nghèo khu vực nông thôn"), must be in the sentence
        words = re.findall(r"[^\W\d_]+", rest)
        first = next((i for i, w in enumerate(words) if _measured(w)), None)
        sentence = _measured(pick.cand.text)
        if first is None or words[first].isupper() or not sentence:
            return False
        head = [w for w in words[first:first + 2] if _measured(w) and not w.isupper()]
        return not all(_measured(w) & sentence for w in head)

    def _take(self, query: Query, cand: Candidate, prob: float) -> _Pick | None:
        """What the answer type wants from ``cand`` (None: not there, try the next candidate)."""
        kind = query.answer_type
        target = self._targets.get(cand.chunk.id)
        if target is not None and kind in (AnswerType.QUANTITY, AnswerType.FACT):
            value = self._target_value(query, target)
            pos = cand.chunk.text.find(value.text)
            if pos >= 0:
                return _Pick(cand, prob, Extract(pos, pos + len(value.text), value.text, value.text), target)
        named = (_SESSION if kind in (AnswerType.FACT, AnswerType.QUANTITY) and _SESSION_ASKED.search(query.folded)
                 else _PLACE if kind is AnswerType.FACT and asks_place(query) else None)  # "thứ mấy" counts nothing
        if named is not None:  # the session or place named, or nothing to take here
            found = _named(named, cand.text)
            return _Pick(cand, prob, found.shifted(cand.start), None) if found else None
        if kind is AnswerType.LIST:  # the sentence's own list, else the items that follow it
            found = inline_list(cand.text) or enumeration(cand.chunk.text[cand.start:]) or enumeration(cand.text)
            if found is not None:
                found = found.shifted(cand.start)
                return _Pick(cand, prob, found, None)
            items = self._items_under(cand)
            if items:  # "… các yêu cầu sau đây:" with each item its own khoản
                lines = [c.text.strip().split("\n", 1)[0].rstrip(" ;") for c in items]
                return _Pick(cand, prob, Extract(cand.start, cand.end, "; ".join(lines)), None, items)
            return _Pick(cand, prob, None, None)
        if kind is AnswerType.WHERE:
            chain = self.locator.finest(cand.chunk, cand.start, cand.end)
            asked = {k for m in _ASKED_KIND.finditer(query.folded) for w in m.groups() if w for k in _KIND_WORDS[w]}
            if asked and not {u.kind for u in chain} & asked:
                return None  # "mục nào của phụ lục": the appendix's own heading does not say which item
            where = ", ".join(citation_path(chain))
            return _Pick(cand, prob, Extract(cand.start, cand.end, where or cand.chunk.section), None)
        if kind is AnswerType.YESNO:  # the unit's title may decide: "Các hành vi bị nghiêm cấm"
            found = yes_no(cand.text, query, cand.chunk.context.partition(" › ")[2])
        elif kind is AnswerType.WHO:  # bodies may go on listing past a ";"
            found = extract(kind, cand.chunk.text[cand.start:names_end(cand.chunk.text, cand.end)], query)
        else:
            found = extract(kind, cand.text, query)
        offset = cand.start
        if found is None and kind in _FROM_LEAD_IN:  # "3. UBND cấp tỉnh cấp giấy phép … sau đây: a) Dự án …"
            lead = _lead_in(cand)
            found = extract(kind, cand.chunk.text[lead[0]:lead[1]], query) if lead else None
            offset = lead[0] if lead else offset
        if found is None and kind is AnswerType.WHO:  # an item of "Điều 38. Trách nhiệm của Bộ Nội vụ"
            title = cand.chunk.context.rpartition(" › ")[2]
            titled = titled_body(title, query)
            if titled is not None:
                return _Pick(cand, prob, replace(titled, start=cand.start, end=cand.end), None, title=title)
        if found is None:
            return None if kind in _NEEDS_EXTRACT else _Pick(cand, prob, None, None)
        return _Pick(cand, prob, found.shifted(offset), None)

    def _items_under(self, cand: Candidate) -> tuple[Chunk, ...]:
        """The passages of the units under a lead-in that ends its passage with ":", in order.

        "Chủ nuôi chó, mèo phải thực hiện các yêu cầu sau đây:" closes Điều 66's own passage;
        its four khoản are passages of their own. Pieces of one split unit count once.
        """
        chunk = cand.chunk
        if not cand.text.rstrip().endswith(":") or chunk.text[cand.end:].strip():
            return ()
        row, depth = self._row[chunk.id], len(chunk.path)
        items: dict[tuple[str, ...], Chunk] = {}
        for nxt in self.index.chunks[row + 1:row + 1 + _MAX_ITEMS]:
            if nxt.doc_id != chunk.doc_id or len(nxt.path) <= depth or nxt.path[:depth] != chunk.path:
                break
            items.setdefault(nxt.path[:depth + 1], nxt)
        return tuple(items.values()) if len(items) >= 2 else ()

    def _target_value(self, query: Query, target: Target) -> TargetValue:
        """The value of a multi-part target the question is about ("Khu vực nông thôn" → 95%)."""
        if len(target.values) == 1:
            return target.values[0]
        weights = {t: self.index.lexical.idf(t) for t in query.terms}

        def cover(label: str) -> float:
            have = content_terms(label)
            return sum(w for t, w in weights.items() if t in have)
        return max(target.values, key=lambda v: cover(v.label or target.indicator))

    def _single(self, query: Query, taken: frozenset[tuple[str, int]] = frozenset()) -> Answer:
        hits, pick, best, reason = self._pick(query, taken)
        if pick is None:
            return self._abstain(query, hits, self._refusal_text(query, reason), best, reason)
        return self._compose(query, hits, pick)

    def _refusal_text(self, query: Query, reason: str) -> str:
        """A refusal that says what was searched and, when known, what was missing."""
        scope = self._scope(query.documents or query.filters.doc_ids)
        if reason == Refusal.UNKNOWN_NAME:
            return f"{scope} không nhắc đến nội dung được hỏi (“{query.text}”)."
        if reason == Refusal.YEAR:
            return f"{scope} không nêu số liệu cho năm {', '.join(query.years)} về nội dung này."
        if reason == Refusal.UNIT:
            return f"{scope} không nêu con số theo đơn vị được hỏi cho nội dung này (“{query.text}”)."
        return f"{scope} không đề cập nội dung này (“{query.text}”)."

    def _compose(self, query: Query, hits: list[Hit], pick: _Pick) -> Answer:
        cand, found = pick.cand, pick.extract
        chunk = cand.chunk
        citation = self.locator.citation_of(chunk, cand.start, cand.end)
        # the sentence, or up to the last item of a list that runs past it
        quote = chunk.text[cand.start:max(cand.end, found.end) if found is not None else cand.end].strip()
        if pick.target is not None:  # an appendix item is quoted whole: its label tells which value it is
            quote = chunk.text.strip()
        elif found is not None and found.start < cand.start:  # found in the item's lead-in: quote both
            lead_in = chunk.text[chunk.text.rfind("\n", 0, found.start) + 1:cand.start].split("\n", 1)[0]
            quote = f"{lead_in.strip()} … {quote}"
        elif pick.title:  # read from the article's title ("Trách nhiệm của Bộ Nội vụ"): quote it too
            quote = f"{pick.title} … {quote}"
        # A fact, clause or undecided yes/no question is answered by the sentence itself.
        short = found.short if found else quote
        figure = found.figure if found and found.figure else (short if found else "")
        span = Span(chunk.id, found.start, found.end) if found and found.figure else \
            Span(chunk.id, cand.start, cand.end)
        lead = f"{short} — " if found and short else ""
        text = f"{lead}theo {citation}: “{quote}”"
        notes, extra = self._notes(chunk, pick.target, quote)
        citations = _with(_lead_with(chunk, hits), [*pick.items, *extra])
        return Answer(query.text, text, False, citations, figure, span,
                      pick.target.to_json() if pick.target else None, notes, query,
                      query.answer_type.value, [], short, probability=pick.prob)

    # --- notes: figures stated differently, later documents that change the unit ------------
    def _notes(self, chunk: Chunk, target: Target | None, quote: str) -> tuple[list[str], list[Chunk]]:
        notes: list[str] = []
        extra: list[Chunk] = []
        chunks, row = self.index.chunks, self._row
        restating = [t for t in self.index.derived.targets
                     if any(r["chunk_id"] == chunk.id and r["differs"] and r["text"] in quote for r in t.restated)]
        for t in ([target] if target is not None else []) + restating:
            if not t.differences:
                continue
            where = "; ".join(f"{r['citation']} ghi “{r['figure']}” (“{r['text']}”)" for r in t.differences)
            notes.append(f"Lưu ý: con số không thống nhất giữa các phần của văn bản — {t.citation} ghi "
                         f"“{t.value_text}”, còn {where}.")
            extra += [chunks[row[r["chunk_id"]]] for r in t.differences if r["chunk_id"] in row]
            if t.chunk_id in row:
                extra.append(chunks[row[t.chunk_id]])
        for rel in relations_for(self.index.derived.relations, chunk.doc_id, chunk.path):
            source = self.index.documents[rel.source_doc]
            where = ", ".join([source.title, *rel.source_path])
            notes.append(f"Lưu ý: {' '.join(rel.target_path) or 'văn bản này'} của "
                         f"{self.index.documents[rel.target_doc].title} đã được {rel.action} bởi {where}: "
                         f"“{rel.text}”")
            extra += [self.index.chunks[r] for r in self.locator.rows_in(rel.source_doc, rel.source_start,
                                                                         rel.source_end)]
        return notes, extra

    # --- unit look-up, definitions, signer -------------------------------------------------
    def _unit_answer(self, query: Query) -> Answer:
        assert query.unit_ref is not None
        found = self.locator.resolve(query.unit_ref, query.documents)
        if not found:
            where = self._scope(query.documents)
            return self._abstain(query, [], f"{where} không có {query.unit_ref.label}.", reason=Refusal.NO_UNIT)
        if len(found) > 1:
            parts = [self._unit_part(query, loc) for loc in found]
            hits = [Hit(i, 1.0, self.index.chunks[loc.rows[0]]) for i, loc in enumerate(found, 1)]
            text = (f"{query.unit_ref.label} có trong {len(found)} văn bản:\n"
                    + "\n".join(f"• {p.citation}: {p.answer}" for p in parts))
            return Answer(query.text, text, False, hits, "", None, None, [], query, AnswerType.CLAUSE.value,
                          parts, parts[0].answer)
        loc = found[0]
        part = self._unit_part(query, loc)
        hits = [Hit(i, 1.0, self.index.chunks[r]) for i, r in enumerate(loc.rows, 1)]
        return Answer(query.text, f"{loc.unit.label}: {part.answer} — theo {loc.citation}.", False, hits,
                      part.answer, part.span, None, [], query, AnswerType.CLAUSE.value, [], part.answer)

    def _unit_part(self, query: Query, loc: Located) -> AnswerPart:
        """The unit's title (its heading without the number), or its first sentence."""
        doc = loc.doc
        title = unit_title(doc.text, loc.unit) if loc.unit.kind is not UnitKind.CLOSING else loc.unit.heading
        chunk = self.index.chunks[loc.rows[0]]
        pos = chunk.text.find(title) if title else -1
        span = Span(chunk.id, pos, pos + len(title)) if pos >= 0 else None
        return AnswerPart(query.text, title, title, span, loc.citation, False)

    def _definition_answer(self, query: Query) -> Answer | None:
        """"ATTP là viết tắt của gì", "JCI là gì": the definition written beside it in the text."""
        if query.answer_type is not AnswerType.DEFINITION:
            return None
        lexical, chunks = self.index.lexical, self.index.chunks
        docs = set(query.filters.doc_ids or query.documents)  # the documents asked about, if any

        def rows(terms: list[str]) -> list[int]:  # only passages that name it, in those documents
            return [r for r in lexical.rows_with_all(terms) if not docs or chunks[r].doc_id in docs]

        abbreviations = list(dict.fromkeys(_ABBREVIATION.findall(query.text)))
        for abbr in abbreviations:
            for row in rows(lexical.query_terms(abbr)):
                found = definition_in(chunks[row].text, abbr)
                if found:
                    a, b, phrase = found
                    return self._defined(query, abbr, phrase, chunks[row], a, b)
        defining = self._defining_sentence(query, rows)
        if defining is not None:
            return defining
        for abbr in abbreviations:  # not defined in parentheses: the known long form, where the text spells it out
            long = self.index.derived.abbreviations.pairs.get(abbr, "")
            for row in rows(lexical.query_terms(long)) if long else ():
                m = re.search(rf"(?<!\w){re.escape(fold(long))}(?!\w)", fold(chunks[row].text))  # fold lowercases
                if m:
                    return self._defined(query, abbr, long, chunks[row], m.start(), m.end())
        return None

    def _defining_sentence(self, query: Query, rows: Callable[[list[str]], list[int]]) -> Answer | None:
        """"Thanh niên xung phong là gì", "CTNH là gì": the item or sentence that opens "X là …".

        X is what the question asks about, its abbreviations spelt out; a definition opens its own
        line or item ("20. Chất thải nguy hại là chất thải chứa …"), it is not a "là" mid-sentence.
        """
        m = _DEFINED_SUBJECT.search(fold(query.text))
        if m is None:
            return None
        subject = query.text[m.start("subject"):m.end("subject")]
        long_form = self.index.derived.abbreviations.long_form
        subject = _ABBREVIATION.sub(lambda a: long_form(a.group()) or a.group(), subject)
        if not content_terms(subject):
            return None
        term = r"[ \t]+".join(re.escape(w) for w in fold(subject).split())
        opening = re.compile(rf"(?:^|\n)[ \t]*(?:\d+[.)][ \t]*|[a-z]\)[ \t]*)?({term})"
                             r"[ \t]+(?:la|duoc hieu la|co nghia la)[ \t]+")
        for row in rows(self.index.lexical.query_terms(subject)):
            chunk = self.index.chunks[row]
            found = opening.search(fold(chunk.text))  # folding keeps offsets
            if found is None:
                continue
            a, start = found.start(1), found.end()
            line_end = chunk.text.find("\n", start)
            end = len(chunk.text[:line_end if line_end >= 0 else len(chunk.text)].rstrip(" .;:"))
            short = chunk.text[start:end]
            text = f"{chunk.text[a:end]} — theo {chunk.citation}."
            return Answer(query.text, text, False, _lead_with(chunk, list(self._retrieve(query, 5))), short,
                          Span(chunk.id, a, end), None, [], query, AnswerType.DEFINITION.value, [], short)
        return None

    def _defined(self, query: Query, abbr: str, phrase: str, chunk: Chunk, a: int, b: int) -> Answer:
        text = f"{abbr}: {phrase} — theo {chunk.citation}: “{chunk.text[a:b]}”"
        return Answer(query.text, text, False, _lead_with(chunk, list(self._retrieve(query, 5))), phrase,
                      Span(chunk.id, a, b), None, [], query, AnswerType.DEFINITION.value, [], phrase)

    def _signer_answer(self, query: Query) -> Answer | None:
        """Who signed: the signer in the document's metadata, cited where the text says it."""
        if not _SIGNER.search(query.folded):
            return None
        docs = [self.index.documents[d] for d in query.documents] or list(self.index.documents.values())
        for doc in docs:
            name = doc.metadata.get("nguoi_ky", "")
            rows = [r for r in self.locator.rows_in(doc.doc_id, 0, len(doc.text)) if name and
                    name in self.index.chunks[r].text]
            if not rows:
                continue
            chunk = self.index.chunks[rows[-1]]
            pos = chunk.text.find(name)
            role = doc.metadata.get("chuc_vu_nguoi_ky", "")
            text = f"{name}{f' ({role})' if role else ''} — ký {doc.title}, theo {chunk.citation}."
            return Answer(query.text, text, False, _lead_with(chunk, list(self._retrieve(query, 5))), name,
                          Span(chunk.id, pos, pos + len(name)), None, [], query, AnswerType.WHO.value, [], name)
        return None

    # --- two-part questions ----------------------------------------------------------------
    def _multi_answer(self, query: Query, parts: Sequence[str], certain: bool) -> Answer | None:
        """One line per part; a coordinated split is kept only when the parts find different evidence."""
        from qa.query import make_query

        derived = self.index.derived
        subs = []
        for text in parts:
            try:
                sub = make_query(text, derived.abbreviations, derived.restorer, self.index.documents.values())
            except ValueError:
                return None
            subs.append(replace(sub, filters=query.filters, documents=sub.documents or query.documents))
        if certain:  # two questions: each part's figure is its own ("… quốc tế và … nội địa")
            self._prefetch(subs)
            answers: list[Answer] = []
            taken: set[tuple[str, int]] = set()
            for sub in subs:
                answers.append(self._single(sub, frozenset(taken)))
                span = answers[-1].span
                if span is not None and answers[-1].figure and not answers[-1].abstained:
                    taken.add((span.chunk_id, span.start))
        else:
            # Coordinated items ("tỷ lệ A và B") are looked up with the whole question's vector (one
            # embedding) and their own words; the split stands when each finds its own figure.
            answers = [self._single(replace(sub, dense_text=query.for_dense)) for sub in subs]
            if not self._distinct_figures(query, answers):
                return None
        lines, hits, notes, figures = [], [], [], []
        out_parts = []
        for part_q, ans in zip(parts, answers, strict=True):
            cite = ans.citations[0].chunk.citation if ans.citations and not ans.abstained else ""
            if ans.abstained:
                lines.append(f"• {part_q}: văn bản không đề cập.")
            else:
                lines.append(f"• {part_q}: {ans.text}")
                figures.append(ans.figure or ans.short)
                hits += ans.citations[:2]
                notes += ans.notes
            out_parts.append(AnswerPart(part_q, ans.text, ans.figure, ans.span, cite, ans.abstained))
        if all(a.abstained for a in answers):
            return self._abstain(query, answers[0].citations)
        merged = _dedupe(hits)
        first = next(a for a in answers if not a.abstained)
        return Answer(query.text, "\n".join(lines), False, merged, "; ".join(f for f in figures if f), first.span,
                      None, list(dict.fromkeys(notes)), query, query.answer_type.value, out_parts,
                      "; ".join(f for f in figures if f), probability=min(a.probability or 0.0 for a in answers))

    @staticmethod
    def _distinct_figures(query: Query, answers: Sequence[Answer]) -> bool:
        """A coordinated split stands when every part finds its own figure (else the name had a "và")."""
        if query.answer_type not in (AnswerType.QUANTITY, AnswerType.DURATION, AnswerType.DATE):
            return False
        spans = {(a.span.chunk_id, a.span.start) for a in answers if a.span and a.figure and not a.abstained}
        return len(spans) == len(answers)

    # --- refusals ------------------------------------------------------------------------------
    def _scope(self, doc_ids: Sequence[str] = ()) -> str:
        """What was searched: the one document's title, or "Các văn bản đã nạp"."""
        docs = [self.index.documents[d] for d in doc_ids] or list(self.index.documents.values())
        return docs[0].title if len(docs) == 1 else "Các văn bản đã nạp"

    def _abstain(self, query: Query, hits: list[Hit], text: str | None = None,
                 probability: float | None = None, reason: str = "") -> Answer:
        text = text or f"{self._scope(query.documents)} không đề cập nội dung này (“{query.text}”)."
        text += " Các đoạn gần nhất được liệt kê dưới đây, có thể liên quan." if hits else ""
        return Answer(query.text, text, True, hits, query=query, answer_type=query.answer_type.value,
                      probability=probability, refusal=reason or Refusal.GATE)


def merge_units(answer: Answer, index: Index) -> Answer:
    """Citations with the pieces of one unit (same document and path) merged into one passage.

    The merged passage keeps the first piece's id and spans from its first to its last piece;
    spans pointing into any piece are shifted into it.
    """
    groups: dict[tuple[str, tuple[str, ...]], list[Chunk]] = {}
    for h in answer.citations:
        groups.setdefault((h.chunk.doc_id, h.chunk.path), []).append(h.chunk)
    if all(len(g) == 1 for g in groups.values()):
        return answer
    merged: dict[str, Chunk] = {}
    for (doc_id, _), pieces in groups.items():
        start, end = min(c.start for c in pieces), max(c.end for c in pieces)
        text = index.documents[doc_id].text[start:end]
        whole = replace(pieces[0], start=start, end=end, text=text)
        for c in pieces:
            merged[c.id] = whole

    def moved(span: Span | None) -> Span | None:
        if span is None or span.chunk_id not in merged:
            return span
        piece = next(h.chunk for h in answer.citations if h.chunk.id == span.chunk_id)
        shift = piece.start - merged[span.chunk_id].start
        return Span(merged[span.chunk_id].id, span.start + shift, span.end + shift)

    hits = _dedupe([Hit(h.rank, h.score, merged.get(h.chunk.id, h.chunk)) for h in answer.citations])
    parts = [replace(p, span=moved(p.span)) for p in answer.parts]
    return replace(answer, citations=hits, span=moved(answer.span), parts=parts)


# A year written right after a figure is the figure's own: "5,6-6,2% vào năm 2025".
_FIGURE_YEAR = re.compile(r"\s*(?:vào |đến |trong |tới )?năm ((?:19|20)\d{2})\b", re.IGNORECASE)


def _other_year(query: Query, pick: _Pick) -> bool:
    """The figure picked is bound to another year than the one asked ("… 2024" against "… vào năm 2025")."""
    found = pick.extract
    if not query.years or found is None or not found.figure:
        return False
    bound = _FIGURE_YEAR.match(pick.cand.chunk.text, found.end)
    return bound is not None and bound.group(1) not in query.years


# "share of rural wastewater (treated)", "rural poverty rate": the noun an English rate is of ("wastewater", "poverty").
_ENGLISH_RATE_OF = re.compile(
    r"\b(?:rate|share|percentage|proportion|ratio) of (?:the |all )?(?:[a-z-]+ ){0,3}?(?P<of>[a-z-]+)"
    r"(?= (?:is|are|will|to|in|by|that|which|for|does|should|must|be|being|with|at|under|over|of)\b|\s*\?|$)|"
    r"\b(?P<before>[a-z-]+) (?:rate|ratio)\b")
_RATE_OF = re.compile(r"\bt[yi] le\b")  # "tỷ lệ X": the rate of X
_CLAUSE = re.compile(r"[,;](?!\d)")
# Words any target's statement may carry, as written: what it measures lies in the others.
_GENERIC = frozenset(("mục tiêu chỉ tiêu kế hoạch phấn đấu đạt đặt năm thành phố tỉnh thủ đô cuối đến tăng giảm "
                      "còn mức khoảng trên dưới ít nhất tối thiểu phần trăm về xuống duy trì ở bình quân cả nước "
                      "dự kiến cần phải trong toàn địa bàn so với người").split())
_GENERIC_FOLDED = frozenset(fold(w) for w in _GENERIC)


def _measured(text: str) -> set[str]:
    """The folded words that say what is measured: no numbers, stop words or words every target has.

    Judged as written when ``text`` has diacritics ("đô thị" is neither "đó" nor "thì").
    """
    accented = has_diacritics(text)
    generic = _GENERIC if accented else _GENERIC_FOLDED
    return {fold(w) for w in re.findall(r"[^\W\d_]+", text.lower())
            if not is_stopword(w, accented) and (w if accented else fold(w)) not in generic}


# "tại địa điểm nào", "đặt ở đâu", "where is … located": a place is asked; so is "ở quận, huyện nào", read
# with its accents when typed with them ("vệ tinh nào" asks for no tỉnh).
_PLACE_ASKED = re.compile(r"\b(?:dia diem|vi tri) nao\b|\b(?:dat|xay dung|dien ra|to chuc|bo tri|nam) (?:o|tai) dau\b|"
                          r"\bwhere (?:is|are|will|was|were|would)\b.*\b(?:located|built|held|sited|situated|placed)\b|"
                          r"\b(?:in )?which (?:district|province|commune|ward|city|location|locality)\b")
_ADMIN_UNITS = "quận|huyện|xã|phường|tỉnh|thị xã|thị trấn"
_UNIT_ASKED = re.compile(rf"(?<!cơ )\b(?:{_ADMIN_UNITS})(?:, (?:{_ADMIN_UNITS}))* nào\b")
_UNIT_ASKED_FOLDED = re.compile(rf"(?<!co )\b(?:{fold(_ADMIN_UNITS)})(?:, (?:{fold(_ADMIN_UNITS)}))* nao\b")
# A place the text names: an administrative unit with its name ("huyện Gia Lâm"), or "tại/ở" a proper name; the
# names that follow, comma-separated, are more places ("xã Yên Thường, huyện Gia Lâm"; "huyện Chương Mỹ, Quốc Oai").
_NAME = r"[A-ZĐ][^\W\d_]*(?:\s+[A-ZĐ][^\W\d_]*)*"
_ADMIN = r"(?:[xX]ã|[pP]hường|[tT]hị trấn|[hH]uyện|[qQ]uận|[tT]hị xã|[tT]ỉnh|[tT]hành phố)"
_PLACE = re.compile(rf"(?:{_ADMIN}\s+|(?<=\btại )|(?<=\bở ))(?!Thành phố\b|Trung ương\b){_NAME}"
                    rf"(?:,\s+(?:{_ADMIN}\s+)?{_NAME})*")


def asks_place(query: Query) -> bool:
    """Whether the question asks where something is (not where the documents say it)."""
    if query.answer_type in (AnswerType.WHERE, AnswerType.CLAUSE):
        return False
    unit = _UNIT_ASKED.search(query.text.lower()) if query.has_diacritics else _UNIT_ASKED_FOLDED.search(query.folded)
    return bool(unit or _PLACE_ASKED.search(query.folded))


# "kỳ họp thứ mấy", "at which session": the session ("khóa XVI, Kỳ họp thứ 14", "Kỳ họp thứ 7 (tháng 5/2024)").
_SESSION_ASKED = re.compile(r"\bky hop (?:thu may|nao)\b|\bwhich (?:[\w']+ ){0,4}?(?:session|sitting)\b")
_SESSION = re.compile(r"(?:khóa [IVXLC\d]+,\s*)?kỳ họp thứ [^\W_]+(?: \([^)]{1,30}\))?", re.IGNORECASE)


def _named(pattern: re.Pattern[str], text: str) -> Extract | None:
    """The first session or place (``_SESSION``, ``_PLACE``) ``text`` names, if any."""
    m = pattern.search(text)
    return Extract(m.start(), m.end(), m.group()) if m else None


_CONTRASTS = tuple((re.compile(rf"\b{a}\b"), re.compile(rf"\b{b}\b")) for a, b in CONTRASTS)


def _contrasted(query: Query, text: str) -> bool:
    """``text`` speaks only of the other side of a contrast the question names one side of."""
    asked, read = fold(query.expanded).lower(), fold(text).lower()  # an English question: its glossary terms
    for a, b in _CONTRASTS:
        for one, other in ((a, b), (b, a)):
            # "công lập" within "ngoài công lập" is not the other side
            if one.search(asked) and not other.search(one.sub(" ", asked)) \
                    and other.search(one.sub(" ", read)) and not one.search(read):
                return True
    return False


def _unglossed(query: Query, pick: _Pick) -> bool:
    """An English question's figure is said where none of its glossary terms is.

    "average life expectancy" ("tuổi thọ trung bình") against "Kiểm soát chỉ số giá dưới 4%": what the
    figure measures is not what is asked. Names ("Hanoi") say nothing of it, nor does the document's title.
    """
    found = pick.extract
    if found is None or not found.figure or query.answer_type is not AnswerType.QUANTITY or not query.glossed:
        return False
    glossed = [t for t in glossary().translate(re.sub(r"\b[A-Z][a-z]+\b", " ", query.text)) if _measured(t)]
    said = fold(f"{pick.cand.text} {pick.cand.chunk.context.partition(' › ')[2]}").lower()
    return bool(glossed) and not _says_any(glossed, said)


def _says_any(phrases: list[str], said: str) -> bool:
    """Whether ``said`` (folded, lower case) holds one of ``phrases`` as whole words."""
    return any(re.search(rf"\b{re.escape(fold(p).lower())}\b", said) for p in phrases)


_ITEM = re.compile(r"\s*(?:[a-zđ]\)|\d+[.)]|[-–•+])\s")
# Kinds of answer an enumerated item may leave to its lead-in: who acts, and when or how long.
_FROM_LEAD_IN = (AnswerType.WHO, AnswerType.DATE, AnswerType.DURATION)


def _lead_in(cand: Candidate) -> tuple[int, int] | None:
    """The span of the line ending in ":" that introduces the enumerated item ``cand``, if it is one."""
    text = cand.chunk.text
    if not _ITEM.match(cand.text):
        return None
    colon = text.rfind(":", 0, cand.start)
    between = text[colon + 1:cand.start].split("\n")
    if colon < 0 or not all(_ITEM.match(line) for line in between if line.strip()):
        return None  # other text than sibling items stands between
    return text.rfind("\n", 0, colon) + 1, colon


def _lead_with(chunk: Chunk, hits: list[Hit], keep: int = 5) -> list[Hit]:
    """``chunk`` cited first (it holds the answer), then the other hits, ranks renumbered."""
    scores = {h.chunk.id: h.score for h in hits}
    ordered = [chunk, *(h.chunk for h in hits if h.chunk.id != chunk.id)][:keep]
    return [Hit(rank, scores.get(c.id, 0.0), c) for rank, c in enumerate(ordered, 1)]


def _with(hits: list[Hit], extra: list[Chunk]) -> list[Hit]:
    """Hits plus extra cited chunks (ranked after them) that are not already there."""
    return _dedupe([*hits, *(Hit(0, 0.0, c) for c in extra)])


def _dedupe(hits: list[Hit]) -> list[Hit]:
    """Hits without repeats, ranks renumbered."""
    seen: set[str] = set()
    out: list[Hit] = []
    for h in hits:
        if h.chunk.id not in seen:
            seen.add(h.chunk.id)
            out.append(Hit(len(out) + 1, h.score, h.chunk))
    return out
