"""Plain-file I/O shared by every stage: JSON and JSONL in UTF-8 (never ASCII-escaped).

A failed write raises :class:`StorageError` with a Vietnamese message naming the file, so
no stage turns a full disk into a traceback or mistakes it for bad user input.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from corpus.errors import StorageError

# ``progress(done, total, label)``: how every long step reports how far it is.
Progress = Callable[[int, int, str], None]


def default_data_dir() -> Path:
    """Where indexes, corpora, exported models and logs live: ``$QA_DATA_DIR`` or ``~/.cache/qa-nghiquyet``."""
    env = os.environ.get("QA_DATA_DIR")
    return Path(env) if env else Path.home() / ".cache" / "qa-nghiquyet"


def storage_error(path: Path, exc: OSError) -> StorageError:
    """The user-facing error for a failed write of ``path``."""
    return StorageError(f"Không ghi được {path}: {exc.strerror or exc}. Hãy kiểm tra dung lượng đĩa và quyền ghi.")


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write one JSON object per line."""
    try:
        with Path(path).open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise storage_error(Path(path), exc) from exc


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Every non-empty line of a JSONL file, parsed."""
    with Path(path).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def write_json(path: Path, obj: Any, indent: int | None = 2) -> None:
    """Write ``obj`` as UTF-8 JSON."""
    try:
        Path(path).write_text(json.dumps(obj, ensure_ascii=False, indent=indent) + "\n", encoding="utf-8")
    except OSError as exc:
        raise storage_error(Path(path), exc) from exc


def read_json(path: Path) -> Any:
    """Parse a UTF-8 JSON file."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
