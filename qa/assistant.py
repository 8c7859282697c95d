"""The one entry point adapters use: open an index, search clauses, answer questions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from corpus.abbrev import Abbreviations, harvest
from corpus.accents import AccentRestorer
from corpus.errors import InputError
from corpus.loader import BUNDLED_CORPUS
from index.embedders import DEFAULT_EMBEDDER, Embedder, make_embedder
from index.store import (
    BuildSettings,
    Index,
    Progress,
    build_index,
    check_fresh,
    default_index_dir,
    load_index,
)
from qa.answer import Answerer
from qa.query import Query, make_query
from qa.retrieve import (
    MODES,
    DenseRetriever,
    FusionSettings,
    HybridRetriever,
    LexicalRetriever,
    Retriever,
    clause_rows,
)
from qa.types import Answer, Hit

MAX_TOP_K = 100


@dataclass(frozen=True)
class SearchResult:
    """Hits for one question, with the analysed query (for highlighting)."""

    query: Query
    hits: list[Hit]

    def to_json(self) -> dict[str, object]:
        """The documented shape of ``qa search --json``."""
        return {"question": self.query.text, "hits": [h.to_json() for h in self.hits]}


class Assistant:
    """Answers from the indexed documents only; the CLI, the UI and eval all call this."""

    def __init__(self, index: Index, embedder: Embedder, fusion: FusionSettings | None = None) -> None:
        """Serve ``index`` with ``embedder`` (must be the one the index was built with)."""
        self.index = index
        self.embedder = embedder
        self.abbreviations = Abbreviations(
            (a, long) for d in index.documents.values() for a, long in harvest(d.text).items()
        )
        self.restorer = AccentRestorer(d.text for d in index.documents.values())
        lexical = LexicalRetriever(index)
        dense = DenseRetriever(index, embedder)
        self.retrievers: dict[str, Retriever] = {
            "lexical": lexical,
            "dense": dense,
            "hybrid": HybridRetriever(lexical, dense, fusion or FusionSettings()),
        }

    @classmethod
    def open(
        cls,
        index_dir: Path | None = None,
        corpus_dir: Path | None = None,
        embedder: str | Embedder = DEFAULT_EMBEDDER,
        settings: BuildSettings | None = None,
        build_if_missing: bool = True,
        progress: Progress | None = None,
    ) -> Assistant:
        """Load the index (building it when missing, if allowed) and refuse a stale one."""
        index_dir = Path(index_dir) if index_dir else default_index_dir()
        corpus_dir = Path(corpus_dir) if corpus_dir else BUNDLED_CORPUS
        settings = settings or BuildSettings()
        emb = make_embedder(embedder) if isinstance(embedder, str) else embedder
        if not index_dir.exists() and build_if_missing:
            index = build_index(index_dir, emb, corpus_dir, settings, progress)
        else:
            index = load_index(index_dir)
            check_fresh(index, emb, corpus_dir, settings)
        return cls(index, emb)

    def query(self, question: str) -> Query:
        """Validate and analyse a question (raises :class:`InputError`)."""
        return make_query(question, self.abbreviations, self.restorer)

    def search(self, question: str, top_k: int = 5, mode: str = "hybrid",
               doc_id: str | None = None, part: str | None = None) -> SearchResult:
        """Ranked passages; a clause reference in the question puts that unit first.

        ``part`` keeps only one top-level part ("Điều 2", "Phụ lục", …).
        """
        if not isinstance(top_k, int) or not 1 <= top_k <= MAX_TOP_K:
            raise InputError(f"Số kết quả phải từ 1 đến {MAX_TOP_K}, nhận được {top_k}.")
        if mode not in MODES:
            raise InputError(f"Chế độ tìm kiếm phải là một trong {', '.join(MODES)}, nhận được '{mode}'.")
        if doc_id is not None and doc_id not in self.index.documents:
            raise InputError(f"Không có văn bản mã '{doc_id}'.")
        query = self.query(question)
        chunks = self.index.chunks

        def keep(row: int) -> bool:
            c = chunks[row]
            return (doc_id is None or c.doc_id == doc_id) and (part is None or c.path[0] == part)

        pinned = [r for r in clause_rows(self.index, query.clause_ref, doc_id) if keep(r)] \
            if query.clause_ref else []
        depth = top_k if doc_id is None and part is None else len(chunks)
        ranked = self.retrievers[mode].retrieve(query, depth + len(pinned))
        rows: list[tuple[int, float]] = [(r, 1.0) for r in pinned]
        seen = set(pinned)
        rows += [(r, s) for r, s in ranked if r not in seen and keep(r)]
        hits = [Hit(rank, score, chunks[row]) for rank, (row, score) in enumerate(rows[:top_k], 1)]
        return SearchResult(query, hits)

    @cached_property
    def answerer(self) -> Answerer:
        """Extractive answerer (term weights and appendix targets), built once."""
        return Answerer(self)

    def ask(self, question: str) -> Answer:
        """A short cited answer, or a clear "not in the documents" with the closest passages."""
        return self.answerer.answer(question)

