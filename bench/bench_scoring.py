"""Offline scoring throughput: answers per second and transcripts per second, 1 and 2 workers.

    python bench/bench_scoring.py [--quick] [--runs 5] [--transcripts 22]

What it measures:

(a) answers/s of ``interviewer score-answers``' scorer (``score_answer_lines``, as
    bench/bench_score_answers.py times it, which reports the 1-worker in-process figure and the
    whole CLI process): every distinct answer in evals/data (572, the deliberately off-topic and
    gaming sets included) and the 270 rated ones;
(b) transcripts/s of ``InterviewService.score_transcript`` with the offline provider (the offline
    scorecard: every answer read, every rubric criterion scored with quotes, strengths, gaps,
    the next drill) on stored transcripts of simulated interviews, and the candidate answers
    in them per second.

How: ``score-answers`` has no option to use several processes, so "2 workers" here is what a
user can do today: split the input in two halves and score each in its own process. Both
figures run in a pool of worker processes (spawned, each pinned to its own core, one BLAS thread,
the bank and MiniLM loaded and the bank's question vectors warmed before any timing); a run sends
each worker its share at once, and every worker clears its reader's caches (stems, subjects,
MiniLM vectors of answers, similarities) before scoring, so no run is flattered by an earlier
one. The time is the wall time from sending the work to the last result, median of ``--runs``.
The 1-worker pool is the baseline of the same run; the 2-worker speed-up is given against it.
The transcripts are made in set-up by ``InterviewService`` (offline provider, hash store, a temp
home): sessions over all 11 personas, each question answered with the eval answers to the eval
question sharing most words with it (as bench_budget.py picks them), each answer prefixed with
"At company N: " (N the transcript's number) so that no two transcripts share an answer and a
worker's caches never hold another transcript's work.

With 2 workers the second core is shared with whatever else runs on this machine (the load
average is printed), so the 2-worker figure is a lower bound of what two free cores give.

Target (the issue): >= 500 answers/s. Writes bench/results/bench_scoring.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchlib import (  # noqa: E402
    PERSONAS,
    command_line,
    machine,
    machine_line,
    table,
    write_results,
)

TARGET = 500.0  # answers/s

# -- worker processes -------------------------------------------------------------------------------
_STATE: dict[str, Any] = {}


def _init(cores: list[int], counter, home: str) -> None:
    """Pin to a core of its own, load the bank and MiniLM, warm the bank's question vectors."""
    with counter.get_lock():
        index = counter.value
        counter.value += 1
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cores[index % len(cores)]})
    os.environ.update(INTERVIEWER_HOME=home, INTERVIEWER_PROVIDER="offline")
    os.environ["INTERVIEWER_EMBEDDER"] = "hash"
    from interviewer.service import InterviewService

    service = InterviewService()
    service.reader.prefetch([("warm up", "the embedding model")])
    service.reader.warm_references()
    _STATE["service"] = service


def _score_answers(rows: list) -> tuple[int, float]:
    """(answers scored, CPU seconds this worker spent on them)."""
    from interviewer.scoring.batch import score_answer_lines

    reader = _STATE["service"].reader
    reader.clear()
    cpu = time.process_time()
    out = list(score_answer_lines(rows, reader=reader))
    cpu = time.process_time() - cpu
    if len(out) != len(rows) or not all("overall" in o for o in out):
        raise RuntimeError("an answer was not scored")
    return len(out), cpu


def _score_transcripts(payloads: list[str]) -> tuple[int, float]:
    """(transcripts scored, CPU seconds this worker spent on them)."""
    from interviewer.models import Transcript

    service = _STATE["service"]
    transcripts = [Transcript.model_validate_json(p) for p in payloads]
    service.reader.clear()
    cpu = time.process_time()
    for t in transcripts:
        card = service.score_transcript(t)
        if not card.criteria:
            raise RuntimeError(f"no criteria scored for {t.id}")
    return len(transcripts), time.process_time() - cpu


def _ping(_: int) -> int:
    return os.getpid()


class Pool:
    """``workers`` spawned processes, each on its own core where there are enough."""

    def __init__(self, workers: int, cores: list[int], home: str) -> None:
        ctx = mp.get_context("spawn")
        self.workers = workers
        counter = ctx.Value("i", 0)
        self.pool = ctx.Pool(workers, initializer=_init, initargs=(cores, counter, home))
        # make sure every worker has finished its set-up before anything is timed
        while len(set(self.pool.map(_ping, range(workers * 4), chunksize=1))) < workers:
            pass

    def run(self, func, items: list) -> tuple[float, float]:
        """(wall seconds, the busiest worker's CPU seconds) to process ``items`` split in
        ``workers`` contiguous shares."""
        size = -(-len(items) // self.workers)
        shares = [items[i : i + size] for i in range(0, len(items), size)]
        t0 = time.perf_counter()
        results = self.pool.map(func, shares, chunksize=1)
        wall = time.perf_counter() - t0
        if sum(n for n, _ in results) != len(items):
            raise RuntimeError("the workers did not process every item")
        return wall, max(cpu for _, cpu in results)

    def close(self) -> None:
        self.pool.close()
        self.pool.join()


# -- set-up: the inputs -----------------------------------------------------------------------------
def answer_rows() -> dict[str, list]:
    """The two inputs of bench_score_answers.py, parsed as ``score-answers`` parses a file."""
    from bench_score_answers import samples

    from interviewer.cli.io import read_jsonl

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, items in samples().items():
            path = Path(tmp) / f"{name}.jsonl"
            path.write_text("\n".join(json.dumps(x) for x in items) + "\n")
            out[name] = read_jsonl(str(path))
    return out


def make_transcripts(home: str, count: int, answers: int) -> list[str]:
    """``count`` finished interviews of ``answers`` answers, as transcript JSON."""
    from bench_budget import answer_for, answer_pools

    os.environ.update(
        INTERVIEWER_HOME=home, INTERVIEWER_PROVIDER="offline", INTERVIEWER_EMBEDDER="hash"
    )
    from interviewer.service import InterviewService

    service = InterviewService()
    pools = answer_pools()
    out = []
    for number in range(count):
        persona = PERSONAS[number % len(PERSONAS)]
        session_id, turns = service.start(persona=persona, time_box=180)
        asked: dict[str, int] = {}
        for _ in range(answers):
            qid = turns[-1].question_id if turns else None
            question = service.bank.question(qid).text if qid else None
            # the eval answer, made this transcript's own (no two transcripts share an answer,
            # so no worker's cache holds another's work)
            text = f"At company {number}: " + answer_for(pools, question, asked.get(qid or "", 0))
            asked[qid or ""] = asked.get(qid or "", 0) + 1
            turns = service.reply(session_id, text)
            if not turns:
                break
        service.end(session_id)
        out.append(service.get(session_id).model_dump_json())
    service.reader.warm_references()  # leaves the bank's question vectors in home/cache
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 runs, fewer transcripts")
    parser.add_argument("--runs", type=int, help="timed runs per figure (default 5)")
    parser.add_argument("--transcripts", type=int, help="transcripts to score (default 22)")
    parser.add_argument("--answers", type=int, default=8, help="answers per transcript")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    runs = args.runs or (2 if args.quick else 5)
    count = args.transcripts or (11 if args.quick else 22)
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]

    info = machine()
    print(machine_line(info))
    with tempfile.TemporaryDirectory(prefix="bench-scoring-") as home:
        t0 = time.perf_counter()
        rows = answer_rows()
        transcripts = make_transcripts(home, count, args.answers)
        n_answers = sum(
            sum(1 for t in json.loads(p)["turns"] if t["role"] == "candidate") for p in transcripts
        )
        print(
            f"set-up {time.perf_counter() - t0:.1f} s: {len(transcripts)} transcripts "
            f"({n_answers} candidate answers) simulated offline; answers: "
            + ", ".join(f"{k} {len(v)}" for k, v in rows.items())
        )
        medians: dict[tuple[str, int], float] = {}
        cpu_medians: dict[tuple[str, int], float] = {}
        all_runs: dict[str, list[float]] = {}
        for workers in (1, 2):
            pool = Pool(workers, cores, home)
            try:
                for name, items in [*rows.items(), ("transcripts", transcripts)]:
                    func = _score_transcripts if name == "transcripts" else _score_answers
                    timed = [pool.run(func, items) for _ in range(runs)]
                    medians[(name, workers)] = statistics.median(w for w, _ in timed)
                    cpu_medians[(name, workers)] = statistics.median(c for _, c in timed)
                    all_runs[f"{name}/{workers}"] = [round(w, 4) for w, _ in timed]
            finally:
                pool.close()

    sizes = {**{k: len(v) for k, v in rows.items()}, "transcripts": len(transcripts)}
    results: dict[str, Any] = {}
    table_rows = []
    for name in [*rows, "transcripts"]:
        for workers in (1, 2):
            wall = medians[(name, workers)]
            per_s = sizes[name] / wall
            answers_per_s = (n_answers if name == "transcripts" else sizes[name]) / wall
            speedup = medians[(name, 1)] / wall
            cpu = cpu_medians[(name, workers)]
            own_core = (n_answers if name == "transcripts" else sizes[name]) / cpu
            key = f"{name}/{workers}"
            results[key] = {
                "items": sizes[name],
                "workers": workers,
                "median_s": round(wall, 4),
                "runs_s": all_runs[key],
                "per_s": round(per_s, 1),
                "answers_per_s": round(answers_per_s, 1),
                "speedup_vs_1_worker": round(speedup, 2),
                "busiest_worker_cpu_s": round(cpu, 4),
                "answers_per_s_if_each_worker_had_a_core": round(own_core, 1),
            }
            label = {
                "rated": "answers: the 270 rated",
                "all": f"answers: all {sizes['all']} in evals/data",
                "transcripts": f"transcripts: {len(transcripts)} simulated",
            }[name]
            unit = "transcripts/s" if name == "transcripts" else "answers/s"
            table_rows.append(
                [
                    label,
                    workers,
                    wall,
                    f"{per_s:,.1f} {unit}",
                    answers_per_s,
                    f"{speedup:.2f}x",
                    own_core,
                ]
            )
    print(f"\noffline scoring, median of {runs} runs, caches cleared before each run")
    print(
        table(
            [
                "input",
                "workers",
                "median s",
                "throughput",
                "answers/s",
                "vs 1 worker",
                "answers/CPU-s",
            ],
            table_rows,
        )
    )
    print(
        "answers/CPU-s: answers / the busiest worker's CPU seconds, what the run would give if "
        "each worker had a free core (the wall-clock figures share the machine)"
    )
    best = max(v["answers_per_s"] for k, v in results.items() if not k.startswith("transcripts"))
    print(
        f"target: >= {TARGET:.0f} answers/s (score-answers): best measured {best:,.0f} answers/s "
        f"-> {'met' if best >= TARGET else 'MISSED'}"
    )
    write_results(
        "bench_scoring",
        {
            "command": command_line(),
            "machine": info,
            "runs": runs,
            "transcript_answers": n_answers,
            "target_answers_per_s": TARGET,
            "target_met": best >= TARGET,
            "results": results,
        },
        args.json_out,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
