"""The terminal chat and drill: read the candidate's input, show the interviewer's turns.

Everything else is the service's: every answer is stored before the reply is shown, so a crash
(or kill -9) loses nothing and `interviewer chat --resume SESSION_ID` continues where it stopped.

On a terminal, input goes through prompt_toolkit: a pasted block (paragraphs, code fences, any
length) arrives whole, because the terminal marks it as a paste; Enter on an empty line sends.
Piped input (tests, scripts) is read line by line and an empty line ends an answer.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from .errors import NotFoundError
from .models import Level, Turn

if TYPE_CHECKING:
    from .service import InterviewService

SEND_HELP = (
    "Type your answer; press Enter on an empty line to send (Esc then Enter sends at once). "
    "Pasted text, blank lines and code blocks included, stays one answer."
)
PIPE_HELP = "Finish each answer with an empty line."
COMMANDS_HELP = "Commands: /skip, /repeat, /end, /help."
KNOWN_COMMANDS = frozenset(
    {"/help", "/skip", "/next", "/repeat", "/end", "/quit", "/exit", "/stop"}
)

Reader = Callable[[], "str | None"]


def make_reader(interactive: bool | None = None) -> tuple[Reader, str]:
    """(a function that reads one answer or None at end of input, the help line to show)."""
    if interactive is None:
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if interactive:
        return _prompt_reader(), SEND_HELP
    return _read_piped_answer, PIPE_HELP


def _read_piped_answer() -> str | None:
    """Read a multi-line answer ended by an empty line; None on end of input."""
    lines: list[str] = []
    while True:
        line = sys.stdin.readline()
        if not line:
            return "\n".join(lines) if lines else None
        line = line.rstrip("\n")
        if line.strip().startswith("/") and not lines:
            return line.strip()
        if not line.strip():
            if lines:
                return "\n".join(lines)
            continue
        lines.append(line)


def _prompt_reader() -> Reader:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    @bindings.add("enter")
    def _enter(event) -> None:  # type: ignore[no-untyped-def]
        buffer = event.current_buffer
        text = buffer.text
        at_end = buffer.cursor_position == len(text)
        one_line_command = text.strip().startswith("/") and "\n" not in text.strip()
        in_fence = text.count("```") % 2 == 1
        if one_line_command or (at_end and text.strip() and text.endswith("\n") and not in_fence):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    @bindings.add("escape", "enter")
    def _send(event) -> None:  # type: ignore[no-untyped-def]
        event.current_buffer.validate_and_handle()

    session: PromptSession[str] = PromptSession(
        multiline=True, key_bindings=bindings, prompt_continuation="  "
    )

    def read() -> str | None:
        try:
            return session.prompt("> ").rstrip("\n")
        except EOFError:
            return None

    return read


def _show(turns: list[Turn]) -> None:
    for t in turns:
        print(f"\nInterviewer: {t.text}\n", flush=True)


def chat(
    ws: InterviewService,
    persona: str | None = None,
    role: str | None = None,
    level: Level | None = None,
    jd: str | None = None,
    resume: str | None = None,
    time_box: int | None = None,
    resume_id: str | None = None,
    reader: Reader | None = None,
) -> int:
    """The interactive interview in the terminal; prints the scorecard at the end."""
    read, send_help = (reader, SEND_HELP) if reader else make_reader()
    if resume_id:
        try:
            session_id = ws.resolve(resume_id)
        except NotFoundError:
            hint = " (and there is no resume file by that name)" if "." in resume_id else ""
            raise NotFoundError(
                f"no session {resume_id!r}{hint}; `interviewer transcripts` lists them"
            ) from None
        info = ws.info(session_id)
        if info.status == "finished":
            print(f"Session {session_id} is already finished; its scorecard:\n")
            print(ws.end(session_id).to_markdown())
            return 0
        name = ws.bank.persona(info.persona).name
        print(f"\nResuming your {name} interview (session {session_id}). {send_help}")
        print(COMMANDS_HELP)
        _show(ws.pending_turns(session_id))
    else:
        session_id, first = ws.start(persona, role, level, jd, resume, time_box, progress=True)
        name = ws.bank.persona(ws.info(session_id).persona).name
        print(f"\n{name} interview (session {session_id}). {send_help}")
        print(COMMANDS_HELP)
        _show(first)
    ended_early = False
    try:
        while ws.info(session_id).status != "finished":
            answer = read()
            if answer is None:
                ended_early = True
                break
            command = answer.strip().lower()
            if command == "/help":
                print(f"{send_help} {COMMANDS_HELP}")
                continue
            if command.startswith("/") and command.split()[0] not in KNOWN_COMMANDS:
                print(f"Unknown command {command.split()[0]!r}. {COMMANDS_HELP}")
                continue
            if command == "/repeat":
                _show(ws.repeat_question(session_id))
                continue
            _show(ws.reply(session_id, answer))
    except KeyboardInterrupt:
        ended_early = True
        print("\n(Interview ended early.)")
    card = ws.end(session_id)
    if ended_early:
        _show(_farewell(ws, session_id))
    print(card.to_markdown())
    print(
        f"Session {session_id} is stored. See it again with: "
        f"interviewer transcripts show {session_id}"
    )
    return 0


def _farewell(ws: InterviewService, session_id: str) -> list[Turn]:
    """The closing turn, if the candidate ended the interview (it was not shown yet)."""
    turns = ws.get(session_id).turns
    last = turns[-1] if turns else None
    return [last] if last is not None and "end" in last.notes else []


def drill(
    ws: InterviewService,
    persona: str | None,
    topic: str | None,
    level: Level | None,
    reader: Reader | None = None,
) -> int:
    """One question, the answer, one probe, then the answer's score and feedback."""
    read, send_help = (reader, SEND_HELP) if reader else make_reader()
    session_id, first, note = ws.drill(persona, topic, level)
    if note:
        print(note)
    print(send_help)
    _show(first)
    while ws.info(session_id).status != "finished":
        answer = read()
        if answer is None or answer.strip().lower() in {"/end", "/quit"}:
            break
        _show([t for t in ws.reply(session_id, answer) if t.kind != "closing"])
    card = ws.end(session_id)
    if not card.answers:
        print("No answer given; nothing to score.")
        return 0
    review = card.answers[0]
    print(f"\nScore: {review.overall:.1f} / 5")
    print("  " + ", ".join(f"{d} {v}" for d, v in review.dimensions.items()))
    print(f"\n{review.feedback}")
    for line in review.stronger_answer:
        print(f"  - {line}")
    flags = sorted({f.kind for f in card.flags})
    if flags:
        print(f"Flags: {', '.join(flags)}")
    return 0
