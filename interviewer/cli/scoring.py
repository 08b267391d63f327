"""Scoring commands: score-answers (a JSONL file of answers) and score (a transcript file)."""

from __future__ import annotations

import argparse
import json
import sys

from ..markdown import for_terminal
from ..service import InterviewService
from ..transcripts import read_transcript_file
from .io import emit, read_jsonl


def cmd_score_answers(ws: InterviewService, args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ..scoring.batch import score_answer_lines

    rows = read_jsonl(args.file)
    failures = 0
    lines = score_answer_lines(rows, ws.settings.max_answer_chars, ws.reader)
    # A progress bar on a terminal for big files; never mixed into stdout or a pipe.
    show = sys.stderr.isatty() and len(rows) >= 500
    for line in tqdm(lines, total=len(rows), unit="answer", file=sys.stderr, disable=not show):
        failures += "error" in line
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    if failures:
        print(
            f"{failures} of {len(rows)} lines could not be scored (see their error lines)",
            file=sys.stderr,
        )
    # Nothing scored at all is a failure even without --strict: a script should notice.
    return 2 if failures and (args.strict or failures == len(rows)) else 0


def cmd_score(ws: InterviewService, args: argparse.Namespace) -> int:
    transcript = read_transcript_file(args.transcript)
    card = ws.score_transcript(transcript)
    if args.markdown or not args.json:
        print(for_terminal(card.to_markdown()))
    else:
        emit(card.model_dump(mode="json"))
    return 0


def cmd_calibrate(ws: InterviewService, args: argparse.Namespace) -> int:
    from ..calibration import calibrate, parse_labels

    rows = parse_labels(read_jsonl(args.labels))
    result = calibrate(rows, ws.reader, ws.settings.max_answer_chars)
    if args.json:
        emit(result.model_dump(mode="json"))
    else:
        print(for_terminal(result.to_markdown()))
    return 0
