"""One learned, calibrated score for "this segment answers the question".

Each candidate segment (a sentence or clause of a retrieved passage) gets measurable
signals: IDF-weighted term coverage, what the question asks that the segment lacks, e5
similarity of question and segment (vectors stored at build time), answer-type match,
year agreement, unit reference, passage rank and score. A logistic regression trained on
the Q&A set's training split (``qa eval train-answerer``, cross-validated) turns them into
a probability; the answerer picks the most probable segment and abstains below a
threshold chosen on the same split. Weights live in ``qa/answer_model.json`` (no pickle).
"""

from __future__ import annotations

import itertools
import logging
import math
import re
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from corpus.chunker import Chunk
from corpus.figures import asked_units, figures, unit_agrees
from corpus.io import read_json
from corpus.text import STOPWORDS_ACCENTED, content_terms, fold
from index.store import Index
from qa.extract import has_type
from qa.locate import covered_years
from qa.query import FOREIGN_KNOWN, Query
from qa.types import Hit

MODEL_PATH = Path(__file__).with_name("answer_model.json")
# Passages whose segments are candidates (the right passage is in the top 5 for ~95% of questions).
CANDIDATE_PASSAGES = 5
FEATURES = (
    "coverage",  # share of the question's IDF-weighted terms in the segment plus its headings
    "coverage_segment",  # … in the segment alone
    "coverage_pairs",  # … counting only word pairs (bigrams): phrases, not scattered syllables
    "matched_idf",  # absolute weight of the matched terms (evidence, not a share)
    "missing",  # share of the question's single-word weight the segment and its headings lack
    "slot_conflict",  # a question word pair whose slot the segment fills otherwise ("nhập khẩu" / "xuất khẩu")
    "cosine",  # e5 similarity of question and segment
    "cosine_gap",  # cosine minus the best cosine among candidates
    "coverage_gap",  # coverage minus the best coverage among candidates
    "rank",  # 1 / rank of the passage
    "passage_score",  # fused retrieval score of the passage
    "type_match",  # the segment holds what the question asks for (figure, date, body, …)
    "unit_agree",  # 1: a figure in the unit asked ("bao nhiêu tỷ USD"); 0: figures, none in it; 0.5: n/a
    "year_ok",  # every year asked appears in the segment, its headings or its document's year
    "year_conflict",  # a year is asked, the segment names other years and not it
    "unit_match",  # the question names a unit and the segment is inside it
    "known",  # share of the question's syllables that occur in the corpus (low: English)
    "length",  # log of the segment's word count
)
# Question-level signals for the answerability gate: the best candidate's features, how far it
# leads, and what the question itself looks like.
GATE_FEATURES = ("best_probability", "margin", "coverage", "coverage_pairs", "missing", "slot_conflict", "unit_match",
                 "cosine", "type_match", "unit_agree", "year_ok", "year_conflict", "known", "question_terms",
                 "unknown_name")

_KNOWN = GATE_FEATURES.index("known")
_LEXICAL = [GATE_FEATURES.index(n) for n in ("best_probability", "margin", "coverage", "coverage_pairs", "missing",
                                             "slot_conflict")]


@dataclass(frozen=True)
class Candidate:
    """A segment of a retrieved passage, with its features."""

    hit: Hit
    segment: int  # row in ``Index.segments``
    start: int  # offsets into the chunk's text
    end: int
    features: tuple[float, ...]

    @property
    def chunk(self) -> Chunk:
        """The passage the segment belongs to."""
        return self.hit.chunk

    @property
    def text(self) -> str:
        """The segment's text."""
        return self.hit.chunk.text[self.start:self.end]


@lru_cache(maxsize=50_000)
def _terms(text: str) -> frozenset[str]:
    return frozenset(content_terms(text))


class Featurizer:
    """Computes candidate features over one index (term weights come from its BM25 statistics)."""

    def __init__(self, index: Index, expand: Callable[[str], list[str]], year_of: Callable[[str], str | None],
                 in_unit: Callable[[Query, Chunk, int, int], bool]) -> None:
        """Features over ``index``.

        ``expand`` adds abbreviation long forms; ``year_of`` gives a document's year; ``in_unit``
        tells whether a span of a chunk lies in the unit the question names.
        """
        self.index = index
        self._expand = expand
        self._year_of = year_of
        self._in_unit = in_unit
        self._max_idf = math.log(1 + len(index.chunks))
        self._seg_terms: dict[int, tuple[frozenset[str], frozenset[str]]] = {}  # bounded by the index

    def clear_caches(self) -> None:
        """Forget term sets of earlier segments."""
        _terms.cache_clear()
        self._seg_terms.clear()

    def _segment_terms(self, chunk: Chunk, row: int, seg: int, text: str) -> tuple[frozenset[str], frozenset[str]]:
        """The segment's terms (abbreviations expanded) and those with its headings and lead-in."""
        cached = self._seg_terms.get(seg)
        if cached is None:
            own = _terms(" ".join([text, *self._expand(text)]))
            cached = own, own | _terms(" ".join([chunk.context, self._lead(row, seg)]))
            self._seg_terms[seg] = cached
        return cached

    def _weights(self, terms: frozenset[str]) -> dict[str, float]:
        return {t: self.index.lexical.idf(t) for t in terms}

    def _lead(self, chunk_row: int, segment: int) -> str:
        """The first segment of the passage (its lead-in or heading), when ``segment`` is not it."""
        first = self.index.segments.of_chunk(chunk_row)
        if not len(first) or first[0] == segment:
            return ""
        _, a, b = self.index.segments.rows[first[0]]
        return self.index.chunks[chunk_row].text[int(a):int(b)]

    def candidates(self, query: Query, hits: Sequence[Hit], rows: Sequence[int], qvec: np.ndarray,
                   known: float) -> list[Candidate]:
        """Every segment of the first passages in ``hits`` (``rows`` are their chunk rows), with features."""
        weights = self._weights(query.terms)
        total = sum(weights.values()) or 1.0
        unigrams = {t: w for t, w in weights.items() if "_" not in t}
        unigram_total = sum(unigrams.values()) or 1.0
        pairs = {t: w for t, w in weights.items() if "_" in t}
        # Only a phrase the corpus uses can have its slot filled by another word ("khu vực nông
        # thôn" vs "thành thị"); a pair across two words of the question ("nuôi heo") cannot.
        known_pairs = {t: w for t, w in pairs.items() if t in self.index.lexical.vocabulary}
        pair_total = sum(pairs.values()) or 1.0
        units = asked_units(query.text)
        asked_years = set(query.years)
        segs = self.index.segments
        raw: list[tuple[Hit, int, int, int, dict[str, float]]] = []
        for hit, row in list(zip(hits, rows, strict=True))[:CANDIDATE_PASSAGES]:
            chunk = hit.chunk
            doc_year = self._year_of(chunk.doc_id) or ""
            for seg in segs.of_chunk(row):
                _, a, b = (int(x) for x in segs.rows[seg])
                text = chunk.text[a:b]
                if len(re.findall(r"\w+", text)) < 3:
                    continue
                own, around = self._segment_terms(chunk, row, seg, text)
                matched = sum(w for t, w in weights.items() if t in around)
                headings = chunk.context.split(" › ", 1)[1] if " › " in chunk.context else ""
                named_years = covered_years(f"{headings} {text}")  # not the title's issue date
                years_here = named_years or ({doc_year} if doc_year else set())
                figs = figures(text)
                vec = segs.vectors[seg]
                f = {
                    "coverage": matched / total,
                    "coverage_segment": sum(w for t, w in weights.items() if t in own) / total,
                    "coverage_pairs": sum(w for t, w in pairs.items() if t in around) / pair_total,
                    "matched_idf": matched / self._max_idf,
                    "missing": sum(w for t, w in unigrams.items() if t not in around) / unigram_total,
                    "slot_conflict": _slot_conflict(known_pairs, own, around) / self._max_idf,
                    "cosine": float(vec.astype(np.float32) @ qvec) if vec.any() else 0.0,
                    "rank": 1.0 / hit.rank,
                    "passage_score": float(hit.score),
                    "type_match": float(has_type(query.answer_type, text, query, chunk.context)),
                    "unit_agree": 0.5 if not units or not figs
                    else float(any(unit_agrees(g, text, units) for g in figs)),
                    "year_ok": float(not asked_years or asked_years <= years_here),
                    "year_conflict": float(bool(asked_years) and not asked_years & years_here and bool(named_years)),
                    "unit_match": float(query.unit_ref is not None and self._in_unit(query, chunk, a, b)),
                    "known": known,
                    "length": math.log(1 + len(text.split())),
                }
                raw.append((hit, seg, a, b, f))
        if not raw:
            return []
        best_cos = max(f["cosine"] for *_, f in raw)
        best_cov = max(f["coverage"] for *_, f in raw)
        out = []
        for hit, seg, a, b, f in raw:
            f["cosine_gap"], f["coverage_gap"] = f["cosine"] - best_cos, f["coverage"] - best_cov
            out.append(Candidate(hit, seg, a, b, tuple(f[name] for name in FEATURES)))
        return out


def _slot_conflict(pairs: dict[str, float], own: frozenset[str], around: frozenset[str]) -> float:
    """Weight of the heaviest question word pair whose slot the segment fills with another word.

    "kim ngạch nhập khẩu" against "kim ngạch xuất khẩu": "nhap_khau" is missing, the segment
    says "xuat_khau" and never "nhap"; "trường ngoài công lập" against "trường công lập" alike.
    A paraphrase ("vùng quê" / "nông thôn") shares no syllable and is not a conflict.
    """
    firsts: dict[str, set[str]] = {}
    seconds: dict[str, set[str]] = {}
    for t in own:
        if "_" in t:
            x, y = t.split("_", 1)
            firsts.setdefault(x, set()).add(y)
            seconds.setdefault(y, set()).add(x)
    worst = 0.0
    for pair, w in pairs.items():
        if pair in around:
            continue
        x, y = pair.split("_", 1)
        if (y not in around and firsts.get(x, set()) - {y}) or (x not in around and seconds.get(y, set()) - {x}):
            worst = max(worst, w)
    return worst


def gate_features(features: np.ndarray, probs: np.ndarray, query: Query, known: float,
                  unknown_name: float = 0.0) -> np.ndarray:
    """:data:`GATE_FEATURES` of one question from its candidates' ``features`` rows and probabilities.

    ``unknown_name`` is 1 when the question names something (a capitalised name of two or more
    syllables: "Đà Nẵng", "Sở Kế hoạch và Đầu tư") that the corpus never mentions.
    """
    values = dict.fromkeys(GATE_FEATURES, 0.0)
    values["known"] = known
    values["unknown_name"] = unknown_name
    values["question_terms"] = math.log(1 + sum("_" not in t for t in query.terms))
    if len(probs):
        order = np.argsort(-probs, kind="stable")
        best = dict(zip(FEATURES, features[order[0]], strict=True))
        values["best_probability"] = float(probs[order[0]])
        values["margin"] = float(probs[order[0]] - (probs[order[1]] if len(order) > 1 else 0.0))
        values.update((name, best[name]) for name in GATE_FEATURES if name in best)  # the best candidate's own
    return np.array([values[n] for n in GATE_FEATURES])


@dataclass(frozen=True)
class Logistic:
    """A standardised logistic regression: ``sigmoid(((x - mean) / scale) · coef + intercept)``."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Probabilities for the rows of ``x``."""
        z = ((np.atleast_2d(x) - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self) -> dict[str, Any]:
        """Plain lists (no pickle)."""
        return {"mean": self.mean.tolist(), "scale": self.scale.tolist(), "coef": self.coef.tolist(),
                "intercept": self.intercept}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Logistic:
        """Inverse of :meth:`to_json`."""
        return cls(np.array(data["mean"]), np.array(data["scale"]), np.array(data["coef"]), float(data["intercept"]))


@dataclass(frozen=True)
class AnswerModel:
    """Two logistic regressions: which segment answers, and whether the documents answer at all.

    ``select`` scores candidates (:data:`FEATURES`); ``gate`` scores the question from its best
    candidate (:data:`GATE_FEATURES`); the answerer abstains when the gate is below ``threshold``.
    """

    select: Logistic
    gate: Logistic
    threshold: float
    info: dict[str, Any]

    def probability(self, candidates: Sequence[Candidate]) -> np.ndarray:
        """P(this segment answers the question) for each candidate."""
        if not candidates:
            return np.zeros(0)
        return self.select(np.array([c.features for c in candidates]))

    def answerable(self, features: np.ndarray) -> float:
        """P(the documents answer the question), from :func:`gate_features`.

        For a question the corpus's words mostly do not cover (English, say), word overlap
        measures nothing: the lexical signals, and the selection probability built on them,
        are set to their training mean, so cosine, answer type, units and years decide.
        """
        if features[_KNOWN] < FOREIGN_KNOWN:
            features = features.copy()
            features[_LEXICAL] = self.gate.mean[_LEXICAL]
        return float(self.gate(features)[0])

    def to_json(self) -> dict[str, Any]:
        """JSON form (``answer_model.json``)."""
        return {"features": list(FEATURES), "gate_features": list(GATE_FEATURES), "select": self.select.to_json(),
                "gate": self.gate.to_json(), "threshold": self.threshold, "info": self.info}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AnswerModel:
        """Inverse of :meth:`to_json`; refuses weights trained on other features."""
        if list(data["features"]) != list(FEATURES) or list(data["gate_features"]) != list(GATE_FEATURES):
            raise ValueError("answer_model.json was trained on other features; retrain: qa eval train-answerer")
        return cls(Logistic.from_json(data["select"]), Logistic.from_json(data["gate"]), float(data["threshold"]),
                   dict(data.get("info", {})))

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> AnswerModel:
        """The shipped model, or neutral weights (coverage, cosine, type) when none fits these features."""
        if path.exists():
            try:
                return cls.from_json(read_json(path))
            except (ValueError, KeyError, TypeError):
                logging.getLogger("qa").warning("%s does not fit the current features; using neutral weights", path)
        coef = np.zeros(len(FEATURES))
        for name, w in (("coverage", 2.0), ("cosine", 1.0), ("type_match", 1.0), ("missing", -2.0)):
            coef[FEATURES.index(name)] = w
        gate = np.zeros(len(GATE_FEATURES))
        gate[GATE_FEATURES.index("best_probability")] = 4.0
        n, g = len(FEATURES), len(GATE_FEATURES)
        return cls(Logistic(np.zeros(n), np.ones(n), coef, -2.0), Logistic(np.zeros(g), np.ones(g), gate, -1.0),
                   0.3, {"untrained": True})


_UNIT_WORDS = frozenset("dieu khoan muc chuong phan phu luc diem".split())


def unknown_name(text: str, vocabulary: Container[str]) -> float:
    """1.0 when ``text`` names, in capitals and not at its start, something the corpus never mentions.

    A run of capitalised words none of whose word pairs occur ("Đà Nẵng", "Hồ Chí Minh"), or a
    lone capitalised word the corpus never uses ("Nhổn"), not counting the first word of a
    sentence. Abbreviations (a capital after the first letter: "HĐND", "ThS") are left out.
    """
    runs: list[list[tuple[str, int]]] = []
    previous_end: int | None = None  # end of the previous word when it was capitalised
    for m in re.finditer(r"[^\W\d_]+", text):
        word = m.group()
        if not word[:1].isupper() or any(c.isupper() for c in word[1:]) or fold(word) in _UNIT_WORDS:
            previous_end = None
            continue
        if runs and previous_end is not None and not text[previous_end:m.start()].strip():
            runs[-1].append((word, m.start()))
        else:
            runs.append([(word, m.start())])
        previous_end = m.end()
    for run in runs:
        if run[0][1] == 0 or text[:run[0][1]].rstrip().endswith((".", "?", "!", ":")):
            # A sentence's first word is capitalised anyway: alone it names nothing, and a
            # function word ("Theo Bộ luật …") is not part of the name that follows.
            if len(run) == 1 or run[0][0].lower() in STOPWORDS_ACCENTED:
                run = run[1:]
            if not run:
                continue
        folded = [fold(w) for w, _ in run]
        pairs = [f"{a}_{b}" for a, b in itertools.pairwise(folded)]
        if (pairs and not any(p in vocabulary for p in pairs)) or (not pairs and folded[0] not in vocabulary):
            return 1.0
    return 0.0
