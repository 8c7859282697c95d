"""Pure computation of the evaluation report: metrics dict from runs, Markdown, chart.

Nothing here searches or answers; :mod:`eval.evaluate` produces the runs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from eval.dataset import STYLES, QAItem
from eval.runner import (
    RETRIEVAL_METRICS,
    AnswerRun,
    RetrieverRun,
    answer_metrics,
    percentile_ms,
    ranx_pair,
    retrieval_metrics,
)

Qrels = dict[str, dict[str, int]]
SIGNIFICANCE_METRICS = ("recall@5", "mrr@10")
MAX_P = 0.01
WORST_RANK = 5
WORST_SHOWN = 20
# Display names of the metrics (keys stay ranx's).
LABELS = {"recall@1": "R@1", "recall@3": "R@3", "recall@5": "R@5", "recall@10": "R@10",
          "mrr@10": "MRR@10", "ndcg@10": "nDCG@10"}


def styles_in(items: Iterable[QAItem]) -> list[str]:
    """Styles present in ``items``, in the canonical order of :data:`STYLES`."""
    present = {i.style for i in items}
    return [s for s in STYLES if s in present]


def per_query_scores(qrels: Qrels, run: RetrieverRun, ids: list[str],
                     metrics: Iterable[str]) -> dict[str, dict[str, float]]:
    """Score (ranx) of every question in ``ids`` (with relevant chunks) for each metric."""
    from ranx import evaluate

    metrics = list(metrics)
    pair = ranx_pair(qrels, run, ids)
    if pair is None:
        return {m: {} for m in metrics}
    q, r = pair
    scores = evaluate(q, r, metrics, return_mean=False, make_comparable=True)
    if not isinstance(scores, dict):
        scores = {metrics[0]: scores}
    order = list(q.keys())
    return {m: {qid: float(v) for qid, v in zip(order, scores[m], strict=True)} for m in metrics}


def _p_value(a: np.ndarray, b: np.ndarray) -> float | None:
    """Two-sided paired Student t-test p-value, as ranx.compare computes it (None if undefined)."""
    from ranx.statistical_tests import paired_student_t_test

    if len(a) < 2:
        return None
    if np.array_equal(a, b):
        return 1.0
    p, _ = paired_student_t_test(a, b, MAX_P)
    p = float(p)
    return None if math.isnan(p) else p


def significance(items: list[QAItem], runs: dict[str, RetrieverRun],
                 qrels: dict[str, Qrels]) -> dict[str, Any]:
    """Pairwise paired t-tests on recall@5 and MRR@10 over the answerable questions.

    This is what ``ranx.compare(stat_test="student")`` does — per-question ranx scores, then
    ranx's two-sided paired Student t-test for every pair of runs — except that each run is
    scored against the qrels of its own chunking (the naive baseline cuts the text
    differently, so its relevant chunk ids differ). For runs that share a chunking the
    numbers are identical to ``ranx.compare``'s.
    """
    names = list(runs)
    answerable = [i.id for i in items if i.answerable]
    # Pair only questions every run can be scored on (evidence covered by some chunk).
    ids = [i for i in answerable if all(qrels[n].get(i) for n in names)]
    scores = {n: per_query_scores(qrels[n], runs[n], ids, SIGNIFICANCE_METRICS) for n in names}
    out: dict[str, Any] = {
        "test": "paired Student t-test, two-sided (ranx)", "max_p": MAX_P, "n": len(ids),
        "metrics": list(SIGNIFICANCE_METRICS),
        "mean": {n: {m: (float(np.mean(list(scores[n][m].values()))) if ids else None)
                     for m in SIGNIFICANCE_METRICS} for n in names},
        "pairs": [],
    }
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            pair: dict[str, Any] = {"a": a, "b": b}
            for m in SIGNIFICANCE_METRICS:
                va = np.array([scores[a][m][q] for q in ids])
                vb = np.array([scores[b][m][q] for q in ids])
                p = _p_value(va, vb)
                pair[m] = {
                    "delta": float(np.mean(vb - va)) if ids else None,  # b − a
                    "p_value": p,
                    "significant": p is not None and p <= MAX_P,
                    "wins_a": int(np.sum(va > vb)), "ties": int(np.sum(va == vb)),
                    "wins_b": int(np.sum(va < vb)),
                }
            out["pairs"].append(pair)
    return out


def _retrieval_block(items: list[QAItem], run: RetrieverRun, qrels: Qrels) -> dict[str, Any]:
    def block(subset: list[QAItem]) -> dict[str, Any]:
        ids = [i.id for i in subset if i.answerable]
        scored = [i for i in ids if qrels.get(i)]
        found = [run.first_relevant.get(i) for i in ids]
        return {
            **{m: None for m in RETRIEVAL_METRICS},
            **retrieval_metrics(qrels, run, ids),
            "n": len(scored),
            "not_found@10": sum(r is None for r in found),
        }

    by_style = {s: block([i for i in items if i.style == s]) for s in styles_in(items)
                if any(i.answerable for i in items if i.style == s)}
    lat = run.latencies
    return {
        "overall": block(items),
        "by_style": by_style,
        "latency_ms": {"p50": percentile_ms(lat, 50), "p95": percentile_ms(lat, 95), "n": len(lat)},
        # Answerable questions whose evidence no chunk of this chunking overlaps.
        "unscorable": [i.id for i in items if i.answerable and not qrels.get(i.id)],
    }


def _answer_block(items: list[QAItem], answers: AnswerRun) -> dict[str, Any]:
    def block(subset: list[QAItem]) -> dict[str, Any]:
        base: dict[str, Any] = {"answer_accuracy": None, "exact_match": None, "token_f1": None,
                                "wrong_refusals": None, "abstention_precision": None, "abstention_recall": None}
        if subset:
            base.update(answer_metrics(subset, answers))
        base["n"] = len(subset)
        base["abstained"] = sum(bool(answers.answers[i.id]["abstained"]) for i in subset)
        return base

    overall = block(items)
    answerable = [i for i in items if i.answerable]
    overall["answer_accuracy_answerable"] = (
        sum(answers.answers[i.id]["correct"] for i in answerable) / len(answerable) if answerable else None)
    splits = sorted({i.split for i in items})
    types = sorted({i.answer_type for i in items})
    return {
        "overall": overall,
        "by_split": {s: block([i for i in items if i.split == s]) for s in splits} if len(splits) > 1 else {},
        "by_style": {s: block([i for i in items if i.style == s]) for s in styles_in(items)},
        "by_answer_type": {t: block([i for i in items if i.answer_type == t]) for t in types},
        "pr_curve": abstention_curve(items, answers),
        "latency_ms": {"p50": percentile_ms(answers.latencies, 50),
                       "p95": percentile_ms(answers.latencies, 95), "n": len(answers.latencies)},
    }


def abstention_curve(items: list[QAItem], answers: AnswerRun, steps: int = 21) -> list[dict[str, float]]:
    """Refusals if the threshold on P(answerable) were ``t``.

    Precision and recall on unanswerable questions, and the share of answerable questions refused.
    """
    probs: list[tuple[float, bool]] = [(float(answers.answers[i.id]["probability"]), i.answerable) for i in items
                                       if answers.answers[i.id].get("probability") is not None]
    n_un = sum(not a for _, a in probs)
    n_an = len(probs) - n_un
    out = []
    for k in range(steps):
        t = k / (steps - 1)
        refused = [(p, a) for p, a in probs if p < t]
        right = sum(not a for _, a in refused)
        out.append({"threshold": round(t, 3), "precision": right / len(refused) if refused else 1.0,
                    "recall": right / n_un if n_un else 0.0,
                    "wrong_refusals": (len(refused) - right) / n_an if n_an else 0.0})
    return out


def worst_questions(items: list[QAItem], run: RetrieverRun,
                    answers: AnswerRun | None = None) -> list[dict[str, Any]]:
    """Answerable questions whose first relevant hit is missing or below rank 5, worst first."""
    rows = []
    for it in items:
        if not it.answerable:
            continue
        rank = run.first_relevant.get(it.id)
        if rank is not None and rank <= WORST_RANK:
            continue
        row: dict[str, Any] = {"id": it.id, "style": it.style, "question": it.question,
                               "section": it.section, "rank": rank}
        if answers and it.id in answers.answers:
            row["answer_correct"] = bool(answers.answers[it.id]["correct"])
        rows.append(row)
    rows.sort(key=lambda r: (r["rank"] is not None, -(r["rank"] or 0), r["id"]))
    return rows


def build_metrics(items: list[QAItem], runs: dict[str, RetrieverRun], qrels: dict[str, Qrels],
                  answers: AnswerRun | None, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """Compute the whole report as a JSON-able dict.

    ``runs`` maps retriever name to its run over ``items``; ``qrels`` maps the same names to
    the relevant chunk ids of that retriever's chunking; ``answers`` is the ``ask`` run.
    """
    answerable = [i for i in items if i.answerable]
    metrics: dict[str, Any] = {
        "meta": {**(meta or {}), "n_questions": len(items), "n_answerable": len(answerable),
                 "styles": {s: sum(i.style == s for i in items) for s in styles_in(items)},
                 "retrievers": list(runs)},
        "retrieval": {name: _retrieval_block(items, run, qrels[name]) for name, run in runs.items()},
        "answers": _answer_block(items, answers) if answers else None,
        "significance": significance(items, runs, qrels) if len(runs) > 1 else None,
    }
    ref = "hybrid" if "hybrid" in runs else (next(iter(runs)) if runs else None)
    metrics["worst"] = {"retriever": ref,
                        "questions": worst_questions(items, runs[ref], answers) if ref else []}
    return metrics


# --------------------------------------------------------------------------- Markdown

def _f(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _p(value: float | None) -> str:
    if value is None:
        return "—"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    def esc(cell: str) -> str:
        return cell.replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return out


def overall_rows(metrics: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the overall retriever table (shared by Markdown and the terminal)."""
    header = ["Retriever", "n", *[LABELS[m] for m in RETRIEVAL_METRICS], "p50 ms", "p95 ms"]
    rows = []
    for name, block in metrics["retrieval"].items():
        o = block["overall"]
        rows.append([name, str(o["n"]), *[_f(o[m]) for m in RETRIEVAL_METRICS],
                     _ms(block["latency_ms"]["p50"]), _ms(block["latency_ms"]["p95"])])
    return header, rows


ANSWER_HEADER = ["", "n", "Độ chính xác", "Khớp số liệu", "F1", "Từ chối sai", "Từ chối", "Từ chối: precision",
                 "Từ chối: recall"]


def _answer_row(label: str, b: dict[str, Any]) -> list[str]:
    return [label, str(b["n"]), _f(b["answer_accuracy"]), _f(b["exact_match"]), _f(b["token_f1"]),
            _f(b["wrong_refusals"]), str(b["abstained"]), _f(b["abstention_precision"]), _f(b["abstention_recall"])]


def answer_rows(metrics: dict[str, Any], group: str = "by_style") -> tuple[list[str], list[list[str]]]:
    """Header and rows of the answer/abstention table: overall first, then per style (or answer type, split)."""
    ans = metrics.get("answers")
    if not ans:
        return ANSWER_HEADER, []
    return ANSWER_HEADER, [_answer_row("**tổng**", ans["overall"]),
                           *[_answer_row(s, b) for s, b in ans.get(group, {}).items()]]


def render_markdown(metrics: dict[str, Any]) -> str:
    """report.md: overall, per style, answers, significance, worst questions."""
    meta = metrics["meta"]
    names = list(metrics["retrieval"])
    lines = ["# Đánh giá hỏi đáp", ""]
    lines += [
        f"- Tệp câu hỏi: `{meta.get('qa_file', '?')}` — {meta['n_questions']} câu, "
        f"{meta['n_answerable']} câu có đáp án.",
        "- Kiểu câu: " + ", ".join(f"{s} {n}" for s, n in meta["styles"].items()) + ".",
    ]
    if "top_k" in meta:
        lines.append(f"- Số đoạn lấy mỗi câu: {meta['top_k']}; chỉ số tính trên các câu có đáp án "
                     "(một đoạn đúng khi chồng lên vị trí của evidence trong văn bản).")
        if meta["top_k"] < 10:
            lines.append(f"- Chỉ lấy {meta['top_k']} đoạn: các chỉ số @10 thực chất là @{meta['top_k']}.")
    if meta.get("embedder"):
        lines.append(f"- Bộ nhúng: {meta['embedder']}; chỉ mục {meta.get('index_chunks', '?')} đoạn"
                     + (f"; baseline naive {meta['naive_chunks']} đoạn "
                        f"{meta.get('naive_chars', 1000)} ký tự." if meta.get("naive_chunks") else "."))
    if meta.get("created"):
        lines.append(f"- Thời điểm: {meta['created']}.")
    lines.append("")

    if names:
        lines += ["## Tìm kiếm — tổng", ""]
        header, rows = overall_rows(metrics)
        lines += _table(header, rows)
        lines += ["", "p50/p95: thời gian một lần tìm (ms), trên mọi câu hỏi.", ""]
        for name in names:
            miss = metrics["retrieval"][name]["unscorable"]
            if miss:
                lines.append(f"- {name}: {len(miss)} câu có evidence không nằm trong đoạn nào "
                             f"(không tính): {', '.join(miss)}")
        lines += ["## Tìm kiếm — theo kiểu câu (R@5 / MRR@10)", ""]
        styles = list(dict.fromkeys(s for n in names for s in metrics["retrieval"][n]["by_style"]))
        header = ["Kiểu", "n", *[f"{n} R@5" for n in names], *[f"{n} MRR@10" for n in names]]
        rows = []
        for s in styles:
            blocks = [metrics["retrieval"][n]["by_style"].get(s) for n in names]
            n_q = next((str(b["n"]) for b in blocks if b), "0")
            rows.append([s, n_q, *[_f(b["recall@5"]) if b else "—" for b in blocks],
                         *[_f(b["mrr@10"]) if b else "—" for b in blocks]])
        lines += _table(header, rows)
        lines.append("")

    ans = metrics.get("answers")
    if ans:
        for group, title in (("by_style", "theo kiểu câu"), ("by_answer_type", "theo loại câu trả lời"),
                             ("by_split", "theo phần (train: mô hình trả lời học trên phần này; test: giữ riêng)")):
            if ans.get(group):
                lines += [f"## Trả lời (`qa ask`) — {title}", ""]
                header, rows = answer_rows(metrics, group)
                lines += [*_table(header, rows), ""]
        o = ans["overall"]
        lines += [f"Độ chính xác trên câu có đáp án: {_f(o.get('answer_accuracy_answerable'))}. "
                  f"Thời gian trả lời p50 {_ms(ans['latency_ms']['p50'])} ms, "
                  f"p95 {_ms(ans['latency_ms']['p95'])} ms. Câu `unanswerable` đúng khi hệ thống từ chối; "
                  "câu có đáp án đúng khi câu trả lời chứa mọi con số của đáp án chuẩn "
                  "(hoặc cả cụm từ khi không có số). *Khớp số liệu*: câu trả lời ngắn nêu đúng các con số và "
                  "đơn vị của đáp án (không thừa, không thiếu). *F1*: trùng âm tiết giữa câu trả lời ngắn và "
                  "đáp án. *Từ chối sai*: tỷ lệ câu có đáp án bị từ chối.", ""]
        curve = ans.get("pr_curve") or []
        if curve:
            lines += ["### Đường precision/recall của việc từ chối", "",
                      "Nếu từ chối khi P(văn bản trả lời được) < ngưỡng:", ""]
            lines += _table(["ngưỡng", "precision", "recall (câu không có đáp án)", "từ chối sai"],
                            [[_f(r["threshold"], 2), _f(r["precision"]), _f(r["recall"]), _f(r["wrong_refusals"])]
                             for r in curve])
            lines += [""]
    conv = metrics.get("conversations")
    if conv:
        lines += ["## Hội thoại hai lượt (qua đúng đường của ô chat)", ""]
        lines += _table(["", "n", "Độ chính xác lượt 2", "Nhận ra câu nối tiếp", "Được viết lại (Hiểu là)"],
                        [[k, str(v["n"]), _f(v["accuracy"]), _f(v.get("detection")), str(v.get("rewritten", "—"))]
                         for k, v in conv.items()])
        lines += [""]

    sig = metrics.get("significance")
    if sig and sig["pairs"]:
        lines += ["## So sánh cặp (kiểm định t cặp Student, hai phía)", "",
                  f"Trên {sig['n']} câu có đáp án; Δ = B − A; * khi p ≤ {sig['max_p']}. "
                  "Thắng/hòa/thua tính theo từng câu.", ""]
        header = ["A", "B"]
        for m in sig["metrics"]:
            header += [f"Δ {LABELS[m]}", f"p ({LABELS[m]})", f"A/hòa/B ({LABELS[m]})"]
        rows = []
        for pair in sig["pairs"]:
            row = [pair["a"], pair["b"]]
            for m in sig["metrics"]:
                c = pair[m]
                delta = "—" if c["delta"] is None else f"{c['delta']:+.3f}"
                row += [delta, _p(c["p_value"]) + (" *" if c["significant"] else ""),
                        f"{c['wins_a']}/{c['ties']}/{c['wins_b']}"]
            rows.append(row)
        lines += _table(header, rows)
        lines.append("")

    worst = metrics.get("worst") or {}
    if worst.get("retriever"):
        qs = worst["questions"]
        lines += [f"## Câu khó nhất ({worst['retriever']}: không có đoạn đúng trong top 5)", ""]
        if not qs:
            lines.append("Không có.")
        for q in qs[:WORST_SHOWN]:
            rank = "không thấy trong top" if q["rank"] is None else f"hạng {q['rank']}"
            ok = "" if "answer_correct" not in q else (" — trả lời đúng" if q["answer_correct"]
                                                       else " — trả lời sai")
            lines.append(f"- `{q['id']}` ({q['style']}, {rank}{ok}): {q['question']} — *{q['section']}*")
        if len(qs) > WORST_SHOWN:
            lines.append(f"- … và {len(qs) - WORST_SHOWN} câu khác (xem runs.jsonl).")
        lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------- chart

def render_chart(metrics: dict[str, Any], path: Path) -> Path:
    """Draw grouped bars of Recall@5 per style (and overall), one bar per retriever, as PNG."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    names = list(metrics["retrieval"])
    styles = list(dict.fromkeys(s for n in names for s in metrics["retrieval"][n]["by_style"]))
    groups = ["overall", *styles]

    def value(name: str, group: str) -> float:
        block = metrics["retrieval"][name]
        b = block["overall"] if group == "overall" else block["by_style"].get(group)
        return float(b["recall@5"]) if b and b["recall@5"] is not None else 0.0

    fig, ax = plt.subplots(figsize=(max(8.0, 1.1 * len(groups) + 2), 4.8), dpi=120)
    x = np.arange(len(groups))
    width = 0.8 / max(1, len(names))
    for k, name in enumerate(names):
        ax.bar(x + (k - (len(names) - 1) / 2) * width, [value(name, g) for g in groups], width,
               label=name)
    ax.set_xticks(x, groups, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("Recall@5")
    ax.set_title(f"Recall@5 per question style ({metrics['meta']['n_answerable']} answerable questions)")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(ncols=max(1, len(names)), loc="upper center", bbox_to_anchor=(0.5, -0.28), frameon=False)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path


def render_abstention_chart(metrics: dict[str, Any], path: Path) -> Path:
    """The precision/recall curve of refusing, with the share of answerable questions refused, as PNG."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    curve = metrics["answers"]["pr_curve"]
    fig, ax = plt.subplots(figsize=(6.4, 4.4), dpi=120)
    ax.plot([r["recall"] for r in curve], [r["precision"] for r in curve], marker="o", ms=3, label="precision")
    ax.plot([r["recall"] for r in curve], [r["wrong_refusals"] for r in curve], marker="x", ms=3,
            label="answerable questions refused")
    ax.set_xlabel("recall: unanswerable questions refused")
    ax.set_ylim(0, 1.05)
    ax.set_xlim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.set_title("Refusing below a threshold on P(answerable)")
    ax.legend(loc="lower left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return Path(path)
