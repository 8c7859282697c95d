"""The ``qa`` command as users run it, on the real index and the bundled model."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cli.main import main

pytestmark = pytest.mark.model


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("question", ["chỉ tiêu hộ nghèo 2024", "chi tieu ho ngheo 2024"])
def test_ask_poverty_target_cites_appendix_13_first(real_index_dir, question):
    res = run("ask", question, "--json", "--index", str(real_index_dir))
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert set(data) >= {"question", "answer", "abstained", "citations"}
    assert data["abstained"] is False
    assert "300-400" in data["answer"]
    assert data["citations"][0]["citation"].endswith("Phụ lục, mục 13")
    hit = data["citations"][0]
    assert set(hit) == {"rank", "score", "chunk_id", "doc_id", "citation", "section", "text", "start", "end"}
    assert data["target"]["number"] == 13


def test_search_clause_reference(real_index_dir):
    res = run("search", "khoản 6 Điều 2", "--json", "--index", str(real_index_dir))
    data = json.loads(res.output)
    assert data["hits"][0]["section"] == "Điều 2 khoản 6"
    assert data["hits"][0]["text"].startswith("6. Thực hiện tốt các chính sách an sinh")


def test_text_output_leads_with_citation(real_index_dir):
    res = run("search", "tỷ lệ bao phủ bảo hiểm y tế", "--top-k", "2", "--index", str(real_index_dir))
    assert res.exit_code == 0
    assert res.output.startswith("[1] Nghị quyết 31/NQ-HĐND (06/12/2023), Phụ lục, mục 9")


def test_file_gives_one_json_per_line(real_index_dir, tmp_path):
    f = tmp_path / "q.txt"
    f.write_text("chỉ tiêu hộ nghèo 2024\n\n" + "x" * 5000 + "\ntỷ lệ BHYT\n", encoding="utf-8")
    res = run("ask", "--file", str(f), "--index", str(real_index_dir))
    lines = [json.loads(ln) for ln in res.output.splitlines()]
    assert len(lines) == 3
    assert "300-400" in lines[0]["answer"]
    assert "quá dài" in lines[1]["error"]
    assert "94,5%" in lines[2]["answer"]


@pytest.mark.parametrize(("args", "message"), [
    (["ask", "   "], "Câu hỏi đang trống"),
    (["ask", "a" * 100_000], "Câu hỏi quá dài"),
    (["ask"], "Thiếu câu hỏi"),
    (["search", "hộ nghèo", "--index", "/nonexistent/idx"], "Chưa có chỉ mục"),
    (["index", "build", "--corpus", "/nonexistent/corpus", "--index", "/tmp/qa-never"], "Không tìm thấy thư mục"),
    (["ask", "--file", "/nonexistent/q.txt"], "Không đọc được tệp"),
])
def test_user_errors_are_one_vietnamese_line(args, message):
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 1
    assert message in res.output
    assert "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_non_utf8_file_is_refused(tmp_path, real_index_dir):
    f = tmp_path / "q.txt"
    f.write_bytes("hộ nghèo".encode("cp1258", errors="replace") + b"\xff\xfe")
    res = CliRunner().invoke(main, ["ask", "--file", str(f), "--index", str(real_index_dir)])
    assert res.exit_code == 1 and "UTF-8" in res.output


def test_console_script_runs_end_to_end(real_index_dir):
    out = subprocess.run([sys.executable, "-m", "cli.main", "ask", "tỷ lệ BHYT", "--json",
                          "--index", str(real_index_dir)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "94,5%" in json.loads(out.stdout)["answer"]
