"""The Practice tab: set up an interview, answer in a chat, see the scorecard at the end.

This module only turns service calls into chat messages and component updates. Every turn
shown is rebuilt from the stored transcript (``service.get``) after each action, so what the
page shows is what was stored, and message ``i`` of the chat maps to a transcript turn through
``ChatState.turn_of`` (kept per browser session in ``gr.State``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import gradio as gr

from ..errors import SessionMoved
from ..models import LEVELS
from ..service import InterviewService
from .chat import (
    THINKING,
    ChatState,
    Streamed,
    chat_messages,
    feedback_values,
    progress_text,
    rating_for,
    says,
    stream_answer,
    timer_text,
    turn_for,
)
from .history import ScorecardView
from .identity import Identity, at_edge, user_message
from .render import escape_text
from .uploads import document_fields, optional_text

AUTO = "auto"  # let the job description choose the round
Updates = dict[Any, Any]


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
            if not 5 <= float(time_box or 0) <= 180:
                raise gr.Error("The time box is 5 to 180 minutes.")
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
                # A generator that yields nothing blanks its outputs: show the chat as it is.
                yield self.view(state.session_id, owner)
                return
            yield from stream_answer(
                self.service, owner, state, text, self.chat, self.answer, self.view
            )

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
