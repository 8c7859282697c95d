"""Export the Q&A set and the current index as a BEIR dataset (corpus, queries, qrels)."""

from __future__ import annotations

from pathlib import Path

from corpus.chunker import Chunk
from corpus.io import storage_error, write_jsonl
from eval.dataset import QAItem
from eval.runner import qrels_for

QRELS_HEADER = "query-id\tcorpus-id\tscore"


def export_beir(chunks: list[Chunk], items: list[QAItem], out_dir: Path) -> dict[str, int]:
    """Write ``corpus.jsonl``, ``queries.jsonl`` and ``qrels/test.tsv`` into ``out_dir``.

    The corpus is every chunk of the index (``_id`` = chunk id, ``title`` = its citation);
    queries are every question; qrels mark, for answerable questions, each chunk whose span
    overlaps a gold evidence span (score 1).
    """
    out_dir = Path(out_dir)
    qrels = qrels_for(items, chunks)
    try:
        (out_dir / "qrels").mkdir(parents=True, exist_ok=True)
        write_jsonl(out_dir / "corpus.jsonl",
               [{"_id": c.id, "title": c.citation, "text": c.text} for c in chunks])
        write_jsonl(out_dir / "queries.jsonl", [{"_id": it.id, "text": it.question} for it in items])
        pairs = [(qid, cid) for qid, rel in qrels.items() for cid in rel]
        with (out_dir / "qrels" / "test.tsv").open("w", encoding="utf-8") as fh:
            fh.write(QRELS_HEADER + "\n")
            for qid, cid in pairs:
                fh.write(f"{qid}\t{cid}\t1\n")
    except OSError as exc:
        raise storage_error(out_dir, exc) from exc
    return {"corpus": len(chunks), "queries": len(items),
            "qrels_queries": sum(bool(r) for r in qrels.values()), "qrels": len(pairs)}
