"""The terminal front ends, driven as a user would: through stdin of a real process."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from interviewer.terminal import _open_fence, _sends, command_of

ANSWER = (
    "At my last job I owned the billing service. I found a slow query on the invoices table, "
    "added an index, and p99 went from 900 ms to 120 ms."
)
SECOND = (
    "I chose the index because the query planner showed a sequential scan. I tested it on a "
    "copy of production first, then rolled it out behind a flag and watched the error rate."
)
THIRD = (
    "The result was that invoices loaded in under a second again, and I wrote a runbook so the "
    "next on-call engineer could spot the same problem quickly."
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


def test_chat_treats_paths_and_multi_line_text_as_answers(isolated_home: Path):
    answer = "/etc/hosts pointed at the old database; I fixed it and added a check."
    result = run_cli(["chat", "--persona", "behavioural"], f"{answer}\n\n/end please\n")
    assert result.returncode == 0, result.stderr
    assert "Unknown command" not in result.stdout
    (listed,) = json.loads(run_cli(["transcripts", "--json"], "").stdout)
    assert listed["finished"]
    shown = json.loads(run_cli(["transcripts", "show", listed["session_id"], "--json"], "").stdout)
    assert [t["text"] for t in shown["turns"] if t["role"] == "candidate"] == [answer]


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("/end", "/end"),
        ("  /SKIP please ", "/skip"),
        ("/foo", "/foo"),
        ("/etc/hosts was wrong", None),
        ("/end\nmore text", None),
        ("I typed /end", None),
    ],
)
def test_command_of(text: str, command: str | None):
    assert command_of(text) == command


def test_enter_sends_on_an_empty_last_line_outside_code_blocks():
    assert not _sends("one line", 8, False)  # Enter after text: a new line
    assert _sends("one line\n", 9, False)  # Enter on the empty line after it: send
    assert _sends("one line\n  ", 11, False)  # a line of spaces is empty too
    assert not _sends("one line\n\nmore", 9, False)  # an empty line in the middle: edit
    assert not _sends("one line\n", 9, True)  # more keys waiting: a paste's blank line
    assert _sends("/end", 2, False)  # a command goes at once
    code = "Here:\n```python\nx = 1\n"
    assert _open_fence(code) and not _sends(code, len(code), False)  # blank lines in code
    closed = code + "```\n"
    assert not _open_fence(closed) and _sends(closed, len(closed), False)
    assert not _open_fence("inline ```x``` only\n")


def read_until(proc: subprocess.Popen, out: bytearray, done, timeout: float = 180) -> str:
    """Read the child's stdout into ``out`` until ``done(text so far)``; returns the text."""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        while not done(text := out.decode(errors="replace")):
            assert time.monotonic() < deadline, f"timed out; the chat printed:\n{text}"
            if selector.select(timeout=1):
                chunk = os.read(proc.stdout.fileno(), 65536)
                assert chunk, f"the chat exited early; it printed:\n{text}"
                out += chunk
    return text


def test_chat_killed_after_two_answers_resumes_with_the_same_next_question(
    isolated_home: Path, tmp_path: Path
):
    def stored_turns(session_id: str) -> list[dict]:
        shown = json.loads(run_cli(["transcripts", "show", session_id, "--json"], "").stdout)
        return shown["turns"]

    # An uninterrupted reference run: three answers, then /end.
    reference = run_cli(
        ["chat", "--persona", "behavioural"], f"{ANSWER}\n\n{SECOND}\n\n{THIRD}\n\n/end\n"
    )
    assert reference.returncode == 0, reference.stderr
    (ref_row,) = json.loads(run_cli(["transcripts", "--json"], "").stdout)
    ref_turns = stored_turns(ref_row["session_id"])
    second = next(i for i, t in enumerate(ref_turns) if t["text"] == SECOND)
    next_question = ref_turns[second + 1]
    assert next_question["role"] == "interviewer"

    # The same interview, killed with SIGKILL once the reply to the second answer is shown.
    with open(tmp_path / "stderr.txt", "wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "interviewer", "chat", "--persona", "behavioural"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            bufsize=0,
            env=os.environ.copy(),
        )
        try:
            out = bytearray()
            shown = read_until(proc, out, lambda s: "Interviewer:" in s).count("Interviewer:")
            for answer in (ANSWER, SECOND):
                proc.stdin.write(f"{answer}\n\n".encode())
                shown += 1
                printed = read_until(proc, out, lambda s, n=shown: s.count("Interviewer:") >= n)
            os.kill(proc.pid, signal.SIGKILL)
            assert proc.wait(timeout=30) == -signal.SIGKILL
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    killed_id = printed.split("(session ", 1)[1].split(")", 1)[0]

    rows = {r["session_id"]: r for r in json.loads(run_cli(["transcripts", "--json"], "").stdout)}
    assert not rows[killed_id]["finished"] and rows[killed_id]["answers"] == 2
    killed_turns = stored_turns(killed_id)
    answers = [t["text"] for t in killed_turns if t["role"] == "candidate"]
    assert answers == [ANSWER, SECOND]

    # Resuming shows the question the uninterrupted run asked next, then carries on the same.
    resumed = run_cli(["chat", "--resume", killed_id], f"{THIRD}\n\n/end\n")
    assert resumed.returncode == 0, resumed.stderr
    first_shown = resumed.stdout.index("Interviewer:")
    assert resumed.stdout.find(f"Interviewer: {next_question['text']}\n") == first_shown

    def brief(turns: list[dict]) -> list[tuple[str, str, str]]:
        return [(t["role"], t["kind"], t["text"]) for t in turns]

    assert brief(stored_turns(killed_id)) == brief(ref_turns)
