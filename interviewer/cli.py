"""Command line: `interviewer COMMAND ...`. JSON on stdout with --json; errors on stderr.

Exit codes: 0 success, 2 bad input (unknown id, unreadable or malformed file, bad option),
1 any other failure. Exceptions become one-line messages here, never tracebacks
(set INTERVIEWER_DEBUG=1 to see them).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import DataFileError, InputError, InterviewerError, NotFoundError
from .models import LEVELS, Transcript
from .workspace import Workspace

BAD_INPUT = (InputError, DataFileError, NotFoundError)


def _emit(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def read_text_file(path: str | None, what: str) -> str | None:
    """Read a user-supplied text file (JD, resume), with a clear error when it can't be read."""
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read {what} file {path}: {exc.strerror or exc}") from exc


def read_jsonl(path: str) -> list[tuple[int, Any | None, str | None]]:
    """(line number, parsed object or None, error or None) for each non-blank line."""
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    out: list[tuple[int, Any | None, str | None]] = []
    last = max((n for n, line in enumerate(lines, start=1) if line.strip()), default=0)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            if number < last:  # a blank line inside the file still gets its output line
                out.append((number, None, f"line {number}: empty line"))
            continue
        try:
            out.append((number, json.loads(line), None))
        except json.JSONDecodeError as exc:
            out.append((number, None, f"line {number}: not valid JSON ({exc.msg})"))
    return out


# -- content commands ---------------------------------------------------------------------------
def cmd_personas(ws: Workspace, args: argparse.Namespace) -> int:
    rows = [
        {
            "id": p.id,
            "name": p.name,
            "kind": p.kind,
            "duration_minutes": p.duration_minutes,
            "rubric": p.rubric,
        }
        for p in sorted(ws.bank.personas.values(), key=lambda p: p.id)
    ]
    if args.json:
        _emit(rows)
    else:
        for r in rows:
            print(
                f"{r['id']:<18} {r['name']:<34} {r['duration_minutes']:>3} min  rubric {r['rubric']}"
            )
    return 0


def cmd_questions(ws: Workspace, args: argparse.Namespace) -> int:
    qs = ws.bank.questions.values()
    if args.persona:
        ws.bank.persona(args.persona)
        qs = ws.bank.questions_for(args.persona)
    rows = [
        {
            "id": q.id,
            "text": q.text,
            "kind": q.kind,
            "topics": q.topics,
            "levels": q.levels,
            "personas": q.personas,
        }
        for q in qs
    ]
    if args.json:
        _emit(rows)
    else:
        for r in rows:
            print(f"{r['id']:<28} [{', '.join(r['topics'])}]\n    {r['text']}")
        print(f"{len(rows)} questions", file=sys.stderr)
    return 0


def cmd_rubrics(ws: Workspace, args: argparse.Namespace) -> int:
    rows = [
        {
            "id": r.id,
            "name": r.name,
            "criteria": [
                {
                    "id": c.id,
                    "name": c.name,
                    "weight": c.weight,
                    "signals": c.signals,
                    "anchors": {str(k): v for k, v in sorted(c.anchors.items())},
                    "evidence": {str(k): v for k, v in sorted(c.evidence.items())},
                    "red_flags": c.red_flags,
                }
                for c in r.criteria
            ],
        }
        for r in sorted(ws.bank.rubrics.values(), key=lambda r: r.id)
    ]
    if args.json:
        _emit(rows)
    else:
        for r in rows:
            print(f"{r['id']}: {r['name']}")
            for c in r["criteria"]:
                print(f"  {c['weight']:.2f}  {c['name']}")
    return 0


def cmd_ingest(ws: Workspace, args: argparse.Namespace) -> int:
    report = ws.ingest(progress=not args.quiet)
    q, c = report.questions, report.criteria
    print(
        f"questions: {q.added} added, {q.updated} updated, {q.unchanged} unchanged, "
        f"{q.removed} removed; criteria: {c.added} added, {c.updated} updated, "
        f"{c.unchanged} unchanged, {c.removed} removed. Store: {ws.settings.resolved_store_path()}"
    )
    return 0


def cmd_search(ws: Workspace, args: argparse.Namespace) -> int:
    if not args.query.strip():
        raise InputError("the search query is empty; say what you are looking for")
    if args.k < 1:
        raise InputError("--k must be at least 1")
    if args.persona:
        ws.bank.persona(args.persona)
    store = ws.open_store(progress=not args.json)
    hits = store.search(args.query, k=args.k, persona=args.persona, level=args.level)
    rows = [
        {"id": h.id, "text": h.text, "topics": h.topics, "distance": round(h.distance, 4)}
        for h in hits
    ]
    if args.json:
        _emit(rows)
    else:
        for r in rows:
            print(f"{r['distance']:.3f}  {r['id']}: {r['text']}")
    return 0


def cmd_plan(ws: Workspace, args: argparse.Namespace) -> int:
    plan = ws.plan(
        args.persona,
        args.role,
        args.level,
        read_text_file(args.jd, "job description"),
        read_text_file(args.resume, "resume"),
        progress=not args.json,
    )
    if args.json:
        _emit(
            {
                "persona": plan.persona,
                "skills": plan.skills,
                "questions": [q.model_dump() for q in plan.questions],
            }
        )
    else:
        print(f"Persona: {plan.persona}")
        if plan.skills:
            print(f"Skills found: {', '.join(plan.skills)}")
        for i, q in enumerate(plan.questions, 1):
            print(f"{i}. {q.text}\n   ({q.why})")
    return 0


def cmd_follow_up(ws: Workspace, args: argparse.Namespace) -> int:
    from .followup import decide_follow_up

    if not args.question.strip():
        raise InputError("--question is empty; pass the question that was asked")
    persona = ws.bank.persona(args.persona) if args.persona else None
    decision = decide_follow_up(ws, args.question, args.answer, persona)
    if args.json:
        _emit(decision.model_dump())
    else:
        print(decision.text)
        print(
            f"(present: {', '.join(decision.present) or 'none'}; "
            f"missing: {', '.join(decision.missing) or 'none'})",
            file=sys.stderr,
        )
    return 0


def cmd_simulate(ws: Workspace, args: argparse.Namespace) -> int:
    from .terminal import simulate

    rows = read_jsonl(args.answers)
    answers: list[str] = []
    problems: list[str] = []
    for number, obj, error in rows:
        if error:
            problems.append(error)
        elif not isinstance(obj, dict) or not isinstance(obj.get("answer"), str):
            problems.append(f'line {number}: expected {{"answer": "..."}}')
        else:
            answers.append(obj["answer"])
    if problems:  # report every bad line at once, and run nothing on a half-read file
        raise InputError(
            f"{args.answers}: {len(problems)} bad line(s):\n  " + "\n  ".join(problems)
        )
    result, card = simulate(
        ws,
        args.persona,
        answers,
        read_text_file(args.jd, "job description"),
        args.role,
        args.level,
        read_text_file(args.resume, "resume"),
    )
    if args.json:
        _emit(result)
    else:
        for t in result["turns"]:
            who = "Interviewer" if t["role"] == "interviewer" else "You"
            print(f"{who} [{t['kind']}]: {t['text']}\n")
        print(card.to_markdown())
    return 0


def cmd_chat(ws: Workspace, args: argparse.Namespace) -> int:
    from .terminal import chat

    return chat(
        ws,
        args.persona,
        args.role,
        args.level,
        read_text_file(args.jd, "job description"),
        read_text_file(args.resume, "resume"),
    )


def cmd_drill(ws: Workspace, args: argparse.Namespace) -> int:
    from .terminal import drill

    return drill(ws, args.persona, args.topic, args.level)


def cmd_score_answers(ws: Workspace, args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from .scoring.batch import score_answer_lines

    rows = read_jsonl(args.file)
    failures = 0
    lines = score_answer_lines(rows)
    # A progress bar on a terminal for big files; never mixed into stdout or a pipe.
    show = sys.stderr.isatty() and len(rows) >= 500
    for line in tqdm(lines, total=len(rows), unit="answer", file=sys.stderr, disable=not show):
        failures += "error" in line
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 2 if failures and args.strict else 0


def cmd_score(ws: Workspace, args: argparse.Namespace) -> int:
    try:
        raw = Path(args.transcript).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read {args.transcript}: {exc.strerror or exc}") from exc
    try:
        transcript = Transcript.model_validate_json(raw)
    except ValueError as exc:
        first = str(exc).splitlines()
        raise InputError(f"{args.transcript}: not a transcript ({' '.join(first[:3])})") from exc
    card = ws.score(transcript)
    if args.markdown or not args.json:
        print(card.to_markdown())
    else:
        _emit(card.model_dump(mode="json"))
    return 0


# -- parser --------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interviewer", description="Offline mock interviews that probe for depth."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Any, help_: str, json_flag: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=func)
        if json_flag:
            p.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
        return p

    def interview_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--role", help="the role you are practising for, e.g. 'backend engineer'")
        p.add_argument("--level", choices=LEVELS, help="seniority of the role")
        p.add_argument("--jd", metavar="FILE", help="a job description (text file)")
        p.add_argument("--resume", metavar="FILE", help="your resume (text file)")

    add("personas", cmd_personas, "list the interview personas")
    p = add("questions", cmd_questions, "list questions in the bank")
    p.add_argument("--persona", help="only questions this persona asks")
    add("rubrics", cmd_rubrics, "list the rubrics and their anchors")
    p = add("ingest", cmd_ingest, "build or update the question store", json_flag=False)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
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
    p = add("drill", cmd_drill, "one question, one probe, then your score", json_flag=False)
    p.add_argument("--persona", default=None)
    p.add_argument("--topic", default=None, help="e.g. caching, incident response")
    p.add_argument("--level", choices=LEVELS)
    p = add("score-answers", cmd_score_answers, "score answers from a JSONL file")
    p.add_argument("file", metavar="FILE.jsonl", help='lines of {"id","question","answer"}')
    p.add_argument("--strict", action="store_true", help="exit 2 if any line had an error")
    p = add("score", cmd_score, "score a transcript (the format simulate --json prints)", False)
    p.add_argument("transcript", metavar="TRANSCRIPT.json")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")
    fmt.add_argument("--markdown", action="store_true", help="Markdown scorecard (the default)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(Workspace(), args) or 0)
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


if __name__ == "__main__":
    raise SystemExit(main())
