"""The Practice tab: set up an interview, answer in a chat, see the scorecard at the end.

This module only turns service calls into chat messages and component updates. Every turn
shown is rebuilt from the stored transcript (``service.get``) after each action, so what the
page shows is what was stored, and message ``i`` of the chat maps to a transcript turn through
``ChatState.turn_of`` (kept per browser session in ``gr.State``).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any, Generic, TypeVar, cast

import gradio as gr
from gradio.components.chatbot import MessageDict

from ..errors import SessionMoved
from ..live import Chunk
from ..models import LEVELS, Turn
from ..progress import Progress
from ..service import InterviewService
from .history import ScorecardView
from .identity import Identity, at_edge, user_message
from .render import escape_text
from .uploads import document_fields, optional_text

T = TypeVar("T")
AUTO = "auto"  # let the job description choose the round
THINKING = "…"
Updates = dict[Any, Any]


@dataclass
class ChatState:
    """One browser's interview in progress: what the chat shows and where it maps to."""

    progress: Progress
    messages: list[MessageDict] = field(default_factory=list)
    turn_of: list[int | None] = field(default_factory=list)  # chat index -> transcript turn
    last_seq: int | None = None  # the newest stored turn this window has seen

    @property
    def session_id(self) -> str:
        return self.progress.session_id

    @property
    def finished(self) -> bool:
        return self.progress.status == "finished"


# -- pure helpers (unit-tested) -----------------------------------------------------------------
def message_for(turn: Turn) -> MessageDict:
    """A chat message for a stored turn; every text escaped so it shows literally."""
    if turn.role == "candidate":
        text = "*Skipped this question.*" if turn.kind == "skip" else escape_text(turn.text)
        return MessageDict(role="user", content=text)
    return MessageDict(role="assistant", content=escape_text(turn.text))


def chat_messages(
    turns: list[Turn], keep: Callable[[Turn], bool] | None = None
) -> tuple[list[MessageDict], list[int | None]]:
    """Messages for the chat and, for each, the index of the transcript turn it shows."""
    messages: list[MessageDict] = []
    turn_of: list[int | None] = []
    for seq, turn in enumerate(turns):
        if keep is None or keep(turn):
            messages.append(message_for(turn))
            turn_of.append(seq)
    return messages, turn_of


def turn_for(turn_of: list[int | None], index: object) -> int | None:
    """The transcript turn behind chat message ``index`` (None if it shows no stored turn)."""
    if isinstance(index, list | tuple):
        index = index[0] if index else None
    if not isinstance(index, int) or not 0 <= index < len(turn_of):
        return None
    return turn_of[index]


def rating_for(liked: bool | str) -> str | None:
    """The chatbot's like value -> the stored rating: True 'up', False 'down', '' none."""
    if liked is True or liked == "Like":
        return "up"
    if liked is False or liked == "Dislike":
        return "down"
    return None


def feedback_values(
    turns: list[Turn], turn_of: list[int | None], ratings: dict[int, str | None]
) -> list[str | None]:
    """The chatbot's thumbs, one per assistant message, from the stored ratings."""
    shown = {"up": "Like", "down": "Dislike"}
    return [
        shown.get(ratings.get(seq) or "")
        for seq in turn_of
        if seq is not None and turns[seq].role == "interviewer"
    ]


def clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def progress_text(p: Progress) -> str:
    if p.status == "finished":
        return f"Finished · {p.answers} answer{'s' if p.answers != 1 else ''}"
    return f"Question {min(p.question_number, p.question_count)} of {p.question_count}"


def timer_text(p: Progress, now: datetime | None = None) -> str:
    elapsed = ((now or datetime.now(UTC)) - p.started_at).total_seconds()
    text = f"{clock(elapsed)} elapsed of {p.time_box_minutes} min"
    if p.status != "finished" and elapsed > p.time_box_minutes * 60:
        text += " · time is up: wrap up when you are ready"
    return text


class Streamed(Generic[T]):
    """Runs ``call(on_chunk)`` in a worker thread; iterating yields the text streamed so far.

    The interviewer's words arrive chunk by chunk from the provider (the offline one sends one
    chunk). If the page goes away mid-stream, the worker still finishes and stores the turn.
    """

    def __init__(self, call: Callable[[Chunk], T]) -> None:
        self._call = call
        self._chunks: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._result: T | None = None
        self._error: BaseException | None = None

    def _run(self) -> None:
        try:
            self._result = self._call(self._chunks.put)
        except BaseException as exc:  # handed to the caller's thread by result()
            self._error = exc
        finally:
            self._chunks.put(None)

    def __iter__(self) -> Iterator[str]:
        if self._thread is not None:
            raise RuntimeError("a streamed call runs once")
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        text = ""
        while (chunk := self._chunks.get()) is not None:
            text += chunk
            yield text

    def result(self) -> T:
        """The call's result (running it first if it was not iterated); re-raises its error."""
        if self._thread is None:
            for _ in self:
                pass
        assert self._thread is not None
        self._thread.join()
        if self._error is not None:
            raise self._error
        return cast(T, self._result)


class PracticeTab:
    """The components of the Practice tab and their event handlers."""

    def __init__(
        self,
        service: InterviewService,
        identity: Identity,
        browser_id: gr.BrowserState,
        scorecard: Callable[[str], ScorecardView],
    ) -> None:
        self.service, self.identity, self.browser_id = service, identity, browser_id
        personas = service.bank.personas
        choices = [("Let the job description decide", AUTO)]
        choices += [(f"{p.name} · {p.duration_minutes} min", p.id) for p in personas.values()]
        first = "behavioural" if "behavioural" in personas else next(iter(personas))
        self.state, self.banner_id = gr.State(None), gr.State(None)
        self.timer = gr.Timer(1.0, active=False)
        with gr.Row(visible=False, elem_classes="banner", equal_height=True) as self.banner:
            self.banner_text = gr.Markdown(elem_id="resume-banner")
            self.resume_latest = gr.Button(
                "Resume it", size="sm", variant="primary", scale=0, elem_id="resume-latest"
            )
        with gr.Column(elem_classes="setup") as self.setup:
            with gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    self.persona = gr.Dropdown(
                        choices, value=first, label="Interview round", elem_id="persona"
                    )
                    self.persona_info = gr.Markdown(
                        self._describe(first), elem_id="persona-info", elem_classes="hint"
                    )
                    with gr.Row():
                        self.role = gr.Textbox(
                            label="Role", placeholder="e.g. Backend engineer", elem_id="role"
                        )
                        self.level = gr.Dropdown(
                            list(LEVELS), value="mid", label="Level", elem_id="level"
                        )
                    minutes = personas[first].duration_minutes
                    self.time_box = gr.Slider(
                        5, 180, minutes, step=5, label="Time box (minutes)", elem_id="time-box"
                    )
                with gr.Column(scale=2):
                    self.jd, _ = document_fields("Job description", "jd")
                    self.resume, _ = document_fields("Resume", "resume")
            self.start = gr.Button(
                "Start the interview", variant="primary", size="lg", elem_id="start"
            )
        with gr.Column(visible=False, elem_classes="room") as self.room:
            with gr.Row(elem_classes="status", equal_height=True):
                self.title = gr.Markdown(elem_id="interview-title")
                self.progress = gr.Markdown(elem_id="progress", elem_classes="pill")
                self.clock = gr.Markdown(elem_id="timer", elem_classes="pill")
            self.chat = gr.Chatbot(
                elem_id="chat",
                height=520,
                show_label=False,
                group_consecutive_messages=False,
                feedback_options=("Like", "Dislike"),
                sanitize_html=True,
                layout="bubble",
                buttons=["copy", "copy_all"],
            )
            with gr.Column(elem_classes="controls") as self.controls:
                self.answer = gr.Textbox(
                    show_label=False,
                    lines=4,
                    max_lines=14,
                    elem_id="answer",
                    placeholder="Your answer. Enter starts a new line; Shift+Enter sends.",
                )
                with gr.Row():
                    self.send = gr.Button("Send answer", variant="primary", elem_id="send")
                    self.skip = gr.Button("Skip question", elem_id="skip")
                    self.repeat = gr.Button("Hear the question again", elem_id="repeat")
                    self.end = gr.Button("End and score", variant="stop", elem_id="end")
        self.card = scorecard("")
        self.again = gr.Button(
            "Start another interview", visible=False, variant="primary", elem_id="new-interview"
        )
        self._wire()

    @property
    def outputs(self) -> list[Any]:
        """Every component a handler of this tab may update."""
        panels = [self.state, self.banner, self.banner_text, self.banner_id, self.setup, self.room]
        panels += [self.controls, self.again]
        chat = [self.chat, self.title, self.progress, self.clock, self.timer, self.answer]
        return [*panels, *chat, *self.card.outputs]

    def _wire(self) -> None:
        private: dict[str, Any] = {"api_visibility": "private"}
        me, out = [self.state, self.browser_id], self.outputs
        info = [self.persona_info, self.time_box]
        self.persona.change(self._persona_changed, self.persona, info, **private)
        setup = [self.persona, self.role, self.level, self.time_box, self.jd, self.resume]
        self.start.click(self._start, [*setup, self.browser_id], out, **private)
        for trigger in (self.send.click, self.answer.submit):
            trigger(self._send, [self.answer, *me], out, **private)
        for button, name in ((self.skip, "skip"), (self.repeat, "repeat"), (self.end, "end")):
            button.click(self._action(name), me, out, **private)
        self.chat.like(self._rate, me, None, **private)
        self.timer.tick(self._tick, self.state, self.clock, show_progress="hidden", **private)
        self.again.click(self._new, None, out, **private)
        latest = [self.banner_id, self.browser_id]
        self.resume_latest.click(self.continue_session, latest, out, **private)

    def _describe(self, persona_id: str | None) -> str:
        if not persona_id or persona_id == AUTO:
            return "The round that fits your job description best (fundamentals without one)."
        return escape_text(self.service.bank.persona(persona_id).description)

    def _persona_changed(self, persona_id: str) -> tuple[str, Any]:
        minutes = 45
        if persona_id and persona_id != AUTO:
            minutes = self.service.bank.persona(persona_id).duration_minutes
        return self._describe(persona_id), gr.Slider(value=minutes)

    # -- handlers ---------------------------------------------------------------------------------
    def _start(
        self,
        persona: str,
        role: str,
        level: str,
        time_box: float,
        jd: str,
        resume: str,
        browser_id: str | None,
        request: gr.Request,
    ) -> Iterator[Updates]:
        with at_edge():
            owner = self.identity.owner(browser_id, request)
            jd_text = optional_text(jd, "job description")
            resume_text = optional_text(resume, "resume")
            chosen = None if persona in ("", AUTO) else persona
            hide, show = gr.Column(visible=False), gr.Column(visible=True)
            yield {self.setup: hide, self.banner: gr.Row(visible=False), self.room: show}
            yield {self.chat: [says(THINKING)], self.title: "### Preparing your interview…"}
            lvl = level if level in LEVELS else None
            start = partial(self.service.start, chosen, role.strip() or None, lvl, jd_text)
            job = Streamed(lambda on_chunk: start(resume_text, int(time_box), owner, on_chunk))
            for text in job:
                yield {self.chat: [says(escape_text(text))]}
            try:
                session_id, _ = job.result()
            except Exception:  # back to the form, filled in as it was; at_edge says why
                yield {self.setup: gr.Column(visible=True), self.room: gr.Column(visible=False)}
                raise
            yield self.view(session_id, owner)

    def _send(
        self, text: str, state: ChatState | None, browser_id: str | None, request: gr.Request
    ) -> Iterator[Updates]:
        with at_edge():
            owner = self.identity.owner(browser_id, request)
            if state is None or state.finished:
                raise gr.Error("Start an interview first.", print_exception=False)
            if not (text or "").strip():
                gr.Warning("Type your answer first, or press Skip question to move on.")
                return
            shown = [*state.messages, MessageDict(role="user", content=escape_text(text))]
            yield {self.chat: [*shown, says(THINKING)], self.answer: ""}
            sid, seen = state.session_id, state.last_seq
            job = Streamed(lambda on_chunk: self.service.reply(sid, text, owner, on_chunk, seen))
            for partial in job:
                yield {self.chat: [*shown, says(escape_text(partial))]}
            try:
                job.result()
            except SessionMoved as moved:  # answered in another window: nothing was recorded
                gr.Warning(user_message(moved))
                yield self.view(sid, owner) | {self.answer: text}
                return
            except Exception:  # the answer goes back in the box; at_edge says what happened
                yield {self.chat: state.messages, self.answer: text}
                raise
            yield self.view(sid, owner)

    def _action(self, name: str) -> Callable[..., Updates]:
        def act(state: ChatState | None, browser_id: str | None, request: gr.Request) -> Updates:
            with at_edge():
                owner = self.identity.owner(browser_id, request)
                if state is None or state.finished:
                    raise gr.Error("Start an interview first.", print_exception=False)
                sid = state.session_id
                if name == "skip":
                    try:
                        self.service.skip(sid, owner, after=state.last_seq)
                    except SessionMoved as moved:
                        gr.Warning(user_message(moved))
                elif name == "repeat":
                    self.service.repeat_question(sid, owner)
                else:
                    self.service.end(sid, owner)
                return self.view(sid, owner)

        return act

    def _rate(
        self,
        state: ChatState | None,
        browser_id: str | None,
        data: gr.LikeData,
        request: gr.Request,
    ) -> None:
        with at_edge():
            seq = turn_for(state.turn_of, data.index) if state else None
            if state is None or seq is None:
                return
            owner = self.identity.owner(browser_id, request)
            self.service.rate_turn(state.session_id, seq, rating_for(data.liked), owner)

    def _tick(self, state: ChatState | None) -> str:
        return timer_text(state.progress) if state is not None else ""

    def _new(self) -> Updates:
        out: Updates = {self.state: None, self.answer: "", **self.card.hidden()}
        out |= {self.chat: gr.Chatbot(value=[], visible=True)}
        out |= {self.setup: gr.Column(visible=True), self.room: gr.Column(visible=False)}
        return out | {self.again: gr.Button(visible=False), self.timer: gr.Timer(active=False)}

    def continue_session(
        self, session_id: str | None, browser_id: str | None, request: gr.Request
    ) -> Updates:
        """Continue an unfinished session (also after a restart: it is rebuilt from storage)."""
        with at_edge():
            owner = self.identity.owner(browser_id, request)
            if not session_id:
                raise gr.Error("Choose a session first.", print_exception=False)
            if self.service.info(session_id, owner).status == "finished":
                gr.Warning("That session is finished; open it in History to see its scorecard.")
                return {}
            return self.view(session_id, owner)

    def unfinished(self, browser_id: str | None, request: gr.Request) -> Updates:
        """On page load: offer to resume the latest unfinished interview, if any."""
        with at_edge():
            try:
                owner = self.identity.owner(browser_id, request)
            except gr.Error:
                return {}
            for info in self.service.list_sessions(owner):
                if info.status == "active" and info.mode == "interview":
                    name = escape_text(self.service.bank.persona(info.persona).name)
                    when = info.updated_at.strftime("%d %b, %H:%M UTC")
                    text = (
                        f"You have an unfinished **{name}** interview "
                        f"({info.answers} answered, last active {when})."
                    )
                    shown = {self.banner: gr.Row(visible=True), self.banner_text: text}
                    return shown | {self.banner_id: info.id}
            return {self.banner: gr.Row(visible=False), self.banner_id: None}

    # -- the view of a stored session -------------------------------------------------------------
    def view(self, session_id: str, owner: str) -> Updates:
        """Every output, rebuilt from the stored session (after each action, and on resume)."""
        service = self.service
        transcript = service.get(session_id, owner)
        progress = service.progress(session_id, owner)
        persona = service.bank.persona(progress.persona)
        messages, turn_of = chat_messages(transcript.turns)
        ratings = service.review.records.turn_ratings(session_id)
        finished = progress.status == "finished"
        state = ChatState(progress, messages, turn_of, len(transcript.turns) - 1)
        who = " · ".join(escape_text(x) for x in (transcript.role, transcript.level) if x)
        title = f"### {escape_text(persona.name)} interview" + (f"\n{who}" if who else "")
        thumbs = feedback_values(transcript.turns, turn_of, ratings)
        out: Updates = {self.state: state, self.title: title, self.answer: gr.Textbox()}
        out |= {self.banner: gr.Row(visible=False), self.setup: gr.Column(visible=False)}
        out |= {self.room: gr.Column(visible=True), self.again: gr.Button(visible=finished)}
        out |= {self.controls: gr.Column(visible=not finished), self.clock: timer_text(progress)}
        chat = gr.Chatbot(value=messages, feedback_value=thumbs, visible=True)  # type: ignore[arg-type]
        out |= {self.chat: chat if not finished else gr.Chatbot(visible=False)}
        out |= {self.progress: progress_text(progress), self.timer: gr.Timer(active=not finished)}
        if not finished:
            return out | self.card.hidden()
        card = service.end(session_id, owner)
        return out | self.card.show(transcript, card, persona.name)


def says(text: str) -> MessageDict:
    return MessageDict(role="assistant", content=text)
