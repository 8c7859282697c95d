"""Relations between loaded documents: one amends, replaces or repeals (a unit of) another.

"Sửa đổi khoản 2 Điều 1 Nghị quyết số 58/NQ-HĐND …", "Luật Thanh niên số 53/2005/QH11 hết
hiệu lực …", "bãi bỏ Điều 5 của Quyết định số 12/2020/QĐ-UBND". A statement counts when
it has one of those verbs and names a document that is loaded (by number or name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from corpus.loader import Document
from corpus.refs import document_number_mentions, find_documents, find_unit_refs
from corpus.structure import Unit, citation_path, finest_unit
from corpus.text import fold, segments

# Folded verbs, most specific first; the value is how a note says it.
ACTIONS = {
    "sua doi, bo sung": "sửa đổi, bổ sung",
    "sua doi bo sung": "sửa đổi, bổ sung",
    "sua doi": "sửa đổi",
    "bo sung": "bổ sung",
    "thay the": "thay thế",
    "bai bo": "bãi bỏ",
    "het hieu luc": "làm hết hiệu lực",
    "dinh chi": "đình chỉ",
}
_HEADING = re.compile(r"^\s*(?:Điều\s+\d+[a-zđ]?|\d+|[a-zđ])[.):]\s*")
_ACTION = re.compile("|".join(rf"\b{re.escape(a)}\b" for a in ACTIONS))


@dataclass(frozen=True)
class Relation:
    """``source`` (a passage of one document) amends/replaces/repeals ``target_path`` of ``target_doc``."""

    source_doc: str
    source_start: int
    source_end: int
    source_path: tuple[str, ...]
    action: str
    target_doc: str
    target_path: tuple[str, ...]  # () for the whole document
    text: str

    def to_json(self) -> dict[str, Any]:
        """JSON form (paths as lists)."""
        data = asdict(self)
        data["source_path"], data["target_path"] = list(self.source_path), list(self.target_path)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Relation:
        """Inverse of :meth:`to_json`."""
        return cls(**{**data, "source_path": tuple(data["source_path"]),
                      "target_path": tuple(data["target_path"])})


def _target(sentence: str, docs: list[Document], source: Document) -> Document | None:
    by_number = {fold(d.metadata.get("so_hieu", "")).upper(): d for d in docs if d.metadata.get("so_hieu")}
    for number, _, _ in document_number_mentions(sentence):
        doc = by_number.get(number)
        if doc is not None and doc.doc_id != source.doc_id:
            return doc
    named = [d for d, _, _ in find_documents(sentence, docs) if d.doc_id != source.doc_id]
    return named[0] if named else None


def find_relations(docs: list[Document], structures: dict[str, list[Unit]]) -> list[Relation]:
    """Every amend/replace/repeal statement of a loaded document that names another loaded one."""
    out: list[Relation] = []
    for doc in docs:
        for a, b in segments(doc.text):
            # A heading's own label ("Điều 1. Sửa đổi …") is not a reference to a unit.
            head = _HEADING.match(doc.text[a:b])
            a += head.end() if head else 0
            sentence = doc.text[a:b]
            m = _ACTION.search(fold(sentence))
            if not m:
                continue
            target = _target(sentence, docs, doc)
            if target is None:
                continue
            refs = [r for r in find_unit_refs(sentence) if r.parts]
            target_path = refs[0].path if refs else ()
            source_path = citation_path(finest_unit(structures.get(doc.doc_id, []), a, b))
            out.append(Relation(doc.doc_id, a, b, source_path, ACTIONS[m.group()], target.doc_id,
                                target_path, sentence.strip()))
    # "Điều 1. Sửa đổi Luật số …" says the whole law is amended; the statements under it say where.
    specific = {(r.source_doc, r.target_doc) for r in out if r.target_path}
    return [r for r in out if r.target_path or (r.source_doc, r.target_doc) not in specific]


def relations_for(relations: Iterable[Relation], doc_id: str, path: tuple[str, ...]) -> list[Relation]:
    """Relations whose target is the unit ``path`` of ``doc_id`` (or a unit containing it, or the document)."""
    return [r for r in relations if r.target_doc == doc_id
            and (not r.target_path or path[:len(r.target_path)] == r.target_path
                 or r.target_path[:len(path)] == path)]
