"""Bad input, killed builds and rebuilds under readers: clear messages, nothing lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from click.testing import CliRunner

from cli.main import main
from corpus.errors import InputError, QAError
from index.store import build_index, load_index

WEIRD = [
    "hộ nghèo\x00\x01\x02 2024",
    "Hà Nội 河内 Ханой hộ nghèo",
    "🏠 hộ nghèo 2024 🙏",
    "<script>alert(1)</script> tỷ lệ BHYT",
    "'; DROP TABLE chunks; -- hộ nghèo",
    "\u200b\ufeffchỉ tiêu\u2028hộ nghèo",
    "Điều 999 khoản 0",
    "1" * 900,
]


@pytest.mark.parametrize("question", [q for q in WEIRD if ("nghèo" in q or "BHYT" in q) and "DROP" not in q])
def test_junk_around_a_real_question_does_not_derail_it(fake_assistant, question):
    # Control characters, other scripts, emoji, markup or SQL around the words still find the passage.
    ans = fake_assistant.ask(question)
    assert "\x00" not in ans.question and "\x00" not in ans.text
    sections = {h.chunk.section for h in fake_assistant.search(question, top_k=5).hits}
    wanted = {"Phụ lục mục 9"} if "BHYT" in question else {"Phụ lục mục 13", "Điều 1 khoản 2", "Điều 2 khoản 6"}
    assert sections & wanted, sections


def test_a_unit_that_does_not_exist_is_said_so(fake_assistant):
    ans = fake_assistant.ask("Điều 999 khoản 0")
    assert ans.abstained and "không có Điều 999" in ans.text


def test_digits_alone_are_refused_without_a_figure(fake_assistant):
    ans = fake_assistant.ask("1" * 900)
    assert ans.abstained and not ans.figure


@pytest.mark.parametrize("question", ["", "   \n\t ", "\x00\x01", "x" * 100_000, "hộ nghèo " * 1_200_000])
def test_unusable_questions_get_a_vietnamese_message_fast(fake_assistant, question):
    t0 = time.perf_counter()
    with pytest.raises(InputError) as err:
        fake_assistant.ask(question)
    assert time.perf_counter() - t0 < 5
    assert any(w in str(err.value) for w in ("trống", "quá dài"))


def test_cli_handles_ten_megabyte_and_broken_lines(tmp_path, fake_index_dir):
    f = tmp_path / "q.txt"
    f.write_text("chỉ tiêu hộ nghèo 2024\n" + "a" * 10_000_000 + "\n<b>tỷ lệ BHYT</b>\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["ask", "--file", str(f), "--index", str(fake_index_dir), "--embedder", "fake"])
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert len(lines) == 3
    assert "quá dài" in lines[1] and "Traceback" not in res.output


_SLOW_BUILD = textwrap.dedent("""
    import sys, time
    from index.embedders import HashEmbedder
    from index.store import build_index

    class Slow(HashEmbedder):
        def embed_passages(self, texts):
            print("embedding", flush=True)
            time.sleep(0.5)
            return super().embed_passages(texts)

    build_index({index!r}, Slow(), {corpus!r})
""")


def test_build_killed_half_way_leaves_previous_index_serving(tmp_path, corpus_copy, fake_embedder):
    index_dir = tmp_path / "index"
    build_index(index_dir, fake_embedder, corpus_copy)
    before = os.readlink(index_dir)
    doc = next(corpus_copy.glob("*.txt"))
    doc.write_text(doc.read_text(encoding="utf-8").replace("300-400 hộ.", "350 hộ."), encoding="utf-8")
    for p in corpus_copy.glob("*.txt"):  # every chunk must be re-embedded: slow build
        p.write_text(p.read_text(encoding="utf-8").replace("Thành phố", "Thành Phố"), encoding="utf-8")
    script = _SLOW_BUILD.format(index=str(index_dir), corpus=str(corpus_copy))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "embedding"
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert os.readlink(index_dir) == before
    old = load_index(index_dir)
    assert "13. Giảm số hộ nghèo so với đầu năm: 300-400 hộ." in {c.text for c in old.chunks}
    # The next build finishes, swaps in, and cleans up the killed build's leftovers.
    new = build_index(index_dir, fake_embedder, corpus_copy)
    assert "13. Giảm số hộ nghèo so với đầu năm: 350 hộ." in {c.text for c in new.chunks}
    assert not list((tmp_path / "index.builds").glob("*.partial"))


def test_rebuilding_while_serving_never_serves_a_half_written_index(tmp_path, corpus_copy, fake_embedder):
    index_dir = tmp_path / "index"
    build_index(index_dir, fake_embedder, corpus_copy)
    errors: list[BaseException] = []
    loads = 0
    stop = threading.Event()

    def reader() -> None:
        nonlocal loads
        while not stop.is_set():
            try:
                idx = load_index(index_dir)
                assert len(idx.chunks) == idx.dense.size > 50
                loads += 1
            except (QAError, AssertionError, OSError) as exc:
                errors.append(exc)

    t = threading.Thread(target=reader)
    t.start()
    try:
        for _ in range(4):
            build_index(index_dir, fake_embedder, corpus_copy)
    finally:
        stop.set()
        t.join(timeout=60)
    assert loads > 0
    assert errors == []
