"""The two searchable structures: BM25 over folded terms and FAISS over e5 vectors."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.text import lexical_terms

# Above this many vectors an HNSW graph replaces exact search. Measured (bench/RESULTS.md):
# exact flat search costs ~0.15 ms per 1,000 vectors here (100k: p95 15.6 ms, recall 1.0), so
# it stays inside the 60 ms query budget, with the ~15 ms query embedding, up to ~250k.
HNSW_THRESHOLD = 250_000


@dataclass(frozen=True)
class LexicalSettings:
    """Lexical tokenisation knobs (recorded in the manifest)."""

    bigrams: bool = True
    k1: float = 1.2
    b: float = 0.75


class LexicalIndex:
    """BM25 over accent-folded syllables and syllable bigrams.

    bm25s builds the term-by-chunk score matrix; querying sums that matrix's columns
    directly, so loading an index for a query does not import bm25s (and numba): −0.3 s of
    every cold ``qa ask``.
    """

    _FILES = ("data", "indices", "indptr")

    def __init__(self, arrays: dict[str, np.ndarray], vocab: dict[str, int], num_docs: int,
                 settings: LexicalSettings) -> None:
        """Wrap a CSC score matrix (``data``/``indices``/``indptr``, one column per term)."""
        self._data, self._indices, self._indptr = (arrays[k] for k in self._FILES)
        self._vocab = vocab
        self._num_docs = num_docs
        self.settings = settings

    @classmethod
    def build(cls, texts: Sequence[str], settings: LexicalSettings) -> LexicalIndex:
        """Index ``texts`` (one per chunk, in chunk order) with bm25s (Lucene BM25)."""
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)
        bm25 = bm25s.BM25(k1=settings.k1, b=settings.b)
        bm25.index([lexical_terms(t, settings.bigrams) or [""] for t in texts], show_progress=False)
        arrays = {k: np.asarray(bm25.scores[k]) for k in cls._FILES}
        return cls(arrays, dict(bm25.vocab_dict), int(bm25.scores["num_docs"]), settings)

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every chunk for the query ``terms`` (zeros when none match)."""
        out = np.zeros(self._num_docs, dtype=np.float32)
        for term in terms:
            col = self._vocab.get(term)
            if col is None:
                continue
            a, b = self._indptr[col], self._indptr[col + 1]
            out[self._indices[a:b]] += self._data[a:b]
        return out

    def rows_with_all(self, terms: Sequence[str]) -> np.ndarray:
        """Rows (ascending) whose text has every one of ``terms``; none when a term is unknown."""
        rows: np.ndarray | None = None
        for term in dict.fromkeys(terms):
            col = self._vocab.get(term)
            if col is None:
                return np.zeros(0, dtype=np.int64)
            have = self._indices[self._indptr[col]:self._indptr[col + 1]]
            rows = have if rows is None else np.intersect1d(rows, have)
        return np.zeros(0, dtype=np.int64) if rows is None else np.unique(rows)

    def search(self, terms: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (scores, row ids) with a positive score, best first."""
        scores = self.scores(terms)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[scores[top] > 0]
        return scores[top], top

    @property
    def vocabulary(self) -> dict[str, int]:
        """Term → column of every indexed term."""
        return self._vocab

    def idf(self, term: str) -> float:
        """How rare ``term`` is: ``log(1 + N / (1 + df))``; a term never indexed is rarest."""
        col = self._vocab.get(term)
        df = 0 if col is None else int(self._indptr[col + 1] - self._indptr[col])
        return math.log(1 + self._num_docs / (1 + df))

    def query_terms(self, text: str) -> list[str]:
        """Terms of a query, tokenised exactly as the chunks were."""
        return lexical_terms(text, self.settings.bigrams)

    def save(self, folder: Path) -> None:
        """Write the score matrix as ``.npy`` (no pickle) and the vocabulary as JSON."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, arr in zip(self._FILES, (self._data, self._indices, self._indptr), strict=True):
            np.save(folder / f"{name}.npy", arr, allow_pickle=False)
        meta = {"num_docs": self._num_docs, "vocab": self._vocab}
        (folder / "vocab.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, settings: LexicalSettings) -> LexicalIndex:
        """Read an index written by :meth:`save`."""
        arrays = {k: np.load(folder / f"{k}.npy", allow_pickle=False) for k in cls._FILES}
        meta = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        return cls(arrays, meta["vocab"], int(meta["num_docs"]), settings)


class DenseIndex:
    """Inner product over normalised vectors: exact (flat) or HNSW past a measured size."""

    def __init__(self, faiss_index: object) -> None:
        """Wrap a FAISS index."""
        self._index = faiss_index

    @classmethod
    def build(cls, vectors: np.ndarray, hnsw_threshold: int = HNSW_THRESHOLD) -> DenseIndex:
        """Flat index for small corpora, HNSW (M=32, efSearch=128) for large ones."""
        import faiss

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dim = vectors.shape[1]
        index: faiss.Index
        if len(vectors) >= hnsw_threshold:
            hnsw = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
            hnsw.hnsw.efConstruction = 80
            hnsw.hnsw.efSearch = 128
            index = hnsw
        else:
            index = faiss.IndexFlatIP(dim)
        index.add(vectors)
        return cls(index)

    @property
    def size(self) -> int:
        """Number of vectors."""
        return int(self._index.ntotal)  # type: ignore[attr-defined]

    @property
    def kind(self) -> str:
        """``flat`` or ``hnsw``."""
        return "hnsw" if "HNSW" in type(self._index).__name__ else "flat"

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (scores, row ids) for one normalised query vector."""
        k = max(1, min(k, self.size))
        scores, ids = self._index.search(query.reshape(1, -1).astype(np.float32), k)  # type: ignore[attr-defined]
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    @property
    def nbytes(self) -> int:
        """Size of the serialised index (what ``save`` writes)."""
        import faiss

        return len(faiss.serialize_index(self._index))  # type: ignore[call-overload,arg-type]

    def set_ef_search(self, ef: int) -> None:
        """HNSW search breadth (recall against speed); no effect on an exact index."""
        hnsw = getattr(self._index, "hnsw", None)
        if hnsw is not None:
            hnsw.efSearch = int(ef)

    def vectors_of(self, rows: Sequence[int]) -> np.ndarray:
        """The stored vectors of ``rows``."""
        return self._index.reconstruct_batch(np.asarray(rows, dtype=np.int64))  # type: ignore[attr-defined]

    def vectors(self) -> np.ndarray:
        """All stored vectors (to reuse them when rebuilding)."""
        return self._index.reconstruct_n(0, self.size)  # type: ignore[attr-defined]

    def save(self, path: Path) -> None:
        """Write with ``faiss.write_index``."""
        import faiss

        faiss.write_index(self._index, str(path))  # type: ignore[call-overload]

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        """Read a file written by :meth:`save`."""
        import faiss

        return cls(faiss.read_index(str(path)))
