"""Cut documents into chunks: one per structural unit, long units split with overlap."""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from typing import Any

from corpus.loader import Document
from corpus.structure import Unit, UnitKind, citation_path, leaves, parse_structure

_NUMBER_PREFIX = re.compile(r"^(?:Điều\s+\d+[a-zđ]?\s*[.:]|\d+\.|[a-zđ]\))\s*")
# A first piece shorter than this is a bare heading: it is merged into the next piece.
_MIN_HEAD = 200
# Units whose heading is a label line followed by a title line ("Chương II" / "QUY ĐỊNH CHUNG").
_TITLED = (UnitKind.PART, UnitKind.CHAPTER, UnitKind.SECTION, UnitKind.APPENDIX)

# Paragraph, line, sentence, clause, word: Vietnamese prose splits best at these.
SEPARATORS = ["\n\n", "\n", ". ", "; ", ", ", " ", ""]


@dataclass(frozen=True)
class ChunkerSettings:
    """Chunking knobs; they go into the index manifest so a change forces a rebuild."""

    max_chars: int = 1200
    overlap: int = 200

    def __post_init__(self) -> None:
        if self.max_chars < 100:
            raise ValueError(f"max_chars must be >= 100, got {self.max_chars}")
        if not 0 <= self.overlap < self.max_chars // 2:
            raise ValueError(f"overlap must be in [0, max_chars/2), got {self.overlap}")


@dataclass(frozen=True)
class Chunk:
    """A citable passage: ``doc.text[start:end] == text`` always holds."""

    id: str
    doc_id: str
    path: tuple[str, ...]  # citation labels: ("Điều 8", "khoản 1") or ("Phụ lục", "mục 13")
    section: str
    citation: str
    heading: str
    text: str
    start: int
    end: int
    context: str = ""  # document title and heading path, prepended for embedding and matching

    @property
    def indexed_text(self) -> str:
        """What the retrievers see: the heading path, then the passage."""
        return f"{self.context}\n{self.text}" if self.context else self.text

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-able dict (path as a list)."""
        data = asdict(self)
        data["path"] = list(self.path)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Chunk:
        """Inverse of :meth:`to_json`."""
        return cls(**{**data, "path": tuple(data["path"])})


def citation_for(doc: Document, path: tuple[str, ...]) -> str:
    """Human citation: ``Nghị quyết 31/NQ-HĐND (06/12/2023), Điều 2, khoản 6``."""
    return ", ".join([doc.title, *path])


def unit_title(text: str, unit: Unit) -> str:
    """A unit's title for context: "Phạm vi điều chỉnh", "Chương II QUYỀN SỞ HỮU …"."""
    if unit.kind in _TITLED:
        end = unit.children[0].start if unit.children else unit.end
        lines = [ln.strip() for ln in text[unit.start:end].split("\n") if ln.strip()]
        return " ".join(lines[:2])
    return _NUMBER_PREFIX.sub("", unit.heading)


def _split(text: str, settings: ChunkerSettings) -> list[tuple[int, int]]:
    """Split one unit's text into overlapping spans (offsets relative to ``text``)."""
    if len(text) <= settings.max_chars:
        return [(0, len(text))]
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=settings.max_chars,
        chunk_overlap=settings.overlap,
        separators=SEPARATORS,
        keep_separator="end",
        strip_whitespace=True,
    )
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in splitter.split_text(text):
        # Pieces are verbatim substrings in order; overlap means the next one may
        # start before the previous one ended, so search from just after its start.
        pos = text.find(piece, cursor)
        if pos < 0:
            pos = text.find(piece)
        spans.append((pos, pos + len(piece)))
        cursor = pos + 1
    if len(spans) > 1 and spans[0][1] - spans[0][0] < _MIN_HEAD:
        spans[1] = (spans[0][0], spans[1][1])
        del spans[0]
    return spans


def chunk_document(doc: Document, settings: ChunkerSettings | None = None,
                   units: list[Unit] | None = None) -> list[Chunk]:
    """Chunks of one document, in reading order; never across two khoản, điều or mục."""
    settings = settings or ChunkerSettings()
    units = parse_structure(doc.text, doc.profile) if units is None else units
    chunks: list[Chunk] = []
    for chain, start, end in leaves(doc.text, units):
        unit = chain[-1]
        path = citation_path(chain)
        titles = [unit_title(doc.text, u) for u in chain]
        for rel_start, rel_end in _split(doc.text[start:end], settings):
            a, b = start + rel_start, start + rel_end
            text = doc.text[a:b]
            shown = [t for t in titles[:-1] if t] + ([titles[-1]] if titles[-1] and titles[-1] not in text else [])
            digest = hashlib.sha256(f"{doc.doc_id}\x00{a}\x00{text}".encode()).hexdigest()[:16]
            chunks.append(Chunk(
                id=digest,
                doc_id=doc.doc_id,
                path=path,
                section=" ".join(path),
                citation=citation_for(doc, path),
                heading=unit.heading,
                text=text,
                start=a,
                end=b,
                context=" › ".join([doc.title, *shown]),
            ))
    return chunks


def chunk_corpus(docs: list[Document], settings: ChunkerSettings | None = None) -> list[Chunk]:
    """Chunks of every document, documents in the given order."""
    return [c for d in docs for c in chunk_document(d, settings)]
