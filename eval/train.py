"""Fit the answer model (:mod:`qa.scoring`) on the Q&A set's training split, with cross-validation.

Two logistic regressions: *select* scores each candidate segment (positive when it overlaps
a gold evidence span); *gate* scores each question from its best candidate under the
out-of-fold *select* probabilities (positive when the question is answerable). Candidates
are exactly what :meth:`qa.answer.Answerer.scored` produces. Regularisation strengths are
chosen by grouped cross-validation (a question never straddles folds); the abstention
threshold is the highest gate value that refuses at most ``MAX_WRONG_REFUSALS`` of the
answerable questions, read off out-of-fold gate probabilities. The reported numbers are
nested: each fold's questions are answered, through ``Assistant.ask``, by models and a
threshold fitted on the other folds only. Needs scikit-learn (``dev`` extra); answering
does not.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from corpus.io import Progress
from eval.dataset import QAItem
from eval.runner import AnswerRun, answer_metrics, run_answers
from qa.assistant import Assistant
from qa.query import Query
from qa.scoring import FEATURES, GATE_FEATURES, AnswerModel, Logistic, gate_features

MAX_WRONG_REFUSALS = 0.04  # target ≤ 5% of answerable questions refused; keep a margin
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
FOLDS = 5


@dataclass
class Question:
    """One training question: its analysis, its candidates' features and labels."""

    query: Query
    known: float
    unknown_name: float
    features: np.ndarray  # (candidates, FEATURES)
    labels: np.ndarray  # 1 when the candidate overlaps gold evidence
    answerable: bool


def collect(assistant: Assistant, items: Sequence[QAItem],
            progress: Callable[[], None] | None = None) -> list[Question]:
    """Candidates of every question, labelled by overlap with its gold evidence."""
    out = []
    for item in items:
        query = assistant.query(item.question)
        scored = assistant.answerer.scored(query)
        labels = []
        for c in scored.candidates:
            a, b = c.chunk.start + c.start, c.chunk.start + c.end
            labels.append(int(any(doc == c.chunk.doc_id and a < end and start < b for doc, start, end in item.spans)))
        feats = np.array([c.features for c in scored.candidates], dtype=np.float64).reshape(-1, len(FEATURES))
        known = float(scored.gate[GATE_FEATURES.index("known")])
        name = float(scored.gate[GATE_FEATURES.index("unknown_name")])
        out.append(Question(query, known, name, feats, np.array(labels, dtype=int), item.answerable))
        if progress:
            progress()
    return out


def fit_logistic(x: np.ndarray, y: np.ndarray, c: float) -> Logistic:
    """Standardise ``x`` and fit scikit-learn's logistic regression with strength ``C = c``."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=c, max_iter=5000)
    lr.fit((x - mean) / scale, y)
    return Logistic(mean, scale, lr.coef_[0], float(lr.intercept_[0]))


def folds(indices: np.ndarray, k: int) -> list[np.ndarray]:
    """``indices`` split into ``k`` folds (round robin over a fixed shuffle)."""
    order = np.random.default_rng(0).permutation(indices)
    return [np.sort(order[i::k]) for i in range(k)]


def _stack(questions: Sequence[Question], idx: Sequence[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.concatenate([questions[i].features for i in idx]) if len(idx) else np.zeros((0, len(FEATURES)))
    y = np.concatenate([questions[i].labels for i in idx]) if len(idx) else np.zeros(0, dtype=int)
    return x, y


def oof_select(questions: Sequence[Question], idx: np.ndarray, c: float, k: int) -> dict[int, np.ndarray]:
    """Out-of-fold select probabilities of every question in ``idx``."""
    out: dict[int, np.ndarray] = {}
    for fold in folds(idx, k):
        x, y = _stack(questions, np.setdiff1d(idx, fold))
        model = fit_logistic(x, y, c) if len(set(y.tolist())) == 2 else None
        for i in fold:
            f = questions[i].features
            out[i] = model(f) if model is not None and len(f) else np.zeros(len(f))
    return out


def gate_rows(questions: Sequence[Question], probs: dict[int, np.ndarray]) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Gate features and labels for the questions in ``probs``."""
    idx = sorted(probs)
    x = np.array([gate_features(questions[i].features, probs[i], questions[i].query, questions[i].known,
                                questions[i].unknown_name) for i in idx]).reshape(-1, len(GATE_FEATURES))
    return x, np.array([int(questions[i].answerable) for i in idx]), idx


def oof_gate(x: np.ndarray, y: np.ndarray, c: float, k: int) -> np.ndarray:
    """Out-of-fold gate probabilities."""
    out = np.zeros(len(y))
    for fold in folds(np.arange(len(y)), k):
        rest = np.setdiff1d(np.arange(len(y)), fold)
        out[fold] = fit_logistic(x[rest], y[rest], c)(x[fold]) if len(set(y[rest].tolist())) == 2 else 0.5
    return out


def choose_threshold(gate: np.ndarray, answerable: np.ndarray) -> float:
    """The highest threshold that refuses at most ``MAX_WRONG_REFUSALS`` of answerable questions."""
    scores = np.sort(gate[answerable.astype(bool)])
    if not len(scores):
        return 0.5
    allowed = int(np.floor(MAX_WRONG_REFUSALS * len(scores)))
    return float(scores[min(allowed, len(scores) - 1)]) - 1e-9


def pr_curve(gate: np.ndarray, answerable: np.ndarray, steps: int = 41) -> list[dict[str, float]]:
    """Abstention precision/recall (on unanswerable questions) and wrong refusals, per threshold."""
    answerable = answerable.astype(bool)
    out = []
    for t in np.linspace(0.0, 1.0, steps):
        refused = gate < t
        n_ref = int(refused.sum())
        right = int((refused & ~answerable).sum())
        out.append({"threshold": round(float(t), 3), "precision": right / n_ref if n_ref else 1.0,
                    "recall": right / max(1, int((~answerable).sum())),
                    "wrong_refusals": int((refused & answerable).sum()) / max(1, int(answerable.sum()))})
    return out


def _log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def fit_model(questions: Sequence[Question], idx: np.ndarray, c_select: float, c_gate: float, k: int,
              info: dict[str, Any]) -> tuple[AnswerModel, np.ndarray, np.ndarray]:
    """Both regressions and the threshold from the questions ``idx`` only; also their OOF gate values."""
    x, y = _stack(questions, idx)
    select = fit_logistic(x, y, c_select)
    gx, gy, _ = gate_rows(questions, oof_select(questions, idx, c_select, k))
    gate_oof = oof_gate(gx, gy, c_gate, k)
    model = AnswerModel(select, fit_logistic(gx, gy, c_gate), choose_threshold(gate_oof, gy), info)
    return model, gate_oof, gy


def train(sets: Sequence[tuple[Assistant, list[QAItem]]], progress: Progress | None = None,
          k: int = FOLDS) -> tuple[AnswerModel, dict[str, Any]]:
    """Fit the model on the training items of each ``(assistant, items)`` set (one per corpus).

    Returns the model and the nested cross-validation report. Several corpora (the resolution,
    the laws) teach the score what does not depend on one document's wording.
    """
    owner = [assistant for assistant, its in sets for _ in its]
    items = [item for _, its in sets for item in its]
    total, done = len(items) * 2, [0]

    def tick(label: str) -> Callable[[], None]:
        def step() -> None:
            done[0] += 1
            if progress:
                progress(done[0], total, label)
        return step

    questions = [q for assistant, its in sets for q in collect(assistant, its, tick("Tính đặc trưng ứng viên"))]
    idx = np.arange(len(questions))
    _, y = _stack(questions, idx)
    select_losses = {}
    for c in C_GRID:
        oof = oof_select(questions, idx, c, k)
        select_losses[c] = _log_loss(np.concatenate([questions[i].labels for i in idx]),
                                     np.concatenate([oof[int(i)] for i in idx]))
    c_select = min(select_losses, key=lambda c: select_losses[c])
    gx, gy, _ = gate_rows(questions, oof_select(questions, idx, c_select, k))
    gate_losses = {c: _log_loss(gy, oof_gate(gx, gy, c, k)) for c in C_GRID}
    c_gate = min(gate_losses, key=lambda c: gate_losses[c])

    originals = {id(a): (a, a.answerer.model) for a, _ in sets}
    merged, cv_items = AnswerRun(), []
    try:
        for fold in folds(idx, k):
            model, _, _ = fit_model(questions, np.setdiff1d(idx, fold), c_select, c_gate, k - 1, {})
            for assistant, _ in originals.values():
                assistant.answerer.model = model
                assistant.clear_caches()
                fold_items = [items[i] for i in fold if owner[i] is assistant]
                run = run_answers(assistant, fold_items, tick("Kiểm định chéo (qa ask)"))
                merged.answers.update(run.answers)
                cv_items += fold_items
    finally:
        for assistant, kept in originals.values():
            assistant.answerer.model = kept
    by_style = {style: {"n": sum(it.style == style for it in cv_items),
                        **answer_metrics([it for it in cv_items if it.style == style], merged)}
                for style in sorted({it.style for it in cv_items})}
    info = {"created": time.strftime("%Y-%m-%d %H:%M:%S"), "n_questions": len(items), "n_candidates": len(y),
            "n_positive": int(y.sum()), "C_select": c_select, "C_gate": c_gate,
            "embedder": getattr(sets[0][0].embedder, "name", ""),
            "sets": [{"documents": len(a.index.documents), "questions": len(its)} for a, its in sets],
            "cv_overall": {"n": len(cv_items), **answer_metrics(cv_items, merged)}}
    model, gate_oof, gy = fit_model(questions, idx, c_select, c_gate, k, info)
    report = {**info, "threshold": model.threshold, "folds": k,
              "select_cv_log_loss": {str(c): round(v, 4) for c, v in select_losses.items()},
              "gate_cv_log_loss": {str(c): round(v, 4) for c, v in gate_losses.items()},
              "cv": {"overall": info["cv_overall"], "by_style": by_style},
              "pr_curve": pr_curve(gate_oof, gy),
              "select_weights": dict(zip(FEATURES, np.round(model.select.coef, 3).tolist(), strict=True)),
              "gate_weights": dict(zip(GATE_FEATURES, np.round(model.gate.coef, 3).tolist(), strict=True))}
    return model, report
