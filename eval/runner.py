"""Run a Q&A set through the assistant exactly as users call it, and score it.

Retrieval metrics come from ranx (Recall@k, MRR@10, nDCG@10); a chunk is relevant when
its span overlaps the span of a gold evidence string in the document text.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from corpus.chunker import Chunk
from corpus.text import canonical_number, fold
from eval.dataset import QAItem
from qa.assistant import Assistant

DEPTH = 10
RETRIEVAL_METRICS = ("recall@1", "recall@3", "recall@5", "recall@10", "mrr@10", "ndcg@10")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
Search = Callable[[str, int], list[Chunk]]


def is_relevant(chunk: Chunk, item: QAItem) -> bool:
    """Tell whether the chunk's span overlaps one of the item's evidence spans."""
    return any(doc == chunk.doc_id and chunk.start < end and start < chunk.end
               for doc, start, end in item.spans)


def numbers(text: str) -> list[str]:
    """Numbers in ``text`` in canonical form ("20.000" → "20000", "4.5" → "4,5")."""
    return [canonical_number(n) for n in _NUMBER.findall(text)]


def answer_correct(gold: str, answer: str) -> bool:
    """Every figure of the gold answer is in the answer; without figures, the phrase is."""
    gold_numbers = numbers(gold)
    if gold_numbers:
        have = set(numbers(answer))
        return all(n in have for n in gold_numbers)
    return fold(gold).strip(" .") in fold(answer)


@dataclass
class RetrieverRun:
    """Ranked chunk ids per question for one retriever, with timings."""

    name: str
    ranked: dict[str, list[str]] = field(default_factory=dict)
    first_relevant: dict[str, int | None] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)


def run_retriever(name: str, search: Search, items: Iterable[QAItem],
                  progress: Callable[[], None] | None = None, depth: int = DEPTH) -> RetrieverRun:
    """Search every question with ``search`` (``depth`` passages) and record the ranking."""
    run = RetrieverRun(name)
    for item in items:
        t0 = time.perf_counter()
        chunks = search(item.question, depth)
        run.latencies.append(time.perf_counter() - t0)
        run.ranked[item.id] = [c.id for c in chunks]
        run.first_relevant[item.id] = next(
            (rank for rank, c in enumerate(chunks, 1) if is_relevant(c, item)), None)
        if progress:
            progress()
    return run


def qrels_for(items: list[QAItem], chunks: list[Chunk]) -> dict[str, dict[str, int]]:
    """Relevant chunk ids per answerable question."""
    return {it.id: {c.id: 1 for c in chunks if is_relevant(c, it)} for it in items if it.answerable}


def retrieval_metrics(qrels: dict[str, dict[str, int]], run: RetrieverRun,
                      ids: list[str]) -> dict[str, float]:
    """Compute ranx metrics over the questions ``ids`` (answerable ones only)."""
    from ranx import Qrels, Run, evaluate

    ids = [i for i in ids if qrels.get(i)]
    if not ids:
        return {}
    q = Qrels({i: qrels[i] for i in ids})
    r = Run({i: ({cid: 1.0 / rank for rank, cid in enumerate(run.ranked[i], 1)} or {"∅": 0.0})
             for i in ids})
    scores = evaluate(q, r, list(RETRIEVAL_METRICS), make_comparable=True)
    return {k: float(v) for k, v in scores.items()}


def percentile_ms(values: list[float], q: float) -> float:
    """Percentile of durations (seconds in, milliseconds out)."""
    return float(np.percentile(np.array(values) * 1000, q)) if values else 0.0


def assistant_search(assistant: Assistant, mode: str) -> Search:
    """Search function for one retrieval mode, exactly as ``qa search`` calls it."""
    def search(question: str, k: int) -> list[Chunk]:
        return [h.chunk for h in assistant.search(question, top_k=k, mode=mode).hits]
    return search


@dataclass
class AnswerRun:
    """Per-question answers from ``ask``."""

    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)


def run_answers(assistant: Assistant, items: Iterable[QAItem],
                progress: Callable[[], None] | None = None) -> AnswerRun:
    """Ask every question and judge the answer against the gold."""
    out = AnswerRun()
    for item in items:
        t0 = time.perf_counter()
        ans = assistant.ask(item.question)
        out.latencies.append(time.perf_counter() - t0)
        correct = ans.abstained if not item.answerable else (
            not ans.abstained and answer_correct(item.answer, ans.text))
        cited = [h.chunk for h in ans.citations]
        out.answers[item.id] = {
            "answer": ans.text, "abstained": ans.abstained, "correct": correct,
            "cited": [c.id for c in cited],
            "first_relevant": next((r for r, c in enumerate(cited, 1) if is_relevant(c, item)), None),
        }
        if progress:
            progress()
    return out


def answer_metrics(items: list[QAItem], run: AnswerRun) -> dict[str, float]:
    """Answer accuracy, and abstention precision/recall on unanswerable questions."""
    if not items:
        return {}
    acc = sum(run.answers[i.id]["correct"] for i in items) / len(items)
    abstained = [i for i in items if run.answers[i.id]["abstained"]]
    unanswerable = [i for i in items if not i.answerable]
    right = [i for i in abstained if not i.answerable]
    out = {"answer_accuracy": acc}
    if abstained:
        out["abstention_precision"] = len(right) / len(abstained)
    if unanswerable:
        out["abstention_recall"] = len(right) / len(unanswerable)
    return out
