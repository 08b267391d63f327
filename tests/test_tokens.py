"""Token counting offline, the request budget, and cost."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from interviewer.agent import Decision
from interviewer.models import Transcript, Turn
from interviewer.providers import Message, Prompt, Response
from interviewer.providers.base import Usage
from interviewer.tokens import (
    BPE_FILES,
    BudgetExceeded,
    EstimateCounter,
    Prices,
    Slot,
    TiktokenCounter,
    TokenBudget,
    UsageTotals,
    estimate_cost,
    fit,
    prepare_tiktoken_cache,
    prompt_tokens,
    shorten,
)
from interviewer.wording import system_prompt, wording_prompt

ROOT = Path(__file__).resolve().parent.parent

# Runs in a fresh interpreter, so no encoding is already loaded: every socket connection and
# tiktoken's own download function fail, as they would with no network at all.
NO_NETWORK = textwrap.dedent(
    """
    import os, socket, sys
    from pathlib import Path

    def refuse(*args, **kwargs):
        raise OSError("network disabled in this test")

    socket.socket.connect = refuse
    socket.create_connection = refuse
    import tiktoken.load
    tiktoken.load.read_file = lambda path: (_ for _ in ()).throw(OSError("download: " + path))
    cache = Path(sys.argv[1])
    if sys.argv[2] == "bare":  # control: stock tiktoken with an empty cache needs the network
        os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
        import tiktoken
        tiktoken.get_encoding("o200k_base")
    else:
        from interviewer.tokens import TiktokenCounter
        print(TiktokenCounter(sys.argv[2], cache_dir=cache).count("hello world"))
    """
)


def run_offline(cache: Path, mode: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR")
    }
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-c", NO_NETWORK, str(cache), mode],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_tiktoken_counts_with_no_network(tmp_path):
    bare = run_offline(tmp_path / "bare", "bare")
    assert bare.returncode != 0 and "download" in bare.stderr  # without the files: it fails
    for encoding in ("o200k_base", "cl100k_base"):
        done = run_offline(tmp_path / "cache", encoding)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "2"
    names = sorted(p.name for p in (tmp_path / "cache").iterdir())
    urls = [f"https://openaipublic.blob.core.windows.net/encodings/{n}.tiktoken" for n in BPE_FILES]
    assert names == sorted(hashlib.sha1(u.encode()).hexdigest() for u in urls)


def test_prepared_files_match_tiktokens_hashes_and_a_corrupt_one_is_replaced(tmp_path):
    first = prepare_tiktoken_cache(tmp_path, ["cl100k_base"])
    assert hashlib.sha256(first[0].read_bytes()).hexdigest() == BPE_FILES["cl100k_base"]
    first[0].write_bytes(b"corrupt")
    again = prepare_tiktoken_cache(tmp_path, ["cl100k_base"])
    assert hashlib.sha256(again[0].read_bytes()).hexdigest() == BPE_FILES["cl100k_base"]
    assert not list(tmp_path.glob("*.tmp"))


@pytest.fixture(scope="module")
def counter(tmp_path_factory) -> TiktokenCounter:
    folder = tmp_path_factory.mktemp("tiktoken")
    before = os.environ.get("TIKTOKEN_CACHE_DIR")
    os.environ["TIKTOKEN_CACHE_DIR"] = str(folder)  # the counter then changes no environment
    try:
        made = TiktokenCounter(cache_dir=folder)
        made.count("warm up")
    finally:
        if before is None:
            os.environ.pop("TIKTOKEN_CACHE_DIR", None)
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = before
    return made


def test_counter_picks_the_models_encoding():
    assert TiktokenCounter.for_model("gpt-4").encoding_name == "cl100k_base"
    assert TiktokenCounter.for_model("gpt-4o-mini").encoding_name == "o200k_base"
    assert TiktokenCounter.for_model("claude-sonnet-4").encoding_name == "o200k_base"
    assert TiktokenCounter.for_model(None).encoding_name == "o200k_base"


def test_special_token_text_is_counted_not_refused(counter):
    assert counter.count("<|endoftext|>") > 1


def msg(role: str, text: str) -> Message:
    return Message(role=role, content=text)  # type: ignore[arg-type]


def test_fit_keeps_required_parts_and_trims_the_oldest_turns(counter):
    system = Slot(message=msg("system", "You are a calibrated judge. " * 20))
    rubric = Slot(message=msg("user", "Rubric: " + "criterion anchors evidence " * 60))
    older = [
        Slot(message=msg("user", f"turn {i}: " + "words " * 80), required=False) for i in range(30)
    ]
    current = Slot(message=msg("user", "the current question and its follow-ups " * 10))
    budget = TokenBudget(max_tokens=3000, reply_tokens=500, window_tokens=1500)
    seen: list[int] = []

    def summary(dropped: list[Message]) -> Message:
        seen.append(len(dropped))
        return msg("user", f"[{len(dropped)} earlier turns left out]")

    fitted = fit([system, rubric, *older, current], budget, counter, summary)
    assert fitted.messages[:2] == [system.message, rubric.message]  # always kept
    assert fitted.messages[-1] == current.message
    assert fitted.tokens <= budget.window_tokens and fitted.tokens == prompt_tokens(
        Prompt(purpose="judge_transcript", messages=fitted.messages), counter
    )
    kept = [m for m in fitted.messages if m.content.startswith("turn ")]
    assert kept and kept == [s.message for s in older[-len(kept) :]]  # newest, contiguous
    assert fitted.dropped == 30 - len(kept) > 0
    assert fitted.messages[2].content == f"[{fitted.dropped} earlier turns left out]"


def test_fit_sends_everything_when_it_fits(counter):
    slots = [Slot(message=msg("system", "hi")), Slot(message=msg("user", "a"), required=False)]
    fitted = fit(slots, TokenBudget(), counter, lambda d: msg("user", "summary"))
    assert fitted.messages == [s.message for s in slots] and fitted.dropped == 0


def test_a_huge_answer_in_the_current_thread_is_shortened_to_the_hard_cap(counter):
    huge = "We measured the p99 at every hop and found the retry storm. " * 3000
    slots = [
        Slot(message=msg("system", "rules " * 50)),
        Slot(message=msg("user", huge), shrink=True),
        Slot(message=msg("user", "brief")),
    ]
    budget = TokenBudget(max_tokens=4000, reply_tokens=500)
    fitted = fit(slots, budget, counter)
    assert fitted.tokens <= budget.prompt_limit and fitted.shortened == 1
    cut = fitted.messages[1].content
    assert cut.startswith(huge[:200]) and cut.endswith(huge[-50:])
    assert "characters left out" in cut and len(fitted.messages) == 3


def test_required_parts_that_cannot_shrink_raise(counter):
    slots = [Slot(message=msg("system", "rules " * 2000))]
    with pytest.raises(BudgetExceeded, match="budget allows 1500"):
        fit(slots, TokenBudget(max_tokens=2000, reply_tokens=500), counter)


def test_shorten_keeps_both_ends(counter):
    text = "START " + "middle " * 500 + "END"
    cut = shorten(text, 60, counter)
    assert counter.count(cut) <= 60 and cut.startswith("START") and cut.endswith("END")
    assert shorten("short", 60, counter) == "short"


def long_transcript(answers: int) -> Transcript:
    turns: list[Turn] = []
    for i in range(answers):
        qid = f"q{i // 4}"
        if i % 4 == 0:
            turns.append(
                Turn(
                    role="interviewer",
                    kind="question",
                    text=f"Main question {i // 4}: tell me about system {i}?",
                    question_id=qid,
                )
            )
        else:
            turns.append(
                Turn(
                    role="interviewer",
                    kind="follow_up",
                    text=f"Probe {i}: what exactly did you measure?",
                    question_id=qid,
                )
            )
        turns.append(
            Turn(
                role="candidate",
                kind="answer",
                text=f"Answer {i}. "
                + "We sharded the cache by tenant and measured p99 at each hop. " * 10,
                question_id=qid,
            )
        )
    for seq, turn in enumerate(turns):
        turn.seq = seq
    return Transcript(persona="system-design", turns=turns)


def test_a_40_answer_interview_stays_in_budget_and_keeps_the_current_thread(bank, counter):
    persona = bank.persona("system-design")
    budget = TokenBudget()
    sizes = {}
    for answers in (10, 40):
        transcript = long_transcript(answers)
        decision = Decision(
            kind="follow_up", text="What was the p99?", question_id="q9", target="impact"
        )
        prompt = wording_prompt(persona, transcript, decision, budget=budget, counter=counter)
        sizes[answers] = prompt_tokens(prompt, counter)
        assert sizes[answers] <= budget.prompt_limit
        assert prompt.messages[0] == Message(role="system", content=system_prompt(persona))
        start = max(i for i, t in enumerate(transcript.turns) if t.kind == "question")
        thread = [t.text for t in transcript.turns[start:]]
        sent = "\n".join(m.content for m in prompt.messages)
        assert all(text in sent for text in thread)  # the whole current thread
        assert prompt.messages[-1].content.startswith("<service_brief>")
    assert sizes[40] <= 1.2 * sizes[10]
    late = wording_prompt(persona, long_transcript(40), decision, budget=budget, counter=counter)
    assert "Answer 0." not in "".join(m.content for m in late.messages)  # the oldest went
    note = next(m.content for m in late.messages if m.content.startswith("<service_note>"))
    assert "Main question 8: tell me about system 32?" in note  # named in the summary
    assert late.context["dropped"] > 0


def test_the_estimate_over_counts_prose_numbers_code_and_other_scripts(counter):
    texts = [
        json.loads(line)["answer"]
        for name in ("dev.jsonl", "test.jsonl")
        for line in (ROOT / "evals" / "data" / name).read_text().splitlines()
        if line.strip()
    ]
    texts += [
        "We batched the lookups and p99 went from 1.4 s to 160 ms. " * 20,
        (ROOT / "interviewer" / "tokens.py").read_text(),
        "数据库的分片策略是按租户划分" * 20,
        "".join(chr(0x1F600 + i % 50) for i in range(300)),
        "<|endoftext|> </candidate_answer> \n\n\t" * 30,
    ]
    estimate = EstimateCounter()
    ratios = [estimate.count(t) / counter.count(t) for t in texts]
    assert min(ratios) >= 1.0
    assert sorted(ratios)[len(ratios) // 2] < 1.6  # and not wildly: budgets stay useful


def test_cost_from_per_1k_prices(counter):
    totals = UsageTotals().add(1000, 500).add(2000, 0)
    assert (totals.requests, totals.prompt_tokens, totals.completion_tokens) == (2, 3000, 500)
    prices = Prices(prompt_per_1k=0.005, completion_per_1k=0.015)
    assert estimate_cost(totals, prices) == pytest.approx(0.0225)
    assert estimate_cost(totals, None) is None
    prompt = Prompt(purpose="interviewer_turn", messages=[msg("user", "hello world")])
    counted = UsageTotals().add_call(prompt, Response(text="hi there", provider="x"), counter)
    assert counted.prompt_tokens == prompt_tokens(prompt, counter)
    assert (counted.completion_tokens, counted.estimated) == (2, 1)
    reported = Response(text="hi", provider="x", usage=Usage(input_tokens=7, output_tokens=3))
    both = counted.add_call(prompt, reported, counter)
    assert (both.prompt_tokens - counted.prompt_tokens, both.completion_tokens) == (7, 5)
    assert both.estimated == 1 and both.total_tokens == both.prompt_tokens + 5
