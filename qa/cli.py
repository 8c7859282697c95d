"""The ``qa`` console script: a thin layer over :class:`qa.assistant.Assistant`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from corpus.errors import QAError
from qa.cli_common import _CORPUS, _EMBEDDER, _FILE, _INDEX, _JSON, fail, open_assistant, progress_bar, user_errors


def read_questions(path: Path) -> list[str]:
    """Non-empty lines of a UTF-8 question file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        fail(f"Không đọc được tệp {path}: {exc.strerror}.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail(f"Tệp {path} không phải UTF-8 (byte lỗi ở vị trí {exc.start}); hãy lưu lại dưới dạng UTF-8.")
    return [line for line in text.splitlines() if line.strip()]


def _emit_json(obj: dict[str, Any], pretty: bool) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2 if pretty else None))


def _run_many(questions: list[str], fn: Callable[[str], dict[str, Any]]) -> None:
    """One JSON object per line; a bad question gets an ``error`` object, the rest go on."""
    for q in questions:
        try:
            _emit_json(fn(q), pretty=False)
        except QAError as exc:
            _emit_json({"question": q, "error": str(exc)}, pretty=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Hỏi đáp có trích dẫn trên Nghị quyết 31/NQ-HĐND (và các văn bản trong thư mục corpus)."""


@main.group("index")
def index_group() -> None:
    """Quản lý chỉ mục."""


@index_group.command("build")
@_CORPUS
@_INDEX
@_EMBEDDER
def index_build(corpus_dir: Path | None, index_dir: Path | None, embedder: str) -> None:
    """Dựng (lại) chỉ mục từ thư mục văn bản; đoạn không đổi không phải nhúng lại."""
    from corpus.loader import BUNDLED_CORPUS
    from index.embedders import make_embedder
    from index.store import build_index, default_index_dir

    with user_errors():
        target = index_dir or default_index_dir()
        update, stop = progress_bar()
        try:
            built = build_index(target, make_embedder(embedder), corpus_dir or BUNDLED_CORPUS,
                                progress=update)
        finally:
            stop()
        m = built.manifest
        click.echo(f"Đã dựng chỉ mục {target}: {len(m['documents'])} văn bản, {m['n_chunks']} đoạn, "
                   f"bộ nhúng {m['embedder']['name']} ({m['reused_vectors']} vector dùng lại).")


@main.command("search")
@click.argument("question", required=False)
@click.option("--top-k", default=5, show_default=True, type=int, help="Số đoạn trả về.")
@click.option("--mode", default="hybrid", show_default=True,
              type=click.Choice(["hybrid", "lexical", "dense"]), help="Cách tìm.")
@_FILE
@_JSON
@_INDEX
@_CORPUS
@_EMBEDDER
def search_cmd(question: str | None, top_k: int, mode: str, question_file: Path | None, as_json: bool,
               index_dir: Path | None, corpus_dir: Path | None, embedder: str) -> None:
    """Tìm các đoạn liên quan (theo từ, nghĩa, hoặc "khoản 6 Điều 2")."""
    from qa.render import print_hits

    questions = _questions(question, question_file)
    with user_errors():
        assistant = open_assistant(index_dir, corpus_dir, embedder)
        if question_file:
            _run_many(questions, lambda q: assistant.search(q, top_k, mode).to_json())
            return
        result = assistant.search(questions[0], top_k, mode)
        if as_json:
            _emit_json(result.to_json(), pretty=True)
        else:
            print_hits(result)


@main.command("ask")
@click.argument("question", required=False)
@_FILE
@_JSON
@_INDEX
@_CORPUS
@_EMBEDDER
def ask_cmd(question: str | None, question_file: Path | None, as_json: bool,
            index_dir: Path | None, corpus_dir: Path | None, embedder: str) -> None:
    """Trả lời ngắn kèm trích dẫn; nói rõ khi văn bản không đề cập."""
    from qa.render import print_answer

    questions = _questions(question, question_file)
    with user_errors():
        assistant = open_assistant(index_dir, corpus_dir, embedder)
        if question_file:
            _run_many(questions, lambda q: assistant.ask(q).to_json())
            return
        ans = assistant.ask(questions[0])
        if as_json:
            _emit_json(ans.to_json(), pretty=True)
        else:
            print_answer(ans, assistant.query(questions[0]))


def _questions(question: str | None, question_file: Path | None) -> list[str]:
    if question_file is not None and question is not None:
        fail("Chỉ dùng một trong hai: câu hỏi hoặc --file.")
    if question_file is not None:
        return read_questions(question_file)
    if question is None:
        fail("Thiếu câu hỏi. Ví dụ: qa ask \"chỉ tiêu hộ nghèo 2024\"")
    from qa.query import validate_question

    with user_errors():
        validate_question(question)
    return [question]


def _register_stage_commands() -> None:
    """Subcommands that live with their stage; imported here so a broken one fails loudly."""
    from eval.cli import eval_cmd
    from index.cli import model_group
    from qa.targets_cli import targets_cmd
    from ui.cli import serve_cmd

    for cmd in (eval_cmd, serve_cmd, targets_cmd, model_group):
        main.add_command(cmd)


_register_stage_commands()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
