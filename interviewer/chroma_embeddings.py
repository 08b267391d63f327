"""Chroma glue for the embedders: registered embedding functions chosen by short name.

Kept apart from ``embeddings.py`` so that code which only needs vectors (answer relevance)
does not pay for importing chromadb (about 2 s).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from interviewer.embeddings import (
    BATCH_SIZE,
    DIM,
    MAX_TOKENS,
    Embedder,
    HashEmbedder,
    MiniLMEmbedder,
)
from interviewer.errors import InputError


class ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """Shared Chroma glue; subclasses are registered so persistent collections reopen cleanly."""

    embedder: Embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed(list(input)))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Direct access for the store, which embeds itself to show progress."""
        return self.embedder.embed(texts)

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]  # vectors are unit length, so all three rank alike

    def is_legacy(self) -> bool:
        return False


@register_embedding_function
class MiniLMEmbeddingFunction(ChromaEmbeddingFunction):
    """Chroma embedding function backed by the shared numpy MiniLM model."""

    embedder: MiniLMEmbedder

    def __init__(
        self, batch_size: int = BATCH_SIZE, embedder: MiniLMEmbedder | None = None
    ) -> None:
        self.embedder = embedder or MiniLMEmbedder(batch_size=batch_size)

    @staticmethod
    def name() -> str:
        return "interviewer-minilm"

    def get_config(self) -> dict[str, Any]:
        return {"batch_size": self.embedder.batch_size, "max_tokens": MAX_TOKENS}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        return MiniLMEmbeddingFunction(batch_size=int(config.get("batch_size", BATCH_SIZE)))


@register_embedding_function
class HashEmbeddingFunction(ChromaEmbeddingFunction):
    """Chroma embedding function backed by ``HashEmbedder``."""

    def __init__(self, dim: int = DIM) -> None:
        self.embedder = HashEmbedder(dim=dim)

    @staticmethod
    def name() -> str:
        return "interviewer-hash"

    def get_config(self) -> dict[str, Any]:
        return {"dim": self.embedder.dim}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> HashEmbeddingFunction:
        return HashEmbeddingFunction(dim=int(config.get("dim", DIM)))


EMBEDDERS: Mapping[str, type[ChromaEmbeddingFunction]] = MappingProxyType(
    {"minilm": MiniLMEmbeddingFunction, "hash": HashEmbeddingFunction}
)


def get_embedder(
    name: str = "minilm", minilm: MiniLMEmbedder | None = None
) -> ChromaEmbeddingFunction:
    """The Chroma embedding function registered under a short name ("minilm" or "hash").

    ``minilm`` shares an already-built MiniLM embedder (its weights load once per instance).
    """
    if name == "minilm" and minilm is not None:
        return MiniLMEmbeddingFunction(embedder=minilm)
    try:
        cls = EMBEDDERS[name]
    except KeyError:
        raise InputError(
            f"unknown embedder {name!r}; choose one of {', '.join(sorted(EMBEDDERS))}"
        ) from None
    return cls()
