"""``qa``: one console script whose subcommands are thin adapters over the stages below it.

This is the only module that imports every layer (corpus ← index ← qa ← ui, eval); no
stage imports it.
"""

from __future__ import annotations

import sys

import click

from cli.eval_cmds import eval_cmd
from cli.index_cmds import corpus_group, index_group, model_group
from cli.qa_cmds import ask_cmd, search_cmd, targets_cmd
from cli.serve_cmd import serve_cmd


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Hỏi đáp có trích dẫn trên văn bản chính quyền (Nghị quyết 31/NQ-HĐND và các văn bản đã nạp)."""


for _command in (index_group, corpus_group, search_cmd, ask_cmd, targets_cmd, eval_cmd, serve_cmd, model_group):
    main.add_command(_command)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
