"""Scoring commands: score-answers (a JSONL file of answers), score (a transcript file) and
calibrate (agreement of the scorer with labels, from a file or from coaches' overrides)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from ..errors import InputError
from ..markdown import for_terminal
from ..service import InterviewService
from ..transcripts import read_transcript_file
from .io import emit, read_jsonl

if TYPE_CHECKING:
    from ..calibration_report import Calibration


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
    from ..calibration import MAX_REPEAT, calibrate_scored
    from ..calibration_report import check_chart, write_chart
    from ..calibration_sources import override_labels

    if args.labels and args.from_overrides:
        raise InputError("give either LABELS.jsonl or --from-overrides, not both")
    if not args.labels and not args.from_overrides:
        raise InputError(
            "give a LABELS.jsonl file, or --from-overrides to use coaches' overrides from the "
            "session database"
        )
    if not 1 <= args.repeat <= MAX_REPEAT:
        raise InputError(f"--repeat must be 1-{MAX_REPEAT}, not {args.repeat}")
    if args.from_overrides and args.repeat > 1:
        raise InputError(
            "--repeat scores a labels file's answers again; --from-overrides compares the "
            "scores already stored, so there is nothing to repeat"
        )
    chart = check_chart(args.chart) if args.chart else None  # before any (paid) scoring
    if args.from_overrides:
        result = calibrate_scored(
            override_labels(ws),
            "coach overrides in the session database, the latest override of each session's "
            "criterion against the machine score it replaced",
        )
    else:
        result = _calibrate_file(ws, args.labels, args.repeat)
    if args.json:
        emit(result.model_dump(mode="json"))
    else:
        print(for_terminal(result.to_markdown()))
    if chart is not None:
        write_chart(result, chart)
        print(f"chart written to {chart}", file=sys.stderr)
    return 0


def _calibrate_file(ws: InterviewService, path: str, repeat: int) -> Calibration:
    from tqdm import tqdm

    from ..calibration import calibrate, calls
    from ..calibration_sources import parse_labels, scorer_for

    rows = parse_labels(read_jsonl(path))
    scorer = scorer_for(ws, [r["question"] for r in rows])
    total = calls(len(rows), repeat, scorer.deterministic)
    # A model judge is slow (and repeats multiply it): a bar on a terminal, never on stdout.
    show = sys.stderr.isatty() and (not scorer.deterministic or total >= 500)
    with tqdm(
        total=total, unit="scoring", desc="calibrating", file=sys.stderr, disable=not show
    ) as bar:
        return calibrate(rows, scorer, repeat, tick=lambda: bar.update(), source_detail=path)
