"""The app's JSON API through gradio_client against the live server, and the feedback log."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import pytest

from qa.types import Answer
from ui.feedback import FeedbackLog

pytest_plugins = ["ui_fixtures"]
pytestmark = [pytest.mark.model, pytest.mark.slow]

ANSWER_KEYS = set(Answer("q", "a", False, []).to_json())
FEEDBACK_KEYS = {"time", "question", "answer", "citations", "verdict"}


def new_client(url: str):
    """A gradio_client Client (imported here: gradio takes 3 s to import while collecting the fast tests)."""
    from gradio_client import Client
    return Client(url, verbose=False)


@pytest.fixture(scope="module")
def client(ui_server):
    return new_client(ui_server.url)


def test_first_run_build_showed_progress_and_served_the_page(ui_server):
    progress = [s for s in ui_server.statuses if re.search(r"Đang dựng chỉ mục… \d+/\d+", s)]
    assert progress, ui_server.statuses
    assert ui_server.page_ok_while_building, "the page must answer while the index is being built"
    assert (ui_server.index_dir / "manifest.json").is_file()
    assert ui_server.app.service.status_text() == "Sẵn sàng."


@pytest.mark.parametrize("question", ["chỉ tiêu hộ nghèo 2024", "chi tieu ho ngheo 2024"])
def test_ask_poverty_target(client, question):
    result = client.predict(question, api_name="/ask")
    assert set(result) == ANSWER_KEYS
    assert not result["abstained"]
    assert "300-400" in result["answer"]
    assert any("Phụ lục" in c["citation"] for c in result["citations"])
    assert "Phụ lục" in result["citations"][0]["citation"]


def test_search_clause_reference_comes_first(client):
    result = client.predict("khoản 6 Điều 2", 5, "hybrid", api_name="/search")
    assert result["question"] == "khoản 6 Điều 2"
    assert result["hits"][0]["section"] == "Điều 2 khoản 6"
    assert [h["rank"] for h in result["hits"]] == list(range(1, len(result["hits"]) + 1))


def test_search_filters_by_document_type_and_year(client):
    law = client.predict("độ tuổi thanh niên", 5, "hybrid", "", "Luật", api_name="/search")
    assert law["hits"] and all(h["doc_id"] == "Luat-Thanh-nien" for h in law["hits"])
    plan = client.predict("độ tuổi thanh niên", 5, "hybrid", "", "", "", "2024", api_name="/search")
    assert plan["hits"] and all(h["doc_id"] == "31-NQ-HDND-2023" for h in plan["hits"])
    one = client.predict("hộ nghèo", 5, "hybrid", "31-NQ-HDND-2023", api_name="/search")
    assert all(h["doc_id"] == "31-NQ-HDND-2023" for h in one["hits"])


def test_ask_can_keep_to_one_document(client):
    result = client.predict("Thanh niên là công dân từ bao nhiêu tuổi?", "Luat-Thanh-nien", api_name="/ask")
    assert not result["abstained"] and result["answer_type"] == "quantity"
    assert all(c["doc_id"] == "Luat-Thanh-nien" for c in result["citations"])
    assert "16" in result["figure"] and "30" in result["figure"] and "tuổi" in result["figure"]


@pytest.mark.parametrize("mode", ["lexical", "dense", "hybrid"])
def test_search_modes_and_part_filter(client, mode):
    result = client.predict("hộ nghèo", 3, mode, "", "", "", "", "Phụ lục", api_name="/search")
    assert result["hits"], result
    assert all(h["section"].startswith("Phụ lục") for h in result["hits"])


@pytest.mark.parametrize(("question", "expected"), [
    ("", "Câu hỏi đang trống"),
    ("   ", "Câu hỏi đang trống"),
    ("x" * 100_000, "Câu hỏi quá dài"),
])
def test_bad_questions_get_a_vietnamese_message(client, question, expected):
    for api, args in (("/ask", (question,)), ("/search", (question, 5, "hybrid"))):
        with pytest.raises(Exception) as info:
            client.predict(*args, api_name=api)
        message = str(info.value)
        assert expected in message
        assert "Traceback" not in message and "File \"" not in message


def test_bad_search_options_get_a_vietnamese_message(client):
    with pytest.raises(Exception, match="Chế độ tìm kiếm"):
        client.predict("hộ nghèo", 5, "fuzzy", api_name="/search")
    with pytest.raises(Exception, match="Số kết quả"):
        client.predict("hộ nghèo", 0, "hybrid", api_name="/search")


def test_twenty_concurrent_clients_are_all_answered(ui_server):
    questions = ["chỉ tiêu hộ nghèo 2024", "chi tieu ho ngheo 2024"]
    start = threading.Barrier(20, timeout=60)

    def one(i: int) -> dict:
        c = new_client(ui_server.url)
        start.wait()
        return c.predict(questions[i % 2], api_name="/ask")

    with ThreadPoolExecutor(max_workers=20) as pool:
        futures = [pool.submit(one, i) for i in range(20)]
        results = [f.result(timeout=180) for f in as_completed(futures, timeout=240)]
    assert len(results) == 20
    for r in results:
        assert "300-400" in r["answer"]
        assert any("Phụ lục" in c["citation"] for c in r["citations"])


def _read_lines(path: Path) -> list[dict]:
    raw = path.read_bytes().decode("utf-8")
    assert raw.endswith("\n")
    return [json.loads(line) for line in raw.split("\n")[:-1]]


def test_fifty_concurrent_feedback_writes_give_fifty_lines(tmp_path):
    log = FeedbackLog(tmp_path / "data" / "feedback.jsonl")
    big = "Giảm số hộ nghèo so với đầu năm: 300-400 hộ. " * 2000  # ~90 KB: far above PIPE_BUF
    start = threading.Barrier(50, timeout=30)

    def one(i: int) -> None:
        start.wait()
        log.record(f"câu hỏi {i} <script>", f"{i}:{big}", ["Nghị quyết 31/NQ-HĐND, Phụ lục, mục 13"],
                   "đúng" if i % 2 else "sai")

    threads = [threading.Thread(target=one, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    rows = _read_lines(log.path)
    assert len(rows) == 50
    assert all(set(r) == FEEDBACK_KEYS for r in rows)
    assert sorted(int(r["answer"].split(":", 1)[0]) for r in rows) == list(range(50))
    assert all(r["answer"].endswith(big) for r in rows)
    assert "hộ nghèo" in log.path.read_text(encoding="utf-8")  # ensure_ascii=False


def test_feedback_writes_from_two_processes_do_not_interleave(tmp_path):
    path = tmp_path / "feedback.jsonl"
    script = (
        "import sys, threading\n"
        "from ui.feedback import FeedbackLog\n"
        "log = FeedbackLog(sys.argv[1]); tag = sys.argv[2]; big = 'Chỉ tiêu ' * 8000\n"
        "ts = [threading.Thread(target=log.record, args=(f'{tag}-{i}', big, [], 'sai')) for i in range(25)]\n"
        "[t.start() for t in ts]; [t.join() for t in ts]\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(path), tag]) for tag in ("a", "b")]
    for p in procs:
        assert p.wait(timeout=120) == 0
    rows = _read_lines(path)
    assert len(rows) == 50
    assert sorted(r["question"] for r in rows) == sorted(f"{t}-{i}" for t in "ab" for i in range(25))


def test_feedback_button_handler_records_the_answer(ui_server):
    import gradio as gr
    app = ui_server.app
    _, turns, html = app.on_ask("chỉ tiêu hộ nghèo 2024", [])
    assert 'data-verdict="đúng"' in html
    before = len(_read_lines(ui_server.feedback_path)) if ui_server.feedback_path.exists() else 0
    turns, html = app.on_feedback(turns, gr.EventData(None, {"turn": 0, "verdict": "sai"}))
    assert "Đã ghi nhận" in html and 'data-verdict="' not in html
    # A second click on the same answer is not recorded twice.
    turns, html = app.on_feedback(turns, gr.EventData(None, {"turn": 0, "verdict": "đúng"}))
    rows = _read_lines(ui_server.feedback_path)
    assert len(rows) == before + 1
    row = rows[-1]
    assert row["question"] == "chỉ tiêu hộ nghèo 2024" and row["verdict"] == "sai"
    assert "300-400" in row["answer"] and any("Phụ lục" in c for c in row["citations"])


def test_chat_handler_shows_errors_not_tracebacks(ui_server):
    app = ui_server.app
    for question, expected in (("", "Câu hỏi đang trống"), ("x" * 100_000, "Câu hỏi quá dài")):
        _, turns, html = app.on_ask(question, [])
        assert expected in html and "Traceback" not in html
        assert turns[-1]["record"] is None and 'data-verdict="' not in html


def test_chat_completes_a_follow_up_and_leaves_a_full_question_alone(ui_server):
    app = ui_server.app
    _, turns, _ = app.on_ask("Khoản 6 Điều 2 nói về gì?", [])
    _, turns, html = app.on_ask("còn khoản 7?", turns)
    assert "Hiểu là:" in turns[-1]["html"] and "Điều 2" in turns[-1]["answer"].understood
    assert "quản lý và sử dụng đất" in turns[-1]["answer"].text
    _, alone, _ = app.on_ask("tỷ lệ BHYT", [])
    _, turns, _ = app.on_ask("chỉ tiêu hộ nghèo 2024", [])
    _, turns, html = app.on_ask("tỷ lệ BHYT", turns)
    assert len(turns) == 2 and html.count('class="qa-turn"') == 2
    assert turns[1]["html"] == alone[0]["html"]  # a self-contained question is never rewritten
