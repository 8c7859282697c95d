"""The app in headless Chromium: chat, citations, clause search, full text, CSV, escaping.

Screenshots of every tab go to artifacts/screenshots/ and the chat one also to
docs/screenshot-chat.png (for the README).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

pytest_plugins = ["ui_fixtures"]
pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / "artifacts" / "screenshots"
TIMEOUT = 30_000  # ms


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium không có ở /usr/bin/chromium: cài bằng `apt-get install -y chromium`")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, ui_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                  locale="vi-VN")
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    pg.dialogs = []  # every alert/confirm the page tries to open
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.goto(ui_server.url)
    pg.wait_for_selector("#qa-question textarea")
    pg.wait_for_selector("#qa-status .qa-status-ok", state="attached")
    yield pg
    context.close()


def shot(pg, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=False)
    return path


def ask(pg, question: str):
    """Send a question in the chat and return the new turn."""
    turns = pg.locator("#qa-chat .qa-turn")
    before = turns.count()
    pg.fill("#qa-question textarea", question)
    pg.click("#qa-ask")
    pg.wait_for_function("n => document.querySelectorAll('#qa-chat .qa-turn').length > n", arg=before)
    return turns.nth(before)


def test_chat_answers_with_a_highlighted_appendix_citation(page):
    for n, question in enumerate(("chỉ tiêu hộ nghèo 2024", "chi tieu ho ngheo 2024")):
        turn = ask(page, question)
        answer = turn.locator(".qa-answer.answered")
        assert "300-400" in answer.locator(".qa-lead").inner_text()
        first = answer.locator(".qa-cite").first
        assert "Phụ lục" in first.locator("summary").inner_text()
        passage = first.locator(".qa-passage")
        assert not passage.is_visible()
        first.locator("summary").click()
        passage.wait_for(state="visible")
        marks = passage.locator("mark.ans")
        assert marks.count() >= 1
        assert "300-400" in " ".join(marks.all_inner_texts())
        assert passage.locator("mark.qw").count() >= 1  # matched question words
        if n == 0:
            page.evaluate("window.scrollTo(0, 0)")
            path = shot(page, "hoi-dap")
            docs = REPO / "docs"
            docs.mkdir(exist_ok=True)
            shutil.copyfile(path, docs / "screenshot-chat.png")
    assert page.dialogs == []


def test_abstained_answer_looks_different(page):
    # A place the documents never mention: refused whatever the scores say.
    turn = ask(page, "Đà Nẵng đặt chỉ tiêu giảm hộ nghèo năm 2024 là bao nhiêu?")
    answer = turn.locator(".qa-answer")
    assert "abstained" in (answer.get_attribute("class") or "")
    assert "Các văn bản đã nạp không" in answer.inner_text()
    assert "Các đoạn gần nhất (có thể liên quan)" in answer.inner_text()
    answered = ask(page, "chỉ tiêu hộ nghèo 2024").locator(".qa-answer")
    style = "e => getComputedStyle(e).borderLeftColor + ' ' + getComputedStyle(e).backgroundColor"
    assert answer.evaluate(style) != answered.evaluate(style)


UNIT13 = "vb-31-nq-hdnd-2023--phu-luc-muc-13"


def _lands_on(page, anchor: str):
    unit = page.locator(f"#{anchor}")
    unit.wait_for(state="visible")
    page.wait_for_function("""(id) => {
        const r = document.getElementById(id).getBoundingClientRect();
        return r.top >= 0 && r.top < window.innerHeight; }""", arg=anchor)
    return unit


def test_citation_link_opens_the_text_tab_at_the_unit(page):
    turn = ask(page, "chỉ tiêu hộ nghèo 2024")
    link = turn.locator(".qa-cite").first.locator("a.qa-goto")
    assert link.get_attribute("href") == f"#{UNIT13}"
    link.click()
    assert "300-400 hộ" in _lands_on(page, UNIT13).inner_text()
    assert page.locator("#vb-31-nq-hdnd-2023--dieu-2-khoan-6").count() == 1
    assert page.locator("#qa-doc .qa-toc").count() == 1  # the document's outline
    shot(page, "van-ban")


def test_a_citation_of_the_other_document_loads_it(page):
    turn = ask(page, "Thanh niên là công dân Việt Nam từ đủ bao nhiêu tuổi?")
    assert "16" in turn.locator(".qa-lead").inner_text()
    link = turn.locator(".qa-cite").first.locator("a.qa-goto")
    assert link.get_attribute("data-doc") == "Luat-Thanh-nien"
    anchor = link.get_attribute("data-anchor")
    link.click()
    assert "thanh niên" in _lands_on(page, anchor).inner_text().lower()
    assert page.locator(f"#{UNIT13}").count() == 0  # one document at a time


def test_follow_up_is_understood_from_the_previous_turn(page):
    ask(page, "Tỷ lệ hộ dân được cung cấp nước sạch khu vực đô thị năm 2024 là bao nhiêu?")
    turn = ask(page, "còn khu vực nông thôn?")
    understood = turn.locator(".qa-understood")
    assert "Hiểu là:" in understood.inner_text() and "nông thôn" in understood.inner_text()
    assert "95%" in turn.locator(".qa-lead").inner_text()
    shot(page, "hoi-noi-tiep")


def test_split_clause_is_one_source_and_words_are_marked_whole(page):
    turn = ask(page, "tỷ lệ che phủ rừng năm 2025")
    labels = turn.locator(".qa-cite summary .qa-cite-t").all_inner_texts()
    assert labels and len(labels) == len(set(labels)), labels
    first = turn.locator(".qa-cite").first
    first.locator("summary").click()
    passage = first.locator(".qa-passage")
    passage.wait_for(state="visible")
    assert "5,6-6,2%" in " ".join(passage.locator("mark.ans").all_inner_texts())
    ask_turn = ask(page, "bao hiem y te")
    cite = ask_turn.locator(".qa-cite").first
    cite.locator("summary").click()
    marks = [m.strip() for m in cite.locator("mark.qw").all_inner_texts()]
    assert marks and all(len(m.split()) >= 2 or m.isupper() or m[0].isdigit() for m in marks), marks


def test_clause_search_jumps_to_the_unit(page):
    page.get_by_role("tab", name="Tra cứu điều khoản").click()
    page.fill("#qa-search-box textarea", "khoản 6 Điều 2")
    page.click("#qa-search-btn")
    first = page.locator("#qa-search-out .qa-hit").first
    first.wait_for()
    assert "Điều 2, khoản 6" in first.locator(".qa-hit-h").inner_text()
    assert "điểm" in first.locator(".qa-score").inner_text()
    assert "Điều 2 khoản 6" in page.locator("#qa-search-out .qa-jump").inner_text()
    assert first.locator("a.qa-goto").get_attribute("data-anchor") == "vb-31-nq-hdnd-2023--dieu-2-khoan-6"
    shot(page, "tra-cuu-dieu-khoan")


def test_targets_table_downloads_as_excel_friendly_csv(page, tmp_path):
    page.get_by_role("tab", name="Chỉ tiêu").click()
    page.locator("#qa-targets").get_by_text("Giảm số hộ nghèo", exact=False).first.wait_for()
    shot(page, "chi-tieu-2024")
    with page.expect_download() as info:
        page.locator("#qa-targets-csv").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    target = tmp_path / download.suggested_filename
    download.save_as(str(target))
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 24
    assert "hộ nghèo" in text
    assert any("300-400" in cell for row in rows for cell in row)


def test_markup_in_a_question_is_shown_as_text(page):
    for payload in ("<script>alert(1)</script>", '<img src=x onerror="alert(2)">'):
        turn = ask(page, payload)
        assert payload in turn.locator(".qa-q").inner_text()
    page.wait_for_timeout(500)
    assert page.locator("#qa-chat script").count() == 0
    assert page.locator("#qa-chat img").count() == 0
    assert page.dialogs == []


def test_feedback_button_appends_a_line(page, ui_server):
    turn = ask(page, "chỉ tiêu hộ nghèo 2024")
    before = ui_server.feedback_path.read_text("utf-8").count("\n") if ui_server.feedback_path.exists() else 0
    turn.locator("button.qa-fb-btn[data-verdict='đúng']").click()
    page.locator("#qa-chat .qa-turn").last.locator(".qa-fb-done").wait_for()
    lines = ui_server.feedback_path.read_text("utf-8").splitlines()
    assert len(lines) == before + 1
    row = json.loads(lines[-1])
    assert row["verdict"] == "đúng" and row["question"] == "chỉ tiêu hộ nghèo 2024"
    assert "300-400" in row["answer"]
