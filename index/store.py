"""An index is a folder of plain files, built aside and swapped in atomically.

``<index>`` is a symlink to ``<index>.builds/<build id>/`` holding ``manifest.json``,
``documents.jsonl``, ``units.jsonl``, ``chunks.jsonl``, ``vectors.faiss``, ``bm25/``,
``segments/`` (sentence offsets and vectors) and ``derived.json`` (abbreviations, accent
restorer, targets, relations). A build writes a new build folder and then replaces the
symlink in one ``rename``: readers see the old index or the new one, never a half-written
one, and a build killed half-way leaves the previous index serving. Builds of one index
take turns under a file lock (``<index>.lock``), so two writers never both embed
everything and the later one always sees what the earlier one added.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from corpus.chunker import Chunk, ChunkerSettings, chunk_document
from corpus.errors import IndexStateError
from corpus.io import Progress, default_data_dir, read_json, read_jsonl, storage_error, write_json, write_jsonl
from corpus.loader import BUNDLED_CORPUS, Document, corpus_hash, document_files, load_corpus
from corpus.structure import Unit, parse_structure, units_from_rows, units_to_rows
from index.derived import Derived
from index.embedders import Embedder, embed_passages_bulk
from index.segments import Segments, embed_input, segment_rows, worth_embedding
from index.structures import HNSW_THRESHOLD, DenseIndex, LexicalIndex, LexicalSettings

SCHEMA_VERSION = 3  # 3: units, segments with vectors, derived.json, corpus folder recorded


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
    """A loaded index: documents, their units, chunks, both searchable structures, segments."""

    path: Path
    manifest: dict[str, Any]
    documents: dict[str, Document]
    structures: dict[str, list[Unit]]
    chunks: list[Chunk]
    lexical: LexicalIndex
    dense: DenseIndex
    segments: Segments
    derived: Derived


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def rebuild_hint(index_dir: Path) -> str:
    """The command that rebuilds *this* index from *its* corpus."""
    corpus = corpus_of(index_dir)
    where = "" if corpus == BUNDLED_CORPUS else f" --corpus {corpus}"
    return f"Hãy dựng lại: qa index build --index {index_dir}{where}"


def source_stats(corpus_dir: Path) -> dict[str, list[int]]:
    """Size and modification time of every document file and sidecar: a cheap freshness check."""
    out = {}
    for path in document_files(corpus_dir):
        for p in (path, path.with_name(f"{path.stem}.meta.json")):
            if p.exists():
                st = p.stat()
                out[p.name] = [st.st_size, st.st_mtime_ns]
    return out


def _embed_key(embedder: Embedder, text: str) -> str:
    return hashlib.sha256(f"{embedder.name}\x00{embedder.version}\x00{text}".encode()).hexdigest()


def _previous_vectors(index_dir: Path, embedder: Embedder) -> dict[str, np.ndarray]:
    """Vectors of the current index (chunks and segments) keyed by embedding input."""
    try:
        old = load_index(index_dir, verify=False)
    except IndexStateError:
        return {}
    if old.manifest["embedder"]["name"] != embedder.name or old.dense.kind != "flat":
        return {}
    vectors = old.dense.vectors()
    cached = {_embed_key(embedder, c.indexed_text): vectors[i] for i, c in enumerate(old.chunks)}
    for (row, a, b), vec in zip(old.segments.rows, old.segments.vectors, strict=True):
        if vec.any():
            cached.setdefault(_embed_key(embedder, embed_input(old.chunks[row], int(a), int(b))),
                              vec.astype(np.float32))
    return cached


@contextmanager
def build_lock(index_dir: Path, progress: Progress | None = None) -> Iterator[None]:
    """Hold ``<index>.lock``: one build (or corpus change) of an index at a time; others wait."""
    lock_path = index_dir.parent / f"{index_dir.name}.lock"
    try:
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise storage_error(lock_path, exc) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if progress:
                progress(0, 0, "Đang chờ một lần dựng chỉ mục khác xong")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _embed_all(texts: list[str], embedder: Embedder, cached: dict[str, np.ndarray],
               progress: Progress | None) -> tuple[np.ndarray, int]:
    """Vectors for ``texts`` and how many distinct texts were embedded (the rest reused by content)."""
    keys = [_embed_key(embedder, t) for t in texts]
    vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    todo: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        if k in cached:
            vectors[i] = cached[k]
        else:
            todo.setdefault(k, []).append(i)
    if todo:
        unique = [texts[rows[0]] for rows in todo.values()]
        fresh = embed_passages_bulk(embedder, unique, progress)
        for vec, rows in zip(fresh, todo.values(), strict=True):
            vectors[rows] = vec
    return vectors, len(todo)


def build_index(
    index_dir: Path,
    embedder: Embedder,
    corpus_dir: Path = BUNDLED_CORPUS,
    settings: BuildSettings | None = None,
    progress: Progress | None = None,
) -> Index:
    """Build an index of ``corpus_dir`` and swap it in at ``index_dir``; unchanged text is not re-embedded."""
    index_dir = Path(index_dir)
    with build_lock(index_dir, progress):
        return build_unlocked(index_dir, embedder, Path(corpus_dir).resolve(),
                              settings or BuildSettings(), progress)


def build_unlocked(index_dir: Path, embedder: Embedder, corpus_dir: Path, settings: BuildSettings,
                   progress: Progress | None) -> Index:
    """:func:`build_index` for a caller that already holds :func:`build_lock` (corpus changes)."""
    t0 = time.monotonic()
    stats = source_stats(corpus_dir) if corpus_dir.is_dir() else {}
    docs = load_corpus(corpus_dir)
    structures = {d.doc_id: parse_structure(d.text, d.profile) for d in docs}
    chunks = [c for d in docs for c in chunk_document(d, settings.chunker, structures[d.doc_id])]
    rows = segment_rows(chunks)
    seg_texts = [embed_input(chunks[r], a, b) for r, a, b in rows]
    seg_used = [i for i, (r, a, b) in enumerate(rows) if worth_embedding(chunks[r].text[a:b])]
    texts = [c.indexed_text for c in chunks] + [seg_texts[i] for i in seg_used]

    vectors, embedded = _embed_all(texts, embedder, _previous_vectors(index_dir, embedder), progress)
    seg_vectors = np.zeros((len(rows), embedder.dim), dtype=np.float32)
    seg_vectors[seg_used] = vectors[len(chunks):]

    if progress:
        progress(0, 1, "Đang dựng BM25 và dữ liệu phụ")
    lexical = LexicalIndex.build([c.indexed_text for c in chunks], settings.lexical)
    dense = DenseIndex.build(vectors[:len(chunks)], settings.hnsw_threshold)
    segments = Segments(rows, seg_vectors)
    derived = Derived.compute(docs, structures, chunks, lexical)

    builds = index_dir.parent / f"{index_dir.name}.builds"
    build_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    tmp = builds / f"{build_id}.partial"
    try:
        tmp.mkdir(parents=True)
        write_jsonl(tmp / "documents.jsonl", [{"doc_id": d.doc_id, "metadata": d.metadata, "text": d.text}
                                              for d in docs])
        write_jsonl(tmp / "units.jsonl", [{"doc_id": d.doc_id, **row} for d in docs
                                          for row in units_to_rows(structures[d.doc_id])])
        write_jsonl(tmp / "chunks.jsonl", [c.to_json() for c in chunks])
        dense.save(tmp / "vectors.faiss")
        lexical.save(tmp / "bm25")
        segments.save(tmp / "segments")
        write_json(tmp / "derived.json", derived.to_json(), indent=None)
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
            "sources": stats,
            "documents": [d.doc_id for d in docs],
            "document_hashes": {d.doc_id: d.content_hash for d in docs},
            "n_chunks": len(chunks),
            "n_segments": len(segments),
            "embedded": embedded,
            "reused_vectors": len(texts) - embedded,
            "build_seconds": round(time.monotonic() - t0, 2),
            "files": {str(p.relative_to(tmp)): _sha256(p) for p in files},
        }
        write_json(tmp / "manifest.json", manifest)
        for p in [*files, tmp / "manifest.json"]:
            with p.open("rb") as fh:
                os.fsync(fh.fileno())
        final = builds / build_id
        tmp.rename(final)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise storage_error(tmp, exc) from exc
    _swap_symlink(index_dir, final)
    _remove_old_builds(builds, keep=final)
    return Index(index_dir, manifest, {d.doc_id: d for d in docs}, structures, chunks, lexical, dense,
                 segments, derived)


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
    if not index_dir.exists():
        raise IndexStateError(f"Chưa có chỉ mục tại {index_dir}. Dựng bằng: qa index build --index {index_dir}"
                              " --corpus THƯ_MỤC_VĂN_BẢN")
    hint = rebuild_hint(index_dir)
    root = index_dir.resolve()
    try:
        manifest = read_json(root / "manifest.json")
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
        docs = [Document(r["doc_id"], r["text"], r["metadata"]) for r in read_jsonl(root / "documents.jsonl")]
        unit_rows: dict[str, list[dict[str, Any]]] = {d.doc_id: [] for d in docs}
        for row in read_jsonl(root / "units.jsonl"):
            unit_rows[row.pop("doc_id")].append(row)
        structures = {doc_id: units_from_rows(rows) for doc_id, rows in unit_rows.items()}
        chunks = [Chunk.from_json(r) for r in read_jsonl(root / "chunks.jsonl")]
        lexical = LexicalIndex.load(root / "bm25", LexicalSettings(**manifest["settings"]["lexical"]))
        dense = DenseIndex.load(root / "vectors.faiss")
        segments = Segments.load(root / "segments")
        derived = Derived.from_json(read_json(root / "derived.json"))
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexStateError(f"Không đọc được chỉ mục {index_dir} ({type(exc).__name__}). {hint}") from exc
    if dense.size != len(chunks) or manifest.get("n_chunks") != len(chunks):
        raise IndexStateError(f"Chỉ mục {index_dir} không nhất quán (số đoạn khác số vector). {hint}")
    return Index(index_dir, manifest, {d.doc_id: d for d in docs}, structures, chunks, lexical, dense,
                 segments, derived)


def check_fresh(index: Index, embedder: Embedder, corpus_dir: Path, settings: BuildSettings) -> None:
    """Refuse an index built from another corpus, embedder or chunking than requested."""
    m = index.manifest
    hint = rebuild_hint(index.path)
    if m["embedder"]["name"] != embedder.name or m["embedder"]["dim"] != embedder.dim:
        raise IndexStateError(
            f"Chỉ mục {index.path} được dựng bằng bộ nhúng {m['embedder']['name']}, "
            f"khác bộ nhúng đang dùng ({embedder.name}). {hint} --embedder {embedder.spec}"
        )
    if m["settings"] != settings.to_json():
        raise IndexStateError(f"Chỉ mục {index.path} được dựng với thiết lập cắt đoạn khác. {hint}")
    if Path(m.get("corpus_dir", "")).resolve() != Path(corpus_dir).resolve():
        raise IndexStateError(
            f"Chỉ mục {index.path} được dựng từ thư mục {m.get('corpus_dir')}, không phải {corpus_dir}. "
            f"Bỏ --corpus để dùng thư mục của chỉ mục, hoặc dựng chỉ mục khác bằng --index."
        )
    if m.get("sources") and source_stats(corpus_dir) == m["sources"]:
        return  # no file changed since the build: no need to read them all
    if m["corpus_hash"] != corpus_hash(load_corpus(corpus_dir)):
        raise IndexStateError(
            f"Chỉ mục {index.path} đã cũ: văn bản trong {corpus_dir} đã thay đổi. {hint}"
        )
