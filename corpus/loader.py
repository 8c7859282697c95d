"""Load documents from a corpus folder and strip the legal-website boilerplate around them."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from corpus.errors import CorpusError
from corpus.profiles import DocumentProfile, profile_for
from corpus.text import fold, nfc

BUNDLED_CORPUS = Path(__file__).parent / "documents"

# Lines the scraping website adds around every document (search box, login prompts,
# view counter, DMCA badge, visitor IP). Matched on whole stripped lines.
_BOILERPLATE = [
    r"Từ khoá:.*Số Hiệu.*Văn Bản\.*",
    r"Đăng nhập",
    r"Đang tải văn bản\.*",
    r"Bạn Chưa Đăng Nhập Thành Viên!?",
    r"Vì chưa Đăng Nhập nên .*",
    r"Bạn chưa xem được .*",
    r"Nếu chưa là Thành Viên.*",
    r"DMCA\.com Protection Status",
    r"IP: [0-9a-fA-F.:]+",
    r"Hãy để chúng tôi hỗ trợ bạn!?",
    r"Văn bản này chưa cập nhật nội dung Tiếng Anh",
]
_BOILERPLATE_RE = re.compile("|".join(f"(?:{p})" for p in _BOILERPLATE))
# Once the site's footer starts, nothing after it belongs to the document.
_FOOTER_RE = re.compile(r"Văn bản này chưa cập nhật nội dung Tiếng Anh|Bạn Chưa Đăng Nhập Thành Viên")
# The site's attribute table ("Số hiệu: … Loại văn bản: …"): metadata, not document text.
_ATTRIBUTE_RE = re.compile(r"(Số hiệu|Nơi ban hành|Ngày ban hành|Ngày công báo|Tình trạng):")
_ATTR_FIELDS = {
    "so_hieu": r"Số hiệu:\s*(\S+)",
    "loai_van_ban": r"Loại văn bản:\s*(.+?)\s*$",
    "co_quan_ban_hanh": r"Nơi ban hành:\s*(.+?)\s+Người ký:",
    "nguoi_ky": r"Người ký:\s*(.+?)\s*$",
    "ngay_ban_hanh": r"Ngày ban hành:\s*(\S+)",
}


@dataclass(frozen=True)
class Document:
    """A cleaned document: the text users read and cite, plus its metadata."""

    doc_id: str
    text: str
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """Short name used in citations: ``Nghị quyết 31/NQ-HĐND (06/12/2023)``, ``Luật An ninh mạng 24/2018/QH14``.

        A document whose subject line is its own name ("Luật An ninh mạng") is called by it.
        """
        kind = self.metadata.get("loai_van_ban", "Văn bản")
        number = self.metadata.get("so_hieu", self.doc_id)
        subject = self.metadata.get("trich_yeu", "")
        if subject and fold(subject).startswith(fold(kind) + " ") and len(subject) <= 80:
            return f"{subject} {number}"
        date = self.metadata.get("ngay_ban_hanh")
        return f"{kind} {number} ({date})" if date else f"{kind} {number}"

    @property
    def profile(self) -> DocumentProfile:
        """What this kind of document looks like (closing formula, number codes, …)."""
        return profile_for(self.metadata.get("loai_van_ban", ""), self.metadata.get("so_hieu", ""))

    @property
    def content_hash(self) -> str:
        """Hash of text and metadata: any change makes an index built from it stale."""
        payload = json.dumps([self.doc_id, self.text, self.metadata], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def clean_text(raw: str) -> str:
    """Drop website boilerplate lines and the site footer; keep every document line as is."""
    kept: list[str] = []
    for line in nfc(raw).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.strip()
        if _FOOTER_RE.match(stripped) and kept:
            break
        if _BOILERPLATE_RE.fullmatch(stripped) or _ATTRIBUTE_RE.match(stripped):
            continue
        kept.append(line.rstrip())
    text = "\n".join(kept)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n ")


def site_metadata(raw: str) -> dict[str, str]:
    """Metadata read from the website's attribute table, used when no sidecar file exists."""
    meta: dict[str, str] = {}
    for line in nfc(raw).splitlines():
        if not _ATTRIBUTE_RE.match(line.strip()):
            continue
        for key, pattern in _ATTR_FIELDS.items():
            m = re.search(pattern, line)
            if m and key not in meta:
                meta[key] = m.group(1).strip()
    return meta


def load_document(path: Path) -> Document:
    """Load one document (.txt, .docx, .pdf or saved .html) and its optional ``.meta.json`` sidecar."""
    from corpus.ingest import load_source

    text, meta = load_source(Path(path))
    doc_id = meta.pop("doc_id", Path(path).stem)
    return Document(doc_id=doc_id, text=text, metadata=meta)


def document_files(folder: Path) -> list[Path]:
    """The document files of a corpus folder, sorted by name (sidecars and other files left out)."""
    from corpus.ingest import SUPPORTED_SUFFIXES

    return sorted(p for p in Path(folder).iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                  and not p.name.startswith("."))


def load_corpus(folder: Path = BUNDLED_CORPUS) -> list[Document]:
    """Load every document in ``folder`` (sorted by file name)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(f"Không tìm thấy thư mục văn bản: {folder}.")
    paths = document_files(folder)
    if not paths:
        raise CorpusError(f"Thư mục {folder} không có văn bản nào (.txt, .docx, .pdf, .html).")
    docs = [load_document(p) for p in paths]
    ids = [d.doc_id for d in docs]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise CorpusError(f"Trùng mã văn bản trong {folder}: {', '.join(dupes)}.")
    return docs


def corpus_hash(docs: list[Document]) -> str:
    """One hash for the whole corpus (order-independent)."""
    joined = "".join(sorted(d.content_hash for d in docs))
    return hashlib.sha256(joined.encode()).hexdigest()
