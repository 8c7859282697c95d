"""``qa targets``: the 24 appendix targets as a table, JSON or CSV."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from qa.cli_common import _CORPUS, _EMBEDDER, _INDEX, open_assistant, user_errors


@click.command("targets")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON (có các chỗ văn bản ghi lại chỉ tiêu).")
@click.option("--csv", "as_csv", is_flag=True, help="In dạng CSV (UTF-8).")
@_INDEX
@_CORPUS
@_EMBEDDER
def targets_cmd(as_json: bool, as_csv: bool, index_dir: Path | None, corpus_dir: Path | None,
                embedder: str) -> None:
    """Các chỉ tiêu của Phụ lục: chỉ tiêu, giá trị, đơn vị, so sánh, trích dẫn."""
    from qa.targets import target_table, write_targets_csv

    with user_errors():
        targets = open_assistant(index_dir, corpus_dir, embedder).answerer.targets
    if as_json:
        click.echo(json.dumps([t.to_json() for t in targets], ensure_ascii=False, indent=2))
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
