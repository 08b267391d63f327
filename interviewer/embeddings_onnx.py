"""The MiniLM forward pass as an ONNX graph, run by onnxruntime: the same weights, 2-3x faster.

Why: numpy's matrix products go through OpenBLAS, which these machines pin to its AVX2 kernels
(``OPENBLAS_CORETYPE``); onnxruntime picks its own kernels for the processor (AVX-512 here)
and fuses attention, GELU and LayerNorm. Measured on this 2-core VM, one thread: a 1500x384 by
384x1536 product at 176 GFLOPS against numpy's 67; the whole embedding 2-3x faster (see
bench/bench_embeddings.py). The output matches the numpy pass to about 1e-6.

The graph is built in memory from the weights ``_MiniLM`` already loaded, with the ``onnx``
package (no file is written, nothing is downloaded). onnxruntime comes with chromadb. Without
either package the numpy pass runs instead.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .embeddings import _MiniLM

OPSET = 17


def available() -> bool:
    """Whether onnx and onnxruntime import (both are installed by ``make install``)."""
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def _threads() -> int:
    # The cores this process may run on: a worker pinned to one core gets one thread.
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def build_session(model: _MiniLM, threads: int | None = None) -> Any:
    """An onnxruntime session computing the last hidden state (B, L, hidden) from
    ``ids``, ``types`` (B, L) int64, ``positions`` (1, L) int64 and ``bias`` (B, 1, 1, L)
    float32 (0 for real tokens, -1e9 for padding), on ``threads`` threads (default: the cores
    this process may use). Consumes ``model``'s numpy weights (``drop_numpy_weights``): the
    session has its own. Raises ImportError without the packages."""
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    nodes: list[Any] = []
    inits: list[Any] = []

    def const(name: str, value: np.ndarray) -> str:
        # np.ascontiguousarray would make a 0-d index 1-d, and Gather would keep that axis
        inits.append(numpy_helper.from_array(np.array(value, order="C"), name))
        return name

    def node(op: str, inputs: list[str], name: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [name], **attrs))
        return name

    heads, hidden, eps = model.heads, model.hidden, model.eps
    head_dim = hidden // heads
    word = const("word", model.word)
    position = const("position", model.position)
    token_type = const("token_type", model.token_type)
    x = node("Gather", [word, "ids"], "emb_word")
    x = node("Add", [x, node("Gather", [position, "positions"], "emb_pos")], "emb_sum1")
    x = node("Add", [x, node("Gather", [token_type, "types"], "emb_type")], "emb_sum2")
    split_shape = const("split_shape", np.array([0, 0, 3, heads, head_dim], dtype=np.int64))
    merge_shape = const("merge_shape", np.array([0, 0, hidden], dtype=np.int64))
    sqrt2 = const("sqrt2", np.array(np.sqrt(2.0), dtype=np.float32))
    one = const("one", np.array(1.0, dtype=np.float32))
    half = const("half", np.array(0.5, dtype=np.float32))

    def layer_norm(inp: str, gamma: np.ndarray, beta: np.ndarray, name: str) -> str:
        inputs = [inp, const(name + "_g", gamma), const(name + "_b", beta)]
        return node("LayerNormalization", inputs, name, axis=-1, epsilon=eps)

    def dense(inp: str, w: np.ndarray, b: np.ndarray, name: str) -> str:
        product = node("MatMul", [inp, const(name + "_w", w)], name + "_mm")
        return node("Add", [product, const(name + "_b", b)], name)

    x = layer_norm(x, model.emb_ln[0], model.emb_ln[1], "emb_ln")
    for i, layer in enumerate(model.layers):
        p = f"l{i}_"
        qkv = dense(x, layer.qkv_w, layer.qkv_b, p + "qkv")
        qkv = node("Reshape", [qkv, split_shape], p + "qkv5")
        qkv = node("Transpose", [qkv], p + "qkvT", perm=[2, 0, 3, 1, 4])  # (3, B, H, L, D)
        q, k, v = (
            node("Gather", [qkv, const(f"{p}idx{j}", np.array(j, dtype=np.int64))], f"{p}{n}")
            for j, n in enumerate("qkv")
        )
        scores = node("MatMul", [q, node("Transpose", [k], p + "kT", perm=[0, 1, 3, 2])], p + "s")
        scores = node("Add", [scores, "bias"], p + "sb")  # q is pre-scaled by 1/sqrt(D)
        probs = node("Softmax", [scores], p + "probs", axis=-1)
        context = node("MatMul", [probs, v], p + "ctx")
        context = node("Transpose", [context], p + "ctxT", perm=[0, 2, 1, 3])
        context = node("Reshape", [context, merge_shape], p + "ctx3")
        attended = node("Add", [dense(context, layer.out_w, layer.out_b, p + "out"), x], p + "res1")
        x = layer_norm(attended, layer.ln1_g, layer.ln1_b, p + "ln1")
        h = dense(x, layer.ff1_w, layer.ff1_b, p + "ff1")
        # exact GELU, x * (1 + erf(x / sqrt 2)) / 2: onnxruntime fuses this pattern
        erf = node("Erf", [node("Div", [h, sqrt2], p + "div")], p + "erf")
        gelu = node("Mul", [h, node("Add", [erf, one], p + "erf1")], p + "xm")
        gelu = node("Mul", [gelu, half], p + "gelu")
        ff = node("Add", [dense(gelu, layer.ff2_w, layer.ff2_b, p + "ff2"), x], p + "res2")
        x = layer_norm(ff, layer.ln2_g, layer.ln2_b, p + "ln2")
    nodes.append(helper.make_node("Identity", [x], ["hidden"]))
    batch_len = ["batch", "length"]
    graph = helper.make_graph(
        nodes,
        "minilm",
        [
            helper.make_tensor_value_info("ids", TensorProto.INT64, batch_len),
            helper.make_tensor_value_info("types", TensorProto.INT64, batch_len),
            helper.make_tensor_value_info("positions", TensorProto.INT64, [1, "length"]),
            helper.make_tensor_value_info("bias", TensorProto.FLOAT, ["batch", 1, 1, "length"]),
        ],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, [*batch_len, hidden])],
        inits,
    )
    onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    onnx_model.ir_version = 8  # what onnxruntime releases since 1.14 read
    # Each copy of the weights is 90 MB: the graph holds one now, so the numpy one goes, and
    # the graph goes once serialized, before onnxruntime makes its own. Measured peak of
    # `score-answers` on 300 lines: 776 MB with every copy alive at once.
    model.drop_numpy_weights()
    serialized = onnx_model.SerializeToString()
    del onnx_model, graph
    nodes.clear()
    inits.clear()
    return_freed_memory()
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or _threads()
    options.inter_op_num_threads = 1
    # No arena: it keeps the largest batch's activations for good (554 MB after embedding long
    # answers, against 380 MB without; the speed is the same within noise).
    options.enable_cpu_mem_arena = False
    options.log_severity_level = 3  # no warnings on stderr
    # Idle threads sleep instead of spinning: the app serves requests from other threads too,
    # and spinning workers took the core from them (measured: 0.45x numpy with the other core
    # busy, against 1.9x with spinning off; bench/bench_embeddings.py with a load on one core).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(serialized, options, providers=["CPUExecutionProvider"])
    del serialized
    # onnxruntime keeps the serialized model to re-create the session on a provider fallback
    # we never use
    if hasattr(session, "_model_bytes"):
        session._model_bytes = None
    return_freed_memory()
    return session


def return_freed_memory() -> None:
    """Hand memory freed by the build back to the system: glibc keeps large freed blocks in
    the process otherwise. A no-op where there is no glibc."""
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    name = ctypes.util.find_library("c")
    try:
        ctypes.CDLL(name).malloc_trim(0)
    except (OSError, AttributeError, TypeError):
        pass


def run(session: Any, ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
    """The last hidden state (B, L, hidden) for one padded batch."""
    length = ids.shape[1]
    bias = ((1.0 - mask.astype(np.float32)) * np.float32(-1e9))[:, None, None, :]
    feeds = {
        "ids": ids,
        "types": types,
        "positions": np.arange(length, dtype=np.int64)[None, :],
        "bias": bias,
    }
    hidden: np.ndarray = session.run(["hidden"], feeds)[0]
    return hidden
