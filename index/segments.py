"""Segments: the sentences and clauses of every chunk, with their vectors, stored at build time.

The answerer scores segments (one indicator per clause in plans, one rule per sentence in
laws). Embedding them once when the index is built, instead of per question, makes a
first-time question cost one query embedding plus arithmetic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.chunker import Chunk
from corpus.text import segments

MIN_WORDS = 3  # shorter fragments ("a)", "Nơi nhận:") are kept for offsets but never embedded


def segment_rows(chunks: list[Chunk]) -> np.ndarray:
    """``(n, 3)`` int32 rows ``(chunk row, start, end)``, offsets into each chunk's text."""
    rows = [(i, a, b) for i, c in enumerate(chunks) for a, b in segments(c.text, clauses=True)]
    return np.array(rows, dtype=np.int32).reshape(-1, 3)


def embed_input(chunk: Chunk, start: int, end: int) -> str:
    """What is embedded for a segment: the chunk's heading path, then the segment."""
    return f"{chunk.context}\n{chunk.text[start:end]}" if chunk.context else chunk.text[start:end]


def worth_embedding(text: str) -> bool:
    """Segments of fewer than :data:`MIN_WORDS` words carry no answer of their own."""
    return len(re.findall(r"\w+", text)) >= MIN_WORDS


@dataclass
class Segments:
    """Segment offsets and their L2-normalised vectors (float16 on disk and in memory)."""

    rows: np.ndarray
    vectors: np.ndarray

    def __post_init__(self) -> None:
        chunk_rows = self.rows[:, 0] if len(self.rows) else np.zeros(0, dtype=np.int32)
        n_chunks = int(chunk_rows.max()) + 1 if len(chunk_rows) else 0
        self._first = np.searchsorted(chunk_rows, np.arange(n_chunks + 1))

    def __len__(self) -> int:
        return len(self.rows)

    def chunk_starts(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows of the chunks that have segments, and the number of each one's first segment."""
        rows = np.flatnonzero(np.diff(self._first) > 0)
        return rows, self._first[rows]

    def of_chunk(self, chunk_row: int) -> range:
        """Segment numbers of one chunk, in reading order."""
        if chunk_row + 1 >= len(self._first):
            return range(0)
        return range(int(self._first[chunk_row]), int(self._first[chunk_row + 1]))

    def save(self, folder: Path) -> None:
        """Write ``rows.npy`` and ``vectors.npy`` (no pickle)."""
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "rows.npy", self.rows.astype(np.int32), allow_pickle=False)
        np.save(folder / "vectors.npy", self.vectors.astype(np.float16), allow_pickle=False)

    @classmethod
    def load(cls, folder: Path) -> Segments:
        """Read what :meth:`save` wrote."""
        return cls(np.load(folder / "rows.npy", allow_pickle=False),
                   np.load(folder / "vectors.npy", allow_pickle=False))
