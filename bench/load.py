"""Bounded load run against the real app on loopback: N users, M questions, zero errors expected.

    python bench/load.py [--users 50] [--questions 2000] [--index DIR]

Starts the Gradio app in-process on 127.0.0.1 (a free port), then N client threads, each
with its own gradio_client, ask questions from eval/data/qa.jsonl through ``/ask`` until M
answers are in. Every answer is also written to the feedback log from the same threads, and
the log is checked line by line at the end. Prints p50/p95 latency, throughput and errors.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--questions", type=int, default=2000)
    ap.add_argument("--index", type=Path, default=None)
    ap.add_argument("--timeout", type=float, default=900, help="stop the run after this many seconds")
    args = ap.parse_args()

    from gradio_client import Client

    from qa.assistant import Assistant
    from ui.app import build_app, launch

    work = Path(tempfile.mkdtemp(prefix="qa-load-"))
    assistant = Assistant.open(args.index or work / "index")
    feedback = work / "feedback.jsonl"
    demo = build_app(assistant, feedback)
    port = _free_port()
    launch(demo, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    url = f"http://127.0.0.1:{port}/"
    questions = [json.loads(line)["question"] for line in (ROOT / "eval/data/qa.jsonl").open(encoding="utf-8")]
    log = demo.qa_app.feedback  # the app's own FeedbackLog

    lock = threading.Lock()
    next_q = iter(range(args.questions))
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + args.timeout

    def user(uid: int) -> None:
        client = Client(url, verbose=False)
        while time.monotonic() < deadline:
            with lock:
                i = next(next_q, None)
            if i is None:
                return
            q = questions[i % len(questions)]
            t0 = time.perf_counter()
            try:
                ans = client.predict(q, api_name="/ask")
                assert isinstance(ans, dict) and ans.get("answer"), ans
                log.record(q, ans["answer"], [c["citation"] for c in ans.get("citations", [])],
                           "đúng" if i % 2 else "sai")
            except Exception as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            with lock:
                latencies.append(time.perf_counter() - t0)

    t_start = time.perf_counter()
    threads = [threading.Thread(target=user, args=(u,)) for u in range(args.users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t_start
    demo.close()

    lines = feedback.read_text(encoding="utf-8").splitlines() if feedback.exists() else []
    parsed = 0
    for line in lines:
        row = json.loads(line)
        assert set(row) >= {"time", "question", "answer", "citations", "verdict"}
        parsed += 1
    ms = sorted(x * 1000 for x in latencies)
    p95 = ms[int(0.95 * (len(ms) - 1))] if ms else 0.0
    print(f"users {args.users}, answered {len(latencies)}/{args.questions}, errors {len(errors)}, "
          f"wall {wall:.1f} s, {len(latencies) / wall:.1f} answers/s")
    print(f"/ask latency through the API under load: p50 {statistics.median(ms) if ms else 0:.0f} ms, "
          f"p95 {p95:.0f} ms")
    print(f"feedback log: {parsed} valid lines of {len(latencies)} answers written concurrently")
    for e in errors[:5]:
        print("  error:", e)
    sys.exit(0 if not errors and parsed == len(latencies) == args.questions else 1)


if __name__ == "__main__":
    main()
