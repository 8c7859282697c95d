"""Read a source file (.txt, .docx, .pdf, saved .html page) into plain document text.

Every reader returns NFC text with LF line breaks: one paragraph per line, a blank
line between paragraphs (lines inside one table cell or split by a manual line break
stay together), so the output looks like the bundled ``.txt`` documents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from corpus.errors import CorpusError
from corpus.metadata import header_metadata
from corpus.text import nfc

SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm")

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\ufeff]")
_BLANK_RUNS = re.compile(r"\n{3,}")


def read_source(path: Path) -> str:
    """Return the raw text of ``path`` (NFC, LF line breaks, one paragraph per line)."""
    path = Path(path)
    suffix = path.suffix.lower()
    readers: dict[str, Callable[[Path], str]] = {
        ".txt": _read_txt,
        ".docx": _read_docx,
        ".pdf": _read_pdf,
        ".html": _read_html,
        ".htm": _read_html,
    }
    reader = readers.get(suffix)
    if reader is None:
        hint = " Hãy mở bằng Word và lưu lại dưới dạng .docx." if suffix in (".doc", ".rtf", ".odt") else ""
        raise CorpusError(
            f"Không hỗ trợ định dạng của tệp {path.name} ({suffix or 'không có phần mở rộng'}). "
            f"Các định dạng được hỗ trợ: .txt, .docx, .pdf, .html.{hint}"
        )
    if not path.is_file():
        raise CorpusError(f"Không tìm thấy tệp {path}.")
    return _tidy(reader(path))


def load_source(path: Path) -> tuple[str, dict[str, str]]:
    """Cleaned text and metadata of ``path``: site table, then document header, then ``.meta.json``."""
    from corpus.loader import clean_text, site_metadata

    path = Path(path)
    raw = read_source(path)
    text = clean_text(raw)
    if not text:
        raise CorpusError(f"Tệp {path} không có nội dung văn bản sau khi làm sạch.")
    meta = site_metadata(raw)
    for key, value in header_metadata(text).items():
        meta.setdefault(key, value)
    sidecar = path.with_name(f"{path.stem}.meta.json")
    if sidecar.exists():
        try:
            extra = json.loads(sidecar.read_text(encoding="utf-8-sig"))
        except (ValueError, OSError) as exc:
            raise CorpusError(f"Tệp siêu dữ liệu {sidecar} bị lỗi: {exc}.") from exc
        if not isinstance(extra, dict):
            raise CorpusError(f'Tệp siêu dữ liệu {sidecar} phải là một đối tượng JSON ({{"khóa": "giá trị"}}).')
        meta.update({str(k): nfc(str(v)) for k, v in extra.items()})
    return text, meta


def _tidy(text: str) -> str:
    """NFC, LF line breaks, no control characters, single spaces, at most one blank line."""
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"Không đọc được tệp {path}: {exc.strerror}.") from exc


# --------------------------------------------------------------------------- .txt


def _read_txt(path: Path) -> str:
    data = _read_bytes(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"Tệp {path} không phải văn bản UTF-8 (lỗi ở byte {exc.start}). "
            "Hãy lưu lại tệp với bảng mã UTF-8 rồi nạp lại."
        ) from exc


# --------------------------------------------------------------------------- .docx


def _read_docx(path: Path) -> str:
    from docx import Document as open_docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = open_docx(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise CorpusError(f"Tệp {path} không phải tệp Word (.docx) hợp lệ hoặc đã bị hỏng.") from exc
    except Exception as exc:  # zipfile/lxml errors of a damaged package
        raise CorpusError(f"Tệp {path} không phải tệp Word (.docx) hợp lệ hoặc đã bị hỏng ({exc}).") from exc
    numbering = _DocxNumbering(doc)
    blocks = list(_docx_blocks(doc.element.body, doc, numbering))
    text = "\n\n".join(b for b in blocks if b.strip())
    _reject_legacy_encoding(path, text)
    return text


# Letters only Unicode Vietnamese has, and Latin-1 symbols that legacy fonts (TCVN3 ".VnTime", VNI)
# use in their place: text typed in such fonts reads "Céng hoµ x· héi" once the font is gone.
_VIETNAMESE_ONLY = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")
_LEGACY_GLYPHS = re.compile(r"[\u00a1-\u00bf\u00c4-\u00c7\u00cb\u00ce-\u00d1\u00d6-\u00d8\u00db\u00dc\u00de-\u00df"
                            r"\u00e4-\u00e7\u00eb\u00ee-\u00f1\u00f6-\u00f8\u00fb\u00fc\u00fe\u00ff]")


def _reject_legacy_encoding(path: Path, text: str) -> None:
    """Refuse text typed with a pre-Unicode Vietnamese font: indexing it would only store garbage."""
    letters = sum(c.isalpha() for c in text)
    if letters < 100:
        return
    legacy = len(_LEGACY_GLYPHS.findall(text))
    if legacy > 0.02 * letters and len(_VIETNAMESE_ONLY.findall(text)) < 0.01 * letters:
        raise CorpusError(
            f"Tệp {path} dùng phông chữ Việt cũ (TCVN3/VNI), chữ đọc ra bị lỗi (ví dụ \"Céng hoµ\"). "
            "Hãy chuyển văn bản sang bảng mã Unicode (ví dụ bằng Unikey) rồi nạp lại."
        )


def _docx_blocks(container: Any, parent: Any, numbering: _DocxNumbering) -> Iterator[str]:
    """Paragraphs and tables of a body/cell element in document order, as text blocks."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            text = Paragraph(child, parent).text
            label = numbering.label(child)
            yield f"{label} {text}" if label and text.strip() else text
        elif child.tag == qn("w:tbl"):
            yield from _docx_table(child, parent, numbering)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _docx_blocks(content, parent, numbering)


def _docx_table(tbl: Any, parent: Any, numbering: _DocxNumbering) -> Iterator[str]:
    """A table row by row, cell by cell (left to right): each cell's paragraphs as one block."""
    from docx.oxml.ns import qn

    for tr in tbl.iterchildren(qn("w:tr")):
        for tc in tr.iterchildren(qn("w:tc")):
            tc_pr = tc.find(qn("w:tcPr"))
            v_merge = tc_pr.find(qn("w:vMerge")) if tc_pr is not None else None
            if v_merge is not None and v_merge.get(qn("w:val")) in (None, "continue"):
                continue  # continuation of a vertically merged cell: its text was read above
            lines = [b for b in _docx_blocks(tc, parent, numbering) if b.strip()]
            if lines:
                yield "\n".join(lines)


class _DocxNumbering:
    """Labels ("1.", "a)", "Điều 3.") of Word's automatic list numbering, counted in order."""

    def __init__(self, doc: Any) -> None:
        from docx.oxml.ns import qn

        self._qn = qn
        self._levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        self._style_num: dict[str, tuple[str, int]] = {}
        try:
            root = doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in root.iterchildren(qn("w:abstractNum")):
            abstract[an.get(qn("w:abstractNumId"))] = {
                int(lvl.get(qn("w:ilvl"), "0")): self._level(lvl) for lvl in an.iterchildren(qn("w:lvl"))
            }
        for num in root.iterchildren(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            levels = dict(abstract.get(ref.get(qn("w:val")), {})) if ref is not None else {}
            for override in num.iterchildren(qn("w:lvlOverride")):
                ilvl = int(override.get(qn("w:ilvl"), "0"))
                lvl = override.find(qn("w:lvl"))
                if lvl is not None:
                    levels[ilvl] = self._level(lvl)
                start = override.find(qn("w:startOverride"))
                if start is not None and ilvl in levels:
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, int(start.get(qn("w:val"), "1")))
            self._levels[num.get(qn("w:numId"))] = levels
        for style in doc.styles.element.iterchildren(qn("w:style")):
            num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_pr is not None:
                style_num, style_lvl = self._num_pr(num_pr)
                if style_num:
                    self._style_num[style.get(qn("w:styleId"))] = (style_num, style_lvl or 0)

    def _level(self, lvl: Any) -> tuple[str, str, int]:
        qn = self._qn
        fmt = lvl.find(qn("w:numFmt"))
        text = lvl.find(qn("w:lvlText"))
        start = lvl.find(qn("w:start"))
        return (
            fmt.get(qn("w:val"), "decimal") if fmt is not None else "decimal",
            text.get(qn("w:val"), "") if text is not None else "",
            int(start.get(qn("w:val"), "1")) if start is not None else 1,
        )

    def _num_pr(self, num_pr: Any) -> tuple[str | None, int | None]:
        qn = self._qn
        num_id = num_pr.find(qn("w:numId"))
        ilvl = num_pr.find(qn("w:ilvl"))
        return (
            num_id.get(qn("w:val")) if num_id is not None else None,
            int(ilvl.get(qn("w:val"), "0")) if ilvl is not None else None,
        )

    def label(self, p: Any) -> str:
        """The number Word shows in front of paragraph ``p`` ("" when it is not numbered)."""
        if not self._levels:
            return ""
        qn = self._qn
        ppr = p.find(qn("w:pPr"))
        num_id: str | None = None
        ilvl: int | None = None
        if ppr is not None:
            num_pr = ppr.find(qn("w:numPr"))
            if num_pr is not None:
                num_id, ilvl = self._num_pr(num_pr)
            if num_id is None:
                style = ppr.find(qn("w:pStyle"))
                if style is not None and style.get(qn("w:val")) in self._style_num:
                    style_num, style_lvl = self._style_num[style.get(qn("w:val"))]
                    num_id, ilvl = style_num, ilvl if ilvl is not None else style_lvl
        if not num_id or num_id == "0" or num_id not in self._levels:
            return ""
        level = ilvl or 0
        levels = self._levels[num_id]
        if level not in levels:
            return ""
        counters = self._counters.setdefault(num_id, {})
        counters[level] = counters.get(level, levels[level][2] - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        fmt, text, _ = levels[level]
        if fmt == "bullet":
            return text if text in ("-", "+", "–", "•", "*") else "-"
        if fmt == "none":
            return text if "%" not in text else ""

        def number(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            k_fmt, _, k_start = levels.get(k, ("decimal", "", 1))
            return _format_number(counters.get(k, k_start), k_fmt)

        return re.sub(r"%([1-9])", number, text)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + numeral, n - value
    return out


# --------------------------------------------------------------------------- .pdf

# A line that starts a unit of its own: never glued to the line before it.
_PDF_STARTS_UNIT = re.compile(
    r"^(?:Điều\s+\d+|Chương\s+[IVXLC\d]+|Mục\s+\d+|Phần\s+(?:thứ\s+)?[IVXLC\d]|PHỤ\s+LỤC|Nơi\s+nhận"
    r"|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)\s|[-–—+•*]\s|\(\d+\)|[IVXLC]+\.\s)",
)
# Header lines of the standard layout: never glued to a neighbour.
_PDF_OWN_LINE = re.compile(
    r"^(?:Số\s*:|.{2,40},\s*ngày\s+\d|ngày\s+\d+\s+tháng)|Độc\s+lập\s*[-–]\s*Tự\s+do|^\((?:Đã|đã)\s+ký",
)
_PAGE_NUMBER = re.compile(r"^(?:[-–—\s]*\d{1,4}[-–—\s]*|Trang\s+\d+(?:\s*/\s*\d+)?)$", re.IGNORECASE)
_COMBINING = re.compile(r"\s+(?=[\u0300-\u036f])")
# Pages averaging fewer letters than this have no real text layer (scans, maybe a signature stamp).
_MIN_LETTERS_PER_PAGE = 20


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except DependencyError as exc:
                raise CorpusError(
                    f"Tệp {path} được mã hóa theo cách cần thư viện 'cryptography' để mở; "
                    "hãy cài thư viện này hoặc lưu lại tệp PDF không mã hóa."
                ) from exc
            if not opened:
                raise CorpusError(
                    f"Tệp {path} được bảo vệ bằng mật khẩu; hãy gỡ mật khẩu (lưu lại bản không khóa) rồi nạp lại."
                )
        pages = [page.extract_text() or "" for page in reader.pages]
    except CorpusError:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on damaged files
        raise CorpusError(f"Tệp {path} không phải tệp PDF hợp lệ hoặc đã bị hỏng ({exc}).") from exc
    if not pages:
        raise CorpusError(f"Tệp {path} không có trang nào.")
    letters = sum(ch.isalpha() for page in pages for ch in page)
    if letters < _MIN_LETTERS_PER_PAGE * len(pages):
        raise CorpusError(
            f"Tệp {path} là bản quét (không có lớp chữ); cần nhận dạng chữ (OCR) trước khi nạp, "
            "hoặc dùng bản .docx/.pdf gốc có chữ."
        )
    text = _reflow_pdf_lines(pages)
    _reject_legacy_encoding(path, text)
    return text


def _pdf_page_lines(page: str) -> list[str]:
    page = nfc(_COMBINING.sub("", page.replace("\u00ad\n", "\u00ad")).replace("\u00ad", ""))
    page = re.sub("[\ufb00-\ufb06]", lambda m: {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                                              "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}[m.group()], page)
    lines = [_SPACES.sub(" ", line).strip() for line in page.replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    # Page numbers printed at the top or bottom of a page are not document text.
    if lines and _PAGE_NUMBER.match(lines[0]):
        lines = lines[1:]
    if lines and _PAGE_NUMBER.match(lines[-1]):
        lines = lines[:-1]
    return lines


def _reflow_pdf_lines(pages: list[str]) -> str:
    """Glue the visual lines of a PDF back into paragraphs (one paragraph per line)."""
    lines = [line for page in pages for line in _pdf_page_lines(page)]
    lengths = sorted(len(line) for line in lines)
    # Characters in a full-width line; at least 60 so short header lines never count as full.
    full = max(lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0, 60)
    paragraphs: list[str] = []
    last = ""
    for line in lines:
        if paragraphs and _pdf_continues(last, line, full):
            paragraphs[-1] += ("" if re.search(r"\w-$", last) else " ") + line
        else:
            paragraphs.append(line)
        last = line
    return "\n\n".join(paragraphs)


def _pdf_continues(last: str, line: str, full: int) -> bool:
    """True when visual ``line`` wraps on from the visual line ``last`` (same paragraph)."""
    if _PDF_STARTS_UNIT.match(line) or _PDF_OWN_LINE.search(last) or _PDF_OWN_LINE.search(line):
        return False
    if not any(c.islower() for c in last):
        return False  # headings and header blocks in capitals stay on their own lines
    if line[0].islower():
        return True
    # A break before a capitalised word inside a sentence: the line before reached the right margin.
    return len(last) >= 0.75 * full and not last.endswith((".", ":", ";", "!", "?"))


# --------------------------------------------------------------------------- .html

_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Never document text.
_ALWAYS_DROP = frozenset(
    "script style noscript iframe template svg head title button select textarea input object embed canvas".split()
)
# Site chrome: dropped unless it wraps most of the page's text (e.g. an ASP.NET page-wide <form>).
_CHROME_TAGS = frozenset("nav header footer form aside menu dialog".split())
_CHROME_NAMES = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|menus|header|footer|sidebar|breadcrumbs?|login|dang-?nhap|banner|"
    r"cookie|advert|ads|quangcao|quang-cao|social|share|comment|search|tim-?kiem|popup|modal)(?:$|[\s_-])",
    re.IGNORECASE,
)
_CONTENT_NAMES = re.compile(r"content|noidung|noi-dung|toanvan|toan-van|vanban|van-ban|fulltext|article|document",
                            re.IGNORECASE)
_BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr html legend li main menu nav ol p pre section summary "
    "table tbody td tfoot th thead tr ul".split()
)
_P_SCOPE = frozenset("html body table td th caption template button object applet marquee".split())
_P_CLOSERS = (
    "address article aside blockquote details dialog div dl fieldset figcaption figure footer form h1 h2 h3 h4 "
    "h5 h6 header hr main menu nav ol p pre section table ul li dd dt tr td th"
).split()
_IMPLIED_END: dict[str, list[tuple[frozenset[str], frozenset[str]]]] = {
    tag: [(frozenset({"p"}), _P_SCOPE)] for tag in _P_CLOSERS
}
_IMPLIED_END["li"].append((frozenset({"li"}), frozenset({"ul", "ol", "menu", "table"})))
for _cell in ("dd", "dt"):
    _IMPLIED_END[_cell].append((frozenset({"dd", "dt"}), frozenset({"dl", "table"})))
for _cell in ("td", "th"):
    _IMPLIED_END[_cell].append((frozenset({"td", "th"}), frozenset({"tr", "table"})))
_IMPLIED_END["tr"].append((frozenset({"tr", "td", "th"}), frozenset({"table", "tbody", "thead", "tfoot"})))
_IMPLIED_END["option"] = [(frozenset({"option"}), frozenset({"select", "datalist"}))]
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class _Node:
    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Node | str] = []

    @property
    def names(self) -> str:
        return f"{self.attrs.get('id', '')} {self.attrs.get('class', '')}".strip()


class _TreeBuilder(HTMLParser):
    """A forgiving DOM: end tags close the nearest open element with that name."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self._stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Implied end tags (<p>a<p>b, <li>a<li>b, <td>a<td>b): close the open one instead of nesting.
        for closes, scope in _IMPLIED_END.get(tag, ()):
            for i in range(len(self._stack) - 1, 0, -1):
                open_tag = self._stack[i].tag
                if open_tag in closes:
                    del self._stack[i:]
                    break
                if open_tag in scope:
                    break
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self._stack[-1].children.append(node)
        if tag not in _VOID:
            self._stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag == "br":  # "</br>" is a line break in every browser
            self._stack[-1].children.append(_Node("br", {}))
            return
        for i in range(len(self._stack) - 1, 0, -1):
            if self._stack[i].tag == tag:
                del self._stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self._stack[-1].children.append(data)


def _read_html(path: Path) -> str:
    data = _read_bytes(path)
    html = _decode_html(path, data)
    builder = _TreeBuilder()
    try:
        builder.feed(html)
        builder.close()
        return _html_text(builder.root)
    except RecursionError as exc:
        raise CorpusError(
            f"Trang {path} lồng thẻ HTML quá sâu, không đọc được; hãy lưu lại dạng .txt hoặc .docx."
        ) from exc


def _decode_html(path: Path, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    declared = _CHARSET.search(data[:8192])
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    try:
        return data.decode(encoding)
    except LookupError:
        encoding = "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"Tệp {path} không đọc được với bảng mã {encoding}; hãy lưu lại trang dưới dạng UTF-8 rồi nạp lại."
        ) from exc


def _html_text(root: _Node) -> str:
    """Document text of a parsed page: the main content container if obvious, without site chrome."""
    lengths: dict[int, int] = {}

    def text_len(node: _Node) -> int:
        key = id(node)
        if key not in lengths:
            total = 0
            for child in node.children:
                if isinstance(child, str):
                    total += sum(not c.isspace() for c in child)
                elif child.tag not in _ALWAYS_DROP:
                    total += text_len(child)
            lengths[key] = total
        return lengths[key]

    def walk(node: _Node) -> Iterator[_Node]:
        for child in node.children:
            if isinstance(child, _Node) and child.tag not in _ALWAYS_DROP:
                yield child
                yield from walk(child)

    def is_chrome(node: _Node, owner_len: int) -> bool:
        chrome = node.tag in _CHROME_TAGS or bool(node.names and _CHROME_NAMES.search(node.names))
        return chrome and text_len(node) < 0.5 * owner_len

    # Page text not counting obvious chrome: what a content container must hold most of.
    def outer_chrome(node: _Node) -> int:
        total = 0
        for child in node.children:
            if isinstance(child, _Node) and child.tag not in _ALWAYS_DROP:
                is_outer = child.tag in ("nav", "header", "footer", "aside")
                total += text_len(child) if is_outer else outer_chrome(child)
        return total

    page_len = text_len(root) - outer_chrome(root)
    container = root
    best: int | None = None
    for node in walk(root):
        named = node.tag in ("main", "article") or bool(_CONTENT_NAMES.search(node.names))
        if not named or (node.names and _CHROME_NAMES.search(node.names)):
            continue
        size = text_len(node)
        if size >= 0.5 * page_len and size > 0 and (best is None or size <= best):
            container, best = node, size

    pieces: list[str] = []
    owner_len = text_len(container)

    def render(node: _Node, pre: bool) -> None:
        for child in node.children:
            if isinstance(child, str):
                pieces.append(child if pre else re.sub(r"\s+", " ", child))
                continue
            if child.tag in _ALWAYS_DROP or is_chrome(child, owner_len):
                continue
            if child.tag == "br":
                pieces.append("\n")
            elif child.tag in _BLOCK_TAGS:
                pieces.append("\n\n")
                render(child, pre or child.tag == "pre")
                pieces.append("\n\n")
            else:
                render(child, pre)

    render(container, False)
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(pieces).split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")
