"""CI gate: the committed Q&A set must not score below the published numbers minus a margin.

The published numbers live in ``eval/data/published.json``::

    {"hybrid": {"recall@5": x, "mrr@10": y, "answer_accuracy": z, "exact_match": e,
                "wrong_refusals": w}, "margin": 0.02}

``recall@5`` and ``mrr@10`` are ranx scores of ``qa search`` (hybrid) over the answerable
questions (retrieval learns nothing, so the whole set). The answer numbers are on the **test
split** only, the questions the answer model never trained on: ``answer_accuracy`` is the share
``qa ask`` gets right (unanswerable ones count as right when it abstains), ``exact_match`` the
share whose short answer is the expected figure, ``wrong_refusals`` the share of answerable
questions it refused (gated as a ceiling). Re-measure with ``qa eval`` and update the file when
retrieval or answering deliberately changes.
"""

from __future__ import annotations

import json

import pytest

from eval.dataset import DATA_DIR, DEFAULT_QA, load_qa

PUBLISHED = DATA_DIR / "published.json"
GATED = ("recall@5", "mrr@10", "answer_accuracy", "exact_match")
CEILINGS = ("wrong_refusals",)


def _published() -> dict:
    return json.loads(PUBLISHED.read_text(encoding="utf-8"))


def test_published_file_is_well_formed():
    pub = _published()
    assert set(pub) >= {"hybrid", "margin"}
    assert 0.0 <= pub["margin"] < 0.2
    for metric in GATED + CEILINGS:
        assert 0.0 <= pub["hybrid"][metric] <= 1.0, metric


@pytest.fixture(scope="module")
def measured(tmp_path_factory, assistant):
    """Run the whole committed set through hybrid search and ``ask`` once for the module."""
    from eval.evaluate import evaluate

    root = tmp_path_factory.mktemp("eval-gate")
    items = load_qa(DEFAULT_QA, list(assistant.index.documents.values()))
    metrics = evaluate(assistant, items, ["hybrid"], 10, root / "out", None, qa_file=DEFAULT_QA)
    assert metrics["meta"]["n_questions"] == len(items)
    test = metrics["answers"]["by_split"]["test"]
    return {
        "recall@5": metrics["retrieval"]["hybrid"]["overall"]["recall@5"],
        "mrr@10": metrics["retrieval"]["hybrid"]["overall"]["mrr@10"],
        **{name: test[name] for name in ("answer_accuracy", "exact_match", "wrong_refusals")},
    }


@pytest.mark.model
@pytest.mark.slow
@pytest.mark.timeout(1800)  # the full set through search and ask: ~1 min on 2 idle cores
@pytest.mark.parametrize("metric", GATED)
def test_no_regression_below_published(measured, metric):
    pub = _published()
    floor = pub["hybrid"][metric] - pub["margin"]
    got = measured[metric]
    assert got >= floor - 1e-9, (
        f"{metric} = {got:.4f} trên {DEFAULT_QA.name}, thấp hơn số công bố "
        f"{pub['hybrid'][metric]:.4f} trừ biên {pub['margin']} (ngưỡng {floor:.4f}). "
        f"Xem báo cáo: qa eval --retriever hybrid"
    )


@pytest.mark.model
@pytest.mark.slow
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("metric", CEILINGS)
def test_no_rise_above_published(measured, metric):
    pub = _published()
    ceiling = pub["hybrid"][metric] + pub["margin"]
    got = measured[metric]
    assert got <= ceiling + 1e-9, (
        f"{metric} = {got:.4f} trên {DEFAULT_QA.name} (phần kiểm tra), cao hơn số công bố "
        f"{pub['hybrid'][metric]:.4f} cộng biên {pub['margin']} (trần {ceiling:.4f})."
    )
