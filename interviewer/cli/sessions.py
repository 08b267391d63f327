"""Interview commands: follow-up, simulate, chat, drill, and the stored transcripts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InputError
from ..markdown import for_terminal
from ..service import InterviewService
from ..transcripts import (
    read_scorecard,
    read_transcript_file,
    transcript_json,
    transcript_markdown,
)
from .io import emit, read_answers, read_text_file


def cmd_follow_up(ws: InterviewService, args: argparse.Namespace) -> int:
    decision = ws.follow_up(args.question, args.answer, args.persona)
    if args.json:
        emit(decision.model_dump())
    else:
        print(decision.text)
        print(
            f"(present: {', '.join(decision.present) or 'none'}; "
            f"missing: {', '.join(decision.missing) or 'none'})",
            file=sys.stderr,
        )
    return 0


def cmd_simulate(ws: InterviewService, args: argparse.Namespace) -> int:
    answers = read_answers(args.answers)
    transcript, card = ws.simulate(
        answers,
        args.persona,
        args.role,
        args.level,
        read_text_file(args.jd, "job description"),
        read_text_file(args.resume, "resume"),
    )
    if args.json:
        emit(transcript_json(transcript, card))
    else:
        for t in transcript.turns:
            who = "Interviewer" if t.role == "interviewer" else "You"
            print(f"{who} [{t.kind}]: {t.text}\n")
        print(for_terminal(card.to_markdown()))
        print(f"Stored as session {transcript.id}", file=sys.stderr)
    return 0


def cmd_chat(ws: InterviewService, args: argparse.Namespace) -> int:
    from ..terminal import chat

    if args.resume_id:
        return chat(ws, resume_id=args.resume_id)
    return chat(
        ws,
        persona=args.persona,
        role=args.role,
        level=args.level,
        jd=read_text_file(args.jd, "job description"),
        resume=read_text_file(args.resume, "resume"),
        time_box=args.time_box,
    )


def cmd_drill(ws: InterviewService, args: argparse.Namespace) -> int:
    from ..terminal import drill

    return drill(ws, args.persona, args.topic, args.level)


def cmd_transcripts(ws: InterviewService, args: argparse.Namespace) -> int:
    action = getattr(args, "action", None)
    if action == "show":
        return _show(ws, args)
    if action == "export":
        return _export(ws, args)
    if action == "import":
        return _import(ws, args)
    owner = None if getattr(args, "all", False) else ws.settings.owner
    sessions = ws.list_sessions(owner)
    rows = [
        {
            "session_id": s.id,
            "persona": s.persona,
            "started": s.created_at.isoformat(timespec="seconds"),
            "answers": s.answers,
            "finished": s.status == "finished",
            **({"owner": s.owner} if owner is None else {}),
        }
        for s in sessions
    ]
    if args.json:
        emit(rows)
        return 0
    if not rows:
        hint = "" if owner is None else f" for owner {owner!r} (`--all` lists every owner's)"
        print(f"No transcripts yet{hint}. Start one with: interviewer chat", file=sys.stderr)
        return 0
    for r, s in zip(rows, sessions, strict=True):
        score = f"{s.overall:.1f}/5" if s.overall is not None else "-"
        state = "finished" if r["finished"] else "unfinished"
        answers = f"{r['answers']:>2} answer{'' if r['answers'] == 1 else 's'}"
        whose = f"  {s.owner}" if owner is None else ""
        print(
            f"{r['session_id']}  {r['started']}  {r['persona']:<18} "
            f"{answers:<10} {state:<10} {score}{whose}"
        )
    return 0


def _show(ws: InterviewService, args: argparse.Namespace) -> int:
    session_id = ws.resolve(args.session_id)
    transcript = ws.get(session_id)
    card = ws.scorecard(session_id)
    if args.json:
        emit(transcript_json(transcript, card))
    else:
        text = transcript_markdown(transcript, card)
        # Read in a terminal, Markdown's escapes are noise; piped or redirected, they stay.
        print(for_terminal(text) if sys.stdout.isatty() else text, end="")
    return 0


def _export(ws: InterviewService, args: argparse.Namespace) -> int:
    session_id = ws.resolve(args.session_id)
    transcript = ws.get(session_id)
    card = ws.scorecard(session_id)
    if args.format == "json":
        import json

        text = json.dumps(transcript_json(transcript, card), ensure_ascii=False, indent=2) + "\n"
    else:
        text = transcript_markdown(transcript, card)
    if not args.output:
        sys.stdout.write(text)
        return 0
    path = Path(args.output)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    print(f"Exported session {session_id} to {path}", file=sys.stderr)
    return 0


def _import(ws: InterviewService, args: argparse.Namespace) -> int:
    transcript = read_transcript_file(args.file)
    session_id = ws.import_transcript(transcript, card=read_scorecard(args.file))
    if args.json:
        emit({"session_id": session_id})
    else:
        print(f"Imported {args.file} as session {session_id}")
    return 0
