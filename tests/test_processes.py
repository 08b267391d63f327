"""Many processes on one INTERVIEWER_HOME: each finishes, each is stored whole, nothing differs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ANSWERS = [
    "At my last job I owned the billing service. I found a slow query on the invoices table, "
    "added an index, and p99 went from 900 ms to 120 ms.",
    "We made it faster.",
    "/skip",
    "I disagreed with my lead about rewriting the sync job; I wrote a one-page comparison of the "
    "rewrite against fixing the two hot paths, we fixed the hot paths, and the job went from "
    "40 minutes to 6. Next time I would write the comparison before arguing.",
    "How does the team decide what to build next?",
    "I can start in January.",
]


def _cli(args: list[str], home: Path, **kw) -> subprocess.Popen:
    env = {**os.environ, "INTERVIEWER_HOME": str(home)}
    return subprocess.Popen(
        [sys.executable, "-m", "interviewer", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **kw,
    )


def _strip(data: dict) -> dict:
    data.pop("id", None)
    for turn in data["turns"]:
        turn.pop("at", None)
    return data


def test_eight_simulations_at_once_on_a_fresh_home_match_one_run_alone(tmp_path: Path) -> None:
    answers = tmp_path / "answers.jsonl"
    answers.write_text("".join(json.dumps({"answer": a}) + "\n" for a in ANSWERS))
    args = ["simulate", "--persona", "behavioural", "--answers", str(answers), "--json"]

    alone = _cli(args, tmp_path / "alone")
    out, err = alone.communicate(timeout=300)
    assert alone.returncode == 0, err
    expected = _strip(json.loads(out))

    home = tmp_path / "shared"  # empty: the store and the database are created by the racers
    racers = [_cli(args, home) for _ in range(8)]
    results = [p.communicate(timeout=600) for p in racers]
    for p, (_out, err) in zip(racers, results, strict=True):
        assert p.returncode == 0, err
        assert "Traceback" not in err
    printed = [json.loads(out) for out, _ in results]
    ids = {p["id"] for p in printed}
    assert len(ids) == 8
    for data in printed:
        session_id = data["id"]
        shown = _cli(["transcripts", "show", session_id, "--json"], home)
        stored, err = shown.communicate(timeout=120)
        assert shown.returncode == 0, err
        assert json.loads(stored) == data  # stored whole, exactly as printed
        assert _strip(data) == expected
    listed = _cli(["transcripts", "--json"], home).communicate(timeout=120)[0]
    rows = json.loads(listed)
    assert {r["session_id"] for r in rows} == ids
    answered = sum(1 for t in expected["turns"] if t["kind"] == "answer")
    assert answered >= 3 and all(r["finished"] and r["answers"] == answered for r in rows)


def test_processes_that_build_a_fresh_store_together_embed_the_bank_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    racers = [_cli(["ingest", "--quiet"], home) for _ in range(4)]
    results = [p.communicate(timeout=300) for p in racers]
    added = []
    for p, (out, err) in zip(racers, results, strict=True):
        assert p.returncode == 0, err
        added.append(int(re.search(r"questions: (\d+) added", out).group(1)))
    assert sorted(added)[:-1] == [0, 0, 0] and added.count(0) == 3
    assert max(added) > 300
