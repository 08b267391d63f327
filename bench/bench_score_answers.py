"""Throughput of `score-answers` on one core.

    python bench/bench_score_answers.py [--n 2000]

Pins itself to one CPU, scores N answers drawn from evals/data (cycled), and reports answers per
second for the in-process scorer, for the whole CLI (process start included), and the ratio to a
baseline run in the same process (tokenising the same answers), so figures compare across machines.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer.cli import read_jsonl  # noqa: E402
from interviewer.scoring.batch import score_answer_lines  # noqa: E402
from interviewer.scoring.text import words  # noqa: E402


def sample(n: int) -> list[dict]:
    rows = []
    for name in ("dev.jsonl", "test.jsonl"):
        path = ROOT / "evals" / "data" / name
        rows += [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
    return [
        {"id": i, "question": r["question"], "answer": r["answer"]}
        for i, r in enumerate(islice(cycle(rows), n))
    ]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    items = sample(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answers.jsonl"
        path.write_text("\n".join(json.dumps(x) for x in items) + "\n")
        rows = read_jsonl(str(path))
        list(score_answer_lines(rows[:50]))  # warm caches (stemmer, regexes)

        start = time.perf_counter()
        for _ in range(3):
            for r in rows:
                words(r[1]["question"] + " " + r[1]["answer"])
        baseline = (time.perf_counter() - start) / 3

        start = time.perf_counter()
        out = list(score_answer_lines(rows))
        scoring = time.perf_counter() - start
        assert len(out) == len(rows) and all("overall" in o for o in out)

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
    print(f"in-process scoring: {n / scoring:,.0f} answers/s ({scoring / n * 1000:.2f} ms each)")
    print(f"whole CLI incl. start-up: {n / cli:,.0f} answers/s ({cli:.2f} s)")
    print(f"ratio to tokenising baseline (same process): {scoring / baseline:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
