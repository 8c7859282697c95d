"""The one entry point adapters use: open an index, search clauses, answer questions."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from corpus.abbrev import Abbreviations, harvest
from corpus.accents import AccentRestorer
from corpus.errors import InputError
from corpus.io import Progress
from index.embedders import DEFAULT_EMBEDDER, Embedder, make_embedder
from index.store import (
    BuildSettings,
    Index,
    build_index,
    check_fresh,
    corpus_of,
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
from qa.targets import Target
from qa.types import Answer, Hit, SearchResult

MAX_TOP_K = 100


def check_top_k(top_k: object) -> int:
    """``top_k`` as an int in ``[1, MAX_TOP_K]``, or :class:`InputError` in Vietnamese."""
    if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= MAX_TOP_K:
        raise InputError(f"Số kết quả phải từ 1 đến {MAX_TOP_K}, nhận được {top_k}.")
    return top_k


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
        self._dense = dense
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
        corpus_dir = Path(corpus_dir) if corpus_dir else corpus_of(index_dir)
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
        check_top_k(top_k)
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

    def clear_caches(self) -> None:
        """Forget every per-question cache, so the next question costs what a first one costs."""
        self._dense.clear_cache()
        if "answerer" in self.__dict__:
            self.answerer.clear_caches()

    @property
    def targets(self) -> list[Target]:
        """The structured appendix targets of every loaded plan."""
        return self.answerer.targets

    @cached_property
    def answerer(self) -> Answerer:
        """Extractive answerer (term weights and appendix targets), built once."""
        return Answerer(self)

    def ask(self, question: str) -> Answer:
        """A short cited answer, or a clear "not in the documents" with the closest passages."""
        return self.answerer.answer(question)

