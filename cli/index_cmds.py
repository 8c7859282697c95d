"""``qa index build`` and ``qa model export``."""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import CORPUS, EMBEDDER, INDEX, progress_reporter, user_errors


@click.group("index")
def index_group() -> None:
    """Quản lý chỉ mục."""


@index_group.command("build")
@CORPUS
@INDEX
@EMBEDDER
def index_build(corpus_dir: Path | None, index_dir: Path | None, embedder: str) -> None:
    """Dựng (lại) chỉ mục từ thư mục văn bản; đoạn không đổi không phải nhúng lại."""
    from index.embedders import make_embedder
    from index.store import build_index, corpus_of, default_index_dir

    with user_errors():
        target = index_dir or default_index_dir()
        with progress_reporter() as update:
            built = build_index(target, make_embedder(embedder), corpus_dir or corpus_of(target), progress=update)
        m = built.manifest
        click.echo(f"Đã dựng chỉ mục {target}: {len(m['documents'])} văn bản, {m['n_chunks']} đoạn, "
                   f"bộ nhúng {m['embedder']['name']} ({m['reused_vectors']} vector dùng lại).")


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
