"""Embedding throughput: numpy MiniLM against the hash baseline, in one process.

Run: ``.venv/bin/python bench/bench_embeddings.py``. Prints model load time, texts/second for 300
question-length texts, and single-query latency, so a change to the forward pass shows its cost.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, uninstalled

OPENERS = [
    "Tell me about a time you",
    "How would you design",
    "Walk me through how you would",
    "Why would you choose",
    "Describe the hardest bug you found when you",
    "What trade-offs matter when you",
]
SUBJECTS = [
    "rotate secrets for services running on Kubernetes",
    "build a rate limiter for a public API with thousands of tenants",
    "disagreed with a senior engineer about the architecture of a payments system",
    "debug a memory leak in a long-running Python worker under production load",
    "shard a relational database that has outgrown a single primary",
    "detect data drift in a deployed recommendation model",
    "mentor a junior engineer who keeps missing deadlines",
    "roll out a risky schema migration without downtime",
]
TAILS = [
    "",
    " What would you do differently?",
    " How did you measure the outcome?",
    " Keep it concrete.",
]


def question_texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.choice(OPENERS)} {rng.choice(SUBJECTS)}?{rng.choice(TAILS)}" for _ in range(n)]


def throughput(embed, texts: list[str], repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        embed(texts)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def latency_ms(embed, query: str, runs: int = 30) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        embed([query])
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    from interviewer.embeddings import HashEmbedder, MiniLMEmbedder

    texts = question_texts(300)
    query = "keeping credentials safe on a cluster"
    minilm, hashed = MiniLMEmbedder(), HashEmbedder()
    start = time.perf_counter()
    model = minilm._loaded()
    load_s = time.perf_counter() - start
    tokens = [len(e.ids) for e in model.tokenizer.encode_batch(texts)]

    m_tps = throughput(minilm.embed, texts)
    h_tps = throughput(hashed.embed, texts)
    m_lat = latency_ms(minilm.embed, query)
    h_lat = latency_ms(hashed.embed, query)

    mean_tokens = statistics.mean(tokens)
    print(f"texts: {len(texts)}, tokens per text: mean {mean_tokens:.1f}, max {max(tokens)}")
    print(f"MiniLM model load (first use): {load_s:.2f} s")
    print(f"MiniLM (numpy): {m_tps:8.1f} texts/s   single query {m_lat:6.2f} ms")
    print(f"Hash baseline:  {h_tps:8.1f} texts/s   single query {h_lat:6.2f} ms")
    print(f"hash / MiniLM throughput ratio: {h_tps / m_tps:.1f}x")


if __name__ == "__main__":
    main()
