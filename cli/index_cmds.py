"""``qa index build`` and ``qa model export``."""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import CORPUS, EMBEDDER, INDEX, emit_json, progress_reporter, user_errors


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
                   f"bộ nhúng {m['embedder']['name']} ({m['embedded']} đoạn mới được nhúng, "
                   f"{m['reused_vectors']} dùng lại).")


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


@click.group("corpus")
def corpus_group() -> None:
    """Văn bản của chỉ mục: thêm, liệt kê, gỡ."""


@corpus_group.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@INDEX
@EMBEDDER
def corpus_add(files: tuple[Path, ...], index_dir: Path | None, embedder: str) -> None:
    """Thêm văn bản (.txt, .docx, .pdf có lớp chữ, trang .html đã lưu) rồi dựng lại chỉ mục (chỉ nhúng phần mới)."""
    from index.embedders import make_embedder
    from index.library import add_documents
    from index.store import default_index_dir

    target = index_dir or default_index_dir()
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise click.ClickException(f"Không tìm thấy tệp: {', '.join(missing)}.")
    with user_errors(), progress_reporter() as update:
        index, added = add_documents(target, list(files), make_embedder(embedder), progress=update)
    m = index.manifest
    titles = ", ".join(index.documents[d].title for d in added)
    click.echo(f"Đã thêm {titles} vào {m['corpus_dir']}; chỉ mục {target}: {len(m['documents'])} văn bản, "
               f"{m['n_chunks']} đoạn ({m['embedded']} đoạn mới được nhúng).")


@corpus_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@INDEX
def corpus_list(as_json: bool, index_dir: Path | None) -> None:
    """Liệt kê văn bản trong chỉ mục: mã, loại, số hiệu, ngày, cơ quan, số đoạn."""
    from dataclasses import asdict

    from index.library import list_documents
    from index.store import default_index_dir, load_index

    with user_errors():
        rows = list_documents(load_index(index_dir or default_index_dir()))
    if as_json:
        emit_json([asdict(r) for r in rows])
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("Mã", "Loại", "Số hiệu", "Ngày ban hành", "Cơ quan ban hành", "Đoạn")
    for r in rows:
        table.add_row(r.doc_id, r.kind, r.number, r.date, r.body, str(r.chunks))
    Console().print(table)


@corpus_group.command("remove")
@click.argument("doc_id")
@INDEX
@EMBEDDER
def corpus_remove(doc_id: str, index_dir: Path | None, embedder: str) -> None:
    """Gỡ một văn bản khỏi chỉ mục (theo mã, xem qa corpus list) rồi dựng lại."""
    from index.embedders import make_embedder
    from index.library import remove_document
    from index.store import default_index_dir

    target = index_dir or default_index_dir()
    with user_errors(), progress_reporter() as update:
        index = remove_document(target, doc_id, make_embedder(embedder), progress=update)
    click.echo(f"Đã gỡ {doc_id}; chỉ mục {target} còn {len(index.documents)} văn bản, {len(index.chunks)} đoạn.")
