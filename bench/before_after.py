"""Answers before and after this change, question by question, with a paired significance test.

    python bench/before_after.py [--rev REV] [--split test]

Runs the Q&A set through ``Assistant.ask`` of the code at ``--rev`` (extracted with
``git archive``, run in a subprocess on an index it builds itself) and of the current code,
judges both with the current answer metric, and writes ``eval/out/before_after_<split>.md``:
accuracy per style for both, and an exact McNemar test on the questions one gets right and
the other wrong (scipy's binomial test on the discordant pairs).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from growth import BEFORE, code_at  # noqa: E402

ASK_ALL = r"""
import json, sys
from pathlib import Path
from qa.assistant import Assistant
asst = Assistant.open(Path(sys.argv[1]))
for q in json.loads(Path(sys.argv[2]).read_text("utf-8")):
    a = asst.ask(q)
    print(json.dumps({"text": a.text, "abstained": a.abstained}, ensure_ascii=False))
"""


def answers(code: Path, work: Path, questions: list[str], name: str) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(code), "QA_DATA_DIR": str(work / f"data-{name}")}
    qfile = work / "questions.json"
    qfile.write_text(json.dumps(questions, ensure_ascii=False), "utf-8")
    out = subprocess.run([sys.executable, "-c", ASK_ALL, str(work / f"index-{name}"), str(qfile)], env=env,
                         cwd=str(code), capture_output=True, text=True, check=True)
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rev", default=BEFORE)
    ap.add_argument("--split", default="all", choices=["all", "train", "test"])
    args = ap.parse_args()
    from scipy.stats import binomtest

    from corpus.loader import load_corpus
    from eval.dataset import DEFAULT_QA, load_qa
    from eval.runner import answer_correct

    items = [it for it in load_qa(DEFAULT_QA, load_corpus()) if args.split == "all" or it.split == args.split]
    work = Path(tempfile.mkdtemp(prefix="qa-before-after-"))
    old = code_at(args.rev, work / "before")
    questions = [it.question for it in items]
    runs = {"before": answers(old, work, questions, "before"), "now": answers(ROOT, work, questions, "now")}

    def right(item, a: dict) -> bool:
        return a["abstained"] if not item.answerable else (not a["abstained"] and answer_correct(item.answer, a["text"]))

    ok = {k: [right(it, a) for it, a in zip(items, v, strict=True)] for k, v in runs.items()}
    styles = sorted({it.style for it in items})
    lines = [f"Answers of commit {args.rev} and of the current code on the same {len(items)} questions "
             f"({args.split} split), judged by the same metric.", "",
             "| style | n | before | now |", "|---|---|---|---|"]
    for style in ["all", *styles]:
        idx = [i for i, it in enumerate(items) if style == "all" or it.style == style]
        b = sum(ok["before"][i] for i in idx) / len(idx)
        n = sum(ok["now"][i] for i in idx) / len(idx)
        lines.append(f"| {'**all**' if style == 'all' else style} | {len(idx)} | {b:.3f} | {n:.3f} |")
    answerable = [i for i, it in enumerate(items) if it.answerable]
    unanswerable = [i for i, it in enumerate(items) if not it.answerable]
    for label, idx in (("wrong refusals (answerable refused)", answerable),
                       ("unanswerable refused", unanswerable)):
        if idx:
            b, n = (sum(runs[k][i]["abstained"] for i in idx) / len(idx) for k in ("before", "now"))
            lines.append(f"| {label} | {len(idx)} | {b:.3f} | {n:.3f} |")
    gained = sum(n and not b for b, n in zip(ok["before"], ok["now"], strict=True))
    lost = sum(b and not n for b, n in zip(ok["before"], ok["now"], strict=True))
    p = binomtest(gained, gained + lost, 0.5).pvalue if gained + lost else 1.0
    lines += ["", f"Exact McNemar test: {gained} questions now right that were wrong, {lost} now wrong that were "
                  f"right; two-sided p = {p:.2g}."]
    out = ROOT / "eval" / "out" / f"before_after_{args.split}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
