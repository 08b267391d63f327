"""Reading what users hand the command line: text files and JSONL, with errors that say where."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from ..analysis.text import without_surrogates
from ..errors import InputError


def emit(data: Any) -> None:
    """JSON on stdout (UTF-8 kept readable)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def read_text_file(path: str | None, what: str) -> str | None:
    """Read a user-supplied text file (JD, resume), with a clear error when it can't be read."""
    if not path:
        return None
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {what} file {path}: {exc.strerror or exc}") from exc
    if b"\x00" in data[:4096]:
        raise InputError(f"{what} file {path} is binary, not text; save it as .txt and try again")
    text = data.decode("utf-8", errors="replace")
    if not text.strip():
        raise InputError(f"{what} file {path} is empty; give a file with its text, or leave it out")
    return text


def read_jsonl(path: str) -> list[tuple[int, Any | None, str | None]]:
    """(line number, parsed object or None, error or None) for each non-blank line.

    ``path`` "-" reads standard input.

    An empty file (nothing but whitespace) is an InputError that says so.
    """
    stdin = path == "-"
    try:
        # utf-8-sig: a byte-order mark (Notepad, Excel exports) is not part of the first line.
        data = sys.stdin.buffer.read() if stdin else Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    text = data.decode("utf-8-sig", errors="replace")
    path = "standard input" if stdin else path
    # JSONL lines end at "\n" (or "\r\n") only: U+2028 or U+0085 inside a string is legal JSON,
    # and str.splitlines() would cut the line there.
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if not any(line.strip() for line in lines):
        raise InputError(f"{path} is empty: expected one JSON object per line")
    out: list[tuple[int, Any | None, str | None]] = []
    last = max((n for n, line in enumerate(lines, start=1) if line.strip()), default=0)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            if number < last:  # a blank line inside the file still gets its output line
                out.append((number, None, f"line {number}: empty line"))
            continue
        try:
            out.append((number, _without_surrogates(json.loads(line)), None))
        except json.JSONDecodeError as exc:
            # json's messages end in "at" where they give a position ("Unterminated string
            # starting at"): finish the sentence with the column.
            where = f"{exc.msg} column {exc.colno}" if exc.msg.endswith(" at") else exc.msg
            out.append(
                (number, None, f"line {number}, column {exc.colno}: not valid JSON ({where})")
            )
    return out


def _without_surrogates(value: Any) -> Any:
    """A parsed JSON value with lone surrogates ("\\ud800", legal JSON, not text) in its
    strings replaced by U+FFFD, so no later step (tokenizer, output) trips on them."""
    if isinstance(value, str):
        return without_surrogates(value)
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


MAX_REPORTED = 10  # bad lines listed one by one; the rest are counted


def read_answers(path: str) -> list[str]:
    """The answers of a `simulate` file (lines of {"answer": "..."}); bad lines reported.

    Blank lines are skipped. A whole JSON document (not one object per line) gets a hint.
    """
    rows = read_jsonl(path)
    if len(rows) > 1 and any(error for _, _, error in rows):
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        try:
            json.loads(text)  # several lines that only parse together: a pretty-printed file
        except json.JSONDecodeError:
            pass
        else:
            raise InputError(
                f"{path} is one JSON document over several lines; simulate reads JSONL: one "
                '{"answer": "..."} object per line'
            )
    answers: list[str] = []
    problems: list[str] = []
    for number, obj, error in rows:
        if error and error.endswith(": empty line"):
            continue  # a blank line between answers is harmless
        if error:
            problems.append(error)
        elif not isinstance(obj, dict) or not isinstance(obj.get("answer"), str):
            problems.append(f'line {number}: expected {{"answer": "..."}}')
        else:
            answers.append(obj["answer"])
    if problems:  # report the bad lines at once, and run nothing on a half-read file
        shown = problems[:MAX_REPORTED]
        more = len(problems) - len(shown)
        tail = f"\n  ... and {more} more" if more else ""
        raise InputError(f"{path}: {len(problems)} bad line(s):\n  " + "\n  ".join(shown) + tail)
    return answers
