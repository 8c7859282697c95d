"""What the index derives from the corpus once, at build time, so opening it is cheap.

Abbreviations defined in the documents (and the phrases undefined ones stand for), the
accent restorer's syllable counts, the appendix targets with their restatements, and the
relations between documents. Stored
as ``derived.json`` in the index folder and checked by the manifest like every file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corpus.abbrev import Abbreviations, harvest, phrases_by_initials
from corpus.accents import AccentRestorer
from corpus.chunker import Chunk
from corpus.loader import Document
from corpus.relations import Relation, find_relations
from corpus.structure import Unit
from corpus.targets import Target, link_restatements, parse_targets
from index.structures import LexicalIndex


@dataclass
class Derived:
    """Corpus-level knowledge the answerer needs, computed at build time."""

    abbreviations: Abbreviations
    restorer: AccentRestorer
    targets: list[Target] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    @classmethod
    def compute(cls, docs: list[Document], structures: dict[str, list[Unit]], chunks: list[Chunk],
                lexical: LexicalIndex) -> Derived:
        """Derive everything from the documents, their units, chunks and BM25 statistics."""
        abbreviations = Abbreviations(((a, long) for d in docs for a, long in harvest(d.text).items()),
                                      phrases_by_initials(d.text for d in docs))
        targets = link_restatements(parse_targets(chunks), chunks, lexical.idf, abbreviations.expand)
        return cls(abbreviations, AccentRestorer(d.text for d in docs), targets,
                   find_relations(docs, structures))

    def to_json(self) -> dict[str, Any]:
        """JSON form (``derived.json``)."""
        harvested = {a: long for a, long in self.abbreviations.pairs.items()}
        return {"abbreviations": harvested, "by_initials": self.abbreviations.by_initials,
                "restorer": self.restorer.to_json(),
                "targets": [t.to_json() for t in self.targets],
                "relations": [r.to_json() for r in self.relations]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Derived:
        """Inverse of :meth:`to_json`."""
        # an index built before long forms were read off initials has none: nothing is guessed
        abbreviations = Abbreviations(data["abbreviations"].items(), data.get("by_initials", {}))
        return cls(abbreviations, AccentRestorer.from_json(data["restorer"]),
                   [Target.from_json(t) for t in data["targets"]],
                   [Relation.from_json(r) for r in data["relations"]])
