"""The History tab (the candidate's sessions, progress charts, reopen and resume) and the
scorecard view it shares with the Practice tab.

Candidate text only reaches the page escaped: Markdown through ``render.escape_text``, the
transcript through ``render.transcript_html``.
"""

from __future__ import annotations

import json
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
import pandas as pd  # type: ignore[import-untyped]

from ..models import DIMENSIONS, SessionInfo, Transcript
from ..progress import HistoryPoint
from ..scoring.scorecard import Scorecard
from ..service import InterviewService
from ..transcripts import transcript_json, transcript_markdown
from .identity import Identity, at_edge
from .render import criteria_rows, escape_text, transcript_html

if TYPE_CHECKING:
    from .practice import PracticeTab

Updates = dict[Any, Any]
BY_DIMENSION = "dimensions"  # else the chart shows one round's rubric criteria (its persona id)
MIN_POINTS = 2  # a line needs two scored sessions
COLUMNS = ("Started", "Round", "Role", "Level", "Type", "Answers", "Status", "Score")


class Downloads:
    """This app's folder of transcript files to download (removed with the app)."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="interviewer-downloads-")

    def write(self, transcript: Transcript, card: Scorecard | None) -> tuple[str, str]:
        folder = Path(self._folder.name) / secrets.token_hex(8)
        folder.mkdir()
        stem = f"interview-{transcript.persona}-{(transcript.id or 'session')[:8]}"
        md, js = folder / f"{stem}.md", folder / f"{stem}.json"
        md.write_text(transcript_markdown(transcript, card), encoding="utf-8")
        data = transcript_json(transcript, card)
        js.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return str(md), str(js)


def _bullets(items: list[str], empty: str) -> list[str]:
    return [f"- {escape_text(i)}" for i in items] or [f"- {empty}"]


def summary_markdown(card: Scorecard, persona_name: str) -> str:
    """Overall score, strengths, gaps and the next drill (every text escaped)."""
    overall = f"{card.overall:.1f} / 5" if card.overall is not None else "not enough evidence"
    lines = [
        f"## Overall: {overall}",
        f"{escape_text(persona_name)} · judged by {escape_text(card.judge)}",
        "",
        "### Strengths",
        *_bullets(card.strengths, "none noted yet"),
        "",
        "### Gaps",
        *_bullets(card.gaps, "none noted"),
        "",
        "### Next thing to drill",
        escape_text(card.next_drill) if card.next_drill else "–",
    ]
    return "\n".join(lines)


def details_markdown(card: Scorecard) -> str:
    """A model judge's accuracy concerns and model use, stronger-answer outlines,
    answer-by-answer feedback, unscored criteria and flags."""
    lines: list[str] = []
    # A model judge's technical accuracy and the wrong claims it named, with their quotes.
    if card.technical_accuracy is not None and card.technical_accuracy.score is not None:
        level = f"{card.technical_accuracy.score:.1f} / 5"
        lines += [f"**Technical accuracy** (model judge, not in the overall): {level}", ""]
    if card.accuracy_concerns:
        lines += ["### Accuracy concerns", ""]
        lines += [
            f"- turn {a.turn}: “{escape_text(a.quote)}”: {escape_text(a.concern)}"
            for a in card.accuracy_concerns
        ]
        lines.append("")
    if card.model_tokens:
        cost = (
            f", estimated ${card.estimated_cost_usd:.4f}"
            if card.estimated_cost_usd is not None
            else ""
        )
        lines += [
            f"*Model use: {card.model_tokens:,} tokens in {card.model_requests} turns{cost}.*",
            "",
        ]
    if card.stronger_answers:
        lines += ["### What a stronger answer would include", ""]
        for s in card.stronger_answers:
            lines += [f"**{escape_text(s.question)}**", "", *_bullets(s.outline, "–"), ""]
    if card.answers:
        lines += ["### Answer by answer", ""]
        for i, a in enumerate(card.answers, 1):
            topic = "" if a.on_topic else " · off topic" if a.answered else " · no answer"
            lines += [
                f"**{i}. {escape_text(a.question)}**  ",
                f"{a.overall:.1f} / 5{topic}: {escape_text(a.feedback)}",
                "",
            ]
    unscored = [c.name for c in card.criteria if c.insufficient_evidence]
    if unscored:
        names = ", ".join(escape_text(n) for n in unscored)
        lines += [f"*Not scored (the interview gave no chance to show it): {names}.*", ""]
    if card.flags:
        lines += ["### Notes", ""]
        for f in card.flags:
            where = f" (turn {f.turn})" if f.turn is not None else ""
            lines.append(
                f"- {escape_text(f.kind.replace('_', ' '))}{where}: {escape_text(f.detail)}"
            )
    return "\n".join(lines)


def criteria_frame(card: Scorecard | None) -> pd.DataFrame:
    """Bar chart rows, numbered so the chart's (alphabetical) order is the rubric's order."""
    rows = criteria_rows(card) if card else []
    rows = [{**row, "criterion": f"{n}. {row['criterion']}"} for n, row in enumerate(rows, 1)]
    return pd.DataFrame(rows, columns=["criterion", "score"])


def sessions_frame(sessions: list[SessionInfo], names: Callable[[str], str]) -> pd.DataFrame:
    """The history table: one row per session, newest first."""
    rows = [
        (
            s.created_at.strftime("%Y-%m-%d %H:%M"),
            names(s.persona),
            s.role or "",
            s.level or "",
            "Drill" if s.mode == "drill" else "Interview",
            s.answers,
            "finished" if s.status == "finished" else "in progress",
            f"{s.overall:.1f}" if s.overall is not None else "–",
        )
        for s in sessions
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def progress_frame(points: list[HistoryPoint], metric: str) -> tuple[pd.DataFrame, int]:
    """Long-format rows (session, series, score) for the progress chart, oldest session first,
    and how many sessions they cover. ``metric`` is BY_DIMENSION (every scored session) or a
    persona id (that round's sessions, per rubric criterion). Sessions are labelled
    '1 · 30 Nov', '2 · 02 Dec'... so the axis reads as a sequence."""
    if metric != BY_DIMENSION:
        points = [p for p in points if p.persona == metric]
    rows = []
    for n, p in enumerate(points, 1):
        when = session_tick(n, p)
        values = p.dimensions if metric == BY_DIMENSION else p.criteria
        keys = [d for d in DIMENSIONS if d in values] if metric == BY_DIMENSION else list(values)
        rows += [{"session": when, "series": k, "score": float(values[k])} for k in keys]
    return pd.DataFrame(rows, columns=["session", "series", "score"]), len(points)


def session_tick(n: int, point: HistoryPoint) -> str:
    return f"{n} · {point.created_at:%d %b}"


def chart_note(points: int) -> str:
    if points == 0:
        return "Your progress chart appears once two sessions have been scored."
    return "One scored session so far: your progress chart appears after the next one."


def session_label(s: SessionInfo, name: str) -> str:
    score = f" · {s.overall:.1f}/5" if s.overall is not None else ""
    state = "" if s.status == "finished" else " · in progress"
    return f"{s.created_at:%Y-%m-%d %H:%M} · {name}{score}{state}"


class ScorecardView:
    """The scorecard: summary, bar chart per criterion, feedback, highlighted transcript and
    downloads. Element ids take a prefix so the Practice and History tabs can each have one."""

    def __init__(self, prefix: str, downloads: Downloads) -> None:
        self.downloads = downloads
        with gr.Column(visible=False, elem_classes="scorecard") as self.box:
            with gr.Row(equal_height=False):
                with gr.Column(scale=2, min_width=280):
                    self.summary = gr.Markdown(elem_id=f"{prefix}scorecard")
                with gr.Column(scale=3, min_width=320):
                    self.chart = gr.BarPlot(
                        x="criterion",
                        y="score",
                        y_lim=[0, 5],
                        height=320,
                        title="Score per criterion (1-5)",
                        x_title="",
                        y_title="score",
                        x_label_angle=-25,
                        elem_id=f"{prefix}criteria-chart",
                    )
            self.details = gr.Markdown(elem_id=f"{prefix}feedback")
            gr.Markdown(
                "### Transcript\nHighlighted: the words of yours that the scores rest on.",
                elem_classes="hint",
            )
            self.transcript = gr.HTML(elem_id=f"{prefix}transcript")
            with gr.Row():
                self.download_md = gr.DownloadButton(
                    "Download as Markdown", elem_id=f"{prefix}download-md"
                )
                self.download_json = gr.DownloadButton(
                    "Download as JSON", elem_id=f"{prefix}download-json"
                )

    @property
    def outputs(self) -> list[Any]:
        return [
            self.box,
            self.summary,
            self.chart,
            self.details,
            self.transcript,
            self.download_md,
            self.download_json,
        ]

    def show(self, transcript: Transcript, card: Scorecard | None, persona_name: str) -> Updates:
        md, js = self.downloads.write(transcript, card)
        if card is None:
            summary = (
                f"## {escape_text(persona_name)}: not finished yet\n"
                "Resume it to answer the rest and get your scorecard."
            )
            details = ""
        else:
            summary, details = summary_markdown(card, persona_name), details_markdown(card)
        frame = criteria_frame(card)
        return {
            self.box: gr.Column(visible=True),
            self.summary: summary,
            self.chart: gr.BarPlot(value=frame, visible=not frame.empty),
            self.details: details,
            self.transcript: transcript_html(transcript, card),
            self.download_md: gr.DownloadButton(value=md),
            self.download_json: gr.DownloadButton(value=js),
        }

    def hidden(self) -> Updates:
        return {self.box: gr.Column(visible=False)}


class HistoryTab:
    """The candidate's own sessions: table, progress chart, reopen and resume."""

    def __init__(
        self,
        service: InterviewService,
        identity: Identity,
        browser_id: gr.BrowserState,
        scorecard: Callable[[str], ScorecardView],
        practice: PracticeTab,
        tabs: gr.Tabs,
    ) -> None:
        self.service, self.identity, self.practice, self.tabs = service, identity, practice, tabs
        self.browser_id = browser_id
        self.ids, self.chart_data = gr.State([]), gr.State(None)
        with gr.Row(equal_height=True):
            gr.Markdown("### Your sessions", elem_classes="section-title")
            self.refresh_button = gr.Button(
                "Refresh", size="sm", scale=0, elem_id="history-refresh"
            )
        self.empty = gr.Markdown(
            "No sessions yet. Finish an interview or a drill and it appears here.",
            visible=False,
            elem_id="history-empty",
            elem_classes="hint",
        )
        self.table = gr.Dataframe(
            headers=list(COLUMNS),
            interactive=False,
            wrap=True,
            elem_id="history-table",
            max_height=360,
            show_search="none",
        )
        self.metric = gr.Radio(
            [("Depth dimensions", BY_DIMENSION)],
            value=BY_DIMENSION,
            label="Chart",
            elem_id="history-metric",
        )
        self.no_chart = gr.Markdown(
            chart_note(0), elem_id="history-chart-note", elem_classes="hint"
        )
        self.chart = gr.LinePlot(
            x="session",
            y="score",
            color="series",
            y_lim=[1, 5],
            height=320,
            title="Progress over time (1-5 per scored session)",
            x_title="session (oldest first)",
            visible=False,
            elem_id="history-chart",
        )
        with gr.Row(equal_height=True):
            self.pick = gr.Dropdown(
                label="Session",
                elem_id="history-session",
                scale=4,
                allow_custom_value=True,  # a pasted id works; the service checks the owner
            )
            self.reopen = gr.Button("Open transcript", scale=1, elem_id="reopen")
            self.resume = gr.Button(
                "Resume interview", variant="primary", scale=1, elem_id="resume-session"
            )
        self.card = scorecard("history-")
        self._wire()

    @property
    def listing(self) -> list[Any]:
        listing = [self.empty, self.table, self.ids, self.pick, self.chart, self.no_chart]
        return [*listing, self.chart_data, self.metric]

    def _wire(self) -> None:
        private: dict[str, Any] = {"api_visibility": "private"}
        me = [self.metric, self.browser_id]
        for trigger in (self.refresh_button.click, self.metric.input):
            trigger(self.refresh, me, self.listing, **private).then(
                self._draw, self.chart_data, self.chart, **private
            )
        self.table.select(self._picked, self.ids, self.pick, **private)
        self.reopen.click(self._reopen, [self.pick, self.browser_id], self.card.outputs, **private)
        self.resume.click(
            self._resume,
            [self.pick, self.browser_id],
            [*self.practice.outputs, self.tabs],
            **private,
        )

    def wire_tab(self, tab: gr.Tab) -> None:
        me = [self.metric, self.browser_id]
        tab.select(self.refresh, me, self.listing, api_visibility="private").then(
            self._draw, self.chart_data, self.chart, api_visibility="private"
        )

    def _name(self, persona_id: str) -> str:
        persona = self.service.bank.personas.get(persona_id)
        return persona.name if persona else persona_id

    def refresh(self, metric: str, browser_id: str | None, request: gr.Request) -> Updates:
        with at_edge():
            owner = self.identity.owner(browser_id, request)
            sessions = self.service.list_sessions(owner)
            points = self.service.history(owner)
            rounds = [
                (f"Criteria: {self._name(p)}", p) for p in dict.fromkeys(x.persona for x in points)
            ]
            metric = metric if metric in dict(rounds).values() else BY_DIMENSION
            frame, count = progress_frame(points, metric)
            choices = [(session_label(s, self._name(s.persona)), s.id) for s in sessions]
            return {
                self.empty: gr.Markdown(visible=not sessions),
                self.table: sessions_frame(sessions, self._name),
                self.ids: [s.id for s in sessions],
                self.pick: gr.Dropdown(choices=choices, value=choices[0][1] if choices else None),
                self.chart: gr.LinePlot(visible=False),  # shown by _draw, see there
                self.chart_data: (frame, count),
                self.no_chart: gr.Markdown(chart_note(count), visible=count < MIN_POINTS),
                self.metric: gr.Radio([("Depth dimensions", BY_DIMENSION), *rounds], value=metric),
            }

    def _draw(self, data: tuple[pd.DataFrame, int] | None) -> Any:
        """Show the progress chart, after ``refresh`` hid it. Gradio's LinePlot keeps the series
        of its first value when only its value changes, so it is hidden and shown again, which
        draws it afresh with the new series (dimensions or criteria, new rubrics)."""
        if data is None or data[1] < MIN_POINTS:
            return gr.LinePlot(visible=False)
        frame = data[0]
        ticks = list(dict.fromkeys(frame["session"]))
        return gr.LinePlot(value=frame, sort=ticks, visible=True)

    def _picked(self, ids: list[str], event: gr.SelectData) -> Any:
        index = event.index
        row = index[0] if isinstance(index, list | tuple) else index
        if isinstance(row, int) and 0 <= row < len(ids):
            return gr.Dropdown(value=ids[row])
        return gr.Dropdown()

    def _reopen(
        self, session_id: str | None, browser_id: str | None, request: gr.Request
    ) -> Updates:
        with at_edge():
            owner = self.identity.owner(browser_id, request)
            if not session_id:
                raise gr.Error("Choose a session first.", print_exception=False)
            transcript = self.service.get(session_id, owner)
            card = self.service.scorecard(session_id, owner)
            return self.card.show(transcript, card, self._name(transcript.persona))

    def _resume(
        self, session_id: str | None, browser_id: str | None, request: gr.Request
    ) -> Updates:
        shown = self.practice.continue_session(session_id, browser_id, request)
        return shown | {self.tabs: gr.Tabs(selected="practice")} if shown else {}
