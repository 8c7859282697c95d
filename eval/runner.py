"""Run a Q&A set through the assistant exactly as users call it, and score it.

Retrieval metrics come from ranx (Recall@k, MRR@10, nDCG@10); a chunk is relevant when
its span overlaps the span of a gold evidence string in the document text.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from corpus.chunker import Chunk
from corpus.figures import figures, numbers
from corpus.text import fold, tokens
from eval.dataset import Conversation, QAItem
from qa.assistant import Assistant

DEPTH = 10
RETRIEVAL_METRICS = ("recall@1", "recall@3", "recall@5", "recall@10", "mrr@10", "ndcg@10")
Search = Callable[[str, int], list[Chunk]]


def is_relevant(chunk: Chunk, item: QAItem) -> bool:
    """Tell whether the chunk's span overlaps one of the item's evidence spans."""
    return any(doc == chunk.doc_id and chunk.start < end and start < chunk.end
               for doc, start, end in item.spans)


def answer_correct(gold: str, answer: str) -> bool:
    """Every figure of the gold answer is in the answer; without figures, every phrase is.

    A gold answer lists its parts or items separated by ";" ("UBND Thành phố; Thường trực HĐND
    Thành phố"): each must appear, in whatever order and with whatever punctuation between.
    """
    gold_numbers = numbers(gold)
    if gold_numbers:
        have = set(numbers(answer))
        return all(n in have for n in gold_numbers)
    folded = fold(answer)
    return all(fold(part).strip(" .") in folded for part in gold.split(";") if part.strip(" ."))


def _figure_keys(text: str) -> set[tuple[tuple[str, ...], str]]:
    """Normalised figures of a short answer: (numbers, folded unit) for each figure."""
    found = set()
    for part in re.split(r";", text):
        for f in figures(part):
            found.add((tuple(f.numbers), fold(f.unit)))
    return found


def exact_match(gold: str, short: str) -> bool:
    """The short answer states exactly the gold figures (value and unit), or exactly the gold phrase."""
    keys = _figure_keys(gold)
    if keys:
        return keys == _figure_keys(short)
    return _norm(gold) == _norm(short)


def _norm(text: str) -> str:
    return " ".join(tokens(text))


def token_f1(gold: str, short: str) -> float:
    """Token F1 (folded syllables and numbers) of the short answer against the gold answer."""
    g, s = tokens(gold), tokens(short)
    if not g or not s:
        return float(g == s)
    common = sum((Counter(g) & Counter(s)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(s), common / len(g)
    return 2 * precision * recall / (precision + recall)


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


def ranx_pair(qrels: dict[str, dict[str, int]], run: RetrieverRun, ids: list[str]) -> tuple[Any, Any] | None:
    """Ranx ``Qrels`` and ``Run`` over the questions ``ids`` that have relevant chunks (None if none)."""
    from ranx import Qrels, Run

    ids = [i for i in ids if qrels.get(i)]
    if not ids:
        return None
    q = Qrels({i: qrels[i] for i in ids})
    r = Run({i: ({cid: 1.0 / rank for rank, cid in enumerate(run.ranked.get(i, []), 1)} or {"∅": 0.0})
             for i in ids})
    return q, r


def retrieval_metrics(qrels: dict[str, dict[str, int]], run: RetrieverRun,
                      ids: list[str]) -> dict[str, float]:
    """Compute ranx metrics over the questions ``ids`` (answerable ones only)."""
    from ranx import evaluate

    pair = ranx_pair(qrels, run, ids)
    if pair is None:
        return {}
    scores = evaluate(*pair, list(RETRIEVAL_METRICS), make_comparable=True)
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
        short = ans.figure or ans.short
        cited = [h.chunk for h in ans.citations]
        out.answers[item.id] = {
            "answer": ans.text, "abstained": ans.abstained, "correct": correct, "short": short,
            "exact": ans.abstained if not item.answerable else (not ans.abstained and exact_match(item.answer, short)),
            "f1": float(ans.abstained) if not item.answerable else (0.0 if ans.abstained else
                                                                     token_f1(item.answer, short)),
            "probability": ans.probability, "answer_type": ans.answer_type,
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
    a = run.answers
    out = {"answer_accuracy": sum(a[i.id]["correct"] for i in items) / len(items),
           "exact_match": sum(a[i.id]["exact"] for i in items) / len(items),
           "token_f1": sum(a[i.id]["f1"] for i in items) / len(items)}
    abstained = [i for i in items if a[i.id]["abstained"]]
    answerable = [i for i in items if i.answerable]
    unanswerable = [i for i in items if not i.answerable]
    right = [i for i in abstained if not i.answerable]
    if abstained:
        out["abstention_precision"] = len(right) / len(abstained)
    if unanswerable:
        out["abstention_recall"] = len(right) / len(unanswerable)
    if answerable:
        out["wrong_refusals"] = sum(a[i.id]["abstained"] for i in answerable) / len(answerable)
    return out


def run_conversations(assistant: Assistant, conversations: Iterable[Conversation],
                      progress: Callable[[], None] | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Ask each first turn, then the second with the first answer as context, exactly as the chat does."""
    rows = []
    for conv in conversations:
        first = assistant.ask(conv.first)
        second = assistant.ask(conv.second, previous=first)
        correct = second.abstained if not conv.answerable else (
            not second.abstained and answer_correct(conv.answer, second.text))
        rows.append({"id": conv.id, "elliptical": conv.elliptical, "first": conv.first, "second": conv.second,
                     "understood": second.understood, "gold_rewrite": conv.rewrite, "answer": second.text,
                     "abstained": second.abstained, "correct": correct,
                     "rewritten": bool(second.understood)})
        if progress:
            progress()

    def block(subset: list[dict[str, Any]]) -> dict[str, Any]:
        if not subset:
            return {"n": 0, "accuracy": None, "detection": None, "rewritten": 0}
        return {"n": len(subset), "accuracy": sum(r["correct"] for r in subset) / len(subset),
                "detection": sum(r["rewritten"] == r["elliptical"] for r in subset) / len(subset),
                "rewritten": sum(r["rewritten"] for r in subset)}

    metrics = {"tổng": block(rows), "nối tiếp (elliptical)": block([r for r in rows if r["elliptical"]]),
               "độc lập": block([r for r in rows if not r["elliptical"]])}
    return metrics, rows
