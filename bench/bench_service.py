"""Per-turn cost of `InterviewService.reply`, and the cost of resuming a stored session.

    python bench/bench_service.py

Pins itself to one CPU with one BLAS thread, in a temporary INTERVIEWER_HOME, with the offline
provider and the product's MiniLM store (INTERVIEWER_EMBEDDER=minilm; building the store is set-up,
not timed). Prints:

(a) p50/p95 milliseconds of ``reply`` over a few hundred turns in several sessions (realistic
    answers from evals/data: each question asked is answered with the rated answers to the closest
    eval question), against p50/p95 of a raw Chroma query (``open_store().search(text, k=5)``) on
    the same answer texts in the same run, and their ratio;
(b) the cost of resuming a session after 5 and after 40 answers: a NEW InterviewService on the same
    home (so the session is not in memory) times its first call that needs the session,
    ``pending_turns`` (database read plus ``agent.replay``), median over several sessions, once on
    a service whose bank, database and model are already loaded and once on a brand-new one; with
    the ratio to a normal reply on a loaded session.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

# One core means one BLAS thread too (two threads time-sharing one core only add overhead).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Each session gets its own persona, so no two sessions share a question and answer and the
# reader's caches cannot flatter one session with another's work. A long session asks the planned
# questions (time box 180 minutes, the most a plan allows) and then the persona's other questions,
# so that 40 answers never reach the closing segment.
LONG_PERSONAS = [
    "fundamentals",
    "system-design",
    "appsec",
    "ml-engineering",
    "behavioural",
    "code-walkthrough",
]
SHORT_PERSONAS = [
    "complex-problem",
    "leadership",
    "resume-deep-dive",
    "startup-fit",
    "take-home-review",
]
SHORT_TURNS, LONG_TURNS = 5, 40
TIME_BOX = 180  # minutes, the most a plan allows


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def answer_pools() -> list[tuple[str, list[str]]]:
    """(eval question, its rated answers) from evals/data dev and test, in file order."""
    pools: dict[str, list[str]] = {}
    for name in ("dev.jsonl", "test.jsonl"):
        for line in (ROOT / "evals" / "data" / name).read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                pools.setdefault(row["question"], []).append(row["answer"])
    return list(pools.items())


class Candidate:
    """Answers each question asked with the rated answers to the closest eval question.

    Matching uses the service's MiniLM, outside every timed region, and bypasses the reader, so
    its caches see only what the interview itself computes.
    """

    def __init__(self, service, pools: list[tuple[str, list[str]]]) -> None:
        self.service = service
        self.pools = pools
        self.vectors = service.minilm.embed([q for q, _ in pools])
        self.nearest: dict[str, int] = {}

    def answer(self, question_id: str | None, session: int, count: int) -> str:
        if question_id is None:  # the closing segment: any answer will do
            pool = self.pools[session % len(self.pools)][1]
        else:
            if question_id not in self.nearest:
                text = self.service.bank.question(question_id).text
                sims = self.vectors @ self.service.minilm.embed([text])[0]
                self.nearest[question_id] = int(sims.argmax())
            pool = self.pools[self.nearest[question_id]][1]
        return pool[(session + count) % len(pool)]


class CountingEmbed:
    """Wraps MiniLMEmbedder.embed on the instance to count forward passes."""

    def __init__(self, embedder) -> None:
        self.calls = 0
        self._embed = embedder.embed
        embedder.embed = self

    def __call__(self, texts):
        self.calls += 1
        return self._embed(texts)


def long_plan(service, persona: str):
    """The planner's interview for the persona (180 minutes), then all its other questions."""
    from interviewer.models import PlannedQuestion

    plan = service.plan(persona=persona, time_box=TIME_BOX, progress=False)
    planned = {q.id for q in plan.questions}
    extra = [
        PlannedQuestion(id=q.id, text=q.text, topics=q.topics, why="bench: more questions")
        for q in service.bank.questions_for(persona)
        if q.id not in planned
    ]
    return plan.model_copy(update={"questions": [*plan.questions, *extra]})


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f}"


def main() -> int:
    argparse.ArgumentParser(description=__doc__).parse_args()
    core = None
    if hasattr(os, "sched_setaffinity"):
        core = sorted(os.sched_getaffinity(0))[0]
        os.sched_setaffinity(0, {core})

    with tempfile.TemporaryDirectory(prefix="bench-service-") as home:
        os.environ["INTERVIEWER_HOME"] = home
        os.environ["INTERVIEWER_EMBEDDER"] = "minilm"  # the product default, by meaning
        os.environ["INTERVIEWER_PROVIDER"] = "offline"
        for var in ("INTERVIEWER_DATABASE_URL", "INTERVIEWER_STORE_PATH"):
            os.environ.pop(var, None)

        from interviewer.service import InterviewService

        service = InterviewService()
        start = time.perf_counter()
        store = service.open_store(progress=False)
        store_s = time.perf_counter() - start
        counter = CountingEmbed(service.minilm)
        candidate = Candidate(service, answer_pools())

        # -- (a) replies on loaded sessions, each followed by a raw Chroma query on the same text
        replies: list[float] = []
        queries: list[float] = []
        embedded = 0  # replies during which the reader ran MiniLM (the off-topic check)
        words: list[int] = []
        sessions: dict[int, list[str]] = {SHORT_TURNS: [], LONG_TURNS: []}
        expected: dict[str, str] = {}
        plan = [(p, LONG_TURNS) for p in LONG_PERSONAS] + [(p, SHORT_TURNS) for p in SHORT_PERSONAS]
        for number, (persona, turns) in enumerate(plan):
            if turns == LONG_TURNS:
                session_id, out = service.start_plan(long_plan(service, persona))
            else:
                session_id, out = service.start(persona=persona, time_box=TIME_BOX)
            asked: dict[str | None, int] = {}
            for _ in range(turns):
                qid = out[-1].question_id if out else None
                text = candidate.answer(qid, number, asked.get(qid, 0))
                asked[qid] = asked.get(qid, 0) + 1
                words.append(len(text.split()))
                calls = counter.calls
                t0 = time.perf_counter()
                out = service.reply(session_id, text)
                replies.append(time.perf_counter() - t0)
                embedded += counter.calls > calls
                if not out:
                    raise SystemExit(f"{persona}: the interview closed before {turns} answers")
                t0 = time.perf_counter()
                store.search(text, k=5)
                queries.append(time.perf_counter() - t0)
            agent = service.live.agent(session_id, None)
            if agent.phase != "main":
                raise SystemExit(f"{persona}: in the {agent.phase} segment after {turns} answers")
            sessions[turns].append(session_id)
            expected[session_id] = out[-1].text

        # -- (b) resume: a new service on the same home, first call that needs the session
        resumed: dict[tuple[int, str], list[float]] = {}
        stored: dict[int, list[int]] = {SHORT_TURNS: [], LONG_TURNS: []}
        for turns, ids in sessions.items():
            for session_id in ids:
                stored[turns].append(len(service.repository.turns(session_id)))
                for mode in ("warm", "cold"):
                    fresh = InterviewService()
                    if mode == "warm":  # bank parsed, database open, model loaded
                        fresh.bank.persona(LONG_PERSONAS[0])
                        fresh.list_sessions()
                        fresh.reader.prefetch([("warm up", "the embedding model")])
                    t0 = time.perf_counter()
                    pending = fresh.pending_turns(session_id)
                    resumed.setdefault((turns, mode), []).append(time.perf_counter() - t0)
                    if [t.text for t in pending] != [expected[session_id]]:
                        raise SystemExit(f"resumed session {session_id} asks something else")
                    del fresh

        r50, r95 = percentile(replies, 50), percentile(replies, 95)
        q50, q95 = percentile(queries, 50), percentile(queries, 95)
        mean_words = statistics.mean(words)
        print(
            f"machine: {platform.machine()}, nproc {os.cpu_count()}, "
            f"Python {platform.python_version()}; pinned to core {core}, 1 BLAS thread"
        )
        print(
            f"store: INTERVIEWER_EMBEDDER=minilm, {store.count()} questions, "
            f"built in {store_s:.1f} s (set-up, not timed); provider offline; SQLite in a temp home"
        )
        print(
            f"\n(a) {len(replies)} replies in {len(plan)} sessions ({len(LONG_PERSONAS)} x "
            f"{LONG_TURNS}, {len(SHORT_PERSONAS)} x {SHORT_TURNS} answers), eval answers "
            f"(mean {mean_words:.0f} words); {embedded} replies ({embedded / len(replies):.0%}) "
            "ran MiniLM for the off-topic check"
        )
        print("                                        p50 ms    p95 ms")
        print(f"  reply (loaded session)              {ms(r50)}  {ms(r95)}")
        print(f"  Chroma search(answer, k=5)          {ms(q50)}  {ms(q95)}")
        print(f"  ratio reply / search                {r50 / q50:8.2f}  {r95 / q95:8.2f}")

        print(
            "\n(b) resume: new InterviewService on the same home, time of the first "
            "pending_turns(session)"
        )
        print(
            "  answers  stored turns  sessions  median ms (warm service)  x reply p50"
            "  median ms (new service)  x reply p50"
        )
        for turns in (SHORT_TURNS, LONG_TURNS):
            warm = statistics.median(resumed[(turns, "warm")])
            cold = statistics.median(resumed[(turns, "cold")])
            print(
                f"  {turns:7d}  {statistics.mean(stored[turns]):12.0f}  {len(sessions[turns]):8d}"
                f"  {ms(warm):>24}  {warm / r50:11.1f}  {ms(cold):>23}  {cold / r50:11.1f}"
            )
        w5 = statistics.median(resumed[(SHORT_TURNS, "warm")])
        w40 = statistics.median(resumed[(LONG_TURNS, "warm")])
        print(
            f"  replay cost per extra answer (warm): {(w40 - w5) / (LONG_TURNS - SHORT_TURNS) * 1000:.2f} ms"
        )
        print(
            "  warm service: bank parsed, database open, MiniLM loaded, reader caches cold for "
            "this session;\n  new service: nothing loaded (bank parse, database open and, if "
            "the replay needs it, the model load are timed)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
