"""Command line: `interviewer COMMAND ...`. JSON on stdout with --json; errors on stderr.

Exit codes: 0 success, 2 bad input (unknown id, unreadable or malformed file, bad option),
1 any other failure. Exceptions become one-line messages here, never tracebacks
(set INTERVIEWER_DEBUG=1 to see them). Every command goes through ``InterviewService``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from ..errors import DataFileError, InputError, InterviewerError, NotFoundError
from ..models import LEVELS
from .content import (
    cmd_hash_password,
    cmd_ingest,
    cmd_personas,
    cmd_plan,
    cmd_questions,
    cmd_rubrics,
    cmd_search,
)
from .evals import add_eval_parser
from .scoring import cmd_calibrate, cmd_score, cmd_score_answers
from .sessions import cmd_chat, cmd_drill, cmd_follow_up, cmd_simulate, cmd_transcripts

BAD_INPUT = (InputError, DataFileError, NotFoundError)


MODEL_FLAGS = (  # flag, Settings field, help; each overrides its INTERVIEWER_* variable
    ("--provider", "provider", "who words the interviewer's turns (INTERVIEWER_PROVIDER)"),
    ("--model", "model", "model name for a model provider (INTERVIEWER_MODEL)"),
    ("--judge-provider", "judge_provider", "who scores transcripts (INTERVIEWER_JUDGE_PROVIDER)"),
    ("--judge-model", "judge_model", "model for the judge (INTERVIEWER_JUDGE_MODEL)"),
)


def _model_flags() -> argparse.ArgumentParser:
    """The provider and model options, accepted before or after the command."""
    from ..providers import REGISTRY

    flags = argparse.ArgumentParser(add_help=False)
    group = flags.add_argument_group("model provider")
    for flag, dest, help_ in MODEL_FLAGS:
        names = sorted(REGISTRY) if dest.endswith("provider") else None
        group.add_argument(flag, dest=dest, default=argparse.SUPPRESS, choices=names, help=help_)
    return flags


def build_parser() -> argparse.ArgumentParser:
    flags = _model_flags()
    parser = argparse.ArgumentParser(
        prog="interviewer",
        description="Offline mock interviews that probe for depth.",
        parents=[flags],
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Any, help_: str, json_flag: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_, parents=[flags])
        p.set_defaults(func=func)
        if json_flag:
            p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
        return p

    def interview_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--role", help="the role you are practising for, e.g. 'backend engineer'")
        p.add_argument("--level", choices=LEVELS, help="seniority of the role")
        p.add_argument("--jd", metavar="FILE", help="a job description (text file)")
        p.add_argument("--resume", metavar="FILE", help="your resume (text file)")
        p.add_argument(
            "--time-box", type=int, metavar="MINUTES", help="interview length (5-180 minutes)"
        )

    add("personas", cmd_personas, "list the interview personas")
    p = add("questions", cmd_questions, "list questions in the bank")
    p.add_argument("--persona", help="only questions this persona asks")
    add("rubrics", cmd_rubrics, "list the rubrics and their anchors")
    p = add("ingest", cmd_ingest, "build or update the question store", json_flag=False)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="embed in N processes (one per core; default 1)",
    )
    p = add("search", cmd_search, "find questions by meaning")
    p.add_argument("query")
    p.add_argument("--k", type=int, default=5, help="how many results (default 5)")
    p.add_argument("--persona")
    p.add_argument("--level", choices=LEVELS)
    p = add("plan", cmd_plan, "plan an interview for a persona, role and job description")
    p.add_argument("--persona", help="default: the best fit for --jd, else fundamentals")
    interview_args(p)
    p = add("follow-up", cmd_follow_up, "decide the follow-up to one answer")
    p.add_argument("--question", required=True)
    p.add_argument("--answer", required=True)
    p.add_argument("--persona")
    p = add("simulate", cmd_simulate, "run a whole interview from a file of answers")
    p.add_argument("--persona", help="default: the best fit for --jd, else fundamentals")
    p.add_argument(
        "--answers", required=True, metavar="FILE.jsonl", help='lines of {"answer": "..."}'
    )
    interview_args(p)
    p = add("chat", cmd_chat, "an interactive interview in the terminal", json_flag=False)
    p.add_argument("--persona", help="default: the best fit for --jd, else fundamentals")
    interview_args(p)
    p.add_argument(
        "--resume-session",
        "--continue",
        dest="resume_id",
        metavar="SESSION_ID",
        help="continue a stored interview where it stopped (see `interviewer transcripts`)",
    )
    p = add("drill", cmd_drill, "one question, one probe, then your score", json_flag=False)
    p.add_argument("--persona", default=None)
    p.add_argument("--topic", default=None, help="e.g. caching, incident response")
    p.add_argument("--level", choices=LEVELS)
    p = add("score-answers", cmd_score_answers, "score answers from a JSONL file")
    p.add_argument(
        "file", metavar="FILE.jsonl", help='lines of {"id","question","answer"}; - for stdin'
    )
    p.add_argument("--strict", action="store_true", help="exit 2 if any line had an error")
    p = add("calibrate", cmd_calibrate, "agreement of the scorer with labels", json_flag=False)
    p.add_argument(
        "labels",
        nargs="?",
        metavar="LABELS.jsonl",
        help='lines of {"id","question","answer","label"} (1-5), scored by the configured judge',
    )
    p.add_argument(
        "--from-overrides",
        action="store_true",
        help="labels from coaches' overrides in the session database instead of a file",
    )
    p.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="score every answer N times with a model judge and report test-retest agreement",
    )
    p.add_argument("--chart", metavar="FILE.png", help="also draw the agreement (.png or .svg)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    fmt.add_argument("--markdown", action="store_true", help="a Markdown report (the default)")
    add_eval_parser(sub, [flags])
    p = add("score", cmd_score, "score a transcript (the format simulate --json prints)", False)
    p.add_argument("transcript", metavar="TRANSCRIPT.json")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    fmt.add_argument("--markdown", action="store_true", help="Markdown scorecard (the default)")
    p = add(
        "hash-password",
        cmd_hash_password,
        "hash a password for INTERVIEWER_COACH_CREDENTIALS (reads it from the terminal or stdin)",
        json_flag=False,
    )
    p.add_argument("name", help="the login name, e.g. a coach's first name")
    p = add("transcripts", cmd_transcripts, "list, show, export or import stored transcripts")
    p.add_argument(
        "--all",
        action="store_true",
        help="list every owner's sessions (the web app's too), not only INTERVIEWER_OWNER's",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    show = actions.add_parser("show", help="print one transcript (the simulate --json format)")
    show.add_argument("session_id", metavar="SESSION_ID", help="an id, or a unique prefix")
    fmt = show.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON (the simulate --json format)")
    fmt.add_argument("--markdown", action="store_true", help="Markdown (the default)")
    export = actions.add_parser("export", help="write one transcript as Markdown or JSON")
    export.add_argument("session_id", metavar="SESSION_ID")
    export.add_argument("--format", choices=("md", "json"), default="md")
    export.add_argument("--output", "-o", metavar="FILE", help="default: standard output")
    imp = actions.add_parser("import", help="store a transcript file (also from older versions)")
    imp.add_argument("file", metavar="FILE.json")
    imp.add_argument("--json", action="store_true", help="print the new session id as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = _parse(parser, argv)
    try:
        _one_blas_thread()
        from ..service import InterviewService

        return int(args.func(InterviewService(_settings(args)), args) or 0)
    except BAD_INPUT as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except InterviewerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the edge: never show a traceback to a user
        if os.environ.get("INTERVIEWER_DEBUG"):
            raise
        print(
            f"error: unexpected {type(exc).__name__}: {exc} (set INTERVIEWER_DEBUG=1 for "
            "details and please report it)",
            file=sys.stderr,
        )
        return 1


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # `chat --resume ID` continues a session; `chat --resume FILE` is a resume document. An
    # argument that names no file but looks like a session id is taken as the session.
    if "chat" in args_list[:1] and "--resume" in args_list:
        i = args_list.index("--resume")
        if i + 1 < len(args_list) and not os.path.exists(args_list[i + 1]):
            args_list[i] = "--resume-session"
    return parser.parse_args(args_list)


def _settings(args: argparse.Namespace | None = None) -> Any:
    """The settings from the environment and the provider/model flags; a bad value is an
    InputError naming the variable."""
    from pydantic import ValidationError

    from ..config import Settings

    overrides = {dest: getattr(args, dest) for _, dest, _ in MODEL_FLAGS if hasattr(args, dest)}
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        e = exc.errors(include_url=False)[0]
        field = str(e["loc"][0]) if e["loc"] else "*"
        # SDK variables (OPENAI_BASE_URL...) are read under their own, upper-case names
        name = field if field.isupper() else "INTERVIEWER_" + field.upper()
        raise InputError(f"{name}: {e['msg']} (got {e.get('input')!r})") from None


def _one_blas_thread() -> None:
    """One BLAS thread per worker: many sessions run in parallel threads or processes, and
    MiniLM's small matrix products gain nothing from threads competing for the same cores."""
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
    except Exception:  # an unusual BLAS build: speed only, never a reason to fail
        pass
