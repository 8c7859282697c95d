"""``qa search``, ``qa ask`` and ``qa targets``: thin adapters over :class:`qa.assistant.Assistant`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cli.common import (
    FILE,
    JSON,
    emit_json,
    fail,
    filter_options,
    index_options,
    open_assistant,
    read_questions,
    user_errors,
)
from corpus.errors import QAError
from qa.retrieve import MODES

if TYPE_CHECKING:
    from qa.query import Filters


def _run_many(questions: list[str], fn: Callable[[str], dict[str, Any]]) -> None:
    """One JSON object per line; a bad question gets an ``error`` object, the rest go on."""
    for q in questions:
        try:
            emit_json(fn(q), pretty=False)
        except QAError as exc:
            emit_json({"question": q, "error": str(exc)}, pretty=False)


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


def _respond(question: str | None, question_file: Path | None, as_json: bool, index_dir: Path | None,
             corpus_dir: Path | None, embedder: str, call: Callable[[Any, str], Any],
             show: Callable[[Any], None]) -> None:
    """``call(assistant, question)`` for one question (printed by ``show`` or as JSON) or a file of them."""
    questions = _questions(question, question_file)
    with user_errors():
        assistant = open_assistant(index_dir, corpus_dir, embedder)
        if question_file:
            _run_many(questions, lambda q: call(assistant, q).to_json())
            return
        result = call(assistant, questions[0])
    if as_json:
        emit_json(result.to_json())
    else:
        show(result)


@click.command("search")
@click.argument("question", required=False)
@click.option("--top-k", default=5, show_default=True, type=int, help="Số đoạn trả về.")
@click.option("--mode", default="hybrid", show_default=True, type=click.Choice(MODES), help="Cách tìm.")
@FILE
@JSON
@filter_options
@index_options
def search_cmd(question: str | None, top_k: int, mode: str, question_file: Path | None, as_json: bool,
               filters: Filters | None, index_dir: Path | None, corpus_dir: Path | None, embedder: str) -> None:
    """Tìm các đoạn liên quan (theo từ, nghĩa, hoặc "khoản 6 Điều 2"), lọc theo văn bản, loại, cơ quan, năm."""
    from cli.render import print_hits

    _respond(question, question_file, as_json, index_dir, corpus_dir, embedder,
             lambda assistant, q: assistant.search(q, top_k, mode, filters), print_hits)


@click.command("ask")
@click.argument("question", required=False)
@FILE
@JSON
@filter_options
@index_options
def ask_cmd(question: str | None, question_file: Path | None, as_json: bool, filters: Filters | None,
            index_dir: Path | None, corpus_dir: Path | None, embedder: str) -> None:
    """Trả lời ngắn kèm trích dẫn; nói rõ khi văn bản không đề cập."""
    from cli.render import print_answer

    _respond(question, question_file, as_json, index_dir, corpus_dir, embedder,
             lambda assistant, q: assistant.ask(q, filters), print_answer)


@click.command("targets")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON (có các chỗ văn bản ghi lại chỉ tiêu).")
@click.option("--csv", "as_csv", is_flag=True, help="In dạng CSV (UTF-8).")
@index_options
def targets_cmd(as_json: bool, as_csv: bool, index_dir: Path | None, corpus_dir: Path | None,
                embedder: str) -> None:
    """Các chỉ tiêu của Phụ lục: chỉ tiêu, giá trị, đơn vị, so sánh, trích dẫn."""
    from corpus.targets import target_table, write_targets_csv

    with user_errors():
        targets = open_assistant(index_dir, corpus_dir, embedder).targets
    if as_json:
        emit_json([t.to_json() for t in targets])
    elif as_csv:
        write_targets_csv(targets, sys.stdout)
    else:
        from rich.console import Console
        from rich.table import Table

        cols, rows = target_table(targets)
        table = Table(*cols, show_lines=False)
        for row in rows:
            table.add_row(*row)
        Console().print(table)
