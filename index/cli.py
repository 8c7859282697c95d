"""``qa model export``: the bundled model as a standard sentence-transformers folder."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("model")
def model_group() -> None:
    """Mô hình nhúng kèm theo."""


@model_group.command("export")
@click.argument("out_dir", type=click.Path(path_type=Path))
def export_cmd(out_dir: Path) -> None:
    """Xuất mô hình multilingual-e5-small kèm theo thành thư mục sentence-transformers."""
    from index.export import export_sentence_transformers

    try:
        path = export_sentence_transformers(out_dir)
    except ImportError as exc:
        raise click.ClickException(
            f"Cần cài thêm: pip install 'qa-nghiquyet[st]' ({exc.name} chưa có).") from exc
    except (ValueError, OSError) as exc:
        raise click.ClickException(f"Không xuất được mô hình: {exc}") from exc
    click.echo(f"Đã xuất mô hình vào {path}. Dùng: qa index build --embedder st:{path}")
