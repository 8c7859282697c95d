"""Where things are in an index: the unit a reference names, its chunks, a span's finest unit.

Units come from the index (``units.jsonl``), so citations, clause look-up and the app's
anchors all use the structure the chunks were cut from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.chunker import Chunk
from corpus.figures import YEAR
from corpus.loader import Document
from corpus.refs import UnitRef, issue_year, unit_matches
from corpus.structure import Unit, UnitKind, citation_path, finest_unit
from corpus.text import fold
from index.store import Index


@dataclass(frozen=True)
class Located:
    """A unit found in one document: the document, the unit's ancestry and its chunk rows."""

    doc: Document
    chain: tuple[Unit, ...]
    rows: tuple[int, ...]

    @property
    def unit(self) -> Unit:
        """The unit itself."""
        return self.chain[-1]

    @property
    def citation(self) -> str:
        """"Luật An ninh mạng 24/2018/QH14, Điều 8, khoản 1, điểm a"."""
        return ", ".join([self.doc.title, *citation_path(self.chain)])


class Locator:
    """Looks units, chunks and citations up in one index."""

    def __init__(self, index: Index) -> None:
        """Group chunk rows by document once."""
        self.index = index
        self._rows_by_doc: dict[str, list[int]] = {}
        for row, chunk in enumerate(index.chunks):
            self._rows_by_doc.setdefault(chunk.doc_id, []).append(row)

    def rows_in(self, doc_id: str, start: int, end: int) -> tuple[int, ...]:
        """Chunk rows of ``doc_id`` that overlap ``[start, end)``, in reading order."""
        chunks = self.index.chunks
        return tuple(r for r in self._rows_by_doc.get(doc_id, ())
                     if chunks[r].start < end and start < chunks[r].end)

    def resolve(self, ref: UnitRef, doc_ids: tuple[str, ...] = ()) -> list[Located]:
        """The unit ``ref`` names in each document (only ``doc_ids`` when given), in corpus order."""
        found = []
        for doc_id, units in self.index.structures.items():
            if doc_ids and doc_id not in doc_ids:
                continue
            doc = self.index.documents[doc_id]
            for chain in self._matching(units, ref):
                rows = self.rows_in(doc_id, chain[-1].start, chain[-1].end)
                if rows:
                    found.append(Located(doc, chain, rows))
                    break  # one unit per document
        return found

    @staticmethod
    def _matching(units: list[Unit], ref: UnitRef) -> list[tuple[Unit, ...]]:
        if ref.task is not None:  # "nhiệm vụ số N": khoản N of the Điều whose heading speaks of tasks
            for top in units:
                for ancestry, unit in top.walk():
                    if unit.kind is UnitKind.ARTICLE and "nhiem vu" in fold(unit.heading):
                        return [(*ancestry, unit, c) for c in unit.children
                                if c.kind is UnitKind.CLAUSE and c.number == ref.task]
            return []
        return [(*ancestry, unit) for top in units for ancestry, unit in top.walk()
                if unit_matches((*ancestry, unit), ref)]

    def finest(self, chunk: Chunk, start: int, end: int) -> tuple[Unit, ...]:
        """Ancestry of the smallest unit holding ``[start, end)`` of ``chunk``'s text."""
        return finest_unit(self.index.structures.get(chunk.doc_id, []), chunk.start + start, chunk.start + end)

    def citation_of(self, chunk: Chunk, start: int, end: int) -> str:
        """Citation of a span to its finest unit: "…, Điều 8, khoản 1, điểm a"."""
        path = citation_path(self.finest(chunk, start, end))
        doc = self.index.documents[chunk.doc_id]
        return ", ".join([doc.title, *path]) if path else chunk.citation


def plan_year(doc: Document) -> str | None:
    """The year a plan is for, from its subject: "Về kế hoạch … năm 2024" → "2024"."""
    m = re.search(r"năm\s+((?:19|20)\d{2})", doc.metadata.get("trich_yeu", ""))
    return m.group(1) if m else None


def covered_years(text: str) -> set[str]:
    """Years a text names, periods included: "giai đoạn 2021-2025" covers 2021 … 2025."""
    years = set(YEAR.findall(text))
    for a, b in re.findall(r"\b((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})\b", text):
        if int(a) < int(b) <= int(a) + 30:
            years.update(str(y) for y in range(int(a), int(b) + 1))
    return years


def document_year(doc: Document) -> str | None:
    """The year a document is about: the plan year in its subject ("năm 2024"), else its issue year."""
    subject = doc.metadata.get("trich_yeu", "")
    return plan_year(doc) or (YEAR.findall(subject) or [None])[0] or issue_year(doc)
