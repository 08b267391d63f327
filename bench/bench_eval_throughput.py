"""Interviews evaluated per second against a model server that takes 300 ms per request.

    python bench/bench_eval_throughput.py [--quick] [--interviews 3] [--latency 0.3]

What it measures: whole simulated interviews (``InterviewService.simulate``: start, a fixed list
of five answers, end, the scorecard) per second, with provider ``openai`` talking HTTP to a local
OpenAI-compatible stub server that answers every request after 300 ms (streamed wording and the
judge's structured verdict alike), at concurrency 1, 8 and 32.

How: the stub is tests/llm_stub.py (imported, not changed) run in a child process of this script,
so its HTTP handling does not share this process's interpreter lock. Its default reply is a
short streamed question for wording requests and a valid judge verdict (every criterion of the
behavioural rubric, level 3, no quotes) for requests with a ``response_format``, both after the
delay. One ``InterviewService`` (thread-safe) in a temporary INTERVIEWER_HOME is shared by
``concurrency`` threads, each running ``--interviews`` interviews one after the other
(``OPENAI_BASE_URL`` at the stub, a dummy key, the product's MiniLM store, SQLite). A first
interview warms everything up (bank, store, tiktoken, the reader) and counts the model calls one
interview makes (at the stub); it is not timed. Each level is timed from the first thread's
start to the last interview's end. The CPU time this process used per interview is reported too,
since the work that is not waiting on the server runs under one interpreter lock.

Ideal throughput at concurrency c = c / (model calls per interview x 300 ms): what the server's
latency alone allows. The figure reported is measured / ideal.

Target (the issue): >= 80% of ideal at concurrency 32. Writes
bench/results/bench_eval_throughput.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchlib import (  # noqa: E402
    command_line,
    machine,
    machine_line,
    percentile,
    table,
    write_results,
)

PERSONA = "behavioural"
LEVELS = (1, 8, 32)
TARGET = 0.80  # of ideal, at concurrency 32
WORDING = "Thanks. What did you measure first, and what did the numbers show?"
ANSWERS = [
    "At my last company I owned the billing service. One night p99 latency rose from 120 ms to "
    "2 s after a deploy; I rolled back within five minutes and then found an N+1 query myself.",
    "I fixed the query with a join and added a query-count check to CI, because a cache would "
    "only have hidden the problem and served stale invoices.",
    "We watched it on Grafana for a week: errors fell from 3% to 0.1% and p99 went back to "
    "110 ms. I wrote the postmortem and shared it with the other two backend teams.",
    "Looking back I would have load-tested the change before release; now my team replays a "
    "sample of real traffic against every release candidate, which I set up in Jenkins.",
    "When a teammate disagreed with the rollback I showed her the error budget burn rate and we "
    "agreed on a rule: roll back first, debug second, and write down what we saw.",
]


# -- the stub server, in a child process -------------------------------------------------------------
def serve_stub(latency: float, criteria: list[str]) -> int:
    """Run tests/llm_stub.py's server; print its URL; answer 'count' lines with the number of
    requests received; stop at end of input."""
    sys.path.insert(0, str(ROOT / "tests"))
    from llm_stub import LLMStub, Received, Reply

    verdict = {
        "criteria": [
            {"id": cid, "level": 3, "quotes": [], "rationale": "Stub judge: a fixed level."}
            for cid in criteria
        ],
        "accuracy_concerns": [],
    }
    text, judged = Reply.text(WORDING).after(latency), Reply.json(verdict).after(latency)

    def reply(received: Received) -> Reply:
        body = received.body if isinstance(received.body, dict) else {}
        return judged if body.get("response_format") else text

    stub = LLMStub(default=reply).start()
    print(stub.openai_url, flush=True)
    for line in sys.stdin:
        if line.strip() == "count":
            print(len(stub.requests), flush=True)
    stub.close()
    return 0


class Stub:
    """The stub server's child process."""

    def __init__(self, latency: float, criteria: list[str]) -> None:
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--serve-stub",
            json.dumps(criteria),
            "--latency",
            str(latency),
        ]
        self.process = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        assert self.process.stdout is not None and self.process.stdin is not None
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http"):
            raise SystemExit(f"the stub server did not start: {self.url!r}")

    def count(self) -> int:
        assert self.process.stdout is not None and self.process.stdin is not None
        self.process.stdin.write("count\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# -- the benchmark -----------------------------------------------------------------------------------
def interview(service) -> dict[str, Any]:
    """One whole simulated interview; what happened in it."""
    t0 = time.perf_counter()
    transcript, card = service.simulate(ANSWERS, persona=PERSONA)
    seconds = time.perf_counter() - t0
    interviewer = [t for t in transcript.turns if t.role == "interviewer"]
    return {
        "seconds": seconds,
        "turns": len(interviewer),
        "fallbacks": sum("provider_fallback" in t.notes for t in interviewer),
        "judged": not str(card.judge or "").startswith("offline"),
    }


def level(service, stub: Stub, concurrency: int, per_thread: int) -> dict[str, Any]:
    """``concurrency`` threads, each running ``per_thread`` interviews; timed as a whole."""
    results: list[dict[str, Any]] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(concurrency + 1)

    def worker() -> None:
        barrier.wait()
        for _ in range(per_thread):
            try:
                row = interview(service)
            except Exception as exc:  # noqa: BLE001 - recorded, the run goes on
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                results.append(row)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    calls_before = stub.count()
    cpu0 = time.process_time()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    calls = stub.count() - calls_before
    done = len(results)
    seconds = [r["seconds"] for r in results]
    return {
        "concurrency": concurrency,
        "interviews": done,
        "errors": errors[:5],
        "error_count": len(errors),
        "wall_s": round(wall, 3),
        "throughput_per_s": round(done / wall, 3) if wall else None,
        "model_calls": calls,
        "calls_per_interview": round(calls / done, 2) if done else None,
        "interview_p50_s": round(percentile(seconds, 50), 3) if seconds else None,
        "interview_p95_s": round(percentile(seconds, 95), 3) if seconds else None,
        "cpu_s_per_interview": round(cpu / done, 3) if done else None,
        "cpu_busy_fraction": round(cpu / wall, 2) if wall else None,
        "fallback_turns": sum(r["fallbacks"] for r in results),
        "judge_fallbacks": sum(not r["judged"] for r in results),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one interview per thread")
    parser.add_argument("--interviews", type=int, help="interviews per thread (default 3)")
    parser.add_argument("--latency", type=float, default=0.3, help="stub seconds per request")
    parser.add_argument(
        "--concurrency", default=",".join(map(str, LEVELS)), help="comma-separated levels"
    )
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--serve-stub", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_stub is not None:
        return serve_stub(args.latency, json.loads(args.serve_stub))
    per_thread = args.interviews or (1 if args.quick else 3)
    levels = [int(x) for x in args.concurrency.split(",")]

    info = machine()
    print(machine_line(info))
    with tempfile.TemporaryDirectory(prefix="bench-eval-") as home:
        from interviewer.bank import load_bank
        from interviewer.scoring.llm_judge import ACCURACY_ID

        bank = load_bank(ROOT)
        rubric = bank.rubric_for(bank.persona(PERSONA))
        stub = Stub(args.latency, [c.id for c in rubric.criteria] + [ACCURACY_ID])
        try:
            for var in [v for v in os.environ if v.startswith("INTERVIEWER_")]:
                del os.environ[var]
            os.environ.update(
                INTERVIEWER_HOME=home,
                INTERVIEWER_PROVIDER="openai",
                INTERVIEWER_EMBEDDER="minilm",
                OPENAI_BASE_URL=stub.url,
                OPENAI_API_KEY="sk-bench-dummy-key",
            )
            from interviewer.service import InterviewService

            service = InterviewService()
            t0 = time.perf_counter()
            service.open_store(progress=False)
            before = stub.count()
            warm = interview(service)
            calls = stub.count() - before
            setup = time.perf_counter() - t0
            if warm["fallbacks"] or not warm["judged"]:
                raise SystemExit(f"the warm-up interview fell back to offline wording: {warm}")
            print(
                f"stub: {stub.url}, {args.latency * 1000:.0f} ms per request; provider openai; "
                f"persona {PERSONA}, {len(ANSWERS)} answers; {calls} model calls per interview "
                f"({warm['turns']} worded turns + the judge); set-up and warm-up {setup:.1f} s"
            )
            rows, results = [], []
            for c in levels:
                print(f"concurrency {c}: {c * per_thread} interviews...", flush=True)
                r = level(service, stub, c, per_thread)
                ideal = c / (calls * args.latency)
                r["ideal_per_s"] = round(ideal, 3)
                r["percent_of_ideal"] = round(100 * r["throughput_per_s"] / ideal, 1)
                if c == 32:
                    r["target_met"] = r["percent_of_ideal"] >= TARGET * 100
                results.append(r)
                rows.append(
                    [
                        c,
                        r["interviews"],
                        r["wall_s"],
                        r["throughput_per_s"],
                        ideal,
                        f"{r['percent_of_ideal']:.0f}%",
                        r["interview_p50_s"],
                        r["interview_p95_s"],
                        r["cpu_s_per_interview"],
                        r["cpu_busy_fraction"],
                        r["error_count"] + r["fallback_turns"] + r["judge_fallbacks"],
                    ]
                )
        finally:
            stub.close()

    print(
        f"\nwhole interviews per second, {calls} model calls of {args.latency * 1000:.0f} ms each"
    )
    print(
        table(
            [
                "concurrency",
                "interviews",
                "wall s",
                "per s",
                "ideal per s",
                "of ideal",
                "p50 s",
                "p95 s",
                "CPU s each",
                "CPU busy",
                "errors",
            ],
            rows,
        )
    )
    print(
        "ideal = concurrency / (model calls x latency); p50/p95: one interview's wall time; "
        "CPU s each: this process's CPU time per interview; CPU busy: CPU s / wall s (1.0 = one "
        "core); errors: failed interviews + turns that fell back to offline wording + judge "
        "fallbacks"
    )
    top = next((r for r in results if r["concurrency"] == 32), None)
    if top is not None:
        verdict = "met" if top["target_met"] else "MISSED"
        print(
            f"target: >= {TARGET:.0%} of ideal at concurrency 32: {top['percent_of_ideal']:.0f}% "
            f"-> {verdict}"
        )
    write_results(
        "bench_eval_throughput",
        {
            "command": command_line(),
            "machine": info,
            "latency_s": args.latency,
            "persona": PERSONA,
            "answers": len(ANSWERS),
            "model_calls_per_interview": calls,
            "interviews_per_thread": per_thread,
            "target_percent_of_ideal_at_32": TARGET * 100,
            "levels": results,
        },
        args.json_out,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
