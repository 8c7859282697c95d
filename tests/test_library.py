"""A growing corpus: adding and removing documents, incremental builds, two writers, progress lines."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import LAWS

from cli.main import main
from corpus.errors import CorpusError, IndexStateError
from index.embedders import HashEmbedder
from index.library import add_documents, list_documents, remove_document
from index.store import build_index, load_index

YOUTH = LAWS / "Luat-Thanh-nien.txt"
ACCESS = LAWS / "Luat-Tiep-can-thong-tin.txt"


def _copy_law(src: Path, dst_dir: Path) -> Path:
    dst_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst_dir / src.name)
    shutil.copy2(src.with_name(f"{src.stem}.meta.json"), dst_dir / f"{src.stem}.meta.json")
    return dst_dir / src.name


def test_adding_a_document_embeds_only_its_text(tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    first = build_index(index_dir, fake_embedder)
    before = fake_embedder.calls
    index, added = add_documents(index_dir, [YOUTH], fake_embedder)
    assert added == ["Luat-Thanh-nien"]
    new_texts = {c.indexed_text for c in index.chunks if c.doc_id == "Luat-Thanh-nien"}
    assert 0 < fake_embedder.calls - before <= 2 * len(new_texts)  # its chunks and sentences, nothing else
    assert index.manifest["embedded"] == fake_embedder.calls - before
    assert len(index.chunks) > len(first.chunks)
    # The bundled folder is never written: the index got a corpus folder of its own.
    assert Path(index.manifest["corpus_dir"]) == (tmp_path / "index.corpus").resolve()
    assert {r.doc_id for r in list_documents(index)} == {"31-NQ-HDND-2023", "Luat-Thanh-nien"}


def test_removing_a_document_embeds_nothing(tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    build_index(index_dir, fake_embedder)
    add_documents(index_dir, [YOUTH], fake_embedder)
    before = fake_embedder.calls
    index = remove_document(index_dir, "Luat-Thanh-nien", fake_embedder)
    assert fake_embedder.calls == before and index.manifest["embedded"] == 0
    assert list(index.documents) == ["31-NQ-HDND-2023"]
    with pytest.raises(CorpusError, match="Không có văn bản mã"):
        remove_document(index_dir, "Luat-Thanh-nien", fake_embedder)


def test_adding_the_same_document_twice_is_refused(tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    build_index(index_dir, fake_embedder)
    add_documents(index_dir, [YOUTH], fake_embedder)
    with pytest.raises(CorpusError, match="đã có trong"):
        add_documents(index_dir, [YOUTH], fake_embedder)


_ADD = """
import sys
from pathlib import Path
from index.embedders import HashEmbedder
from index.library import add_documents
add_documents(Path(sys.argv[1]), [Path(sys.argv[2])], HashEmbedder())
"""


def test_two_writers_at_once_lose_no_document(tmp_path, fake_embedder):
    index_dir = tmp_path / "index"
    build_index(index_dir, fake_embedder)
    procs = [subprocess.Popen([sys.executable, "-c", _ADD, str(index_dir), str(law)]) for law in (YOUTH, ACCESS)]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    index = load_index(index_dir)
    assert set(index.documents) == {"31-NQ-HDND-2023", "Luat-Thanh-nien", "Luat-Tiep-can-thong-tin"}
    builds = tmp_path / "index.builds"
    assert not list(builds.glob("*.partial"))
    assert len(list(builds.iterdir())) <= 2  # the serving build and at most the previous one


def test_index_remembers_its_corpus(tmp_path, fake_embedder):
    corpus = tmp_path / "laws"
    _copy_law(YOUTH, corpus)
    index_dir = tmp_path / "laws-index"
    build_index(index_dir, fake_embedder, corpus)
    res = CliRunner().invoke(main, ["search", "độ tuổi thanh niên", "--index", str(index_dir),
                                    "--embedder", "fake", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["hits"][0]["doc_id"] == "Luat-Thanh-nien"
    # A changed corpus is refused with the command that rebuilds this index from its own corpus.
    law = corpus / YOUTH.name
    law.write_text(law.read_text(encoding="utf-8").replace("30 tuổi", "35 tuổi"), encoding="utf-8")
    res = CliRunner().invoke(main, ["search", "thanh niên", "--index", str(index_dir), "--embedder", "fake"])
    assert res.exit_code == 1
    assert f"qa index build --index {index_dir} --corpus {corpus.resolve()}" in res.output


def test_build_progress_is_logged_without_a_terminal(tmp_path):
    env = {**os.environ, "QA_DATA_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "cli.main", "index", "build", "--embedder", "fake"],
                         capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr
    lines = [ln for ln in out.stderr.splitlines() if "Đang nhúng" in ln]
    assert lines, out.stderr
    assert any("/s" in ln and "%" in ln for ln in lines)  # done/total, share, rate


def test_corpus_commands(tmp_path):
    runner = CliRunner()
    index_dir = tmp_path / "index"
    assert runner.invoke(main, ["index", "build", "--index", str(index_dir), "--embedder", "fake"]).exit_code == 0
    res = runner.invoke(main, ["corpus", "add", str(YOUTH), "--index", str(index_dir), "--embedder", "fake"])
    assert res.exit_code == 0, res.output
    assert "Luật Thanh niên 57/2020/QH14" in res.output
    listed = json.loads(runner.invoke(main, ["corpus", "list", "--json", "--index", str(index_dir)]).output)
    assert {r["doc_id"] for r in listed} == {"31-NQ-HDND-2023", "Luat-Thanh-nien"}
    law = next(r for r in listed if r["doc_id"] == "Luat-Thanh-nien")
    assert law["kind"] == "Luật" and law["number"] == "57/2020/QH14" and law["chunks"] > 100
    res = runner.invoke(main, ["corpus", "add", str(tmp_path / "nope.pdf"), "--index", str(index_dir)])
    assert res.exit_code == 1 and "Không tìm thấy tệp" in res.output
    res = runner.invoke(main, ["corpus", "remove", "Luat-Thanh-nien", "--index", str(index_dir), "--embedder", "fake"])
    assert res.exit_code == 0, res.output
    with pytest.raises(IndexStateError):
        load_index(tmp_path / "other")


def test_scanned_pdf_is_refused_before_anything_changes(tmp_path, fake_embedder):
    from reportlab.pdfgen import canvas

    index_dir = tmp_path / "index"
    build_index(index_dir, fake_embedder)
    pdf = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(pdf))
    c.rect(50, 50, 200, 200)
    c.save()
    with pytest.raises(CorpusError, match="quét"):
        add_documents(index_dir, [pdf], HashEmbedder())
    assert list(load_index(index_dir).documents) == ["31-NQ-HDND-2023"]


def test_cli_filters_by_type_and_year(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(Path(__file__).resolve().parent.parent / "corpus" / "documents", corpus)
    _copy_law(YOUTH, corpus)
    index_dir = tmp_path / "index"
    runner = CliRunner()
    assert runner.invoke(main, ["index", "build", "--index", str(index_dir), "--corpus", str(corpus),
                                "--embedder", "fake"]).exit_code == 0
    base = ["--index", str(index_dir), "--embedder", "fake", "--json", "--top-k", "8"]
    laws = json.loads(runner.invoke(main, ["search", "quyền và nghĩa vụ", "--kind", "Luật", *base]).output)
    assert laws["hits"] and {h["doc_id"] for h in laws["hits"]} == {"Luat-Thanh-nien"}
    plan = json.loads(runner.invoke(main, ["search", "quyền và nghĩa vụ", "--year", "2024", *base]).output)
    assert plan["hits"] and {h["doc_id"] for h in plan["hits"]} == {"31-NQ-HDND-2023"}
    res = runner.invoke(main, ["ask", "độ tuổi thanh niên", "--doc", "nope", "--index", str(index_dir),
                               "--embedder", "fake"])
    assert res.exit_code == 1 and "Không có văn bản mã 'nope'" in res.output
