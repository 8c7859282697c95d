"""Index folder: save/load, refusal of stale or damaged indexes, atomic rebuilds."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from corpus.errors import IndexStateError
from index.store import BuildSettings, build_index, check_fresh, load_index
from qa.assistant import Assistant
from qa.query import Filters
from qa.retrieve import DenseRetriever, FusionSettings, HybridRetriever, LexicalRetriever


def _edit_one_unit(corpus: Path) -> None:
    doc = next(corpus.glob("*.txt"))
    text = doc.read_text(encoding="utf-8")
    assert "đầu năm: 300-400 hộ." in text
    doc.write_text(text.replace("đầu năm: 300-400 hộ.", "đầu năm: 300-450 hộ."), encoding="utf-8")


def _ids(assistant: Assistant, q: str, mode: str = "hybrid") -> list[str]:
    return [h.chunk.id for h in assistant.search(q, top_k=5, mode=mode).hits]


def test_save_load_round_trip_vietnamese(tmp_path, corpus_copy, fake_embedder):
    built = build_index(tmp_path / "index", fake_embedder, corpus_copy)
    loaded = load_index(tmp_path / "index")
    assert [c.to_json() for c in loaded.chunks] == [c.to_json() for c in built.chunks]
    assert "13. Giảm số hộ nghèo so với đầu năm: 300-400 hộ." in {c.text for c in loaded.chunks}
    manifest = json.loads((tmp_path / "index" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["embedder"]["name"] == "fake:hash-64" and manifest["embedder"]["dim"] == 64
    assert "HĐND" in (tmp_path / "index" / "documents.jsonl").read_text(encoding="utf-8")  # not \\u escaped
    a1, a2 = Assistant(built, fake_embedder), Assistant(loaded, fake_embedder)
    for q in ("chỉ tiêu hộ nghèo 2024", "tỷ lệ bao phủ bảo hiểm y tế", "Đẩy mạnh CCHC"):
        for mode in ("lexical", "dense", "hybrid"):
            assert _ids(a1, q, mode) == _ids(a2, q, mode)


def test_lexical_matches_without_diacritics(tmp_path, corpus_copy, fake_embedder):
    a = Assistant(build_index(tmp_path / "index", fake_embedder, corpus_copy), fake_embedder)
    for q in ("chỉ tiêu hộ nghèo 2024", "chi tieu ho ngheo 2024"):
        assert a.search(q, mode="lexical").hits[0].chunk.section in {"Phụ lục mục 13", "Điều 1 khoản 2"}
    top = a.search("khoản 6 Điều 2").hits[0]
    assert top.chunk.section == "Điều 2 khoản 6"


def test_changed_corpus_is_refused(tmp_path, corpus_copy, fake_embedder):
    index = build_index(tmp_path / "index", fake_embedder, corpus_copy)
    doc = next(corpus_copy.glob("*.txt"))
    doc.write_text(doc.read_text(encoding="utf-8").replace("300-400 hộ", "500 hộ"), encoding="utf-8")
    with pytest.raises(IndexStateError, match="đã cũ.*qa index build"):
        check_fresh(index, fake_embedder, corpus_copy, BuildSettings())


def test_other_embedder_is_refused(tmp_path, corpus_copy, fake_embedder):
    index = build_index(tmp_path / "index", fake_embedder, corpus_copy)

    class Other(type(fake_embedder)):
        name = "other-model"

    with pytest.raises(IndexStateError, match="bộ nhúng other-model|bộ nhúng fake"):
        check_fresh(index, Other(), corpus_copy, BuildSettings())


@pytest.mark.parametrize("victim", ["vectors.faiss", "chunks.jsonl", "manifest.json", "bm25/vocab.json"])
def test_damaged_file_is_refused_with_rebuild_hint(tmp_path, corpus_copy, fake_embedder, victim):
    build_index(tmp_path / "index", fake_embedder, corpus_copy)
    path = (tmp_path / "index").resolve() / victim
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexStateError, match="qa index build"):
        load_index(tmp_path / "index")


def test_missing_index_names_the_fix(tmp_path):
    with pytest.raises(IndexStateError, match="Chưa có chỉ mục.*qa index build"):
        load_index(tmp_path / "nothing")


def test_failed_build_leaves_previous_index_serving(tmp_path, corpus_copy, fake_embedder):
    build_index(tmp_path / "index", fake_embedder, corpus_copy)
    before = os.readlink(tmp_path / "index")

    class Dies(type(fake_embedder)):
        def embed_passages(self, texts):
            raise KeyboardInterrupt  # as if killed half-way

    _edit_one_unit(corpus_copy)
    with pytest.raises(KeyboardInterrupt):
        build_index(tmp_path / "index", Dies(), corpus_copy)
    assert os.readlink(tmp_path / "index") == before
    assert len(load_index(tmp_path / "index").chunks) > 50


def test_rebuild_reuses_unchanged_vectors(tmp_path, corpus_copy, fake_embedder):
    build_index(tmp_path / "index", fake_embedder, corpus_copy)
    first = fake_embedder.calls
    _edit_one_unit(corpus_copy)
    rebuilt = build_index(tmp_path / "index", fake_embedder, corpus_copy)
    # The edited appendix item is one chunk of one sentence: one new text to embed, the rest reused.
    assert fake_embedder.calls - first == 1
    assert rebuilt.manifest["embedded"] == 1
    fresh = type(fake_embedder)().embed_passages([c.indexed_text for c in rebuilt.chunks])
    assert np.allclose(rebuilt.dense.vectors(), fresh, atol=1e-6)


def test_fusion_contract_every_retriever(tmp_path, corpus_copy, fake_embedder):
    """Every Retriever returns (row, score) pairs, best first, within k, rows valid."""
    index = build_index(tmp_path / "index", fake_embedder, corpus_copy)
    a = Assistant(index, fake_embedder)
    lex, den = LexicalRetriever(index), DenseRetriever(index, fake_embedder)
    retrievers = [lex, den, HybridRetriever(lex, den, FusionSettings()),
                  HybridRetriever(lex, den, FusionSettings(method="rrf"))]
    q = a.query("tỷ lệ lao động qua đào tạo")
    for r in retrievers:
        ranked = r.retrieve(q, 7)
        assert 0 < len(ranked) <= 7
        scores = [s for _, s in ranked]
        assert scores == sorted(scores, reverse=True)
        assert all(0 <= row < len(index.chunks) for row, _ in ranked)
        assert len({row for row, _ in ranked}) == len(ranked)


def test_fusion_settings_are_checked():
    with pytest.raises(ValueError, match="dense weight must be in"):
        FusionSettings(dense_weight=1.5)


def test_index_on_plain_folder_is_refused(tmp_path, corpus_copy, fake_embedder):
    (tmp_path / "index").mkdir()
    with pytest.raises(IndexStateError, match="thư mục thường"):
        build_index(tmp_path / "index", fake_embedder, corpus_copy)


def test_search_arguments_are_checked(tmp_path, corpus_copy, fake_embedder):
    from corpus.errors import InputError

    a = Assistant(build_index(tmp_path / "index", fake_embedder, corpus_copy), fake_embedder)
    with pytest.raises(InputError, match="Số kết quả"):
        a.search("hộ nghèo", top_k=0)
    with pytest.raises(InputError, match="Chế độ"):
        a.search("hộ nghèo", mode="magic")
    with pytest.raises(InputError, match="trống"):
        a.search(" \x00 \n")
    with pytest.raises(InputError, match="quá dài"):
        a.search("hộ nghèo " * 500)
    part = a.search("hộ nghèo", top_k=10, filters=Filters(parts=("Phụ lục",))).hits
    assert part and all(h.chunk.path[0] == "Phụ lục" for h in part)


def test_path_is_a_symlink_to_a_build(tmp_path, corpus_copy, fake_embedder):
    build_index(tmp_path / "index", fake_embedder, corpus_copy)
    assert (tmp_path / "index").is_symlink()
    assert Path(tmp_path / "index").resolve().parent.name == "index.builds"


def test_dense_finds_a_long_passage_by_its_one_matching_sentence(tmp_path, fake_embedder):
    """A long khoản whose one sentence answers the question outranks a short, loosely related one."""
    from qa.retrieve import SENTENCE_WEIGHT

    filler = " ".join(f"Cơ quan {w} tổ chức kiểm tra định kỳ việc chấp hành quy định về {w}." for w in
                      ("giao thông", "xây dựng", "môi trường", "y tế", "giáo dục", "văn hóa", "du lịch", "thuế"))
    text = ("LUẬT THỬ NGHIỆM LƯU TRỮ\n\nĐiều 1. Lưu trữ\n\n1. " + filler +
            " Thời hạn bảo quản hồ sơ lưu trữ là 20 năm.\n\n"
            "Điều 2. Hồ sơ\n\n1. Hồ sơ được lập theo mẫu thống nhất.\n")
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "luat.txt").write_text(text, encoding="utf-8")
    index = build_index(tmp_path / "index", fake_embedder, tmp_path / "corpus")
    q = Assistant(index, fake_embedder).query("thời hạn bảo quản hồ sơ")

    def top(weight: float) -> str:
        row = DenseRetriever(index, fake_embedder, sentence_weight=weight).retrieve(q, 2)[0][0]
        return index.chunks[row].text

    assert "20 năm" in top(SENTENCE_WEIGHT)
    assert "20 năm" not in top(0.0)  # by the whole passage alone the short one wins
