"""The appendix targets as structured rows, and the same targets where the body restates them."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from corpus.chunker import Chunk
from corpus.io import storage_error
from corpus.text import canonical_number, tokens, with_bigrams

# A figure: optional comparator, a number or range, an optional unit.
_COMPARATOR = r"(?P<cmp>dưới|trên|ít nhất|tối thiểu|tối đa|khoảng|từ|đạt)?\s*"
_VALUE = r"(?P<val>\d+(?:[.,]\d+)*(?:\s*%?\s*[-–]\s*\d+(?:[.,]\d+)*)?)\s*"
_UNIT = (r"(?P<unit>%|triệu đồng|triệu lượt|triệu|tỷ đồng|nghìn tỷ đồng|ha|hộ|xã|trường|lao động|"
         r"doanh nghiệp|sản phẩm|đơn vị|bác sỹ/vạn dân|m2/người|người|dự án|phiên|khách)?")
FIGURE = re.compile(_COMPARATOR + _VALUE + _UNIT)
_ITEM = re.compile(r"^(\d+)\.\s*(.*)$", re.S)
_ROMAN = r"\((?:i{1,3}|iv|v|vi{1,3}|ix|x)\)"
_MIN_COVER = 0.45  # share of the indicator's weighted terms a restatement must contain
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


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
    restated: tuple[dict[str, Any], ...] = field(default=())  # body places stating it too

    def to_json(self) -> dict[str, Any]:
        """JSON/CSV-friendly dict."""
        data = asdict(self)
        data["values"] = [asdict(v) for v in self.values]
        data["restated"] = list(self.restated)
        return data

    @property
    def value_text(self) -> str:
        """All figures in one line: "Khu vực đô thị: 100%; Khu vực nông thôn: 95%"."""
        return "; ".join(f"{v.label}: {v.text}" if v.label else v.text for v in self.values)


def numbers_of(text: str) -> list[float]:
    """Numeric values in ``text`` (Vietnamese separators), for comparing figures."""
    out = []
    for m in re.finditer(r"\d+(?:[.,]\d+)*", text):
        raw = canonical_number(m.group()).replace(",", ".")
        try:
            out.append(float(raw))
        except ValueError:
            continue
    return out


def _values(body: str) -> tuple[TargetValue, ...]:
    """Split "A: 100%; B: 95%" or "(i) … : 100%" into labelled figures."""
    parts = [p.strip() for p in re.split(r";|" + _ROMAN, body) if p.strip()]
    values = []
    for part in parts:
        label, _, fig = part.rpartition(":")
        if not fig.strip():
            continue
        target_text = fig.strip().rstrip(".")
        m = None
        for m in FIGURE.finditer(target_text):
            if m.group("val"):
                break
        if m is None or not m.group("val"):
            # "Khu vực đô thị đạt 100%": the figure is inside the part.
            m = next((x for x in FIGURE.finditer(part) if x.group("val")), None)
            if m is None:
                continue
            label, target_text = part[:m.start()].strip(), m.group().strip()
        values.append(TargetValue(label.strip(), m.group("val").replace(" ", ""), m.group("unit") or "",
                                  m.group("cmp") or "", target_text))
    return tuple(values)


def parse_targets(chunks: list[Chunk], year_hint: str = "") -> list[Target]:
    """Structured rows of every "Phụ lục, mục N" chunk."""
    rows = []
    for c in chunks:
        if len(c.path) != 2 or c.path[0] != "Phụ lục":
            continue
        m = _ITEM.match(c.text.strip())
        if not m:
            continue
        number, body = int(m.group(1)), m.group(2).strip()
        head, sep, rest = body.partition(":")
        indicator = head.strip() if sep else body
        values = _values(rest if sep and not re.search(_ROMAN, head + ":") else body)
        if not values and sep:
            values = _values(body)
        if not values:  # "Duy trì tỷ lệ … 100% đạt chuẩn" — the figure is in the sentence
            fig = next((x for x in FIGURE.finditer(body) if x.group("val")), None)
            if fig:
                values = (TargetValue("", fig.group("val"), fig.group("unit") or "", fig.group("cmp") or "",
                                      fig.group().strip()),)
        years = YEAR.findall(c.context + " " + c.text)
        rows.append(Target(number, indicator.rstrip("."), values, int(years[-1]) if years else None,
                           c.citation, c.id, c.text))
    return rows


def _content_terms(text: str) -> set[str]:
    toks = [t for t in tokens(text) if not t[0].isdigit()]
    return set(with_bigrams(toks))


def statements(chunk: Chunk) -> list[tuple[int, int]]:
    """Clause-level spans (split at ``.``, ``;`` and line breaks) inside a chunk's text."""
    spans, start = [], 0
    for m in re.finditer(r"(?<!\d)[.;](?!\d)\s*|\n+", chunk.text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(chunk.text):
        spans.append((start, len(chunk.text)))
    return [(a, b) for a, b in spans if chunk.text[a:b].strip()]


def link_restatements(targets: list[Target], chunks: list[Chunk], idf: dict[str, float],
                      expand: Callable[[str], list[str]] = lambda _: []) -> list[Target]:
    """Attach, to each target, the body statements that state the same indicator with a figure.

    A statement matches when it covers enough of the indicator's IDF-weighted terms (both
    sides expanded with abbreviations) and has a figure with the same unit; ``differs``
    says whether its numbers are not among the row's numbers.
    """
    # Every body statement with a figure, tokenised once (not once per target).
    candidates = []
    for c in chunks:
        if not (c.path and c.path[0].startswith("Điều")):
            continue
        for a, b in statements(c):
            text = c.text[a:b]
            figs = [f for f in FIGURE.finditer(text) if f.group("val")]
            if figs:
                candidates.append((c, a, b, text, figs, _content_terms(" ".join([text, *expand(text)]))))
    out = []
    for t in targets:
        want = _content_terms(" ".join([t.indicator, *expand(t.indicator)]))
        total = sum(idf.get(w, 1.0) for w in want) or 1.0
        units = {v.unit for v in t.values}
        row_numbers = {n for v in t.values for n in numbers_of(v.value)}
        found: list[dict[str, Any]] = []
        for c, a, b, text, all_figs, have in candidates:
            figs = [f for f in all_figs if (f.group("unit") or "") in units]
            if not figs:
                continue
            cover = sum(idf.get(w, 1.0) for w in want & have) / total
            if cover < _MIN_COVER:
                continue
            fig = figs[0]
            nums = numbers_of(fig.group("val"))
            found.append({"citation": c.citation, "chunk_id": c.id, "start": a, "end": b,
                          "text": text.strip(), "figure": fig.group().strip(),
                          "differs": not set(nums) <= row_numbers,
                          "cover": round(cover, 3)})
        best: dict[tuple[str, str], dict[str, Any]] = {}
        for f in sorted(found, key=lambda f: -f["cover"]):
            best.setdefault((f["citation"], f["text"]), f)
        out.append(Target(**{**t.__dict__, "restated": tuple(best.values())}))
    return out


TABLE_COLUMNS = ["Mục", "Chỉ tiêu", "Giá trị 2024", "Trích dẫn"]


def target_table(targets: list[Target]) -> tuple[list[str], list[list[str]]]:
    """Headers and string cells: one row per target, for the UI table and CSV."""
    rows = [[str(t.number), t.indicator, t.value_text, t.citation] for t in targets]
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
