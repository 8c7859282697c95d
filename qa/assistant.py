"""The one entry point adapters use: open an index, search clauses, answer questions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from corpus.errors import InputError
from corpus.io import Progress
from corpus.loader import Document
from corpus.targets import Target
from index.embedders import DEFAULT_EMBEDDER, Embedder, make_embedder
from index.store import BuildSettings, Index, build_index, check_fresh, corpus_of, default_index_dir, load_index
from qa.answer import Answerer
from qa.followup import Previous, complete
from qa.locate import Locator, document_year
from qa.query import Filters, Query, make_query, validate_question
from qa.retrieve import MODES, DenseRetriever, FusionSettings, HybridRetriever, LexicalRetriever, Retriever
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
        self.locator = Locator(index)
        self.years = {d.doc_id: document_year(d) for d in index.documents.values()}
        lexical = LexicalRetriever(index)
        self._lexical = lexical
        self._dense = DenseRetriever(index, embedder)
        self.retrievers: dict[str, Retriever] = {
            "lexical": lexical,
            "dense": self._dense,
            "hybrid": HybridRetriever(lexical, self._dense, fusion or FusionSettings()),
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
        """Load the index (building it when missing, if allowed) and refuse a stale one.

        Without ``corpus_dir`` the index is checked against the corpus it was built from.
        """
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

    @property
    def documents(self) -> list[Document]:
        """The loaded documents, in corpus order."""
        return list(self.index.documents.values())

    @property
    def targets(self) -> list[Target]:
        """The structured appendix targets of every loaded plan."""
        return self.index.derived.targets

    def query(self, question: str) -> Query:
        """Validate and analyse a question (raises :class:`InputError`)."""
        derived = self.index.derived
        return make_query(question, derived.abbreviations, derived.restorer, self.index.documents.values())

    def _keep(self, query: Query) -> Callable[[int], bool] | None:
        """Which chunk rows a search may return: the filters, and the documents the question names."""
        filters = query.filters
        doc_ids = filters.doc_ids or query.documents
        active = Filters(doc_ids, filters.kinds, filters.bodies, filters.years, filters.parts)
        if active == Filters():
            return None
        allowed = {d.doc_id for d in self.index.documents.values() if active.keeps(d, self.years[d.doc_id])}
        chunks = self.index.chunks
        tops = {(p,) for p in active.parts}
        return lambda row: chunks[row].doc_id in allowed and (not tops or chunks[row].path[:1] in tops)

    def _prefer_year(self, query: Query, rows: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """With plans for several years loaded, passages of the plan for the year asked come first."""
        if not query.years or len(set(self.years.values())) < 2:
            return rows
        chunks = self.index.chunks
        asked = set(query.years)
        if not any(y in asked for y in self.years.values()):
            return rows
        return sorted(rows, key=lambda rs: self.years[chunks[rs[0]].doc_id] not in asked)

    def search(self, question: str | Query, top_k: int = 5, mode: str = "hybrid",
               filters: Filters | None = None) -> SearchResult:
        """Ranked passages; a unit reference in the question puts that unit's passages first, best first."""
        check_top_k(top_k)
        if mode not in MODES:
            raise InputError(f"Chế độ tìm kiếm phải là một trong {', '.join(MODES)}, nhận được '{mode}'.")
        query = self._analysed(question, filters)
        keep = self._keep(query)
        pinned: list[int] = []
        if query.unit_ref is not None:
            for loc in self.locator.resolve(query.unit_ref, query.filters.doc_ids or query.documents):
                pinned += [r for r in loc.rows if keep is None or keep(r)]
        depth = top_k if keep is None else len(self.index.chunks)
        ranked = self.retrievers[mode].retrieve(query, depth + len(pinned))
        order = {r: i for i, (r, _) in enumerate(ranked)}  # inside the unit, the best match first
        rows = [(r, 1.0) for r in sorted(pinned, key=lambda r: order.get(r, len(order)))]
        seen = set(pinned)
        rows += self._prefer_year(query, [(r, s) for r, s in ranked if r not in seen and (keep is None or keep(r))])
        chunks = self.index.chunks
        hits = [Hit(rank, score, chunks[row]) for rank, (row, score) in enumerate(rows[:top_k], 1)]
        return SearchResult(query, hits)

    @cached_property
    def answerer(self) -> Answerer:
        """The extractive answerer over this index."""
        return Answerer(self.index, self.locator, lambda q, k: self.search(q, k).hits, self._dense.query_vector,
                        self._lexical.known_share, self.years.get, prefetch=self._dense.prefetch)

    def ask(self, question: str | Query, filters: Filters | None = None, previous: Answer | None = None) -> Answer:
        """A short cited answer, or a clear "not in the documents" with the closest passages.

        With ``previous`` (the last answer in a conversation) an elliptical follow-up ("còn năm
        2025?") is first completed from it; the answer then carries the completed question.
        """
        if isinstance(question, str) and previous is not None:
            validate_question(question)
            completed = complete(question, Previous.of(previous), self.index.lexical.idf)
            if completed is not None:
                answer = self.answerer.answer(self._analysed(completed, filters))
                return replace(answer, question=question, understood=completed)
        return self.answerer.answer(self._analysed(question, filters))

    def _analysed(self, question: str | Query, filters: Filters | None) -> Query:
        query = self.query(question) if isinstance(question, str) else question
        if filters is None:
            return query
        unknown = [d for d in filters.doc_ids if d not in self.index.documents]
        if unknown:
            raise InputError(f"Không có văn bản mã '{unknown[0]}'. Xem danh sách: qa corpus list")
        return replace(query, filters=filters)

    def clear_caches(self) -> None:
        """Forget every per-question cache, so the next question costs what a first one costs."""
        self._dense.clear_cache()
        if "answerer" in self.__dict__:
            self.answerer.clear_caches()
