"""An index is a folder of plain files, built aside and swapped in atomically.

``<index>`` is a symlink to ``<index>.builds/<build id>/`` holding ``manifest.json``,
``chunks.jsonl``, ``documents.jsonl``, ``vectors.faiss`` and ``bm25/``. A build writes a
new build folder and then replaces the symlink in one ``rename``: readers see the old
index or the new one, never a half-written one, and a build killed half-way leaves the
previous index serving.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from corpus.chunker import Chunk, ChunkerSettings, chunk_corpus
from corpus.errors import IndexStateError
from corpus.io import Progress, read_json, read_jsonl, write_json, write_jsonl
from corpus.loader import BUNDLED_CORPUS, Document, corpus_hash, load_corpus
from index.embedders import Embedder
from index.structures import HNSW_THRESHOLD, DenseIndex, LexicalIndex, LexicalSettings

SCHEMA_VERSION = 2  # 2: BM25 matrix saved as data/indices/indptr.npy + vocab.json
_BATCH = 16


def default_data_dir() -> Path:
    """Where indexes and logs live: ``$QA_DATA_DIR`` or ``~/.cache/qa-nghiquyet``."""
    env = os.environ.get("QA_DATA_DIR")
    return Path(env) if env else Path.home() / ".cache" / "qa-nghiquyet"


def default_index_dir() -> Path:
    """The index used when none is named."""
    return default_data_dir() / "index"


def corpus_of(index_dir: Path) -> Path:
    """The corpus folder an index was built from (the bundled one for a new index)."""
    try:
        recorded = read_json(Path(index_dir) / "manifest.json").get("corpus_dir")
    except (OSError, ValueError, AttributeError):
        recorded = None
    return Path(recorded) if recorded else BUNDLED_CORPUS


@dataclass(frozen=True)
class BuildSettings:
    """Everything about a build that changes what retrieval returns."""

    chunker: ChunkerSettings = field(default_factory=ChunkerSettings)
    lexical: LexicalSettings = field(default_factory=LexicalSettings)
    hnsw_threshold: int = HNSW_THRESHOLD

    def to_json(self) -> dict[str, Any]:
        """JSON form stored in the manifest."""
        return {"chunker": asdict(self.chunker), "lexical": asdict(self.lexical),
                "hnsw_threshold": self.hnsw_threshold}


@dataclass
class Index:
    """A loaded index: chunks, documents and both searchable structures."""

    path: Path
    manifest: dict[str, Any]
    chunks: list[Chunk]
    documents: dict[str, Document]
    lexical: LexicalIndex
    dense: DenseIndex


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _rebuild_hint(index_dir: Path) -> str:
    return f"Hãy dựng lại: qa index build --index {index_dir}"


def _embed_key(embedder: Embedder, text: str) -> str:
    return hashlib.sha256(f"{embedder.name}\x00{embedder.version}\x00{text}".encode()).hexdigest()


def _previous_vectors(index_dir: Path, embedder: Embedder) -> dict[str, np.ndarray]:
    """Vectors of the current index keyed by embedding input, to skip re-embedding."""
    try:
        old = load_index(index_dir)
    except IndexStateError:
        return {}
    if old.manifest["embedder"]["name"] != embedder.name or old.dense.kind != "flat":
        return {}
    vectors = old.dense.vectors()
    return {_embed_key(embedder, c.indexed_text): vectors[i] for i, c in enumerate(old.chunks)}


def build_index(
    index_dir: Path,
    embedder: Embedder,
    corpus_dir: Path = BUNDLED_CORPUS,
    settings: BuildSettings | None = None,
    progress: Progress | None = None,
) -> Index:
    """Build an index of ``corpus_dir`` and swap it in at ``index_dir``."""
    settings = settings or BuildSettings()
    index_dir = Path(index_dir)
    corpus_dir = Path(corpus_dir).resolve()
    docs = load_corpus(corpus_dir)
    chunks = chunk_corpus(docs, settings.chunker)
    texts = [c.indexed_text for c in chunks]

    cached = _previous_vectors(index_dir, embedder)
    keys = [_embed_key(embedder, t) for t in texts]
    todo = [i for i, k in enumerate(keys) if k not in cached]
    vectors = np.zeros((len(chunks), embedder.dim), dtype=np.float32)
    for i, k in enumerate(keys):
        if k in cached:
            vectors[i] = cached[k]
    for done in range(0, len(todo), _BATCH):
        batch = todo[done:done + _BATCH]
        vectors[batch] = embedder.embed_passages([texts[i] for i in batch])
        if progress:
            progress(done + len(batch), len(todo), "Đang nhúng đoạn văn")

    builds = index_dir.parent / f"{index_dir.name}.builds"
    builds.mkdir(parents=True, exist_ok=True)
    build_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    tmp = builds / f"{build_id}.partial"
    tmp.mkdir()
    write_jsonl(tmp / "chunks.jsonl", [c.to_json() for c in chunks])
    write_jsonl(tmp / "documents.jsonl", [
        {"doc_id": d.doc_id, "metadata": d.metadata, "text": d.text} for d in docs
    ])
    dense = DenseIndex.build(vectors, settings.hnsw_threshold)
    dense.save(tmp / "vectors.faiss")
    lexical = LexicalIndex.build(texts, settings.lexical)
    lexical.save(tmp / "bm25")
    files = sorted(p for p in tmp.rglob("*") if p.is_file())
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "embedder": {"spec": embedder.spec, "name": embedder.name, "version": embedder.version,
                     "dim": embedder.dim, "normalised": True},
        "settings": settings.to_json(),
        "dense_kind": dense.kind,
        "corpus_dir": str(corpus_dir),
        "corpus_hash": corpus_hash(docs),
        "documents": [d.doc_id for d in docs],
        "n_chunks": len(chunks),
        "reused_vectors": len(chunks) - len(todo),
        "files": {str(p.relative_to(tmp)): _sha256(p) for p in files},
    }
    write_json(tmp / "manifest.json", manifest)
    for p in [*files, tmp / "manifest.json"]:
        with p.open("rb") as fh:
            os.fsync(fh.fileno())
    final = builds / build_id
    tmp.rename(final)
    _swap_symlink(index_dir, final)
    _remove_old_builds(builds, keep=final)
    return Index(index_dir, manifest, chunks, {d.doc_id: d for d in docs}, lexical, dense)


def _swap_symlink(index_dir: Path, target: Path) -> None:
    if index_dir.exists() and not index_dir.is_symlink():
        raise IndexStateError(
            f"{index_dir} là một thư mục thường, không phải chỉ mục do qa quản lý; hãy chọn --index khác."
        )
    link = index_dir.parent / f".{index_dir.name}.link-{os.getpid()}"
    if link.is_symlink():
        link.unlink()
    link.symlink_to(os.path.relpath(target, index_dir.parent))
    os.replace(link, index_dir)  # atomic on POSIX


def _remove_old_builds(builds: Path, keep: Path) -> None:
    # Keep the previous build for a moment's readers; delete older ones and dead partials.
    finished = sorted((p for p in builds.iterdir() if p != keep and not p.name.endswith(".partial")),
                      key=lambda p: p.stat().st_mtime)
    for old in finished[:-1]:
        shutil.rmtree(old, ignore_errors=True)
    for partial in builds.glob("*.partial"):
        pid = partial.name.split("-")[2] if partial.name.count("-") >= 3 else ""
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(partial, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def load_index(index_dir: Path, verify: bool = True) -> Index:
    """Load and check an index; damaged or unknown ones are refused with how to rebuild."""
    index_dir = Path(index_dir)
    hint = _rebuild_hint(index_dir)
    if not index_dir.exists():
        raise IndexStateError(f"Chưa có chỉ mục tại {index_dir}. Dựng bằng: qa index build --index {index_dir}")
    root = index_dir.resolve()
    try:
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexStateError(f"Tệp manifest.json của chỉ mục {index_dir} bị thiếu hoặc hỏng. {hint}") from exc
    if not isinstance(manifest, dict) or manifest.get("schema_version") != SCHEMA_VERSION:
        raise IndexStateError(f"Chỉ mục {index_dir} được dựng bằng phiên bản khác của chương trình. {hint}")
    if verify:
        for rel, digest in manifest.get("files", {}).items():
            path = root / rel
            if not path.is_file() or _sha256(path) != digest:
                raise IndexStateError(f"Tệp {rel} của chỉ mục {index_dir} bị thiếu hoặc hỏng. {hint}")
    try:
        chunks = [Chunk.from_json(r) for r in read_jsonl(root / "chunks.jsonl")]
        docs = [Document(r["doc_id"], r["text"], r["metadata"]) for r in read_jsonl(root / "documents.jsonl")]
        lex_settings = LexicalSettings(**manifest["settings"]["lexical"])
        lexical = LexicalIndex.load(root / "bm25", lex_settings)
        dense = DenseIndex.load(root / "vectors.faiss")
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexStateError(f"Không đọc được chỉ mục {index_dir} ({type(exc).__name__}). {hint}") from exc
    if dense.size != len(chunks) or manifest.get("n_chunks") != len(chunks):
        raise IndexStateError(f"Chỉ mục {index_dir} không nhất quán (số đoạn khác số vector). {hint}")
    return Index(index_dir, manifest, chunks, {d.doc_id: d for d in docs}, lexical, dense)


def check_fresh(index: Index, embedder: Embedder, corpus_dir: Path, settings: BuildSettings) -> None:
    """Refuse an index built from another corpus, embedder or chunking than requested."""
    m = index.manifest
    hint = _rebuild_hint(index.path)
    if m["embedder"]["name"] != embedder.name or m["embedder"]["dim"] != embedder.dim:
        raise IndexStateError(
            f"Chỉ mục {index.path} được dựng bằng bộ nhúng {m['embedder']['name']}, "
            f"khác bộ nhúng đang dùng ({embedder.name}). {hint} --embedder {embedder.spec}"
        )
    if m["settings"] != settings.to_json():
        raise IndexStateError(f"Chỉ mục {index.path} được dựng với thiết lập cắt đoạn khác. {hint}")
    current = corpus_hash(load_corpus(corpus_dir))
    if m["corpus_hash"] != current:
        raise IndexStateError(
            f"Chỉ mục {index.path} đã cũ: văn bản trong {corpus_dir} đã thay đổi. {hint}"
        )
