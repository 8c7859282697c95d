"""The "Chỉ tiêu 2024" tab: the structured appendix rows of :mod:`qa.targets` as a table and CSV."""

from __future__ import annotations

from pathlib import Path

from qa.targets import TABLE_COLUMNS, Target, target_table, write_targets_csv

COLUMNS = TABLE_COLUMNS


def table(targets: list[Target]) -> tuple[list[str], list[list[str]]]:
    """Headers and string cells for display."""
    return target_table(targets)


def write_csv(targets: list[Target], path: Path) -> Path:
    """Write the CSV in UTF-8 with a BOM, so Excel shows Vietnamese correctly."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        write_targets_csv(targets, fh)
    return path
