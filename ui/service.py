"""The assistant behind the app: ready at once, or opened (and built) in a background thread.

The web server starts immediately; while the index is being built the page shows
"Đang dựng chỉ mục… x/y" and questions get a "please wait" message instead of a frozen page.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corpus.errors import QAError
from corpus.io import Progress
from index.store import default_index_dir
from qa.assistant import Assistant

log = logging.getLogger("ui")

Factory = Callable[[Progress], Assistant]

GENERIC_ERROR = ("Đã có lỗi không mong muốn khi xử lý yêu cầu. Vui lòng thử lại; "
                 "nếu vẫn lỗi, hãy báo quản trị viên.")


class NotReady(QAError):
    """The index is still being opened or built (message says how far it is)."""


def assistant_factory(index_dir: Path | None, corpus_dir: Path | None, embedder: str) -> Factory:
    """Return a factory that opens the assistant, building the index on first use."""

    def factory(progress: Progress) -> Assistant:
        return Assistant.open(index_dir, corpus_dir, embedder, progress=progress)

    factory.first_build = not (index_dir or default_index_dir()).exists()  # type: ignore[attr-defined]
    return factory


class AssistantService:
    """Holds the assistant, or opens it in a background thread and reports progress."""

    def __init__(self, assistant_or_factory: Assistant | Factory) -> None:
        """Serve a ready assistant, or call ``factory(progress)`` in the background on :meth:`start`."""
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self._assistant: Assistant | None = None
        self._factory: Factory | None = None
        self._thread: threading.Thread | None = None
        self.error: str | None = None
        self.progress: tuple[int, int, str] = (0, 0, "")
        if isinstance(assistant_or_factory, Assistant):
            self._assistant = assistant_or_factory
            self._ready.set()
        elif callable(assistant_or_factory):
            self._factory = assistant_or_factory
        else:
            raise TypeError("Cần một Assistant hoặc một hàm tạo Assistant, "
                            f"nhận được {type(assistant_or_factory)!r}")

    @property
    def ready(self) -> bool:
        """True once the assistant can answer."""
        return self._ready.is_set()

    @property
    def finished(self) -> bool:
        """True once opening ended, successfully or not."""
        return self._ready.is_set() or self.error is not None

    def start(self) -> None:
        """Start opening the assistant in a daemon thread (no-op if ready or started)."""
        with self._lock:
            if self._ready.is_set() or self._thread is not None or self._factory is None:
                return
            self._thread = threading.Thread(target=self._run, name="qa-index-build", daemon=True)
            self._thread.start()

    def _on_progress(self, done: int, total: int, label: str) -> None:
        self.progress = (done, total, label)
        log.info("%s: %d/%d", label, done, total)

    def _run(self) -> None:
        assert self._factory is not None
        log.info("Đang mở chỉ mục (dựng nếu chưa có)…")
        try:
            assistant = self._factory(self._on_progress)
        except QAError as exc:
            self.error = str(exc)
            log.error("Không mở được chỉ mục: %s", exc)
            return
        except Exception:
            self.error = "Không mở được chỉ mục do lỗi không mong muốn (xem nhật ký máy chủ)."
            log.exception("Không mở được chỉ mục")
            return
        self._assistant = assistant
        self._ready.set()
        log.info("Chỉ mục sẵn sàng: %d đoạn.", len(assistant.index.chunks))

    def status_text(self) -> str:
        """One Vietnamese line: building x/y, opening, failed, or ready."""
        if self.ready:
            return "Sẵn sàng."
        if self.error:
            return f"Lỗi: {self.error}"
        done, total, label = self.progress
        if total:
            return f"Đang dựng chỉ mục… {done}/{total} ({label.lower()})"
        if getattr(self._factory, "first_build", False):
            return "Đang dựng chỉ mục lần đầu (đọc văn bản, chia đoạn, nạp mô hình)…"
        return "Đang mở chỉ mục…"

    def wait_ready(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the assistant; True if it is ready."""
        return self._ready.wait(timeout)

    def get(self, wait: float = 0.0) -> Assistant:
        """Return the assistant, waiting up to ``wait`` seconds; raises :class:`NotReady` otherwise."""
        if not self._ready.is_set() and wait > 0 and self.error is None:
            self.start()
            self._ready.wait(wait)
        if self._assistant is not None:
            return self._assistant
        if self.error:
            raise NotReady(f"Không mở được chỉ mục: {self.error}")
        raise NotReady(f"{self.status_text()} Vui lòng thử lại sau ít giây.")

    def describe(self) -> dict[str, Any]:
        """Machine-readable status (for logs and tests)."""
        done, total, label = self.progress
        return {"ready": self.ready, "error": self.error, "done": done, "total": total, "label": label}
