"""The Reader owns the caches of answer reading: safe to share, and never silently degraded."""

from __future__ import annotations

import threading

import pytest

from interviewer.analysis import Reader, analyse_answer
from interviewer.errors import EmbeddingUnavailable

QUESTION = "How did you handle cache invalidation in your last service?"
# Shares no subject word with the question, so only the embedding can tell it is off topic.
ELSEWHERE = (
    "Last spring I organised our team's hiring loop. I rewrote the interview guide, trained six "
    "new interviewers and we cut time to offer from five weeks to three. Candidates told us the "
    "loop felt fairer. I would now involve the recruiters earlier in the planning."
)


def test_an_unavailable_embedding_model_is_an_error_not_a_silent_pass() -> None:
    def missing():
        raise EmbeddingUnavailable("the model package is not installed; run make install")

    with pytest.raises(EmbeddingUnavailable, match="make install"):
        analyse_answer(QUESTION, ELSEWHERE, reader=Reader(missing))


def test_one_threads_batch_mode_never_switches_off_another_threads_check(reader: Reader) -> None:
    alone = analyse_answer(QUESTION, ELSEWHERE, reader=Reader())
    assert not alone.on_topic

    inside, release = threading.Event(), threading.Event()

    def batch() -> None:
        with reader.deferring() as (_view, _pending):
            inside.set()
            release.wait(timeout=30)

    worker = threading.Thread(target=batch)
    worker.start()
    inside.wait(timeout=30)
    try:
        during = analyse_answer(QUESTION, ELSEWHERE, reader=reader)
    finally:
        release.set()
        worker.join()
    assert during.on_topic is False  # the check ran in full while the other thread deferred


def test_a_deferring_view_records_what_it_lacks_and_shares_what_it_learns() -> None:
    shared = Reader()
    with shared.deferring() as (view, pending):
        assert view.similarity(QUESTION, ELSEWHERE) is None
    assert pending == [(QUESTION, ELSEWHERE)]
    shared.prefetch(pending)
    value = shared.similarity(QUESTION, ELSEWHERE)
    assert value is not None and -1.0 <= value <= 1.0
    with shared.deferring() as (view, pending):
        assert view.similarity(QUESTION, ELSEWHERE) == value and pending == []


def test_stems_are_the_same_from_many_threads(reader: Reader) -> None:
    words = ["caching", "cached", "invalidation", "invalidating", "deployments", "deployed"] * 200
    expected = [Reader().stem(w) for w in words]
    results: list[list[str]] = []

    def work() -> None:
        results.append([reader.stem(w) for w in words])

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results)


def test_reference_vectors_are_kept_per_text_so_one_edit_embeds_one(tmp_path) -> None:
    from interviewer.analysis import Reader
    from interviewer.embeddings import HashEmbedder

    class Counting(HashEmbedder):
        def __init__(self) -> None:
            super().__init__(dim=64)
            self.embedded: list[str] = []

        def embed(self, texts):  # type: ignore[no-untyped-def]
            self.embedded += list(texts)
            return super().embed(texts)

    texts = [f"How would you design system number {i}?" for i in range(30)]
    first = Counting()
    Reader(first, references=lambda: texts, cache_dir=tmp_path).warm_references()
    assert len(first.embedded) == 30
    edited = [*texts[:-1], "How would you design a pastry ordering system?"]
    again = Counting()
    reader = Reader(again, references=lambda: edited, cache_dir=tmp_path)
    reader.warm_references()
    assert again.embedded == ["How would you design a pastry ordering system?"]
    fresh = Counting()
    expected = Reader(fresh, references=lambda: edited).similarity(edited[3], "a design answer")
    assert reader.similarity(edited[3], "a design answer") == pytest.approx(expected, abs=1e-6)


class _Swapping:
    """Unit vectors by keyword (alpha, beta, anything else), with an adapter that swaps the
    alpha and beta axes: the tests can tell whether it was applied."""

    dim = 3

    def __init__(self, adapter: bool = True) -> None:
        self.adapter = adapter

    def embed(self, texts):  # type: ignore[no-untyped-def]
        import numpy as np

        axis = [0 if "alpha" in t else 1 if "beta" in t else 2 for t in texts]
        return np.eye(3, dtype="float32")[axis]

    def question_adapter(self):  # type: ignore[no-untyped-def]
        import numpy as np

        return np.eye(3, dtype="float32")[[1, 0, 2]] if self.adapter else None


def test_fit_reads_questions_through_the_adapter_and_similarity_does_not() -> None:
    reader = Reader(_Swapping(), references=lambda: ["beta question", "alpha question"])
    assert reader.similarity("alpha question", "alpha answer") == pytest.approx(1.0)
    assert reader.fit("alpha question", "alpha answer") == pytest.approx(0.0)
    assert reader.fit("alpha question", "beta answer") == pytest.approx(1.0)
    # the references are ranked by fit, or by plain cosine when asked
    reader.similarity("gamma question", "beta answer")
    assert reader.closest_others("gamma question", "beta answer", k=1)[0][0] == "alpha question"
    assert reader.closest_others("gamma question", "beta answer", k=1, adapted=False)[0][0] == (
        "beta question"
    )


def test_without_an_adapter_fit_is_the_plain_cosine() -> None:
    reader = Reader(_Swapping(adapter=False))
    assert reader.fit("alpha question", "beta answer") == reader.similarity(
        "alpha question", "beta answer"
    )


def test_a_deferring_view_defers_fit_like_similarity() -> None:
    shared = Reader(_Swapping())
    with shared.deferring() as (view, pending):
        assert view.fit("alpha question", "beta answer") is None
    shared.prefetch(pending)
    with shared.deferring() as (view, pending):
        assert view.fit("alpha question", "beta answer") == pytest.approx(1.0) and not pending


def test_a_views_batch_questions_are_its_own_not_the_readers() -> None:
    reader = Reader(_Swapping(), references=lambda: ["beta question"])
    view = reader.with_questions(["alpha question"])
    assert view.in_batch("alpha question") and not view.in_batch("beta question")
    assert not reader.in_batch("alpha question")
