"""The coach review tab: log in, list and filter transcripts, open one, override a criterion's
score with a reason, comment on a turn, export, and follow agreement and the audit trail.

Every handler takes the coach token (kept in a per-browser ``gr.State``, never in module state)
and checks it before it touches data, so the endpoints refuse unauthenticated calls even when
called directly. Candidate text reaches the page escaped: the transcript through
``render.transcript_html``, table cells as plain text, markdown through ``render.escape_text`` and
error messages through ``html.escape`` (gradio renders error messages as HTML).
"""

from __future__ import annotations

import html
import json
import re
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import gradio as gr
from pydantic import ValidationError

from ..errors import InterviewerError
from ..review import MIN_OVERRIDES_FOR_AGREEMENT, Agreement, Override, ReviewFilter, ReviewView
from . import render

if TYPE_CHECKING:
    from ..service import InterviewService

LOGIN_FAIL_DELAY = 1.0  # seconds a refused login waits, against password guessing
NOT_LOGGED_IN = "Log in as a coach first"
DISABLED = (
    "**Coach review is off.** To turn it on, set `INTERVIEWER_COACH_CREDENTIALS` to `name:hash` "
    "entries separated by commas, where each hash comes from `interviewer hash-password`, and "
    "restart the app."
)
LIST_HEADERS = ("session id", "date", "persona", "answers", "status", "overall", "flags",
                "overrides")  # fmt: skip
ANSWER_HEADERS = ("#", "question", "overall", "on topic", "dimensions", "feedback")
CRITERION_HEADERS = ("criterion", "name", "weight", "machine", "effective", "evidence")
RATING_HEADERS = ("turn", "interviewer said", "thumbs")
COMMENT_HEADERS = ("when", "coach", "turn", "comment")
AUDIT_HEADERS = ("when", "coach", "session", "criterion", "before -> after", "why")

Rows: TypeAlias = list[list[Any]]  # a gr.Dataframe value; the component holds the headers
Update: TypeAlias = dict[str, Any]  # what gr.update(...) returns


def refuse(message: str) -> gr.Error:
    """A message for the coach (plain text, shown as is), without a traceback in the log."""
    return gr.Error(html.escape(message), print_exception=False)


@contextmanager
def friendly_errors() -> Iterator[None]:
    """The product's errors (and pydantic's) become gr.Error messages; never a traceback."""
    try:
        yield
    except InterviewerError as exc:
        raise refuse(str(exc)) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise refuse(f"{where}: {first['msg']}" if where else first["msg"]) from None


def score_text(value: float | None, missing: str = "insufficient") -> str:
    return missing if value is None else f"{value:.1f}"


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def parse_day(text: str | None, end_of_day: bool = False) -> datetime | None:
    """``YYYY-MM-DD`` -> the start (or the last instant) of that UTC day; blank -> None."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise refuse(f"Dates are YYYY-MM-DD, not {text!r}") from None
    return day + timedelta(days=1, microseconds=-1) if end_of_day else day


def parse_number(value: str | float | None, what: str) -> float | None:
    """A number typed in a text box (blank -> None); gr.Error naming the field otherwise."""
    if value is None or isinstance(value, int | float):
        return value
    try:
        return float(value) if value.strip() else None
    except ValueError:
        raise refuse(f"{what} is a number, not {value!r}") from None


def agreement_markdown(a: Agreement) -> str:
    if not a.ready:
        more = MIN_OVERRIDES_FOR_AGREEMENT - a.overrides
        return (
            f"**Agreement:** {a.overrides} overridden criteria so far; {more} more needed before "
            f"agreement with the machine is reported (from {MIN_OVERRIDES_FOR_AGREEMENT})."
        )
    rho = "undefined (the scores do not vary)" if a.spearman is None else f"{a.spearman:.2f}"
    return (
        f"**Agreement** over {a.overrides} overridden criteria (latest override of each): "
        f"exact {a.exact or 0:.0%} · within one point {a.within_one or 0:.0%} · Spearman {rho}"
    )


def audit_rows(trail: list[Override]) -> Rows:
    """Every override, newest first: who, when, what, before -> after, why."""
    return [
        [when(o.created_at), o.coach, o.session_id, o.criterion_id,
         f"{score_text(o.before)} -> {score_text(o.after)}", o.reason]
        for o in reversed(trail)
    ]  # fmt: skip


class CoachReviewHandlers:
    """The tab's event handlers. Each checks the coach token before it reads or writes."""

    def __init__(self, service: InterviewService, fail_delay: float = LOGIN_FAIL_DELAY) -> None:
        self.service = service
        self.fail_delay = fail_delay
        # Workaround: the core's Resources._once holds a lock that is not re-entrant, and
        # coach_logins needs the secret and review the repository; build those first.
        _ = service.secret, service.repository

    def coach(self, token: str | None) -> str:
        """The coach a token names; gr.Error if it is missing, forged or expired."""
        name = self.service.coach_logins.who(token if isinstance(token, str) else None)
        if name is None:
            raise refuse(NOT_LOGGED_IN)
        return name

    def coach_on(self, token: str | None, session_id: str | None) -> str:
        coach = self.coach(token)
        if not session_id:
            raise refuse("Open a session first")
        return coach

    # -- login ------------------------------------------------------------------------------
    def login(self, user: str | None, password: str | None) -> tuple[Any, ...]:
        """token, status, password box, then the panels (``shown`` or ``hidden``)."""
        logins = self.service.coach_logins
        if not logins.enabled:
            raise refuse("Coach review is off: INTERVIEWER_COACH_CREDENTIALS is not set")
        token = logins.login(user or "", password or "")
        if token is None:
            time.sleep(self.fail_delay)
            return (None, "**Wrong coach name or password.**", "", *self.hidden())
        name = html.escape(logins.who(token) or "")
        return (token, f"Logged in as **{name}**.", "", *self.shown(token))

    def logout(self) -> tuple[Any, ...]:
        """Forget the token and empty every panel."""
        return (None, "Logged out.", "", *self.hidden())

    def shown(self, token: str) -> tuple[Any, ...]:
        """login form, logout button, panels, list, agreement, audit, then the opened session
        (current id, transcript, summary, answers, criteria, thumbs, comments, export), emptied."""
        show = (gr.update(visible=False), gr.update(visible=True), gr.update(visible=True))
        return (*show, self.search(token), *self.refresh(token), *self.closed())

    def hidden(self) -> tuple[Any, ...]:
        """The outputs of ``shown`` with the login form back and no data anywhere."""
        hide = (gr.update(visible=True), gr.update(visible=False), gr.update(visible=False))
        return (*hide, [], "", [], *self.closed())

    def closed(self) -> tuple[Any, ...]:
        return (None, "", "", [], [], [], [], gr.update(value=None, visible=False))

    # -- list -------------------------------------------------------------------------------
    def search(
        self,
        token: str | None,
        persona: str | None = None,
        since: str | None = None,
        until: str | None = None,
        min_score: str | float | None = None,
        max_score: str | float | None = None,
        flagged_only: bool = False,
    ) -> Rows:
        """One row per session (LIST_HEADERS), newest first, filtered."""
        self.coach(token)
        with friendly_errors():
            where = ReviewFilter(
                persona=persona or None,
                since=parse_day(since),
                until=parse_day(until, end_of_day=True),
                min_score=parse_number(min_score, "The minimum score"),
                max_score=parse_number(max_score, "The maximum score"),
                flagged_only=bool(flagged_only),
            )
            found = self.service.review.sessions(where)
        return [
            [r.session.id, when(r.session.created_at), r.session.persona, r.session.answers,
             r.session.status, score_text(r.session.overall, ""), ", ".join(r.flags), r.overrides]
            for r in found
        ]  # fmt: skip

    # -- one session ------------------------------------------------------------------------
    def open(self, token: str | None, session_id: str | None) -> tuple[Any, ...]:
        """current id, id box, summary, answers, criteria, transcript, thumbs, comments, the
        criterion choices for an override, and the export (hidden until asked for)."""
        self.coach(token)
        key = (session_id or "").strip()
        if not key:
            raise refuse("Enter a session id (or click a row of the table)")
        with friendly_errors():
            full_id = self.service.resolve(key)
            view = self.service.review.open(full_id)
        card = view.scorecard
        choices = [(f"{c.name} ({c.id})", c.id) for c in card.criteria] if card else []
        html_text = render.transcript_html(view.transcript, card)
        return (
            full_id, full_id, self.summary(view), self.answers(view), self.criteria(view),
            html_text, self.ratings(view), self.comments(view),
            gr.update(choices=choices, value=None), gr.update(value=None, visible=False),
        )  # fmt: skip

    def pick(self, token: str | None, evt: gr.SelectData) -> tuple[Any, ...]:
        """A click on a row of the list opens that session."""
        row = evt.row_value if isinstance(evt.row_value, list) else None
        return self.open(token, str(row[0]) if row else None)

    def summary(self, view: ReviewView) -> str:
        info, card = view.session, view.scorecard
        name, persona = render.escape_text(info.id), render.escape_text(info.persona)
        lines = [
            f"**Session {name}** · {persona} · {info.status} · {info.answers} answer{'' if info.answers == 1 else 's'} "
            f"· overall {score_text(info.overall, 'not scored')} · {when(info.created_at)}"
        ]
        for flag in card.flags if card else []:
            turn = f" (turn {flag.turn})" if flag.turn is not None else ""
            lines.append(f"- flag **{flag.kind}**{turn}: {render.escape_text(flag.detail)}")
        if card is None:
            lines.append("\nNo scorecard yet: the session must be finished before overrides.")
        return "\n".join(lines)

    def answers(self, view: ReviewView) -> Rows:
        """Per main question (ANSWER_HEADERS)."""
        return [
            [i + 1, a.question, f"{a.overall:.1f}", "yes" if a.on_topic else "no",
             " · ".join(f"{d} {v}" for d, v in a.dimensions.items()), a.feedback]
            for i, a in enumerate(view.scorecard.answers if view.scorecard else [])
        ]  # fmt: skip

    def criteria(self, view: ReviewView) -> Rows:
        """Per criterion (CRITERION_HEADERS): machine score, score after overrides, evidence."""
        return [
            [c.id, c.name, f"{c.weight:g}", score_text(c.score),
             score_text(view.effective.get(c.id, c.score)),
             " | ".join(f"[turn {e.turn}] “{e.quote}”" for e in c.evidence)]
            for c in (view.scorecard.criteria if view.scorecard else [])
        ]  # fmt: skip

    def ratings(self, view: ReviewView) -> Rows:
        """The candidate's thumbs on interviewer turns (RATING_HEADERS)."""
        turns, icons = view.transcript.turns, {"up": "👍 up", "down": "👎 down"}
        return [
            [seq, turns[seq].text[:160] if seq < len(turns) else "", icons.get(value, value)]
            for seq, value in sorted(view.ratings.items())
            if value
        ]

    def comments(self, view: ReviewView) -> Rows:
        """COMMENT_HEADERS; a comment without a turn is on the whole session."""
        return [
            [when(c.created_at), c.coach, "session" if c.seq is None else c.seq, c.text]
            for c in view.comments
        ]

    # -- changes ----------------------------------------------------------------------------
    def override(
        self,
        token: str | None,
        session_id: str | None,
        criterion_id: str | None,
        score: float | None,
        reason: str | None,
    ) -> tuple[Any, ...]:
        """criteria, reason box (emptied), agreement, audit."""
        coach = self.coach_on(token, session_id)
        assert session_id is not None  # checked by coach_on
        try:
            return self._override(token, session_id, criterion_id, score, reason, coach)
        except gr.Error as exc:  # a refused input: say so, and leave every panel as it was
            gr.Warning(exc.message)
            return (gr.skip(),) * 4

    def _override(
        self,
        token: str | None,
        session_id: str,
        criterion_id: str | None,
        score: float | None,
        reason: str | None,
        coach: str,
    ) -> tuple[Any, ...]:
        if not criterion_id:
            raise refuse("Choose the criterion to override")
        if score is None:
            raise refuse("Choose a score from 1 to 5")
        with friendly_errors():
            desk = self.service.review
            saved = desk.override(session_id, criterion_id, float(score), reason or "", coach)
            view = desk.open(session_id)
        before, after = score_text(saved.before), score_text(saved.after)
        gr.Info(html.escape(f"Override saved: {criterion_id} {before} -> {after}"))
        return self.criteria(view), "", *self.refresh(token)

    def comment(
        self, token: str | None, session_id: str | None, turn: str | float | None, text: str | None
    ) -> tuple[Any, ...]:
        """comments, comment box (emptied)."""
        coach = self.coach_on(token, session_id)
        assert session_id is not None
        try:
            return self._comment(session_id, turn, text, coach)
        except gr.Error as exc:  # a refused input: say so, and leave every panel as it was
            gr.Warning(exc.message)
            return gr.skip(), gr.skip()

    def _comment(
        self, session_id: str, turn: str | float | None, text: str | None, coach: str
    ) -> tuple[Any, ...]:
        number = parse_number(turn, "The turn")
        if number is not None and number != int(number):
            raise refuse("The turn is a whole number")
        seq = None if number is None else int(number)
        with friendly_errors():
            self.service.review.comment(session_id, seq, text or "", coach)
            view = self.service.review.open(session_id)
        return self.comments(view), ""

    def export(self, token: str | None, session_id: str | None) -> Update:
        """The opened session (transcript, scorecard, overrides, comments, thumbs) as a JSON
        file, shown for download."""
        self.coach_on(token, session_id)
        assert session_id is not None
        with friendly_errors():
            data = self.service.review.export(session_id)
        folder = Path(tempfile.mkdtemp(prefix="interviewer-review-"))
        path = folder / f"review-{re.sub(r'[^A-Za-z0-9_-]', '_', session_id)}.json"
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        return gr.update(value=str(path), visible=True)

    # -- across sessions --------------------------------------------------------------------
    def refresh(self, token: str | None) -> tuple[str, Rows]:
        """agreement, audit."""
        self.coach(token)
        with friendly_errors():
            desk = self.service.review
            return agreement_markdown(desk.agreement()), audit_rows(desk.audit())


def wire(triggers: list[Any], fn: Callable[..., Any], inputs: Any, outputs: Any, name: str) -> None:
    """An event whose endpoint is private: not in the API docs (it still checks the token)."""
    gr.on(triggers, fn, inputs, outputs, api_name=name, api_visibility="private")


def grid(headers: Sequence[str], label: str | None, elem_id: str) -> gr.Dataframe:
    return gr.Dataframe(
        headers=list(headers), label=label, interactive=False, wrap=True, elem_id=elem_id
    )


def review_tab(service: InterviewService) -> None:
    """Build the coach review tab inside the current Blocks (for instance inside a ``gr.Tab``)."""
    try:
        h = CoachReviewHandlers(service)
        enabled = service.coach_logins.enabled
    except InterviewerError as exc:  # e.g. a malformed INTERVIEWER_COACH_CREDENTIALS
        problem = render.escape_text(str(exc))
        gr.Markdown(f"{DISABLED}\n\nCoach review cannot start: {problem}", elem_id="coach-off")
        return
    if not enabled:
        gr.Markdown(DISABLED, elem_id="coach-off")
        return
    token = gr.State(None)  # per browser session, kept on the server
    current = gr.State(None)  # the opened session's id
    with gr.Row(elem_id="coach-login-form") as login_form:
        user = gr.Textbox(label="Coach name", elem_id="coach-user")
        password = gr.Textbox(label="Password", type="password", elem_id="coach-password")
        login_btn = gr.Button("Log in", variant="primary", elem_id="coach-login")
    with gr.Row(equal_height=True):
        status = gr.Markdown("Coaches only: log in to review transcripts.", elem_id="coach-status")
        logout_btn = gr.Button("Log out", visible=False, size="sm", scale=0, elem_id="coach-logout")
    personas = sorted(service.bank.personas.values(), key=lambda p: p.id)
    with gr.Column(visible=False, elem_id="review-panels") as panels:
        with gr.Row():
            persona = gr.Dropdown(
                [("Any persona", "")] + [(f"{p.name} ({p.id})", p.id) for p in personas],
                value="", label="Persona", elem_id="review-persona",
            )  # fmt: skip
            since = gr.Textbox(label="From (YYYY-MM-DD)", elem_id="review-from")
            until = gr.Textbox(label="To (YYYY-MM-DD)", elem_id="review-to")
            low = gr.Textbox(label="Min overall", placeholder="1-5", elem_id="review-min")
            high = gr.Textbox(label="Max overall", placeholder="1-5", elem_id="review-max")
            flagged = gr.Checkbox(label="Flagged only", elem_id="review-flagged")
            search_btn = gr.Button("Search", elem_id="review-search")
        listing = grid(LIST_HEADERS, "Transcripts (click a row to open it)", "review-table")
        with gr.Row():
            open_id = gr.Textbox(label="Session id", scale=4, elem_id="review-open")
            open_btn = gr.Button("Open", scale=1, elem_id="review-open-go")
        summary = gr.Markdown(elem_id="review-summary")
        answers = grid(ANSWER_HEADERS, "Per answer", "review-answers")
        criteria = grid(CRITERION_HEADERS, "Per criterion (after overrides)", "review-criteria")
        transcript = gr.HTML(elem_id="review-transcript")
        with gr.Row():
            ratings = grid(RATING_HEADERS, "Candidate's thumbs", "review-ratings")
            comments = grid(COMMENT_HEADERS, "Comments", "review-comments")
        with gr.Row():
            criterion = gr.Dropdown([], label="Criterion", elem_id="override-criterion")
            score = gr.Slider(1, 5, value=3, step=1, label="Score", elem_id="override-score")
            reason = gr.Textbox(label="Reason (required)", scale=2, elem_id="override-reason")
            override_btn = gr.Button("Save override", variant="primary", elem_id="override-save")
        with gr.Row():
            turn = gr.Textbox(
                label="Turn", placeholder="blank: the whole session", elem_id="comment-turn"
            )
            note = gr.Textbox(label="Comment", scale=3, elem_id="comment-text")
            comment_btn = gr.Button("Add comment", elem_id="comment-save")
        with gr.Row():
            export_btn = gr.Button("Export JSON", elem_id="review-export")
            export_file = gr.File(
                label="Export", interactive=False, visible=False, elem_id="review-export-file"
            )
        agreement = gr.Markdown(elem_id="review-agreement")
        audit = grid(AUDIT_HEADERS, "Audit trail (every override, newest first)", "review-audit")
        refresh_btn = gr.Button("Refresh agreement and audit", size="sm", elem_id="review-refresh")

    session = [current, transcript, summary, answers, criteria, ratings, comments, export_file]
    panel_outputs = [token, status, password, login_form, logout_btn, panels, listing]
    panel_outputs += [agreement, audit, *session]
    wire(
        [login_btn.click, password.submit], h.login, [user, password], panel_outputs, "coach_login"
    )
    wire([logout_btn.click], h.logout, None, panel_outputs, "coach_logout")
    filters = [token, persona, since, until, low, high, flagged]
    wire([search_btn.click], h.search, filters, listing, "review_list")
    opened = [current, open_id, summary, answers, criteria, transcript, ratings, comments]
    opened += [criterion, export_file]
    wire([open_btn.click, open_id.submit], h.open, [token, open_id], opened, "review_open")
    wire([listing.select], h.pick, [token], opened, "review_pick")
    changes = [criteria, reason, agreement, audit]
    inputs = [token, current, criterion, score, reason]
    wire([override_btn.click], h.override, inputs, changes, "review_override")
    inputs = [token, current, turn, note]
    wire([comment_btn.click, note.submit], h.comment, inputs, [comments, note], "review_comment")
    wire([export_btn.click], h.export, [token, current], export_file, "review_export")
    wire([refresh_btn.click], h.refresh, [token], [agreement, audit], "review_refresh")
