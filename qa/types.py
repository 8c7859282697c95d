"""Data that leaves the QA stage: hits and answers, with their fixed JSON shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corpus.chunker import Chunk
from qa.query import Query


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its rank (1-based) and fused score."""

    rank: int
    score: float
    chunk: Chunk

    def to_json(self) -> dict[str, Any]:
        """The documented hit shape of ``qa search --json``."""
        c = self.chunk
        return {"rank": self.rank, "score": round(float(self.score), 6), "chunk_id": c.id,
                "doc_id": c.doc_id, "citation": c.citation, "section": c.section,
                "text": c.text, "start": c.start, "end": c.end}


@dataclass(frozen=True)
class Span:
    """Where the answer is: offsets inside a chunk's text."""

    chunk_id: str
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"chunk_id": self.chunk_id, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class AnswerPart:
    """One line of a two-part or comparison answer."""

    question: str
    answer: str
    figure: str
    span: Span | None
    citation: str  # "" when the documents do not cover this part
    abstained: bool

    def to_json(self) -> dict[str, Any]:
        """JSON form (an element of ``parts``)."""
        return {"question": self.question, "answer": self.answer, "figure": self.figure,
                "span": self.span.to_json() if self.span else None, "citation": self.citation,
                "abstained": self.abstained}


@dataclass(frozen=True)
class Answer:
    """A short answer, whether the documents did not say, and the passages behind it."""

    question: str
    text: str
    abstained: bool
    citations: list[Hit]
    figure: str = ""  # the exact figure/phrase, when one was found
    span: Span | None = None
    target: dict[str, Any] | None = None  # structured appendix row, for target questions
    notes: list[str] = field(default_factory=list)  # e.g. figures that differ between places
    query: Query | None = field(default=None, compare=False)  # the analysed question (for highlighting)
    answer_type: str = "fact"
    parts: list[AnswerPart] = field(default_factory=list)  # one per part of a two-part question
    short: str = ""  # the short answer alone: figure, date, body, "Có"/"Không", citation …
    understood: str = ""  # the completed question, when a follow-up was completed from the chat
    probability: float | None = None  # P(the documents answer the question), from the learned gate
    refusal: str = ""  # why the answer was refused (qa.answer.Refusal), "" when answered

    def to_json(self) -> dict[str, Any]:
        """The documented shape of ``qa ask --json``."""
        return {"question": self.question, "answer": self.text, "abstained": self.abstained,
                "answer_type": self.answer_type, "short": self.short, "figure": self.figure,
                "span": self.span.to_json() if self.span else None, "target": self.target, "notes": self.notes,
                "parts": [p.to_json() for p in self.parts], "understood": self.understood or None,
                "probability": None if self.probability is None else round(self.probability, 4),
                "refusal": self.refusal or None,
                "citations": [h.to_json() for h in self.citations]}


@dataclass(frozen=True)
class SearchResult:
    """Hits for one question, with the analysed query (for highlighting)."""

    query: Query
    hits: list[Hit]

    def to_json(self) -> dict[str, Any]:
        """The documented shape of ``qa search --json``."""
        return {"question": self.query.text, "hits": [h.to_json() for h in self.hits]}
