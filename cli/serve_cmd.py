"""``qa serve``: the web app."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from cli.common import index_options


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Địa chỉ lắng nghe (mặc định chỉ máy này; 0.0.0.0 mở cho cả mạng).")
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1, 65535), help="Cổng.")
@index_options
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="Thư mục ghi phản hồi feedback.jsonl (mặc định: $QA_DATA_DIR).")
def serve_cmd(host: str, port: int, index_dir: Path | None, corpus_dir: Path | None, embedder: str,
              data_dir: Path | None) -> None:
    """Mở ứng dụng web hỏi đáp tại http://127.0.0.1:7860 (chỉ mục chưa có thì dựng trong nền)."""
    from ui.app import serve

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("ui").setLevel(logging.INFO)
    click.echo(f"Mở ứng dụng tại http://{host}:{port}/ (Ctrl+C để dừng).", err=True)
    try:
        serve(host, port, index_dir, corpus_dir, embedder, data_dir)
    except OSError as exc:
        raise click.ClickException(
            f"Không mở được cổng {host}:{port} ({exc}). Hãy chọn --port khác."
        ) from exc
    except KeyboardInterrupt:
        click.echo("Đã dừng.", err=True)
