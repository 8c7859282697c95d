"""The Q&A set: load, validate line by line, and map gold evidence to document spans."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import InputError
from corpus.loader import Document
from corpus.text import nfc
from qa.query import validate_question

STYLES = ("plain", "no_diacritics", "abbreviation", "paraphrase", "numeric",
          "clause_lookup", "multi_part", "unanswerable", "english")
# What the question asks for (mirrors qa.query's answer types; optional in a Q&A file).
ANSWER_TYPES = ("quantity", "duration", "date", "who", "definition", "list", "yesno", "where", "clause", "fact")
DATA_DIR = Path(__file__).parent / "data"
DEFAULT_QA = DATA_DIR / "qa.jsonl"
_FIELDS = ("id", "question", "style", "answer", "evidence", "section")


@dataclass(frozen=True)
class QAItem:
    """One gold question; ``spans`` are ``(doc_id, start, end)`` of its evidence."""

    id: str
    question: str
    style: str
    answer: str
    evidence: tuple[str, ...]
    section: str
    spans: tuple[tuple[str, int, int], ...]
    answer_type: str = "fact"
    split: str = "test"  # "train": the answer model is fitted on it; "test": held out for the report and CI gate

    @property
    def answerable(self) -> bool:
        """False for questions the documents do not answer."""
        return bool(self.evidence)


def evidence_spans(evidence: str, docs: list[Document]) -> list[tuple[str, int, int]]:
    """Every occurrence of ``evidence`` in every document (any run of spaces matches any other)."""
    pattern = re.compile(r"\s+".join(re.escape(w) for w in evidence.split()))
    return [(d.doc_id, m.start(), m.end()) for d in docs for m in pattern.finditer(d.text)]


def _check(row: object, docs: list[Document], seen: set[str]) -> tuple[QAItem | None, list[str]]:
    if not isinstance(row, dict):
        return None, ["không phải một đối tượng JSON"]
    missing = [f for f in _FIELDS if f not in row]
    if missing:
        return None, [f"thiếu trường {', '.join(missing)}"]
    errors: list[str] = []
    qid, style, evidence = str(row["id"]), row["style"], row["evidence"]
    if qid in seen:
        errors.append(f"trùng id '{qid}'")
    if not isinstance(row["question"], str) or not row["question"].strip():
        errors.append("câu hỏi trống")
    else:
        try:  # the assistant would refuse it (too long, only control characters, …)
            validate_question(row["question"])
        except InputError as exc:
            errors.append(str(exc))
    if style not in STYLES:
        errors.append(f"kiểu câu hỏi '{style}' không hợp lệ (hợp lệ: {', '.join(STYLES)})")
    split = row.get("split", "test")
    if split not in ("train", "test"):
        errors.append(f"split '{split}' không hợp lệ (train hoặc test)")
    answer_type = row.get("answer_type", "fact")
    if answer_type not in ANSWER_TYPES:
        errors.append(f"loại câu trả lời '{answer_type}' không hợp lệ (hợp lệ: {', '.join(ANSWER_TYPES)})")
    if not isinstance(evidence, list) or not all(isinstance(e, str) and e for e in evidence):
        return None, [*errors, "evidence phải là danh sách chuỗi không rỗng"]
    if style == "unanswerable" and (evidence or row["answer"]):
        errors.append("câu 'unanswerable' phải có answer rỗng và evidence []")
    if style != "unanswerable" and not evidence:
        errors.append("câu có đáp án phải có ít nhất một evidence")
    spans: list[tuple[str, int, int]] = []
    for ev in evidence:
        found = evidence_spans(nfc(ev), docs)
        if not found:
            errors.append(f"evidence không có nguyên văn trong văn bản: \"{ev[:60]}\"")
        spans.extend(found)
    if errors:
        return None, errors
    item = QAItem(qid, nfc(row["question"]), style, nfc(str(row["answer"])),
                  tuple(nfc(e) for e in evidence), str(row["section"]), tuple(spans), answer_type, split)
    return item, []


def load_qa(path: Path, docs: list[Document]) -> list[QAItem]:
    """Load a Q&A JSONL file; any broken line stops the run with every problem listed."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise InputError(f"Không tìm thấy tệp hỏi đáp: {path}.") from exc
    except (UnicodeDecodeError, OSError) as exc:
        raise InputError(f"Không đọc được tệp hỏi đáp {path}: {exc}.") from exc
    items: list[QAItem] = []
    problems: list[str] = []
    seen: set[str] = set()
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"dòng {no}: JSON lỗi ({exc.msg}, cột {exc.colno})")
            continue
        item, errors = _check(row, docs, seen)
        problems += [f"dòng {no}: {e}" for e in errors]
        if item:
            seen.add(item.id)
            items.append(item)
    if problems:
        shown = "\n".join(problems[:50])
        more = f"\n… và {len(problems) - 50} lỗi khác" if len(problems) > 50 else ""
        raise InputError(f"Tệp hỏi đáp {path} có {len(problems)} lỗi, chưa chạy đánh giá:\n{shown}{more}")
    if not items:
        raise InputError(f"Tệp hỏi đáp {path} không có câu hỏi nào.")
    return items


DEFAULT_CONVERSATIONS = DATA_DIR / "conversations.jsonl"


@dataclass(frozen=True)
class Conversation:
    """Two turns; the second may lean on the first ("còn năm 2025?")."""

    id: str
    first: str
    second: str
    elliptical: bool
    rewrite: str
    answer: str
    spans: tuple[tuple[str, int, int], ...]

    @property
    def answerable(self) -> bool:
        """False when the documents do not answer the second turn."""
        return bool(self.spans)


def load_conversations(path: Path, docs: list[Document]) -> list[Conversation]:
    """Load two-turn conversations (JSONL); any broken line stops the run with every problem listed."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Không đọc được tệp hội thoại {path}: {exc}.") from exc
    out, problems = [], []
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            turns = [nfc(t) for t in row["turns"]]
            spans = [s for ev in row["evidence"] for s in evidence_spans(nfc(ev), docs)]
            if len(turns) != 2 or not all(t.strip() for t in turns):
                raise ValueError("cần đúng hai lượt hỏi")
            if len(spans) < len(row["evidence"]):
                raise ValueError("evidence không có nguyên văn trong văn bản")
            out.append(Conversation(str(row["id"]), turns[0], turns[1], bool(row["elliptical"]),
                                    nfc(row["rewrite"]), nfc(row["answer"]), tuple(spans)))
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(f"dòng {no}: {exc}")
    if problems:
        raise InputError(f"Tệp hội thoại {path} có {len(problems)} lỗi:\n" + "\n".join(problems[:50]))
    return out
