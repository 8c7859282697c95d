"""The documents behind an index: add files (.txt, .docx, .pdf, .html), list them, remove one.

Every change takes the index's build lock, copies or deletes files in the index's corpus
folder and rebuilds under that same lock, so two staff adding documents at once take turns
and the second build sees the first one's document. Only new or changed text is embedded.
An index built from the bundled corpus gets a corpus folder of its own (``<index>.corpus``,
seeded with the bundled documents) the first time a document is added: the bundled folder
inside the installed package is never written to.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import CorpusError
from corpus.io import Progress, storage_error
from corpus.loader import BUNDLED_CORPUS, document_files, load_corpus, load_document
from index.embedders import Embedder
from index.store import BuildSettings, Index, build_lock, build_unlocked, corpus_of


@dataclass(frozen=True)
class DocumentRow:
    """One line of ``qa corpus list``."""

    doc_id: str
    kind: str
    number: str
    date: str
    title: str
    body: str
    chunks: int
    subject: str


def _own_corpus(index_dir: Path) -> Path:
    """The index's corpus folder, created from the bundled documents when it is the bundled one."""
    current = corpus_of(index_dir).resolve()
    if current != BUNDLED_CORPUS.resolve():
        return current
    own = index_dir.parent / f"{index_dir.name}.corpus"
    if not own.exists():
        try:
            shutil.copytree(BUNDLED_CORPUS, own)
        except OSError as exc:
            raise storage_error(own, exc) from exc
    return own


def add_documents(index_dir: Path, files: list[Path], embedder: Embedder, settings: BuildSettings | None = None,
                  progress: Progress | None = None) -> tuple[Index, list[str]]:
    """Copy ``files`` (and their ``.meta.json`` sidecars) into the index's corpus and rebuild it.

    Every file is read first: a file that cannot be loaded (scanned PDF, wrong encoding) stops
    the command before anything is copied. Returns the rebuilt index and the added document ids.
    """
    docs = [load_document(Path(f)) for f in files]
    with build_lock(index_dir, progress):
        corpus = _own_corpus(index_dir)
        existing = {p.name for p in document_files(corpus)} if corpus.exists() else set()
        loaded_ids = {d.doc_id for d in load_corpus(corpus)} if existing else set()
        for f, doc in zip(files, docs, strict=True):
            if Path(f).name in existing or doc.doc_id in loaded_ids:
                raise CorpusError(f"Văn bản '{doc.doc_id}' ({Path(f).name}) đã có trong {corpus}. "
                                  f"Gỡ trước bằng: qa corpus remove {doc.doc_id}")
        try:
            corpus.mkdir(parents=True, exist_ok=True)
            for f in files:
                f = Path(f)
                shutil.copy2(f, corpus / f.name)
                sidecar = f.with_name(f"{f.stem}.meta.json")
                if sidecar.exists():
                    shutil.copy2(sidecar, corpus / sidecar.name)
        except OSError as exc:
            raise storage_error(corpus, exc) from exc
        index = build_unlocked(index_dir, embedder, corpus.resolve(), settings or BuildSettings(), progress)
    return index, [d.doc_id for d in docs]


def remove_document(index_dir: Path, doc_id: str, embedder: Embedder, settings: BuildSettings | None = None,
                    progress: Progress | None = None) -> Index:
    """Delete the file of ``doc_id`` (and its sidecar) from the index's corpus and rebuild it."""
    with build_lock(index_dir, progress):
        corpus = _own_corpus(index_dir)
        victims = [p for p in document_files(corpus) if load_document(p).doc_id == doc_id]
        if not victims:
            raise CorpusError(f"Không có văn bản mã '{doc_id}' trong {corpus}. Xem danh sách: qa corpus list")
        if len(document_files(corpus)) == len(victims):
            raise CorpusError("Không thể gỡ văn bản cuối cùng: chỉ mục cần ít nhất một văn bản.")
        try:
            for path in victims:
                path.unlink()
                path.with_name(f"{path.stem}.meta.json").unlink(missing_ok=True)
        except OSError as exc:
            raise storage_error(corpus, exc) from exc
        return build_unlocked(index_dir, embedder, corpus.resolve(), settings or BuildSettings(), progress)


def list_documents(index: Index) -> list[DocumentRow]:
    """The documents of a loaded index, in corpus order."""
    counts: dict[str, int] = {}
    for c in index.chunks:
        counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
    rows = []
    for doc in index.documents.values():
        m = doc.metadata
        rows.append(DocumentRow(doc.doc_id, m.get("loai_van_ban", ""), m.get("so_hieu", ""),
                                m.get("ngay_ban_hanh", ""), doc.title, m.get("co_quan_ban_hanh", ""),
                                counts.get(doc.doc_id, 0), m.get("trich_yeu", "")))
    return rows
