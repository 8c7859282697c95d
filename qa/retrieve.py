"""Retrievers over a loaded index: lexical, dense, and their measured fusion.

Each retriever returns ``(row, score)`` pairs, best first, where ``row`` indexes
``Index.chunks``. Unit references ("khoản 6 Điều 2") are resolved before any of them
(:mod:`qa.locate`) and ranked first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from corpus.text import tokens
from index.embedders import Embedder
from index.store import Index
from qa.query import Query

Ranked = list[tuple[int, float]]
MODES = ("lexical", "dense", "hybrid")
_CACHED_QUESTIONS = 2048  # question vectors kept per process
SENTENCE_WEIGHT = 0.5  # share of a passage's dense score that is its best sentence's cosine
_NO_SENTENCE = -3.0  # below any cosine


class Retriever(Protocol):
    """Ranks chunk rows for a query."""

    name: str

    def retrieve(self, query: Query, k: int) -> Ranked:
        """Up to ``k`` ``(row, score)`` pairs, best first."""
        ...


class LexicalRetriever:
    """BM25 over folded syllables and bigrams of the question plus its abbreviation expansions."""

    name = "lexical"

    def __init__(self, index: Index) -> None:
        """Search ``index.lexical``."""
        self._index = index

    def retrieve(self, query: Query, k: int) -> Ranked:
        """Top ``k`` rows by BM25."""
        lex = self._index.lexical
        scores, rows = lex.search(lex.query_terms(query.expanded), k)
        return [(int(r), float(s)) for r, s in zip(rows, scores, strict=True)]

    def known_share(self, query: Query) -> float:
        """Share of the question's word syllables that occur in the corpus."""
        vocab = self._index.lexical.vocabulary
        toks = [t for t in tokens(query.text) if not t[0].isdigit()]
        return sum(t in vocab for t in toks) / len(toks) if toks else 1.0


class DenseRetriever:
    """e5 cosine of the question with each passage and with the passage's best sentence.

    A passage scores ``(1 - w) * cos(passage) + w * max cos(sentence)``, ``w`` =
    ``sentence_weight``: a long passage whose one sentence answers the question is otherwise
    diluted by the rest (dense R@5 on the answerable questions, tuning split, see README).
    """

    name = "dense"

    def __init__(self, index: Index, embedder: Embedder, restore_accents: bool = True,
                 sentence_weight: float = SENTENCE_WEIGHT) -> None:
        """Search ``index.dense``; embed the accent-restored question when there is one."""
        self._index = index
        self._embedder = embedder
        self.sentence_weight = sentence_weight
        self._sentences: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # float32 vectors, chunk rows, starts
        self._rewrite: Callable[[Query], str] = (
            (lambda q: q.for_dense) if restore_accents else (lambda q: q.text))
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()  # least recently used first
        self._lock = threading.Lock()  # the chat answers in several threads

    def query_vector(self, query: Query) -> np.ndarray:
        """The question's normalised vector (cached: a question is embedded once)."""
        text = self._rewrite(query)
        with self._lock:
            vector = self._cache.get(text)
            if vector is not None:
                self._cache.move_to_end(text)
                return vector
        return self._embed([text])[0]

    def prefetch(self, queries: Sequence[Query]) -> None:
        """Embed, in one call, the questions not embedded yet (the parts of a two-part question).

        The engine embeds four short questions in 43 ms together, 51 ms one by one.
        """
        with self._lock:
            todo = [t for t in dict.fromkeys(map(self._rewrite, queries)) if t not in self._cache]
        if todo:
            self._embed(todo)

    def _embed(self, texts: list[str]) -> np.ndarray:
        vectors = self._embedder.embed_queries(texts)
        with self._lock:
            for text, vector in zip(texts, vectors, strict=True):
                self._cache[text] = vector
                self._cache.move_to_end(text)
            while len(self._cache) > _CACHED_QUESTIONS:
                self._cache.popitem(last=False)
        return vectors

    def retrieve(self, query: Query, k: int) -> Ranked:
        """Top ``k`` rows by cosine, blended with their best sentence's cosine.

        Candidates are the top ``k`` passages by either term; each is scored exactly on both.
        """
        q = self.query_vector(query)
        dense = self._index.dense
        scores, rows = dense.search(q, k)
        w = self.sentence_weight
        if not w or not len(self._index.segments):
            return [(int(r), float(s)) for r, s in zip(rows, scores, strict=True)]
        best = self._best_sentence(q)
        by_sentence = np.argpartition(-best, min(k, len(best) - 1))[:k]
        passage = dict(zip(rows.tolist(), scores.tolist(), strict=True))
        others = [int(r) for r in by_sentence if int(r) not in passage and best[r] != _NO_SENTENCE]
        if others:
            passage.update(zip(others, (dense.vectors_of(others) @ q).tolist(), strict=True))
        fused = {row: (1 - w) * cos + w * (cos if best[row] == _NO_SENTENCE else float(best[row]))
                 for row, cos in passage.items()}
        return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]

    def _best_sentence(self, q: np.ndarray) -> np.ndarray:
        """Per chunk row, the best cosine of its sentences with ``q`` (``_NO_SENTENCE`` if it has none)."""
        if self._sentences is None:
            segments = self._index.segments
            chunk_rows, starts = segments.chunk_starts()
            self._sentences = (segments.vectors.astype(np.float32), chunk_rows, starts)
        vectors, chunk_rows, starts = self._sentences
        best = np.full(len(self._index.chunks), _NO_SENTENCE, dtype=np.float32)
        best[chunk_rows] = np.maximum.reduceat(vectors @ q, starts)
        return best

    def clear_cache(self) -> None:
        """Forget cached question vectors (benchmarks and eval time cold questions)."""
        with self._lock:
            self._cache.clear()


@dataclass(frozen=True)
class FusionSettings:
    """How lexical and dense rankings are combined (chosen on the dev set, see README)."""

    method: str = "convex"  # convex | rrf
    dense_weight: float = 0.5  # convex: weight of the min-max normalised dense score
    rrf_k: int = 60
    depth: int = 50  # candidates taken from each retriever

    def __post_init__(self) -> None:
        if self.method not in ("convex", "rrf"):
            raise ValueError(f"method must be 'convex' or 'rrf', got {self.method!r}")
        if not 0.0 <= self.dense_weight <= 1.0:
            raise ValueError(f"dense weight must be in [0, 1], got {self.dense_weight}")


def _minmax(ranked: Ranked) -> dict[int, float]:
    if not ranked:
        return {}
    scores = np.array([s for _, s in ranked], dtype=np.float64)
    lo, hi = float(scores.min()), float(scores.max())
    span = hi - lo
    return {r: ((s - lo) / span if span > 0 else 1.0) for r, s in ranked}


class HybridRetriever:
    """Fuses lexical and dense candidates: normalised-score blend or reciprocal rank."""

    name = "hybrid"

    def __init__(self, lexical: Retriever, dense: Retriever, settings: FusionSettings) -> None:
        """Combine ``lexical`` and ``dense`` with ``settings``."""
        self._lexical = lexical
        self._dense = dense
        self.settings = settings

    def retrieve(self, query: Query, k: int) -> Ranked:
        """Top ``k`` fused rows."""
        s = self.settings
        depth = max(s.depth, k)
        lex = self._lexical.retrieve(query, depth)
        den = self._dense.retrieve(query, depth)
        fused: dict[int, float] = {}
        if s.method == "rrf":
            for ranked in (lex, den):
                for rank, (row, _) in enumerate(ranked, 1):
                    fused[row] = fused.get(row, 0.0) + 1.0 / (s.rrf_k + rank)
        else:
            w, nl, nd = s.dense_weight, _minmax(lex), _minmax(den)
            for row in nl.keys() | nd.keys():
                fused[row] = (1 - w) * nl.get(row, 0.0) + w * nd.get(row, 0.0)
        return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
