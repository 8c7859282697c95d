"""``qa eval``: score the assistant on a Q&A set; ``qa eval export-beir``: the set as BEIR."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from cli.common import index_options, open_assistant, progress_reporter, user_errors
from index.embedders import DEFAULT_EMBEDDER

_CHOICES = ("lexical", "dense", "hybrid", "naive", "all")
QA_OPTION = click.option("--qa", "qa_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
                         help="Tệp hỏi đáp JSONL (mặc định: eval/data/qa.jsonl kèm theo).")


def _documents(corpus_dir: Path | None, index_dir: Path | None) -> list[Any]:
    """The documents questions are checked against: ``--corpus``, else the index's own corpus."""
    from corpus.loader import load_corpus
    from index.store import corpus_of, default_index_dir

    return load_corpus(corpus_dir or corpus_of(index_dir or default_index_dir()))


def _load_items(qa_file: Path | None, corpus_dir: Path | None, index_dir: Path | None = None) -> tuple[Path, list[Any]]:
    """Validate the Q&A file against the corpus before any index is opened or built."""
    from eval.dataset import DEFAULT_QA, load_qa

    path = qa_file or DEFAULT_QA
    return path, load_qa(path, _documents(corpus_dir, index_dir))


def _print_summary(metrics: dict[str, Any], out_dir: Path) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from eval.report import answer_rows, overall_rows

    console = Console()
    if not console.is_terminal:  # piped or captured: no terminal width to respect
        console.width = max(console.width, 110)
    if metrics["retrieval"]:
        header, rows = overall_rows(metrics)
        title = f"Tìm kiếm ({metrics['meta']['n_answerable']} câu có đáp án; thời gian tính bằng ms)"
        table = Table(title=title, box=box.SIMPLE_HEAD)
        for i, h in enumerate(header):
            table.add_column(h.removesuffix(" ms"), justify="left" if i == 0 else "right", no_wrap=i == 0)
        for row in rows:
            table.add_row(*row)
        console.print(table)
    ans = metrics.get("answers")
    if ans:
        header, rows = answer_rows(metrics)
        table = Table(title=f"Trả lời — qa ask ({metrics['meta']['n_questions']} câu)", box=box.SIMPLE_HEAD)
        for i, h in enumerate(header):
            table.add_column(h, justify="left" if i == 0 else "right", no_wrap=i == 0)
        table.add_row(*[c.strip("*") for c in rows[0]])
        console.print(table)
        lat = ans["latency_ms"]
        console.print(f"Thời gian trả lời: p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms.")
    console.print(f"Báo cáo: {out_dir / 'report.md'} (cùng metrics.json, runs.jsonl, chart.png).",
                  highlight=False, soft_wrap=True)


@click.group("eval", invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@QA_OPTION
@click.option("--retriever", type=click.Choice(_CHOICES), default="all", show_default=True,
              help="Bộ tìm kiếm cần đánh giá; all = lexical, dense, hybrid và baseline naive.")
@click.option("--top-k", default=10, show_default=True, type=int, help="Số đoạn lấy cho mỗi câu hỏi.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("eval") / "out", show_default=True, help="Thư mục ghi báo cáo.")
@click.option("--conversations", "conv_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Tệp hội thoại hai lượt (mặc định: eval/data/conversations.jsonl khi dùng bộ hỏi đáp kèm theo).")
@click.option("--split", type=click.Choice(["all", "train", "test"]), default="all", show_default=True,
              help="Chỉ chạy một phần của bộ hỏi đáp (test: phần giữ riêng, không dùng để học).")
@index_options
@click.pass_context
def eval_cmd(ctx: click.Context, qa_file: Path | None, retriever: str, top_k: int, out_dir: Path,
             conv_file: Path | None, split: str, index_dir: Path | None, corpus_dir: Path | None,
             embedder: str) -> None:
    """Đánh giá trên bộ hỏi đáp: recall, MRR, nDCG, độ chính xác trả lời, từ chối, thời gian."""
    ctx.ensure_object(dict).update(qa_file=qa_file, index_dir=index_dir, corpus_dir=corpus_dir,
                                   embedder=embedder)
    if ctx.invoked_subcommand is not None:
        return
    from eval.dataset import DEFAULT_CONVERSATIONS, load_conversations
    from eval.evaluate import RETRIEVERS, check_args, evaluate

    retrievers = list(RETRIEVERS) if retriever == "all" else [retriever]
    with user_errors():
        check_args(retrievers, top_k)
        path, items = _load_items(qa_file, corpus_dir, index_dir)
        items = [it for it in items if split == "all" or it.split == split]
        conv_path = conv_file or (DEFAULT_CONVERSATIONS if qa_file is None else None)
        convs = load_conversations(conv_path, _documents(corpus_dir, index_dir)) if conv_path else []
        assistant = open_assistant(index_dir, corpus_dir, embedder)
        with progress_reporter() as update:
            metrics = evaluate(assistant, items, retrievers, top_k, out_dir, update, qa_file=path,
                               conversations=convs)
        _print_summary(metrics, out_dir)


@eval_cmd.command("export-beir")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False))
@QA_OPTION
@index_options
@click.pass_context
def export_beir_cmd(ctx: click.Context, out_dir: Path, qa_file: Path | None, index_dir: Path | None,
                    corpus_dir: Path | None, embedder: str | None) -> None:
    """Xuất bộ hỏi đáp và chỉ mục hiện tại dạng BEIR (corpus.jsonl, queries.jsonl, qrels/test.tsv)."""
    from eval.beir import export_beir

    parent = ctx.obj or {}
    qa_file = qa_file or parent.get("qa_file")
    index_dir = index_dir or parent.get("index_dir")
    corpus_dir = corpus_dir or parent.get("corpus_dir")
    if embedder in (None, DEFAULT_EMBEDDER):
        embedder = parent.get("embedder") or DEFAULT_EMBEDDER
    with user_errors():
        _, items = _load_items(qa_file, corpus_dir, index_dir)
        assistant = open_assistant(index_dir, corpus_dir, str(embedder))
        counts = export_beir(assistant.index.chunks, items, out_dir)
    click.echo(f"Đã xuất BEIR vào {out_dir}: {counts['corpus']} đoạn, {counts['queries']} câu hỏi, "
               f"{counts['qrels']} cặp liên quan cho {counts['qrels_queries']} câu có đáp án.")


@eval_cmd.command("train-answerer")
@QA_OPTION
@click.option("--out", "out_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Nơi ghi trọng số (mặc định: qa/answer_model.json kèm theo chương trình).")
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False),
              default=Path("eval") / "out" / "train_report.json", show_default=True,
              help="Báo cáo kiểm định chéo (JSON).")
@click.option("--also", "also", type=(click.Path(path_type=Path, dir_okay=False, exists=True),
                                     click.Path(path_type=Path, file_okay=False, exists=True)), multiple=True,
              metavar="QA_FILE INDEX_DIR",
              help="Thêm phần train của một bộ hỏi đáp khác trên chỉ mục của nó (vd. các luật); lặp lại được.")
@index_options
@click.pass_context
def train_cmd(ctx: click.Context, qa_file: Path | None, out_path: Path | None, report_path: Path,
              also: tuple[tuple[Path, Path], ...], index_dir: Path | None, corpus_dir: Path | None,
              embedder: str) -> None:
    """Huấn luyện điểm chọn câu/từ chối trên phần train của bộ hỏi đáp (kiểm định chéo lồng nhau)."""
    from corpus.io import write_json
    from eval.train import train
    from qa.scoring import MODEL_PATH

    parent = ctx.obj or {}
    with user_errors():
        sets = []
        for qa_path, index, corpus in [(qa_file or parent.get("qa_file"), index_dir, corpus_dir),
                                       *((q, i, None) for q, i in also)]:
            path, items = _load_items(qa_path, corpus, index)
            items = [it for it in items if it.split == "train"]
            if not items:
                raise click.ClickException(f"Tệp {path} không có câu hỏi nào thuộc phần train.")
            sets.append((open_assistant(index, corpus, embedder), items))
        with progress_reporter() as update:
            model, report = train(sets, update)
        out = out_path or MODEL_PATH
        write_json(out, model.to_json())
        report_path.parent.mkdir(parents=True, exist_ok=True)
        write_json(report_path, report)
    cv = report["cv"]["overall"]
    click.echo(f"Đã ghi {out} (ngưỡng {report['threshold']:.3f}, "
               f"{report['n_questions']} câu, {report['n_candidates']} ứng viên).")
    click.echo(f"Kiểm định chéo: độ chính xác {cv['answer_accuracy']:.3f}, khớp số liệu {cv['exact_match']:.3f}, "
               f"từ chối sai {cv.get('wrong_refusals', 0):.3f}, từ chối đúng {cv.get('abstention_recall', 0):.3f}. "
               f"Báo cáo: {report_path}")
