"""Parallel embedding for ``interviewer ingest --workers N``.

Workers are spawned processes (no forked threads or locks), each loading the embedder once;
they take (index, texts) jobs from a queue and the parent yields results in order, so the store
writes chunk by chunk and an interrupted ingest resumes. No module-level state.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from interviewer.chroma_embeddings import get_embedder
from interviewer.errors import StoreError


def embed_in_processes(embedder_name: str, chunks: list[list[str]], workers: int) -> Iterator[Any]:
    """Vectors per chunk of texts, in order, embedded by ``workers`` spawned processes
    (MiniLM is CPU-bound: one BLAS thread each), while the caller writes what is done.
    Raises StoreError when a worker fails or they all stop."""
    import multiprocessing
    import queue

    ctx = multiprocessing.get_context("spawn")  # no forked threads or locks
    jobs, results = ctx.Queue(), ctx.Queue()
    procs = [
        ctx.Process(target=_embed_loop, args=(embedder_name, jobs, results), daemon=True)
        for _ in range(workers)
    ]
    for proc in procs:
        proc.start()
    try:
        for job in enumerate(chunks):
            jobs.put(job)
        for _ in procs:
            jobs.put(None)
        done: dict[int, Any] = {}
        for want in range(len(chunks)):
            while want not in done:  # results arrive in any order; yield them in order
                try:
                    index, vectors, error = results.get(timeout=5)
                except queue.Empty:
                    if not any(p.is_alive() for p in procs):
                        raise StoreError("the ingest workers stopped unexpectedly") from None
                    continue
                if error is not None:
                    raise StoreError(f"an ingest worker failed to embed: {error}")
                done[index] = vectors
            yield done.pop(want)
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
            proc.join(timeout=5)


def _embed_loop(embedder_name: str, jobs: Any, results: Any) -> None:
    """An ingest worker process: embeds (index, texts) jobs until it gets None."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    embed = get_embedder(embedder_name).embed  # loaded once per worker
    while (job := jobs.get()) is not None:
        index, texts = job
        try:
            results.put((index, embed(texts), None))
        except Exception as exc:  # reported by the parent, which stops the ingest
            results.put((index, None, f"{type(exc).__name__}: {exc}"))
