"""`interviewer eval`: run the YAML eval cases, print a summary, write the reports."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ..errors import InputError
from ..service import InterviewService


def add_eval_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    help_ = "run the rubric eval cases (evals/cases/*.yaml) and check their expectations"
    p = sub.add_parser("eval", help=help_, description=help_, parents=parents)
    p.set_defaults(func=cmd_eval)
    p.add_argument("--cases", metavar="DIR", help="folder of case files (default: evals/cases)")
    p.add_argument(
        "-k",
        dest="pattern",
        metavar="PATTERN",
        help="only cases whose id or file name contains PATTERN",
    )
    p.add_argument(
        "--workers", type=int, default=2, metavar="N", help="cases run at once (default 2)"
    )
    p.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="run each case N times; reports a standard error",
    )
    p.add_argument("--junit", metavar="FILE", help="write JUnit XML (one testcase per expectation)")
    p.add_argument("--json", dest="json_file", metavar="FILE", help="write the JSON report")
    p.add_argument("--markdown", metavar="FILE", help="write a Markdown report")
    p.add_argument("--html", metavar="FILE", help="write a self-contained HTML report")
    p.add_argument(
        "--baseline", metavar="FILE", help="an earlier --json report: print what changed"
    )
    p.add_argument("--schema", metavar="FILE", help="write the case file JSON Schema and exit")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def default_cases_dir(ws: InterviewService) -> Path:
    return Path(ws.settings.content_dir) / "evals" / "cases"


def cmd_eval(ws: InterviewService, args: argparse.Namespace) -> int:
    from ..evaluation.cases import Case, load_cases
    from ..evaluation.reports import (
        baseline_changes,
        summary_rows,
        to_html,
        to_markdown,
        write_json,
        write_junit,
    )
    from ..evaluation.runner import base_service, run_cases

    if args.schema:
        _write(args.schema, json.dumps(Case.model_json_schema(), indent=2) + "\n")
        print(f"wrote the case schema to {args.schema}", file=sys.stderr)
        return 0
    if args.workers < 1 or args.repeat < 1:
        raise InputError("--workers and --repeat must be at least 1")
    from . import MODEL_FLAGS

    given = [flag for flag, dest, _ in MODEL_FLAGS if hasattr(args, dest)]
    if given:
        raise InputError(
            f"eval does not take {', '.join(given)}: each case names its provider "
            "(provider: offline, scripted or replay in the case file)"
        )
    outputs = {"--junit": args.junit, "--json": args.json_file, "--markdown": args.markdown}
    outputs["--html"] = args.html
    for flag, path in outputs.items():
        if path:
            _check_writable(flag, path)  # before the run, so a typo does not waste it
    baseline = _read_baseline(args.baseline) if args.baseline else None
    folder = Path(args.cases) if args.cases else default_cases_dir(ws)
    try:
        cases = load_cases(folder, args.pattern)
    except FileNotFoundError as exc:
        raise InputError(f"{exc}; pass --cases DIR") from None
    if not cases:
        raise InputError(
            f"no case files matched in {folder}"
            + (f" for -k {args.pattern}" if args.pattern else "")
        )
    runs = sum(args.repeat if isinstance(c, Case) else 1 for c in cases)
    bar = None
    if not args.quiet and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=runs, desc="eval", unit="case", file=sys.stderr)
    base = (
        base_service(ws.settings, progress=bar is not None)
        if any(isinstance(c, Case) for c in cases)
        else None
    )

    def done(result: object) -> None:
        if bar is not None:
            bar.update(1)

    try:
        report = run_cases(cases, workers=args.workers, repeat=args.repeat, base=base, on_done=done)
    finally:
        if bar is not None:
            bar.close()
    for cid, status, score, failures in summary_rows(report):
        print(f"{status.upper():5}  {cid:40} {score}")
        for failure in failures:  # every failed expectation, not only the first
            print(f"       {failure}")
    t = report.totals()
    print(
        f"\n{t['passed_runs']}/{t['runs']} runs passed, {t['failed_expectations']} of "
        f"{t['expectations']} expectations failed, {t['errors']} case error(s), "
        f"{report.seconds:.1f} s"
    )
    try:
        if args.junit:
            write_junit(report, Path(args.junit))
        if args.json_file:
            write_json(report, Path(args.json_file))
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc.strerror or exc}") from None
    if args.markdown:
        _write(args.markdown, to_markdown(report))
    if args.html:
        _write(args.html, to_html(report))
    if baseline is not None:
        changes = baseline_changes(report, baseline, args.pattern)
        print(f"\nagainst {args.baseline}: " + ("no changes" if not changes else ""))
        for change in changes:
            print(f"  {change}")
    return 0 if report.passed else 1


def _read_baseline(path: str) -> dict[str, object]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the baseline {path}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"the baseline {path} is not JSON: {exc}") from None
    if not isinstance(data, dict) or "cases" not in data:
        raise InputError(f"the baseline {path} is not an `interviewer eval --json` report")
    return data


def _check_writable(flag: str, path: str) -> None:
    p = Path(path)
    if path == "-" or p.is_dir():
        raise InputError(f"{flag} {path}: give a file name to write the report to")
    _parent(path)
    if not os.access(p.parent, os.W_OK):
        raise InputError(f"{flag} {path}: the folder {p.parent} is not writable")


def _parent(path: str) -> Path:
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return p


def _write(path: str, text: str) -> None:
    try:
        _parent(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
