"""Terminal front ends: `simulate` (scripted answers), `chat` (interactive) and `drill`.

Transcripts of interactive sessions are saved after every turn under <home>/transcripts, so a
crash or Ctrl-C loses nothing.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .agent import InterviewSession
from .errors import InputError
from .models import Level, Plan, PlannedQuestion, Transcript
from .scoring.answer import score_answer
from .scoring.scorecard import Scorecard
from .workspace import Workspace

HELP = "Type your answer and press Enter twice to send. Commands: /skip, /end, /help."
FAR_TOPIC_DISTANCE = 0.75  # cosine distance beyond which a topic match is only nominal
KNOWN_COMMANDS = {"/help", "/skip", "/next", "/end", "/quit", "/exit", "/stop"}


def save_transcript(folder: Path, name: str, transcript: Transcript) -> Path:
    """Write atomically (temp file, then rename) so a crash never leaves half a file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(transcript.model_dump_json(indent=2))
    os.replace(tmp, path)
    return path


def _turn_dict(turn: Any) -> dict[str, Any]:
    return {
        "role": turn.role,
        "kind": turn.kind,
        "text": turn.text,
        "question_id": turn.question_id,
        "target": turn.target,
        "notes": turn.notes,
    }


def simulate(
    ws: Workspace,
    persona: str | None,
    answers: list[str],
    jd: str | None = None,
    role: str | None = None,
    level: Level | None = None,
    resume: str | None = None,
) -> tuple[dict[str, Any], Scorecard]:
    """Run a whole interview with the given candidate replies; ends when they run out."""
    plan = ws.plan(persona, role, level, jd, resume, progress=False)
    session = InterviewSession(ws.bank, plan, ws.provider, ws.settings.max_answer_chars)
    session.start()
    for answer in answers:
        if session.finished:
            break
        session.reply(answer)
    if not session.finished:
        session.end()
    card = ws.score(session.transcript)
    result = {
        "persona": plan.persona,
        "turns": [_turn_dict(t) for t in session.transcript.turns],
        "ended_by": session.transcript.ended_by,
        "scorecard": card.model_dump(mode="json"),
    }
    return result, card


def _read_answer(prompt: str = "> ") -> str | None:
    """Read a multi-line answer ended by an empty line; None on end of input."""
    lines: list[str] = []
    while True:
        try:
            line = input(prompt if not lines else "  ")
        except EOFError:
            return "\n".join(lines) if lines else None
        if line.strip().startswith("/") and not lines:
            return line.strip()
        if not line.strip():
            if lines:
                return "\n".join(lines)
            continue
        lines.append(line)


def _show(turns: list[Any]) -> None:
    for t in turns:
        print(f"\nInterviewer: {t.text}\n", flush=True)


def chat(
    ws: Workspace,
    persona: str | None,
    role: str | None,
    level: Level | None,
    jd: str | None,
    resume: str | None,
) -> int:
    """The interactive interview in the terminal; prints the scorecard at the end."""
    print("Preparing your interview (the first run builds the question store)...", file=sys.stderr)
    plan = ws.plan(persona, role, level, jd, resume)
    session = InterviewSession(ws.bank, plan, ws.provider, ws.settings.max_answer_chars)
    name = time.strftime("%Y%m%d-%H%M%S") + f"-{plan.persona}"
    folder = ws.settings.resolved_home() / "transcripts"
    print(f"\n{ws.bank.persona(plan.persona).name} interview. {HELP}")
    _show(session.start())
    try:
        while not session.finished:
            answer = _read_answer()
            if answer is None:
                _show(session.end())
                break
            command = answer.strip().lower()
            if command == "/help":
                print(HELP)
                continue
            if command.startswith("/") and command.split()[0] not in KNOWN_COMMANDS:
                print(f"Unknown command {command.split()[0]!r}. {HELP}")
                continue
            _show(session.reply(answer))
            save_transcript(folder, name, session.transcript)
    except KeyboardInterrupt:
        print("\n(Interview ended early.)")
        session.end()
    path = save_transcript(folder, name, session.transcript)
    card = ws.score(session.transcript)
    print(card.to_markdown())
    print(f"Transcript saved to {path}\nScore it again with: interviewer score {path}")
    return 0


def drill(ws: Workspace, persona: str | None, topic: str | None, level: Level | None) -> int:
    """One question, the answer, one probe, then the answer's score and feedback."""
    bank = ws.bank
    pool = list(bank.questions_for(persona) if persona else bank.questions.values())
    if persona:
        bank.persona(persona)
    if topic:
        store = ws.open_store()
        hits = store.search(topic, k=5, persona=persona, level=level)
        if not hits:
            raise InputError(f"no question found for topic {topic!r}")
        question = bank.question(hits[0].id)
        if hits[0].distance > FAR_TOPIC_DISTANCE:
            print(f"No question is close to {topic!r}; here is the nearest one.")
    else:
        pool = [q for q in pool if level is None or level in q.levels] or pool
        question = pool[int(time.time()) % len(pool)]
    owner = persona or (question.personas[0] if question.personas else "fundamentals")
    plan = Plan(
        persona=owner,
        questions=[
            PlannedQuestion(id=question.id, text=question.text, topics=question.topics, why="drill")
        ],
    )
    session = InterviewSession(bank, plan, ws.provider, ws.settings.max_answer_chars)
    session.persona = session.persona.model_copy(update={"probes_per_question": 1})
    first = session.start()[0]
    print(f"\nInterviewer: {question.text}\n")
    del first
    answers: list[str] = []
    while len(answers) < 2 and not session.finished:
        answer = _read_answer()
        if answer is None or answer.lower() in {"/end", "/quit"}:
            break
        turns = session.reply(answer)
        if any("reask" in t.notes for t in turns):
            _show(turns)
            continue
        answers.append(answer)
        if len(answers) == 1 and turns and turns[0].kind in {"follow_up", "wrench"}:
            _show(turns)
        else:
            break
    if not answers:
        print("No answer given; nothing to score.")
        return 0
    score = score_answer(
        question.text,
        "\n\n".join(answers),
        kind=question.kind,
        topics=question.topics,
        max_chars=ws.settings.max_answer_chars,
    )
    print(f"\nScore: {score.overall:.1f} / 5")
    print("  " + ", ".join(f"{d} {v}" for d, v in score.dimensions.items()))
    print(f"\n{score.feedback}")
    for line in score.stronger_answer:
        print(f"  - {line}")
    if score.flags:
        print(f"Flags: {', '.join(score.flags)}")
    return 0
