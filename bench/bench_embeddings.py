"""Embedding throughput: MiniLM on onnxruntime and in numpy, against the hash baseline, in one
process.

Run: ``.venv/bin/python bench/bench_embeddings.py``. Prints model load time, texts/second for 300
question-length texts and for 100 answer openings (240 characters, what the off-topic check
embeds), and single-query latency, each on one thread and on all cores, so a change to the
forward pass shows its cost. The numpy runtime is the baseline of the same run; their vectors
are compared too (largest difference of any component).
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


def answer_openings(n: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    words = " ".join(SUBJECTS + OPENERS).split()
    return [" ".join(rng.choice(words) for _ in range(60))[:240] for _ in range(n)]


def main() -> None:
    from threadpoolctl import threadpool_limits

    from interviewer.embeddings import HashEmbedder, MiniLMEmbedder

    texts = question_texts(300)
    openings = answer_openings(100)
    query = "keeping credentials safe on a cluster"
    hashed = HashEmbedder()
    runtimes = {}
    for name in ("numpy", "onnx"):
        embedder = MiniLMEmbedder(runtime=name)
        start = time.perf_counter()
        model = embedder._loaded()
        runtimes[name] = (embedder, time.perf_counter() - start)
    tokens = [len(e.ids) for e in model.tokenizer.encode_batch(texts)]
    print(f"questions: {len(texts)}, tokens per text: mean {statistics.mean(tokens):.1f}")
    diff = abs(runtimes["onnx"][0].embed(texts) - runtimes["numpy"][0].embed(texts)).max()
    print(f"onnx vs numpy vectors: largest component difference {diff:.1e}")
    rows = []
    for cores in (1, 2):
        label = "1 thread" if cores == 1 else "2 threads"
        fast = MiniLMEmbedder(runtime="onnx", threads=cores)
        fast._loaded()
        runtimes["onnx"] = (fast, runtimes["onnx"][1])
        for name, (embedder, load_s) in runtimes.items():
            with threadpool_limits(cores):  # numpy's BLAS threads; onnxruntime's are its own
                rows.append(
                    (
                        label,
                        name,
                        load_s,
                        throughput(embedder.embed, texts),
                        throughput(embedder.embed, openings),
                        latency_ms(embedder.embed, query),
                    )
                )
    print(
        f"{'threads':10} {'runtime':8} {'load s':>7} {'questions/s':>12} {'openings/s':>11} {'query ms':>9}"
    )
    base = {r[0]: r for r in rows if r[1] == "numpy"}
    for label, name, load_s, q_tps, o_tps, lat in rows:
        ratio = o_tps / base[label][4]
        print(
            f"{label:10} {name:8} {load_s:7.2f} {q_tps:12.1f} {o_tps:11.1f} {lat:9.2f}"
            f"   ({ratio:.2f}x numpy on openings)"
        )
    h_tps = throughput(hashed.embed, texts)
    print(
        f"hash baseline: {h_tps:.1f} questions/s, single query {latency_ms(hashed.embed, query):.2f} ms"
    )


if __name__ == "__main__":
    main()
