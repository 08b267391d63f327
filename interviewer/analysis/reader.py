"""The Reader: the caches that reading answers needs, owned by one object and safe for threads.

Reading an answer is a pure function of (question, answer); the caches only make it fast. They
used to live at module level, where one thread's batch mode could silently switch off another
thread's off-topic check. Now a service (or a test, or a batch job) owns a ``Reader`` and passes
it down; every cache inside holds pure results, so sharing or clearing one never changes an
answer's analysis, only its speed.

Caches here:
- stems of words (a Snowball stemmer is not thread-safe; misses take a lock);
- question subjects (stems and concept groups of a question and its topics);
- MiniLM vectors of texts and cosine similarities of (question, answer opening) pairs: plain
  (``similarity``) and through the question adapter (``fit``, see ``evals/train_adapter.py``).
"""

from __future__ import annotations

import copy
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .relevance import Subject, subject_of
from .text import Stemmer

if TYPE_CHECKING:
    from ..embeddings import Embedder

MAX_VECTORS = 20_000  # about 30 MB of float32 vectors
MAX_SIMILARITIES = 50_000
MAX_SUBJECTS = 8_192
REFERENCE_CHUNK = 256  # reference questions embedded per step (the progress bar moves)
NEAR_DUPLICATE = 0.85  # a reference question this close to the asked one is the same question

Pair = tuple[str, str]


class Reader:
    """Owns the stem, subject and embedding caches used while analysing answers.

    ``embedder`` gives unit-length vectors (``embed(texts) -> (n, dim)``), or is a function that
    builds one on first use; by default the offline MiniLM model, loaded on the first similarity
    that is needed. If the model cannot load, that
    call raises ``EmbeddingUnavailable``: the off-topic check is never quietly switched off.

    Thread-safe: one Reader may serve every session of a process.
    """

    def __init__(
        self,
        embedder: Embedder | Callable[[], Embedder] | None = None,
        references: Callable[[], Sequence[str]] | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.stem = Stemmer()
        # The questions an answer may fit better than the one asked (the bank's): the relative
        # off-topic test. Without them, only the absolute test runs.
        self._references = references
        self._reference_matrix: Any = None
        self._reference_texts: list[str] = []
        self._cache_dir = cache_dir  # reference vectors are kept here between processes
        self._embedder: Embedder | None = None
        self._make_embedder: Callable[[], Embedder] | None = None
        if callable(embedder) and not hasattr(embedder, "embed"):
            self._make_embedder = embedder  # built on first use (the model may be unneeded)
        else:
            self._embedder = embedder  # type: ignore[assignment]
        self._embedder_lock = threading.Lock()
        self._embed_lock = threading.Lock()
        self._subjects: dict[tuple[str, tuple[str, ...]], Subject] = {}
        self._vectors: dict[str, object] = {}
        self._similarities: dict[Pair, float] = {}
        self._fits: dict[Pair, float] = {}  # the same pairs, question through the adapter
        self._adapted: dict[str, Any] = {}  # question -> its adapted unit vector
        # the embedder's question adapter, once asked for (a dict, so every view shares it)
        self._adapter: dict[str, Any] = {}
        self._pending: list[Pair] | None = None  # set only on the per-batch views of deferring()
        # A batch's own questions (``with_questions``): an answer may fit one of them better.
        self._extra: tuple[str, ...] = ()
        self._base: Reader | None = None  # the reader whose bank references a view shares
        # stem -> the reference questions using it (the bank's; a view's batch)
        self._index: dict[str, tuple[str, ...]] | None = None
        self._extra_index: dict[str, tuple[str, ...]] | None = None
        self._reference_cache: list[str] | None = None
        self._combined: tuple[list[str], Any, Any] | None = None  # see _all_references
        self._vocabulary: frozenset[str] | None = None  # see known_words

    # -- subjects -------------------------------------------------------------------------------
    def subject(self, question: str, topics: tuple[str, ...] = ()) -> Subject:
        """The stems and concept groups of a question (cached)."""
        key = (question, topics)
        found = self._subjects.get(key)
        if found is None:
            found = subject_of(question, topics, self.stem)
            if len(self._subjects) >= MAX_SUBJECTS:
                self._subjects.clear()
            self._subjects[key] = found
        return found

    def known_words(self) -> frozenset[str]:
        """Whole English words of MiniLM's WordPiece vocabulary (about 22,000, lower case), read
        once from the model package's vocab.txt; empty when the package is not installed (then
        nothing is called noise)."""
        owner = self._owner()
        if owner._vocabulary is None:
            from ..embeddings import model_dir
            from ..errors import EmbeddingUnavailable

            try:
                lines = (model_dir() / "vocab.txt").read_text(encoding="utf-8").splitlines()
            except (EmbeddingUnavailable, OSError):
                lines = []
            owner._vocabulary = frozenset(w for w in lines if w.isalpha() and w.isascii())
        return owner._vocabulary

    # -- embeddings -----------------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        """The embedding model; raises EmbeddingUnavailable if it is not installed."""
        if self._embedder is None:
            with self._embedder_lock:
                if self._embedder is None:
                    from ..embeddings import MiniLMEmbedder

                    make = self._make_embedder or MiniLMEmbedder
                    self._embedder = make()
        return self._embedder

    def similarity(self, question: str, answer: str) -> float | None:
        """Cosine between the question and the answer text given (callers pass its opening).

        On a ``deferring()`` view an unknown pair is recorded and None returned, so a batch can
        embed every pair it needs in one call (``prefetch``) and then read the cache.
        """
        return self._cosine(self._similarities, question, answer)

    def fit(self, question: str, answer: str) -> float | None:
        """How well the answer text fits the question: the cosine of the question's adapted
        vector with the answer's (``similarity`` when the embedder has no adapter). Relative
        tests (which question does this answer fit best?) use this; the adapter was trained for
        that and separates an answer's own question from its neighbours better (AUC 0.91 ->
        0.93 on the real answers). Deferred like ``similarity``."""
        return self._cosine(self._fits, question, answer)

    def _cosine(self, cache: dict[Pair, float], question: str, answer: str) -> float | None:
        """The pair's value from ``cache`` (filled by ``prefetch``), or None, recorded, when
        deferring."""
        key = (question, answer)
        found = cache.get(key)
        if found is not None:
            return found
        if self._pending is not None:
            self._pending.append(key)
            return None
        self.prefetch([key])
        return cache[key]

    def _question_adapter(self) -> Any:
        if "matrix" not in self._adapter:
            make = getattr(self.embedder, "question_adapter", None)
            self._adapter["matrix"] = make() if callable(make) else None
        return self._adapter["matrix"]

    def _adapt(self, matrix: Any) -> Any:
        """Question vectors (n, dim) through the adapter, back to unit length."""
        import numpy as np

        adapter = self._question_adapter()
        if adapter is None:
            return matrix
        mapped = np.asarray(matrix, dtype=np.float32) @ adapter
        return mapped / np.maximum(np.linalg.norm(mapped, axis=-1, keepdims=True), 1e-12)

    def prefetch(self, pairs: list[Pair]) -> None:
        """Embed the given (question, answer) pairs in one batch and cache their cosines."""
        todo = [p for p in dict.fromkeys(pairs) if p not in self._similarities]
        if not todo:
            return
        embedder = self.embedder
        with self._embed_lock:  # one forward pass at a time; BLAS already uses the core
            texts = [
                t
                for t in dict.fromkeys([q for q, _ in todo] + [a for _, a in todo])
                if t not in self._vectors
            ]
            if len(self._vectors) + len(texts) > MAX_VECTORS:
                self._vectors.clear()
                texts = list(dict.fromkeys([q for q, _ in todo] + [a for _, a in todo]))
            if texts:
                self._vectors.update(zip(texts, embedder.embed(texts), strict=True))
            if len(self._similarities) > MAX_SIMILARITIES:
                self._similarities.clear()
                self._fits.clear()
            if len(self._adapted) > MAX_VECTORS:
                self._adapted.clear()
            for q in dict.fromkeys(q for q, _ in todo):
                if q not in self._adapted:
                    self._adapted[q] = self._adapt(self._vectors[q])
            for q, a in todo:
                self._similarities[(q, a)] = float(self._vectors[q] @ self._vectors[a])  # type: ignore[operator]
                self._fits[(q, a)] = float(self._adapted[q] @ self._vectors[a])

    def closest_others(
        self,
        question: str,
        answer: str,
        k: int = 5,
        adapted: bool = True,
    ) -> list[tuple[str, float]]:
        """The k reference questions the answer fits best (``fit``; plain cosine when not
        ``adapted``), other than ``question``: (text, score).

        References are the bank's questions plus, on a ``with_questions`` view, a batch's own
        (those not in the bank are embedded on first use).
        References very close to ``question`` (cosine >= NEAR_DUPLICATE) count as the same
        question. [] without references, or when the vectors are not computed yet (a
        deferring view): call ``similarity(question, answer)`` first.
        """
        a_vec, q_vec = self._vectors.get(answer), self._vectors.get(question)
        if a_vec is None or q_vec is None:
            return []
        import numpy as np

        refs = self._all_references()
        if refs is None:
            return []
        texts, stacked, mapped = refs
        # the asked question itself (and its rewordings) count as the same question
        same = stacked @ np.asarray(q_vec) >= NEAR_DUPLICATE
        scores = (mapped if adapted else stacked) @ np.asarray(a_vec)
        scores[same] = -1.0
        top = np.argsort(-scores)[:k]
        return [(texts[i], float(scores[i])) for i in top if scores[i] > -1.0]

    def _all_references(self) -> tuple[list[str], Any, Any] | None:
        """(texts, unit vectors, adapted unit vectors) of the bank's questions and this view's
        batch questions, built once per view (not per answer); None when there are none or the
        vectors are deferred."""
        if self._combined is not None:
            return self._combined
        import numpy as np

        matrix = self._reference_vectors()
        texts = list(self._owner()._reference_texts) if matrix is not None and len(matrix) else []
        known = set(texts)  # a batch's question that is also a bank question is there already
        extra = [t for t in self._extra if t not in known]
        missing = [t for t in extra if t not in self._vectors]
        if missing and self._pending is not None:
            return None  # a batch's first pass: the second pass has them
        self._embed(missing)
        blocks = [matrix] if texts else []
        if extra:
            blocks.append(np.stack([np.asarray(self._vectors[t]) for t in extra]))
        if not blocks:
            return None
        stacked = np.vstack(blocks) if len(blocks) > 1 else blocks[0]
        combined = (texts + extra, stacked, self._adapt(stacked))
        if self._pending is None:  # a first pass's view is thrown away with its cache
            self._combined = combined
        return combined

    @property
    def batch(self) -> bool:
        """Whether this is a batch's view (``with_questions``): `score-answers` reading a file."""
        return bool(self._extra)

    def in_batch(self, question: str) -> bool:
        """Whether ``question`` is one of this view's batch questions (a file's own)."""
        return question in self._extra

    def question_frequency(self, stem: str) -> int:
        """In how many reference questions (the bank's, and a view's batch) ``stem`` occurs."""
        return len(self._postings().get(stem, ())) + len(self._extra_postings().get(stem, ()))

    def _reference_list(self) -> list[str]:
        if self._reference_cache is None:
            refs = self._references() if self._references is not None else []
            self._reference_cache = list(dict.fromkeys(refs))
        return self._reference_cache

    def _postings(self) -> dict[str, tuple[str, ...]]:
        owner = self._owner()
        if owner._index is None:
            owner._index = self._index_of(owner._reference_list())
        return owner._index

    def _extra_postings(self) -> dict[str, tuple[str, ...]]:
        if self._extra_index is None:
            self._extra_index = self._index_of(list(self._extra))
        return self._extra_index

    def _index_of(self, texts: list[str]) -> dict[str, tuple[str, ...]]:
        index: dict[str, list[str]] = {}
        for text in texts:
            for stem in self.subject(text).stems:
                index.setdefault(stem, []).append(text)
        return {k: tuple(v) for k, v in index.items()}

    def with_questions(self, questions: Sequence[str]) -> Reader:
        """A view that also counts ``questions`` (a batch file's own) as references.

        Shares every cache with this reader. Used by batch scoring: an answer pasted under the
        wrong question of a file usually fits that file's neighbouring question best, which
        the bank may not hold.
        """
        view = copy.copy(self)
        view._extra = tuple(dict.fromkeys(q for q in questions if q.strip()))
        view._base = self._owner()
        view._extra_index = None
        view._combined = None
        return view

    def _owner(self) -> Reader:
        return self._base or self

    def _embed(self, texts: list[str]) -> None:
        if not texts:
            return
        embedder = self.embedder
        with self._embed_lock:
            todo = [t for t in dict.fromkeys(texts) if t not in self._vectors]
            if len(self._vectors) + len(todo) > MAX_VECTORS:
                self._vectors.clear()
                todo = list(dict.fromkeys(texts))
            if todo:
                self._vectors.update(zip(todo, embedder.embed(todo), strict=True))

    def _reference_vectors(self, progress: bool = False) -> Any:
        if self._base is not None and self._pending is None:
            # computed once, on the reader that owns it
            return self._base._reference_vectors(progress)
        if self._reference_matrix is None and self._references is not None:
            if self._pending is not None:
                return None  # a batch's first pass: computed once, before the second pass
            texts = self._reference_list()
            embedder = self.embedder
            with self._embed_lock:
                if self._reference_matrix is None:
                    self._reference_texts = texts
                    self._reference_matrix = self._load_or_embed(embedder, texts, progress)
        return self._reference_matrix

    def _load_or_embed(self, embedder: Embedder, texts: list[str], progress: bool = False) -> Any:
        """The reference texts' vectors: those already embedded come from the cache folder
        (kept per text, so editing one question embeds that one again, not the bank), the
        rest are embedded now, with a progress bar when ``warm_references`` asks for one."""
        import numpy as np

        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        known: dict[str, Any] = {}
        path = None
        if self._cache_dir is not None:
            path = self._cache_dir / f"references-{type(embedder).__name__}-{embedder.dim}.npz"
            try:
                with np.load(path) as stored:
                    if stored["matrix"].shape[1:] == (embedder.dim,):
                        known = dict(zip(stored["texts"].tolist(), stored["matrix"], strict=True))
            except (OSError, ValueError, KeyError):
                pass  # no cache yet, or one this version cannot read: embed again
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            from tqdm import tqdm

            with tqdm(
                total=len(missing),
                desc="Embedding reference questions (off-topic check)",
                unit="question",
                file=sys.stderr,
                disable=not progress,
            ) as bar:
                for start in range(0, len(missing), REFERENCE_CHUNK):
                    chunk = missing[start : start + REFERENCE_CHUNK]
                    known.update(zip(chunk, embedder.embed(chunk), strict=True))
                    bar.update(len(chunk))
        matrix = np.stack([np.asarray(known[t], dtype=np.float32) for t in texts])
        if path is not None and missing:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
                np.savez(tmp, texts=np.array(texts), matrix=matrix)
                os.replace(tmp, path)  # atomic: a concurrent reader sees a whole file or none
            except OSError:
                pass  # a cache only: a read-only home just means embedding again next time
        return matrix

    def warm_references(self, progress: bool = False) -> None:
        """Embed the reference questions now (a batch does this before its second pass;
        ``interviewer ingest`` does it with a progress bar, so no answer waits for it)."""
        self._reference_vectors(progress)

    @property
    def pending(self) -> int | None:
        """How many similarities this ``deferring()`` view has put off; None on a reader."""
        return None if self._pending is None else len(self._pending)

    @contextmanager
    def deferring(self) -> Iterator[tuple[Reader, list[Pair]]]:
        """A view of this reader that records the similarities it lacks instead of computing them.

        Yields ``(view, pending)``; the view shares every cache with this reader, so after
        ``prefetch(pending)`` a second pass over the same answers finds them all.
        """
        view = copy.copy(self)
        view._pending = []
        yield view, view._pending

    def clear(self) -> None:
        """Drop every cache (benchmarks use this to measure cold runs)."""
        with self._embed_lock:
            self._subjects.clear()
            self._vectors.clear()
            self._similarities.clear()
            self._fits.clear()
            self._adapted.clear()
            self.stem = Stemmer()
