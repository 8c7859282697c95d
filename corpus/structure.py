"""Parse a Vietnamese normative document into its structural units.

Phần → Chương → Mục → Điều → khoản → điểm, the appendices (Phụ lục, Phụ lục I, …) with
their numbered items, the preamble before the first unit and the closing part (closing
formula, recipients, signature). Every unit keeps character offsets into the cleaned
text; a parent spans its children. What differs between kinds of documents comes from
:mod:`corpus.profiles`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum

from corpus.profiles import GENERIC, DocumentProfile
from corpus.text import fold


class UnitKind(Enum):
    """Kinds of structural units, outermost first."""

    PREAMBLE = "preamble"
    PART = "phan"
    CHAPTER = "chuong"
    SECTION = "muc"
    ARTICLE = "dieu"
    CLAUSE = "khoan"
    POINT = "diem"
    CLOSING = "closing"
    APPENDIX = "phuluc"
    ITEM = "muc_pl"


# Nesting depth of the body's units: a heading closes every open unit at its depth or deeper.
_DEPTH = {UnitKind.PART: 0, UnitKind.CHAPTER: 1, UnitKind.SECTION: 2, UnitKind.ARTICLE: 3,
          UnitKind.CLAUSE: 4, UnitKind.POINT: 5}
# How an official writes each kind before its number.
_WORD = {UnitKind.PART: "Phần", UnitKind.CHAPTER: "Chương", UnitKind.SECTION: "Mục",
         UnitKind.ARTICLE: "Điều", UnitKind.CLAUSE: "khoản", UnitKind.POINT: "điểm",
         UnitKind.APPENDIX: "Phụ lục", UnitKind.ITEM: "mục"}
# Units that an official cites ("Điều 8, khoản 1, điểm a"); Phần/Chương/Mục are context.
CITED = (UnitKind.ARTICLE, UnitKind.CLAUSE, UnitKind.POINT, UnitKind.APPENDIX, UnitKind.ITEM,
         UnitKind.PREAMBLE, UnitKind.CLOSING)
# Vietnamese point letters, in order (no f, j, w, z).
POINT_LETTERS = "abcdđeghiklmnopqrstuvxy"

_ROMAN = r"[IVXLC]+"
_ARTICLE = re.compile(r"^Điều\s+(\d+[a-zđ]?)\s*[.:]\s*(.*)$")
_CHAPTER = re.compile(rf"^(?:Chương|CHƯƠNG)\s+({_ROMAN}|\d+)\b[.:]?\s*(.*)$")
_PART = re.compile(rf"^(?:Phần|PHẦN)\s+((?:thứ|THỨ)\s+\S+|{_ROMAN}|\d+)\b[.:]?\s*(.*)$")
_SECTION = re.compile(rf"^(?:Mục|MỤC)\s+(\d+|{_ROMAN})\b[.:]?\s*(.*)$")
_APPENDIX = re.compile(rf"^PH[ỤU]\s*L[ỤU]C(?:\s+(?:SỐ\s+)?({_ROMAN}|\d+))?\b\s*[.:\-–]?\s*(.*)$")
_NUMBERED = re.compile(r"^(\d+)\.\s+\S")
_POINT = re.compile(r"^([a-zđ])\)\s*\S")
_GROUP = re.compile(rf"^{_ROMAN}\.\s+\S")  # "I. CHỈ TIÊU KINH TẾ" inside an appendix


@dataclass(frozen=True)
class Unit:
    """A structural unit: kind, number as written ("2", "10a", "II", "a"), offsets, children."""

    kind: UnitKind
    number: str | None
    heading: str
    start: int
    end: int
    children: tuple[Unit, ...] = field(default=())

    @property
    def label(self) -> str:
        """How an official names the unit: "Điều 2", "khoản 6", "điểm a", "Phụ lục I", "mục 13"."""
        if self.kind is UnitKind.PREAMBLE:
            return "Phần mở đầu"
        if self.kind is UnitKind.CLOSING:
            return "Phần kết"
        word = _WORD[self.kind]
        return f"{word} {self.number}" if self.number else word

    @property
    def key(self) -> str:
        """Stable ASCII key of the unit within its parent: ``dieu-10a``, ``khoan-2``, ``phu-luc``."""
        return re.sub(r"[^a-z0-9]+", "-", fold(self.label)).strip("-")

    def walk(self, ancestry: tuple[Unit, ...] = ()) -> Iterator[tuple[tuple[Unit, ...], Unit]]:
        """The unit and every descendant, each with its ancestors (outermost first)."""
        yield ancestry, self
        for child in self.children:
            yield from child.walk((*ancestry, self))


@dataclass
class _Open:
    kind: UnitKind
    number: str | None
    heading: str
    start: int
    end: int
    children: list[_Open] = field(default_factory=list)

    def freeze(self) -> Unit:
        return Unit(self.kind, self.number, self.heading, self.start, self.end,
                    tuple(c.freeze() for c in self.children))


def _lines(text: str) -> Iterator[tuple[str, int, int]]:
    pos = 0
    for line in text.split("\n"):
        yield line, pos, pos + len(line)
        pos += len(line) + 1


def _is_title(rest: str) -> bool:
    """A heading's own text is empty or written in capitals ("QUY ĐỊNH CHUNG")."""
    letters = [c for c in rest if c.isalpha()]
    return not letters or all(c.isupper() for c in letters)


def _next_letter(last: str | None) -> str:
    if last is None:
        return "a"
    i = POINT_LETTERS.find(last)
    return POINT_LETTERS[i + 1] if 0 <= i < len(POINT_LETTERS) - 1 else ""


class _Parser:
    """Line-by-line parser holding the stack of open units."""

    def __init__(self, profile: DocumentProfile) -> None:
        self.profile = profile
        self.top: list[_Open] = []
        self.stack: list[_Open] = []  # open units, outermost first
        self.seen_article = False
        self.appendices = 0

    def _close_to(self, depth: int) -> None:
        while self.stack and _DEPTH.get(self.stack[-1].kind, -1) >= depth:
            self.stack.pop()

    def _open(self, kind: UnitKind, number: str | None, heading: str, start: int, end: int,
              parent: _Open | None) -> None:
        unit = _Open(kind, number, heading, start, end)
        (parent.children if parent is not None else self.top).append(unit)
        self.stack.append(unit)
        self._extend(end)  # a parent spans its children, even a one-line last khoản

    def _innermost(self, *kinds: UnitKind) -> _Open | None:
        return next((u for u in reversed(self.stack) if u.kind in kinds), None)

    def _body_heading(self, kind: UnitKind, number: str, line: str, start: int, end: int) -> None:
        if self.stack and self.stack[0].kind in (UnitKind.PREAMBLE, UnitKind.CLOSING, UnitKind.APPENDIX):
            self.stack.clear()
        self._close_to(_DEPTH[kind])
        parent = self.stack[-1] if self.stack else None
        self._open(kind, number, line, start, end, parent)

    def feed(self, line: str, start: int, end: int) -> None:
        stripped = line.strip()
        in_appendix = bool(self.stack) and self.stack[0].kind is UnitKind.APPENDIX
        in_closing = bool(self.stack) and self.stack[0].kind is UnitKind.CLOSING
        if (m := _APPENDIX.match(stripped)) and _is_title(m.group(2)):
            self.stack.clear()
            self.appendices += 1
            self._open(UnitKind.APPENDIX, m.group(1), stripped, start, end, None)
        elif in_appendix:
            self._appendix_line(stripped, start, end)
        elif in_closing:
            self._extend(end)
        elif (m := _ARTICLE.match(stripped)) is not None:
            self.seen_article = True
            self._body_heading(UnitKind.ARTICLE, m.group(1), stripped, start, end)
        elif (m := _CHAPTER.match(stripped)) and _is_title(m.group(2)):
            self._body_heading(UnitKind.CHAPTER, m.group(1).upper(), stripped, start, end)
        elif (m := _PART.match(stripped)) and _is_title(m.group(2)):
            self._body_heading(UnitKind.PART, m.group(1).lower(), stripped, start, end)
        elif (m := _SECTION.match(stripped)) and _is_title(m.group(2)) and self.seen_article:
            self._body_heading(UnitKind.SECTION, m.group(1), stripped, start, end)
        elif self.seen_article and self.profile.closes(stripped):
            self.stack.clear()
            self._open(UnitKind.CLOSING, None, stripped, start, end, None)
        elif not self._sub_unit(stripped, start, end):
            if self.stack:
                self._extend(end)
            else:
                self._open(UnitKind.PREAMBLE, None, stripped, start, end, None)

    def _sub_unit(self, stripped: str, start: int, end: int) -> bool:
        """Open a khoản ("2. …") or điểm ("b) …") when the numbering continues; else False."""
        article = self._innermost(UnitKind.ARTICLE)
        if article is None:
            return False
        if (m := _NUMBERED.match(stripped)) is not None:
            clauses = [c for c in article.children if c.kind is UnitKind.CLAUSE]
            if int(m.group(1)) == len(clauses) + 1:
                self._close_to(_DEPTH[UnitKind.CLAUSE])
                self._open(UnitKind.CLAUSE, m.group(1), stripped, start, end, article)
                return True
        if (m := _POINT.match(stripped)) is not None:
            holder = self._innermost(UnitKind.CLAUSE) or article
            points = [c for c in holder.children if c.kind is UnitKind.POINT]
            if m.group(1) == _next_letter(points[-1].number if points else None):
                self._close_to(_DEPTH[UnitKind.POINT])
                self._open(UnitKind.POINT, m.group(1), stripped, start, end, holder)
                return True
        return False

    def _appendix_line(self, stripped: str, start: int, end: int) -> None:
        appendix = self.stack[0]
        items = [c for c in appendix.children if c.kind is UnitKind.ITEM]
        m = _NUMBERED.match(stripped)
        restart = _GROUP.match(stripped) is not None
        if m and (int(m.group(1)) == len(items) + 1):
            del self.stack[1:]
            self._open(UnitKind.ITEM, m.group(1), stripped, start, end, appendix)
        else:
            if restart:  # a group heading inside the appendix belongs to the appendix lead-in
                del self.stack[1:]
            self._extend(end)

    def _extend(self, end: int) -> None:
        for unit in self.stack:
            unit.end = max(unit.end, end)

    def result(self) -> list[Unit]:
        units = [u.freeze() for u in self.top]
        if self.appendices == 1:  # one appendix is simply "Phụ lục", whatever its heading says
            units = [Unit(u.kind, None, u.heading, u.start, u.end, u.children)
                     if u.kind is UnitKind.APPENDIX else u for u in units]
        return units


def parse_structure(text: str, profile: DocumentProfile = GENERIC) -> list[Unit]:
    """Top-level units of ``text`` in document order, children nested."""
    parser = _Parser(profile)
    for line, start, end in _lines(text):
        if line.strip():
            parser.feed(line, start, end)
    return parser.result()


def leaves(text: str, units: list[Unit]) -> list[tuple[tuple[Unit, ...], int, int]]:
    """Spans that hold text, in order, as ``(ancestry including the unit, start, end)``.

    A unit with children contributes its own lead-in (its heading and any text before its
    first child) as a span of its own; a unit whose children are điểm is one span with them
    (a passage keeps "Hồ sơ gồm:" with its points); every other childless unit is one.
    """
    out: list[tuple[tuple[Unit, ...], int, int]] = []

    def visit(unit: Unit, ancestry: tuple[Unit, ...]) -> None:
        chain = (*ancestry, unit)
        if not unit.children or all(c.kind is UnitKind.POINT for c in unit.children):
            out.append((chain, unit.start, unit.end))
            return
        lead = text[unit.start:unit.children[0].start].rstrip()
        if lead.strip():
            out.append((chain, unit.start, unit.start + len(lead)))
        for child in unit.children:
            visit(child, chain)

    for unit in units:
        visit(unit, ())
    return out


def finest_unit(units: list[Unit], start: int, end: int) -> tuple[Unit, ...]:
    """Ancestry (outermost first) of the smallest unit containing ``[start, end)``."""
    chain: tuple[Unit, ...] = ()
    level = units
    while True:
        inside = next((u for u in level if u.start <= start and end <= u.end), None)
        if inside is None:
            return chain
        chain = (*chain, inside)
        level = list(inside.children)


def citation_path(chain: tuple[Unit, ...]) -> tuple[str, ...]:
    """Labels an official writes in a citation: "Điều 8", "khoản 1", "điểm a" (no Chương/Phần)."""
    return tuple(u.label for u in chain if u.kind in CITED)


def units_to_rows(units: list[Unit]) -> list[dict[str, object]]:
    """The unit tree as flat JSON rows in document order (``parent`` is a row number or -1)."""
    rows: list[dict[str, object]] = []

    def visit(unit: Unit, parent: int) -> None:
        rows.append({"kind": unit.kind.value, "number": unit.number, "heading": unit.heading,
                     "start": unit.start, "end": unit.end, "parent": parent})
        me = len(rows) - 1
        for child in unit.children:
            visit(child, me)

    for unit in units:
        visit(unit, -1)
    return rows


def units_from_rows(rows: list[dict[str, object]]) -> list[Unit]:
    """Inverse of :func:`units_to_rows`."""
    opened = [_Open(UnitKind(str(r["kind"])), r["number"] if r["number"] is None else str(r["number"]),
                    str(r["heading"]), int(r["start"]), int(r["end"])) for r in rows]  # type: ignore[call-overload]
    top: list[_Open] = []
    for row, unit in zip(rows, opened, strict=True):
        parent = int(row["parent"])  # type: ignore[call-overload]
        (opened[parent].children if parent >= 0 else top).append(unit)
    return [u.freeze() for u in top]
