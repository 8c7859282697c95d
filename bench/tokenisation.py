"""Which tokenisation for BM25: folded syllables, + bigrams, pyvi words, pyvi words + syllables.

    python bench/tokenisation.py [--qa eval/data/qa.jsonl] [--corpus DIR]

Lexical retrieval only (bm25s over each chunk's indexed text), recall@5 and MRR@10 per
question style on the answerable questions. pyvi segments the accented text; a question typed
without diacritics is segmented as typed (that is what a user sends). Writes
``eval/out/tokenisation.md``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def pyvi_words(text: str) -> list[str]:
    from corpus.text import segment_words
    return [w for w in segment_words(text) if any(ch.isalnum() for ch in w)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--qa", type=Path, default=ROOT / "eval" / "data" / "qa.jsonl")
    ap.add_argument("--corpus", type=Path, default=None)
    args = ap.parse_args()
    import bm25s

    from corpus.chunker import chunk_corpus
    from corpus.loader import load_corpus
    from corpus.text import lexical_terms
    from eval.dataset import load_qa

    docs = load_corpus(args.corpus) if args.corpus else load_corpus()
    chunks = chunk_corpus(docs)
    items = [it for it in load_qa(args.qa, docs) if it.answerable]
    schemes = {
        "syllables": lambda t: lexical_terms(t, bigrams=False),
        "syllables + bigrams (ours)": lambda t: lexical_terms(t, bigrams=True),
        "pyvi words": pyvi_words,
        "pyvi words + syllables": lambda t: pyvi_words(t) + lexical_terms(t, bigrams=False),
    }
    gold = [{i for i, c in enumerate(chunks) for d, s, e in it.spans
             if d == c.doc_id and c.start < e and s < c.end} for it in items]
    styles = ["all", *sorted({it.style for it in items})]
    rows = []
    for name, tok in schemes.items():
        bm25 = bm25s.BM25()
        bm25.index([tok(c.indexed_text) or [""] for c in chunks], show_progress=False)
        ranks = []
        for it, g in zip(items, gold, strict=True):
            scores = bm25.get_scores(tok(it.question) or [""])
            order = np.argsort(-scores, kind="stable")[:10]
            hit = [r for r, i in enumerate(order, 1) if i in g and scores[i] > 0]
            ranks.append(hit[0] if hit else None)
        for style in styles:
            sel = [r for r, it in zip(ranks, items, strict=True) if style == "all" or it.style == style]
            r5 = sum(r is not None and r <= 5 for r in sel) / len(sel)
            mrr = sum(1 / r for r in sel if r) / len(sel)
            rows.append((name, style, len(sel), r5, mrr))
    lines = [f"BM25 tokenisation on {args.qa.name} ({len(items)} answerable questions, {len(chunks)} chunks).", "",
             "| tokenisation | style | n | recall@5 | MRR@10 |", "|---|---|---|---|---|"]
    lines += [f"| {n} | {s} | {k} | {r5:.3f} | {m:.3f} |" for n, s, k, r5, m in rows]
    out = ROOT / "eval" / "out" / "tokenisation.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
