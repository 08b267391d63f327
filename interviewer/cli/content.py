"""Content commands: personas, questions, rubrics, ingest, search, plan."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import InputError
from ..service import InterviewService
from .io import emit, read_text_file


def cmd_personas(ws: InterviewService, args: argparse.Namespace) -> int:
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
        emit(rows)
    else:
        for r in rows:
            print(
                f"{r['id']:<18} {r['name']:<34} {r['duration_minutes']:>3} min  rubric {r['rubric']}"
            )
    return 0


def cmd_questions(ws: InterviewService, args: argparse.Namespace) -> int:
    kinds = ws.bank.persona(args.persona).question_kinds if args.persona else None
    if args.json:
        # one question per line, streamed: a bank of 100,000 lists in about a second
        sys.stdout.write("[\n" + ",\n".join(ws.bank.questions.summaries_json(kinds)) + "\n]\n")
    else:
        rows = list(ws.bank.questions.summaries(kinds))
        for r in rows:
            print(f"{r['id']:<28} [{', '.join(r['topics'])}]\n    {r['text']}")
        print(f"{len(rows)} questions", file=sys.stderr)
    return 0


def cmd_rubrics(ws: InterviewService, args: argparse.Namespace) -> int:
    rows: list[dict[str, Any]] = [
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
        emit(rows)
    else:
        for r in rows:
            print(f"{r['id']}: {r['name']}")
            for c in r["criteria"]:
                print(f"  {c['weight']:.2f}  {c['name']}")
    return 0


def cmd_ingest(ws: InterviewService, args: argparse.Namespace) -> int:
    if args.workers < 1:
        raise InputError("--workers must be at least 1")
    # a progress bar on a terminal only: in a log it is a line of carriage returns
    progress = not args.quiet and sys.stderr.isatty()
    report = ws.ingest(progress=progress, workers=args.workers)
    if ws.settings.embedder == "minilm":
        # the off-topic check's reference questions, embedded now rather than on a first answer
        ws.reader.warm_references(progress=progress)
    q, c = report.questions, report.criteria
    print(
        f"questions: {q.added} added, {q.updated} updated, {q.unchanged} unchanged, "
        f"{q.removed} removed; criteria: {c.added} added, {c.updated} updated, "
        f"{c.unchanged} unchanged, {c.removed} removed. Store: "
        f"{ws.settings.chroma_url or ws.settings.resolved_store_path()}"
    )
    return 0


MAX_K = 1_000  # results per search: more is a listing (`questions --json`), not a search


def cmd_search(ws: InterviewService, args: argparse.Namespace) -> int:
    if not args.query.strip():
        raise InputError("the search query is empty; say what you are looking for")
    if not 1 <= args.k <= MAX_K:
        raise InputError(f"--k must be from 1 to {MAX_K}")
    if args.persona:
        ws.bank.persona(args.persona)
    store = ws.open_store(progress=not args.json)
    hits = store.search(args.query, k=args.k, persona=args.persona, level=args.level)
    rows = [
        {"id": h.id, "text": h.text, "topics": h.topics, "distance": round(h.distance, 4)}
        for h in hits
    ]
    if args.json:
        emit(rows)
    else:
        for r in rows:
            print(f"{r['distance']:.3f}  {r['id']}: {r['text']}")
    return 0


def cmd_plan(ws: InterviewService, args: argparse.Namespace) -> int:
    plan = ws.plan(
        args.persona,
        args.role,
        args.level,
        read_text_file(args.jd, "job description"),
        read_text_file(args.resume, "resume"),
        time_box=args.time_box,
        progress=not args.json,
    )
    if args.json:
        emit(
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


def cmd_hash_password(ws: InterviewService, args: argparse.Namespace) -> int:
    """Print a `name:hash` entry for INTERVIEWER_COACH_CREDENTIALS (or the candidate one)."""
    import getpass

    from ..auth import hash_password

    name = args.name.strip()
    if not name or ":" in name or "," in name:
        raise InputError("the name must be non-empty, without ':' or ','")
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise InputError("the two passwords differ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    print(f"{name}:{hash_password(password)}")
    return 0
