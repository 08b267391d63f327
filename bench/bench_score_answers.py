"""Throughput of `score-answers` on one core.

    python bench/bench_score_answers.py

Pins itself to one CPU, scores every distinct answer in evals/data (about 800), and reports answers per
second for the in-process scorer, for the whole CLI (process start included), and the ratio to a
baseline run in the same process (tokenising the same answers), so figures compare across machines.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer.cli import read_jsonl  # noqa: E402
from interviewer.scoring.batch import score_answer_lines  # noqa: E402
from interviewer.scoring.text import words  # noqa: E402


def sample() -> list[dict]:
    """Every distinct (question, answer) in evals/data: no repeats, so no cache flatters us."""
    data = ROOT / "evals" / "data"

    def rows(name: str) -> list[dict]:
        return [json.loads(x) for x in (data / name).read_text().splitlines() if x.strip()]

    pairs = [(r["question"], r["answer"]) for n in ("dev.jsonl", "test.jsonl") for r in rows(n)]
    pairs += [(r["question"], r["answer"]) for r in rows("offtopic.jsonl")]
    pairs += [(r["question"], r[k]) for r in rows("pairs.jsonl") for k in ("specific", "generic")]
    pairs += [
        (r["question"], v)
        for r in rows("gaming.jsonl")
        for v in [r["answer"], *r["variants"].values()]
    ]
    unique = list(dict.fromkeys(pairs))
    return [{"id": i, "question": q, "answer": a} for i, (q, a) in enumerate(unique)]


def main() -> int:
    argparse.ArgumentParser(description=__doc__).parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    items = sample()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answers.jsonl"
        path.write_text("\n".join(json.dumps(x) for x in items) + "\n")
        rows = read_jsonl(str(path))
        from interviewer.scoring.relevance import _SIMILARITY, prefetch

        prefetch([("warm up", "the embedding model")])  # load the model outside the timing
        _SIMILARITY.clear()

        start = time.perf_counter()
        for _ in range(3):
            for r in rows:
                words(r[1]["question"] + " " + r[1]["answer"])
        baseline = (time.perf_counter() - start) / 3

        runs = []
        for _ in range(5):  # the first run is cold (stemmer cache); report it and the median
            _SIMILARITY.clear()
            start = time.perf_counter()
            out = list(score_answer_lines(rows))
            runs.append(time.perf_counter() - start)
        assert len(out) == len(rows) and all("overall" in o for o in out)
        cold, scoring = runs[0], statistics.median(runs)

        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        start = time.perf_counter()
        cmd = [sys.executable, "-m", "interviewer", "score-answers", str(path)]
        if hasattr(os, "sched_setaffinity"):
            cmd = ["taskset", "-c", "0", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
        cli = time.perf_counter() - start

    n = len(rows)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; pinned to 1 core"
    )
    print(f"answers: {n} (mean {sum(len(x['answer']) for x in items) / n:.0f} chars)")
    print(
        f"in-process scoring, median of 5: {n / scoring:,.0f} answers/s ({scoring / n * 1000:.2f} ms each)"
    )
    print(f"in-process scoring, first (cold) run: {n / cold:,.0f} answers/s")
    print(f"whole CLI incl. start-up: {n / cli:,.0f} answers/s ({cli:.2f} s)")
    print(f"ratio to tokenising baseline (same process): {scoring / baseline:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
