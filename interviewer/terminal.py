"""The terminal chat and drill: read the candidate's input, show the interviewer's turns.

Everything else is the service's: every answer is stored before the reply is shown, so a crash
(or kill -9) loses nothing and `interviewer chat --resume SESSION_ID` continues where it stopped.

On a terminal, input goes through prompt_toolkit: a pasted block (paragraphs, code fences, any
length) arrives whole, because the terminal marks it as a paste (bracketed paste); Enter on an
empty line sends, except inside an open ``` code block; Esc then Enter sends at once; Ctrl-D on
an empty prompt ends the interview. Piped input (tests, scripts) is read line by line and an
empty line ends an answer. In both, a line like ``/end`` on its own is a command.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from .errors import NotFoundError, SessionMoved
from .markdown import for_terminal
from .models import Level, Turn

if TYPE_CHECKING:
    from .service import InterviewService

SEND_HELP = (
    "Type your answer, then press Enter on an empty line to send it (or Esc then Enter). "
    "Pasted text stays one answer, blank lines and code blocks included; inside an open ``` "
    "block Enter only adds a line. Ctrl-D on an empty prompt ends the interview; Ctrl-C "
    "pauses it (continue later with `interviewer chat --resume SESSION_ID`)."
)
PIPE_HELP = "Finish each answer with an empty line."
COMMANDS_HELP = "Commands: /skip, /repeat, /end, /help."
KNOWN_COMMANDS = frozenset(
    {"/help", "/skip", "/next", "/repeat", "/end", "/quit", "/exit", "/stop"}
)
END_COMMANDS = frozenset({"/end", "/quit", "/exit", "/stop"})
# A command is one line whose first word is a slash and letters: "/end", "/skip please". An
# answer that starts with a path ("/etc/hosts was wrong") or spans lines is not a command.
_COMMAND = re.compile(r"/[a-z][a-z-]*(?=\s|$)", re.IGNORECASE)

Reader = Callable[[], "str | None"]


def command_of(text: str) -> str | None:
    """The command word ("/end") if ``text`` is a one-line command, else None (an answer)."""
    text = text.strip()
    if "\n" in text:
        return None
    match = _COMMAND.match(text)
    return match.group(0).lower() if match else None


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
        line = line.rstrip("\r\n")
        if not lines and command_of(line):
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
        if not buffer.text.strip():
            buffer.reset()  # nothing typed yet: Enter does nothing (and Ctrl-D still ends)
        elif _sends(buffer.document.text, buffer.cursor_position, _keys_pending(event)):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    @bindings.add("escape", "enter")
    def _send(event) -> None:  # type: ignore[no-untyped-def]
        event.current_buffer.validate_and_handle()

    draft = Draft()

    @bindings.add("c-c")
    def _pause(event) -> None:  # type: ignore[no-untyped-def]
        draft.text = event.current_buffer.text  # shown again after the pause, never lost
        event.app.exit(exception=KeyboardInterrupt())

    session: PromptSession[str] = PromptSession(
        multiline=True, key_bindings=bindings, prompt_continuation="  "
    )

    def read() -> str | None:
        draft.text = ""
        try:
            return session.prompt("> ").rstrip()
        except EOFError:  # Ctrl-D on an empty prompt
            return None

    read.draft = draft  # type: ignore[attr-defined]
    return read


class Draft:
    """What was typed but not sent when the candidate pressed Ctrl-C."""

    def __init__(self) -> None:
        self.text = ""


def _sends(text: str, cursor: int, more_keys: bool) -> bool:
    """Whether Enter sends the answer (else it starts a new line).

    It sends a one-line command at once, and an answer when the cursor is on an empty last line,
    unless a ``` code block is still open (code has blank lines) or more keys are already waiting:
    a terminal without bracketed paste delivers a paste as keys, its blank lines as Enters.
    """
    if command_of(text):
        return True
    before, after = text[:cursor], text[cursor:]
    on_empty_last_line = not after.strip() and not before.rsplit("\n", 1)[-1].strip()
    return on_empty_last_line and not _open_fence(text) and not more_keys


def _open_fence(text: str) -> bool:
    """Whether a Markdown code fence (a line starting with ``` or ~~~) is still open."""
    fence = None
    for line in text.splitlines():
        mark = line.lstrip()[:3]
        if mark in ("```", "~~~") and (fence is None or mark == fence):
            fence = None if fence else mark
    return fence is not None


def _keys_pending(event) -> bool:  # type: ignore[no-untyped-def]
    """Whether more typed keys arrived together with this Enter (a paste without markers)."""
    from prompt_toolkit.keys import Keys

    queue = event.key_processor.input_queue
    return any(k.key != Keys.CPRResponse and k.data != "_Flush" for k in queue)


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
            print(for_terminal(ws.end(session_id).to_markdown()))
            return 0
        name = ws.bank.persona(info.persona).name
        print(f"\nResuming your {name} interview (session {session_id}). {send_help}")
        print(COMMANDS_HELP)
        first = ws.pending_turns(session_id)
        _show(first)
    else:
        session_id, first = ws.start(persona, role, level, jd, resume, time_box, progress=True)
        name = ws.bank.persona(ws.info(session_id).persona).name
        print(f"\n{name} interview (session {session_id}). {send_help}")
        print(COMMANDS_HELP)
        _show(first)
    seen = _last_seq(first, None)  # the last turn shown: answers apply to it, or are refused
    ended_early = False
    try:
        while ws.info(session_id).status != "finished":
            answer = read()
            if answer is None:
                ended_early = True
                break
            command = command_of(answer)
            if command == "/help":
                print(f"{send_help} {COMMANDS_HELP}")
                continue
            if command is not None and command not in KNOWN_COMMANDS:
                print(f"Unknown command {command!r}. {COMMANDS_HELP}")
                continue
            try:
                if command == "/repeat":
                    turns = ws.repeat_question(session_id)
                else:
                    turns = ws.reply(session_id, command or answer, after=seen)
            except SessionMoved as moved:
                print(f"\n{moved}\n")
                if command is None:
                    print(f"(What you wrote, not recorded:)\n{answer}\n")
                seen = _last_seq(ws.pending_turns(session_id), seen)
                continue
            _show(turns)
            seen = _last_seq(turns, seen)
    except KeyboardInterrupt:
        # A pause, not an end: everything sent is stored and the session stays open.
        draft = getattr(getattr(read, "draft", None), "text", "")
        if draft.strip():
            print(f"\n(Your unsent answer, shown so you can copy it:)\n{draft}")
        print(
            f"\n(Interview paused; every answer you sent is saved.) Continue with:\n"
            f"  interviewer chat --resume {session_id}"
        )
        return 130
    card = ws.end(session_id)
    if ended_early:
        _show(_farewell(ws, session_id))
    print(for_terminal(card.to_markdown()))
    print(
        f"Session {session_id} is stored. See it again with: "
        f"interviewer transcripts show {session_id}"
    )
    return 0


def _last_seq(turns: list[Turn], default: int | None) -> int | None:
    return turns[-1].seq if turns and turns[-1].seq is not None else default


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
        if answer is None:
            break
        command = command_of(answer)
        if command in END_COMMANDS:
            break
        if command == "/help":
            print(f"{send_help} /end stops the drill.")
            continue
        if command is not None and command not in KNOWN_COMMANDS:
            print(f"Unknown command {command!r}. /end stops the drill.")
            continue
        if command == "/repeat":
            _show(ws.repeat_question(session_id))
            continue
        _show([t for t in ws.reply(session_id, command or answer) if t.kind != "closing"])
    card = ws.end(session_id)
    if not card.answers:
        print("No answer given; nothing to score.")
        return 0
    review = card.answers[0]
    rubric = f"{card.overall:.1f} / 5" if card.overall is not None else "not enough evidence"
    print(f"\nScore: {review.overall:.1f} / 5 for this answer's depth (rubric score: {rubric})")
    print("  " + ", ".join(f"{d} {v}" for d, v in review.dimensions.items()))
    print(f"\n{review.feedback}")
    for line in review.stronger_answer:
        print(f"  - {line}")
    flags = sorted({f.kind for f in card.flags})
    if flags:
        print(f"Flags: {', '.join(flags)}")
    return 0
