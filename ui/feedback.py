"""Append-only feedback log: one JSON line per verdict, safe under concurrent writers.

A process-wide lock serialises writers in this process, ``flock`` serialises processes,
and each line goes out in one ``os.write`` on an ``O_APPEND`` descriptor, so lines are
never lost nor interleaved.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from corpus.errors import QAError
from corpus.io import default_data_dir

VERDICTS = {"đúng": "✓ Đúng", "sai": "✗ Sai"}  # verdict written to the log → button label
_LOCK = threading.Lock()  # process-wide: every FeedbackLog shares it


def default_feedback_path() -> Path:
    """Return ``<data dir>/feedback.jsonl``."""
    return default_data_dir() / "feedback.jsonl"


class FeedbackLog:
    """Writes ``{"time", "question", "answer", "citations", "verdict"}`` lines to a JSONL file."""

    def __init__(self, path: Path) -> None:
        """Log to ``path`` (its folder is created on first write)."""
        self.path = Path(path)

    def record(self, question: str, answer: str, citations: Sequence[str], verdict: str) -> dict[str, Any]:
        """Append one verdict and return the record written."""
        if verdict not in VERDICTS:
            raise QAError(f"Đánh giá phải là 'đúng' hoặc 'sai', nhận được '{verdict}'.")
        row = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "question": question,
            "answer": answer,
            "citations": list(citations),
            "verdict": verdict,
        }
        self.append(row)
        return row

    def append(self, row: dict[str, Any]) -> None:
        """Write ``row`` as one line, atomically with respect to other writers."""
        data = (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
        with _LOCK:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                try:
                    written = os.write(fd, data)
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)
        if written != len(data):  # only on a full disk; the line is then incomplete
            raise QAError(f"Không ghi đủ phản hồi vào {self.path} (đĩa đầy?).")
