"""The appendix targets of a plan as structured rows, and the body places that restate them.

Parsed once at index time and stored in the index folder; the answerer, the ``qa targets``
command and the app's targets tab read them from there.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from corpus.chunker import Chunk
from corpus.figures import YEAR, Figure, figures, number_values
from corpus.io import storage_error
from corpus.text import content_terms, segments

_ITEM = re.compile(r"^(\d+)\.\s*(.*)$", re.S)
_ROMAN = r"\((?:i{1,3}|iv|v|vi{1,3}|ix|x)\)"
_MIN_COVER = 0.45  # share of the indicator's weighted terms a restatement must contain


@dataclass(frozen=True)
class TargetValue:
    """One figure of a target: "Khu vực nông thôn" → "95%" (comparator, value, unit)."""

    label: str
    value: str
    unit: str
    comparator: str
    text: str  # the figure as written, e.g. "dưới 4%"


@dataclass(frozen=True)
class Target:
    """A numbered appendix item parsed into indicator and values."""

    number: int
    indicator: str
    values: tuple[TargetValue, ...]
    year: int | None
    citation: str
    chunk_id: str
    text: str
    doc_id: str = ""
    restated: tuple[dict[str, Any], ...] = field(default=())  # body places stating it too

    def to_json(self) -> dict[str, Any]:
        """JSON/CSV-friendly dict."""
        data = asdict(self)
        data["values"] = [asdict(v) for v in self.values]
        data["restated"] = list(self.restated)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Target:
        """Inverse of :meth:`to_json`."""
        return cls(**{**data, "values": tuple(TargetValue(**v) for v in data["values"]),
                      "restated": tuple(data.get("restated", ()))})

    @property
    def differences(self) -> list[dict[str, Any]]:
        """Body statements whose figure is not the row's."""
        return [r for r in self.restated if r["differs"]]

    @property
    def value_text(self) -> str:
        """All figures in one line: "Khu vực đô thị: 100%; Khu vực nông thôn: 95%"."""
        return "; ".join(f"{v.label}: {v.text}" if v.label else v.text for v in self.values)


def _value(label: str, fig: Figure) -> TargetValue:
    return TargetValue(label.strip(" :"), fig.value.replace(" ", ""), fig.unit, fig.comparator, fig.text)


def _values(body: str) -> tuple[TargetValue, ...]:
    """Split "A: 100%; B: 95%" or "(i) … : 100%" into labelled figures."""
    values = []
    for part in (p.strip() for p in re.split(r";|" + _ROMAN, body)):
        label, _, tail = part.rpartition(":")
        found = figures(tail) if label else []
        if found:
            values.append(_value(label, found[0]))
            continue
        found = figures(part)  # "Khu vực đô thị đạt 100%": the figure is inside the part
        if found:
            values.append(_value(part[:found[0].start], found[0]))
    return tuple(values)


def parse_targets(chunks: list[Chunk]) -> list[Target]:
    """Structured rows of every appendix item ("Phụ lục, mục N") that sets a figure."""
    rows = []
    for c in chunks:
        if len(c.path) != 2 or not c.path[0].startswith("Phụ lục") or not c.path[1].startswith("mục"):
            continue
        m = _ITEM.match(c.text.strip())
        if not m:
            continue
        number, body = int(m.group(1)), m.group(2).strip()
        head, sep, rest = body.partition(":")
        indicator = head.strip() if sep else body
        values = _values(rest if sep and not re.search(_ROMAN, head + ":") else body) or _values(body)
        if not values:
            continue
        years = YEAR.findall(c.context + " " + c.text)
        rows.append(Target(number, indicator.rstrip("."), values, int(years[-1]) if years else None,
                           c.citation, c.id, c.text, c.doc_id))
    return rows


def link_restatements(targets: list[Target], chunks: list[Chunk], idf: Callable[[str], float],
                      expand: Callable[[str], list[str]] = lambda _: []) -> list[Target]:
    """Attach, to each target, the body statements of its document that state the same indicator.

    A statement matches when it covers enough of the indicator's IDF-weighted terms (both
    sides expanded with abbreviations) and has a figure with the same unit; ``differs``
    says whether its numbers are not among the row's numbers.
    """
    # Every body statement with a figure, tokenised once (not once per target).
    candidates = []
    for c in chunks:
        if not (c.path and c.path[0].startswith("Điều")):
            continue
        for a, b in segments(c.text, clauses=True):
            text = c.text[a:b]
            figs = figures(text)
            if figs:
                candidates.append((c, a, b, text, figs, content_terms(" ".join([text, *expand(text)]))))
    out = []
    for t in targets:
        want = content_terms(" ".join([t.indicator, *expand(t.indicator)]))
        total = sum(idf(w) for w in want) or 1.0
        units = {v.unit for v in t.values}
        row_numbers = {n for v in t.values for n in number_values(v.value)}
        found: list[dict[str, Any]] = []
        for c, a, b, text, all_figs, have in candidates:
            figs = [f for f in all_figs if f.unit in units]
            if c.doc_id != t.doc_id or not figs:
                continue
            cover = sum(idf(w) for w in want & have) / total
            if cover < _MIN_COVER:
                continue
            fig = figs[0]
            found.append({"citation": c.citation, "chunk_id": c.id, "start": a, "end": b,
                          "text": text.strip(), "figure": fig.text,
                          "differs": not set(number_values(fig.value)) <= row_numbers,
                          "cover": round(cover, 3)})
        best: dict[tuple[str, str], dict[str, Any]] = {}
        for f in sorted(found, key=lambda f: -f["cover"]):
            best.setdefault((f["citation"], f["text"]), f)
        out.append(Target(**{**t.__dict__, "restated": tuple(best.values())}))
    return out


TABLE_COLUMNS = ["Mục", "Chỉ tiêu", "Giá trị", "Năm", "Trích dẫn", "Lưu ý"]


def difference_note(target: Target) -> str:
    """"Điều 1, khoản 2 ghi 160-162 triệu đồng" for each body place that states another figure."""
    return "; ".join(f"{r['citation'].split(', ', 1)[-1]} ghi {r['figure']}" for r in target.differences)


def target_table(targets: list[Target]) -> tuple[list[str], list[list[str]]]:
    """Headers and string cells: one row per target, for the UI table and CSV."""
    rows = [[str(t.number), t.indicator, t.value_text, str(t.year or ""), t.citation, difference_note(t)]
            for t in targets]
    return list(TABLE_COLUMNS), rows


def write_targets_csv(targets: list[Target], stream: TextIO) -> None:
    """Write the targets table as CSV (the caller picks the encoding; UTF-8 with BOM for Excel)."""
    cols, rows = target_table(targets)
    writer = csv.writer(stream)
    writer.writerow(cols)
    writer.writerows(rows)


def save_targets_csv(targets: list[Target], path: Path) -> Path:
    """The targets table as a CSV file in UTF-8 with a BOM, so Excel shows Vietnamese correctly."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            write_targets_csv(targets, fh)
    except OSError as exc:
        raise storage_error(path, exc) from exc
    return path
