"""The Drill tab: one question on a topic (or on the candidate's weakest dimension), one
answer, one probe, then an instant score with feedback and a stronger-answer outline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import gradio as gr
import pandas as pd  # type: ignore[import-untyped]
from gradio.components.chatbot import MessageDict

from ..models import DIMENSIONS, LEVELS, Dimension, Level, Turn
from ..scoring.scorecard import Scorecard
from ..service import InterviewService
from .chat import chat_messages, stream_answer
from .identity import Identity, at_edge
from .render import escape_text

WEAKEST = "My weakest dimension"
TOPIC_CHOICES = 40
Updates = dict[Any, Any]


@dataclass
class DrillState:
    session_id: str
    messages: list[MessageDict] = field(default_factory=list)
    last_seq: int | None = None  # the newest stored turn this window has seen


def drill_turns(turns: list[Turn]) -> list[MessageDict]:
    """The drill's chat: its question, the answer, the probe (the closing line is left out:
    the score shows instead)."""
    return chat_messages(turns, keep=lambda t: t.kind != "closing")[0]


def focus_note(dimension: Dimension | None) -> str:
    if dimension is None:
        return (
            "No scored interviews yet, so there is no weakest dimension to work on: "
            "here is a question from the bank. Finish an interview and this will aim at your gaps."
        )
    return f"Your weakest dimension lately is **{dimension}**; this question gives room to show it."


def result_markdown(card: Scorecard) -> str:
    if not card.answers:
        return "No answer was given, so there is nothing to score."
    review = card.answers[0]
    lines = [
        f"## {review.overall:.1f} / 5",
        "" if review.on_topic else "*This answer read as off topic.*",
        "",
        escape_text(review.feedback),
    ]
    if review.stronger_answer:
        lines += ["", "### A stronger answer would include", ""]
        lines += [f"- {escape_text(line)}" for line in review.stronger_answer]
    return "\n".join(lines)


def dimensions_frame(card: Scorecard) -> pd.DataFrame:
    dims = card.answers[0].dimensions if card.answers else {}
    rows = [{"dimension": d, "score": float(dims[d])} for d in DIMENSIONS if d in dims]
    return pd.DataFrame(rows, columns=["dimension", "score"])


class DrillTab:
    def __init__(
        self, service: InterviewService, identity: Identity, browser_id: gr.BrowserState
    ) -> None:
        self.service, self.identity, self.browser_id = service, identity, browser_id
        counts = Counter(service.bank.questions.topic_counts())
        topics = sorted(t for t, _ in counts.most_common(TOPIC_CHOICES))
        self.state = gr.State(None)
        gr.Markdown(
            "One question, your answer, one follow-up, then an instant score. "
            "Pick a topic (or type your own), or let it aim at your weakest dimension.",
            elem_classes="hint",
        )
        with gr.Row(equal_height=True):
            self.topic = gr.Dropdown(
                [WEAKEST, *topics],
                value=WEAKEST,
                allow_custom_value=True,
                label="Topic",
                elem_id="drill-topic",
                scale=3,
            )
            self.level = gr.Dropdown(
                list(LEVELS), value="mid", label="Level", elem_id="drill-level", scale=1
            )
            self.start = gr.Button(
                "Start a drill", variant="primary", scale=1, elem_id="drill-start"
            )
        self.note = gr.Markdown(elem_id="drill-note", elem_classes="hint")
        with gr.Column(visible=False) as self.room:
            self.chat = gr.Chatbot(
                elem_id="drill-chat",
                height=380,
                show_label=False,
                feedback_options=None,
                group_consecutive_messages=False,
                layout="bubble",
                buttons=["copy", "copy_all"],
            )
            with gr.Column() as self.controls:
                self.answer = gr.Textbox(
                    show_label=False,
                    lines=4,
                    max_lines=12,
                    elem_id="drill-answer",
                    placeholder="Your answer. Enter starts a new line; Shift+Enter sends.",
                )
                with gr.Row():
                    self.send = gr.Button("Send answer", variant="primary", elem_id="drill-send")
                    self.end = gr.Button("Score it now", elem_id="drill-end")
        with gr.Row(visible=False, equal_height=False) as self.result:
            self.score = gr.Markdown(elem_id="drill-score")
            self.chart = gr.BarPlot(
                x="dimension",
                y="score",
                y_lim=[0, 5],
                height=280,
                elem_id="drill-chart",
                title="Depth dimensions (1-5)",
                x_title="",
            )
        private: dict[str, Any] = {"api_visibility": "private"}
        outputs = [
            self.state,
            self.note,
            self.room,
            self.controls,
            self.chat,
            self.answer,
            self.result,
            self.score,
            self.chart,
        ]
        self.outputs = outputs
        self.start.click(self._start, [self.topic, self.level, browser_id], outputs, **private)
        for trigger in (self.send.click, self.answer.submit):
            trigger(self._send, [self.answer, self.state, browser_id], outputs, **private)
        self.end.click(self._end, [self.state, browser_id], outputs, **private)

    def _start(
        self, topic: str | None, level: str | None, browser_id: str | None, request: gr.Request
    ) -> Updates:
        with at_edge():
            owner = self.identity.owner(browser_id, request)
            focus: Dimension | None = None
            chosen = (topic or "").strip()
            lvl: Level | None = level if level in LEVELS else None
            if chosen in ("", WEAKEST):
                focus = self.service.weakest_dimension(owner)
                note = focus_note(focus)
                session_id, _, _ = self.service.drill(None, None, lvl, owner, focus=focus)
            else:
                session_id, _, found = self.service.drill(None, chosen, lvl, owner)
                note = escape_text(found) if found else f"A question on **{escape_text(chosen)}**."
            return {**self._view(session_id, owner), self.note: note}

    def _send(
        self, text: str, state: DrillState | None, browser_id: str | None, request: gr.Request
    ) -> Iterator[Updates]:
        with at_edge():
            owner = self.identity.owner(browser_id, request)
            if state is None:
                raise gr.Error("Start a drill first.", print_exception=False)
            if not (text or "").strip():
                gr.Warning("Type your answer first, or press Score it now.")
                # A generator that yields nothing blanks its outputs: show the chat as it is.
                yield self._view(state.session_id, owner)
                return
            yield from stream_answer(
                self.service, owner, state, text, self.chat, self.answer, self._view
            )

    def _end(
        self, state: DrillState | None, browser_id: str | None, request: gr.Request
    ) -> Updates:
        with at_edge():
            owner = self.identity.owner(browser_id, request)
            if state is None:
                raise gr.Error("Start a drill first.", print_exception=False)
            self.service.end(state.session_id, owner)
            return self._view(state.session_id, owner)

    def _view(self, session_id: str, owner: str) -> Updates:
        transcript = self.service.get(session_id, owner)
        messages = drill_turns(transcript.turns)
        finished = self.service.info(session_id, owner).status == "finished"
        out: Updates = {
            self.state: DrillState(session_id, messages, len(transcript.turns) - 1),
            self.room: gr.Column(visible=True),
            self.controls: gr.Column(visible=not finished),
            self.chat: messages,
            self.answer: "",
            self.result: gr.Row(visible=finished),
        }
        if finished:
            card = self.service.end(session_id, owner)
            out[self.score] = result_markdown(card)
            frame = dimensions_frame(card)
            out[self.chart] = frame
        return out
