"""The two searchable structures: BM25 over folded terms and FAISS over e5 vectors."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.text import lexical_terms

# Above this many vectors an HNSW graph replaces exact search (see bench/RESULTS.md).
HNSW_THRESHOLD = 50_000


@dataclass(frozen=True)
class LexicalSettings:
    """Lexical tokenisation knobs (recorded in the manifest)."""

    bigrams: bool = True
    k1: float = 1.2
    b: float = 0.75


class LexicalIndex:
    """BM25 (bm25s) over accent-folded syllables and syllable bigrams."""

    def __init__(self, bm25: object, settings: LexicalSettings) -> None:
        """Wrap a built or loaded ``bm25s.BM25``."""
        self._bm25 = bm25
        self.settings = settings

    @classmethod
    def build(cls, texts: Sequence[str], settings: LexicalSettings) -> LexicalIndex:
        """Index ``texts`` (one per chunk, in chunk order)."""
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)
        bm25 = bm25s.BM25(k1=settings.k1, b=settings.b)
        bm25.index([lexical_terms(t, settings.bigrams) or [""] for t in texts], show_progress=False)
        return cls(bm25, settings)

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every chunk for the query ``terms`` (zeros when none match)."""
        vocab = self._bm25.vocab_dict  # type: ignore[attr-defined]
        ids = [vocab[t] for t in terms if t in vocab]
        n = int(self._bm25.scores["num_docs"])  # type: ignore[attr-defined]
        if not ids:
            return np.zeros(n, dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)  # type: ignore[attr-defined]

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
        """Term → id of every indexed term."""
        return self._bm25.vocab_dict  # type: ignore[attr-defined,no-any-return]

    def query_terms(self, text: str) -> list[str]:
        """Terms of a query, tokenised exactly as the chunks were."""
        return lexical_terms(text, self.settings.bigrams)

    def save(self, folder: Path) -> None:
        """Write the bm25s arrays (``.npy``, no pickle) and vocabulary (JSON)."""
        self._bm25.save(str(folder), show_progress=False)  # type: ignore[attr-defined]

    @classmethod
    def load(cls, folder: Path, settings: LexicalSettings) -> LexicalIndex:
        """Read an index written by :meth:`save`."""
        import bm25s

        return cls(bm25s.BM25.load(str(folder), mmap=False, allow_pickle=False), settings)


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
