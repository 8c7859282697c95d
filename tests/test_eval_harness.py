"""The evaluation harness: Q&A validation, BEIR export, the report files, scoring edge cases."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from cli.main import main
from corpus.chunker import chunk_corpus
from corpus.errors import InputError
from corpus.loader import load_corpus
from eval.baseline import NAIVE_CHARS, naive_chunks
from eval.dataset import DEFAULT_QA, STYLES, load_qa
from eval.report import build_metrics, significance
from eval.runner import (
    RETRIEVAL_METRICS,
    RetrieverRun,
    is_relevant,
    qrels_for,
    retrieval_metrics,
    run_retriever,
)

# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def docs():
    return load_corpus()


@pytest.fixture(scope="module")
def items(docs):
    return load_qa(DEFAULT_QA, docs)


def _subset(items, per_style=2):
    out = []
    for style in STYLES:
        out += [i for i in items if i.style == style][:per_style]
    return out


def _good_lines(n=2):
    return DEFAULT_QA.read_text(encoding="utf-8").splitlines()[:n]


# --------------------------------------------------------------------------- malformed Q&A files


def _malformed(path: Path) -> Path:
    good = _good_lines(2)
    bad_json = '{"id": "x1", "question": "Chỉ tiêu hộ nghèo?", "style": "plain"'
    bad_style = json.dumps({"id": "x2", "question": "Chỉ tiêu hộ nghèo?", "style": "tricky",
                            "answer": "", "evidence": ["Hà Nội"], "section": ""}, ensure_ascii=False)
    no_evidence = json.dumps({"id": "x3", "question": "Chỉ tiêu hộ nghèo?", "style": "plain", "answer": "1",
                              "evidence": ["câu này không hề có trong nghị quyết"], "section": ""},
                             ensure_ascii=False)
    # Lines 1-2 good, 3 bad JSON, 4 empty (ignored), 5 unknown style, 6 good, 7 evidence not found.
    path.write_text("\n".join([*good, bad_json, "", bad_style, _good_lines(3)[2], no_evidence]) + "\n",
                    encoding="utf-8")
    return path


def test_malformed_file_lists_every_bad_line(tmp_path, docs):
    with pytest.raises(InputError) as err:
        load_qa(_malformed(tmp_path / "bad.jsonl"), docs)
    msg = str(err.value)
    assert "3 lỗi" in msg
    assert "dòng 3: JSON lỗi" in msg
    assert "dòng 5: kiểu câu hỏi 'tricky' không hợp lệ" in msg
    assert "dòng 7: evidence không có nguyên văn" in msg
    for ok in ("dòng 1:", "dòng 2:", "dòng 4:", "dòng 6:"):
        assert ok not in msg


def test_cli_refuses_malformed_file_without_running(tmp_path, fake_index_dir, monkeypatch):
    import eval.evaluate

    def must_not_run(*args, **kwargs):
        raise AssertionError("the evaluation started on a malformed file")

    monkeypatch.setattr(eval.evaluate, "evaluate", must_not_run)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["eval", "--qa", str(_malformed(tmp_path / "bad.jsonl")),
                                       "--index", str(fake_index_dir), "--embedder", "fake", "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a traceback
    assert "Traceback" not in result.output
    for line in ("dòng 3", "dòng 5", "dòng 7"):
        assert line in result.output
    assert not out.exists()


def test_cli_rejects_bad_options_in_vietnamese(tmp_path):
    result = CliRunner().invoke(main, ["eval", "--top-k", "0", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "Số kết quả phải từ 1 đến" in result.output
    result = CliRunner().invoke(main, ["eval", "--qa", str(tmp_path / "missing.jsonl"),
                                       "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "Không tìm thấy tệp hỏi đáp" in result.output
    assert not (tmp_path / "o").exists()


def test_cli_is_registered():
    result = CliRunner().invoke(main, ["eval", "--help"])
    assert result.exit_code == 0
    assert "--retriever" in result.output and "export-beir" in result.output


# --------------------------------------------------------------------------- BEIR export


def test_export_beir_writes_consistent_files(tmp_path, fake_assistant, fake_index_dir, items):
    assistant = fake_assistant
    out = tmp_path / "beir"
    result = CliRunner().invoke(main, ["eval", "export-beir", str(out), "--index", str(fake_index_dir),
                                       "--embedder", "fake"])
    assert result.exit_code == 0, result.output

    corpus = [json.loads(x) for x in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    queries = [json.loads(x) for x in (out / "queries.jsonl").read_text(encoding="utf-8").splitlines()]
    qrels_lines = (out / "qrels" / "test.tsv").read_text(encoding="utf-8").splitlines()

    chunks = {c.id: c for c in assistant.index.chunks}
    assert [r["_id"] for r in corpus] == [c.id for c in assistant.index.chunks]
    assert all(set(r) == {"_id", "title", "text"} for r in corpus)
    assert all(r["title"] == chunks[r["_id"]].citation and r["text"] == chunks[r["_id"]].text for r in corpus)
    assert [q["_id"] for q in queries] == [i.id for i in items]
    assert all(set(q) == {"_id", "text"} for q in queries)

    assert qrels_lines[0] == "query-id\tcorpus-id\tscore"
    pairs = [line.split("\t") for line in qrels_lines[1:]]
    by_id = {i.id: i for i in items}
    assert all(score == "1" for _, _, score in pairs)
    assert all(qid in by_id and cid in chunks for qid, cid, _ in pairs)
    assert all(is_relevant(chunks[cid], by_id[qid]) for qid, cid, _ in pairs)
    judged = {qid for qid, _, _ in pairs}
    assert judged == {i.id for i in items if i.answerable}
    assert len(pairs) == len(set((q, c) for q, c, _ in pairs))


# --------------------------------------------------------------------------- scoring


def test_retriever_returning_nothing_scores_zero(items, docs):
    subset = _subset(items)
    chunks = chunk_corpus(docs)
    qrels = qrels_for(subset, chunks)
    calls = []

    def nothing(question, k):
        calls.append((question, k))
        return []

    run = run_retriever("nothing", nothing, subset)
    assert len(calls) == len(subset)
    assert all(r is None for r in run.first_relevant.values())
    scores = retrieval_metrics(qrels, run, [i.id for i in subset])
    assert set(scores) == set(RETRIEVAL_METRICS)
    assert all(v == 0.0 for v in scores.values())

    metrics = build_metrics(subset, {"nothing": run}, {"nothing": qrels}, None)
    overall = metrics["retrieval"]["nothing"]["overall"]
    assert overall["recall@5"] == 0.0 and overall["mrr@10"] == 0.0
    assert overall["n"] == sum(i.answerable for i in subset)
    assert {q["id"] for q in metrics["worst"]["questions"]} == {i.id for i in subset if i.answerable}


def test_perfect_retriever_scores_one(items, docs):
    subset = _subset(items)
    chunks = chunk_corpus(docs)
    qrels = qrels_for(subset, chunks)
    by_question = {i.question: i for i in subset}

    def oracle(question, k):
        item = by_question[question]
        return [c for c in chunks if is_relevant(c, item)][:k]

    run = run_retriever("oracle", oracle, subset)
    scores = retrieval_metrics(qrels, run, [i.id for i in subset])
    assert scores["recall@10"] == pytest.approx(1.0)
    assert scores["mrr@10"] == pytest.approx(1.0)


def test_significance_matches_ranx_compare_on_shared_qrels(items, docs):
    from ranx import Qrels, Run, compare

    subset = [i for i in items if i.answerable][:40]
    chunks = chunk_corpus(docs)
    qrels = qrels_for(subset, chunks)
    rng = np.random.default_rng(7)
    runs = {}
    for name in ("a", "b"):
        run = RetrieverRun(name)
        for it in subset:
            ids = [c.id for c in chunks]
            rng.shuffle(ids)
            run.ranked[it.id] = ids[:10]
        runs[name] = run
    ours = significance(subset, runs, {"a": qrels, "b": qrels})
    report = compare(Qrels(qrels), [Run({q: {c: 1.0 / r for r, c in enumerate(run.ranked[q], 1)}
                                         for q in run.ranked}, name=n) for n, run in runs.items()],
                     ["recall@5", "mrr@10"], stat_test="student")
    for m in ("recall@5", "mrr@10"):
        p = report.comparisons[frozenset(["a", "b"])][m]["p_value"]
        assert ours["pairs"][0][m]["p_value"] == pytest.approx(p)
        assert ours["mean"]["a"][m] == pytest.approx(report.results["a"][m])


def test_naive_chunks_are_fixed_windows_with_true_offsets(docs):
    chunks = naive_chunks(docs)
    assert len({c.id for c in chunks}) == len(chunks)
    for doc in docs:
        mine = [c for c in chunks if c.doc_id == doc.doc_id]
        assert mine[0].start == 0 and mine[-1].end == len(doc.text)
        for a, b in itertools.pairwise(mine):
            assert a.end == b.start  # no overlap, no gap
        for c in mine:
            assert doc.text[c.start:c.end] == c.text
            assert len(c.text) <= NAIVE_CHARS
        assert all(len(c.text) == NAIVE_CHARS for c in mine[:-1])


# --------------------------------------------------------------------------- the full evaluation


@pytest.mark.model
@pytest.mark.slow
def test_evaluate_writes_report_files(tmp_path, assistant, items):
    from eval.evaluate import RETRIEVERS, evaluate

    subset = _subset(items)
    seen = []
    out = tmp_path / "out"
    metrics = evaluate(assistant, subset, RETRIEVERS, 10, out, lambda d, t, label: seen.append((d, t, label)))

    for name in ("report.md", "metrics.json", "runs.jsonl", "chart.png"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0
    assert (out / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert seen and seen[-1][0] == seen[-1][1]  # progress reached its total

    on_disk = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps(metrics))
    assert "\\u" not in (out / "metrics.json").read_text(encoding="utf-8")  # ensure_ascii=False

    assert list(metrics["retrieval"]) == list(RETRIEVERS)
    answerable_styles = {i.style for i in subset if i.answerable}
    for name in RETRIEVERS:
        block = metrics["retrieval"][name]
        assert set(RETRIEVAL_METRICS) <= set(block["overall"])
        assert set(block["by_style"]) == answerable_styles
        assert block["latency_ms"]["n"] == len(subset)
    # Questions written from the text: every retriever finds some of them, the hybrid most.
    recall = {name: metrics["retrieval"][name]["overall"]["recall@5"] for name in RETRIEVERS}
    assert min(recall.values()) > 0.3
    assert recall["hybrid"] >= max(recall["lexical"], recall["dense"]) - 1e-9
    answers = metrics["answers"]
    assert set(answers["by_style"]) == {i.style for i in subset}
    assert "abstention_recall" in answers["overall"] and "answer_accuracy" in answers["overall"]
    assert answers["latency_ms"]["n"] == len(subset)
    assert len(metrics["significance"]["pairs"]) == 6
    assert metrics["meta"]["naive_chunks"] == len(naive_chunks(assistant.index.documents.values()))

    report = (out / "report.md").read_text(encoding="utf-8")
    for heading in ("## Tìm kiếm — tổng", "## Tìm kiếm — theo kiểu câu", "## Trả lời",
                    "## So sánh cặp", "## Câu khó nhất"):
        assert heading in report
    per_style = report.split("## Tìm kiếm — theo kiểu câu")[1].split("##")[0]
    for style in answerable_styles:
        assert f"| {style} |" in per_style
    assert "| unanswerable |" in report.split("## Trả lời")[1]

    rows = [json.loads(x) for x in (out / "runs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(subset) * (len(RETRIEVERS) + 1)
    for row in rows:
        assert {"id", "style", "retriever", "question", "ranked", "first_relevant"} <= set(row)
    ask = [r for r in rows if r["retriever"] == "ask"]
    assert len(ask) == len(subset) and all({"answer", "abstained", "correct"} <= set(r) for r in ask)
    hybrid = {r["id"]: r for r in rows if r["retriever"] == "hybrid"}
    chunk_ids = {c.id for c in assistant.index.chunks}
    assert all(set(r["ranked"]) <= chunk_ids and len(r["ranked"]) <= 10 for r in hybrid.values())
    naive_rows = [r for r in rows if r["retriever"] == "naive"]
    assert all(not (set(r["ranked"]) & chunk_ids) for r in naive_rows)


def test_answer_is_right_only_with_every_figure_or_every_listed_part():
    from eval.runner import answer_correct, exact_match
    assert answer_correct("300-400 hộ", "Giảm 300-400 hộ nghèo")
    assert not answer_correct("300-400 hộ", "Giảm 300 hộ nghèo")
    gold = "UBND Thành phố; Thường trực HĐND Thành phố"
    assert answer_correct(gold, "• giám sát: Thường trực HĐND Thành phố\n• thực hiện: UBND Thành phố")
    assert not answer_correct(gold, "UBND Thành phố tổ chức thực hiện")
    assert answer_correct("Hoài Đức, Thanh Trì", "hai huyện hoai duc, thanh tri")  # folded, as typed
    assert exact_match("dưới 4%", "dưới 4 %") and not exact_match("dưới 4%", "4-5%")
