"""Parse a Vietnamese legal document into its structural units.

Điều → khoản (numbered headings "6. Thực hiện tốt …") with their paragraphs; the
Phụ lục with its numbered mục; the preamble before Điều 1 and the closing part
(closing formula, recipients, signature). Every unit keeps character offsets into
the cleaned text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DIEU = re.compile(r"^Điều\s+(\d+)\s*[.:]\s*(.*)$")
_NUMBERED = re.compile(r"^(\d+)\.\s+\S")
_PHU_LUC = re.compile(r"^PH[ỤU]\s*L[ỤU]C(?:\s+[IVXLC\d]+)?\s*$", re.IGNORECASE)
# The closing formula and what follows it: recipients, signer's title.
_CLOSING = re.compile(
    r"^(?:Nghị quyết (?:này )?đã được .*thông qua|Nơi nhận:|TM\.|CHỦ TỊCH$|KT\. CHỦ TỊCH)",
)


@dataclass(frozen=True)
class Section:
    """A structural unit: kind, number, heading line and offsets into the document text."""

    kind: str  # preamble | dieu | khoan | closing | phuluc | muc
    number: int | None
    heading: str
    start: int
    end: int
    children: tuple[Section, ...] = field(default=())

    @property
    def label(self) -> str:
        """How an official names the unit: "Điều 2", "khoản 6", "mục 13", "Phụ lục"."""
        names = {
            "preamble": "Phần mở đầu",
            "closing": "Phần kết",
            "phuluc": "Phụ lục",
            "dieu": f"Điều {self.number}",
            "khoan": f"khoản {self.number}",
            "muc": f"mục {self.number}",
        }
        return names[self.kind]


@dataclass
class _Open:
    kind: str
    number: int | None
    heading: str
    start: int
    end: int
    children: list[_Open] = field(default_factory=list)

    def freeze(self) -> Section:
        return Section(self.kind, self.number, self.heading, self.start, self.end,
                       tuple(c.freeze() for c in self.children))


def _lines(text: str) -> list[tuple[str, int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((line, pos, pos + len(line)))
        pos += len(line) + 1
    return out


def parse_structure(text: str) -> list[Section]:
    """Return the top-level sections of ``text`` in document order, children nested."""
    top: list[_Open] = []
    parent: _Open | None = None  # the Điều or Phụ lục that numbered items belong to
    current: _Open | None = None  # the unit that text is currently appended to

    def open_unit(kind: str, number: int | None, heading: str, start: int, end: int) -> _Open:
        unit = _Open(kind, number, heading, start, end)
        if kind in ("khoan", "muc") and parent is not None:
            parent.children.append(unit)
        else:
            top.append(unit)
        return unit

    for line, start, end in _lines(text):
        stripped = line.strip()
        if not stripped:
            continue
        m_dieu = _DIEU.match(stripped)
        m_num = _NUMBERED.match(stripped)
        expected = (len(parent.children) + 1) if parent is not None else None
        if m_dieu:
            parent = current = open_unit("dieu", int(m_dieu.group(1)), stripped, start, end)
        elif _PHU_LUC.match(stripped):
            parent = current = open_unit("phuluc", None, stripped, start, end)
        elif _CLOSING.match(stripped) and (current is None or current.kind != "closing") and (
            parent is None or parent.kind == "dieu"
        ):
            parent = None
            current = open_unit("closing", None, stripped, start, end)
        elif m_num and parent is not None and int(m_num.group(1)) == expected:
            kind = "khoan" if parent.kind == "dieu" else "muc"
            current = open_unit(kind, expected, stripped, start, end)
        elif current is None:
            current = open_unit("preamble", None, stripped, start, end)
        else:
            current.end = end
        # A parent spans everything its children span.
        if parent is not None and current is not parent:
            parent.end = max(parent.end, current.end)
    return [u.freeze() for u in top]


def leaves(text: str, sections: list[Section]) -> list[tuple[tuple[Section, ...], int, int]]:
    """Units that hold text, in order, as ``(ancestry, start, end)``.

    A Điều or Phụ lục contributes its own lead-in (heading and any text before its first
    child) as a unit of its own; each khoản/mục is a unit.
    """
    out: list[tuple[tuple[Section, ...], int, int]] = []
    for sec in sections:
        if sec.children:
            lead = text[sec.start:sec.children[0].start].rstrip()
            out.append(((sec,), sec.start, sec.start + len(lead)))
            out.extend(((sec, child), child.start, child.end) for child in sec.children)
        else:
            out.append(((sec,), sec.start, sec.end))
    return out

