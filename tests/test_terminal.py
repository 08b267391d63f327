"""The terminal front ends, driven as a user would: through stdin of a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ANSWER = (
    "At my last job I owned the billing service. I found a slow query on the invoices table, "
    "added an index, and p99 went from 900 ms to 120 ms."
)


def run_cli(args: list[str], stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        env=os.environ.copy(),
    )


def test_chat_runs_an_interview_and_saves_the_transcript(isolated_home: Path):
    result = run_cli(["chat", "--persona", "behavioural"], f"{ANSWER}\n\n\n/end\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Interviewer:") >= 3  # question, follow-up or next, farewell
    assert "# Scorecard" in result.stdout
    listed = json.loads(run_cli(["transcripts", "--json"], "").stdout)
    assert len(listed) == 1 and listed[0]["finished"] and listed[0]["answers"] == 1
    shown = json.loads(
        run_cli(["transcripts", "show", listed[0]["session_id"], "--json"], "").stdout
    )
    answers = [t for t in shown["turns"] if t["role"] == "candidate"]
    assert answers[0]["text"] == ANSWER
    assert shown["scorecard"]["persona"] == "behavioural"


def test_chat_survives_end_of_input(isolated_home: Path):
    result = run_cli(["chat", "--persona", "fundamentals"], "")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "# Scorecard" in result.stdout


def test_drill_asks_probes_and_scores(isolated_home: Path):
    result = run_cli(
        ["drill", "--persona", "complex-problem"], "We made it faster.\n\nI think it went well.\n\n"
    )
    assert result.returncode == 0, result.stderr
    assert "Score:" in result.stdout and "Missing:" in result.stdout


def test_chat_unknown_command_is_not_an_answer(isolated_home: Path):
    result = run_cli(["chat", "--persona", "behavioural"], "/foo\n/end\n")
    assert result.returncode == 0
    assert "Unknown command '/foo'" in result.stdout
    (listed,) = json.loads(run_cli(["transcripts", "--json"], "").stdout)
    shown = json.loads(run_cli(["transcripts", "show", listed["session_id"], "--json"], "").stdout)
    assert not [t for t in shown["turns"] if t["role"] == "candidate"]
