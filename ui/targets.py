"""The appendix's 2024 targets as table rows, and their CSV export (UTF-8 with BOM for Excel).

``qa.targets.parse_targets`` (structured rows, shared with the answerer) is used when it is
importable; otherwise the rows come straight from the parsed Phụ lục: one row per mục, split
at its first colon.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from corpus.chunker import Chunk, citation_for
from corpus.loader import Document
from corpus.structure import parse_structure

log = logging.getLogger("ui")

COLUMNS = ["Mục", "Chỉ tiêu", "Giá trị 2024", "Trích dẫn"]
_NUMBER = re.compile(r"^\d+\.\s*")


def _appendix_rows(doc: Document) -> list[dict[str, Any]]:
    rows = []
    for sec in parse_structure(doc.text):
        if sec.kind != "phuluc":
            continue
        for muc in sec.children:
            text = " ".join(doc.text[muc.start:muc.end].split())
            body = _NUMBER.sub("", text)
            name, sep, value = body.partition(":")
            rows.append({
                "Mục": muc.number,
                "Chỉ tiêu": name.strip() if sep else body.rstrip("."),
                "Giá trị 2024": value.strip().rstrip(".").strip() if sep else "",
                "Trích dẫn": citation_for(doc, (sec.label, muc.label)),
            })
    return rows


def _qa_rows(chunks: Sequence[Chunk]) -> list[dict[str, Any]] | None:
    """Rows from ``qa.targets.parse_targets`` when that module is there and works."""
    try:
        from qa.targets import parse_targets
    except ImportError:
        return None
    try:
        rows = [{
            "Mục": t.number,
            "Chỉ tiêu": t.indicator,
            "Giá trị 2024": t.value_text,
            "Trích dẫn": t.citation,
        } for t in parse_targets(list(chunks))]
    except Exception:
        log.warning("qa.targets không dùng được; lấy chỉ tiêu thẳng từ Phụ lục.", exc_info=True)
        return None
    return rows or None


def target_rows(chunks: Sequence[Chunk], docs: Iterable[Document]) -> list[dict[str, Any]]:
    """One row per appendix target, in document order."""
    rows = _qa_rows(chunks)
    if rows is not None:
        return rows
    return [r for d in docs for r in _appendix_rows(d)]


def columns_of(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Column names: the fixed ones, or every key in first-seen order."""
    cols: list[str] = []
    for row in rows:
        cols.extend(k for k in row if k not in cols)
    return cols or list(COLUMNS)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    return str(value)


def table(rows: Sequence[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Headers and string cells for display and CSV."""
    cols = columns_of(rows)
    return cols, [[_cell(r.get(c)) for c in cols] for r in rows]


def write_csv(rows: Sequence[dict[str, Any]], path: Path) -> Path:
    """Write the rows as CSV in UTF-8 with a BOM (so Excel shows Vietnamese correctly)."""
    cols, cells = table(rows)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(cols)
        writer.writerows(cells)
    return path
