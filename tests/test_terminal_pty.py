"""The terminal chat through a real pseudo-terminal, as a person at a keyboard drives it.

prompt_toolkit switches the terminal to bracketed-paste mode (ESC[?2004h) each time it shows
the prompt; a terminal then wraps a paste in ESC[200~ ... ESC[201~ and sends line breaks as
carriage returns. These tests wait for that switch before typing, as a terminal would, and check
what was stored with `interviewer transcripts`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")  # a dev dependency; not on Windows

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

PROMPT_SHOWN = "\x1b[?2004h"  # prompt_toolkit turns bracketed paste on when the prompt is up
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
CHUNK = 1024  # write big pastes piecewise: a full pty buffer blocks the writer
TIMEOUT = 120


def spawn_chat(*args: str) -> pexpect.spawn:
    env = os.environ.copy()  # INTERVIEWER_HOME and INTERVIEWER_EMBEDDER from conftest
    env.update(PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm")
    env.pop("NO_COLOR", None)
    return pexpect.spawn(
        sys.executable,
        ["-m", "interviewer", "chat", *args],
        env=env,
        dimensions=(200, 250),
        encoding="utf-8",
        codec_errors="replace",
        timeout=TIMEOUT,
    )


def wait_for_prompt(child: pexpect.spawn) -> None:
    child.expect_exact(PROMPT_SHOWN)


def send_chunked(child: pexpect.spawn, text: str) -> None:
    """Write like a terminal delivering a long paste, reading the child's output in between."""
    for i in range(0, len(text), CHUNK):
        child.send(text[i : i + CHUNK])
        try:
            while child.read_nonblocking(65536, timeout=0):
                pass
        except pexpect.TIMEOUT:
            pass


def finish(child: pexpect.spawn) -> str:
    """Wait for the chat to exit; returns what it printed since the last match."""
    child.expect(pexpect.EOF)
    output = child.before
    child.close()
    assert child.exitstatus == 0, output[-3000:]
    return output


def cli_json(*args: str):
    result = subprocess.run(
        [sys.executable, "-m", "interviewer", *args, "--json"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=os.environ.copy(),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def stored_session() -> tuple[dict, list[str]]:
    """(the only stored session's listing row, its candidate answers in order)."""
    (listed,) = cli_json("transcripts")
    shown = cli_json("transcripts", "show", listed["session_id"])
    answers = [t["text"] for t in shown["turns"] if t["role"] == "candidate"]
    return listed, answers


def long_answer() -> str:
    """About 20 KB of prose in paragraphs, with a fenced code block that has blank lines."""
    paragraphs = [
        f"Paragraph {i}: at the payments team I owned the reconciliation job (naïve retries, "
        f"no idempotency keys). I measured the failure rate, wrote a design note — café-style "
        f"informal review first — and we cut duplicate charges by {i % 9 + 1}0 percent."
        for i in range(60)
    ]
    code = (
        "```python\n"
        "def reconcile(batch):\n"
        "    seen = set()\n"
        "\n"
        "    for charge in batch:\n"
        "        if charge.key in seen:\n"
        "            continue\n"
        "\n"
        "\n"
        "        seen.add(charge.key)\n"
        "    return seen\n"
        "```"
    )
    body = "\n\n".join(paragraphs[:30] + [code] + paragraphs[30:])
    while len(body) < 20_000:
        body += "\n\nAnd one more thing I learned: measure first, then change one thing at a time."
    return body


def test_pasted_answer_with_blank_lines_and_code_is_one_answer(isolated_home: Path):
    answer = long_answer()
    assert len(answer) >= 20_000 and "\n\n\n" in answer
    pasted = f"\n  {answer}\n"  # as copied: stray outer whitespace, ends with a line break
    child = spawn_chat("--persona", "behavioural")
    wait_for_prompt(child)
    send_chunked(child, PASTE_START + pasted.replace("\n", "\r") + PASTE_END)
    child.send("\r")  # the cursor is on the empty line after the paste: Enter sends
    wait_for_prompt(child)  # the next prompt: the answer was taken and answered
    child.send("/end\r")
    output = finish(child)
    assert "# Scorecard" in output

    listed, answers = stored_session()
    assert listed["finished"] and listed["answers"] == 1
    assert answers == [answer]


def test_typed_answer_sends_on_an_empty_line_and_ctrl_d_ends(isolated_home: Path):
    child = spawn_chat("--persona", "behavioural")
    wait_for_prompt(child)
    child.send("\r")  # Enter on an empty prompt does nothing...
    for keys in ("I kept the release on schedule.", "\r", "Then I wrote the postmortem.", "\r"):
        child.send(keys)  # ...Enter after a line of text starts a new line...
    child.send("\r")  # ...and Enter on the empty line sends.
    child.expect_exact("Interviewer:")
    wait_for_prompt(child)
    child.send("\r")
    child.send("\x04")  # Ctrl-D on the empty prompt ends the interview
    output = finish(child)
    assert "# Scorecard" in output and "Interviewer:" in output  # the farewell, then the card

    listed, answers = stored_session()
    assert listed["finished"]
    assert answers == ["I kept the release on schedule.\nThen I wrote the postmortem."]


def test_paste_without_bracketed_paste_stays_one_answer(isolated_home: Path):
    """Some terminals do not mark pastes: the lines arrive as keys, blank lines as Enters."""
    answer = "First I reproduced the bug.\n\nThen I bisected it to one commit.\n\nThen I fixed it."
    child = spawn_chat("--persona", "behavioural")
    wait_for_prompt(child)
    child.send(answer.replace("\n", "\r") + "\r")  # one write: the keys arrive together
    child.send("\r")
    wait_for_prompt(child)
    child.send("/end\r")
    finish(child)

    listed, answers = stored_session()
    assert answers == [answer]


def test_ctrl_c_pauses_and_the_session_stays_open(isolated_home: Path) -> None:
    child = spawn_chat("--persona", "behavioural")
    wait_for_prompt(child)
    child.send("I fixed the nightly export job by splitting it per tenant.\r")
    child.send("\r")
    child.expect("Interviewer:")
    wait_for_prompt(child)
    child.sendintr()
    child.expect("paused")
    child.expect(r"chat --resume ([a-z0-9]+)")
    session_id = child.match.group(1)
    child.expect(pexpect.EOF)
    child.close()
    listed, answers = stored_session()
    assert listed["session_id"] == session_id and listed["finished"] is False
    assert answers == ["I fixed the nightly export job by splitting it per tenant."]
