"""What differs between kinds of normative documents, in one profile per kind.

Every Vietnamese normative document shares the unit hierarchy Phần → Chương → Mục → Điều →
khoản → điểm (and appendices with numbered items); what differs is how the text ends (the
closing formula and the signature block), how it names itself ("Nghị quyết này", "Luật
này"), the code in its number ("NQ", "NĐ-CP", "QH") and whether it usually carries an
appendix of targets. The parser, the answerer and the messages read those from here
instead of spreading regexes through the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.text import fold

# Lines that open the signature block of any kind of document.
_SIGNATURE = (
    r"Nơi nhận\s*:|(?:TM|KT|TL|TUQ|Q)\.\s*\S"
    r"|(?:PHÓ |)(?:CHỦ TỊCH|THỦ TƯỚNG|BỘ TRƯỞNG|THỨ TRƯỞNG|GIÁM ĐỐC|CHỦ NHIỆM|CHÁNH ÁN|VIỆN TRƯỞNG"
    r"|TỔNG KIỂM TOÁN|THỐNG ĐỐC|TRƯỞNG BAN)(?: [A-ZĐÀ-Ỹ ]+)?$"
)


@dataclass(frozen=True)
class DocumentProfile:
    """One kind of document (Nghị quyết, Luật, …) and what the code must know about it."""

    kind: str  # stable key: "nghi_quyet", "luat", …
    name: str  # how people name the kind: "Nghị quyết"
    aliases: tuple[str, ...]  # other names of the kind in metadata or titles ("Bộ luật")
    number_codes: tuple[str, ...]  # codes in the document number: "NQ", "NĐ-CP", "QH"
    closing: str  # regex (whole stripped line) of the formula that ends the body
    has_targets: bool = False  # plans carry an appendix of numbered targets

    def closes(self, line: str) -> bool:
        """True when ``line`` (stripped) starts the closing part: formula or signature block."""
        return bool(re.match(rf"(?:{self.closing})|(?:{_SIGNATURE})", line))


# A document of unknown kind accepts any kind's closing formula.
GENERIC = DocumentProfile(
    "van_ban", "Văn bản", (), (),
    closing=r"(?:Văn bản|Nghị quyết|Bộ luật|Luật|Nghị định|Quyết định|Thông tư|Chỉ thị|Kế hoạch)"
            r" (?:này )?(?:đã )?được .*thông qua",
)
PROFILES: tuple[DocumentProfile, ...] = (
    DocumentProfile("nghi_quyet", "Nghị quyết", (), ("NQ",),
                    closing=r"Nghị quyết (?:này )?(?:đã )?được .*thông qua", has_targets=True),
    DocumentProfile("luat", "Luật", ("Bộ luật",), ("QH",),
                    closing=r"(?:Bộ luật|Luật) này (?:đã )?được Quốc hội .*thông qua"),
    DocumentProfile("nghi_dinh", "Nghị định", (), ("NĐ",),
                    closing=r"Nghị định này (?:đã )?được .*thông qua"),
    DocumentProfile("quyet_dinh", "Quyết định", (), ("QĐ",),
                    closing=r"Quyết định này (?:đã )?được .*thông qua"),
    DocumentProfile("thong_tu", "Thông tư", (), ("TT",),
                    closing=r"Thông tư này (?:đã )?được .*thông qua"),
)


def profile_for(kind_name: str = "", number: str = "") -> DocumentProfile:
    """The profile of a document from its type name ("Luật", "Bộ luật") or its number code."""
    name = fold(kind_name.strip())
    for p in PROFILES:
        if name and name in {fold(n) for n in (p.name, *p.aliases)}:
            return p
    parts = set(re.split(r"[/\-]", fold(number).upper()))
    for p in PROFILES:
        if any(set(fold(code).upper().split("-")) <= parts for code in p.number_codes):
            return p
    return GENERIC
