"""Per-turn overhead of the interview service on question banks of 1k, 10k (and 100k) questions.

    python bench/bench_turns.py [--quick] [--sizes 1000,10000,100000] [--timeout 900]

What it measures: the latency of ``InterviewService.reply()`` (p50/p95) with a zero-latency
model, so every millisecond is the service's own overhead (reading the answer, deciding the next
move, building the wording prompt, two committed SQLite writes). The model is
``interviewer.providers.ScriptedProvider`` fed one callable output per turn that returns the
engine's draft at once (no sleep, no network); the offline provider would do the same work.

How: for each bank size, a child process (pinned to one core, one BLAS thread) generates a
synthetic bank in a temporary content dir: the real personas/ and rubrics/, and N questions made
from the real 347 (the first 347 are the real ones, the rest copies with a numbered variant
suffix in the text and id), so they spread over the 11 personas as the real bank does. It loads
the bank, builds the Chroma store (ingest), embeds the bank's questions for the answer reader's
relative off-topic test (``Reader.warm_references``; it always uses MiniLM, whatever
INTERVIEWER_EMBEDDER says), all timed as set-up. Then sessions over every persona (time box 180
minutes), each answered with the eval answers (evals/data) to the eval question sharing most
words with the question asked (as bench_budget.py does). After each reply, the baseline in the
same run: a raw Chroma ``collection.query`` (n_results=5, the answer's vector computed outside
the timing) on the same store, and the product's ``store.search(answer, k=5)`` (MiniLM embedding
of the answer plus the query).

Store embedder: MiniLM (the product default) up to 10k questions; above that the hash embedder
(INTERVIEWER_EMBEDDER=hash), because MiniLM ingests about 135 questions/s on one core here (100k:
about 12 minutes, on top of the reader's own 12 minutes of MiniLM for the same texts). The table
says which was used; ``--embedder`` forces one.

A size that fails or runs past ``--timeout`` seconds is recorded as failed with its error (and
the stage it reached) and the script goes on. At 100k today the bank takes ~115 s to parse and
Chroma's ``get()`` of every id fails above 32,766 ids ("too many SQL variables"): issue 11.

Target (the issue): p95 of ``reply`` <= 15 ms at 1k questions and <= 30 ms at 100k.
Writes bench/results/bench_turns.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# One core means one BLAS thread too (two threads time-sharing one core only add overhead).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchlib import (  # noqa: E402
    PERSONAS,
    command_line,
    machine,
    machine_line,
    pin_to_one_core,
    summary_ms,
    table,
    write_results,
)

TARGETS_MS = {1_000: 15.0, 100_000: 30.0}  # p95 of reply, from the issue
MINILM_UP_TO = 10_000  # store embedder "auto": MiniLM up to this many questions, hash above
FILE_SIZE = 2_000  # questions per generated YAML file


def target_for(size: int) -> float | None:
    """The issue's p95 target for a bank size: 15 ms at 1k, 30 ms at 100k, none for others."""
    return TARGETS_MS.get(size)


# -- the synthetic bank -----------------------------------------------------------------------------
def write_bank(content: Path, size: int) -> dict[str, int]:
    """personas/ and rubrics/ copied from the repository, ``size`` questions generated from the
    real ones; returns how many questions each kind got."""
    import yaml

    from interviewer.bank import load_bank

    real = list(load_bank(ROOT).questions.values())
    shutil.copytree(ROOT / "personas", content / "personas")
    shutil.copytree(ROOT / "rubrics", content / "rubrics")
    (content / "questions").mkdir(parents=True)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for i in range(size):
        q = real[i % len(real)]
        item = q.model_dump(mode="json", exclude={"personas"}, exclude_defaults=True)
        if i >= len(real):  # a copy: its own id and a text that differs in a few words
            item["id"] = f"{q.id}-v{i}"
            item["text"] = f"{q.text} (Variant {i} of this question.)"
        by_kind.setdefault(q.kind, []).append(item)
    for kind, items in by_kind.items():
        for start in range(0, len(items), FILE_SIZE):
            path = content / "questions" / f"{kind}-{start // FILE_SIZE:03d}.yaml"
            chunk = {"questions": items[start : start + FILE_SIZE]}
            path.write_text(yaml.safe_dump(chunk, sort_keys=False, allow_unicode=True))
    return {kind: len(items) for kind, items in by_kind.items()}


# -- one size, in a child process -------------------------------------------------------------------
class Stages:
    """Set-up stage timings, written to a file after each stage so a killed child leaves them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp: str | None = None  # the child's temporary folder, removed by the parent if killed
        self.done: dict[str, float] = {}
        self.current = "starting"
        self._t0 = time.perf_counter()
        self._flush()

    def begin(self, name: str) -> None:
        self.current = name
        self._t0 = time.perf_counter()
        self._flush()

    def end(self) -> float:
        seconds = time.perf_counter() - self._t0
        self.done[self.current] = round(seconds, 3)
        self.current = "between stages"
        self._flush()
        return seconds

    def _flush(self) -> None:
        state = {"done": self.done, "current": self.current, "tmp": self.tmp}
        self.path.write_text(json.dumps(state))


def run_size(size: int, embedder: str, sessions: int, answers: int, stages: Stages) -> dict:
    """Everything for one bank size; returns the result record (status "ok")."""
    from bench_budget import answer_for, answer_pools
    from bench_service import CountingEmbed

    with tempfile.TemporaryDirectory(prefix=f"bench-turns-{size}-") as tmp:
        stages.tmp = tmp
        content, home = Path(tmp) / "content", Path(tmp) / "home"
        os.environ["INTERVIEWER_HOME"] = str(home)
        os.environ["INTERVIEWER_CONTENT_DIR"] = str(content)
        os.environ["INTERVIEWER_EMBEDDER"] = embedder
        os.environ["INTERVIEWER_PROVIDER"] = "offline"  # the settings' name; the service gets
        for var in ("INTERVIEWER_DATABASE_URL", "INTERVIEWER_STORE_PATH"):  # the scripted one
            os.environ.pop(var, None)

        stages.begin("generate the bank (YAML)")
        kinds = write_bank(content, size)
        stages.end()

        from interviewer.providers import ScriptedProvider
        from interviewer.service import InterviewService

        provider = ScriptedProvider()
        service = InterviewService(provider=provider)

        def draft(prompt) -> str:  # the zero-latency model: the engine's own draft, at once
            return prompt.draft or "Tell me more."

        stages.begin("parse the bank")
        bank = service.bank
        stages.end()
        if len(bank.questions) != size:
            raise SystemExit(f"the bank has {len(bank.questions)} questions, not {size}")
        stages.begin("load MiniLM")
        service.minilm.embed(["warm up"])
        stages.end()
        stages.begin(f"ingest the store ({embedder})")
        store = service.open_store(progress=False)
        stages.end()
        stages.begin("reader: embed the bank's questions (MiniLM)")
        service.reader.warm_references()
        stages.end()

        pools = answer_pools()
        counter = CountingEmbed(service.minilm)  # counts MiniLM forward passes during replies
        embedded: list[float] = []  # replies that ran MiniLM (the relative off-topic check)
        plain: list[float] = []  # replies that did not
        collection = store._questions  # the raw Chroma collection behind the store
        replies: list[float] = []
        starts: list[float] = []
        queries: list[float] = []
        searches: list[float] = []
        kinds_seen: dict[str, int] = {}
        sessions_run = 0
        stages.begin("sessions (timed)")
        for number in range(sessions):
            persona = PERSONAS[number % len(PERSONAS)]
            done = 0
            while done < answers:
                provider.enqueue([draft])
                t0 = time.perf_counter()
                session_id, out = service.start(persona=persona, time_box=180)
                starts.append(time.perf_counter() - t0)
                sessions_run += 1
                asked: dict[str, int] = {}
                while done < answers:
                    qid = out[-1].question_id if out else None
                    question = bank.question(qid).text if qid else None
                    text = answer_for(pools, question, asked.get(qid or "", 0))
                    asked[qid or ""] = asked.get(qid or "", 0) + 1
                    provider.enqueue([draft])
                    calls = counter.calls
                    t0 = time.perf_counter()
                    out = service.reply(session_id, text)
                    seconds = time.perf_counter() - t0
                    replies.append(seconds)
                    (embedded if counter.calls > calls else plain).append(seconds)
                    done += 1
                    vector = list(store._ef.embed([text]))
                    t0 = time.perf_counter()
                    collection.query(
                        query_embeddings=vector,
                        n_results=5,
                        include=["metadatas", "documents", "distances"],
                    )
                    queries.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    store.search(text, k=5)
                    searches.append(time.perf_counter() - t0)
                    if not out:  # the interview closed: go on in a new one
                        break
                    kinds_seen[out[-1].kind] = kinds_seen.get(out[-1].kind, 0) + 1
                provider.history.clear()
        stages.end()

        reply, query = summary_ms(replies), summary_ms(queries)
        target = target_for(size)
        return {
            "size": size,
            "status": "ok",
            "embedder": embedder,
            "questions_per_kind": kinds,
            "store_count": store.count(),
            "setup_s": dict(stages.done),
            "sessions": sessions_run,
            "reply": reply,
            "reply_with_minilm": summary_ms(embedded),
            "reply_without_minilm": summary_ms(plain),
            "start": summary_ms(starts),
            "chroma_query": query,
            "store_search": summary_ms(searches),
            "ratio_reply_to_query": {
                "p50": round(reply["p50_ms"] / query["p50_ms"], 3),
                "p95": round(reply["p95_ms"] / query["p95_ms"], 3),
            },
            "reply_kinds": kinds_seen,
            "target_p95_ms": target,
            "target_met": None if target is None else reply["p95_ms"] <= target,
        }


def child(args: argparse.Namespace) -> int:
    core = pin_to_one_core()
    stages = Stages(Path(args.progress))
    result = run_size(args.child, args.embedder, args.sessions, args.answers, stages)
    result["core"] = core
    Path(args.out).write_text(json.dumps(result))
    return 0


# -- the parent: one child per size -----------------------------------------------------------------
def measure(size: int, args: argparse.Namespace, embedder: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-turns-run-") as tmp:
        out, progress = Path(tmp) / "out.json", Path(tmp) / "progress.json"
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            str(size),
            "--embedder",
            embedder,
            "--sessions",
            str(args.sessions),
            "--answers",
            str(args.answers),
            "--out",
            str(out),
            "--progress",
            str(progress),
        ]
        start = time.perf_counter()
        error = None
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
            if proc.returncode != 0:
                tail = [x for x in (proc.stderr or proc.stdout).strip().splitlines() if x.strip()]
                how = f"exit {proc.returncode}"
                if proc.returncode < 0:  # ended by a signal (not this script's timeout)
                    how = f"killed by {signal.Signals(-proc.returncode).name}"
                error = f"{how}: " + (tail[-1] if tail else "(no output)")
        except subprocess.TimeoutExpired:
            error = f"timed out after {args.timeout:.0f} s"
        elapsed = time.perf_counter() - start
        if error is None and out.exists():
            return {**json.loads(out.read_text()), "wall_s": round(elapsed, 1)}
        stage: dict[str, Any] = {}
        if progress.exists():
            stage = json.loads(progress.read_text())
        if stage.get("tmp"):  # a killed child leaves its bank and store behind
            shutil.rmtree(stage["tmp"], ignore_errors=True)
        return {
            "size": size,
            "status": "failed",
            "embedder": embedder,
            "error": error or "no result written",
            "stage": stage.get("current"),
            "setup_s": stage.get("done", {}),
            "wall_s": round(elapsed, 1),
            "target_p95_ms": target_for(size),
            "target_met": False if target_for(size) is not None else None,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1k only, fewer turns")
    parser.add_argument("--sizes", help="bank sizes, comma-separated (default 1000,10000)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per size")
    parser.add_argument("--embedder", choices=["auto", "minilm", "hash"], default="auto")
    parser.add_argument("--sessions", type=int, help="sessions per size (default 11)")
    parser.add_argument("--answers", type=int, help="answers per session (default 15)")
    parser.add_argument("--json-out", type=Path, help="default bench/results/bench_turns.json")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--progress", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.sessions = args.sessions or (4 if args.quick else len(PERSONAS))
    args.answers = args.answers or (8 if args.quick else 15)
    if args.child:
        return child(args)

    sizes = [int(s) for s in (args.sizes or ("1000" if args.quick else "1000,10000")).split(",")]
    info = machine()
    print(machine_line(info))
    print(
        f"{args.sessions} sessions x {args.answers} answers per size; zero-latency "
        "ScriptedProvider (callable output: the engine's draft); each size in its own process, "
        f"pinned to one core, 1 BLAS thread; timeout {args.timeout:.0f} s per size"
    )
    results = []
    for size in sizes:
        embedder = args.embedder
        if embedder == "auto":
            embedder = "minilm" if size <= MINILM_UP_TO else "hash"
        print(f"\n[{size:,} questions, store embedder {embedder}] running...", flush=True)
        result = measure(size, args, embedder)
        results.append(result)
        if result["status"] == "ok":
            setup = ", ".join(f"{k} {v:.1f} s" for k, v in result["setup_s"].items())
            print(f"  set-up: {setup}")
        else:
            done = ", ".join(f"{k} {v:.1f} s" for k, v in result["setup_s"].items())
            print(f"  FAILED in stage '{result['stage']}': {result['error']}")
            print(f"  stages completed: {done or 'none'}")

    rows = []
    for r in results:
        if r["status"] != "ok":
            target = r["target_p95_ms"]
            verdict = "none in the issue" if target is None else f"{target:.0f} ms: MISSED"
            rows.append([f"{r['size']:,}", r["embedder"], "failed", *[None] * 6, verdict])
            continue
        reply, query, search = r["reply"], r["chroma_query"], r["store_search"]
        rows.append(
            [
                f"{r['size']:,}",
                r["embedder"],
                reply["n"],
                reply["p50_ms"],
                reply["p95_ms"],
                query["p50_ms"],
                query["p95_ms"],
                search["p95_ms"],
                r["ratio_reply_to_query"]["p95"],
                "none in the issue"
                if r["target_p95_ms"] is None
                else f"{r['target_p95_ms']:.0f} ms: {'met' if r['target_met'] else 'MISSED'}",
            ]
        )
    print("\nreply() with a zero-latency model vs a raw Chroma query on the same store (ms)")
    print(
        table(
            [
                "questions",
                "store",
                "replies",
                "reply p50",
                "reply p95",
                "query p50",
                "query p95",
                "search p95",
                "p95 ratio",
                "target p95",
            ],
            rows,
        )
    )
    print(
        "query: collection.query(n_results=5), the answer's vector computed outside the timing;"
        "\nsearch: the product's store.search(answer, k=5) (MiniLM embedding + query); "
        "p95 ratio: reply p95 / query p95"
    )
    for r in results:
        if r["status"] == "ok":
            print(
                f"{r['size']:,}: start() p50 {r['start']['p50_ms']:.1f} ms, p95 "
                f"{r['start']['p95_ms']:.1f} ms over {r['sessions']} sessions; reply max "
                f"{r['reply']['max_ms']:.1f} ms; reply kinds {r['reply_kinds']}"
            )
            with_, without = r["reply_with_minilm"], r["reply_without_minilm"]
            print(
                f"  replies that ran MiniLM (the relative off-topic check): {with_['n']}, p50 "
                f"{with_.get('p50_ms', 0):.1f} ms, p95 {with_.get('p95_ms', 0):.1f} ms; the "
                f"other {without['n']}: p50 {without.get('p50_ms', 0):.1f} ms, p95 "
                f"{without.get('p95_ms', 0):.1f} ms"
            )
    write_results(
        "bench_turns",
        {
            "command": command_line(),
            "machine": info,
            "model": "ScriptedProvider, callable output returning the engine's draft (zero latency)",
            "sessions_per_size": args.sessions,
            "answers_per_session": args.answers,
            "targets_p95_ms": {str(k): v for k, v in TARGETS_MS.items()},
            "results": results,
        },
        args.json_out,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
